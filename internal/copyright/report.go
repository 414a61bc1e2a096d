package copyright

import (
	"cmp"
	"slices"
)

// ReportRow is one title (or work) in the yearly copyright report.
type ReportRow struct {
	Key   Key    `json:"key"`
	Title string `json:"title"`
	ISSN  string `json:"issn,omitempty"`
	Year  int    `json:"year"`
	// Counted: free copies used (CCG, filled or in process), from the ledger.
	Counted int `json:"counted"`
	// Imported: prior counts carried over (PriorCount).
	Imported int `json:"imported"`
	// Total is Counted + Imported: the figure compared with the limit.
	Total       int `json:"total"`
	RoyaltyPaid int `json:"royaltyPaid"`
	Purchased   int `json:"purchased"`
	NotCounted  int `json:"notCounted"` // sent under another category (CCL and others)
	Withdrawn   int `json:"withdrawn"`  // cancelled or unfilled
	Awaiting    int `json:"awaiting"`   // held for clearance
	// AtLimit: Total has reached the limit; the next copy needs clearance.
	AtLimit bool  `json:"atLimit"`
	Fees    []Fee `json:"fees,omitempty"` // royalties per currency
}

// YearlyReport counts one calendar year's ledger per title: free copies,
// royalties, purchases, other categories, withdrawn and held requests, with
// imported prior counts added. Rows are sorted by normalised title, then key.
func YearlyReport(entries []Entry, prior []PriorCount, year, limit int) []ReportRow {
	rows := map[Key]*ReportRow{}
	row := func(k Key, title, issn string) *ReportRow {
		r := rows[k]
		if r == nil {
			r = &ReportRow{Key: k, Year: year}
			rows[k] = r
		}
		if r.Title == "" {
			r.Title = title
		}
		if r.ISSN == "" {
			r.ISSN = issn
		}
		return r
	}
	for _, e := range entries {
		if e.Year != year {
			continue
		}
		r := row(e.Key, e.Title, e.ISSN)
		switch {
		case e.Counted():
			r.Counted++
		case e.State == StateRoyaltyPaid:
			r.RoyaltyPaid++
			if e.Fee != nil {
				r.Fees = addFee(r.Fees, *e.Fee)
			}
		case e.State == StatePurchased:
			r.Purchased++
		case e.State == StateCancelled || e.State == StateUnfilled:
			r.Withdrawn++
		case e.State == StateAwaiting:
			r.Awaiting++
		default:
			r.NotCounted++
		}
	}
	for _, p := range prior {
		if p.Year == year {
			row(p.Key, p.Title, p.ISSN).Imported += p.Count
		}
	}
	out := make([]ReportRow, 0, len(rows))
	for _, r := range rows {
		r.Total = r.Counted + r.Imported
		r.AtLimit = r.Total >= limit
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b ReportRow) int {
		return cmp.Or(cmp.Compare(NormaliseTitle(a.Title), NormaliseTitle(b.Title)), cmp.Compare(a.Key, b.Key))
	})
	return out
}

func addFee(fees []Fee, f Fee) []Fee {
	for i := range fees {
		if fees[i].Currency == f.Currency {
			fees[i].AmountMinor += f.AmountMinor
			return fees
		}
	}
	fees = append(fees, f)
	slices.SortFunc(fees, func(a, b Fee) int { return cmp.Compare(a.Currency, b.Currency) })
	return fees
}
