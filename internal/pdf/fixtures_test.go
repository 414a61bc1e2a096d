package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
)

// Titles in the scripts the fonts must cover.
const (
	titleChinese  = "图书馆学导论"
	titleRussian  = "Библиотечное дело"
	titleKorean   = "도서관학 개론"
	requestIDBase = 1000042
)

// requestID is the i-th test request id: B1000042, B1000043, ...
func requestID(i int) string { return fmt.Sprintf("B%d", requestIDBase+i) }

// sampleSlip is a pull slip with every field set.
func sampleSlip(i int) PullSlip {
	titles := []string{titleChinese + " (An introduction to library science)", titleRussian, titleKorean}
	return PullSlip{
		RequestID:  requestID(i),
		CallNumber: fmt.Sprintf("QA76.73 .G63 D66 20%02d", i),
		Location:   "Stacks, level 2",
		Branch:     "Main Library",
		Title:      titles[i%len(titles)],
		Author:     "Donovan, Alan",
		Volume:     "v. 2",
		Pages:      "123-145",
		Borrower:   "Shelbyville University Library",
		NeedBefore: "2026-03-15",
		Service:    "Loan",
	}
}

// wantText fails the test for each string the extracted text lacks.
// pdftotext -layout may pad words with extra spaces, so runs of spaces in
// the text count as one.
func wantText(t *testing.T, text string, want ...string) {
	t.Helper()
	flat := strings.Join(strings.Fields(text), " ")
	for _, w := range want {
		if !strings.Contains(flat, w) {
			t.Errorf("PDF text lacks %q; text:\n%s", w, text)
		}
	}
}

// pageSizes returns each page's width and height in points.
func pageSizes(t *testing.T, doc []byte) [][2]float64 {
	t.Helper()
	dims, err := api.PageDims(bytes.NewReader(doc), pdfcpuConfig())
	if err != nil {
		t.Fatalf("page dims: %v", err)
	}
	out := make([][2]float64, len(dims))
	for i, d := range dims {
		out[i] = [2]float64{d.Width, d.Height}
	}
	return out
}

// near reports whether a and b differ by less than half a point.
func near(a, b float64) bool { return a-b < 0.5 && b-a < 0.5 }
