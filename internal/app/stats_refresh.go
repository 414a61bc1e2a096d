package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"interlend/internal/bibid"
	"interlend/internal/calendar"
	"interlend/internal/ill"
	"interlend/internal/jobs"
	"interlend/internal/settings"
	"interlend/internal/stats"
	"interlend/internal/store"
)

// The statistics keep one row of facts per request (stats_requests),
// computed from its event log. A job refreshes them every minute from
// the events added since the last run (the watermark); `interlend stats
// rebuild` recomputes them all. Reports read the facts, never the logs.

// KindStatsRefresh brings the statistics up to date with the event log,
// then schedules itself again a minute later.
const KindStatsRefresh = "stats.refresh"

// statsLag is how recent an event may be and still move the watermark:
// on PostgreSQL event ids are taken before commit, so an event with a
// smaller id may still become visible after one with a larger id; events
// of the last minute are therefore read again on the next run (reading
// twice does no harm).
const statsLag = time.Minute

// statsSlice is how many requests are computed and written together.
const statsSlice = 200

// statsCountStale is how long a count of the daily aggregates (or a
// rebuild) may have been under way before the refresh job takes it for
// dead and counts them itself.
const statsCountStale = 6 * time.Hour

// statsWatermark is the stats_state key of the last event id whose
// request is known to be up to date.
const statsWatermark = "watermark"

func init() {
	addJobs(func(a *App) {
		a.Jobs.Register(jobs.Kind{Name: KindStatsRefresh, Timeout: 10 * time.Minute, Handler: func(ctx context.Context, run *jobs.Run) error {
			res, err := a.RefreshStats(ctx)
			if err != nil {
				return err
			}
			next := a.Clock.Now().Add(time.Minute)
			if res.More {
				next = a.Clock.Now() // a backlog: carry on at once
			}
			return run.Complete(ctx, func(tx *store.Tx) error { return scheduleStatsRefresh(tx, next) })
		}})
	})
	addSchedule(func(a *App, tx *store.Tx) error {
		if err := scheduleStatsRefresh(tx, tx.Now()); err != nil {
			return err
		}
		return scheduleMonthlyReport(tx, tx.Now())
	})
}

// scheduleStatsRefresh enqueues the refresh at (the minute of) at; the
// idempotency key names the minute, so every node schedules it once, and
// the ordering key runs refreshes one at a time.
func scheduleStatsRefresh(tx *store.Tx, at time.Time) error {
	at = at.Truncate(time.Minute)
	_, err := tx.System().EnqueueJob(store.NewJob{Kind: KindStatsRefresh, RunAt: at, OrderingKey: KindStatsRefresh,
		IdempotencyKey: KindStatsRefresh + ":" + at.UTC().Format(time.RFC3339)})
	return err
}

// StatsRefresh says what a refresh did.
type StatsRefresh struct {
	Events    int   // events read
	Requests  int   // facts written
	Watermark int64 // the event id the statistics are complete to
	More      bool  // stopped early: more events are waiting
}

