package bibid

import "testing"

type normCase struct {
	in     string
	want   string
	wantOK bool
}

func runNorm(t *testing.T, name string, f func(string) (string, bool), tests []normCase) {
	t.Helper()
	for _, tt := range tests {
		got, ok := f(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("%s(%q) = %q, %v; want %q, %v", name, tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestNormaliseISSN(t *testing.T) {
	t.Parallel()
	runNorm(t, "NormaliseISSN", NormaliseISSN, []normCase{
		{"1072-303X", "1072-303X", true},
		{"1072303x", "1072-303X", true},
		{"1072 303X", "1072-303X", true},
		{"ISSN 0028-0836", "0028-0836", true},
		{"0028-0836 (print)", "0028-0836", true},
		{"urn:ISSN:1540-3572", "1540-3572", true},
		{"0028-0837", "0028-0837", false}, // wrong check digit
		{"1072-3031", "1072-3031", false},
		{"9780618249060", "", false}, // an ISBN is not an ISSN
		{"107-2303X", "", false},
		{"", "", false},
	})
	if !ValidISSN("0317-8471") || ValidISSN("0317-8472") {
		t.Error("ValidISSN disagrees with NormaliseISSN on 0317-8471/0317-8472")
	}
}

func TestNormaliseOCLC(t *testing.T) {
	t.Parallel()
	runNorm(t, "NormaliseOCLC", NormaliseOCLC, []normCase{
		{"49593382", "49593382", true},
		{"ocm49593382", "49593382", true},
		{"ocm00012345", "12345", true},
		{"ocn123456789", "123456789", true},
		{"on1234567890", "1234567890", true},
		{"(OCoLC)49593382", "49593382", true},
		{"(OCoLC)ocm49593382", "49593382", true},
		{"(OCoLC)on1234567890", "1234567890", true},
		{"(ocolc) 00049593382", "49593382", true},
		{"info:oclcnum/49593382", "49593382", true},
		{" 0049593382 ", "49593382", true},
		{"(OCoLC)abc123", "", false},
		{"(OCoLC)", "", false},
		{"(DLC)2002023456", "", false},
		{"(CaOONL)12345", "", false},
		{"ocm", "", false},
		{"0000", "", false},
		{"12a45", "", false},
	})
}

func TestNormaliseLCCN(t *testing.T) {
	t.Parallel()
	// The first group are the Library of Congress's own examples.
	runNorm(t, "NormaliseLCCN", NormaliseLCCN, []normCase{
		{"n78-890351", "n78890351", true},
		{"n78-89035", "n78089035", true},
		{"n 78890351 ", "n78890351", true},
		{" 85000002 ", "85000002", true},
		{"85-2 ", "85000002", true},
		{"2001-000002", "2001000002", true},
		{"75-425165//r75", "75425165", true},
		{" 79139101 /AC/r932", "79139101", true},
		{"2002023456", "2002023456", true},
		{"info:lccn/2002023456", "2002023456", true},
		{"sn 94-12345", "sn94012345", true},
		{"abcd12345678", "abcd12345678", false}, // prefix too long
		{"85-1234567", "851234567", false},      // serial longer than six digits
		{"1234567", "1234567", false},
		{"", "", false},
	})
}

func TestNormaliseDOI(t *testing.T) {
	t.Parallel()
	runNorm(t, "NormaliseDOI", NormaliseDOI, []normCase{
		{"10.1038/171737a0", "10.1038/171737a0", true},
		{"doi:10.1038/171737A0", "10.1038/171737a0", true},
		{"DOI: 10.1038/171737a0", "10.1038/171737a0", true},
		{"https://doi.org/10.1038/171737A0", "10.1038/171737a0", true},
		{"http://dx.doi.org/10.1038/171737a0", "10.1038/171737a0", true},
		{"https://doi.org/10.1002%2F%28SICI%291097-4571", "10.1002/(sici)1097-4571", true},
		{"info:doi/10.5555/jill.2024.34.2.45", "10.5555/jill.2024.34.2.45", true},
		{"10.1000.10/abc", "10.1000.10/abc", true},
		{"11.1038/171737a0", "11.1038/171737a0", false},
		{"10.1038", "10.1038", false},
		{"10.1038/", "10.1038/", false},
		{"10.abc/x", "10.abc/x", false},
		{"", "", false},
	})
}

func TestNormalisePMID(t *testing.T) {
	t.Parallel()
	runNorm(t, "NormalisePMID", NormalisePMID, []normCase{
		{"9036860", "9036860", true},
		{"PMID: 9036860", "9036860", true},
		{"pmid:9036860", "9036860", true},
		{"info:pmid/99999999", "99999999", true},
		{"009036860", "9036860", true},
		{"90368a60", "", false},
		{"1234567890", "", false},
		{"0", "", false},
		{"", "", false},
	})
}
