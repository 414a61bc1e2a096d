package billing

import (
	"strings"

	"interlend/internal/directory"
	"interlend/internal/ill"
)

// Price is what a lender's directory policy charges a borrower for a
// service.
type Price struct {
	Amount ill.Money `json:"amount"`
	// Known is false when the policy states no charge for the service.
	Known bool `json:"known"`
	// International is set when the lender's international price applied.
	International bool `json:"international,omitempty"`
	// Agreement is the group whose terms applied ("" for the standard
	// charge).
	Agreement string `json:"agreement,omitempty"`
}

// PolicyPrice is the lender's charge to the borrower for service: the
// terms of a group both belong to (directory.TermsFor), else the
// standard charge, its international price when the two libraries are in
// different countries and the lender states one. CopyOrLoan is priced as
// a loan.
func PolicyPrice(lender, borrower *directory.Entry, service ill.ServiceType) Price {
	t := directory.ServiceLoan
	if service == ill.Copy {
		t = directory.ServiceCopy
	}
	terms := directory.TermsFor(lender, borrower, t)
	p := Price{Amount: ill.Money{Minor: terms.Charge.Minor, Currency: terms.Charge.Currency}, Known: terms.Known}
	if terms.Agreement != nil {
		p.Agreement = terms.Agreement.Group
		return p
	}
	lc, bc := Country(lender), Country(borrower)
	if lc == "" || bc == "" || strings.EqualFold(lc, bc) {
		return p
	}
	for _, c := range lender.Policy.Charges {
		if c.Service == t && c.International.Currency != "" {
			p.Amount = ill.Money{Minor: c.International.Minor, Currency: c.International.Currency}
			p.Known, p.International = true, true
		}
	}
	return p
}

// Country is a library's country: its shipping address's, else its
// first address's, else the country of an ISIL id ("US-EXSUP").
func Country(e *directory.Entry) string {
	for _, a := range e.Addresses {
		if a.Purpose == directory.AddressShipping && a.Country != "" {
			return strings.ToUpper(a.Country)
		}
	}
	for _, a := range e.Addresses {
		if a.Country != "" {
			return strings.ToUpper(a.Country)
		}
	}
	if cc, _, ok := strings.Cut(string(e.ID), "-"); ok && len(cc) == 2 {
		return strings.ToUpper(cc)
	}
	return ""
}
