package store_test

import (
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
)

func init() {
	addScope(platformCases, seedPlatform)
}

var platformCases = map[string]agencyCase{
	"Invitations": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.Invitations(ag) },
	"AuditTrail": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.AuditTrail(ag, store.AuditQuery{})
	},
}

// seedPlatform gives the agency a pending staff invitation and a settings
// change made by a named user.
func seedPlatform(tx *store.Tx, ag ill.AgencyID, marker string) error {
	u, err := tx.System().CreateUser(store.User{Email: strings.ToLower(marker) + "@invited.example", Name: "Invitee " + marker})
	if err != nil {
		return err
	}
	if _, err := tx.System().CreateAccountToken(store.AccountToken{UserID: u.ID, Purpose: store.TokenInvite,
		TokenHash: "hash-" + marker, Agency: ag, ExpiresAt: tx.Now().Add(24 * time.Hour)}); err != nil {
		return err
	}
	return tx.Agency().PutSetting(ag, "platform.seed", `"set by `+marker+`"`, u.ID)
}
