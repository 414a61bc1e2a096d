package bibid

import "strings"

// NormaliseLCCN applies the Library of Congress normalisation for LCCNs
// (https://www.loc.gov/marc/lccn-namespace.html): remove all blanks; when
// there is a forward slash remove it and everything after it; when there is
// a hyphen remove it and left-pad the part after it with zeros to six
// digits. The result is lower-cased and valid when it is an optional
// alphabetic prefix of up to three letters followed by 8 or 10 digits
// (two- or four-digit year and six-digit serial), e.g. "n 78-890351" ->
// "n78890351", "85-2 " -> "85000002", "75-425165//r75" -> "75425165",
// "2001-000002" -> "2001000002". The OpenURL "info:lccn/" prefix is dropped.
func NormaliseLCCN(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(strings.ToLower(s), "info:lccn/") {
		s = s[len("info:lccn/"):]
	}
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\u00a0' {
			return -1
		}
		return r
	}, s)
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s = s[:i]
	}
	if i := strings.IndexByte(s, '-'); i >= 0 {
		serial := s[i+1:]
		if allDigits(serial) && len(serial) <= 6 {
			serial = strings.Repeat("0", 6-len(serial)) + serial
		}
		s = s[:i] + serial
	}
	s = strings.ToLower(s)
	return s, validLCCN(s)
}

func validLCCN(s string) bool {
	p := 0
	for p < len(s) && s[p] >= 'a' && s[p] <= 'z' {
		p++
	}
	digits := s[p:]
	return p <= 3 && allDigits(digits) && (len(digits) == 8 || len(digits) == 10)
}
