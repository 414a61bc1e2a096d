package store

import (
	"database/sql"
	"errors"
	"slices"
	"strings"

	"interlend/internal/ill"
)

// NoticesOff lists the patron notices (mail notice keys) a login turned
// off in the agency's portal; none when it never chose.
func (a AgencyData) NoticesOff(agency ill.AgencyID, userID int64) ([]string, error) {
	var off string
	err := a.t.queryRow(`SELECT notices_off FROM patron_notice_prefs WHERE agency = $1 AND user_id = $2`, string(agency), userID).Scan(&off)
	if errors.Is(err, sql.ErrNoRows) || off == "" {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return strings.Split(off, "\n"), nil
}

// SetNoticesOff records the patron notices a login turned off (an empty
// list turns every notice on). Returns NotFound for an unknown user.
func (a AgencyData) SetNoticesOff(agency ill.AgencyID, userID int64, off []string) error {
	keys := slices.Clone(off)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	_, err := a.t.exec(`INSERT INTO patron_notice_prefs (agency, user_id, notices_off, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (agency, user_id) DO UPDATE SET notices_off = excluded.notices_off, updated_at = excluded.updated_at`,
		string(agency), userID, strings.Join(keys, "\n"), micros(a.t.now))
	if isForeignKeyViolation(err) {
		return ill.Errorf(ill.NotFound, "no user %d in %s", userID, agency)
	}
	return err
}
