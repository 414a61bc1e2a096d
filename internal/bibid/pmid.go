package bibid

import "strings"

// NormalisePMID returns a PubMed identifier as digits without leading zeros
// and whether s held one. "pmid:", "PMID " and "info:pmid/" prefixes are
// accepted. PMIDs are at most 9 digits long.
func NormalisePMID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	lower := strings.ToLower(s)
	for _, p := range []string{"info:pmid/", "pmid:", "pmid"} {
		if strings.HasPrefix(lower, p) {
			s = strings.TrimSpace(s[len(p):])
			break
		}
	}
	if !allDigits(s) {
		return "", false
	}
	s = strings.TrimLeft(s, "0")
	if s == "" || len(s) > 9 {
		return "", false
	}
	return s, true
}
