package copyright

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestSplitCSV(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		in           string
		want         []record
		wantProblems []int
	}{
		{"plain", "a,b\n1,2\n", []record{{1, []string{"a", "b"}}, {2, []string{"1", "2"}}}, nil},
		{"quoted comma and doubled quote", `x,"a, ""b"""` + "\n", []record{{1, []string{"x", `a, "b"`}}}, nil},
		{"quoted field over two lines", "x,\"one\ntwo\",y\nz\n", []record{{1, []string{"x", "one\ntwo", "y"}}, {3, []string{"z"}}}, nil},
		{"trailing delimiter and blank line", "a,\n\n  \nb\n", []record{{1, []string{"a", ""}}, {4, []string{"b"}}}, nil},
		{"bare quote inside a field is text", `a"b,c` + "\n", []record{{1, []string{`a"b`, "c"}}}, nil},
		{"lone quote inside a quoted field", `"a"b",c` + "\n", []record{{1, []string{`a"b`, "c"}}}, nil},
		{"unterminated quote is skipped, the rest read", "h\n\"open,1\nok,2\nok,3\n",
			[]record{{1, []string{"h"}}, {3, []string{"ok", "2"}}, {4, []string{"ok", "3"}}}, []int{2}},
	}
	for _, tc := range tests {
		lines, err := readLines(strings.NewReader(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		got, problems := splitCSV(lines, ',')
		if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(record{})); diff != "" {
			t.Errorf("%s: records (-want +got):\n%s", tc.name, diff)
		}
		var lines2 []int
		for _, p := range problems {
			lines2 = append(lines2, p.Line)
		}
		if diff := cmp.Diff(tc.wantProblems, lines2, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: problem lines (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestUnterminatedQuoteStopsAfterLimit(t *testing.T) {
	t.Parallel()
	// A stray quote followed by many lines that contain a closing quote far
	// below: the record gives up after maxQuotedLines and parsing resumes.
	var b strings.Builder
	b.WriteString("\"stray\n")
	for range maxQuotedLines + 5 {
		b.WriteString("row,1\n")
	}
	b.WriteString("end\"\n")
	lines, _ := readLines(strings.NewReader(b.String()))
	recs, problems := splitCSV(lines, ',')
	if len(problems) != 1 || problems[0].Line != 1 {
		t.Errorf("problems %v, want one on line 1", problems)
	}
	if len(recs) != maxQuotedLines+6 {
		t.Errorf("got %d records, want %d", len(recs), maxQuotedLines+6)
	}
}

func TestSniffDelimiter(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]byte{"a,b": ',', "a\tb": '\t', "a;b": ';', "a": ',', "a;b,c": ','} {
		if got := sniffDelimiter(in); got != want {
			t.Errorf("sniffDelimiter(%q) = %q, want %q", in, got, want)
		}
	}
}
