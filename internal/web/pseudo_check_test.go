package web_test

// The checker of the pseudo-locale test: a small tokenizer for the HTML
// our templates produce, and the rule for what may stay untranslated.

import (
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"interlend/internal/i18n"
)

var (
	// Dates and times as the formatter writes them (month names come from
	// Go's time package, not the catalog).
	dateTime = regexp.MustCompile(`\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}( \d{2}:\d{2})?\b|\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4}( \d{2}:\d{2})?`)
	// A missing key renders as ⟦key⟧, which is bracketed but not pseudo.
	missingKey = regexp.MustCompile(`⟦[a-z0-9_.-]+⟧`)
)

// untranslated returns the pieces of visible text in body that are
// neither pseudo-localised nor known data, with where they were found.
func untranslated(body string, data []string) []string {
	data = append([]string(nil), data...)
	sort.Slice(data, func(i, j int) bool { return len(data[i]) > len(data[j]) })
	var bad []string
	check := func(where, s string) {
		s = html.UnescapeString(s)
		if m := missingKey.FindString(s); m != "" {
			bad = append(bad, fmt.Sprintf("%s: missing catalog key %s", where, m))
			return
		}
		// Dates first: a known datum that happens to be a digit run of a
		// date ("25") must not break the date apart before it is matched.
		rest := dateTime.ReplaceAllString(stripPseudo(s), " ")
		for _, d := range data {
			if d != "" {
				rest = strings.ReplaceAll(rest, d, " ")
			}
		}
		if strings.IndexFunc(rest, unicode.IsLetter) >= 0 {
			bad = append(bad, fmt.Sprintf("%s: %q", where, strings.Join(strings.Fields(s), " ")))
		}
	}
	scanHTML(body, func(path, attr, text string) {
		where := path
		if attr != "" {
			where += "[" + attr + "]"
		}
		check(where, text)
	})
	return bad
}

