package pdf

import (
	"fmt"
	"strings"
	"testing"

	"interlend/internal/testenv"
)

func TestReportMultiPage(t *testing.T) {
	t.Parallel()
	r := Report{
		Title:     "Requests by lender",
		Subtitle:  "2026-01-01 to 2026-03-31",
		Columns:   []Column{{Title: "Lender", Width: 3}, {Title: "Requests", Align: AlignRight}, {Title: "Filled", Align: AlignRight}, {Title: "Note", Align: AlignCenter}},
		Landscape: true,
	}
	for i := range 120 {
		r.Rows = append(r.Rows, []string{fmt.Sprintf("Library %03d", i), fmt.Sprint(100 + i), fmt.Sprint(50 + i)})
	}
	r.Rows[1][0] = titleChinese
	r.Rows[2] = append(r.Rows[2], titleRussian)
	doc, err := ReportPDF(r)
	if err != nil {
		t.Fatal(err)
	}
	sizes := pageSizes(t, doc)
	if len(sizes) < 2 || sizes[0][0] < sizes[0][1] {
		t.Fatalf("page sizes %v: want several landscape pages", sizes)
	}
	text := testenv.PDFText(t, doc)
	perPage := strings.Split(strings.TrimRight(text, "\f"), "\f")
	for i, p := range perPage {
		wantText(t, p, "Lender", "Requests", "Filled", fmt.Sprintf("Page %d / %d", i+1, len(sizes)))
		if i > 0 {
			wantText(t, p, "Requests by lender (continued)")
		}
	}
	wantText(t, text, "2026-01-01 to 2026-03-31", titleChinese, titleRussian, "Library 119 219 169")
}

func TestReportWithoutRowsOrColumns(t *testing.T) {
	t.Parallel()
	doc, err := ReportPDF(Report{Title: "Empty", Columns: []Column{{Title: "A"}}})
	if err != nil {
		t.Fatal(err)
	}
	wantText(t, testenv.PDFText(t, doc), "Empty", "A", "Page 1 / 1")
	if _, err := ReportPDF(Report{Title: "x"}); err == nil || !strings.Contains(err.Error(), "no columns") {
		t.Errorf("no columns: error %v", err)
	}
}
