package copyright

import "strings"

// Key identifies what the rule of five counts against (R2, R7): a periodical
// ("issn:1072-303X" or "title:journal of interlibrary loan") or another work
// ("isbn:9780306406157", "oclc:12345", "work:<normalised title>"). The
// borrowing institution is not part of the key: the caller's store scopes
// every count to one agency. Keys are plain strings so they store and compare
// cheaply; build them with PeriodicalKey and WorkKey only.
type Key string

// Key kinds, the part before the colon.
const (
	KindISSN  = "issn"
	KindTitle = "title"
	KindISBN  = "isbn"
	KindOCLC  = "oclc"
	KindWork  = "work"
)

// Kind is the part of the key before the colon ("issn", "title", ...).
func (k Key) Kind() string {
	kind, _, _ := strings.Cut(string(k), ":")
	return kind
}

// Periodical reports whether the key names a periodical (R2) rather than
// another work (R7).
func (k Key) Periodical() bool {
	kind := k.Kind()
	return kind == KindISSN || kind == KindTitle
}

// PeriodicalKey is R2's periodical identity: the ISSN-L if known and merging
// is on, else the print ISSN, else the electronic ISSN, else the normalised
// title. Invalid ISSNs (wrong length or check digit) are passed over. It
// returns "" when nothing identifies the periodical.
func PeriodicalKey(issnL, issn, eissn, title string, mergeISSNL bool) Key {
	candidates := []string{issn, eissn}
	if mergeISSNL {
		candidates = []string{issnL, issn, eissn}
	}
	for _, c := range candidates {
		if n, ok := NormaliseISSN(c); ok {
			return Key(KindISSN + ":" + n)
		}
	}
	if t := NormaliseTitle(title); t != "" {
		return Key(KindTitle + ":" + t)
	}
	return ""
}

// WorkKey is R7's identity for a book or other non-periodical work: the
// ISBN (as ISBN-13), else the OCLC number, else the normalised title. It
// returns "" when nothing identifies the work.
func WorkKey(isbn, oclc, title string) Key {
	if n, ok := NormaliseISBN(isbn); ok {
		return Key(KindISBN + ":" + n)
	}
	if n, ok := NormaliseOCLC(oclc); ok {
		return Key(KindOCLC + ":" + n)
	}
	if t := NormaliseTitle(title); t != "" {
		return Key(KindWork + ":" + t)
	}
	return ""
}

// NormaliseISSN returns the ISSN as "NNNN-NNNC" with an upper-case X, or
// false if s does not hold exactly one ISSN with a correct check digit.
// Spaces, hyphens and words around it ("ISSN 1072-303x (print)") are ignored.
func NormaliseISSN(s string) (string, bool) {
	var d [8]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
		case c == 'x' || c == 'X':
			c = 'X'
		default:
			continue
		}
		if n == len(d) {
			return "", false
		}
		d[n] = c
		n++
	}
	if n != len(d) {
		return "", false
	}
	sum := 0
	for i := range 7 {
		if d[i] == 'X' {
			return "", false
		}
		sum += int(d[i]-'0') * (8 - i)
	}
	check := (11 - sum%11) % 11
	want := byte('0' + check)
	if check == 10 {
		want = 'X'
	}
	if d[7] != want {
		return "", false
	}
	return string(d[:4]) + "-" + string(d[4:]), true
}

// NormaliseISBN returns the ISBN-13 digits for an ISBN-10 or ISBN-13 with a
// correct check digit, or false.
func NormaliseISBN(s string) (string, bool) {
	var d []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			d = append(d, c)
		case c == 'x' || c == 'X':
			d = append(d, 'X')
		}
	}
	switch len(d) {
	case 10:
		sum := 0
		for i := range 10 {
			v := int(d[i] - '0')
			if d[i] == 'X' {
				if i != 9 {
					return "", false
				}
				v = 10
			}
			sum += v * (10 - i)
		}
		if sum%11 != 0 {
			return "", false
		}
		d13 := append([]byte("978"), d[:9]...)
		return string(append(d13, isbn13Check(d13))), true
	case 13:
		if strings.IndexByte(string(d), 'X') >= 0 || isbn13Check(d[:12]) != d[12] {
			return "", false
		}
		return string(d), true
	}
	return "", false
}

func isbn13Check(d []byte) byte {
	sum := 0
	for i, c := range d[:12] {
		w := 1
		if i%2 == 1 {
			w = 3
		}
		sum += int(c-'0') * w
	}
	return byte('0' + (10-sum%10)%10)
}

// NormaliseOCLC returns an OCLC number without prefix or leading zeros
// ("(OCoLC)ocm00012345" -> "12345"), or false.
func NormaliseOCLC(s string) (string, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "(OCoLC)"), "(ocolc)")
	for _, p := range []string{"ocm", "ocn", "on"} {
		if strings.HasPrefix(s, p) {
			s = s[len(p):]
			break
		}
	}
	s = strings.TrimLeft(strings.TrimSpace(s), "0")
	if s == "" || len(s) > 20 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	return s, true
}
