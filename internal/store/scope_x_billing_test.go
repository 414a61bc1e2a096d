package store_test

import (
	"fmt"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// The file sorts after scope_requests_test.go so that its seed finds the
// seeded requests.
func init() { addScope(billingCases, seedBilling) }

// seedBilling gives the agency a dated charge, a received invoice and an
// escalation of its first borrowing request, all holding the marker.
func seedBilling(tx *store.Tx, ag ill.AgencyID, marker string) error {
	a := tx.Agency()
	r := firstRequest(a, ag, ill.Borrowing)
	c := &store.Charge{RequestID: r.ID, Type: store.ChargeShipping, Amount: ill.Money{Minor: 400, Currency: "EUR"}, Status: store.ChargeAccepted,
		Note: marker, CreatedAt: time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)}
	if err := a.AddDatedCharge(ag, c); err != nil {
		return err
	}
	if err := a.AddReceivedInvoice(ag, &store.ReceivedInvoice{Partner: "US-LEND", Number: "INV-" + marker, Lines: 1, Data: []byte(`[]`)}); err != nil {
		return err
	}
	return a.PutEscalation(ag, &store.Escalation{RequestID: r.ID, Done: 1, LastStep: "notice " + marker})
}

var billingCases = map[string]agencyCase{
	"ChargesBetween": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		cs, err := a.ChargesBetween(ag, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
		if err == nil && len(cs) == 0 {
			err = fmt.Errorf("the agency's November charge was not found")
		}
		for _, c := range cs {
			if c.Agency != ag {
				err = fmt.Errorf("charge %d of %s listed", c.ID, c.Agency)
			}
		}
		return cs, err
	},
	"Charge": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		theirs, _ := a.Charges(otherAgency, 0)
		if _, err := a.Charge(ag, theirs[0].ID); err != nil {
			if err := crossTenant(err, "charge"); err != nil {
				return nil, err
			}
		} else {
			return nil, fmt.Errorf("another agency's charge was found")
		}
		mine, _ := a.Charges(ag, 0)
		return a.Charge(ag, mine[0].ID)
	},
	"AddDatedCharge": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		c := &store.Charge{Type: store.ChargeLender, Amount: ill.Money{Minor: 900, Currency: "GBP"}, Status: store.ChargeAccepted,
			CreatedAt: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}
		if err := a.AddDatedCharge(ag, c); err != nil {
			return nil, err
		}
		got, err := a.Charge(ag, c.ID)
		if err == nil && !got.CreatedAt.Equal(c.CreatedAt) {
			err = fmt.Errorf("dated %v, want %v", got.CreatedAt, c.CreatedAt)
		}
		return got, err
	},
	"AddReceivedInvoice": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		in := &store.ReceivedInvoice{Partner: "US-LEND", Number: "X", Lines: 2, Flagged: 1, Data: []byte(`[{"verdict":"match"}]`)}
		return in, a.AddReceivedInvoice(ag, in)
	},
	"ReceivedInvoices": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		ins, err := a.ReceivedInvoices(ag, 0)
		if err == nil && len(ins) == 0 {
			err = fmt.Errorf("the agency's received invoice was not found")
		}
		return ins, err
	},
	"Escalation": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		theirs, err := a.Escalation(ag, firstRequest(a, otherAgency, ill.Borrowing).ID)
		if err != nil || theirs.Done != 0 {
			return nil, fmt.Errorf("another agency's escalation was read: %+v %v", theirs, err)
		}
		return a.Escalation(ag, firstRequest(a, ag, ill.Borrowing).ID)
	},
	"PutEscalation": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if err := a.PutEscalation(ag, &store.Escalation{RequestID: firstRequest(a, otherAgency, ill.Borrowing).ID, Done: 5, LastStep: "bill"}); err != nil {
			if err := crossTenant(err, "request"); err != nil {
				return nil, err
			}
		} else {
			return nil, fmt.Errorf("escalated another agency's request")
		}
		e := &store.Escalation{RequestID: firstRequest(a, ag, ill.Borrowing).ID, Done: 2, LastStep: "block", BlockID: 3}
		if err := a.PutEscalation(ag, e); err != nil {
			return nil, err
		}
		got, err := a.Escalation(ag, e.RequestID)
		if err == nil && (got.Done != 2 || got.BlockID != 3) {
			err = fmt.Errorf("read back %+v", got)
		}
		return got, err
	},
	"PatronEscalations": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		es, err := a.PatronEscalations(ag, 7)
		if err == nil && len(es) != 1 {
			err = fmt.Errorf("got %d escalations of patron 7, want the agency's one", len(es))
		}
		return es, err
	},
}
