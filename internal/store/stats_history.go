package store

import (
	"database/sql"
	"encoding/json"
	"fmt"

	"interlend/internal/ill"
)

// History is a request that already happened, written at once with its
// own timestamps: demo history, benchmarks and test fixtures (see
// stats.Replay). Live requests never come this way: they go through the
// lifecycle engine.
type History struct {
	Request *ill.Request // CreatedAt, ClosedAt and the rest as they were
	Events  []ill.Event  // in order, each with its At
	Rota    []RotaEntry
	Charges []Charge // each with its CreatedAt
}

// AddHistory writes requests with their events, rota and charges. Each
// request gets its id and public id (set on Request); its UpdatedAt is
// its last event's time. Returns Conflict like CreateRequest.
func (a AgencyData) AddHistory(agency ill.AgencyID, hs []History) error {
	if len(hs) == 0 {
		return nil
	}
	ids, err := a.t.reserveIDs("requests", len(hs))
	if err != nil {
		return err
	}
	var reqRows, evRows, rotaRows, chargeRows [][]any
	for i, h := range hs {
		r := h.Request
		r.ID, r.PublicID, r.Agency, r.Version = ids[i], PublicID(r.Side, ids[i]), agency, 1
		r.UpdatedAt = r.CreatedAt
		for _, e := range h.Events {
			if e.At.After(r.UpdatedAt) {
				r.UpdatedAt = e.At
			}
		}
		data, err := json.Marshal(r)
		if err != nil {
			return err
		}
		k := keysOf(r)
		reqRows = append(reqRows, []any{r.ID, r.PublicID, string(agency), string(r.Side), string(r.State), 1, string(r.Partner), r.PartnerRequestID,
			string(r.ServiceType), k.title, k.titleKey, k.authorKey, k.isbn, k.issn, k.oclc, k.doi, k.pmid,
			sql.NullInt64{Int64: r.PatronID, Valid: r.PatronID != 0}, nullMicros(r.NeedBefore), r.Attention, string(r.CloseReason),
			string(data), micros(r.CreatedAt), micros(r.UpdatedAt), nullMicros(r.ClosedAt)})
		for n, e := range h.Events {
			d := e.Data
			if len(d) == 0 {
				d = json.RawMessage("{}")
			}
			evRows = append(evRows, []any{r.ID, string(agency), n + 1, e.Type, e.Name, string(e.ActorKind), sql.NullInt64{Int64: e.ActorUser, Valid: e.ActorUser != 0},
				string(e.ActorPartner), string(e.From), string(e.To), sql.NullInt64{Int64: e.MessageID, Valid: e.MessageID != 0}, string(d), micros(e.At)})
		}
		for n, e := range h.Rota {
			rotaRows = append(rotaRows, []any{r.ID, string(agency), n + 1, string(e.Lender), e.Reason, e.Score, string(e.State),
				nullMicros(e.SentAt), nullMicros(e.AnsweredAt), nullMicros(e.ClosedAt)})
		}
		for _, c := range h.Charges {
			chargeRows = append(chargeRows, []any{string(agency), r.ID, string(c.Type), c.Amount.Minor, c.Amount.Currency, c.Payer, c.Payee,
				string(c.Status), c.Note, micros(c.CreatedAt), micros(c.CreatedAt)})
		}
	}
	err = a.t.insertMany("requests", []string{"id", "public_id", "agency", "side", "state", "version", "partner", "partner_request_id",
		"service_type", "title", "title_key", "author_key", "isbn", "issn", "oclc", "doi", "pmid", "patron_id", "need_before", "attention",
		"close_reason", "data", "created_at", "updated_at", "closed_at"}, reqRows, "")
	if isUniqueViolation(err) {
		return ill.E(ill.Conflict, "a request of this history exists already")
	}
	if isForeignKeyViolation(err) {
		return ill.Errorf(ill.NotFound, "agency %s is not hosted here", agency)
	}
	if err != nil {
		return err
	}
	if err := a.t.insertMany("events", []string{"request_id", "agency", "seq", "type", "name", "actor_kind", "actor_user", "actor_partner",
		"from_state", "to_state", "message_id", "data", "at"}, evRows, ""); err != nil {
		return err
	}
	if err := a.t.insertMany("rota_entries", []string{"request_id", "agency", "position", "lender", "reason", "score", "state",
		"sent_at", "answered_at", "closed_at"}, rotaRows, ""); err != nil {
		return err
	}
	return a.t.insertMany("charges", []string{"agency", "request_id", "type", "amount", "currency", "payer", "payee", "status", "note",
		"created_at", "updated_at"}, chargeRows, "")
}

// reserveIDs takes n consecutive ids of a table with an identity column.
func (t *Tx) reserveIDs(table string, n int) ([]int64, error) {
	out := make([]int64, 0, n)
	if t.db.engine == Postgres {
		rows, err := t.query(`SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2::int)`, table, n)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			out = append(out, id)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(out) != n {
			return nil, fmt.Errorf("store: reserved %d ids of %s, want %d", len(out), table, n)
		}
		return out, nil
	}
	first, err := t.nextID(table) // one writer at a time: max+1 cannot race
	if err != nil {
		return nil, err
	}
	for i := range n {
		out = append(out, first+int64(i))
	}
	return out, nil
}
