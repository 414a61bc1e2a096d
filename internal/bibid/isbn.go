package bibid

import (
	"errors"
	"strings"
)

// ErrInvalidISBN is returned by the conversions when the input is not a
// well-formed ISBN with a correct check digit.
var ErrInvalidISBN = errors.New("bibid: invalid ISBN")

// CleanISBN removes hyphens and spaces and upper-cases a trailing x. It does
// not validate.
func CleanISBN(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			b.WriteByte(c)
		case c == 'x' || c == 'X':
			b.WriteByte('X')
		case c == '-' || c == ' ' || c == '\u00a0':
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// ValidISBN10 reports whether s (hyphens and spaces allowed) is an ISBN-10
// with a correct check digit.
func ValidISBN10(s string) bool {
	s = CleanISBN(s)
	if len(s) != 10 || !allDigits(s[:9]) {
		return false
	}
	return isbn10Check(s[:9]) == s[9]
}

// ValidISBN13 reports whether s (hyphens and spaces allowed) is an ISBN-13
// (prefix 978 or 979) with a correct check digit.
func ValidISBN13(s string) bool {
	s = CleanISBN(s)
	if len(s) != 13 || !allDigits(s) {
		return false
	}
	if !strings.HasPrefix(s, "978") && !strings.HasPrefix(s, "979") {
		return false
	}
	return ean13Check(s[:12]) == s[12]
}

// ISBN10To13 converts a valid ISBN-10 to its 978-prefixed ISBN-13, without
// hyphens.
func ISBN10To13(s string) (string, error) {
	c := CleanISBN(s)
	if !ValidISBN10(c) {
		return "", ErrInvalidISBN
	}
	body := "978" + c[:9]
	return body + string(ean13Check(body)), nil
}

// ISBN13To10 converts a valid 978-prefixed ISBN-13 to ISBN-10. ISBNs with the
// 979 prefix have no ISBN-10 form and give ErrInvalidISBN.
func ISBN13To10(s string) (string, error) {
	c := CleanISBN(s)
	if !ValidISBN13(c) || !strings.HasPrefix(c, "978") {
		return "", ErrInvalidISBN
	}
	body := c[3:12]
	return body + string(isbn10Check(body)), nil
}

// NormaliseISBN finds the first ISBN-like token in s (which may be messy,
// e.g. "0-618-24906-0 (pbk.)" or "ISBN 978 0 618 24906 0"), and returns its
// 13-digit form without hyphens and true when its check digit is right. When
// the token is malformed or its check digit wrong, it returns the cleaned
// token as found (10 or 13 characters, or "" when s holds none) and false.
func NormaliseISBN(s string) (string, bool) {
	tok := ExtractISBN(s)
	switch len(tok) {
	case 10:
		if v, err := ISBN10To13(tok); err == nil {
			return v, true
		}
	case 13:
		if ValidISBN13(tok) {
			return tok, true
		}
	}
	return tok, false
}

// ExtractISBN returns the first run in s that looks like an ISBN once
// hyphens and spaces between digits are dropped: 13 digits, or 9 digits and
// a final digit or X. It does not check the check digit; "" when none.
func ExtractISBN(s string) string {
	for _, tok := range isbnCandidates(s) {
		return tok
	}
	return ""
}

// ExtractISBNs returns every valid ISBN in s in 13-digit form, in order and
// without duplicates, e.g. from "0618249060 (pbk.) ; 9780618249060 (hbk.)".
func ExtractISBNs(s string) []string {
	var out []string
	for _, tok := range isbnCandidates(s) {
		v, ok := NormaliseISBN(tok)
		if ok && !contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// isbnCandidates scans s for chains of digit groups joined by single
// hyphens or spaces ("978-0-618-24906-0", "ISBN 0 618 24906 0") and, within
// each chain, picks runs of whole groups that add up to 13 digits (preferred)
// or to 9 digits plus a check character.
func isbnCandidates(s string) []string {
	var out []string
	i := 0
	for i < len(s) {
		if !isDigit(s[i]) {
			i++
			continue
		}
		// Collect one chain of groups.
		var groups []string
		j := i
		for {
			k := j
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			if k < len(s) && (s[k] == 'X' || s[k] == 'x') && (k+1 == len(s) || !isAlnum(s[k+1])) {
				k++
			}
			groups = append(groups, strings.ToUpper(s[j:k]))
			j = k
			if j+1 < len(s) && (s[j] == '-' || s[j] == ' ') && isDigit(s[j+1]) && !strings.HasSuffix(groups[len(groups)-1], "X") {
				j++
				continue
			}
			break
		}
		i = j
		out = append(out, chainCandidates(groups)...)
	}
	return out
}

// chainCandidates returns the ISBN-shaped runs of consecutive groups. From
// each start it considers the 10- and 13-character runs and prefers, in
// order, a valid ISBN-13, a valid ISBN-10, then the longer shape.
func chainCandidates(groups []string) []string {
	var out []string
	for start := 0; start < len(groups); {
		var run10, run13 string
		end10, end13 := 0, 0
		acc := ""
		for end := start; end < len(groups) && len(acc) < 13; end++ {
			acc += groups[end]
			switch {
			case len(acc) == 13 && allDigits(acc):
				run13, end13 = acc, end+1
			case len(acc) == 10 && allDigits(acc[:9]):
				run10, end10 = acc, end+1
			}
		}
		switch {
		case run13 != "" && ValidISBN13(run13):
			out, start = append(out, run13), end13
		case run10 != "" && ValidISBN10(run10):
			out, start = append(out, run10), end10
		case run13 != "":
			out, start = append(out, run13), end13
		case run10 != "":
			out, start = append(out, run10), end10
		default:
			start++
		}
	}
	return out
}

func isAlnum(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// isbn10Check computes the ISBN-10 check character of nine digits.
func isbn10Check(body string) byte {
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(body[i]-'0') * (10 - i)
	}
	r := (11 - sum%11) % 11
	if r == 10 {
		return 'X'
	}
	return byte('0' + r)
}

// ean13Check computes the EAN-13 check digit of twelve digits.
func ean13Check(body string) byte {
	sum := 0
	for i := 0; i < 12; i++ {
		d := int(body[i] - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
