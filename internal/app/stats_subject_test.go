package app

import (
	"testing"

	"interlend/internal/ill"
	"interlend/internal/stats"
)

// A request's subject comes from the catalog by the first of its
// identifiers the catalog knows: ISBN, ISSN, OCLC number, LCCN.
func TestSubjectOfIdentifiers(t *testing.T) {
	t.Parallel()
	subjects := map[string]string{"isbn:9780618249060": "QH", "issn:0036-8075": "Q", "oclc:12345": "PR", "lccn:2001012345": "Z"}
	for _, tc := range []struct {
		name string
		c    ill.Citation
		want string
	}{
		{"isbn", ill.Citation{ISBN: "978-0-618-24906-0", ISSN: "0036-8075"}, "QH"},
		{"issn", ill.Citation{ISSN: "0036-8075", OCLCNumber: "12345"}, "Q"},
		{"oclc", ill.Citation{ISBN: "9780262044004", OCLCNumber: "ocm12345"}, "PR"},
		{"lccn", ill.Citation{LCCN: "2001-12345"}, "Z"},
		{"unknown", ill.Citation{ISBN: "9780262044004"}, ""},
		{"none", ill.Citation{Title: "No identifiers"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var j stats.Journey
			j.Cite(tc.c)
			if got := subjectOf(j, tc.c, subjects); got != tc.want {
				t.Errorf("subject %q, want %q", got, tc.want)
			}
		})
	}
}
