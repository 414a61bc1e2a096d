package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"interlend/internal/calendar"
	"interlend/internal/catalog"
	"interlend/internal/directory"
	"interlend/internal/i18n"
	"interlend/internal/ill"
	"interlend/internal/routing"
	"interlend/internal/settings"
	"interlend/internal/stats"
	"interlend/internal/store"
)

// The routing feature (docs/routing.md): a.Route builds the rota of a new
// request from the imported catalog, the directory, the lenders' measured
// performance and today's load (internal/routing); a.ResponseWindowFor
// gives each lender its response window in its own business days; a
// gate on every send keeps lenders within their daily caps; intake steps
// apply the own-holdings rule and the automation rules; a request
// approved out of review gets a rota if it has none.
func init() {
	addJobs(func(a *App) {
		rt := &router{a: a, scores: map[scoreKey]scoreEntry{}}
		if a.Route == nil {
			a.Route = rt.route
		}
		if a.ResponseWindowFor == nil {
			a.ResponseWindowFor = responseWindowFor
		}
		a.registerOwnHoldingsJob()
	})
	addIntake(ownHoldingsIntake)
	addIntake(automationIntake)
	addTransitionHook(routeWhenValidated)
	addRotaGate(dailyCapGate)
}

// router is a.Route: it keeps each agency's lender scores for a while.
type router struct {
	a      *App
	mu     sync.Mutex
	scores map[scoreKey]scoreEntry
}

type scoreKey struct {
	agency ill.AgencyID
	days   int
}

type scoreEntry struct {
	at     time.Time
	scores []stats.LenderScore
}

// scoresTTL is how long lender scores are reused before they are read
// again.
const scoresTTL = 10 * time.Minute

// RoutingRecord is what routing keeps of a routed request: the plan (the
// lenders with their scores and reasons, those left out and why) and the
// own-holdings check.
type RoutingRecord struct {
	Plan routing.Plan `json:"plan"`
	Own  OwnHoldings  `json:"own"`
}

// route builds a request's rota (the Router).
func (rt *router) route(tx *store.Tx, r *ill.Request) ([]RotaChoice, error) {
	set, err := RoutingSetting.GetTx(tx, r.Agency)
	if err != nil {
		return nil, err
	}
	in, err := routeInput(tx, r.Agency, r, set)
	if err != nil {
		return nil, err
	}
	in.Scores = rt.lenderScores(tx, r.Agency, set.ScoreDays)
	plan := routing.Build(in)
	own, err := ownCatalogCheck(tx, r.Agency, r)
	if err != nil {
		return nil, err
	}
	// Lenders already in the rota (routing again) are not added twice.
	rota, err := tx.Agency().Rota(r.Agency, r.ID)
	if err != nil {
		return nil, err
	}
	var out []RotaChoice
	for _, e := range plan.Entries {
		if slices.ContainsFunc(rota, func(x store.RotaEntry) bool { return x.Lender == e.Lender }) {
			continue
		}
		out = append(out, RotaChoice{Lender: e.Lender, Reason: e.Summary(englishReason), Score: e.Score})
	}
	b, err := json.Marshal(RoutingRecord{Plan: plan, Own: own})
	if err != nil {
		return nil, err
	}
	if err := tx.Agency().PutRoutingExplanation(r.Agency, r.ID, b); err != nil {
		return nil, err
	}
	return out, nil
}

// englishReason renders a reason for the rota's reason column (kept as
// data: staff pages render the plan in their own language).
func englishReason(r routing.Reason) string {
	return i18n.Load().Text(i18n.Default, r.Key(), r.Anys()...)
}

// lenderScores reads the agency's lender scores over the last days (in
// the caller's transaction: no second connection), or reuses those read
// in the last scoresTTL. Scores that cannot be read leave routing with
// its prior (and the problem is logged).
func (rt *router) lenderScores(tx *store.Tx, agency ill.AgencyID, days int) []stats.LenderScore {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	k := scoreKey{agency, days}
	now := tx.Now()
	if e, ok := rt.scores[k]; ok && now.Sub(e.at) < scoresTTL && !now.Before(e.at) {
		return e.scores
	}
	p := stats.Period{From: now.AddDate(0, 0, -days), To: now}
	scores, err := readLenderScores(tx, agency, p)
	if err != nil {
		rt.a.Log.Error("routing: lender scores unreadable; using the prior", "agency", agency, "err", err)
		return nil
	}
	rt.scores[k] = scoreEntry{at: now, scores: scores}
	return scores
}

// readLenderScores computes the agency's lender scores over a period from
// the statistics facts (the stats feature's store).
func readLenderScores(tx *store.Tx, agency ill.AgencyID, p stats.Period) ([]stats.LenderScore, error) {
	info, err := tx.Agency().GetStatsAgency(agency)
	if err != nil {
		return nil, err
	}
	facts, err := tx.Agency().StatsFacts(agency, p, info.MaxLife)
	if err != nil {
		return nil, err
	}
	js := make([]stats.Journey, 0, len(facts))
	for _, f := range facts {
		js = append(js, f.Journey)
	}
	return stats.LenderScoresIn(js, p), nil
}

