package routing

import (
	"cmp"
	"slices"

	"interlend/internal/catalog"
	"interlend/internal/directory"
	"interlend/internal/ill"
)

// Baseline is the lender string a member of staff would type without
// routing: up to n holders of the title (any matching record), the
// preferred tier first (our consortium, then our reciprocal partners, then
// everyone else), alphabetical within a tier. It leaves out only the
// borrower itself and libraries the directory does not list as active.
// The simulator compares Build with it (docs/routing.md).
func Baseline(holdings []catalog.Holding, lenders map[ill.AgencyID]*Lender, borrower *directory.Entry, self ill.AgencyID, n int) []ill.AgencyID {
	type cand struct {
		id   ill.AgencyID
		tier int
	}
	var cs []cand
	for _, h := range holdings {
		l := lenders[h.Agency]
		if h.Agency == self || l == nil || len(h.Matches) == 0 || l.Entry.Status != "" && l.Entry.Status != directory.StatusActive {
			continue
		}
		t, _ := TierOf(&l.Entry, borrower)
		cs = append(cs, cand{h.Agency, t})
	}
	slices.SortFunc(cs, func(a, b cand) int {
		if a.tier != b.tier {
			return cmp.Compare(a.tier, b.tier)
		}
		return cmp.Compare(a.id, b.id)
	})
	var out []ill.AgencyID
	for _, c := range cs {
		if len(out) == n {
			break
		}
		out = append(out, c.id)
	}
	return out
}
