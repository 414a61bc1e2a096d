package billing

import (
	"encoding/csv"
	"io"
	"slices"
	"strconv"

	"interlend/internal/ill"
	"interlend/internal/routing"
	"interlend/internal/stats"
)

// decimal writes minor units with the currency's decimals, no code.
func decimal(m ill.Money) string {
	s := routing.FormatMoney(ill.Money{Minor: m.Minor})
	if m.Currency != "" {
		s = routing.FormatMoney(m)
		s = s[:len(s)-len(m.Currency)-1]
	}
	return s
}

// InvoiceCSVHeader is the header of an invoice's CSV.
var InvoiceCSVHeader = []string{"invoice", "direction", "partner", "charge_id", "date", "request", "type", "status", "amount", "currency",
	"amount_home", "home_currency", "rate", "rate_date", "reference", "note"}

// WriteInvoiceCSV writes an invoice's lines (each converted into home at
// its date's rate; blank when no rate), then one total line per currency
// and a converted total line.
func WriteInvoiceCSV(w io.Writer, inv Invoice, home string, rates *routing.Rates) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(InvoiceCSVHeader)
	for _, l := range inv.Lines {
		conv, c, err := Convert(rates, l.Amount, home, l.Date)
		amountHome, rate, on := "", "", ""
		if err == nil {
			amountHome, rate = decimal(conv), c.Rate
			if !c.On.IsZero() {
				on = c.On.String()
			}
		}
		_ = cw.Write([]string{inv.Number, string(inv.Direction), inv.Partner, strconv.FormatInt(l.ID, 10), l.Date.UTC().Format("2006-01-02"),
			l.Request, l.Type, l.Status, decimal(l.Amount), l.Amount.Currency, amountHome, home, rate, on, l.Reference, l.Note})
	}
	for _, s := range inv.Total.ByCurrency {
		_ = cw.Write([]string{inv.Number, string(inv.Direction), inv.Partner, "", "", "", "total", "", decimal(s), s.Currency, "", home, "", "", "", ""})
	}
	_ = cw.Write([]string{inv.Number, string(inv.Direction), inv.Partner, "", "", "", "total_home", "", "", "", decimal(inv.Total.Converted), home, "", "", "", ""})
	cw.Flush()
	return cw.Error()
}

// IFMHeader is the header of the IFM reconciliation file (docs/billing.md).
var IFMHeader = []string{"transaction_date", "charge_id", "request_id", "borrower_symbol", "lender_symbol", "ifm_type",
	"amount", "currency", "amount_home", "home_currency", "rate", "rate_date", "status", "reference"}

// PaymentIFM is the ISO 18626 paymentMethod of OCLC's ILL Fee Management.
const PaymentIFM = "IFM"

// WriteIFM writes the reconciliation file of the agency's billable lines
// in p settled through OCLC IFM: a debit when the agency pays, a credit
// when it is paid, oldest first, with each line converted into home at
// its date's rate.
func WriteIFM(w io.Writer, agency string, ls []Line, p stats.Period, home string, rates *routing.Rates) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(IFMHeader)
	ls = slices.Clone(ls)
	slices.SortStableFunc(ls, func(a, b Line) int { return a.Date.Compare(b.Date) })
	for _, l := range ls {
		if l.PaymentMethod != PaymentIFM || !l.Billable() || !p.Contains(l.Date) {
			continue
		}
		kind := "credit"
		if l.Payer == agency {
			kind = "debit"
		} else if l.Payee != agency {
			continue
		}
		conv, c, err := Convert(rates, l.Amount, home, l.Date)
		amountHome, rate, on := "", "", ""
		if err == nil {
			amountHome, rate = decimal(conv), c.Rate
			if !c.On.IsZero() {
				on = c.On.String()
			}
		}
		_ = cw.Write([]string{l.Date.UTC().Format("2006-01-02"), strconv.FormatInt(l.ID, 10), l.Request, l.Payer, l.Payee, kind,
			decimal(l.Amount), l.Amount.Currency, amountHome, home, rate, on, l.Status, l.Reference})
	}
	cw.Flush()
	return cw.Error()
}
