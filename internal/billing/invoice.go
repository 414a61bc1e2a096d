package billing

import (
	"sort"
	"strings"

	"interlend/internal/routing"
	"interlend/internal/stats"
)

// Direction says who pays on an invoice.
type Direction string

// Directions.
const (
	// Receivable: the partner owes the agency (an invoice we issue).
	Receivable Direction = "receivable"
	// Payable: the agency owes the partner (a statement to check the
	// partner's invoice against).
	Payable Direction = "payable"
)

// Invoice is one partner's billable lines of a period in one direction.
type Invoice struct {
	Number    string    `json:"number"`
	Partner   string    `json:"partner"`
	Direction Direction `json:"direction"`
	Lines     []Line    `json:"lines"`
	Total     Total     `json:"total"`
}

// Invoices groups the agency's billable lines dated in p into one invoice
// per partner and direction, sorted by direction (receivable first) then
// partner. Lines with a patron or no counterparty, and lines that are not
// billable (quotes, waived, disputed), are left out. Each total is also
// converted into home at the rate in force on each line's date. Numbers
// are <agency>-<label>-<partner>, with R or P for the direction.
func Invoices(agency string, ls []Line, p stats.Period, label, home string, rates *routing.Rates) []Invoice {
	type key struct {
		partner string
		dir     Direction
	}
	by := map[key][]Line{}
	for _, l := range ls {
		if !l.Billable() || !p.Contains(l.Date) {
			continue
		}
		var k key
		switch {
		case l.Payee == agency && l.Payer != agency:
			k = key{l.Payer, Receivable}
		case l.Payer == agency && l.Payee != agency:
			k = key{l.Payee, Payable}
		default:
			continue
		}
		if k.partner == "" || k.partner == Patron {
			continue
		}
		by[k] = append(by[k], l)
	}
	out := make([]Invoice, 0, len(by))
	for k, lines := range by {
		sort.SliceStable(lines, func(i, j int) bool {
			if !lines[i].Date.Equal(lines[j].Date) {
				return lines[i].Date.Before(lines[j].Date)
			}
			return lines[i].ID < lines[j].ID
		})
		d := "R"
		if k.dir == Payable {
			d = "P"
		}
		out = append(out, Invoice{Number: strings.Join([]string{agency, label, d, k.partner}, "-"), Partner: k.partner, Direction: k.dir,
			Lines: lines, Total: TotalOf(lines, home, rates)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Direction != out[j].Direction {
			return out[i].Direction == Receivable
		}
		return out[i].Partner < out[j].Partner
	})
	return out
}

// Budget is the spend of a fiscal year against the agency's budget.
type Budget struct {
	Year      string `json:"year"` // "2026" or "2026/27"
	Period    stats.Period
	Budget    int64  `json:"budget"`    // minor units of Currency
	Spent     int64  `json:"spent"`     // billable lines the agency pays, converted
	Remaining int64  `json:"remaining"` // Budget - Spent (negative when over)
	Currency  string `json:"currency"`
	// Unconverted lists lines in another currency without a rate.
	Unconverted []int64 `json:"unconverted,omitempty"`
}

// Spend sums what the agency paid in p (billable lines where it is the
// payer), converted into currency at each line's dated rate.
func Spend(agency string, ls []Line, p stats.Period, budget int64, currency string, rates *routing.Rates) Budget {
	var mine []Line
	for _, l := range ls {
		if l.Payer == agency && p.Contains(l.Date) {
			mine = append(mine, l)
		}
	}
	t := TotalOf(mine, currency, rates)
	return Budget{Year: FiscalYearLabel(p), Period: p, Budget: budget, Spent: t.Converted.Minor, Remaining: budget - t.Converted.Minor,
		Currency: currency, Unconverted: t.Unconverted}
}
