package app

import (
	"context"
	"errors"
	"time"

	"interlend/internal/ill"
	"interlend/internal/stats"
	"interlend/internal/store"
)

// The dashboard (and the measures and lenders' pages, which share it)
// reads the daily aggregates rather than a row per request when they can
// serve its periods: counted (stats_agencies.days_zone set), in one zone
// for every library of the view, and both periods made of whole days in
// it. The figures are the same either way (stats.MeasureDays); otherwise
// it reads the facts as before.

// errDaysGone says the daily aggregates were dropped (a rebuild began)
// between choosing them and reading them: the dashboard reads the facts.
var errDaysGone = errors.New("app: the daily aggregates are being recounted")

// statsDays gathers the daily aggregates of a dashboard's libraries.
type statsDays struct {
	loc       *time.Location
	cur, prev stats.Period
	counts    []stats.DayCount
	spans     []stats.DaySpans
	// totals before the end of each period, per side.
	curTotals, prevTotals map[ill.Side]stats.DayTotals
	// per library, for the consortium view: where its rows start.
	agencies []statsDaysAgency
}

type statsDaysAgency struct {
	agency                ill.AgencyID
	counts, spans         int // offsets of its rows
	ncounts, nspans       int
	curTotals, prevTotals map[ill.Side]stats.DayTotals
}

// statsDaysFor decides whether the daily aggregates serve the periods for
// the libraries (nil: read the facts).
func (a *App) statsDaysFor(ctx context.Context, agencies []ill.AgencyID, cur, prev stats.Period) (*statsDays, error) {
	zone := ""
	for _, ag := range agencies {
		var info store.StatsAgency
		if err := a.read(ctx, func(tx *store.Tx) (err error) { info, err = tx.Agency().GetStatsAgency(ag); return }); err != nil {
			return nil, err
		}
		if info.DaysZone == "" || (zone != "" && info.DaysZone != zone) {
			return nil, nil
		}
		zone = info.DaysZone
	}
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "" {
		return nil, nil // an unknown zone: read the facts
	}
	_, _, ok1 := cur.Days(loc)
	_, _, ok2 := prev.Days(loc)
	if !ok1 || !ok2 {
		return nil, nil
	}
	return &statsDays{loc: loc, cur: cur, prev: prev, curTotals: map[ill.Side]stats.DayTotals{}, prevTotals: map[ill.Side]stats.DayTotals{}}, nil
}

// read adds one library's aggregates for both periods; errDaysGone when
// they are no longer counted in the zone.
func (d *statsDays) read(tx *store.Tx, ag ill.AgencyID, info store.StatsAgency) error {
	if info.DaysZone != d.loc.String() {
		return errDaysGone
	}
	cf, ct, _ := d.cur.Days(d.loc)
	pf, pt, _ := d.prev.Days(d.loc)
	counts, spans, err := tx.Agency().StatsDays(ag, min(cf, pf), max(ct, pt))
	if err != nil {
		return err
	}
	ctot, err := tx.Agency().StatsDayTotals(ag, ct)
	if err != nil {
		return err
	}
	ptot, err := tx.Agency().StatsDayTotals(ag, pt)
	if err != nil {
		return err
	}
	d.agencies = append(d.agencies, statsDaysAgency{agency: ag, counts: len(d.counts), spans: len(d.spans), ncounts: len(counts), nspans: len(spans),
		curTotals: ctot, prevTotals: ptot})
	d.counts, d.spans = append(d.counts, counts...), append(d.spans, spans...)
	add := func(to, from map[ill.Side]stats.DayTotals) {
		for side, t := range from {
			s := to[side]
			s.Received, s.Decided, s.Closed = s.Received+t.Received, s.Decided+t.Decided, s.Closed+t.Closed
			to[side] = s
		}
	}
	add(d.curTotals, ctot)
	add(d.prevTotals, ptot)
	return nil
}

// measure gives both periods' figures over every library read.
func (d *statsDays) measure() (cur, prev stats.Measures) {
	cur, _ = stats.MeasureDays(d.counts, d.spans, d.curTotals, d.cur, d.loc)
	prev, _ = stats.MeasureDays(d.counts, d.spans, d.prevTotals, d.prev, d.loc)
	return cur, prev
}

// measureAgency gives the current period's figures of the library read
// last.
func (d *statsDays) measureAgency() stats.Measures {
	x := d.agencies[len(d.agencies)-1]
	m, _ := stats.MeasureDays(d.counts[x.counts:x.counts+x.ncounts], d.spans[x.spans:x.spans+x.nspans], x.curTotals, d.cur, d.loc)
	return m
}

// rebuildStatsDays counts an agency's daily aggregates afresh from its
// facts.
func (a *App) rebuildStatsDays(ctx context.Context, agency ill.AgencyID) error {
	sch, _, err := a.statsCalendar(ctx, agency)
	if err != nil {
		return err
	}
	return a.countStatsDays(ctx, agency, sch.Location())
}

