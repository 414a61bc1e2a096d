package openurl

import (
	"net/url"
	"strings"
)

// Identifier schemes used in Identifier.Scheme.
const (
	SchemeDOI   = "doi"
	SchemePMID  = "pmid"
	SchemeOCLC  = "oclc"
	SchemeLCCN  = "lccn"
	SchemeISBN  = "isbn"
	SchemeISSN  = "issn"
	SchemeEISSN = "eissn"
	SchemeURL   = "url"
	SchemeOther = "other"
)

// idPrefixes maps the prefixes of rft_id URIs and 0.1 id values (lower
// case) to schemes. Longer prefixes come first where one extends another.
var idPrefixes = []struct{ prefix, scheme string }{
	{"info:doi/", SchemeDOI},
	{"info:pmid/", SchemePMID},
	{"info:oclcnum/", SchemeOCLC},
	{"info:lccn/", SchemeLCCN},
	{"urn:isbn:", SchemeISBN},
	{"urn:issn:", SchemeISSN},
	{"https://doi.org/", SchemeDOI},
	{"http://doi.org/", SchemeDOI},
	{"https://dx.doi.org/", SchemeDOI},
	{"http://dx.doi.org/", SchemeDOI},
	{"https://pubmed.ncbi.nlm.nih.gov/", SchemePMID},
	{"https://www.ncbi.nlm.nih.gov/pubmed/", SchemePMID},
	{"http://www.ncbi.nlm.nih.gov/pubmed/", SchemePMID},
	{"https://www.worldcat.org/oclc/", SchemeOCLC},
	{"http://www.worldcat.org/oclc/", SchemeOCLC},
	{"https://worldcat.org/oclc/", SchemeOCLC},
	// OpenURL 0.1 id=<scheme>:<value>, and loose forms seen in 1.0 links.
	{"doi:", SchemeDOI},
	{"pmid:", SchemePMID},
	{"oclcnum:", SchemeOCLC},
	{"oclc:", SchemeOCLC},
	{"lccn:", SchemeLCCN},
	{"isbn:", SchemeISBN},
	{"issn:", SchemeISSN},
}

// parseID reads one rft_id or id value. It returns false for an empty
// identifier ("info:doi/" with nothing after it, as ProQuest sends).
func parseID(key, v string) (Identifier, bool) {
	v = strings.TrimSpace(v)
	lv := strings.ToLower(v)
	for _, ip := range idPrefixes {
		if strings.HasPrefix(lv, ip.prefix) {
			val := strings.TrimSpace(v[len(ip.prefix):])
			if strings.HasPrefix(ip.prefix, "http") {
				val = strings.TrimSuffix(val, "/")
				if u, err := url.PathUnescape(val); err == nil {
					val = u
				}
			}
			return newID(key, ip.scheme, val)
		}
	}
	switch {
	case strings.HasPrefix(lv, "info:"):
		// Other registered namespaces: info:hdl/, info:oai/, info:bibcode/, ...
		ns, val, ok := strings.Cut(v[len("info:"):], "/")
		if !ok {
			return Identifier{Scheme: SchemeOther, Value: v, Key: key}, true
		}
		return newID(key, strings.ToLower(ns), strings.TrimSpace(val))
	case strings.HasPrefix(lv, "urn:"):
		ns, val, ok := strings.Cut(v[len("urn:"):], ":")
		if !ok {
			return Identifier{Scheme: SchemeOther, Value: v, Key: key}, true
		}
		return newID(key, strings.ToLower(ns), strings.TrimSpace(val))
	case strings.HasPrefix(lv, "http://") || strings.HasPrefix(lv, "https://"):
		return Identifier{Scheme: SchemeURL, Value: v, Key: key}, true
	case strings.HasPrefix(lv, "oai:"):
		return Identifier{Scheme: "oai", Value: v, Key: key}, true
	case strings.HasPrefix(v, "10.") && strings.Contains(v, "/"):
		return newID(key, SchemeDOI, v)
	}
	if ns, val, ok := strings.Cut(v, ":"); ok && ns != "" && isSchemeName(ns) {
		// 0.1 style for other namespaces: bibcode:..., hdl:..., ERIC:EJ123.
		return newID(key, strings.ToLower(ns), strings.TrimSpace(val))
	}
	return Identifier{Scheme: SchemeOther, Value: v, Key: key}, true
}

