package store_test

import (
	"fmt"

	"interlend/internal/ill"
	"interlend/internal/store"
)

func init() { addScope(routingCases, seedRouting) }

// seedRouting gives the agency's first borrowing request a routing plan
// holding the marker.
func seedRouting(tx *store.Tx, ag ill.AgencyID, marker string) error {
	r := firstRequest(tx.Agency(), ag, ill.Borrowing)
	return tx.Agency().PutRoutingExplanation(ag, r.ID, []byte(`{"entries":[{"lender":"US-LEND","reasons":[{"code":"`+marker+`"}]}]}`))
}

var routingCases = map[string]agencyCase{
	"PutRoutingExplanation": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		mine := firstRequest(a, ag, ill.Borrowing)
		if err := a.PutRoutingExplanation(ag, mine.ID, []byte(`{"entries":[]}`)); err != nil {
			return nil, err
		}
		// Another agency's request id writes nothing.
		theirs := firstRequest(a, otherAgency, ill.Borrowing)
		return nil, a.PutRoutingExplanation(ag, theirs.ID, []byte(`{"entries":["sneaked in"]}`))
	},
	"RoutingExplanation": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		mine := firstRequest(a, ag, ill.Borrowing)
		data, _, err := a.RoutingExplanation(ag, mine.ID)
		if err != nil {
			return nil, err
		}
		theirs := firstRequest(a, otherAgency, ill.Borrowing)
		if _, _, err := a.RoutingExplanation(ag, theirs.ID); !ill.Is(err, ill.NotFound) {
			return nil, fmt.Errorf("another agency's plan: got %v, want NotFound", err)
		}
		return string(data), nil
	},
}