// RecountStats counts an agency's monthly counts, the longest life of its
// requests and its daily aggregates afresh from its facts (the end of a
// rebuild, without computing the facts again from the event logs).
func (a *App) RecountStats(ctx context.Context, agency ill.AgencyID) error {
	sch, digest, err := a.statsCalendar(ctx, agency)
	if err != nil {
		return err
	}
	return a.recountStats(ctx, agency, sch.Location(), digest)
}

// statsMonthsPerTx is how many months a recount recomputes per
// transaction (SQLite's write transactions must stay short).
const statsMonthsPerTx = 12

// recountStats is RecountStats with the calendar known.
func (a *App) recountStats(ctx context.Context, agency ill.AgencyID, loc *time.Location, digest string) error {
	var months []int
	if err := a.read(ctx, func(tx *store.Tx) (err error) { months, err = tx.Agency().StatsFactMonths(agency, loc); return }); err != nil {
		return err
	}
	for start := 0; start < len(months); start += statsMonthsPerTx {
		part := months[start:min(start+statsMonthsPerTx, len(months))]
		if err := a.write(ctx, func(tx *store.Tx) error { return tx.Agency().RecomputeStatsMonths(agency, loc, part) }); err != nil {
			return err
		}
	}
	var life time.Duration
	if err := a.read(ctx, func(tx *store.Tx) (err error) { life, err = tx.Agency().StatsMaxLife(agency); return }); err != nil {
		return err
	}
	if err := a.write(ctx, func(tx *store.Tx) error {
		return tx.Agency().PutStatsAgency(agency, store.StatsAgency{Calendar: digest, MaxLife: life})
	}); err != nil {
		return err
	}
	return a.countStatsDays(ctx, agency, loc)
}

// statsDayRowsPerTx is how many rows of daily aggregates a count writes
// per transaction.
const statsDayRowsPerTx = 20000

// statsCountMargin is how long before a count of the daily aggregates
// began a fact must have been written to be read with the older ones: a
// fact write that began before and committed after the count's read is
// then still counted (FinishStatsDays adds every fact written since).
const statsCountMargin = 2 * time.Minute

// countStatsDays counts an agency's daily aggregates afresh from its facts
// in short transactions: it drops them (fact writes then leave them
// alone), tallies the facts written until shortly before in a read
// transaction, writes the rows in slices, and adds the facts written
// since as it marks the days counted.
func (a *App) countStatsDays(ctx context.Context, agency ill.AgencyID, loc *time.Location) error {
	start := time.Now()
	var since time.Time
	var mark string
	if err := a.write(ctx, func(tx *store.Tx) (err error) {
		since = tx.Now().Add(-statsCountMargin)
		mark, err = tx.Agency().BeginStatsDays(agency, since)
		return err
	}); err != nil {
		return err
	}
	t := stats.NewTally()
	var n int
	if err := a.read(ctx, func(tx *store.Tx) (err error) {
		n, err = tx.Agency().TallyStatsFacts(agency, loc, since, true, t)
		return
	}); err != nil {
		return err
	}
	counts, spans := t.Rows()
	t = nil
	for len(counts) > 0 || len(spans) > 0 {
		c := counts[:min(statsDayRowsPerTx, len(counts))]
		s := spans[:min(statsDayRowsPerTx/10, len(spans))]
		if err := a.write(ctx, func(tx *store.Tx) error { return tx.Agency().PutStatsDayRows(agency, mark, c, s) }); err != nil {
			return err
		}
		counts, spans = counts[len(c):], spans[len(s):]
	}
	var m int
	if err := a.write(ctx, func(tx *store.Tx) (err error) { m, err = tx.Agency().FinishStatsDays(agency, mark, loc, since); return }); err != nil {
		return err
	}
	a.Log.Info("statistics: daily aggregates counted", "agency", agency, "requests", n+m, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// weekly counts the library's requests received per week from origin (a
// midnight; week 0 starts there) up to to, by side, from the daily
// counts: what StatsWeekly counts from the facts.
func (d *statsDays) weekly(tx *store.Tx, ag ill.AgencyID, origin, to time.Time) (map[ill.Side]map[int]int, error) {
	from, end := stats.DayOf(origin, d.loc), stats.DayOf(to, d.loc)
	counts, err := tx.Agency().StatsDayCounts(ag, stats.DayReceived, from, end)
	if err != nil {
		return nil, err
	}
	date := func(day int) time.Time {
		return time.Date(day/10000, time.Month(day/100%100), day%100, 0, 0, 0, 0, time.UTC)
	}
	out := map[ill.Side]map[int]int{}
	for _, c := range counts {
		w := int(date(c.Day).Sub(date(from)) / (7 * 24 * time.Hour))
		if out[c.Side] == nil {
			out[c.Side] = map[int]int{}
		}
		out[c.Side][w] += c.N
	}
	return out, nil
}
