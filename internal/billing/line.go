package billing

import (
	"fmt"
	"sort"
	"time"

	"interlend/internal/ill"
	"interlend/internal/routing"
)

// Line is one ledger line as billing sees it.
type Line struct {
	ID            int64     `json:"id"`
	Request       string    `json:"request,omitempty"` // public request id
	Type          string    `json:"type"`
	Amount        ill.Money `json:"amount"`
	Payer         string    `json:"payer"` // an agency id, or "patron"
	Payee         string    `json:"payee"`
	Status        string    `json:"status"`
	PaymentMethod string    `json:"paymentMethod,omitempty"`
	Reference     string    `json:"reference,omitempty"`
	Note          string    `json:"note,omitempty"`
	Date          time.Time `json:"date"` // when it was written to the ledger
}

// Ledger statuses as billing reads them.
const (
	StatusQuoted   = "quoted"
	StatusAccepted = "accepted"
	StatusInvoiced = "invoiced"
	StatusPaid     = "paid"
	StatusWaived   = "waived"
	StatusDisputed = "disputed"
)

// Patron is the payer of patron fees.
const Patron = "patron"

// Billable reports whether the line is money owed: accepted, invoiced or
// paid. Quotes, waived and disputed lines are never billed or totalled.
func (l Line) Billable() bool {
	return l.Status == StatusAccepted || l.Status == StatusInvoiced || l.Status == StatusPaid
}

// Convert converts m into currency to at the rate in force on day (the
// newest rate of the pair dated on or before it; see routing.Rates). It
// is the only conversion of the ledger. The error wraps routing.ErrNoRate.
func Convert(rates *routing.Rates, m ill.Money, to string, day time.Time) (ill.Money, routing.Conversion, error) {
	return rates.Convert(m, to, day)
}

// Sums are amounts per currency, sorted by currency.
type Sums []ill.Money

// Add sums lines per currency.
func sumLines(ls []Line) Sums {
	by := map[string]int64{}
	for _, l := range ls {
		by[l.Amount.Currency] += l.Amount.Minor
	}
	out := make(Sums, 0, len(by))
	for c, v := range by {
		out = append(out, ill.Money{Minor: v, Currency: c})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out
}

// Total is lines summed per currency and converted into one.
type Total struct {
	ByCurrency Sums      `json:"byCurrency"`
	Converted  ill.Money `json:"converted"`
	// Unconverted lists the ids of lines no rate could convert (left out
	// of Converted, never guessed).
	Unconverted []int64 `json:"unconverted,omitempty"`
}

// TotalOf sums the billable lines of ls, converting each into currency to
// at the rate of its own date.
func TotalOf(ls []Line, to string, rates *routing.Rates) Total {
	var in []Line
	t := Total{Converted: ill.Money{Currency: to}}
	for _, l := range ls {
		if !l.Billable() {
			continue
		}
		in = append(in, l)
		c, _, err := Convert(rates, l.Amount, to, l.Date)
		if err != nil {
			t.Unconverted = append(t.Unconverted, l.ID)
			continue
		}
		t.Converted.Minor += c.Minor
	}
	t.ByCurrency = sumLines(in)
	return t
}

// Format writes an amount with its currency's decimals: "15.00 USD".
func Format(m ill.Money) string { return routing.FormatMoney(m) }

// String writes the sums: "12.00 EUR, 3.50 USD".
func (s Sums) String() string {
	out := ""
	for i, m := range s {
		if i > 0 {
			out += ", "
		}
		out += Format(m)
	}
	if out == "" {
		return fmt.Sprint(0)
	}
	return out
}
