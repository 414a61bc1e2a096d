package stats

import (
	"sort"
	"time"
)

// Charge is one line of the charges ledger as the statistics see it.
type Charge struct {
	At       time.Time // when it was written to the ledger
	Minor    int64     // amount in minor units of Currency
	Currency string
	Type     string // lender_charge, shipping, insurance, replacement, copyright_royalty, patron_fee
	Status   string // quoted, accepted, invoiced, paid, waived, disputed
	// Spend is set when the agency pays (payer), unset when it is paid
	// (payee); lines where it is neither are not given.
	Spend bool
}

// Counts reports whether the line is money committed: accepted, invoiced
// or paid. Quotes not accepted, waived and disputed charges are left out.
func (c Charge) Counts() bool {
	return c.Status == "accepted" || c.Status == "invoiced" || c.Status == "paid"
}

// Amount is a sum of money in one currency.
type Amount struct {
	Currency string `json:"currency"`
	Minor    int64  `json:"minor"`
}

// TypedAmount is a sum of one type of charge in one currency.
type TypedAmount struct {
	Type  string `json:"type"`
	Spend bool   `json:"spend"`
	Amount
}

// MoneyMeasures are a period's spend and income from the ledger.
type MoneyMeasures struct {
	Spend  []Amount      `json:"spend"`  // what the agency paid, per currency
	Income []Amount      `json:"income"` // what it was paid
	ByType []TypedAmount `json:"byType"`
	// CostPerFilled is spend divided by the borrowing requests filled in
	// the period, per currency (rounded to the nearest minor unit); empty
	// when nothing was filled.
	CostPerFilled []Amount `json:"costPerFilled"`
}

// MeasureMoney sums the ledger lines written in p that count (see
// Charge.Counts); filled is the number of borrowing requests filled in p.
func MeasureMoney(cs []Charge, p Period, filled int) MoneyMeasures {
	spend, income := map[string]int64{}, map[string]int64{}
	typed := map[TypedAmount]int64{}
	for _, c := range cs {
		if !c.Counts() || !p.Contains(c.At) {
			continue
		}
		if c.Spend {
			spend[c.Currency] += c.Minor
		} else {
			income[c.Currency] += c.Minor
		}
		typed[TypedAmount{Type: c.Type, Spend: c.Spend, Amount: Amount{Currency: c.Currency}}] += c.Minor
	}
	var m MoneyMeasures
	m.Spend, m.Income = amounts(spend), amounts(income)
	for k, v := range typed {
		k.Minor = v
		m.ByType = append(m.ByType, k)
	}
	sort.Slice(m.ByType, func(i, j int) bool {
		x, y := m.ByType[i], m.ByType[j]
		if x.Spend != y.Spend {
			return x.Spend
		}
		if x.Type != y.Type {
			return x.Type < y.Type
		}
		return x.Currency < y.Currency
	})
	if filled > 0 {
		for _, a := range m.Spend {
			m.CostPerFilled = append(m.CostPerFilled, Amount{Currency: a.Currency, Minor: divRound(a.Minor, int64(filled))})
		}
	}
	return m
}

func amounts(m map[string]int64) []Amount {
	out := make([]Amount, 0, len(m))
	for c, v := range m {
		out = append(out, Amount{Currency: c, Minor: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out
}

// divRound divides rounding half away from zero.
func divRound(a, b int64) int64 {
	if b == 0 {
		return 0
	}
	if (a < 0) != (b < 0) {
		return (a - b/2) / b
	}
	return (a + b/2) / b
}
