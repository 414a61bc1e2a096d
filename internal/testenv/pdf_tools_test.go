package testenv_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"interlend/internal/pdf"
	"interlend/internal/testenv"
)

func TestPDFHelpersOnARealDocument(t *testing.T) {
	t.Parallel()
	doc, err := pdf.ShippingLabels(pdf.ShippingLabelBatch{Stock: pdf.Stock4x6, Items: []pdf.ShippingLabel{
		{RequestID: "B1000042", ShipTo: []string{"Shelbyville Library"}, QR: "https://ill.example.org/r/B1000042"},
		{RequestID: "B1000043", ShipTo: []string{"Springfield Library"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := testenv.PDFPageCount(t, doc); got != 2 {
		t.Errorf("PDFPageCount = %d, want 2", got)
	}
	text := testenv.PDFText(t, doc)
	if !strings.Contains(text, "Shelbyville Library") || !strings.Contains(text, "Springfield Library") || strings.Count(text, "\f") != 2 {
		t.Errorf("PDFText = %q: want both addresses and a form feed after each page", text)
	}
	want := []testenv.Symbol{
		{Page: 1, Type: "CODE-128", Data: "B1000042"},
		{Page: 1, Type: "QR-Code", Data: "https://ill.example.org/r/B1000042"},
		{Page: 2, Type: "CODE-128", Data: "B1000043"},
	}
	got := testenv.PDFSymbols(t, doc)
	if diff := cmp.Diff(want, got, cmpIgnorePlace); diff != "" {
		t.Errorf("PDFSymbols mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"B1000042", "https://ill.example.org/r/B1000042", "B1000043"}, testenv.PDFBarcodes(t, doc)); diff != "" {
		t.Errorf("PDFBarcodes mismatch (-want +got):\n%s", diff)
	}
}

var cmpIgnorePlace = cmp.Transformer("noPlace", func(s testenv.Symbol) testenv.Symbol {
	s.X, s.Y = 0, 0
	return s
})