// RefreshStats recomputes the facts of every request with events newer
// than the watermark (and of every request of an agency whose business
// calendar changed), for at most about a minute of work.
func (a *App) RefreshStats(ctx context.Context) (StatsRefresh, error) {
	var res StatsRefresh
	if err := a.recomputeChangedCalendars(ctx); err != nil {
		return res, err
	}
	var w string
	if err := a.read(ctx, func(tx *store.Tx) (err error) { w, err = tx.System().StatsState(statsWatermark); return }); err != nil {
		return res, err
	}
	mark, _ := strconv.ParseInt(w, 10, 64)
	deadline := time.Now().Add(time.Minute)
	for {
		var changes []store.StatsChange
		if err := a.read(ctx, func(tx *store.Tx) (err error) { changes, err = tx.System().StatsChanges(mark, 5000); return }); err != nil {
			return res, err
		}
		res.Watermark = mark
		if len(changes) == 0 {
			return res, nil
		}
		res.Events += len(changes)
		safe := a.Clock.Now().Add(-statsLag)
		next, stalled := mark, false
		byAgency := map[ill.AgencyID][]int64{}
		for _, c := range changes {
			if !slices.Contains(byAgency[c.Agency], c.RequestID) {
				byAgency[c.Agency] = append(byAgency[c.Agency], c.RequestID)
			}
			if c.At.After(safe) {
				stalled = true
			}
			if !stalled {
				next = c.EventID
			}
		}
		for ag, ids := range byAgency {
			n, err := a.refreshRequests(ctx, ag, ids)
			if err != nil {
				return res, err
			}
			res.Requests += n
		}
		if next != mark {
			if err := a.write(ctx, func(tx *store.Tx) error {
				return tx.System().PutStatsState(statsWatermark, strconv.FormatInt(next, 10))
			}); err != nil {
				return res, err
			}
		}
		res.Watermark = next
		if stalled || len(changes) < 5000 {
			return res, nil
		}
		mark = next
		if time.Now().After(deadline) {
			res.More = true
			return res, nil
		}
	}
}

// refreshRequests recomputes the facts of some of an agency's requests.
func (a *App) refreshRequests(ctx context.Context, agency ill.AgencyID, ids []int64) (int, error) {
	sch, digest, err := a.statsCalendar(ctx, agency)
	if err != nil {
		return 0, err
	}
	total := 0
	for start := 0; start < len(ids); start += statsSlice {
		n, err := a.refreshSlice(ctx, agency, ids[start:min(start+statsSlice, len(ids))], sch, digest, true)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

// refreshSlice reads the sources of some requests, computes their facts
// and writes them, with the months they touch when months is set (a
// rebuild counts every month once at the end instead).
func (a *App) refreshSlice(ctx context.Context, agency ill.AgencyID, ids []int64, sch *calendar.Schedule, digest string, months bool) (int, error) {
	var srcs []store.StatsSource
	subjects := map[string]string{}
	err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		if srcs, err = tx.Agency().StatsSources(agency, ids); err != nil {
			return err
		}
		subjects, err = lookupSubjects(tx, srcs)
		return err
	})
	if err != nil {
		return 0, err
	}
	facts := make([]store.StatsFact, 0, len(srcs))
	touched := map[int]bool{}
	var life time.Duration
	loc := sch.Location()
	for _, s := range srcs {
		f := factOf(s, sch, subjects)
		facts = append(facts, f)
		j := f.Journey
		touched[store.MonthOf(j.Submitted, loc)] = true
		if d := j.DecidedAt(); !d.IsZero() {
			touched[store.MonthOf(d, loc)] = true
		}
		if !j.Open {
			life = max(life, j.Closed.Sub(j.Submitted))
		}
	}
	var n int
	err = a.write(ctx, func(tx *store.Tx) error {
		var err error
		if n, err = tx.Agency().PutStatsFacts(agency, loc, facts); err != nil {
			return err
		}
		if months {
			ms := make([]int, 0, len(touched))
			for m := range touched {
				ms = append(ms, m)
			}
			slices.Sort(ms)
			if err := tx.Agency().RecomputeStatsMonths(agency, loc, ms); err != nil {
				return err
			}
		}
		info, err := tx.Agency().GetStatsAgency(agency)
		if err != nil {
			return err
		}
		if info.Calendar == "" {
			info.Calendar = digest
		}
		info.MaxLife = max(info.MaxLife, life)
		return tx.Agency().PutStatsAgency(agency, info)
	})
	return n, err
}

