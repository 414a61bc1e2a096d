package openurl

import "testing"

func TestParseID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Identifier
		ok   bool
	}{
		{"info:doi/10.1038/171737a0", id("doi", "10.1038/171737a0", "k"), true},
		{"INFO:DOI/10.1038/ABC", id("doi", "10.1038/ABC", "k"), true},
		{"info:doi/", Identifier{}, false},
		{"info:doi/doi:10.1/x", id("doi", "10.1/x", "k"), true},
		{"doi:10.1/x", id("doi", "10.1/x", "k"), true},
		{"DOI:10.1/x", id("doi", "10.1/x", "k"), true},
		{"10.1/x", id("doi", "10.1/x", "k"), true},
		{"https://doi.org/10.1000/a%2Fb", id("doi", "10.1000/a/b", "k"), true},
		{"http://dx.doi.org/10.1000/xyz/", id("doi", "10.1000/xyz", "k"), true},
		{"info:pmid/123", id("pmid", "123", "k"), true},
		{"pmid:123", id("pmid", "123", "k"), true},
		{"https://www.ncbi.nlm.nih.gov/pubmed/123", id("pmid", "123", "k"), true},
		{"info:oclcnum/(OCoLC)ocn123456789", id("oclc", "123456789", "k"), true},
		{"https://www.worldcat.org/oclc/49593382", id("oclc", "49593382", "k"), true},
		{"info:lccn/2002023456", id("lccn", "2002023456", "k"), true},
		{"urn:ISBN:978-0-618-24906-0", id("isbn", "9780618249060", "k"), true},
		{"urn:issn:1072-303x", id("issn", "1072-303X", "k"), true},
		{"urn:nbn:de:101-1234", id("nbn", "de:101-1234", "k"), true},
		{"info:hdl/1721.1/5", id("hdl", "1721.1/5", "k"), true},
		{"info:bibcode/1953Natur.171..737W", id("bibcode", "1953Natur.171..737W", "k"), true},
		{"oai:arXiv.org:1", id("oai", "oai:arXiv.org:1", "k"), true},
		{"bibcode:1953Natur.171..737W", id("bibcode", "1953Natur.171..737W", "k"), true},
		{"ERIC:EJ123", id("eric", "EJ123", "k"), true},
		{"https://example.org/item/1", id("url", "https://example.org/item/1", "k"), true},
		{"just text", id("other", "just text", "k"), true},
		{"info:nodelimiter", id("other", "info:nodelimiter", "k"), true},
	}
	for _, tc := range tests {
		got, ok := parseID("k", tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseID(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestNormISBN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want   string
		ok, checks bool
	}{
		{"9780618249060", "9780618249060", true, true},
		{"978-0-618-24906-0", "9780618249060", true, true},
		{"978 0 618 24906 0", "9780618249060", true, true},
		{"0618249060 (pbk.)", "0618249060", true, true},
		{"ISBN 0-19-953556-6", "0199535566", true, true},
		{"019953556x", "019953556X", true, false},
		{"9780618249060; 0618249060", "9780618249060", true, true},
		{"pbk. : 9780000000019", "9780000000019", true, true},
		{"123", "", false, false},
		{"12345678901234", "", false, false},
		{"n/a", "", false, false},
	}
	for _, tc := range tests {
		got, ok := normISBN(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("normISBN(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
		if ok && checkISBN(got) != tc.checks {
			t.Errorf("checkISBN(%q) = %v, want %v", got, !tc.checks, tc.checks)
		}
	}
}

func TestNormISSN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want   string
		ok, checks bool
	}{
		{"0028-0836", "0028-0836", true, true},
		{"00280836", "0028-0836", true, true},
		{"1072-303x", "1072-303X", true, true},
		{"ISSN: 1540-3572 (Online)", "1540-3572", true, true},
		{"1540-3571", "1540-3571", true, false},
		{"123", "", false, false},
		{"abcd-efgh", "", false, false},
	}
	for _, tc := range tests {
		got, ok := normISSN(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("normISSN(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
		if ok && checkISSN(got) != tc.checks {
			t.Errorf("checkISSN(%q) = %v, want %v", got, !tc.checks, tc.checks)
		}
	}
}

func TestMentions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s, last string
		want    bool
	}{
		{"Carson, Rachel", "Carson", true},
		{"Rachel CARSON", "carson", true},
		{"Coretta Scott Kingsley", "King", false},
		{"Kingsley, A; King, B", "King", true},
		{"Smith", "", false},
		{"Müller, J", "Müller", true},
	}
	for _, tc := range tests {
		if got := mentions(tc.s, tc.last); got != tc.want {
			t.Errorf("mentions(%q, %q) = %v, want %v", tc.s, tc.last, got, tc.want)
		}
	}
}
