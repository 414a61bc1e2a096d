package bibid

import "strings"

// ValidISSN reports whether s is an ISSN ("1072-303X", "1072303x",
// "ISSN 0028-0836") with a correct check digit.
func ValidISSN(s string) bool {
	_, ok := NormaliseISSN(s)
	return ok
}

// NormaliseISSN finds the first ISSN-shaped token in s (eight characters,
// optionally hyphenated after the fourth, the last may be X) and returns it
// in the canonical hyphenated, upper-case form "NNNN-NNNC" and whether its
// check digit is right. When s holds no ISSN-shaped token it returns "" and
// false; when the check digit is wrong it returns the canonical form of the
// token and false.
func NormaliseISSN(s string) (string, bool) {
	tok := ExtractISSN(s)
	if tok == "" {
		return "", false
	}
	return tok[:4] + "-" + tok[4:], issnCheck(tok[:7]) == tok[7]
}

// ExtractISSN returns the first ISSN-shaped token in s as eight characters
// without hyphen ("1072303X"), or "" when there is none. The check digit is
// not verified.
func ExtractISSN(s string) string {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) || (i > 0 && isAlnum(s[i-1])) {
			continue
		}
		var b strings.Builder
		j := i
		for j < len(s) && b.Len() < 8 {
			c := s[j]
			switch {
			case isDigit(c):
				b.WriteByte(c)
			case (c == 'X' || c == 'x') && b.Len() == 7:
				b.WriteByte('X')
			case (c == '-' || c == ' ') && b.Len() == 4:
				// the one separator allowed, after the fourth digit
			default:
				j = len(s) + 1
				continue
			}
			j++
		}
		if j > len(s) || b.Len() != 8 {
			continue
		}
		if j < len(s) && isAlnum(s[j]) {
			continue // part of a longer number (an ISBN, a barcode)
		}
		return b.String()
	}
	return ""
}

// issnCheck computes the ISSN check character of seven digits.
func issnCheck(body string) byte {
	sum := 0
	for i := 0; i < 7; i++ {
		sum += int(body[i]-'0') * (8 - i)
	}
	r := (11 - sum%11) % 11
	if r == 10 {
		return 'X'
	}
	return byte('0' + r)
}
