package store_test

import (
	"errors"
	"fmt"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
)

func init() { addScope(requestCases, seedRequests) }

// otherAgency is the agency whose data must stay invisible to the cases.
const otherAgency = ill.AgencyID("US-BBB")

func seedRequests(tx *store.Tx, ag ill.AgencyID, marker string) error {
	a := tx.Agency()
	b := &ill.Request{Side: ill.Borrowing, State: ill.BSent, ServiceType: ill.Loan, PatronID: 7, Partner: "US-LEND",
		Citation: ill.Citation{Title: "Book of " + marker, Author: marker + ", A.", OCLCNumber: "12345"}}
	if err := a.CreateRequest(ag, b); err != nil {
		return err
	}
	l := &ill.Request{Side: ill.Lending, State: ill.LNew, ServiceType: ill.Copy, Partner: "US-BORR", PartnerRequestID: "R-" + marker,
		Citation: ill.Citation{Title: "Journal of " + marker, ArticleTitle: "Article " + marker}}
	if err := a.CreateRequest(ag, l); err != nil {
		return err
	}
	if err := a.AppendEvent(ag, b.ID, &ill.Event{Type: "submitted", Name: "submit", ActorKind: ill.ActorStaff, Data: []byte(`{"note":"` + marker + `"}`)}); err != nil {
		return err
	}
	if err := a.AddRotaEntry(ag, b.ID, store.RotaEntry{Lender: "US-LEND", Reason: marker}); err != nil {
		return err
	}
	if err := a.AddRotaEntry(ag, b.ID, store.RotaEntry{Lender: "US-LEND2", Reason: marker}); err != nil {
		return err
	}
	m := &store.StoredMessage{RequestID: b.ID, Direction: store.Outbound, Partner: "US-LEND", Kind: ill.MsgRequest, DedupeKey: "k-" + marker,
		Body: ill.Message{Kind: ill.MsgRequest, Note: marker}}
	if err := a.AddMessage(ag, m); err != nil {
		return err
	}
	in := &store.StoredMessage{RequestID: b.ID, Direction: store.Inbound, Partner: "US-LEND", Kind: ill.MsgSAM,
		Body: ill.Message{Kind: ill.MsgSAM, Note: marker}}
	if err := a.AddMessage(ag, in); err != nil {
		return err
	}
	return a.AddCharge(ag, &store.Charge{RequestID: b.ID, Type: store.ChargeLender, Amount: ill.Money{Minor: 1500, Currency: "USD"}, Status: store.ChargeQuoted, Note: marker})
}

// firstRequest finds an agency's first request of a side (setup inside cases).
func firstRequest(a store.AgencyData, ag ill.AgencyID, side ill.Side) *ill.Request {
	rs, _, err := a.ListRequests(ag, store.RequestFilter{Side: side, Sort: "id"})
	if err != nil || len(rs) == 0 {
		panic(fmt.Sprintf("no %s request for %s: %v", side, ag, err))
	}
	return rs[0]
}

// crossTenant returns an error if a lookup as ag of the other agency's
// object did not come back NotFound.
func crossTenant(err error, what string) error {
	if !ill.Is(err, ill.NotFound) {
		return fmt.Errorf("%s of another agency: got %v, want NotFound", what, err)
	}
	return nil
}

func firstMessage(a store.AgencyData, ag ill.AgencyID) store.StoredMessage {
	r := firstRequest(a, ag, ill.Borrowing)
	ms, err := a.Messages(ag, r.ID)
	if err != nil || len(ms) == 0 {
		panic(fmt.Sprintf("no message: %v", err))
	}
	return ms[0]
}

