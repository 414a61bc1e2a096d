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

// The daily aggregates (stats_days, stats_day_spans; see migration
// 00019 and stats.Tally) are sums over the facts. PutStatsFacts keeps
// them: it takes each written fact's old contribution away and adds the
// new one, in its transaction. While an agency's days are not counted
// (days_zone is ''), facts are written alone and RebuildStatsDays counts
// the days afresh from the facts.

// lockStatsDays takes the agency's stats_agencies row for the rest of the
// transaction (creating it, with its days counted in loc: there are no
// facts yet) and reports whether its days are counted in loc. Days counted
// in another zone are dropped (a rebuild counts them again).
func (a AgencyData) lockStatsDays(agency ill.AgencyID, loc *time.Location) (bool, error) {
	if _, err := a.t.exec(`INSERT INTO stats_agencies (agency, calendar, max_life, refreshed_at, days_zone) VALUES ($1, '', 0, $2, $3)
		ON CONFLICT (agency) DO UPDATE SET days_zone = stats_agencies.days_zone`, string(agency), micros(a.t.now), loc.String()); err != nil {
		return false, err
	}
	var zone string
	if err := a.t.queryRow(`SELECT days_zone FROM stats_agencies WHERE agency = $1`, string(agency)).Scan(&zone); err != nil {
		return false, err
	}
	switch {
	case zone == loc.String():
		return true, nil
	case zone == "" || strings.HasPrefix(zone, countingPrefix):
		return false, nil
	}
	return false, a.ResetStatsDays(agency)
}

// countingPrefix marks an agency's days being counted (days_zone is
// countingPrefix and when the count began, in microseconds).
const countingPrefix = "counting:"

// BeginStatsDays starts a count of the agency's daily aggregates: it drops
// them and marks them being counted (fact writes leave them alone) by the
// count that began at since. It returns the mark, which PutStatsDayRows
// and FinishStatsDays check: a count begun later takes over.
func (a AgencyData) BeginStatsDays(agency ill.AgencyID, since time.Time) (string, error) {
	mark := countingPrefix + strconv.FormatInt(micros(since), 10)
	if _, err := a.t.exec(`INSERT INTO stats_agencies (agency, calendar, max_life, refreshed_at, days_zone) VALUES ($1, '', 0, $2, $3)
		ON CONFLICT (agency) DO UPDATE SET days_zone = excluded.days_zone`, string(agency), micros(a.t.now), mark); err != nil {
		return "", err
	}
	for _, table := range []string{"stats_days", "stats_day_spans"} {
		if _, err := a.t.exec(`DELETE FROM `+table+` WHERE agency = $1`, string(agency)); err != nil {
			return "", err
		}
	}
	return mark, nil
}

// StatsDaysCountBegan is when the count of the agency's days under way
// began (zero when none is).
func StatsDaysCountBegan(zone string) time.Time {
	us, ok := strings.CutPrefix(zone, countingPrefix)
	if !ok {
		return time.Time{}
	}
	n, _ := strconv.ParseInt(us, 10, 64)
	return fromMicros(n)
}

// holdStatsDays takes the agency's row for the count that holds mark;
// Conflict when another count took over.
func (a AgencyData) holdStatsDays(agency ill.AgencyID, mark string) error {
	res, err := a.t.exec(`UPDATE stats_agencies SET days_zone = days_zone WHERE agency = $1 AND days_zone = $2`, string(agency), mark)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ill.E(ill.Conflict, "another count of the daily aggregates took over")
	}
	return nil
}

// ResetStatsDays drops the agency's daily aggregates and marks them not
// counted: until RebuildStatsDays counts them again, the statistics read
// the facts (a rebuild does this first, and writes the facts faster).
func (a AgencyData) ResetStatsDays(agency ill.AgencyID) error {
	if _, err := a.t.exec(`UPDATE stats_agencies SET days_zone = '' WHERE agency = $1`, string(agency)); err != nil {
		return err
	}
	for _, table := range []string{"stats_days", "stats_day_spans"} {
		if _, err := a.t.exec(`DELETE FROM `+table+` WHERE agency = $1`, string(agency)); err != nil {
			return err
		}
	}
	return nil
}

