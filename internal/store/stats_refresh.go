package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"interlend/internal/ill"
	"interlend/internal/stats"
)

// StatsSource is what a request's statistics are computed from.
type StatsSource struct {
	Request *ill.Request
	Events  []ill.Event
	Rota    []RotaEntry
	// Reasons are the lenders' reasonUnfilled codes, by the id of the
	// event that recorded their Unfilled (the code is in the message).
	Reasons map[int64]string
	// Department is the patron's home library, "" without a patron.
	Department string
	// LastEvent is the id of the newest event.
	LastEvent int64
}

// StatsSources loads the sources of the agency's requests with the given
// ids (other agencies' ids are ignored), in id order.
func (a AgencyData) StatsSources(agency ill.AgencyID, ids []int64) ([]StatsSource, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{string(agency)}
	for _, id := range ids {
		args = append(args, id)
	}
	in := placeholders(2, len(ids))
	var out []StatsSource
	byID := map[int64]int{}
	// (agency || '') keeps the check but not as an index choice: with a
	// long id list a planner may otherwise walk the agency's index.
	rs, err := a.t.queryRequests(`SELECT id, version, data FROM requests WHERE id IN (`+in+`) AND (agency || '') = $1 ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		byID[r.ID] = len(out)
		out = append(out, StatsSource{Request: r, Reasons: map[int64]string{}})
	}
	if len(out) == 0 {
		return nil, nil
	}
	// From here on only the ids of the agency's requests just read are
	// asked for (the agency is checked by that read): with "agency = ?"
	// as well, a planner may pick the (agency, at) index and read every
	// event of the agency for each slice, which at a million requests
	// makes a rebuild quadratic.
	args = args[:0]
	for _, s := range out {
		args = append(args, s.Request.ID)
	}
	in = placeholders(1, len(args))
	// The events, then the messages of the lenders' Unfilled answers
	// alone (their reasonUnfilled): joining every event to its message
	// would read the large messages table once per event.
	rows, err := a.t.query(`SELECT id, request_id, seq, type, name, actor_kind, actor_user, actor_partner, from_state, to_state,
		message_id, data, at FROM events WHERE request_id IN (`+in+`) ORDER BY request_id, seq`, args...)
	if err != nil {
		return nil, err
	}
	type unfilled struct {
		source int
		event  int64
	}
	byMessage := map[int64]unfilled{}
	for rows.Next() {
		var ev ill.Event
		var actorKind, partner, from, to, data string
		var user, msg sql.NullInt64
		var at int64
		if err := rows.Scan(&ev.ID, &ev.RequestID, &ev.Seq, &ev.Type, &ev.Name, &actorKind, &user, &partner, &from, &to, &msg, &data, &at); err != nil {
			rows.Close()
			return nil, err
		}
		ev.ActorKind, ev.ActorUser, ev.ActorPartner = ill.ActorKind(actorKind), user.Int64, ill.AgencyID(partner)
		ev.From, ev.To, ev.MessageID, ev.Data, ev.At = ill.State(from), ill.State(to), msg.Int64, json.RawMessage(data), fromMicros(at)
		k := byID[ev.RequestID]
		s := &out[k]
		s.Events = append(s.Events, ev)
		s.LastEvent = max(s.LastEvent, ev.ID)
		if ev.Type == "unfilled_by_lender" && msg.Valid {
			byMessage[msg.Int64] = unfilled{k, ev.ID}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(byMessage) > 0 {
		var margs []any
		for id := range byMessage {
			margs = append(margs, id)
		}
		rows, err = a.t.query(`SELECT id, body FROM messages WHERE id IN (`+placeholders(1, len(byMessage))+`)`, margs...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var body string
			if err := rows.Scan(&id, &body); err != nil {
				rows.Close()
				return nil, err
			}
			var m struct {
				ReasonUnfilled string `json:"reasonUnfilled"`
			}
			if u, ok := byMessage[id]; ok && json.Unmarshal([]byte(body), &m) == nil && m.ReasonUnfilled != "" {
				out[u.source].Reasons[u.event] = m.ReasonUnfilled
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	rows, err = a.t.query(`SELECT request_id, position, lender, state, sent_at, answered_at, closed_at FROM rota_entries
		WHERE request_id IN (`+in+`) ORDER BY request_id, position`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var e RotaEntry
		var lender, state string
		var sent, answered, closed sql.NullInt64
		if err := rows.Scan(&id, &e.Position, &lender, &state, &sent, &answered, &closed); err != nil {
			rows.Close()
			return nil, err
		}
		e.Lender, e.State = ill.AgencyID(lender), RotaEntryState(state)
		e.SentAt, e.AnsweredAt, e.ClosedAt = fromNullMicros(sent), fromNullMicros(answered), fromNullMicros(closed)
		s := &out[byID[id]]
		s.Rota = append(s.Rota, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var patronArgs []any
	for _, s := range out {
		if s.Request.PatronID != 0 {
			patronArgs = append(patronArgs, s.Request.PatronID)
		}
	}
	if len(patronArgs) == 0 {
		return out, nil
	}
	rows, err = a.t.query(`SELECT id, home_library FROM patrons WHERE agency = $1 AND id IN (`+placeholders(2, len(patronArgs))+`)`,
		append([]any{string(agency)}, patronArgs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	dept := map[int64]string{}
	for rows.Next() {
		var id int64
		var home string
		if err := rows.Scan(&id, &home); err != nil {
			return nil, err
		}
		dept[id] = home
	}
	for i := range out {
		out[i].Department = dept[out[i].Request.PatronID]
	}
	return out, rows.Err()
}

// StatsRequestIDs lists the agency's request ids after an id, in order
// (a rebuild walks them in slices).
func (a AgencyData) StatsRequestIDs(agency ill.AgencyID, after int64, limit int) ([]int64, error) {
	// Walked in id order by the primary key: the agency's index would be
	// read whole and sorted on every call.
	return queryColumn[int64](a.t, `SELECT id FROM requests WHERE id > $2 AND (agency || '') = $1 ORDER BY id LIMIT `+strconv.Itoa(limit), string(agency), after)
}

// StatsChange is an event the statistics have not seen yet.
type StatsChange struct {
	EventID   int64
	RequestID int64
	Agency    ill.AgencyID
	At        time.Time
}

// StatsChanges lists events after an event id, oldest first.
func (s SystemData) StatsChanges(after int64, limit int) ([]StatsChange, error) {
	rows, err := s.t.query(`SELECT id, request_id, agency, at FROM events WHERE id > $1 ORDER BY id LIMIT `+strconv.Itoa(limit), after)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StatsChange
	for rows.Next() {
		var c StatsChange
		var agency string
		var at int64
		if err := rows.Scan(&c.EventID, &c.RequestID, &agency, &at); err != nil {
			return nil, err
		}
		c.Agency, c.At = ill.AgencyID(agency), fromMicros(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// LastEventID is the id of the newest event (0 when there is none).
func (s SystemData) LastEventID() (int64, error) {
	var id sql.NullInt64
	err := s.t.queryRow(`SELECT max(id) FROM events`).Scan(&id)
	return id.Int64, err
}

// StatsState reads a value the statistics keep ("" when not set).
func (s SystemData) StatsState(name string) (string, error) {
	var v string
	err := s.t.queryRow(`SELECT value FROM stats_state WHERE name = $1`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// PutStatsState stores a value the statistics keep.
func (s SystemData) PutStatsState(name, value string) error {
	_, err := s.t.exec(`INSERT INTO stats_state (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	return err
}

// StatsAgency is what the statistics remember about an agency.
type StatsAgency struct {
	// Calendar is a digest of the calendar and zone business hours and
	// months were computed with ("" when never computed).
	Calendar string
	// MaxLife is the longest time from submission to closing of any of its
	// closed requests.
	MaxLife     time.Duration
	RefreshedAt time.Time
	// DaysZone is the zone the daily aggregates are counted in ("" while
	// they are not; PutStatsAgency leaves it alone).
	DaysZone string
}

// GetStatsAgency reads the agency's statistics record (zero when none).
func (a AgencyData) GetStatsAgency(agency ill.AgencyID) (StatsAgency, error) {
	var out StatsAgency
	var life, at int64
	err := a.t.queryRow(`SELECT calendar, max_life, refreshed_at, days_zone FROM stats_agencies WHERE agency = $1`, string(agency)).Scan(&out.Calendar, &life, &at, &out.DaysZone)
	if errors.Is(err, sql.ErrNoRows) {
		return StatsAgency{}, nil
	}
	out.MaxLife, out.RefreshedAt = time.Duration(life)*time.Microsecond, fromMicros(at)
	return out, err
}

// PutStatsAgency stores the agency's statistics record (RefreshedAt is
// now).
func (a AgencyData) PutStatsAgency(agency ill.AgencyID, s StatsAgency) error {
	_, err := a.t.exec(`INSERT INTO stats_agencies (agency, calendar, max_life, refreshed_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (agency) DO UPDATE SET calendar = excluded.calendar, max_life = excluded.max_life, refreshed_at = excluded.refreshed_at`,
		string(agency), s.Calendar, s.MaxLife.Microseconds(), micros(a.t.now))
	return err
}

// StatsMaxLife is the longest time from submission to closing among the
// agency's closed facts.
func (a AgencyData) StatsMaxLife(agency ill.AgencyID) (time.Duration, error) {
	var life sql.NullInt64
	err := a.t.queryRow(`SELECT max(closed_at - submitted_at) FROM stats_requests WHERE agency = $1 AND closed_at IS NOT NULL`, string(agency)).Scan(&life)
	return time.Duration(life.Int64) * time.Microsecond, err
}

// DeleteStats removes the agency's statistics (a rebuild starts afresh).
func (a AgencyData) DeleteStats(agency ill.AgencyID) error {
	for _, table := range []string{"stats_tries", "stats_requests", "stats_monthly", "stats_days", "stats_day_spans", "stats_agencies"} {
		if _, err := a.t.exec(`DELETE FROM `+table+` WHERE agency = $1`, string(agency)); err != nil {
			return err
		}
	}
	return nil
}

// StatsMonth is one month's counts: requests received, and decided.
type StatsMonth struct {
	Side     ill.Side
	Month    int // year*100 + month
	Received int
	Filled   int
	Unfilled int
	Excluded int
}

// MonthOf is t's month (year*100 + month) in loc.
func MonthOf(t time.Time, loc *time.Location) int {
	t = t.In(loc)
	return t.Year()*100 + int(t.Month())
}

// monthStart is the first instant of a month in loc.
func monthStart(month int, loc *time.Location) time.Time {
	return time.Date(month/100, time.Month(month%100), 1, 0, 0, 0, 0, loc)
}

// RecomputeStatsMonths counts the given months (in loc) afresh from the
// agency's facts.
func (a AgencyData) RecomputeStatsMonths(agency ill.AgencyID, loc *time.Location, months []int) error {
	for _, m := range months {
		from, to := monthStart(m, loc), monthStart(m, loc).AddDate(0, 1, 0)
		counts := map[ill.Side]*StatsMonth{ill.Borrowing: {Side: ill.Borrowing, Month: m}, ill.Lending: {Side: ill.Lending, Month: m}}
		rows, err := a.t.query(`SELECT side, count(*) FROM stats_requests WHERE agency = $1 AND submitted_at >= $2 AND submitted_at < $3 GROUP BY side`,
			string(agency), micros(from), micros(to))
		if err != nil {
			return err
		}
		for rows.Next() {
			var side string
			var n int
			if err := rows.Scan(&side, &n); err != nil {
				rows.Close()
				return err
			}
			if c := counts[ill.Side(side)]; c != nil {
				c.Received = n
			}
		}
		rows.Close()
		rows, err = a.t.query(`SELECT side, outcome, count(*) FROM stats_requests WHERE agency = $1 AND decided_at >= $2 AND decided_at < $3 GROUP BY side, outcome`,
			string(agency), micros(from), micros(to))
		if err != nil {
			return err
		}
		for rows.Next() {
			var side, outcome string
			var n int
			if err := rows.Scan(&side, &outcome, &n); err != nil {
				rows.Close()
				return err
			}
			if c := counts[ill.Side(side)]; c != nil {
				switch outcome {
				case stats.OutcomeFilled:
					c.Filled = n
				case stats.OutcomeUnfilled:
					c.Unfilled = n
				case stats.OutcomeExcluded:
					c.Excluded = n
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, c := range counts {
			if c.Received+c.Filled+c.Unfilled+c.Excluded == 0 {
				if _, err := a.t.exec(`DELETE FROM stats_monthly WHERE agency = $1 AND side = $2 AND month = $3`, string(agency), string(c.Side), m); err != nil {
					return err
				}
				continue
			}
			if _, err := a.t.exec(`INSERT INTO stats_monthly (agency, side, month, received, filled, unfilled, excluded) VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (agency, side, month) DO UPDATE SET received = excluded.received, filled = excluded.filled, unfilled = excluded.unfilled, excluded = excluded.excluded`,
				string(agency), string(c.Side), m, c.Received, c.Filled, c.Unfilled, c.Excluded); err != nil {
				return err
			}
		}
	}
	return nil
}

// StatsMonths reads the agency's monthly counts from month from to month
// to (both included), in order.
func (a AgencyData) StatsMonths(agency ill.AgencyID, from, to int) ([]StatsMonth, error) {
	rows, err := a.t.query(`SELECT side, month, received, filled, unfilled, excluded FROM stats_monthly WHERE agency = $1 AND month >= $2 AND month <= $3 ORDER BY month, side`,
		string(agency), from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StatsMonth
	for rows.Next() {
		var m StatsMonth
		var side string
		if err := rows.Scan(&side, &m.Month, &m.Received, &m.Filled, &m.Unfilled, &m.Excluded); err != nil {
			return nil, err
		}
		m.Side = ill.Side(side)
		out = append(out, m)
	}
	return out, rows.Err()
}

// StatsFactMonths lists the months (in loc) the agency's facts were
// submitted or decided in (a rebuild recounts them all).
func (a AgencyData) StatsFactMonths(agency ill.AgencyID, loc *time.Location) ([]int, error) {
	var lo, hi sql.NullInt64
	if err := a.t.queryRow(`SELECT min(submitted_at), max(coalesce(decided_at, submitted_at)) FROM stats_requests WHERE agency = $1`, string(agency)).Scan(&lo, &hi); err != nil {
		return nil, err
	}
	if !lo.Valid {
		return nil, nil
	}
	var out []int
	for m := monthStart(MonthOf(fromMicros(lo.Int64), loc), loc); !m.After(fromMicros(hi.Int64)); m = m.AddDate(0, 1, 0) {
		out = append(out, MonthOf(m, loc))
	}
	return out, nil
}

// CatalogSubjects finds the LC class letters the catalog gives titles,
// by identifier kind and value ("isbn", "9780618249060"): the record's LC
// classification, else its call number read as an LC call number.
func (n NetworkData) CatalogSubjects(kind string, values []string) (map[string]string, error) {
	out := map[string]string{}
	if len(values) == 0 {
		return out, nil
	}
	args := []any{kind}
	for _, v := range values {
		args = append(args, v)
	}
	rows, err := n.t.query(`SELECT i.value, r.lc_class, r.call_number FROM catalog_ids i JOIN catalog_records r ON r.id = i.record_id
		WHERE i.kind = $1 AND i.value IN (`+placeholders(2, len(values))+`) ORDER BY i.value, r.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var value, class, call string
		if err := rows.Scan(&value, &class, &call); err != nil {
			return nil, err
		}
		if out[value] != "" {
			continue
		}
		if s := stats.LCSubject(class); s != "" {
			out[value] = s
		} else if s := stats.LCSubject(call); s != "" {
			out[value] = s
		}
	}
	return out, rows.Err()
}