// factOf computes a request's facts from its sources.
func factOf(s store.StatsSource, sch *calendar.Schedule, subjects map[string]string) store.StatsFact {
	r := s.Request
	var tries []stats.Try
	if r.Side == ill.Borrowing {
		for _, e := range s.Rota {
			outcome := string(e.State)
			switch e.State {
			case store.RotaPending, store.RotaSkipped:
				continue // never tried
			case store.RotaCurrent:
				outcome = "pending"
			}
			tries = append(tries, stats.Try{Lender: e.Lender, Sent: e.SentAt, Answered: e.AnsweredAt, Outcome: outcome})
		}
	}
	j := stats.FromEvents(r, s.Events, tries)
	for i := range j.Tries {
		if j.Tries[i].Outcome == string(store.RotaFilled) {
			j.Tries[i].Filled = j.FilledAt()
		}
	}
	for _, e := range s.Events {
		if reason := s.Reasons[e.ID]; reason != "" {
			j.UnfilledReason = reason // the last lender's word
		}
	}
	j.Department = s.Department
	j.Subject = subjectOf(j, r.Citation, subjects)
	j.MeasureBusiness(sch)
	return store.StatsFact{RequestID: r.ID, PublicID: r.PublicID, State: r.State, PatronID: r.PatronID, LastEvent: s.LastEvent, Journey: j}
}

// subjectOf is the subject the catalog gives what a request asks for,
// found by the citation's identifiers in turn: ISBN, ISSN, OCLC number,
// LCCN ("" when the catalog knows none of them or gives no class).
func subjectOf(j stats.Journey, c ill.Citation, subjects map[string]string) string {
	lccn, _ := bibid.NormaliseLCCN(c.LCCN)
	for _, k := range []string{"isbn:" + j.ISBN, "issn:" + j.ISSN, "oclc:" + j.OCLC, "lccn:" + lccn} {
		if v := subjects[k]; !strings.HasSuffix(k, ":") && v != "" {
			return v
		}
	}
	return ""
}

// lookupSubjects asks the catalog for the subjects of the titles the
// requests ask for (by ISBN, ISSN, OCLC number and LCCN).
func lookupSubjects(tx *store.Tx, srcs []store.StatsSource) (map[string]string, error) {
	ids := map[string][]string{}
	add := func(kind, v string) {
		if v != "" && !slices.Contains(ids[kind], v) {
			ids[kind] = append(ids[kind], v)
		}
	}
	for _, s := range srcs {
		var j stats.Journey
		j.Cite(s.Request.Citation)
		add("isbn", j.ISBN)
		add("issn", j.ISSN)
		add("oclc", j.OCLC)
		if v, ok := bibid.NormaliseLCCN(s.Request.Citation.LCCN); ok {
			add("lccn", v)
		}
	}
	out := map[string]string{}
	for kind, vs := range ids {
		found, err := tx.Network().CatalogSubjects(kind, vs)
		if err != nil {
			return nil, err
		}
		for v, s := range found {
			out[kind+":"+v] = s
		}
	}
	return out, nil
}

