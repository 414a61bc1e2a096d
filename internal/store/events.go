package store

import (
	"database/sql"
	"encoding/json"

	"interlend/internal/ill"
)

// AppendEvent adds an event to a request's log, numbering it after the
// last one. Call it in the transaction that makes the change it records.
func (a AgencyData) AppendEvent(agency ill.AgencyID, requestID int64, ev *ill.Event) error {
	if len(ev.Data) == 0 {
		ev.Data = json.RawMessage("{}")
	}
	ev.RequestID, ev.At = requestID, a.t.now
	// The next sequence number is taken in the insert itself (the request
	// row is locked by the caller, so no other writer takes it meanwhile).
	return a.t.queryRow(`INSERT INTO events (request_id, agency, seq, type, name, actor_kind, actor_user, actor_partner, from_state, to_state, message_id, data, at)
		SELECT $1, $2, (SELECT coalesce(max(seq), 0) + 1 FROM events WHERE request_id = $1), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12
		WHERE EXISTS (SELECT 1 FROM requests WHERE id = $1 AND agency = $2)
		RETURNING id, seq`,
		requestID, string(agency), ev.Type, ev.Name, string(ev.ActorKind), sql.NullInt64{Int64: ev.ActorUser, Valid: ev.ActorUser != 0},
		string(ev.ActorPartner), string(ev.From), string(ev.To), sql.NullInt64{Int64: ev.MessageID, Valid: ev.MessageID != 0},
		string(ev.Data), micros(a.t.now)).Scan(&ev.ID, &ev.Seq)
}

// Events lists a request's log in order.
func (a AgencyData) Events(agency ill.AgencyID, requestID int64) ([]ill.Event, error) {
	rows, err := a.t.query(`SELECT id, seq, type, name, actor_kind, actor_user, actor_partner, from_state, to_state, message_id, data, at
		FROM events WHERE request_id = $1 AND agency = $2 ORDER BY seq`, requestID, string(agency))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ill.Event
	for rows.Next() {
		ev := ill.Event{RequestID: requestID}
		var actorKind, partner, from, to, data string
		var user, msg sql.NullInt64
		var at int64
		if err := rows.Scan(&ev.ID, &ev.Seq, &ev.Type, &ev.Name, &actorKind, &user, &partner, &from, &to, &msg, &data, &at); err != nil {
			return nil, err
		}
		ev.ActorKind, ev.ActorUser, ev.ActorPartner = ill.ActorKind(actorKind), user.Int64, ill.AgencyID(partner)
		ev.From, ev.To, ev.MessageID, ev.Data, ev.At = ill.State(from), ill.State(to), msg.Int64, json.RawMessage(data), fromMicros(at)
		out = append(out, ev)
	}
	return out, rows.Err()
}

// CountEvents counts an agency's events (tests and invariants).
func (a AgencyData) CountEvents(agency ill.AgencyID) (int, error) {
	var n int
	err := a.t.queryRow(`SELECT count(*) FROM events WHERE agency = $1`, string(agency)).Scan(&n)
	return n, err
}
