package bibid

import (
	"net/url"
	"strings"
)

// doiPrefixes are the forms in which a DOI arrives; compared
// case-insensitively and stripped in order.
var doiPrefixes = []string{
	"https://doi.org/", "http://doi.org/",
	"https://dx.doi.org/", "http://dx.doi.org/",
	"info:doi/", "doi:", "doi ",
}

// NormaliseDOI strips the "doi:", "info:doi/", "https://doi.org/" and
// "http://dx.doi.org/" forms, percent-decodes a resolver URL, lower-cases
// the DOI (DOIs are case-insensitive) and reports whether the result is
// "10." + registrant code + "/" + a non-empty suffix.
func NormaliseDOI(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, p := range doiPrefixes {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			wasURL := strings.HasPrefix(p, "http")
			s = strings.TrimSpace(s[len(p):])
			if wasURL {
				if u, err := url.PathUnescape(s); err == nil {
					s = u
				}
			}
			break
		}
	}
	s = strings.ToLower(s)
	return s, validDOI(s)
}

func validDOI(s string) bool {
	if !strings.HasPrefix(s, "10.") {
		return false
	}
	slash := strings.IndexByte(s, '/')
	if slash < 0 || slash == len(s)-1 {
		return false
	}
	reg := s[3:slash]
	if reg == "" {
		return false
	}
	for _, part := range strings.Split(reg, ".") {
		if !allDigits(part) {
			return false
		}
	}
	return !strings.ContainsAny(s, " \t\n")
}
