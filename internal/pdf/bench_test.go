package pdf

import "testing"

// go test -run '^$' -bench . -benchmem ./internal/pdf reports the time
// and the size of each document (pdf-bytes).

func BenchmarkPullSlips50(b *testing.B) {
	batch := PullSlipBatch{}
	for i := range 50 {
		s := sampleSlip(i)
		s.ItemBarcode = "39000012345678"
		batch.Slips = append(batch.Slips, s)
	}
	benchDoc(b, func() ([]byte, error) { return PullSlips(batch) })
}

func BenchmarkShippingLabel4x6(b *testing.B) {
	batch := ShippingLabelBatch{Stock: Stock4x6, Items: []ShippingLabel{sampleLabel()}}
	benchDoc(b, func() ([]byte, error) { return ShippingLabels(batch) })
}

func BenchmarkShippingLabelLatinOnly(b *testing.B) {
	l := sampleLabel()
	l.ShipTo = []string{"Interlibrary Loan", "Shelbyville University Library", "2 Book Street", "Shelbyville"}
	batch := ShippingLabelBatch{Stock: StockA4, Items: []ShippingLabel{l}}
	benchDoc(b, func() ([]byte, error) { return ShippingLabels(batch) })
}

func BenchmarkInvoice200Lines(b *testing.B) {
	inv := sampleInvoice(200)
	benchDoc(b, func() ([]byte, error) { return InvoicePDF(inv) })
}

func benchDoc(b *testing.B, make func() ([]byte, error)) {
	if _, err := loadFonts(); err != nil { // parse the fonts outside the timing
		b.Fatal(err)
	}
	var size int
	for b.Loop() {
		out, err := make()
		if err != nil {
			b.Fatal(err)
		}
		size = len(out)
	}
	b.ReportMetric(float64(size), "pdf-bytes")
}

func BenchmarkLoadFonts(b *testing.B) {
	for b.Loop() {
		if _, err := parseFonts(); err != nil {
			b.Fatal(err)
		}
	}
}
