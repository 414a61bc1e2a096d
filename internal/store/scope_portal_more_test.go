package store_test

import (
	"interlend/internal/ill"
	"interlend/internal/store"
)

func init() {
	addScope(portalMoreCases, seedNoticePrefs)
}

// seedNoticePrefs gives the seeded patron's login a notice turned off,
// so that a case of A's changing B's choice would show.
func seedNoticePrefs(tx *store.Tx, ag ill.AgencyID, marker string) error {
	p, err := tx.Agency().FindPatron(ag, "P1")
	if err != nil || p.UserID == 0 {
		return err
	}
	return tx.Agency().SetNoticesOff(ag, p.UserID, []string{"patron.seed." + marker})
}

// The portal's notice preferences (notice_prefs.go), as A, for the
// seeded patron's login.
var portalMoreCases = map[string]agencyCase{
	"NoticesOff": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		p, err := a.FindPatron(ag, "P1")
		if err != nil {
			return nil, err
		}
		return a.NoticesOff(ag, p.UserID)
	},
	"SetNoticesOff": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		p, err := a.FindPatron(ag, "P1")
		if err != nil || p.UserID == 0 {
			return nil, err
		}
		if err := a.SetNoticesOff(ag, p.UserID, []string{"patron.shipped", "patron.received"}); err != nil {
			return nil, err
		}
		return a.NoticesOff(ag, p.UserID)
	},
}
