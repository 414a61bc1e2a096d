package pdf

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"interlend/internal/testenv"
)

func TestPullSlipsBarcodesInBatchOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		perPage   int
		paper     Paper
		wantPages int
	}{
		{perPage: 0, paper: A4, wantPages: 4}, // default: 3 a page
		{perPage: 2, paper: Letter, wantPages: 5},
		{perPage: 4, paper: A4, wantPages: 3},
	}
	for _, tt := range tests {
		t.Run(string(tt.paper)+"/"+string(rune('0'+tt.perPage)), func(t *testing.T) {
			t.Parallel()
			var (
				slips []PullSlip
				want  []string
			)
			for i := range 10 {
				slips = append(slips, sampleSlip(i))
				want = append(want, requestID(i))
			}
			doc, err := PullSlips(PullSlipBatch{Paper: tt.paper, PerPage: tt.perPage, Slips: slips})
			if err != nil {
				t.Fatal(err)
			}
			if got := testenv.PDFPageCount(t, doc); got != tt.wantPages {
				t.Errorf("pages = %d, want %d", got, tt.wantPages)
			}
			if diff := cmp.Diff(want, testenv.PDFBarcodes(t, doc)); diff != "" {
				t.Errorf("barcodes mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPullSlipText(t *testing.T) {
	t.Parallel()
	slips := []PullSlip{sampleSlip(0), sampleSlip(1), sampleSlip(2)}
	slips[1].ItemBarcode = "39000012345678"
	slips[1].Note = "Fragile spine"
	lb := Labels{NeedBy: "Benötigt bis", CallNumber: "Signatur"}
	doc, err := PullSlips(PullSlipBatch{Slips: slips, Labels: lb})
	if err != nil {
		t.Fatal(err)
	}
	text := testenv.PDFText(t, doc)
	wantText(t, text,
		"Request B1000042", "QA76.73 .G63 D66 2000", "Stacks, level 2", "Main Library",
		titleChinese, titleRussian, titleKorean, "Donovan, Alan", "v. 2", "123-145",
		"Shelbyville University Library", "Benötigt bis 2026-03-15", "Signatur", "Loan",
		"Fragile spine", "39000012345678",
	)
	if strings.Contains(text, "Need by") {
		t.Errorf("text has the default caption %q though the caller gave one", "Need by")
	}
	want := []string{requestID(0), requestID(1), "39000012345678", requestID(2)}
	if diff := cmp.Diff(want, testenv.PDFBarcodes(t, doc)); diff != "" {
		t.Errorf("barcodes mismatch (-want +got):\n%s", diff)
	}
}

func TestPullSlipsErrors(t *testing.T) {
	t.Parallel()
	ok := []PullSlip{sampleSlip(0)}
	tests := []struct {
		name string
		in   PullSlipBatch
		want string
	}{
		{"empty batch", PullSlipBatch{}, "empty batch"},
		{"no request id", PullSlipBatch{Slips: []PullSlip{sampleSlip(0), {Title: "x"}}}, "pull slip 2: no request id"},
		{"bad layout", PullSlipBatch{Slips: ok, PerPage: 5}, "5 pull slips a page"},
		{"bad paper", PullSlipBatch{Slips: ok, Paper: "a5"}, `unknown paper "a5"`},
		{"non-ascii barcode", PullSlipBatch{Slips: []PullSlip{{RequestID: "Bü1"}}}, "printable ASCII"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := PullSlips(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
			if doc != nil {
				t.Errorf("got %d bytes of PDF with the error, want none", len(doc))
			}
		})
	}
}

func TestPullSlipsPaperSize(t *testing.T) {
	t.Parallel()
	for paper, want := range map[Paper][2]float64{A4: {595.28, 841.89}, Letter: {612, 792}} {
		doc, err := PullSlips(PullSlipBatch{Paper: paper, Slips: []PullSlip{sampleSlip(0)}})
		if err != nil {
			t.Fatal(err)
		}
		got := pageSizes(t, doc)
		if len(got) != 1 || !near(got[0][0], want[0]) || !near(got[0][1], want[1]) {
			t.Errorf("%s: page sizes %v, want one page of %v", paper, got, want)
		}
	}
}