func isSchemeName(s string) bool {
	if len(s) > 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if !('a' <= c && c <= 'z') && !('0' <= s[i] && s[i] <= '9') {
			return false
		}
	}
	return true
}

func newID(key, scheme, val string) (Identifier, bool) {
	switch scheme {
	case SchemeDOI:
		val = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(val, "doi:"), "DOI:"))
	case SchemeOCLC:
		val = normOCLC(val)
	case SchemeISBN:
		if n, ok := normISBN(val); ok {
			val = n
		}
	case SchemeISSN:
		if n, ok := normISSN(val); ok {
			val = n
		}
	}
	if val == "" {
		return Identifier{}, false
	}
	return Identifier{Scheme: scheme, Value: val, Key: key}, true
}

// normOCLC strips the prefixes OCLC numbers are written with:
// (OCoLC), ocm, ocn, on.
func normOCLC(v string) string {
	v = strings.TrimSpace(v)
	if hasPrefixFold(v, "(ocolc)") {
		v = strings.TrimSpace(v[len("(ocolc)"):])
	}
	for _, p := range []string{"ocm", "ocn", "on"} {
		if hasPrefixFold(v, p) && len(v) > len(p) && isDigits(v[len(p):]) {
			return v[len(p):]
		}
	}
	return v
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// normISBN finds the first ISBN-10 or ISBN-13 in v ("978-0-618-24906-0",
// "0618249060 (pbk.)", "9780618249060; 0618249060") and returns it without
// hyphens and with an upper-case X. ok is false when none was found; the
// check digit is tested separately by checkISBN.
func normISBN(v string) (string, bool) {
	var b []byte
	flush := func() (string, bool) {
		if len(b) == 13 && b[12] != 'X' || len(b) == 10 {
			return string(b), true
		}
		b = b[:0]
		return "", false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case '0' <= c && c <= '9':
			b = append(b, c)
		case (c == 'X' || c == 'x') && len(b) == 9:
			b = append(b, 'X')
			if s, ok := flush(); ok {
				return s, true
			}
		case c == '-' || c == ' ' && len(b) > 0 && len(b) < 13 && i+1 < len(v) && v[i+1] >= '0' && v[i+1] <= '9':
			// separators inside a number
		default:
			if s, ok := flush(); ok {
				return s, true
			}
		}
		if len(b) > 13 {
			b = b[:0]
		}
	}
	return flush()
}

// checkISBN reports whether a normalised ISBN has a correct check digit.
func checkISBN(s string) bool {
	switch len(s) {
	case 10:
		sum := 0
		for i := 0; i < 10; i++ {
			d := int(s[i] - '0')
			if s[i] == 'X' {
				d = 10
			}
			sum += d * (10 - i)
		}
		return sum%11 == 0
	case 13:
		sum := 0
		for i := 0; i < 13; i++ {
			d := int(s[i] - '0')
			if i%2 == 1 {
				d *= 3
			}
			sum += d
		}
		return sum%10 == 0
	}
	return false
}

// normISSN writes an ISSN as NNNN-NNNC with an upper-case X, from forms
// like "00280836", "0028-0836", "1072-303x", "ISSN 1072-303X".
func normISSN(v string) (string, bool) {
	var b []byte
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case '0' <= c && c <= '9':
			b = append(b, c)
		case (c == 'X' || c == 'x') && len(b) == 7:
			b = append(b, 'X')
		case c == '-' || c == ' ' || c == ':':
		case len(b) == 0:
			continue // "ISSN " prefix
		default:
			i = len(v)
		}
		if len(b) == 8 {
			break
		}
	}
	if len(b) != 8 {
		return "", false
	}
	return string(b[:4]) + "-" + string(b[4:]), true
}

// checkISSN reports whether a normalised ISSN has a correct check digit.
func checkISSN(s string) bool {
	if len(s) != 9 {
		return false
	}
	d := s[:4] + s[5:]
	sum := 0
	for i := 0; i < 7; i++ {
		sum += int(d[i]-'0') * (8 - i)
	}
	c := (11 - sum%11) % 11
	if c == 10 {
		return d[7] == 'X'
	}
	return int(d[7]-'0') == c
}
