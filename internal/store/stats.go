package store

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/stats"
)

// StatsFact is one request's row of the statistics: its journey (see
// internal/stats) as computed from its event log.
type StatsFact struct {
	RequestID int64
	PublicID  string
	State     ill.State
	PatronID  int64
	// LastEvent is the id of the newest event the journey was computed
	// from; a fact is never replaced by one computed from older events.
	LastEvent int64
	Journey   stats.Journey
}

// factColumns are stats_requests' columns in the order factValues gives
// them.
var factColumns = []string{"request_id", "agency", "public_id", "side", "service", "service_level", "patron_category", "department",
	"partner", "state", "close_reason", "unfilled_reason", "outcome", "decided_at", "patron_id",
	"title", "container", "author", "pub_type", "pub_date", "isbn", "issn", "oclc", "title_key", "subject",
	"submitted_at", "sent_at", "answered_at", "shipped_at", "received_at", "available_at", "picked_up_at", "delivered_at",
	"return_shipped_at", "checked_in_at", "closed_at", "overdue_at", "lost_at", "renewals",
	"b_submitted_to_sent", "b_sent_to_shipped", "b_shipped_to_received", "b_received_to_picked_up", "b_submitted_to_available",
	"b_submitted_to_delivered", "b_lender_answer", "b_lender_ship", "b_return_transit", "last_event", "refreshed_at"}

func factValues(agency ill.AgencyID, f StatsFact, now time.Time) []any {
	j := f.Journey
	renewals := make([]string, len(j.Renewals))
	for i, r := range j.Renewals {
		renewals[i] = strconv.FormatInt(micros(r), 10)
	}
	v := []any{f.RequestID, string(agency), f.PublicID, string(j.Side), string(j.Service), j.ServiceLevel, j.Category, j.Department,
		string(j.Partner), string(f.State), string(j.CloseReason), j.UnfilledReason, j.Outcome(), nullMicros(j.DecidedAt()),
		sql.NullInt64{Int64: f.PatronID, Valid: f.PatronID != 0},
		j.Title, j.Container, j.Author, j.PubType, j.PubDate, j.ISBN, j.ISSN, j.OCLC, j.TitleKey, j.Subject,
		micros(j.Submitted), nullMicros(j.FirstSent), nullMicros(j.Answered), nullMicros(j.Shipped), nullMicros(j.Received),
		nullMicros(j.Available), nullMicros(j.PickedUp), nullMicros(j.Delivered), nullMicros(j.ReturnShipped), nullMicros(j.CheckedIn),
		nullMicros(j.Closed), nullMicros(j.Overdue), nullMicros(j.Lost), strings.Join(renewals, ",")}
	ivs := j.Intervals()
	for i := range stats.NumStages {
		if j.HasBusiness && ivs[i].Valid() {
			v = append(v, sql.NullInt64{Int64: j.Business[i].Microseconds(), Valid: true})
		} else {
			v = append(v, sql.NullInt64{})
		}
	}
	return append(v, f.LastEvent, micros(now))
}

// factSelect reads a fact in the column order scanFact expects.
const factSelect = `request_id, public_id, side, service, service_level, patron_category, department, partner, state, close_reason,
	unfilled_reason, patron_id, title, container, author, pub_type, pub_date, isbn, issn, oclc, title_key, subject,
	submitted_at, sent_at, answered_at, shipped_at, received_at, available_at, picked_up_at, delivered_at, return_shipped_at,
	checked_in_at, closed_at, overdue_at, lost_at, renewals,
	b_submitted_to_sent, b_sent_to_shipped, b_shipped_to_received, b_received_to_picked_up, b_submitted_to_available,
	b_submitted_to_delivered, b_lender_answer, b_lender_ship, b_return_transit, last_event`

// measureSelect is factSelect without what was asked for: what the
// measures read, a good deal faster over many rows.
const measureSelect = `request_id, public_id, side, service, service_level, patron_category, department, partner, state, close_reason,
	unfilled_reason, patron_id, '', '', '', '', '', '', '', '', '', '',
	submitted_at, sent_at, answered_at, shipped_at, received_at, available_at, picked_up_at, delivered_at, return_shipped_at,
	checked_in_at, closed_at, overdue_at, lost_at, renewals,
	b_submitted_to_sent, b_sent_to_shipped, b_shipped_to_received, b_received_to_picked_up, b_submitted_to_available,
	b_submitted_to_delivered, b_lender_answer, b_lender_ship, b_return_transit, last_event`