// stripPseudo removes every ⟦…⟧ span (they may nest when a translated
// text is an argument of another).
func stripPseudo(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '⟦':
			depth++
		case r == '⟧' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

var checkedAttrs = map[string]bool{"title": true, "alt": true, "aria-label": true, "aria-description": true, "placeholder": true}

// scanHTML walks the HTML our templates produce and calls visit for every
// readable text node and checked attribute, skipping what translate="no"
// marks, scripts, styles and textarea contents. It is a small tokenizer
// for well-formed markup, not a full HTML5 parser.
func scanHTML(body string, visit func(path, attr, text string)) {
	type open struct {
		tag  string
		skip bool
	}
	var stack []open
	skipping := func() bool { return len(stack) > 0 && stack[len(stack)-1].skip }
	pathOf := func() string {
		parts := make([]string, 0, len(stack))
		for _, o := range stack {
			parts = append(parts, o.tag)
		}
		return strings.Join(parts, ">")
	}
	i := 0
	for i < len(body) {
		if body[i] != '<' {
			j := strings.IndexByte(body[i:], '<')
			if j < 0 {
				j = len(body) - i
			}
			if txt := body[i : i+j]; strings.TrimSpace(txt) != "" && !skipping() {
				visit(pathOf(), "", txt)
			}
			i += j
			continue
		}
		switch {
		case strings.HasPrefix(body[i:], "<!--"):
			end := strings.Index(body[i:], "-->")
			if end < 0 {
				return
			}
			i += end + 3
			continue
		case strings.HasPrefix(body[i:], "<!"):
			i += strings.IndexByte(body[i:], '>') + 1
			continue
		case strings.HasPrefix(body[i:], "</"):
			end := strings.IndexByte(body[i:], '>')
			tag := strings.ToLower(strings.TrimSpace(body[i+2 : i+end]))
			for k := len(stack) - 1; k >= 0; k-- {
				if stack[k].tag == tag {
					stack = stack[:k]
					break
				}
			}
			i += end + 1
			continue
		}
		tag, attrs, n := parseTag(body[i:])
		i += n
		skip := skipping() || attrs["translate"] == "no"
		if !skip {
			for name, v := range attrs {
				if checkedAttrs[name] || name == "value" && tag == "input" && (attrs["type"] == "submit" || attrs["type"] == "reset" || attrs["type"] == "button") {
					if strings.TrimSpace(v) != "" {
						visit(pathOf()+">"+tag, name, v)
					}
				}
			}
		}
		switch {
		case tag == "script" || tag == "style" || tag == "textarea":
			end := strings.Index(strings.ToLower(body[i:]), "</"+tag)
			if end < 0 {
				return
			}
			i += end
		case !voidElements[tag] && !strings.HasSuffix(strings.TrimSpace(body[i-n:i-1]), "/"):
			stack = append(stack, open{tag: tag, skip: skip})
		}
	}
}

// parseTag reads "<tag a="b" c>" at the start of s: the tag name, its
// attributes and the length read.
func parseTag(s string) (string, map[string]string, int) {
	attrs := map[string]string{}
	i := 1
	start := i
	for i < len(s) && !strings.ContainsRune(" \t\n\r/>", rune(s[i])) {
		i++
	}
	tag := strings.ToLower(s[start:i])
	for i < len(s) {
		for i < len(s) && strings.ContainsRune(" \t\n\r/", rune(s[i])) {
			i++
		}
		if i >= len(s) || s[i] == '>' {
			break
		}
		ns := i
		for i < len(s) && !strings.ContainsRune(" \t\n\r=/>", rune(s[i])) {
			i++
		}
		name := strings.ToLower(s[ns:i])
		val := ""
		if i < len(s) && s[i] == '=' {
			i++
			if i < len(s) && (s[i] == '"' || s[i] == '\'') {
				q := s[i]
				end := strings.IndexByte(s[i+1:], q)
				if end < 0 {
					end = len(s) - i - 1
				}
				val = s[i+1 : i+1+end]
				i += end + 2
			} else {
				vs := i
				for i < len(s) && !strings.ContainsRune(" \t\n\r>", rune(s[i])) {
					i++
				}
				val = s[vs:i]
			}
		}
		attrs[name] = html.UnescapeString(val)
	}
	return tag, attrs, min(i+1, len(s))
}

func TestScanHTMLFindsUntranslatedText(t *testing.T) {
	t.Parallel()
	p := func(s string) string { return i18n.Pseudolocalise(s) }
	tests := []struct {
		name, body string
		bad        int
	}{
		{"pseudo text", `<p>` + p("Hello") + `</p>`, 0},
		{"plain text", `<p>Hello</p>`, 1},
		{"nested pseudo with data", `<p>` + p("Welcome, {0}.") + `</p>`, 0},
		{"attribute", `<button aria-label="Close">` + p("x") + `</button>`, 1},
		{"placeholder", `<input placeholder="` + p("Scan") + `">`, 0},
		{"submit value", `<input type="submit" value="Go">`, 1},
		{"text input value is data", `<input type="text" value="anything">`, 0},
		{"translate=no", `<span translate="no">raw <b>data</b></span><p>` + p("ok") + `</p>`, 0},
		{"script and textarea", `<script>var x = "text";</script><textarea>free text</textarea>`, 0},
		{"known data", `<td>Ada manager</td>`, 0},
		{"date", `<td>2 Mar 2026 14:05</td>`, 0},
		{"missing key", `<p>⟦platform.nope⟧</p>`, 1},
		{"comment", `<!-- hello --><p>` + p("a") + `</p>`, 0},
		{"entity", `<p>Tom &amp; Jerry</p>`, 1},
	}
	for _, tc := range tests {
		if got := untranslated(tc.body, []string{"Ada manager"}); len(got) != tc.bad {
			t.Errorf("%s: got %v, want %d problems", tc.name, got, tc.bad)
		}
	}
}

// Every key a page template names literally must be in the catalog.
func TestTemplateKeysExist(t *testing.T) {
	t.Parallel()
	cat := i18n.Load()
	files, _ := filepath.Glob("templates/*/*.html")
	more, _ := filepath.Glob("templates/*.html")
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range templateKey.FindAllStringSubmatch(string(b), -1) {
			if !cat.Has(m[1]) && !cat.Has(m[1]+".one") {
				t.Errorf("%s: catalog key %q is missing", f, m[1])
			}
		}
	}
}
