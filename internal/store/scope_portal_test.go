package store_test

import (
	"interlend/internal/ill"
	"interlend/internal/patron"
	"interlend/internal/store"
)

func init() {
	addScope(portalCases, nil)
}

// PatronByEmail as A, for a patron of A's made here (earlier cases may
// have changed the seeded ones): the harness checks that B's rows
// neither change nor show.
var portalCases = map[string]agencyCase{
	"PatronByEmail": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if _, err := a.CreatePatron(ag, store.Patron{Record: patron.Record{Barcode: "BY-EMAIL", Name: "By Email", Email: "by-email@example.edu"}}, 0); err != nil {
			return nil, err
		}
		return a.PatronByEmail(ag, "BY-EMAIL@example.edu")
	},
}