// txIndex is the imported catalog inside a transaction.
type txIndex struct{ tx *store.Tx }

func (x txIndex) ByIdentifiers(_ context.Context, ids []catalog.Identifier, limit int) ([]catalog.Record, error) {
	return x.tx.Network().CatalogByIdentifiers(ids, limit)
}

func (x txIndex) Search(_ context.Context, q catalog.Query) ([]catalog.Record, error) {
	return x.tx.Network().SearchCatalog(q)
}

func (x txIndex) LoadItems(_ context.Context, recs []catalog.Record) error {
	return x.tx.Network().LoadCatalogItems(recs)
}

// electronicDelivery are the ISO 18626 delivery methods that deliver a
// copy electronically.
var electronicDelivery = []string{"url", "email", "ftp", "articleexchange", "odyssey"}

// routeInput gathers what routing needs for a request of agency, inside
// tx: the holders of the title in the imported catalog (partners' SRU
// services are not asked inside a transaction), their directory entries
// and calendars, today's load, the exchange rates. Scores are the
// caller's.
func routeInput(tx *store.Tx, agency ill.AgencyID, r *ill.Request, set RoutingSettings) (routing.Input, error) {
	now := tx.Now()
	in := routing.Input{
		Request: routing.Request{Borrower: agency, Service: r.ServiceType, Citation: r.Citation, MaxCost: r.MaxCost, NeedBefore: r.NeedBefore,
			Electronic: slices.Contains(electronicDelivery, strings.ToLower(r.DeliveryMethod))},
		Lenders: map[ill.AgencyID]*routing.Lender{},
		Now:     now,
		Config:  set.config(),
	}
	if e, err := tx.Network().DirectoryEntry(agency); err == nil {
		in.Borrower = &e
	} else if !ill.Is(err, ill.NotFound) {
		return in, err
	}
	hs, err := catalog.Local{Index: txIndex{tx}}.Holders(tx.Context(), r.Citation)
	if err != nil {
		return in, err
	}
	hs = withRemoteHoldings(tx, r, hs)
	in.Holdings = hs
	hosted, err := tx.System().Agencies()
	if err != nil {
		return in, err
	}
	ids := make([]ill.AgencyID, 0, len(hs))
	for _, h := range hs {
		ids = append(ids, h.Agency)
	}
	entries, err := tx.Network().RoutingEntries(ids)
	if err != nil {
		return in, err
	}
	var keys []store.LoadKey
	var days []calendar.Date
	for _, h := range hs {
		if _, done := in.Lenders[h.Agency]; done || h.Agency == agency {
			continue
		}
		e, found := entries[h.Agency]
		l, err := lenderOf(tx, h.Agency, e, found, hosted)
		if err != nil {
			return in, err
		}
		if l == nil {
			continue // not in the directory: routing says so
		}
		in.Lenders[h.Agency] = l
		day := calendar.DateOf(now.In(l.Schedule.Location()))
		keys = append(keys, store.LoadKey{Lender: h.Agency, Day: day})
		if !slices.Contains(days, day) {
			days = append(days, day)
		}
	}
	load, err := tx.Network().LenderLoad(keys)
	if err != nil {
		return in, err
	}
	for id, n := range load {
		in.Lenders[id].SentToday = n
	}
	if set.LoadSpreading {
		if in.LoadToday, in.Routable, err = tx.Network().LoadOn(days); err != nil {
			return in, err
		}
	}
	rates, err := tx.Network().ExchangeRates()
	if err != nil {
		return in, err
	}
	if in.Rates, err = routing.NewRates(rates); err != nil {
		return in, fmt.Errorf("routing: stored exchange rates: %w", err)
	}
	return in, nil
}

// lenderFor is routing's view of a library: its directory entry and
// compiled calendar. A library hosted here without an entry is taken as
// active, lending and copying, on its own business calendar. nil means
// unknown.
func lenderFor(tx *store.Tx, id ill.AgencyID, hosted []store.Agency) (*routing.Lender, error) {
	e, err := tx.Network().DirectoryEntry(id)
	if err != nil && !ill.Is(err, ill.NotFound) {
		return nil, err
	}
	return lenderOf(tx, id, e, err == nil, hosted)
}

// lenderOf is lenderFor with the directory entry already read (found
// false: the directory does not list the library).
func lenderOf(tx *store.Tx, id ill.AgencyID, e directory.Entry, found bool, hosted []store.Agency) (*routing.Lender, error) {
	isHosted := slices.ContainsFunc(hosted, func(h store.Agency) bool { return h.ID == id })
	switch {
	case !found && isHosted:
		e = directory.Entry{ID: id, Status: directory.StatusActive, Hosted: true}
	case !found:
		return nil, nil
	}
	e.Hosted = e.Hosted || isHosted
	sch, err := scheduleFor(tx, e)
	if err != nil {
		return nil, err
	}
	return &routing.Lender{Entry: e, Schedule: sch}, nil
}

