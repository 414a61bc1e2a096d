package billing

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"interlend/internal/directory"
	"interlend/internal/ill"
)

// ReceivedLine is one line of an invoice a partner sent us.
type ReceivedLine struct {
	Invoice     string    `json:"invoice"`
	Date        time.Time `json:"date"`
	Request     string    `json:"request"`
	Amount      ill.Money `json:"amount"`
	Description string    `json:"description,omitempty"`
}

// ReadReceived reads a received invoice as CSV with a header naming the
// columns invoice, date (YYYY-MM-DD), request, amount, currency and,
// optionally, description (in any order; more columns are ignored). A bad
// line is an error naming it; nothing is read then.
func ReadReceived(r io.Reader) ([]ReceivedLine, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("received invoice: no header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"invoice", "date", "request", "amount", "currency"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("received invoice: no %q column (want invoice,date,request,amount,currency[,description])", need)
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var out []ReceivedLine
	for n := 2; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("received invoice line %d: %w", n, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		d, err := time.Parse("2006-01-02", get(rec, "date"))
		if err != nil {
			return nil, fmt.Errorf("received invoice line %d: date %q: want YYYY-MM-DD", n, get(rec, "date"))
		}
		m, err := directory.NewMoney(get(rec, "amount"), get(rec, "currency"))
		if err != nil {
			return nil, fmt.Errorf("received invoice line %d: %w", n, err)
		}
		if get(rec, "request") == "" {
			return nil, fmt.Errorf("received invoice line %d: no request id", n)
		}
		out = append(out, ReceivedLine{Invoice: get(rec, "invoice"), Date: d, Request: get(rec, "request"),
			Amount: ill.Money{Minor: m.Minor, Currency: m.Currency}, Description: get(rec, "description")})
	}
}

// Verdict is how a request's lines compare.
type Verdict string

// Verdicts.
const (
	Match         Verdict = "match"          // the invoice asks what the ledger holds
	AmountDiffers Verdict = "amount_differs" // same request, another amount or currency
	NotInLedger   Verdict = "not_in_ledger"  // the invoice asks for a request the ledger owes nothing on
	NotBillable   Verdict = "not_billable"   // the ledger has it waived, disputed or only quoted
	NotInvoiced   Verdict = "not_invoiced"   // the ledger owes it, the invoice leaves it out
)

// Difference is one request's comparison.
type Difference struct {
	Request  string    `json:"request"`
	Verdict  Verdict   `json:"verdict"`
	Invoiced Sums      `json:"invoiced,omitempty"` // what the invoice asks
	Ledger   Sums      `json:"ledger,omitempty"`   // what the ledger owes (billable lines)
	Statuses []string  `json:"statuses,omitempty"` // the ledger lines' statuses
	Charges  []int64   `json:"charges,omitempty"`  // the ledger lines' ids
	Date     time.Time `json:"date,omitzero"`
}

// Flagged reports whether the difference needs staff.
func (d Difference) Flagged() bool { return d.Verdict != Match }

// Reconcile compares a partner's invoice with what the agency's ledger
// owes that partner: ledger holds the agency's lines payable to partner
// for the invoice's period. Lines are compared per request and currency
// (a request's lender charge and shipping may be one invoice line).
// Results are sorted by request.
func Reconcile(agency, partner string, received []ReceivedLine, ledger []Line) []Difference {
	type acc struct {
		inv, owed []Line
		all       []Line
		date      time.Time
	}
	by := map[string]*acc{}
	get := func(req string) *acc {
		if by[req] == nil {
			by[req] = &acc{}
		}
		return by[req]
	}
	for _, r := range received {
		a := get(r.Request)
		a.inv = append(a.inv, Line{Amount: r.Amount, Status: StatusAccepted})
		a.date = r.Date
	}
	for _, l := range ledger {
		if l.Payer != agency || l.Payee != partner || l.Request == "" {
			continue
		}
		a := get(l.Request)
		a.all = append(a.all, l)
		if l.Billable() {
			a.owed = append(a.owed, l)
		}
	}
	out := make([]Difference, 0, len(by))
	for req, a := range by {
		d := Difference{Request: req, Invoiced: sumLines(a.inv), Ledger: sumLines(a.owed), Date: a.date}
		for _, l := range a.all {
			d.Statuses, d.Charges = append(d.Statuses, l.Status), append(d.Charges, l.ID)
		}
		switch {
		case len(a.inv) == 0 && len(a.owed) > 0:
			d.Verdict = NotInvoiced
		case len(a.inv) == 0:
			continue // nothing asked, nothing owed
		case len(a.all) == 0:
			d.Verdict = NotInLedger
		case len(a.owed) == 0:
			d.Verdict = NotBillable
		case equalSums(d.Invoiced, d.Ledger):
			d.Verdict = Match
		default:
			d.Verdict = AmountDiffers
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Request < out[j].Request })
	return out
}

func equalSums(a, b Sums) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
