// Package i18n is Interlend's message catalog: every piece of text a person
// reads (pages, flash messages, mail, PDFs) comes from here by key, so that
// a translation is a new messages/<locale>.json and nothing else. English
// ships; the pseudo-locale "x-pseudo" is generated from English (accented
// letters in brackets) so that a test can spot any text that bypassed the
// catalog. Dates, numbers and money are formatted per locale.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
)

//go:embed messages
var files embed.FS

// Default is the locale used when nothing else matches.
const Default = "en"

// Pseudo is the generated pseudo-locale.
const Pseudo = "x-pseudo"

// Catalog holds the messages of every locale.
type Catalog struct {
	mu       sync.RWMutex
	messages map[string]map[string]string // locale → key → text
}

var (
	defaultCatalog *Catalog
	loadOnce       sync.Once
)

// Load returns the catalog built from the embedded files (parsed once).
func Load() *Catalog {
	loadOnce.Do(func() {
		c, err := parse(files)
		if err != nil {
			panic(err) // the embedded files are checked by tests
		}
		defaultCatalog = c
	})
	return defaultCatalog
}

// parse reads messages/<locale>/*.json: each feature keeps its texts in its
// own file; a key defined twice in one locale is an error.
func parse(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{messages: map[string]map[string]string{}}
	locales, err := fs.ReadDir(fsys, "messages")
	if err != nil {
		return nil, err
	}
	for _, l := range locales {
		if !l.IsDir() {
			continue
		}
		locale := l.Name()
		m := map[string]string{}
		files, err := fs.Glob(fsys, "messages/"+locale+"/*.json")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, err
			}
			part := map[string]string{}
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", f, err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("i18n: %s: key %q is defined twice in %s", f, k, locale)
				}
				m[k] = v
			}
		}
		c.messages[locale] = m
	}
	en, ok := c.messages[Default]
	if !ok {
		return nil, fmt.Errorf("i18n: no messages/%s/", Default)
	}
	pseudo := make(map[string]string, len(en))
	for k, v := range en {
		pseudo[k] = Pseudolocalise(v)
	}
	c.messages[Pseudo] = pseudo
	return c, nil
}

// Locales lists the available locales.
func (c *Catalog) Locales() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]string, 0, len(c.messages))
	for l := range c.messages {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// Keys lists every English key.
func (c *Catalog) Keys() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]string, 0, len(c.messages[Default]))
	for k := range c.messages[Default] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Has reports whether key exists in English.
func (c *Catalog) Has(key string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.messages[Default][key]
	return ok
}

// Text returns the message for key in locale (falling back to English),
// with args substituted: {0}, {1}, ... or {name} for a map argument. A
// missing key renders as "⟦key⟧" so that it is visible, never empty.
func (c *Catalog) Text(locale, key string, args ...any) string {
	c.mu.RLock()
	msg, ok := c.messages[locale][key]
	if !ok {
		msg, ok = c.messages[Default][key]
	}
	c.mu.RUnlock()
	if !ok {
		return "⟦" + key + "⟧"
	}
	return substitute(msg, args)
}

// Plural picks key+".one" or key+".other" by n (English rules; other
// locales supply both forms) and substitutes n as {0}.
func (c *Catalog) Plural(locale, key string, n int, args ...any) string {
	form := ".other"
	if n == 1 {
		form = ".one"
	}
	return c.Text(locale, key+form, append([]any{n}, args...)...)
}

func substitute(msg string, args []any) string {
	if len(args) == 0 || !strings.Contains(msg, "{") {
		return msg
	}
	var named map[string]any
	if len(args) == 1 {
		if m, ok := args[0].(map[string]any); ok {
			named = m
		}
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(msg, '{')
		if i < 0 {
			b.WriteString(msg)
			break
		}
		j := strings.IndexByte(msg[i:], '}')
		if j < 0 {
			b.WriteString(msg)
			break
		}
		b.WriteString(msg[:i])
		name := msg[i+1 : i+j]
		var v any
		found := false
		if named != nil {
			v, found = named[name]
		} else {
			var n int
			if _, err := fmt.Sscanf(name, "%d", &n); err == nil && n >= 0 && n < len(args) {
				v, found = args[n], true
			}
		}
		if found {
			b.WriteString(fmt.Sprint(v))
		} else {
			b.WriteString(msg[i : i+j+1])
		}
		msg = msg[i+j+1:]
	}
	return b.String()
}

// Pseudolocalise turns English into the pseudo-locale: letters become
// accented look-alikes, placeholders stay as they are, and the whole is
// bracketed, so untranslated text stands out.
func Pseudolocalise(s string) string {
	var b strings.Builder
	b.WriteString("⟦")
	depth := 0
	for _, r := range s {
		switch {
		case r == '{':
			depth++
		case r == '}' && depth > 0:
			depth--
		}
		if depth == 0 {
			if p, ok := pseudoMap[r]; ok {
				b.WriteRune(p)
				continue
			}
		}
		b.WriteRune(r)
	}
	b.WriteString("⟧")
	return b.String()
}

var pseudoMap = func() map[rune]rune {
	from := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	to := "ÅƁĊĐĒƑĠĦĪĴĶĻМŃŌРǪŘŜŦŮṼŴẊÝŽåƀċđēƒġħīĵķļɱńōρǫřŝŧůṽŵẋýž"
	m := map[rune]rune{}
	tr := []rune(to)
	for i, r := range from {
		m[r] = tr[i]
	}
	return m
}()