// scheduleFor compiles a library's calendar: its directory entry's, else
// (hosted here) its business calendar setting, else routing's default.
func scheduleFor(tx *store.Tx, e directory.Entry) (*calendar.Schedule, error) {
	c := e.Calendar
	if c != nil && !e.UpdatedAt.IsZero() {
		// A directory calendar changes only with its entry.
		key := fmt.Sprintf("%s@%d", e.ID, e.UpdatedAt.UnixMicro())
		if s, ok := schedules.Load(key); ok {
			return s.(*calendar.Schedule), nil
		}
		s, err := compiledSchedule(*c)
		if err == nil {
			schedules.Store(key, s)
		}
		return s, err
	}
	if c == nil && e.Hosted {
		cal, err := settings.CalendarSetting.GetTx(tx, e.ID)
		if err != nil {
			return nil, err
		}
		c = &cal
	}
	if c == nil {
		return routing.DefaultSchedule(), nil
	}
	return compiledSchedule(*c)
}

// schedules caches compiled calendars by their JSON form.
var schedules sync.Map

func compiledSchedule(c calendar.Calendar) (*calendar.Schedule, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	if s, ok := schedules.Load(string(b)); ok {
		return s.(*calendar.Schedule), nil
	}
	s, err := calendar.New(c)
	if err != nil {
		return routing.DefaultSchedule(), nil //nolint:nilerr // a stored calendar that no longer validates: the default week
	}
	schedules.Store(string(b), s)
	return s, nil
}

// libraryOf is a rota lender's directory entry and calendar (hosted
// libraries without an entry included); ok is false for a lender the
// directory does not know.
func libraryOf(tx *store.Tx, id ill.AgencyID) (*routing.Lender, bool, error) {
	hosted, err := tx.System().Agencies()
	if err != nil {
		return nil, false, err
	}
	l, err := lenderFor(tx, id, hosted)
	return l, l != nil, err
}

// responseWindowFor is a.ResponseWindowFor: a lender's response window in
// its own business days (from the directory), counted on its calendar in
// its time zone; 0 (the borrower's policy) when the directory states
// none.
func responseWindowFor(tx *store.Tx, lender ill.AgencyID, from time.Time) time.Duration {
	l, ok, err := libraryOf(tx, lender)
	if err != nil || !ok || l.Entry.Policy.ResponseDays <= 0 {
		return 0
	}
	return routing.Deadline(l.Schedule, from, l.Entry.Policy.ResponseDays).Sub(from)
}

// dailyCapGate takes a slot of the lender's day (its local date) for the
// send, so that its daily cap is never exceeded even by concurrent
// requests; a lender at its cap is skipped. Every send is counted, capped
// or not, for load spreading.
func dailyCapGate(_ *App, tx *store.Tx, _ *ill.Request, e store.RotaEntry) (string, error) {
	l, ok, err := libraryOf(tx, e.Lender)
	if err != nil {
		return "", err
	}
	limit, sch := 0, routing.DefaultSchedule()
	if ok {
		limit, sch = l.Entry.Policy.DailyCap, l.Schedule
	}
	day := calendar.DateOf(tx.Now().In(sch.Location()))
	sent, taken, err := tx.Network().TakeLenderSlot(e.Lender, day, limit)
	if err != nil || taken {
		return "", err
	}
	return englishReason(routing.Reason{Code: "skipped.cap", Args: []string{fmt.Sprint(sent), fmt.Sprint(limit), day.String()}}), nil
}

// routeWhenValidated gives a borrowing request that enters validated (out
// of review, a question or copyright) a rota when it has no lender left
// to try, so that sending it goes somewhere.
func routeWhenValidated(a *App, tx *store.Tx, r *ill.Request, ev *ill.Event) error {
	if r.Side != ill.Borrowing || ev.To != ill.BValidated || ev.From == ill.BValidated || a.Route == nil {
		return nil
	}
	rota, err := tx.Agency().Rota(r.Agency, r.ID)
	if err != nil || slices.ContainsFunc(rota, func(e store.RotaEntry) bool { return e.State == store.RotaPending }) {
		return err
	}
	lenders, err := a.Route(tx, r)
	if err != nil || len(lenders) == 0 {
		return err
	}
	for _, l := range lenders {
		if err := tx.Agency().AddRotaEntry(r.Agency, r.ID, store.RotaEntry{Lender: l.Lender, Reason: l.Reason, Score: l.Score}); err != nil {
			return err
		}
	}
	return a.event(tx, r, ill.SystemActor(), "rota_changed", "routed", map[string]any{"lenders": len(lenders)}, 0)
}