// statsCalendar compiles an agency's business calendar and gives its
// digest (a calendar that cannot be compiled falls back to the default).
func (a *App) statsCalendar(ctx context.Context, agency ill.AgencyID) (*calendar.Schedule, string, error) {
	c, err := settings.CalendarSetting.Get(ctx, a.DB, agency)
	if err != nil {
		return nil, "", err
	}
	sch, err := calendar.New(c)
	if err != nil {
		g, _ := settings.Lookup("calendar")
		def, _ := g.Defaults().(calendar.Calendar)
		if sch, err = calendar.New(def); err != nil {
			return nil, "", fmt.Errorf("app: the default calendar: %w", err)
		}
		c = def
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(b)
	return sch, hex.EncodeToString(sum[:8]), nil
}

// recomputeChangedCalendars rebuilds the statistics of agencies whose
// calendar changed since their business hours and months were computed,
// and counts the daily aggregates of agencies whose facts have none.
func (a *App) recomputeChangedCalendars(ctx context.Context) error {
	ags, err := a.Agencies(ctx)
	if err != nil {
		return err
	}
	for _, ag := range ags {
		_, digest, err := a.statsCalendar(ctx, ag.ID)
		if err != nil {
			return err
		}
		var info store.StatsAgency
		if err := a.read(ctx, func(tx *store.Tx) (err error) { info, err = tx.Agency().GetStatsAgency(ag.ID); return }); err != nil {
			return err
		}
		if info.Calendar != "" && info.Calendar != digest {
			a.Log.Info("business calendar changed: recomputing the statistics", "agency", ag.ID)
			if _, err := a.rebuildAgency(ctx, ag.ID, nil); err != nil {
				return err
			}
			continue
		}
		began := store.StatsDaysCountBegan(info.DaysZone)
		if !info.RefreshedAt.IsZero() && (info.DaysZone == "" || (!began.IsZero() && a.Clock.Now().Sub(began) > statsCountStale)) {
			// Facts without their daily aggregates (after an upgrade, or a
			// rebuild or count that stopped half way): count them.
			if err := a.rebuildStatsDays(ctx, ag.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// StatsRebuild says what a rebuild did.
type StatsRebuild struct {
	Agencies int
	Requests int
	Took     time.Duration
}

// RebuildStats recomputes every fact of one agency ("" for all) from the
// event log, with the monthly counts; progress, if set, is told how many
// requests are done. Facts computed meanwhile by a refresh from newer
// events are kept. Returns NotFound for an agency that is not hosted.
func (a *App) RebuildStats(ctx context.Context, agency ill.AgencyID, progress func(done int)) (StatsRebuild, error) {
	start := time.Now()
	var res StatsRebuild
	var last int64
	if err := a.read(ctx, func(tx *store.Tx) (err error) { last, err = tx.System().LastEventID(); return }); err != nil {
		return res, err
	}
	ags, err := a.Agencies(ctx)
	if err != nil {
		return res, err
	}
	var list []ill.AgencyID
	for _, ag := range ags {
		if agency == "" || ag.ID == agency {
			list = append(list, ag.ID)
		}
	}
	if agency != "" && len(list) == 0 {
		return res, ill.Errorf(ill.NotFound, "agency %s is not hosted here", agency)
	}
	done := 0
	for _, ag := range list {
		n, err := a.rebuildAgency(ctx, ag, func(k int) {
			if progress != nil {
				progress(done + k)
			}
		})
		if err != nil {
			return res, err
		}
		done += n
		res.Agencies++
	}
	res.Requests = done
	// Every event before the rebuild began is now counted in.
	if agency == "" {
		err = a.write(ctx, func(tx *store.Tx) error {
			w, err := tx.System().StatsState(statsWatermark)
			if err != nil {
				return err
			}
			if cur, _ := strconv.ParseInt(w, 10, 64); cur < last {
				return tx.System().PutStatsState(statsWatermark, strconv.FormatInt(last, 10))
			}
			return nil
		})
	}
	res.Took = time.Since(start)
	return res, err
}

// rebuildAgency recomputes all of one agency's facts.
func (a *App) rebuildAgency(ctx context.Context, agency ill.AgencyID, progress func(done int)) (int, error) {
	sch, digest, err := a.statsCalendar(ctx, agency)
	if err != nil {
		return 0, err
	}
	// The facts are written without their daily aggregates, which are
	// counted afresh at the end (faster, and right after a change of zone);
	// marked as being counted, the refresh job leaves them to the rebuild.
	if err := a.write(ctx, func(tx *store.Tx) error {
		_, err := tx.Agency().BeginStatsDays(agency, tx.Now())
		return err
	}); err != nil {
		return 0, err
	}
	var after int64
	done := 0
	for {
		var ids []int64
		if err := a.read(ctx, func(tx *store.Tx) (err error) { ids, err = tx.Agency().StatsRequestIDs(agency, after, 1000); return }); err != nil {
			return done, err
		}
		if len(ids) == 0 {
			break
		}
		for start := 0; start < len(ids); start += statsSlice {
			part := ids[start:min(start+statsSlice, len(ids))]
			if _, err := a.refreshSlice(ctx, agency, part, sch, digest, false); err != nil {
				return done, err
			}
			done += len(part)
			if progress != nil {
				progress(done)
			}
		}
		after = ids[len(ids)-1]
	}
	return done, a.recountStats(ctx, agency, sch.Location(), digest)
}