// oldFacts reads the stored facts of some of the agency's requests, with
// their tries, by request id.
func (a AgencyData) oldFacts(agency ill.AgencyID, ids []any) (map[int64]*stats.Journey, error) {
	out := map[int64]*stats.Journey{}
	if len(ids) == 0 {
		return out, nil
	}
	args := append([]any{string(agency)}, ids...)
	rows, err := a.t.query(`SELECT `+measureSelect+` FROM stats_requests WHERE request_id IN (`+placeholders(2, len(ids))+`) AND (agency || '') = $1`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		f, err := scanFact(agency, rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		j := f.Journey
		out[f.RequestID] = &j
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = a.t.query(`SELECT request_id, lender, sent_at, answered_at, filled_at, outcome FROM stats_tries
		WHERE request_id IN (`+placeholders(2, len(ids))+`) AND (agency || '') = $1 ORDER BY request_id, position`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var t stats.Try
		var lender string
		var sent, answered, filled sql.NullInt64
		if err := rows.Scan(&id, &lender, &sent, &answered, &filled, &t.Outcome); err != nil {
			return nil, err
		}
		t.Lender, t.Sent, t.Answered, t.Filled = ill.AgencyID(lender), fromNullMicros(sent), fromNullMicros(answered), fromNullMicros(filled)
		if j := out[id]; j != nil {
			j.Tries = append(j.Tries, t)
		}
	}
	return out, rows.Err()
}

// applyStatsTally adds a tally to the agency's daily aggregates.
func (a AgencyData) applyStatsTally(agency ill.AgencyID, t *stats.Tally) error {
	var counts [][]any
	changed := map[int]bool{}
	for c, n := range t.Counts {
		if n != 0 {
			counts = append(counts, []any{string(agency), c.Day, string(c.Side), c.Measure, c.Key, n})
			changed[c.Day] = true
		}
	}
	if err := a.t.insertMany("stats_days", []string{"agency", "day", "side", "measure", "cell", "n"}, counts,
		` ON CONFLICT (agency, day, side, measure, cell) DO UPDATE SET n = stats_days.n + excluded.n`); err != nil {
		return err
	}
	if len(changed) > 0 {
		// Cells counted down to nothing go (on the days changed alone).
		args := []any{string(agency)}
		for d := range changed {
			args = append(args, d)
		}
		if _, err := a.t.exec(`DELETE FROM stats_days WHERE agency = $1 AND day IN (`+placeholders(2, len(changed))+`) AND n = 0`, args...); err != nil {
			return err
		}
	}
	cells := map[stats.Cell]bool{}
	days := map[int]bool{}
	for c := range t.Added {
		cells[c], days[c.Day] = true, true
	}
	for c := range t.Removed {
		cells[c], days[c.Day] = true, true
	}
	if len(cells) == 0 {
		return nil
	}
	args := []any{string(agency)}
	for d := range days {
		args = append(args, d)
	}
	rows, err := a.t.query(`SELECT day, side, measure, cell, n, vals FROM stats_day_spans WHERE agency = $1 AND day IN (`+placeholders(2, len(days))+`)`, args...)
	if err != nil {
		return err
	}
	stored := map[stats.Cell][]time.Duration{}
	for rows.Next() {
		var c stats.Cell
		var side, vals string
		var n int
		if err := rows.Scan(&c.Day, &side, &c.Measure, &c.Key, &n, &vals); err != nil {
			rows.Close()
			return err
		}
		c.Side = ill.Side(side)
		if !cells[c] {
			continue
		}
		ds, err := stats.DecodeDurations(vals, n)
		if err != nil {
			rows.Close()
			return fmt.Errorf("store: stats_day_spans %v: %w", c, err)
		}
		stored[c] = ds
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var put [][]any
	for c := range cells {
		ds := stats.MergeDurations(stored[c], t.Added[c], t.Removed[c])
		if len(ds) == 0 {
			if _, err := a.t.exec(`DELETE FROM stats_day_spans WHERE agency = $1 AND day = $2 AND side = $3 AND measure = $4 AND cell = $5`,
				string(agency), c.Day, string(c.Side), c.Measure, c.Key); err != nil {
				return err
			}
			continue
		}
		put = append(put, spanRow(agency, c, ds))
	}
	return a.t.insertMany("stats_day_spans", spanColumns, put,
		` ON CONFLICT (agency, day, side, measure, cell) DO UPDATE SET n = excluded.n, total = excluded.total, vals = excluded.vals`)
}

var spanColumns = []string{"agency", "day", "side", "measure", "cell", "n", "total", "vals"}

func spanRow(agency ill.AgencyID, c stats.Cell, sorted []time.Duration) []any {
	var total int64
	for _, d := range sorted {
		total += int64(d)
	}
	return []any{string(agency), c.Day, string(c.Side), c.Measure, c.Key, len(sorted), total, stats.EncodeDurations(sorted)}
}

// TallyStatsFacts adds to t the contributions of the agency's facts
// (with their tries), days in loc: those written before since when
// before is set, else those written since then. A count of the days reads
// the older ones in a read transaction, then FinishStatsDays adds the
// newer ones. It returns how many facts it read.
func (a AgencyData) TallyStatsFacts(agency ill.AgencyID, loc *time.Location, since time.Time, before bool, t *stats.Tally) (int, error) {
	cmp := ">="
	if before {
		cmp = "<"
	}
	n := 0
	rows, err := a.t.query(`SELECT `+measureSelect+` FROM stats_requests WHERE agency = $1 AND refreshed_at `+cmp+` $2`, string(agency), micros(since))
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		f, err := scanFact(agency, rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		t.AddJourney(&f.Journey, loc, 1)
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	rows, err = a.t.query(`SELECT f.side, f.service, t.lender, t.sent_at, t.answered_at, t.filled_at, t.outcome
		FROM stats_tries t JOIN stats_requests f ON f.request_id = t.request_id WHERE t.agency = $1 AND f.agency = $1 AND f.refreshed_at `+cmp+` $2`,
		string(agency), micros(since))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var side, service, lender string
		var tr stats.Try
		var sent, answered, filled sql.NullInt64
		if err := rows.Scan(&side, &service, &lender, &sent, &answered, &filled, &tr.Outcome); err != nil {
			return 0, err
		}
		tr.Lender, tr.Sent, tr.Answered, tr.Filled = ill.AgencyID(lender), fromNullMicros(sent), fromNullMicros(answered), fromNullMicros(filled)
		t.AddTry(ill.Side(side), ill.ServiceType(service), tr, loc, 1)
	}
	return n, rows.Err()
}

// PutStatsDayRows writes daily aggregates counted from the facts into the
// agency's tables emptied by BeginStatsDays, for the count that holds
// mark; Conflict when another count took over.
func (a AgencyData) PutStatsDayRows(agency ill.AgencyID, mark string, counts []stats.DayCount, spans []stats.DaySpans) error {
	if err := a.holdStatsDays(agency, mark); err != nil {
		return err
	}
	crow := make([][]any, 0, len(counts))
	for _, c := range counts {
		crow = append(crow, []any{string(agency), c.Day, string(c.Side), c.Measure, c.Key, c.N})
	}
	err := a.t.insertMany("stats_days", []string{"agency", "day", "side", "measure", "cell", "n"}, crow, "")
	if err == nil {
		srow := make([][]any, 0, len(spans))
		for _, s := range spans {
			srow = append(srow, spanRow(agency, s.Cell, s.Values))
		}
		err = a.t.insertMany("stats_day_spans", spanColumns, srow, "")
	}
	if isUniqueViolation(err) {
		return ill.E(ill.Conflict, "the daily aggregates are being counted twice at once")
	}
	return err
}

// FinishStatsDays ends a count of the agency's daily aggregates: it adds
// the facts written since since (TallyStatsFacts with before unset) and
// marks the days counted in loc, so that fact writes keep them from then
// on. Conflict when another count took over (the row taken, no fact
// write comes in between).
func (a AgencyData) FinishStatsDays(agency ill.AgencyID, mark string, loc *time.Location, since time.Time) (int, error) {
	if err := a.holdStatsDays(agency, mark); err != nil {
		return 0, err
	}
	t := stats.NewTally()
	n, err := a.TallyStatsFacts(agency, loc, since, false, t)
	if err != nil {
		return 0, err
	}
	if err := a.applyStatsTally(agency, t); err != nil {
		return 0, err
	}
	if _, err := a.t.exec(`UPDATE stats_agencies SET days_zone = $2 WHERE agency = $1`, string(agency), loc.String()); err != nil {
		return 0, err
	}
	return n, nil
}

// StatsDays reads the agency's daily aggregates from day from up to (not
// including) day to.
func (a AgencyData) StatsDays(agency ill.AgencyID, from, to int) ([]stats.DayCount, []stats.DaySpans, error) {
	rows, err := a.t.query(`SELECT day, side, measure, cell, n FROM stats_days WHERE agency = $1 AND day >= $2 AND day < $3`, string(agency), from, to)
	if err != nil {
		return nil, nil, err
	}
	var counts []stats.DayCount
	for rows.Next() {
		var c stats.DayCount
		var side string
		if err := rows.Scan(&c.Day, &side, &c.Measure, &c.Key, &c.N); err != nil {
			rows.Close()
			return nil, nil, err
		}
		c.Side = ill.Side(side)
		counts = append(counts, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = a.t.query(`SELECT day, side, measure, cell, n, vals FROM stats_day_spans WHERE agency = $1 AND day >= $2 AND day < $3`, string(agency), from, to)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var spans []stats.DaySpans
	for rows.Next() {
		var s stats.DaySpans
		var side, vals string
		var n int
		if err := rows.Scan(&s.Day, &side, &s.Measure, &s.Key, &n, &vals); err != nil {
			return nil, nil, err
		}
		s.Side = ill.Side(side)
		if s.Values, err = stats.DecodeDurations(vals, n); err != nil {
			return nil, nil, fmt.Errorf("store: stats_day_spans %v: %w", s.Cell, err)
		}
		spans = append(spans, s)
	}
	return counts, spans, rows.Err()
}

// StatsDayTotals adds up, per side, the agency's requests received before
// a day, and of them those decided and closed (see stats.DayTotals).
func (a AgencyData) StatsDayTotals(agency ill.AgencyID, before int) (map[ill.Side]stats.DayTotals, error) {
	rows, err := a.t.query(`SELECT side, measure, sum(n) FROM stats_days WHERE agency = $1 AND measure IN ($2, $3, $4) AND day < $5 GROUP BY side, measure`,
		string(agency), stats.DayReceived, stats.DayGoneDecided, stats.DayGoneClosed, before)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[ill.Side]stats.DayTotals{}
	for rows.Next() {
		var side, measure string
		var n sql.NullInt64
		if err := rows.Scan(&side, &measure, &n); err != nil {
			return nil, err
		}
		t := out[ill.Side(side)]
		switch measure {
		case stats.DayReceived:
			t.Received = int(n.Int64)
		case stats.DayGoneDecided:
			t.Decided = int(n.Int64)
		case stats.DayGoneClosed:
			t.Closed = int(n.Int64)
		}
		out[ill.Side(side)] = t
	}
	return out, rows.Err()
}

// asStored is a journey as reading its fact back gives it: times to the
// microsecond, business hours of every completed stage (zero when not
// measured), open when not closed; its contribution to the aggregates is
// then exactly the one taken away when the fact changes.
func asStored(j stats.Journey) stats.Journey {
	us := func(t *time.Time) {
		if !t.IsZero() {
			*t = fromMicros(micros(*t))
		}
	}
	for _, t := range []*time.Time{&j.Submitted, &j.FirstSent, &j.Answered, &j.Shipped, &j.Received, &j.Available, &j.PickedUp,
		&j.Delivered, &j.ReturnShipped, &j.CheckedIn, &j.Closed, &j.Overdue, &j.Lost} {
		us(t)
	}
	j.Renewals = append([]time.Time(nil), j.Renewals...)
	for i := range j.Renewals {
		us(&j.Renewals[i])
	}
	j.Tries = append([]stats.Try(nil), j.Tries...)
	for i := range j.Tries {
		us(&j.Tries[i].Sent)
		us(&j.Tries[i].Answered)
		us(&j.Tries[i].Filled)
	}
	ivs := j.Intervals()
	for i := range j.Business {
		switch {
		case !j.HasBusiness || !ivs[i].Valid():
			j.Business[i] = 0
		default:
			j.Business[i] = time.Duration(j.Business[i].Microseconds()) * time.Microsecond
		}
	}
	j.HasBusiness, j.Open = true, j.Closed.IsZero()
	return j
}

// StatsDayCounts reads one measure's daily counts of the agency (every
// side and key) from day from up to (not including) day to.
func (a AgencyData) StatsDayCounts(agency ill.AgencyID, measure string, from, to int) ([]stats.DayCount, error) {
	rows, err := a.t.query(`SELECT day, side, cell, n FROM stats_days WHERE agency = $1 AND measure = $2 AND day >= $3 AND day < $4`,
		string(agency), measure, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []stats.DayCount
	for rows.Next() {
		c := stats.DayCount{Cell: stats.Cell{Measure: measure}}
		var side string
		if err := rows.Scan(&c.Day, &side, &c.Key, &c.N); err != nil {
			return nil, err
		}
		c.Side = ill.Side(side)
		out = append(out, c)
	}
	return out, rows.Err()
}
