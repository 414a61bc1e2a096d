package pdf

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"interlend/internal/testenv"
)

func TestBookBands(t *testing.T) {
	t.Parallel()
	bands := []BookBand{
		{RequestID: requestID(0), Title: titleChinese, Borrower: "Springfield Public Library", Lender: "Shelbyville University",
			PatronDue: "2026-04-15", Conditions: []string{"Library use only", "No renewals"}},
		{RequestID: requestID(1), Title: titleRussian, Borrower: "Springfield Public Library", PatronDue: "2026-04-16"},
		{RequestID: requestID(2), Title: titleKorean},
		{RequestID: requestID(3), Title: "A fourth band on a second sheet"},
	}
	doc, err := BookBands(BookBandBatch{Paper: Letter, Bands: bands})
	if err != nil {
		t.Fatal(err)
	}
	if got := testenv.PDFPageCount(t, doc); got != 2 {
		t.Errorf("pages = %d, want 2 (three bands a sheet)", got)
	}
	text := testenv.PDFText(t, doc)
	wantText(t, text, titleChinese, titleRussian, titleKorean, "Springfield Public Library", "Shelbyville University",
		"2026-04-15", "Library use only", "No renewals", "Please do not remove this band", "Request B1000042")
	// The warning is printed at both ends of every band.
	if got, want := strings.Count(text, "Please do not remove this band"), 2*len(bands); got != want {
		t.Errorf("warning printed %d times, want %d", got, want)
	}
	want := []string{requestID(0), requestID(1), requestID(2), requestID(3)}
	if diff := cmp.Diff(want, testenv.PDFBarcodes(t, doc)); diff != "" {
		t.Errorf("barcodes mismatch (-want +got):\n%s", diff)
	}
}

func TestBookBandLongRequestIDStillScans(t *testing.T) {
	t.Parallel()
	id := "INTERLEND-2026-000000123456" // wider than a band at the normal module
	doc, err := BookBands(BookBandBatch{Bands: []BookBand{{RequestID: id, Title: "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{id}, testenv.PDFBarcodes(t, doc)); diff != "" {
		t.Errorf("barcodes mismatch (-want +got):\n%s", diff)
	}
}

func TestBookBandsErrors(t *testing.T) {
	t.Parallel()
	if _, err := BookBands(BookBandBatch{}); err == nil || !strings.Contains(err.Error(), "empty batch") {
		t.Errorf("empty batch: error %v", err)
	}
	if _, err := BookBands(BookBandBatch{Bands: []BookBand{{Title: "x"}}}); err == nil || !strings.Contains(err.Error(), "book band 1: no request id") {
		t.Errorf("no request id: error %v", err)
	}
}
