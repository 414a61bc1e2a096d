package copyright

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// leadingArticles are dropped from the front of a title (English, French,
// Spanish, German, Italian, Dutch). Matching both variants the same way is
// what matters, so a rare wrong drop ("Die Casting ...") does no harm.
var leadingArticles = map[string]bool{
	"the": true, "a": true, "an": true,
	"le": true, "la": true, "les": true, "l": true,
	"el": true, "los": true, "las": true,
	"der": true, "die": true, "das": true,
	"il": true, "lo": true, "gli": true,
	"het": true,
}

// foldLetters maps letters that Unicode decomposition leaves whole.
var foldLetters = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d",
	'ł': "l", 'þ': "th", 'ı': "i",
}

// NormaliseTitle reduces a journal or work title to a matching form, so that
// variants of one title meet in one counter (R2): a subtitle (after ":", " = "
// or " / ") and a trailing qualifier in brackets are dropped, diacritics are
// removed, "&" reads as "and", punctuation becomes space, case is folded and
// a leading article is dropped. Commas do not start a subtitle: "Journal of
// Interlibrary Loan, Document Delivery & Electronic Reserve" stays a different
// title from "Journal of Interlibrary Loan".
//
// It returns "" for a title with no letters or digits.
func NormaliseTitle(s string) string {
	s = cutSubtitle(s)
	s = cutTrailingQualifier(s)
	s = dropElidedArticle(s)
	if !isASCII(s) {
		s = norm.NFKD.String(s)
	}

	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r < utf8.RuneSelf {
			c := byte(r)
			switch {
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
				b.WriteByte(c)
			case c >= 'A' && c <= 'Z':
				b.WriteByte(c + 'a' - 'A')
			case c == '&':
				b.WriteString(" and ")
			case c == '\'' || c == '`':
				// An apostrophe joins: "children's" -> "childrens".
			default:
				b.WriteByte(' ')
			}
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		switch {
		case isApostrophe(r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if f, ok := foldLetters[r]; ok {
				b.WriteString(f)
			} else {
				b.WriteRune(r)
			}
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	if len(words) > 1 && leadingArticles[words[0]] {
		words = words[1:]
	}
	return strings.Join(words, " ")
}

// dropElidedArticle removes a French elided article at the start of a
// title: "L'Année philologique" -> "Année philologique".
func dropElidedArticle(s string) string {
	t := strings.TrimSpace(s)
	if len(t) < 3 || (t[0] != 'l' && t[0] != 'L') {
		return s
	}
	r, n := utf8.DecodeRuneInString(t[1:])
	if !isApostrophe(r) {
		return s
	}
	rest := t[1+n:]
	if next, _ := utf8.DecodeRuneInString(rest); !unicode.IsLetter(next) {
		return s
	}
	return rest
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '\u2019' || r == '\u02bc' || r == '`'
}

// cutSubtitle keeps the title proper: text before the first ":" or ISBD's
// " = " (parallel title) or " / " (statement of responsibility).
func cutSubtitle(s string) string {
	cut := len(s)
	for _, sep := range []string{":", " = ", " / "} {
		if i := strings.Index(s, sep); i > 0 && i < cut {
			cut = i
		}
	}
	return s[:cut]
}

// cutTrailingQualifier drops "(Online)", "[electronic resource]" and the
// like from the end of a title, repeatedly; a title that is nothing but a
// bracketed phrase is kept.
func cutTrailingQualifier(s string) string {
	for {
		t := strings.TrimSpace(s)
		if t == "" {
			return t
		}
		var open byte
		switch t[len(t)-1] {
		case ')':
			open = '('
		case ']':
			open = '['
		default:
			return t
		}
		i := strings.LastIndexByte(t, open)
		if i <= 0 || strings.TrimSpace(t[:i]) == "" {
			return t
		}
		s = t[:i]
	}
}
