package openurl

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// rawPair is one key=value of a KEV string, still percent-encoded.
type rawPair struct{ key, val string }

// splitKEV splits a KEV string on '&' (also on the HTML-escaped forms
// "&amp;", "&#38;" and "&#x26;" that links copied out of HTML carry). It
// does not split on ';', which is common inside values (Ovid pid, lists of
// ISBNs). Surrounding ASCII white space is trimmed from each pair (it is
// never meaningful in a KEV and appears in hand-wrapped POST bodies); empty
// pairs are skipped. At most limit pairs are returned; dropped counts the
// rest.
func splitKEV(s string, limit int) (pairs []rawPair, dropped int) {
	for len(s) > 0 {
		var part string
		if i := strings.IndexByte(s, '&'); i >= 0 {
			part, s = s[:i], skipEscapedAmp(s[i+1:])
		} else {
			part, s = s, ""
		}
		part = strings.Trim(part, " \t\r\n")
		if part == "" {
			continue
		}
		if len(pairs) >= limit {
			dropped++
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		pairs = append(pairs, rawPair{key: k, val: v})
	}
	return pairs, dropped
}

// skipEscapedAmp drops the rest of an HTML-escaped '&' (even escaped
// several times, "&amp;amp;") at the start of s. A KEV key cannot start
// with "amp;" or "#", so this never eats a real key.
func skipEscapedAmp(s string) string {
	for {
		switch {
		case hasPrefixFold(s, "amp;"):
			s = s[4:]
		case strings.HasPrefix(s, "#38;"):
			s = s[4:]
		case hasPrefixFold(s, "#x26;"):
			s = s[5:]
		default:
			return s
		}
	}
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// unescape decodes '+' as a space and %XY as a byte. A '%' not followed
// by two hex digits is kept as it is; ok is false when that happened.
func unescape(s string) (out string, ok bool) {
	if !strings.ContainsAny(s, "%+") {
		return s, true
	}
	ok = true
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b = append(b, ' ')
		case '%':
			if i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
				i += 2
			} else {
				b = append(b, '%')
				ok = false
			}
		default:
			b = append(b, c)
		}
	}
	return string(b), ok
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// charset is how the bytes of a value are turned into text.
type charset int

const (
	charsetUnset  charset = iota
	charsetUTF8           // UTF-8; invalid bytes read as Windows-1252
	charsetLatin1         // ISO-8859-1, read as Windows-1252 (WHATWG)
)

// charsetOf reads a ctx_enc value (info:ofi/enc:UTF-8) or a charset name
// from SFX's __char_set or an HTTP Content-Type.
func charsetOf(v string) (charset, bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	v = strings.TrimPrefix(v, "info:ofi/enc:")
	switch v {
	case "utf-8", "utf8":
		return charsetUTF8, true
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "iso_8859-1", "windows-1252", "cp1252":
		return charsetLatin1, true
	}
	return charsetUnset, false
}

// win1252 maps the bytes 0x80-0x9F; 0 marks the five unassigned ones,
// which stay C1 controls (and are then cleaned away).
var win1252 = [32]rune{
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
}

func win1252Rune(b byte) rune {
	if b >= 0x80 && b <= 0x9F && win1252[b-0x80] != 0 {
		return win1252[b-0x80]
	}
	return rune(b)
}

// toText turns decoded bytes into a string. In Latin-1 every byte is a
// character. In UTF-8, valid sequences are kept and each invalid byte is
// read as Windows-1252 (the usual cause is an undeclared Latin-1 source);
// repaired reports that.
func toText(b string, cs charset) (s string, repaired bool) {
	ascii := true
	for i := 0; i < len(b); i++ {
		if b[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return b, false
	}
	if cs != charsetLatin1 && utf8.ValidString(b) {
		return b, false
	}
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/2)
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			sb.WriteByte(c)
			i++
			continue
		}
		if cs != charsetLatin1 {
			if r, size := utf8.DecodeRuneInString(b[i:]); r != utf8.RuneError || size > 1 {
				sb.WriteString(b[i : i+size])
				i += size
				continue
			}
			repaired = true
		}
		sb.WriteRune(win1252Rune(c))
		i++
	}
	return sb.String(), repaired
}

// clean turns control characters and runs of white space into one space
// and trims the ends, so that junk bytes cannot reach a form or a message.
func clean(s string) string {
	simple := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7F || c >= utf8.RuneSelf || (c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ')) {
			simple = false
			break
		}
	}
	if simple {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError || r == '\uFEFF' {
			space = sb.Len() > 0
			continue
		}
		if space {
			sb.WriteByte(' ')
			space = false
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// truncate cuts s to at most n bytes at a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// validKey reports whether a decoded key is usable: printable ASCII, no
// spaces, at most MaxKeyBytes. (Z39.88 is stricter, but vendors send keys
// such as _service_type and __char_set.)
func validKey(k string) bool {
	if k == "" || len(k) > MaxKeyBytes {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] <= ' ' || k[i] >= 0x7F {
			return false
		}
	}
	return true
}