var requestCases = map[string]agencyCase{
	"RequestsHeardFrom": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		own, other := firstRequest(a, ag, ill.Borrowing), firstRequest(a, otherAgency, ill.Borrowing)
		heard, err := a.RequestsHeardFrom(ag, "US-LEND", []int64{own.ID, other.ID})
		if err == nil && (len(heard) != 1 || !heard[own.ID]) {
			err = fmt.Errorf("heard from about %v, want only %d", heard, own.ID)
		}
		return heard, err
	},
	"CreateRequest": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		r := &ill.Request{Side: ill.Borrowing, State: ill.BValidated, ServiceType: ill.Loan, Citation: ill.Citation{Title: "New"}}
		return r, a.CreateRequest(ag, r)
	},
	"GetRequest": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if err := crossTenant(func() error {
			_, err := a.GetRequest(ag, firstRequest(a, otherAgency, ill.Borrowing).PublicID)
			return err
		}(), "GetRequest"); err != nil {
			return nil, err
		}
		return a.GetRequest(ag, firstRequest(a, ag, ill.Borrowing).PublicID)
	},
	"LockRequest": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if err := crossTenant(func() error {
			_, err := a.LockRequest(ag, firstRequest(a, otherAgency, ill.Borrowing).PublicID)
			return err
		}(), "LockRequest"); err != nil {
			return nil, err
		}
		return a.LockRequest(ag, firstRequest(a, ag, ill.Borrowing).PublicID)
	},
	"LockRequestByID": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if err := crossTenant(func() error {
			_, err := a.LockRequestByID(ag, firstRequest(a, otherAgency, ill.Borrowing).ID)
			return err
		}(), "LockRequestByID"); err != nil {
			return nil, err
		}
		return a.LockRequestByID(ag, firstRequest(a, ag, ill.Borrowing).ID)
	},
	"LockLendingRequest": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if err := crossTenant(func() error { _, err := a.LockLendingRequest(ag, "US-BORR", "R-MARK-BBB"); return err }(), "LockLendingRequest"); err != nil {
			return nil, err
		}
		return a.LockLendingRequest(ag, "US-BORR", "R-MARK-AAA")
	},
	"GetLendingRequest": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if err := crossTenant(func() error { _, err := a.GetLendingRequest(ag, "US-BORR", "R-MARK-BBB"); return err }(), "GetLendingRequest"); err != nil {
			return nil, err
		}
		return a.GetLendingRequest(ag, "US-BORR", "R-MARK-AAA")
	},
	"UpdateRequest": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		b := firstRequest(a, otherAgency, ill.Borrowing)
		b.Citation.Title = "hijacked"
		if err := a.UpdateRequest(ag, b, 0); !ill.Is(err, ill.Conflict) {
			return nil, fmt.Errorf("updating another agency's request: %v", err)
		}
		r := firstRequest(a, ag, ill.Borrowing)
		r.State = ill.BAnswered
		return r, a.UpdateRequest(ag, r, r.Version)
	},
	"ListRequests": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		rs, _, err := a.ListRequests(ag, store.RequestFilter{Query: "MARK"})
		if err != nil {
			return nil, err
		}
		all, _, err := a.ListRequests(ag, store.RequestFilter{})
		return append(rs, all...), err
	},
	"QueueCounts": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		c, n, err := a.QueueCounts(ag, ill.Borrowing)
		return []any{c, n}, err
	},
	"PatronRequestCounts": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		o, r, err := a.PatronRequestCounts(ag, 7, time.Time{})
		if err == nil && (o != 1 || r != 1) {
			err = fmt.Errorf("patron 7 counts %d %d, want 1 1 (only this agency's)", o, r)
		}
		return nil, err
	},
	"SimilarRequests": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		probe := &ill.Request{Citation: ill.Citation{OCLCNumber: "12345"}}
		return a.SimilarRequests(ag, 7, probe, time.Time{})
	},
	"AppendEvent": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		b := firstRequest(a, otherAgency, ill.Borrowing)
		if err := a.AppendEvent(ag, b.ID, &ill.Event{Type: "edited", ActorKind: ill.ActorStaff}); err == nil {
			return nil, errors.New("appended an event to another agency's request")
		}
		return nil, a.AppendEvent(ag, firstRequest(a, ag, ill.Borrowing).ID, &ill.Event{Type: "edited", ActorKind: ill.ActorStaff})
	},
	"Events": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		other, err := a.Events(ag, firstRequest(a, otherAgency, ill.Borrowing).ID)
		mine, err2 := a.Events(ag, firstRequest(a, ag, ill.Borrowing).ID)
		return append(other, mine...), errors.Join(err, err2)
	},
	"CountEvents": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.CountEvents(ag) },
	"Rota": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		other, err := a.Rota(ag, firstRequest(a, otherAgency, ill.Borrowing).ID)
		mine, err2 := a.Rota(ag, firstRequest(a, ag, ill.Borrowing).ID)
		return append(other, mine...), errors.Join(err, err2)
	},
	"AddRotaEntry": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		_ = a.AddRotaEntry(ag, firstRequest(a, otherAgency, ill.Borrowing).ID, store.RotaEntry{Lender: "US-EVIL"})
		return nil, a.AddRotaEntry(ag, firstRequest(a, ag, ill.Borrowing).ID, store.RotaEntry{Lender: "US-NEW", Position: 1})
	},
	"UpdateRotaEntry": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if err := a.UpdateRotaEntry(ag, firstRequest(a, otherAgency, ill.Borrowing).ID, store.RotaEntry{Position: 1, State: store.RotaUnfilled}); !ill.Is(err, ill.NotFound) {
			return nil, fmt.Errorf("updating another agency's rota: %v", err)
		}
		return nil, a.UpdateRotaEntry(ag, firstRequest(a, ag, ill.Borrowing).ID, store.RotaEntry{Position: 1, State: store.RotaCurrent})
	},
	"MoveRotaEntry": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		_ = a.MoveRotaEntry(ag, firstRequest(a, otherAgency, ill.Borrowing).ID, 2, 1)
		return nil, a.MoveRotaEntry(ag, firstRequest(a, ag, ill.Borrowing).ID, 2, 1)
	},
	"AddMessage": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		m := &store.StoredMessage{Direction: store.Inbound, Partner: "US-LEND", Kind: ill.MsgSAM, Body: ill.Message{Kind: ill.MsgSAM}}
		return m, a.AddMessage(ag, m)
	},
	"GetMessage": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if err := crossTenant(func() error { _, err := a.GetMessage(ag, firstMessage(a, otherAgency).ID); return err }(), "GetMessage"); err != nil {
			return nil, err
		}
		return a.GetMessage(ag, firstMessage(a, ag).ID)
	},
	"Messages": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		other, err := a.Messages(ag, firstRequest(a, otherAgency, ill.Borrowing).ID)
		mine, err2 := a.Messages(ag, firstRequest(a, ag, ill.Borrowing).ID)
		return append(other, mine...), errors.Join(err, err2)
	},
	"MessageByDedupeKey": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		other, _, err := a.MessageByDedupeKey(ag, store.Outbound, "US-LEND", "k-MARK-BBB")
		mine, _, err2 := a.MessageByDedupeKey(ag, store.Outbound, "US-LEND", "k-MARK-AAA")
		return []any{other, mine}, errors.Join(err, err2)
	},
	"SetMessageDelivery": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if err := a.SetMessageDelivery(ag, firstMessage(a, otherAgency).ID, store.DeliverySent, "", ""); !ill.Is(err, ill.NotFound) {
			return nil, fmt.Errorf("another agency's message: %v", err)
		}
		return nil, a.SetMessageDelivery(ag, firstMessage(a, ag).ID, store.DeliverySent, "OK", "")
	},
	"SetMessageRequest": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if err := a.SetMessageRequest(ag, firstMessage(a, otherAgency).ID, 1); !ill.Is(err, ill.NotFound) {
			return nil, fmt.Errorf("another agency's message: %v", err)
		}
		m := firstMessage(a, ag)
		return nil, a.SetMessageRequest(ag, m.ID, m.RequestID)
	},
	"SetMessageRaw": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if err := a.SetMessageRaw(ag, firstMessage(a, otherAgency).ID, "<x/>"); !ill.Is(err, ill.NotFound) {
			return nil, fmt.Errorf("another agency's message: %v", err)
		}
		return nil, a.SetMessageRaw(ag, firstMessage(a, ag).ID, "<x/>")
	},
	"SetMessageSent": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		for _, raw := range []string{"<x/>", ""} {
			if err := a.SetMessageSent(ag, firstMessage(a, otherAgency).ID, raw, store.DeliverySent, "OK"); !ill.Is(err, ill.NotFound) {
				return nil, fmt.Errorf("another agency's message (raw %q): %v", raw, err)
			}
		}
		return nil, a.SetMessageSent(ag, firstMessage(a, ag).ID, "<x/>", store.DeliverySent, "OK")
	},
	"SetMessageJob": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if err := a.SetMessageJob(ag, firstMessage(a, otherAgency).ID, 1); !ill.Is(err, ill.NotFound) {
			return nil, fmt.Errorf("another agency's message: %v", err)
		}
		return nil, a.SetMessageJob(ag, firstMessage(a, ag).ID, 1)
	},
	"AddCharge": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		c := &store.Charge{Type: store.ChargeShipping, Amount: ill.Money{Minor: 500, Currency: "USD"}, Status: store.ChargeAccepted}
		return c, a.AddCharge(ag, c)
	},
	"Charges": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		all, err := a.Charges(ag, 0)
		other, err2 := a.Charges(ag, firstRequest(a, otherAgency, ill.Borrowing).ID)
		return append(all, other...), errors.Join(err, err2)
	},
	"SetChargeStatus": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		others, _ := a.Charges(otherAgency, 0)
		if err := a.SetChargeStatus(ag, others[0].ID, store.ChargePaid, "x"); !ill.Is(err, ill.NotFound) {
			return nil, fmt.Errorf("another agency's charge: %v", err)
		}
		mine, _ := a.Charges(ag, 0)
		return nil, a.SetChargeStatus(ag, mine[0].ID, store.ChargeInvoiced, "INV-1")
	},
}