func scanFact(agency ill.AgencyID, sc interface{ Scan(...any) error }) (StatsFact, error) {
	var f StatsFact
	j := &f.Journey
	var side, service, partner, state, closeReason, renewals string
	var patron sql.NullInt64
	var submitted int64
	var ts [12]sql.NullInt64
	var biz [stats.NumStages]sql.NullInt64
	dest := []any{&f.RequestID, &f.PublicID, &side, &service, &j.ServiceLevel, &j.Category, &j.Department, &partner, &state, &closeReason,
		&j.UnfilledReason, &patron, &j.Title, &j.Container, &j.Author, &j.PubType, &j.PubDate, &j.ISBN, &j.ISSN, &j.OCLC, &j.TitleKey, &j.Subject,
		&submitted}
	for i := range ts {
		dest = append(dest, &ts[i])
	}
	dest = append(dest, &renewals)
	for i := range biz {
		dest = append(dest, &biz[i])
	}
	dest = append(dest, &f.LastEvent)
	if err := sc.Scan(dest...); err != nil {
		return f, err
	}
	j.Request, j.Agency, j.Side, j.Service, j.Partner = f.PublicID, agency, ill.Side(side), ill.ServiceType(service), ill.AgencyID(partner)
	f.State, j.CloseReason, f.PatronID = ill.State(state), ill.CloseReason(closeReason), patron.Int64
	j.Submitted = fromMicros(submitted)
	for i, t := range []*time.Time{&j.FirstSent, &j.Answered, &j.Shipped, &j.Received, &j.Available, &j.PickedUp, &j.Delivered,
		&j.ReturnShipped, &j.CheckedIn, &j.Closed, &j.Overdue, &j.Lost} {
		*t = fromNullMicros(ts[i])
	}
	j.Open = j.Closed.IsZero()
	if renewals != "" {
		for _, s := range strings.Split(renewals, ",") {
			us, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return f, fmt.Errorf("store: stats renewals of %s: %w", f.PublicID, err)
			}
			j.Renewals = append(j.Renewals, fromMicros(us))
		}
	}
	for i, b := range biz {
		j.Business[i] = time.Duration(b.Int64) * time.Microsecond
	}
	j.HasBusiness = true
	return f, nil
}

// PutStatsFacts writes facts of the agency's requests with their tries,
// replacing older ones; a fact whose stored row was computed from newer
// events is left alone (a refresh and a rebuild may overlap), and so is a
// fact of a request that is not the agency's. The daily aggregates
// follow, their days in loc (see stats_days.go). It returns how many were
// written.
func (a AgencyData) PutStatsFacts(agency ill.AgencyID, loc *time.Location, facts []StatsFact) (int, error) {
	if len(facts) == 0 {
		return 0, nil
	}
	// One writer of an agency's facts at a time from here: the aggregates
	// are read, changed and written back.
	days, err := a.lockStatsDays(agency, loc)
	if err != nil {
		return 0, err
	}
	ids := make([]any, len(facts))
	for i, f := range facts {
		ids[i] = f.RequestID
	}
	// Only the agency's own requests, and only facts not older than the
	// stored ones.
	stored := map[int64]int64{}
	rows, err := a.t.query(`SELECT r.id, coalesce(f.last_event, -1) FROM requests r LEFT JOIN stats_requests f ON f.request_id = r.id
		WHERE r.id IN (`+placeholders(2, len(ids))+`) AND (r.agency || '') = $1`, append([]any{string(agency)}, ids...)...)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var id, last int64
		if err := rows.Scan(&id, &last); err != nil {
			rows.Close()
			return 0, err
		}
		stored[id] = last
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	keep := facts[:0:0]
	for _, f := range facts {
		if last, ok := stored[f.RequestID]; ok && last <= f.LastEvent {
			keep = append(keep, f)
		}
	}
	if len(keep) == 0 {
		return 0, nil
	}
	if days {
		var kept []any
		for _, f := range keep {
			kept = append(kept, f.RequestID)
		}
		old, err := a.oldFacts(agency, kept)
		if err != nil {
			return 0, err
		}
		t := stats.NewTally()
		for i := range keep {
			if j := old[keep[i].RequestID]; j != nil {
				t.Add(j, loc, -1)
			}
			j := asStored(keep[i].Journey)
			t.Add(&j, loc, 1)
		}
		if err := a.applyStatsTally(agency, t); err != nil {
			return 0, err
		}
	}
	const batch = 100
	var set []string
	for _, c := range factColumns[1:] {
		set = append(set, c+" = excluded."+c)
	}
	upsert := ` ON CONFLICT (request_id) DO UPDATE SET ` + strings.Join(set, ", ") + ` WHERE stats_requests.last_event <= excluded.last_event AND stats_requests.agency = excluded.agency`
	for start := 0; start < len(keep); start += batch {
		part := keep[start:min(start+batch, len(keep))]
		var vals [][]any
		var tries [][]any
		var kept []any
		for _, f := range part {
			vals = append(vals, factValues(agency, f, a.t.now))
			kept = append(kept, f.RequestID)
			for i, t := range f.Journey.Tries {
				tries = append(tries, []any{f.RequestID, i + 1, string(agency), string(t.Lender), nullMicros(t.Sent), nullMicros(t.Answered), nullMicros(t.Filled), t.Outcome})
			}
		}
		if err := a.t.insertMany("stats_requests", factColumns, vals, upsert); err != nil {
			return 0, err
		}
		if _, err := a.t.exec(`DELETE FROM stats_tries WHERE (agency || '') = $1 AND request_id IN (`+placeholders(2, len(kept))+`)`, append([]any{string(agency)}, kept...)...); err != nil {
			return 0, err
		}
		if err := a.t.insertMany("stats_tries", []string{"request_id", "position", "agency", "lender", "sent_at", "answered_at", "filled_at", "outcome"}, tries, ""); err != nil {
			return 0, err
		}
	}
	return len(keep), nil
}

