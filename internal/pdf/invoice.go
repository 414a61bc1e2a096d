package pdf

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Invoice is a bill between libraries for a period's loans and copies.
type Invoice struct {
	Number string
	Date   string   // date of issue, formatted by the caller
	Period string   // period covered, formatted by the caller
	From   []string // issuing library: name, then address lines
	To     []string // billed library: name, then address lines
	Lines  []InvoiceLine
	Notes  string // payment terms, bank details; printed under the addresses
	Paper  Paper
	Labels Labels
}

// InvoiceLine is one charge.
type InvoiceLine struct {
	Date        string // formatted by the caller
	RequestID   string
	Description string
	Amount      int64  // in the currency's minor unit (cents); negative for a credit
	Currency    string // ISO 4217 code, e.g. "EUR"
}

// InvoicePDF prints the invoice: addresses, number and period on page 1,
// then a table of lines over as many pages as needed (its header repeated
// on each), ending with a total per currency. It fails without a number
// or with a line that has no currency.
func InvoicePDF(inv Invoice) ([]byte, error) {
	if inv.Number == "" {
		return nil, fmt.Errorf("pdf: invoice: no number")
	}
	totals := map[string]int64{}
	rows := make([]tableRow, 0, len(inv.Lines)+4)
	lb := inv.Labels.withDefaults()
	for i, l := range inv.Lines {
		cur := strings.ToUpper(strings.TrimSpace(l.Currency))
		if cur == "" {
			return nil, fmt.Errorf("pdf: invoice %s line %d: no currency", inv.Number, i+1)
		}
		totals[cur] += l.Amount
		rows = append(rows, tableRow{cells: []string{l.Date, l.RequestID, l.Description, formatAmount(l.Amount, cur, lb.DecimalMark), cur}})
	}
	for _, cur := range slices.Sorted(maps.Keys(totals)) {
		rows = append(rows, tableRow{bold: true, cells: []string{"", "", lb.Total, formatAmount(totals[cur], cur, lb.DecimalMark), cur}})
	}
	w, h, err := inv.Paper.size()
	if err != nil {
		return nil, err
	}
	c, err := newCanvas(w, h, lb.Invoice+" "+inv.Number)
	if err != nil {
		return nil, err
	}
	cols := []Column{
		{Title: lb.Date, Width: 1.3},
		{Title: lb.Request, Width: 1.3},
		{Title: lb.Description, Width: 4},
		{Title: lb.Amount, Width: 1.3, Align: AlignRight},
		{Title: lb.Currency, Width: 0.9},
	}
	t := c.layoutTable(cols, reportMargin, w-2*reportMargin, rows)
	title := lb.Invoice + " " + inv.Number
	c.drawPagedTable(t, func() float64 { return c.invoiceHeading(inv, lb) }, title, title, lb)
	return c.bytes()
}

// invoiceHeading draws page 1's addresses and particulars and returns
// where the table starts.
func (c *canvas) invoiceHeading(inv Invoice, lb Labels) float64 {
	x, w := reportMargin, c.w-2*reportMargin
	colW := w/2 - 10
	rx := x + w/2 + 10

	// Issuer top left, the invoice's particulars top right.
	ly := c.field(x, reportMargin, colW, lb.From, strings.Join(inv.From, "\n"), regular, 10, 7)
	c.textRight(x+w, reportMargin+18, bold, 20, lb.Invoice)
	ry := reportMargin + 30
	ry = c.field(rx, ry, colW, lb.InvoiceNo, inv.Number, bold, 11, 1)
	ry = c.field(rx, ry, colW, lb.Date, inv.Date, regular, 10, 1)
	ry = c.field(rx, ry, colW, lb.Period, inv.Period, regular, 10, 2)

	y := max(ly, ry) + 8
	y = c.field(x, y, colW, lb.To, strings.Join(inv.To, "\n"), bold, 11, 7)
	if inv.Notes != "" {
		y = c.paragraph(x, y+10, w, regular, 9, 11.5, inv.Notes, 6) - 4
	}
	return y + 10
}

// zeroDecimal and threeDecimal list the ISO 4217 currencies whose minor
// unit is not the cent.
var (
	zeroDecimal  = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
	threeDecimal = "BHD IQD JOD KWD LYD OMR TND"
)

// formatAmount writes minor units as a decimal in the currency's minor
// unit, without digit grouping: 123450 EUR is "1234.50".
func formatAmount(minor int64, currency, decimalMark string) string {
	digits := 2
	switch {
	case slices.Contains(strings.Fields(zeroDecimal), currency):
		digits = 0
	case slices.Contains(strings.Fields(threeDecimal), currency):
		digits = 3
	}
	sign := ""
	u := uint64(minor)
	if minor < 0 {
		sign, u = "-", uint64(-minor) // -minor wraps for MinInt64 and u stays right
	}
	s := strconv.FormatUint(u, 10)
	if digits == 0 {
		return sign + s
	}
	if len(s) <= digits {
		s = strings.Repeat("0", digits-len(s)+1) + s
	}
	return sign + s[:len(s)-digits] + decimalMark + s[len(s)-digits:]
}
