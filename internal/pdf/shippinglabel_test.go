package pdf

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"interlend/internal/testenv"
)

func sampleLabel() ShippingLabel {
	return ShippingLabel{
		RequestID: requestID(0),
		ShipTo:    []string{"Interlibrary Loan", titleRussian + " University Library", "Ulitsa Vozdvizhenka 3/5", "119019 Moscow", "RUSSIA"},
		ReturnTo:  []string{"Springfield University Library", "1 Library Way", "Springfield"},
		Due:       "2026-04-30",
		Customs:   "Library loan - to be returned. No commercial value.",
		QR:        "https://ill.example.org/r/B1000042",
	}
}

func TestShippingLabelStocks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		stock     LabelStock
		wantSize  [2]float64
		wantPages int // for three labels
	}{
		{Stock4x6, [2]float64{288, 432}, 3},
		{StockA4, [2]float64{595.28, 841.89}, 2},
		{StockLetter, [2]float64{612, 792}, 2},
	}
	for _, tt := range tests {
		t.Run(string(tt.stock), func(t *testing.T) {
			t.Parallel()
			second := sampleLabel()
			second.RequestID, second.QR, second.Customs = requestID(1), "", ""
			second.ShipTo = []string{titleChinese + " Library", "Beijing"}
			third := ShippingLabel{RequestID: requestID(2), ShipTo: []string{"Shelbyville"}}
			doc, err := ShippingLabels(ShippingLabelBatch{Stock: tt.stock, Items: []ShippingLabel{sampleLabel(), second, third}})
			if err != nil {
				t.Fatal(err)
			}
			sizes := pageSizes(t, doc)
			if len(sizes) != tt.wantPages || !near(sizes[0][0], tt.wantSize[0]) || !near(sizes[0][1], tt.wantSize[1]) {
				t.Errorf("pages %v, want %d of %v", sizes, tt.wantPages, tt.wantSize)
			}
			wantText(t, testenv.PDFText(t, doc),
				"Ship to", "Interlibrary Loan", titleRussian+" University Library", "119019 Moscow",
				"Return to", "Springfield University Library", "Due", "2026-04-30",
				"Library loan - to be returned. No commercial value.", "Request B1000042",
				titleChinese+" Library", "Request B1000044",
			)
			want := []string{requestID(0), "https://ill.example.org/r/B1000042", requestID(1), requestID(2)}
			if diff := cmp.Diff(want, testenv.PDFBarcodes(t, doc)); diff != "" {
				t.Errorf("barcodes mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestShippingLabelTranslatedCaptions(t *testing.T) {
	t.Parallel()
	lb := Labels{ShipTo: "Empfänger", ReturnTo: "Zurück an", Due: "Fällig"}
	doc, err := ShippingLabels(ShippingLabelBatch{Stock: Stock4x6, Items: []ShippingLabel{sampleLabel()}, Labels: lb})
	if err != nil {
		t.Fatal(err)
	}
	text := testenv.PDFText(t, doc)
	wantText(t, text, "Empfänger", "Zurück an", "Fällig")
	for _, english := range []string{"Ship to", "Return to", "Due"} {
		if strings.Contains(text, english) {
			t.Errorf("text has English caption %q though the caller translated it", english)
		}
	}
}

func TestShippingLabelsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   ShippingLabelBatch
		want string
	}{
		{"empty", ShippingLabelBatch{Stock: Stock4x6}, "empty batch"},
		{"unknown stock", ShippingLabelBatch{Stock: "a6", Items: []ShippingLabel{sampleLabel()}}, `unknown label stock "a6"`},
		{"no address", ShippingLabelBatch{Stock: StockA4, Items: []ShippingLabel{{RequestID: "B1"}}}, "shipping label 1: request id and ship-to address are required"},
		{"no request id", ShippingLabelBatch{Stock: StockA4, Items: []ShippingLabel{{ShipTo: []string{"X"}}}}, "shipping label 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ShippingLabels(tt.in); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}