// insertMany inserts rows with multi-row INSERTs (suffix: an ON CONFLICT
// clause, or "").
func (t *Tx) insertMany(table string, cols []string, rows [][]any, suffix string) error {
	if len(rows) == 0 {
		return nil
	}
	// SQLite finds a $n parameter by a linear search of the statement's
	// parameter names: many small statements beat one huge one there.
	limit := 400
	if t.db.engine == Postgres {
		limit = 20000
	}
	per := max(1, limit/len(cols))
	for start := 0; start < len(rows); start += per {
		part := rows[start:min(start+per, len(rows))]
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		args := make([]any, 0, len(part)*len(cols))
		for i, r := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + placeholders(len(args)+1, len(r)) + ")")
			args = append(args, r...)
		}
		b.WriteString(suffix)
		if _, err := t.exec(b.String(), args...); err != nil {
			return fmt.Errorf("store: insert into %s: %w", table, err)
		}
	}
	return nil
}

// placeholders writes n placeholders starting at $from.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(from+i))
	}
	return b.String()
}

// StatsFacts reads the facts of the agency's requests that a period's
// figures need: those submitted before the period ends and not closed
// before it starts (open ones included). maxLife, the longest life of a
// closed request (see StatsAgency), bounds the closed ones read: a request
// closed after To+maxLife was submitted after To. Tries sent in the
// period are attached.
func (a AgencyData) StatsFacts(agency ill.AgencyID, p stats.Period, maxLife time.Duration) ([]StatsFact, error) {
	from, to := micros(p.From), micros(p.To)
	var out []StatsFact
	byID := map[int64]int{}
	read := func(q string, args ...any) error {
		rows, err := a.t.query(q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			f, err := scanFact(agency, rows)
			if err != nil {
				return err
			}
			byID[f.RequestID] = len(out)
			out = append(out, f)
		}
		return rows.Err()
	}
	if err := read(`SELECT `+measureSelect+` FROM stats_requests WHERE agency = $1 AND closed_at IS NULL AND submitted_at < $2`, string(agency), to); err != nil {
		return nil, err
	}
	if err := read(`SELECT `+measureSelect+` FROM stats_requests WHERE agency = $1 AND closed_at >= $2 AND closed_at < $3 AND submitted_at < $4`,
		string(agency), from, to+maxLife.Microseconds()+1, to); err != nil {
		return nil, err
	}
	rows, err := a.t.query(`SELECT request_id, lender, sent_at, answered_at, filled_at, outcome FROM stats_tries
		WHERE agency = $1 AND sent_at >= $2 AND sent_at < $3 ORDER BY request_id, position`, string(agency), from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var lender, outcome string
		var sent, answered, filled sql.NullInt64
		if err := rows.Scan(&id, &lender, &sent, &answered, &filled, &outcome); err != nil {
			return nil, err
		}
		if i, ok := byID[id]; ok {
			out[i].Journey.Tries = append(out[i].Journey.Tries, stats.Try{Lender: ill.AgencyID(lender), Sent: fromNullMicros(sent),
				Answered: fromNullMicros(answered), Filled: fromNullMicros(filled), Outcome: outcome})
		}
	}
	return out, rows.Err()
}

