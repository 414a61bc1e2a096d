package bibid

import "strings"

// NormaliseOCLC returns the OCLC record number in s as bare digits without
// leading zeros and whether s held one. Accepted forms: "49593382",
// "ocm49593382", "ocn123456789", "on1234567890", "(OCoLC)49593382",
// "(OCoLC)ocm49593382", "(OCoLC) 00049593382" and the OpenURL
// "info:oclcnum/49593382". Numbers tagged with another agency, such as
// "(DLC)2002023456", and "(OCoLC)" followed by anything but digits or one of
// the prefixes are rejected.
func NormaliseOCLC(s string) (string, bool) {
	s = strings.TrimSpace(s)
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "(ocolc)"):
		s = strings.TrimSpace(s[len("(ocolc)"):])
	case strings.HasPrefix(lower, "info:oclcnum/"):
		s = s[len("info:oclcnum/"):]
	case strings.HasPrefix(s, "("):
		return "", false // another agency's number
	}
	lower = strings.ToLower(s)
	for _, p := range []string{"ocm", "ocn", "on"} {
		if strings.HasPrefix(lower, p) {
			s = s[len(p):]
			break
		}
	}
	s = strings.TrimSpace(s)
	if !allDigits(s) {
		return "", false
	}
	s = strings.TrimLeft(s, "0")
	if s == "" {
		return "", false
	}
	return s, true
}
