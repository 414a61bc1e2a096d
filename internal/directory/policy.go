package directory

import "slices"

// Charge returns the library's standard charge for service t; ok is false
// when it states none.
func (p Policy) Charge(t ServiceType) (Money, bool) {
	return chargeIn(p.Charges, t)
}

func chargeIn(cs []Charge, t ServiceType) (Money, bool) {
	for _, c := range cs {
		if c.Service == t {
			return c.Amount, true
		}
	}
	return Money{}, false
}

// Groups lists the codes of the groups the library belongs to.
func (p Policy) Groups() []string {
	out := make([]string, 0, len(p.Agreements))
	for _, a := range p.Agreements {
		out = append(out, a.Group)
	}
	return out
}

// Terms is what a lender charges a borrower for a service, and why.
type Terms struct {
	Charge Money
	// Known is false when the lender states no charge for the service.
	Known bool
	// Agreement is the group whose terms apply, or nil for the standard
	// charges.
	Agreement *Agreement
}

// TermsFor returns what lender charges borrower for service t: the
// cheapest terms of a group both belong to (a reciprocal group without
// charges is free; a consortium without charges uses the standard
// charge), else the lender's standard charge.
func TermsFor(lender, borrower *Entry, t ServiceType) Terms {
	std, stdKnown := lender.Policy.Charge(t)
	best := Terms{Charge: std, Known: stdKnown}
	theirs := borrower.Policy.Groups()
	for i := range lender.Policy.Agreements {
		a := &lender.Policy.Agreements[i]
		if !slices.ContainsFunc(theirs, func(g string) bool { return equalFoldASCII(g, a.Group) }) {
			continue
		}
		cand := Terms{Agreement: a}
		switch c, ok := chargeIn(a.Charges, t); {
		case ok:
			cand.Charge, cand.Known = c, true
		case a.Kind == AgreementReciprocal:
			cand.Charge, cand.Known = Money{Currency: std.Currency}, true
		default:
			cand.Charge, cand.Known = std, stdKnown
		}
		if best.Agreement == nil || cand.Known && (!best.Known || cand.Charge.Minor < best.Charge.Minor) {
			best = cand
		}
	}
	return best
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
