package copyright

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type wantProblem struct {
	line int
	text string
}

func checkProblems(t *testing.T, got []LineError, want []wantProblem) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got problems %v, want %d", got, len(want))
	}
	for i, w := range want {
		if got[i].Line != w.line || !strings.Contains(got[i].Msg, w.text) {
			t.Errorf("problem %d = %v, want line %d containing %q", i, got[i], w.line, w.text)
		}
	}
}

func TestParseILLiadExport(t *testing.T) {
	t.Parallel()
	res, err := ParseILLiadExport(mustOpen(t, "illiad_export.csv"), ImportOptions{})
	if err != nil {
		t.Fatalf("ParseILLiadExport: %v", err)
	}
	// Hand-computed from the fixture with ILLiad's default query, N = 5.
	want := []PriorCount{
		{Key: "title:library trends", Year: 2024, Title: "Library Trends", Count: 2},              // 1015, 1016 (1017: 2019 is not > 2019)
		{Key: "issn:0098-7913", Year: 2025, Title: "Serials Review", ISSN: "0098-7913", Count: 2}, // 1011, 1013
		{Key: "issn:1072-303X", Year: 2025, Title: "Journal of Interlibrary Loan, Document Delivery & Electronic Reserve",
			ISSN: "1072-303X", Count: 3}, // 1001, 1002 (joined by title), 1003
		{Key: "title:college and research libraries", Year: 2025, Title: "College & Research Libraries", Count: 1}, // 1019
	}
	if diff := cmp.Diff(want, res.Counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	if res.Skipped != 10 { // 1004-1010, 1012, 1017, 1018
		t.Errorf("skipped %d rows, want 10", res.Skipped)
	}
	checkProblems(t, res.Problems, []wantProblem{
		{14, `PhotoJournalYear "Fall" has no year; counted`},
		{15, `CreationDate "not a date"`},
		{20, `ISSN "0010-087X" is not valid`},
		{21, "unterminated quoted field"},
	})
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "1 row(s)") || !strings.Contains(res.Notes[0], "1072-303X") {
		t.Errorf("notes %q, want one about the row joined to 1072-303X", res.Notes)
	}

	// A six-year window (Atlas documents sites doing this) lets 2020 in.
	six, err := ParseILLiadExport(mustOpen(t, "illiad_export.csv"), ImportOptions{WindowYears: 6})
	if err != nil {
		t.Fatal(err)
	}
	if got := Counts(nil, six.Counts)[KeyYear{"issn:1072-303X", 2025}]; got != 4 {
		t.Errorf("six-year window: count %d, want 4", got)
	}
}

func TestParseILLiadExportHeader(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "PhotoJournalTitle,PhotoJournalYear\n", "PhotoJournalTitle\tPhotoJournalYear\tTransactionStatus\n"} {
		if _, err := ParseILLiadExport(strings.NewReader(in), ImportOptions{}); err == nil {
			t.Errorf("ParseILLiadExport(%q) = nil error, want one", in)
		}
	}
	// Tab-separated, TransactionDate instead of CreationDate, no ProcessType column.
	tsv := "PhotoJournalTitle\tPhotoJournalYear\tTransactionDate\tTransactionStatus\nSerials Review\t2024\t2025-02-01\tRequest Finished\n"
	res, err := ParseILLiadExport(strings.NewReader(tsv), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []PriorCount{{Key: "title:serials review", Year: 2025, Title: "Serials Review", Count: 1}}; !cmp.Equal(want, res.Counts) {
		t.Errorf("tab-separated: got %+v, want %+v", res.Counts, want)
	}
}

func TestParsePriorCounts(t *testing.T) {
	t.Parallel()
	issnL := map[string]string{"1540-3572": "1072-303X"}
	res, err := ParsePriorCounts(mustOpen(t, "prior_counts.csv"), ImportOptions{ISSNL: func(s string) string { return issnL[s] }})
	if err != nil {
		t.Fatalf("ParsePriorCounts: %v", err)
	}
	want := []PriorCount{
		{Key: "title:journal of academic librarianship", Year: 2024, Title: "The Journal of Academic Librarianship", Count: 5},
		{Key: "issn:0098-7913", Year: 2025, Title: "Serials Review", ISSN: "0098-7913", Count: 3},
		{Key: "issn:1072-303X", Year: 2025, Title: "Journal of Interlibrary Loan, Document Delivery & Electronic Reserve", ISSN: "1072-303X", Count: 3},
	}
	if diff := cmp.Diff(want, res.Counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	checkProblems(t, res.Problems, []wantProblem{
		{7, `year "20x5"`},
		{8, `count "-2"`},
		{9, "no journal title and no ISSN"},
		{10, `issn "0028-0837"`},
	})
	if _, err := ParsePriorCounts(strings.NewReader("title,count\nX,1\n"), ImportOptions{}); err == nil {
		t.Errorf("ParsePriorCounts without a year column: nil error, want one")
	}
}

// TestImportedCountsFeedAssess: a library arriving mid-year keeps its counts.
func TestImportedCountsFeedAssess(t *testing.T) {
	t.Parallel()
	res, err := ParsePriorCounts(strings.NewReader("title,issn,year,count\nJILDDER,1072-303X,2025,5\n"), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := &MemoryCounter{Prior: res.Counts}
	q := article(day(2025, 7, 1), 2024)
	d, err := Assess(t.Context(), DefaultRules(RegimeUS), q, c, q.RequestDate)
	if err != nil {
		t.Fatal(err)
	}
	if !d.NeedsClearance || d.CountBefore != 5 {
		t.Errorf("after importing 5: needs clearance %v, count %d; want true, 5", d.NeedsClearance, d.CountBefore)
	}
}
