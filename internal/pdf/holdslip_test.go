package pdf

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"interlend/internal/testenv"
)

func TestHoldSlips(t *testing.T) {
	t.Parallel()
	slips := []HoldSlip{
		{RequestID: requestID(0), PatronName: "Simpson, Homer J.", PatronID: "…4821", PickupLocation: "Main desk, ground floor",
			PickupBy: "2026-04-01", Title: titleRussian},
		{RequestID: requestID(1), PatronName: "李小龙", PickupLocation: "Branch 2", PickupBy: "2026-04-02", Title: titleChinese},
	}
	doc, err := HoldSlips(HoldSlipBatch{Paper: A4, PerPage: 2, Slips: slips, Labels: Labels{PickupBy: "Abholen bis"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := testenv.PDFPageCount(t, doc); got != 1 {
		t.Errorf("pages = %d, want 1", got)
	}
	wantText(t, testenv.PDFText(t, doc), "Simpson, Homer J.", "…4821", "Main desk, ground floor", "Abholen bis",
		"2026-04-01", titleRussian, "李小龙", titleChinese, "Request B1000043")
	if diff := cmp.Diff([]string{requestID(0), requestID(1)}, testenv.PDFBarcodes(t, doc)); diff != "" {
		t.Errorf("barcodes mismatch (-want +got):\n%s", diff)
	}
}

func TestHoldSlipsErrors(t *testing.T) {
	t.Parallel()
	if _, err := HoldSlips(HoldSlipBatch{}); err == nil || !strings.Contains(err.Error(), "empty batch") {
		t.Errorf("empty batch: error %v", err)
	}
	if _, err := HoldSlips(HoldSlipBatch{Slips: []HoldSlip{{PatronName: "x"}}}); err == nil || !strings.Contains(err.Error(), "hold slip 1: no request id") {
		t.Errorf("no request id: error %v", err)
	}
}