// StatsSubmitted reads the facts of one side's requests submitted in the
// period (the collection report), with the ledger cost of each (charges
// the agency pays that count: accepted, invoiced or paid).
func (a AgencyData) StatsSubmitted(agency ill.AgencyID, side ill.Side, p stats.Period) ([]StatsFact, error) {
	rows, err := a.t.query(`SELECT `+factSelect+` FROM stats_requests WHERE agency = $1 AND submitted_at >= $2 AND submitted_at < $3 AND side = $4 ORDER BY request_id`,
		string(agency), micros(p.From), micros(p.To), string(side))
	if err != nil {
		return nil, err
	}
	var out []StatsFact
	byID := map[int64]int{}
	for rows.Next() {
		f, err := scanFact(agency, rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		byID[f.RequestID] = len(out)
		out = append(out, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	costs, err := a.t.query(`SELECT c.request_id, c.currency, sum(c.amount) FROM charges c JOIN stats_requests f ON f.request_id = c.request_id
		WHERE f.agency = $1 AND f.side = $4 AND f.submitted_at >= $2 AND f.submitted_at < $3 AND c.agency = $1 AND c.payer = $1
		AND c.status IN ('accepted', 'invoiced', 'paid') GROUP BY c.request_id, c.currency ORDER BY c.request_id, c.currency`,
		string(agency), micros(p.From), micros(p.To), string(side))
	if err != nil {
		return nil, err
	}
	defer costs.Close()
	for costs.Next() {
		var id, amount int64
		var currency string
		if err := costs.Scan(&id, &currency, &amount); err != nil {
			return nil, err
		}
		if i, ok := byID[id]; ok && (out[i].Journey.Currency == "" || out[i].Journey.Currency == currency) {
			out[i].Journey.Cost, out[i].Journey.Currency = out[i].Journey.Cost+amount, currency
		}
	}
	return out, costs.Err()
}

// StatsCharges reads the ledger lines of the period in which the agency
// pays or is paid and that count (accepted, invoiced or paid).
func (a AgencyData) StatsCharges(agency ill.AgencyID, p stats.Period) ([]stats.Charge, error) {
	rows, err := a.t.query(`SELECT created_at, amount, currency, type, status, payer FROM charges
		WHERE agency = $1 AND status IN ('accepted', 'invoiced', 'paid') AND created_at >= $2 AND created_at < $3 AND (payer = $1 OR payee = $1)
		ORDER BY created_at, id`,
		string(agency), micros(p.From), micros(p.To))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []stats.Charge
	for rows.Next() {
		var c stats.Charge
		var at int64
		var payer string
		if err := rows.Scan(&at, &c.Minor, &c.Currency, &c.Type, &c.Status, &payer); err != nil {
			return nil, err
		}
		c.At, c.Spend = fromMicros(at), payer == string(agency)
		out = append(out, c)
	}
	return out, rows.Err()
}

// StatsOpenStates counts the agency's open requests by side and state now.
func (a AgencyData) StatsOpenStates(agency ill.AgencyID) (map[ill.Side]map[ill.State]int, error) {
	rows, err := a.t.query(`SELECT side, state, count(*) FROM requests WHERE agency = $1 AND closed_at IS NULL GROUP BY side, state`, string(agency))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[ill.Side]map[ill.State]int{}
	for rows.Next() {
		var side, state string
		var n int
		if err := rows.Scan(&side, &state, &n); err != nil {
			return nil, err
		}
		if out[ill.Side(side)] == nil {
			out[ill.Side(side)] = map[ill.State]int{}
		}
		out[ill.Side(side)][ill.State(state)] = n
	}
	return out, rows.Err()
}

// StatsWeekly counts the agency's requests submitted per week from
// origin (week 0 starts at origin) up to to, by side.
func (a AgencyData) StatsWeekly(agency ill.AgencyID, origin, to time.Time) (map[ill.Side]map[int]int, error) {
	const week = int64(7 * 24 * time.Hour / time.Microsecond)
	rows, err := a.t.query(`SELECT side, (submitted_at - $2) / $4, count(*) FROM stats_requests
		WHERE agency = $1 AND submitted_at >= $2 AND submitted_at < $3 GROUP BY 1, 2`,
		string(agency), micros(origin), micros(to), week)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[ill.Side]map[int]int{}
	for rows.Next() {
		var side string
		var w int64
		var n int
		if err := rows.Scan(&side, &w, &n); err != nil {
			return nil, err
		}
		if out[ill.Side(side)] == nil {
			out[ill.Side(side)] = map[int]int{}
		}
		out[ill.Side(side)][int(w)] = n
	}
	return out, rows.Err()
}
