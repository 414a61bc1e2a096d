package copyright

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func mustOpen(t testing.TB, name string) *os.File {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestParseKBART(t *testing.T) {
	t.Parallel()
	res, err := ParseKBART(mustOpen(t, "kbart_tandf.txt"), "TANDF")
	if err != nil {
		t.Fatalf("ParseKBART: %v", err)
	}
	type short struct {
		Line            int
		Title           string
		PrintID, Online string
		First, Last     PubDate
		TitleID         string
		Embargo         []EmbargoPart
	}
	var got []short
	for _, k := range res.Titles {
		if k.PackageID != "TANDF" {
			t.Errorf("line %d: package %q, want TANDF", k.Line, k.PackageID)
		}
		got = append(got, short{k.Line, k.Title, k.PrintID, k.OnlineID, k.First, k.Last, k.TitleID, k.Embargo})
	}
	want := []short{
		{2, "Journal of Interlibrary Loan, Document Delivery & Electronic Reserve", "1072-303X", "1540-3572", PubDate{Year: 1997}, PubDate{}, "WILD", nil},
		{3, "Serials Review", "0098-7913", "1879-095X", PubDate{Year: 1975, Month: 1}, PubDate{Year: 2019, Month: 12, Day: 31}, "USRV", nil},
		{4, "The Serials Librarian", "0361-526X", "1541-1095", PubDate{Year: 1976}, PubDate{}, "WSER", []EmbargoPart{{Kind: "P", N: 1, Unit: "Y"}}},
		{8, "Collection Management", "", "1545-2549", PubDate{Year: 1976}, PubDate{}, "WCOL", nil},
		{11, "Resource Sharing Handbook", "9780306406157", "", PubDate{}, PubDate{}, "RSH", nil},
		{13, "Technical Services Quarterly", "0731-7131", "1555-3337", PubDate{Year: 1983}, PubDate{}, "WTSQ", nil},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("titles (-want +got):\n%s", diff)
	}
	wantProblems := []struct {
		line int
		text string
	}{
		{5, "26 fields, but the header has 25"},
		{6, `date_first_issue_online: "2010-13"`},
		{7, `embargo_info "X1Y"`},
		{8, `print_identifier "0146-2678" is not a valid ISSN or ISBN; ignored`},
		{9, "no publication_title and no valid identifier"},
		{10, "is after date_last_issue_online"},
	}
	if len(res.Problems) != len(wantProblems) {
		t.Fatalf("got %d problems %v, want %d", len(res.Problems), res.Problems, len(wantProblems))
	}
	for i, w := range wantProblems {
		p := res.Problems[i]
		if p.Line != w.line || !strings.Contains(p.Msg, w.text) {
			t.Errorf("problem %d = %v, want line %d containing %q", i, p, w.line, w.text)
		}
	}
}

func TestParseKBARTBadHeader(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "title,issn\nNature,0028-0836\n"} {
		if _, err := ParseKBART(strings.NewReader(in), "P"); err == nil {
			t.Errorf("ParseKBART(%q) = nil error, want one", in)
		}
	}
}

func TestKBARTCovers(t *testing.T) {
	t.Parallel()
	now := day(2025, 6, 15)
	k := KBARTTitle{First: PubDate{Year: 1997, Month: 3}, Last: PubDate{Year: 2019, Month: 12, Day: 31}}
	emb := KBARTTitle{First: PubDate{Year: 1976}, Embargo: []EmbargoPart{{Kind: "P", N: 1, Unit: "Y"}}}
	rng := KBARTTitle{Embargo: []EmbargoPart{{Kind: "R", N: 10, Unit: "Y"}}}
	tests := []struct {
		name string
		k    KBARTTitle
		pub  PubDate
		want bool
	}{
		{"before the first issue", k, PubDate{Year: 1997, Month: 2}, false},
		{"year of the first issue overlaps", k, PubDate{Year: 1997}, true},
		{"last day", k, PubDate{Year: 2019, Month: 12, Day: 31}, true},
		{"after the last issue", k, PubDate{Year: 2020}, false},
		{"unknown date", k, PubDate{}, true},
		{"inside a 1-year embargo", emb, PubDate{Year: 2025, Month: 1}, false},
		{"just outside the embargo", emb, PubDate{Year: 2024, Month: 6, Day: 15}, true},
		{"older than a 10-year range", rng, PubDate{Year: 2014}, false},
		{"within the range", rng, PubDate{Year: 2016}, true},
	}
	for _, tc := range tests {
		if got := tc.k.Covers(tc.pub, now); got != tc.want {
			t.Errorf("%s: Covers(%v) = %v, want %v", tc.name, tc.pub, got, tc.want)
		}
	}
}

func BenchmarkParseKBART(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("publication_title\tprint_identifier\tonline_identifier\tdate_first_issue_online\tdate_last_issue_online\ttitle_id\tembargo_info\tcoverage_depth\tpublication_type\n")
	for i := range 10000 {
		sb.WriteString("Journal of Things ")
		sb.WriteString(strings.Repeat("x", i%7))
		sb.WriteString("\t1072-303X\t1540-3572\t1997-01-01\t\tT")
		sb.WriteString(time.Duration(i).String())
		sb.WriteString("\tP1Y\tfulltext\tserial\n")
	}
	data := sb.String()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		res, err := ParseKBART(strings.NewReader(data), "P")
		if err != nil || len(res.Titles) != 10000 {
			b.Fatalf("got %d titles, %v", len(res.Titles), err)
		}
	}
}

func TestParseEmbargo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []EmbargoPart
		wantErr bool
	}{
		{"", nil, false},
		{"P1Y", []EmbargoPart{{Kind: "P", N: 1, Unit: "Y"}}, false},
		{"r10y; P6M", []EmbargoPart{{Kind: "R", N: 10, Unit: "Y"}, {Kind: "P", N: 6, Unit: "M"}}, false},
		{"P30D", []EmbargoPart{{Kind: "P", N: 30, Unit: "D"}}, false},
		{"X1Y", nil, true},
		{"P1W", nil, true},
		{"PY", nil, true},
	}
	for _, tc := range tests {
		got, err := parseEmbargo(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("parseEmbargo(%q) error %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("parseEmbargo(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}
