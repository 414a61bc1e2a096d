package pdf

import (
	"strings"
	"testing"

	"interlend/internal/testenv"
)

// TestStampFooter: the legend is printed on every page from the one
// asked for, over the page's own text, which stays searchable.
func TestStampFooter(t *testing.T) {
	t.Parallel()
	notice, err := NoticePDF(Notice{Title: "Notice page", Paragraphs: []string{"The notice."}})
	if err != nil {
		t.Fatal(err)
	}
	scan, err := NoticePDF(Notice{Title: "Scanned page", Paragraphs: []string{"Text layer of the scan"}})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := PrependPages(notice, scan)
	if err != nil {
		t.Fatal(err)
	}
	out, err := StampFooter(doc, "Copyright legend on the page", 2)
	if err != nil {
		t.Fatal(err)
	}
	pages := strings.Split(testenv.PDFText(t, out), "\f")
	if len(pages) < 2 || strings.Contains(pages[0], "Copyright legend") || !strings.Contains(pages[1], "Copyright legend on the page") ||
		!strings.Contains(pages[1], "Text layer of the scan") {
		t.Errorf("stamped pages:\n%q", pages)
	}
	if _, err := StampFooter(doc, "x", 3); err == nil {
		t.Error("a page past the end was accepted")
	}
	if _, err := StampFooter([]byte("not a pdf"), "x", 1); err == nil {
		t.Error("not a PDF was accepted")
	}
}

// BenchmarkNoticeOnScan: the copyright notice page put in front of a
// 14-page text PDF, and the footer overlay on its pages (what a delivered
// copy costs the lending desk).
func BenchmarkNoticeOnScan(b *testing.B) {
	paras := make([]string, 0, 400)
	for range 400 {
		paras = append(paras, "A scanned line of the article's text, long enough to wrap once on the page.")
	}
	scan, err := NoticePDF(Notice{Title: "Scan", Paragraphs: paras})
	if err != nil {
		b.Fatal(err)
	}
	notice, err := NoticePDF(Notice{Title: "NOTICE", Paragraphs: []string{"The warning of copyright."}})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("prepend", func(b *testing.B) {
		benchDoc(b, func() ([]byte, error) { return PrependPages(notice, scan) })
	})
	doc, err := PrependPages(notice, scan)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("overlay", func(b *testing.B) {
		benchDoc(b, func() ([]byte, error) {
			return StampFooter(doc, "Supplied by a library; may be protected by copyright.", 2)
		})
	})
}
