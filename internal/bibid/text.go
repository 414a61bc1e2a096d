package bibid

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// foldSpecial maps letters that Unicode decomposition leaves alone to the
// ASCII a cataloguer would match them with.
var foldSpecial = map[rune]string{
	'ø': "o", 'Ø': "o", 'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d",
	'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'ß': "ss",
	'þ': "th", 'Þ': "th", 'ð': "d", 'Ð': "d", 'ı': "i",
	// Modifier letters used for alif, ayn and soft/hard signs in
	// romanised titles carry no matching value.
	'ʹ': "", 'ʺ': "", 'ʻ': "", 'ʼ': "", 'ʾ': "", 'ʿ': "",
}

// Fold returns s decomposed (NFKD), without combining marks, with the few
// letters that do not decompose spelled in ASCII and lower-cased. Scripts
// other than Latin keep their letters (Cyrillic, CJK, ...).
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if rep, ok := foldSpecial[r]; ok {
			b.WriteString(rep)
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// leadingArticles are dropped from the start of a normalised title. French
// elided forms (l', d') arrive here as "l" and "d" after punctuation is
// turned into spaces.
var leadingArticles = map[string]bool{
	// English
	"the": true, "a": true, "an": true,
	// French
	"le": true, "la": true, "les": true, "l": true, "un": true, "une": true,
	// German
	"der": true, "die": true, "das": true, "den": true, "dem": true, "des": true,
	"ein": true, "eine": true, "einen": true, "einem": true, "einer": true,
	// Spanish
	"el": true, "los": true, "las": true, "una": true, "unos": true, "unas": true,
}

// NormaliseTitle folds a title for matching: diacritics stripped (Fold),
// lower case, "&" spelled "and", every other non-letter non-digit turned
// into a space, runs of space collapsed, and one leading English, French,
// German or Spanish article dropped when words remain after it. Subtitles
// are kept; see NormaliseMainTitle.
func NormaliseTitle(s string) string {
	words := titleWords(s)
	if len(words) > 1 && leadingArticles[words[0]] {
		words = words[1:]
	}
	return strings.Join(words, " ")
}

// NormaliseMainTitle is NormaliseTitle applied to the title proper only: the
// text before the first subtitle colon, parallel-title " = " or
// statement-of-responsibility " / ". "Silent spring : [a classic]" and
// "Silent Spring" give the same key.
func NormaliseMainTitle(s string) string {
	return NormaliseTitle(MainTitle(s))
}

// MainTitle returns the part of s before its first ":", " = " or " / ".
func MainTitle(s string) string {
	cut := len(s)
	if i := strings.IndexByte(s, ':'); i >= 0 && i < cut {
		cut = i
	}
	for _, sep := range []string{" = ", " / "} {
		if i := strings.Index(s, sep); i >= 0 && i < cut {
			cut = i
		}
	}
	if strings.TrimSpace(s[:cut]) == "" {
		return s
	}
	return s[:cut]
}

// titleWords folds s and splits it into words of letters and digits.
func titleWords(s string) []string {
	f := Fold(s)
	var words []string
	start := -1
	flush := func(end int) {
		if start >= 0 {
			words = append(words, f[start:end])
			start = -1
		}
	}
	for i, r := range f {
		switch {
		case r == '&':
			flush(i)
			words = append(words, "and")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
		default:
			flush(i)
		}
	}
	flush(len(f))
	return words
}

// nameParticles are lower-case surname particles dropped from the surname
// key so that "Beethoven, Ludwig van" and "Ludwig van Beethoven" agree.
var nameParticles = map[string]bool{
	"van": true, "von": true, "de": true, "der": true, "den": true, "du": true,
	"da": true, "di": true, "del": true, "della": true, "des": true, "la": true,
	"le": true, "ten": true, "ter": true, "zu": true,
}

// nameSuffixes are generational and honorific suffixes that are not part of
// either name.
var nameSuffixes = map[string]bool{
	"jr": true, "sr": true, "ii": true, "iii": true, "iv": true,
	"phd": true, "md": true, "dr": true, "prof": true,
}

// NormaliseAuthor folds a personal name into the key "surname i" (surname,
// space, first initial) so that "Carson, Rachel, 1907-1964", "Rachel
// Carson", "Carson, R." and "RACHEL L. CARSON" all give "carson r". Dates,
// relator terms after the forename ("author.") and suffixes such as "Jr."
// are ignored. A name of one word gives that word.
func NormaliseAuthor(s string) string {
	var surname, forenames []string
	if i := strings.IndexByte(s, ','); i >= 0 {
		surname = nameWords(s[:i])
		rest := s[i+1:]
		// "Carson, Rachel, 1907-1964, author." keeps only the part up to
		// the next comma as forenames.
		if j := strings.IndexByte(rest, ','); j >= 0 {
			rest = rest[:j]
		}
		forenames = nameWords(rest)
	} else {
		words := nameWords(s)
		if len(words) > 0 {
			// The surname starts at the first particle before the last word,
			// or is the last word.
			k := len(words) - 1
			for k > 0 && nameParticles[words[k-1]] {
				k--
			}
			surname, forenames = words[k:], words[:k]
		}
	}
	for len(surname) > 1 && nameParticles[surname[0]] {
		surname = surname[1:]
	}
	key := strings.Join(surname, " ")
	if len(forenames) > 0 && key != "" {
		key += " " + string([]rune(forenames[0])[:1])
	}
	return key
}

// nameWords folds s into words of letters, dropping digits (dates) and
// suffixes.
func nameWords(s string) []string {
	var out []string
	for _, w := range titleWords(s) {
		if nameSuffixes[w] || strings.IndexFunc(w, unicode.IsDigit) >= 0 {
			continue
		}
		out = append(out, w)
	}
	return out
}
