package store

import (
	"encoding/json"

	"interlend/internal/ill"
)

// ownPatronRequests gives a patron record's borrowing requests (those
// whose patron identity is still there) to the login now linked to the
// record, or to none when it is unlinked (userID 0): the portal lists a
// login's requests by requests.owner_user_id, so requests staff placed
// before the record had its login show once it has. The owner is kept in
// the request's data and in the indexed column alike; the version goes up
// so that a form opened before the change is refused as stale.
func (a AgencyData) ownPatronRequests(agency ill.AgencyID, patronID, userID int64) error {
	rs, err := a.t.queryRequests(`SELECT id, version, data FROM requests WHERE agency = $1 AND patron_id = $2 AND side = 'borrowing'
		AND redacted_at IS NULL`+a.t.db.forUpdate(), string(agency), patronID)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r.OwnerUserID == userID {
			continue
		}
		r.OwnerUserID = userID
		data, err := json.Marshal(r)
		if err != nil {
			return err
		}
		a.t.forgetRow(r.ID)
		if _, err := a.t.exec(`UPDATE requests SET owner_user_id = $1, data = $2, version = version + 1 WHERE id = $3 AND agency = $4`,
			nullID(userID), string(data), r.ID, string(agency)); err != nil {
			return err
		}
	}
	return nil
}
