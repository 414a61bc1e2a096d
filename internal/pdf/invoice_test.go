package pdf

import (
	"fmt"
	"strings"
	"testing"

	"interlend/internal/testenv"
)

func TestFormatAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		minor    int64
		currency string
		mark     string
		want     string
	}{
		{123450, "EUR", ".", "1234.50"},
		{5, "USD", ".", "0.05"},
		{0, "GBP", ".", "0.00"},
		{-250, "EUR", ",", "-2,50"},
		{1500, "JPY", ".", "1500"},
		{1234, "KWD", ".", "1.234"},
		{-9223372036854775808, "EUR", ".", "-92233720368547758.08"},
	}
	for _, tt := range tests {
		if got := formatAmount(tt.minor, tt.currency, tt.mark); got != tt.want {
			t.Errorf("formatAmount(%d, %q, %q) = %q, want %q", tt.minor, tt.currency, tt.mark, got, tt.want)
		}
	}
}

func sampleInvoice(lines int) Invoice {
	inv := Invoice{
		Number: "INV-2026-001",
		Date:   "2026-04-01",
		Period: "2026-01-01 to 2026-03-31",
		From:   []string{"Springfield University Library", "1 Library Way", "Springfield"},
		To:     []string{"Shelbyville College Library", "2 Book Street", "Shelbyville"},
		Notes:  "Payment within 30 days.",
	}
	for i := range lines {
		cur := "EUR"
		if i%4 == 3 {
			cur = "usd" // lower case is accepted and printed upper case
		}
		inv.Lines = append(inv.Lines, InvoiceLine{
			Date:        fmt.Sprintf("2026-01-%02d", i%28+1),
			RequestID:   requestID(i),
			Description: "Loan: " + titleChinese + ", with a description long enough to wrap in its column",
			Amount:      1000 + int64(i),
			Currency:    cur,
		})
	}
	return inv
}

func TestInvoiceSinglePage(t *testing.T) {
	t.Parallel()
	inv := sampleInvoice(4) // EUR 10.00, 10.01, 10.02; USD 10.03
	inv.Lines[1].Description = titleRussian
	doc, err := InvoicePDF(inv)
	if err != nil {
		t.Fatal(err)
	}
	if got := testenv.PDFPageCount(t, doc); got != 1 {
		t.Errorf("pages = %d, want 1", got)
	}
	wantText(t, testenv.PDFText(t, doc),
		"Invoice", "INV-2026-001", "2026-01-01 to 2026-03-31", "Springfield University Library",
		"Shelbyville College Library", "2 Book Street", "Payment within 30 days.",
		"B1000042", titleChinese, titleRussian, "10.00 EUR", "10.03 USD",
		"Total 30.03 EUR", "Total 10.03 USD", "Page 1 / 1",
	)
}

func TestInvoiceMultiPageRepeatsHeader(t *testing.T) {
	t.Parallel()
	inv := sampleInvoice(90)
	var eur, usd int64
	for _, l := range inv.Lines {
		if l.Currency == "EUR" {
			eur += l.Amount
		} else {
			usd += l.Amount
		}
	}
	doc, err := InvoicePDF(inv)
	if err != nil {
		t.Fatal(err)
	}
	pages := testenv.PDFPageCount(t, doc)
	if pages < 3 {
		t.Fatalf("pages = %d, want at least 3 for 90 wrapped lines", pages)
	}
	text := testenv.PDFText(t, doc)
	perPage := strings.Split(strings.TrimRight(text, "\f"), "\f")
	if len(perPage) != pages {
		t.Fatalf("text has %d pages, pdfinfo %d", len(perPage), pages)
	}
	for i, p := range perPage {
		wantText(t, p, "Date", "Request", "Description", "Amount", "Currency", fmt.Sprintf("Page %d / %d", i+1, pages))
		if i > 0 {
			wantText(t, p, "Invoice INV-2026-001 (continued)")
		}
	}
	wantText(t, text, requestID(0), requestID(89),
		"Total "+formatAmount(eur, "EUR", ".")+" EUR", "Total "+formatAmount(usd, "USD", ".")+" USD")
	// Every line printed once.
	for i := range 90 {
		if n := strings.Count(text, requestID(i)); n != 1 {
			t.Errorf("%s printed %d times, want once", requestID(i), n)
		}
	}
}

func TestInvoiceErrors(t *testing.T) {
	t.Parallel()
	inv := sampleInvoice(2)
	inv.Lines[1].Currency = " "
	if _, err := InvoicePDF(inv); err == nil || !strings.Contains(err.Error(), "line 2: no currency") {
		t.Errorf("blank currency: error %v", err)
	}
	if _, err := InvoicePDF(Invoice{}); err == nil || !strings.Contains(err.Error(), "no number") {
		t.Errorf("no number: error %v", err)
	}
}
