package store

import (
	"database/sql"
	"time"

	"interlend/internal/ill"
)

// RotaEntryState is where one lender of a rota stands.
type RotaEntryState string

// Rota entry states.
const (
	RotaPending   RotaEntryState = "pending"   // not tried yet
	RotaCurrent   RotaEntryState = "current"   // the request is with this lender
	RotaUnfilled  RotaEntryState = "unfilled"  // it said no
	RotaTimedOut  RotaEntryState = "timed_out" // no answer within its window
	RotaCancelled RotaEntryState = "cancelled" // we moved on and cancelled it there
	RotaRetry     RotaEntryState = "retry"     // it offered a retry we did not take
	RotaSkipped   RotaEntryState = "skipped"   // passed over by staff or rules
	RotaFilled    RotaEntryState = "filled"    // it supplied
)

// RotaEntry is one lender in a request's rota, with why it is there.
type RotaEntry struct {
	ID                int64          `json:"-"`
	Position          int            `json:"position"`
	Lender            ill.AgencyID   `json:"lender"`
	Reason            string         `json:"reason"`
	Score             float64        `json:"score"`
	State             RotaEntryState `json:"state"`
	SupplierRequestID string         `json:"supplierRequestId,omitempty"`
	OurRequestID      string         `json:"ourRequestId,omitempty"` // the requestingAgencyRequestId used with this lender
	LastStatus        string         `json:"lastStatus,omitempty"`
	Note              string         `json:"note,omitempty"`
	SentAt            time.Time      `json:"sentAt,omitzero"`
	AnsweredAt        time.Time      `json:"answeredAt,omitzero"`
	WindowEndsAt      time.Time      `json:"windowEndsAt,omitzero"`
	ClosedAt          time.Time      `json:"closedAt,omitzero"`
}

// Rota lists a request's lenders in order.
func (a AgencyData) Rota(agency ill.AgencyID, requestID int64) ([]RotaEntry, error) {
	rows, err := a.t.query(`SELECT id, position, lender, reason, score, state, supplier_request_id, our_request_id, last_status, note, sent_at, answered_at, window_ends_at, closed_at
		FROM rota_entries WHERE request_id = $1 AND agency = $2 ORDER BY position`, requestID, string(agency))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RotaEntry
	for rows.Next() {
		var e RotaEntry
		var lender, state string
		var sent, answered, window, closed sql.NullInt64
		if err := rows.Scan(&e.ID, &e.Position, &lender, &e.Reason, &e.Score, &state, &e.SupplierRequestID, &e.OurRequestID, &e.LastStatus, &e.Note, &sent, &answered, &window, &closed); err != nil {
			return nil, err
		}
		e.Lender, e.State = ill.AgencyID(lender), RotaEntryState(state)
		e.SentAt, e.AnsweredAt, e.WindowEndsAt, e.ClosedAt = fromNullMicros(sent), fromNullMicros(answered), fromNullMicros(window), fromNullMicros(closed)
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddRotaEntry appends (or inserts at a position, moving later entries
// down) a lender to a request's rota.
func (a AgencyData) AddRotaEntry(agency ill.AgencyID, requestID int64, e RotaEntry) error {
	var n int
	if err := a.t.queryRow(`SELECT count(*) FROM rota_entries WHERE request_id = $1 AND agency = $2`, requestID, string(agency)).Scan(&n); err != nil {
		return err
	}
	if e.Position <= 0 || e.Position > n {
		e.Position = n + 1
	} else {
		// Shift in two steps so the unique (request, position) index never collides.
		if _, err := a.t.exec(`UPDATE rota_entries SET position = -position - 1 WHERE request_id = $1 AND agency = $2 AND position >= $3`, requestID, string(agency), e.Position); err != nil {
			return err
		}
		if _, err := a.t.exec(`UPDATE rota_entries SET position = -position WHERE request_id = $1 AND agency = $2 AND position < 0`, requestID, string(agency)); err != nil {
			return err
		}
	}
	if e.State == "" {
		e.State = RotaPending
	}
	_, err := a.t.exec(`INSERT INTO rota_entries (request_id, agency, position, lender, reason, score, state, note)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM requests WHERE id = $1 AND agency = $2)`,
		requestID, string(agency), e.Position, string(e.Lender), e.Reason, e.Score, string(e.State), e.Note)
	return err
}

// UpdateRotaEntry saves a rota entry's state and timestamps.
func (a AgencyData) UpdateRotaEntry(agency ill.AgencyID, requestID int64, e RotaEntry) error {
	return a.t.execOne(ill.Errorf(ill.NotFound, "no rota entry %d", e.Position),
		`UPDATE rota_entries SET state = $1, supplier_request_id = $2, last_status = $3, note = $4, sent_at = $5, answered_at = $6, window_ends_at = $7, closed_at = $8, our_request_id = $12
		WHERE request_id = $9 AND agency = $10 AND position = $11`,
		string(e.State), e.SupplierRequestID, e.LastStatus, e.Note, nullMicros(e.SentAt), nullMicros(e.AnsweredAt), nullMicros(e.WindowEndsAt), nullMicros(e.ClosedAt),
		requestID, string(agency), e.Position, e.OurRequestID)
}

// MoveRotaEntry moves a pending lender to another position.
func (a AgencyData) MoveRotaEntry(agency ill.AgencyID, requestID int64, from, to int) error {
	entries, err := a.Rota(agency, requestID)
	if err != nil {
		return err
	}
	if from < 1 || from > len(entries) || to < 1 || to > len(entries) {
		return ill.Errorf(ill.Invalid, "positions must be between 1 and %d", len(entries))
	}
	e := entries[from-1]
	if e.State != RotaPending {
		return ill.Errorf(ill.Conflict, "lender %s was already tried; only untried lenders can move", e.Lender)
	}
	if _, err := a.t.exec(`DELETE FROM rota_entries WHERE request_id = $1 AND agency = $2 AND position = $3`, requestID, string(agency), from); err != nil {
		return err
	}
	if _, err := a.t.exec(`UPDATE rota_entries SET position = -position + 1 WHERE request_id = $1 AND agency = $2 AND position > $3`, requestID, string(agency), from); err != nil {
		return err
	}
	if _, err := a.t.exec(`UPDATE rota_entries SET position = -position WHERE request_id = $1 AND agency = $2 AND position < 0`, requestID, string(agency)); err != nil {
		return err
	}
	e.Position = to
	return a.AddRotaEntry(agency, requestID, e)
}
