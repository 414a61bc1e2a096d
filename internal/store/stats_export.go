package store

import (
	"database/sql"
	"encoding/json"

	"interlend/internal/ill"
	"interlend/internal/stats"
)

// PatronIdentity is who a request was for, for exports that may show it.
type PatronIdentity struct {
	Barcode, Name, Email string
}

// EachStatsFact calls fn with each of the agency's facts submitted in the
// period, oldest first, reading as it goes (constant memory whatever the
// number of rows). With identity the patron's barcode, name and email come
// along; without, PatronIdentity is empty and patrons are not read.
func (a AgencyData) EachStatsFact(agency ill.AgencyID, p stats.Period, identity bool, fn func(StatsFact, PatronIdentity) error) error {
	q := `SELECT ` + factSelect + `, '', '', '' FROM stats_requests WHERE agency = $1 AND submitted_at >= $2 AND submitted_at < $3 ORDER BY submitted_at, request_id`
	if identity {
		q = `SELECT ` + prefixed("f.", factSelect) + `, coalesce(p.barcode, ''), coalesce(p.name, ''), coalesce(p.email, '')
			FROM stats_requests f LEFT JOIN patrons p ON p.id = f.patron_id AND p.agency = f.agency
			WHERE f.agency = $1 AND f.submitted_at >= $2 AND f.submitted_at < $3 ORDER BY f.submitted_at, f.request_id`
	}
	rows, err := a.t.query(q, string(agency), micros(p.From), micros(p.To))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var who PatronIdentity
		f, err := scanFact(agency, scanWith(rows, &who.Barcode, &who.Name, &who.Email))
		if err != nil {
			return err
		}
		if err := fn(f, who); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanWith scans a row into the destinations a scanner asks for, then
// into extra ones at the end.
type extraScanner struct {
	rows  *sql.Rows
	extra []any
}

func scanWith(rows *sql.Rows, extra ...any) extraScanner { return extraScanner{rows, extra} }

func (e extraScanner) Scan(dest ...any) error { return e.rows.Scan(append(dest, e.extra...)...) }

// prefixed qualifies each column of a comma-separated list.
func prefixed(prefix, cols string) string {
	var out []byte
	start := true
	for i := 0; i < len(cols); i++ {
		c := cols[i]
		if start && c != ' ' && c != '\n' && c != '\t' {
			out = append(out, prefix...)
			start = false
		}
		out = append(out, c)
		if c == ',' {
			start = true
		}
	}
	return string(out)
}

// ExportEvent is one event of the raw export.
type ExportEvent struct {
	Request string // public id
	Side    ill.Side
	Event   ill.Event
}

// EachEvent calls fn with each of the agency's events in the period, in
// order, reading as it goes. Event data (notes may name people) is read
// only withData.
func (a AgencyData) EachEvent(agency ill.AgencyID, p stats.Period, withData bool, fn func(ExportEvent) error) error {
	data := `'{}'`
	if withData {
		data = `e.data`
	}
	rows, err := a.t.query(`SELECT r.public_id, r.side, e.id, e.seq, e.type, e.name, e.actor_kind, e.actor_partner, e.from_state, e.to_state, e.at, `+data+`
		FROM events e JOIN requests r ON r.id = e.request_id
		WHERE e.agency = $1 AND e.at >= $2 AND e.at < $3 ORDER BY e.at, e.id`, string(agency), micros(p.From), micros(p.To))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var x ExportEvent
		var side, kind, partner, from, to, d string
		var at int64
		if err := rows.Scan(&x.Request, &side, &x.Event.ID, &x.Event.Seq, &x.Event.Type, &x.Event.Name, &kind, &partner, &from, &to, &at, &d); err != nil {
			return err
		}
		x.Side, x.Event.ActorKind, x.Event.ActorPartner = ill.Side(side), ill.ActorKind(kind), ill.AgencyID(partner)
		x.Event.From, x.Event.To, x.Event.At, x.Event.Data = ill.State(from), ill.State(to), fromMicros(at), json.RawMessage(d)
		if err := fn(x); err != nil {
			return err
		}
	}
	return rows.Err()
}
