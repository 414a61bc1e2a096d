package store_test

import (
	"interlend/internal/ill"
	"interlend/internal/store"
)

func init() { addScope(circulationCases, seedCirculation) }

// seedCirculation gives an agency a lending request with a RequestItem
// step carrying the marker in its item, data and problem. (A lending
// request, so that the requests cases keep finding their own borrowing
// request first, whichever seed runs first.)
func seedCirculation(tx *store.Tx, ag ill.AgencyID, marker string) error {
	r := &ill.Request{Side: ill.Lending, State: ill.LAwaitingShip, ServiceType: ill.Loan, Partner: "US-BORR", PartnerRequestID: "CIRC-" + marker,
		Citation: ill.Citation{Title: "Loan of " + marker}}
	if err := tx.Agency().CreateRequest(ag, r); err != nil {
		return err
	}
	_, _, err := tx.Agency().AddCirculationStep(ag, store.CirculationStep{RequestID: r.ID, Service: "RequestItem", State: store.StepFailed,
		Driver: "ncip", ItemID: "ITEM-" + marker, Data: map[string]string{"note": marker}, Problem: "Unknown User " + marker})
	return err
}

// eachRequestID calls f with every request id a seeded database may hold,
// so that a method is tried with the other agency's requests too; f
// returns NotFound for those.
func eachRequestID(f func(id int64) error) error {
	for id := int64(1); id <= 20; id++ {
		if err := f(id); err != nil && !ill.Is(err, ill.NotFound) {
			return err
		}
	}
	return nil
}

var circulationCases = map[string]agencyCase{
	"AddCirculationStep": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		var added []store.CirculationStep
		err := eachRequestID(func(id int64) error {
			s, ok, err := a.AddCirculationStep(ag, store.CirculationStep{RequestID: id, Service: "CheckInItem", State: store.StepPending, Driver: "ncip"})
			if ok {
				added = append(added, s)
			}
			return err
		})
		return added, err
	},
	"CirculationStep": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		var found []store.CirculationStep
		err := eachRequestID(func(id int64) error {
			s, err := a.CirculationStep(ag, id, "RequestItem")
			if err == nil {
				found = append(found, s)
			}
			return err
		})
		return found, err
	},
	"CirculationSteps": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		var found []store.CirculationStep
		err := eachRequestID(func(id int64) error {
			ss, err := a.CirculationSteps(ag, id)
			found = append(found, ss...)
			return err
		})
		return found, err
	},
	"UpdateCirculationStep": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return nil, eachRequestID(func(id int64) error {
			return a.UpdateCirculationStep(ag, store.CirculationStep{RequestID: id, Service: "RequestItem", State: store.StepByHand, ItemID: "changed"})
		})
	},
}
