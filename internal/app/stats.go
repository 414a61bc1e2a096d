package app

import (
	"context"
	"errors"
	"slices"
	"sort"
	"time"

	"interlend/internal/ill"
	"interlend/internal/settings"
	"interlend/internal/stats"
	"interlend/internal/store"
)

// StatsQuery asks for the statistics of a period.
type StatsQuery struct {
	Agency ill.AgencyID // the library looked at (the session's)
	// Consortium widens the view to every library the actor administers
	// as a consortium administrator (an operator: every library).
	Consortium bool
	Preset     stats.Preset // default: the last 30 days
	// From and To (dates in the library's zone, To included) give a
	// period of one's own; they win over Preset when both are set.
	From, To time.Time
}

// StatsScope is what a query comes to: whose figures, for which period.
type StatsScope struct {
	Agencies   []ill.AgencyID
	Consortium bool
	Location   *time.Location
	Period     stats.Period
	Preset     stats.Preset // "" for a period of one's own
	Fiscal     stats.FiscalStart
	Settings   StatsSettings // the library's (the consortium view uses the session library's)
}

// maxStatsPeriod bounds a period of one's own.
const maxStatsPeriod = 10 * 366 * 24 * time.Hour

// StatsScope resolves a query. Returns Forbidden without the statistics
// permission (in every library of a consortium view), Invalid for a
// period that ends before it starts or spans more than ten years.
func (a *App) StatsScope(ctx context.Context, actor ill.Actor, q StatsQuery) (StatsScope, error) {
	var sc StatsScope
	if q.Consortium {
		ags, err := a.consortiumOf(ctx, actor)
		if err != nil {
			return sc, err
		}
		sc.Agencies, sc.Consortium = ags, true
	} else {
		if err := requireAgency(actor, q.Agency, ill.PermStats); err != nil {
			return sc, err
		}
		sc.Agencies = []ill.AgencyID{q.Agency}
	}
	home := q.Agency
	if home == "" || !slices.Contains(sc.Agencies, home) {
		home = sc.Agencies[0]
	}
	sc.Location = a.AgencyLocation(ctx, home)
	fy, err := settings.FiscalSetting.Get(ctx, a.DB, home)
	if err != nil {
		return sc, err
	}
	sc.Fiscal = stats.FiscalStart{Month: time.Month(fy.StartMonth), Day: fy.StartDay}
	if sc.Settings, err = StatsSetting.Get(ctx, a.DB, home); err != nil {
		return sc, err
	}
	if !q.From.IsZero() && !q.To.IsZero() {
		from := time.Date(q.From.Year(), q.From.Month(), q.From.Day(), 0, 0, 0, 0, sc.Location)
		to := time.Date(q.To.Year(), q.To.Month(), q.To.Day(), 0, 0, 0, 0, sc.Location).AddDate(0, 0, 1)
		if !to.After(from) {
			return sc, ill.E(ill.Invalid, "the period ends before it starts", map[string]string{"to": "after the start"})
		}
		if to.Sub(from) > maxStatsPeriod {
			return sc, ill.E(ill.Invalid, "a period may span ten years at most", map[string]string{"from": "within ten years of the end"})
		}
		sc.Period = stats.Period{From: from, To: to}
		return sc, nil
	}
	sc.Preset = q.Preset
	if sc.Preset == "" {
		sc.Preset = stats.Last30Days
	}
	sc.Period, err = stats.PeriodFor(sc.Preset, a.Clock.Now(), sc.Location, sc.Fiscal)
	if err != nil {
		return sc, ill.E(ill.Invalid, "choose one of the periods offered", err)
	}
	return sc, nil
}

// consortiumOf lists the libraries a consortium view covers for the
// actor: those it holds the consortium administrator role in (all, for an
// operator), where it may see statistics. Forbidden when there are none.
func (a *App) consortiumOf(ctx context.Context, actor ill.Actor) ([]ill.AgencyID, error) {
	var out []ill.AgencyID
	if actor.Grants.IsOperator() {
		ags, err := a.Agencies(ctx)
		if err != nil {
			return nil, err
		}
		for _, ag := range ags {
			out = append(out, ag.ID)
		}
	} else {
		for _, g := range actor.Grants {
			if g.Role == ill.RoleConsortiumAdmin && actor.CanIn(g.Agency, ill.PermStats) && !slices.Contains(out, g.Agency) {
				out = append(out, g.Agency)
			}
		}
	}
	if len(out) == 0 {
		return nil, ill.E(ill.Forbidden, "only consortium administrators see the whole consortium")
	}
	slices.Sort(out)
	return out, nil
}

// StatsDashboard is everything the dashboard shows.
type StatsDashboard struct {
	StatsScope
	Previous stats.Period
	Current  stats.Measures
	Prior    stats.Measures
	// Weeks counts requests received per week: the 26 weeks up to the
	// period's end, or the period's own weeks when it is longer.
	Weeks []StatsWeek
	// States counts open requests by state now.
	States []StatsStateCount
	// Seasons are the last three academic years month by month.
	Seasons []StatsSeason
	// PerAgency has a line per library (consortium view).
	PerAgency []StatsAgencyLine
	// AsOf is when the facts were last brought up to date (the oldest of
	// the libraries'), zero when never.
	AsOf time.Time
}

// StatsWeek is one week's count of requests received.
type StatsWeek struct {
	Start              time.Time
	Borrowing, Lending int
}

// StatsStateCount is how many open requests are in a state.
type StatsStateCount struct {
	Side  ill.Side
	State ill.State
	N     int
}

// StatsSeason is one academic year: requests received in each of its
// months (both sides), from its first month.
type StatsSeason struct {
	Year               int // the calendar year it starts in
	Borrowing, Lending [12]int
	// Begun is how many of its months have begun (12 for a year past):
	// the chart draws nothing for months still to come.
	Begun int
}

// StatsAgencyLine is one library's headline in a consortium view.
type StatsAgencyLine struct {
	Agency             ill.AgencyID
	Borrowing, Lending stats.SideMeasures
}

// statsWeeks is how many weeks the weekly chart shows at least.
const statsWeeks = 26

// StatsDashboard computes the dashboard: the period's figures and the
// previous period's (for the trends), the charts' series. Returns what
// StatsScope returns.
func (a *App) StatsDashboard(ctx context.Context, actor ill.Actor, q StatsQuery) (*StatsDashboard, error) {
	d, err := a.statsDashboard(ctx, actor, q, true)
	if errors.Is(err, errDaysGone) {
		return a.statsDashboard(ctx, actor, q, false)
	}
	return d, err
}

// statsDashboard computes the dashboard from the daily aggregates when
// useDays is set and they serve its periods, else from the facts.
func (a *App) statsDashboard(ctx context.Context, actor ill.Actor, q StatsQuery, useDays bool) (*StatsDashboard, error) {
	sc, err := a.StatsScope(ctx, actor, q)
	if err != nil {
		return nil, err
	}
	d := &StatsDashboard{StatsScope: sc, Previous: sc.Period.Previous()}
	var days *statsDays
	if useDays {
		if days, err = a.statsDaysFor(ctx, sc.Agencies, sc.Period, d.Previous); err != nil {
			return nil, err
		}
	}
	both := stats.Period{From: d.Previous.From, To: sc.Period.To}
	origin := sc.Period.To.AddDate(0, 0, -7*statsWeeks)
	if sc.Period.From.Before(origin) {
		origin = sc.Period.From
	}
	nweeks := int((sc.Period.To.Sub(origin) + 7*24*time.Hour - 1) / (7 * 24 * time.Hour))
	d.Weeks = make([]StatsWeek, nweeks)
	for i := range d.Weeks {
		d.Weeks[i].Start = origin.AddDate(0, 0, 7*i)
	}
	seasonStart := time.Month(sc.Settings.AcademicYearStart)
	end := sc.Period.To.Add(-time.Nanosecond).In(sc.Location)
	year := end.Year()
	if end.Month() < seasonStart {
		year--
	}
	now := a.Clock.Now()
	for y := year - 2; y <= year; y++ {
		begun := 0
		for k := range 12 {
			if !time.Date(y, seasonStart+time.Month(k), 1, 0, 0, 0, 0, sc.Location).After(now) {
				begun = k + 1
			}
		}
		d.Seasons = append(d.Seasons, StatsSeason{Year: y, Begun: begun})
	}
	firstMonth, lastMonth := (year-2)*100+int(seasonStart), (year+1)*100+int(seasonStart)-1
	if seasonStart == time.January {
		lastMonth = year*100 + 12
	}
	states := map[[2]string]int{}
	var js []stats.Journey
	var charges []stats.Charge
	for _, ag := range sc.Agencies {
		var facts []store.StatsFact
		var info store.StatsAgency
		err := a.read(ctx, func(tx *store.Tx) error {
			var err error
			if info, err = tx.Agency().GetStatsAgency(ag); err != nil {
				return err
			}
			if days != nil {
				if err := days.read(tx, ag, info); err != nil {
					return err
				}
			} else if facts, err = tx.Agency().StatsFacts(ag, both, info.MaxLife); err != nil {
				return err
			}
			cs, err := tx.Agency().StatsCharges(ag, both)
			if err != nil {
				return err
			}
			charges = append(charges, cs...)
			open, err := tx.Agency().StatsOpenStates(ag)
			if err != nil {
				return err
			}
			for side, m := range open {
				for st, n := range m {
					states[[2]string{string(side), string(st)}] += n
				}
			}
			var weekly map[ill.Side]map[int]int
			if days != nil {
				weekly, err = days.weekly(tx, ag, origin, sc.Period.To)
			} else {
				weekly, err = tx.Agency().StatsWeekly(ag, origin, sc.Period.To)
			}
			if err != nil {
				return err
			}
			for side, m := range weekly {
				for w, n := range m {
					if w < 0 || w >= len(d.Weeks) {
						continue
					}
					if side == ill.Lending {
						d.Weeks[w].Lending += n
					} else {
						d.Weeks[w].Borrowing += n
					}
				}
			}
			months, err := tx.Agency().StatsMonths(ag, firstMonth, lastMonth)
			if err != nil {
				return err
			}
			for _, m := range months {
				y, mo := m.Month/100, time.Month(m.Month%100)
				season := y
				if mo < seasonStart {
					season--
				}
				i := season - (year - 2)
				if i < 0 || i >= len(d.Seasons) {
					continue
				}
				k := (int(mo) - int(seasonStart) + 12) % 12
				if m.Side == ill.Lending {
					d.Seasons[i].Lending[k] += m.Received
				} else {
					d.Seasons[i].Borrowing[k] += m.Received
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if d.AsOf.IsZero() || info.RefreshedAt.Before(d.AsOf) {
			d.AsOf = info.RefreshedAt
		}
		start := len(js)
		for _, f := range facts {
			js = append(js, f.Journey)
		}
		if sc.Consortium && days != nil {
			m := days.measureAgency()
			d.PerAgency = append(d.PerAgency, StatsAgencyLine{Agency: ag, Borrowing: m.Borrowing, Lending: m.Lending})
		} else if sc.Consortium {
			m := stats.Measure(js[start:], sc.Period, nil)
			d.PerAgency = append(d.PerAgency, StatsAgencyLine{Agency: ag, Borrowing: m.Borrowing, Lending: m.Lending})
		}
	}
	if days != nil {
		d.Current, d.Prior = days.measure()
	} else {
		d.Current, d.Prior = stats.Measure(js, sc.Period, nil), stats.Measure(js, d.Previous, nil)
	}
	d.Current.Money = stats.MeasureMoney(charges, sc.Period, d.Current.Borrowing.Rate.Filled)
	d.Prior.Money = stats.MeasureMoney(charges, d.Previous, d.Prior.Borrowing.Rate.Filled)
	for k, n := range states {
		d.States = append(d.States, StatsStateCount{Side: ill.Side(k[0]), State: ill.State(k[1]), N: n})
	}
	sort.Slice(d.States, func(i, j int) bool {
		x, y := d.States[i], d.States[j]
		if x.Side != y.Side {
			return x.Side < y.Side
		}
		if x.N != y.N {
			return x.N > y.N
		}
		return x.State < y.State
	})
	return d, nil
}

// LenderScores are the lenders' scorecards over the borrowing requests an
// agency sent them in a period: the figures routing ranks lenders by (no
// permission check: for the app's own use).
func (a *App) LenderScores(ctx context.Context, agency ill.AgencyID, p stats.Period) ([]stats.LenderScore, error) {
	var scores []stats.LenderScore
	err := a.read(ctx, func(tx *store.Tx) (err error) { scores, err = LenderScoresTx(tx, agency, p); return })
	return scores, err
}

// LenderScoresTx is LenderScores inside a caller's transaction (routing
// reads them while it builds a rota): the tries sent in p, from the
// statistics facts, scored by stats.LenderScoresIn — the numbers the
// lenders' scorecards show for the same period.
func LenderScoresTx(tx *store.Tx, agency ill.AgencyID, p stats.Period) ([]stats.LenderScore, error) {
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

// StatsCollectionReport is the collection development report.
type StatsCollectionReport struct {
	StatsScope
	stats.Collection
}

// StatsCollection reports what the libraries' patrons asked to borrow in
// the period: titles asked for often, demand by subject and department,
// and titles to buy instead. Returns what StatsScope returns.
func (a *App) StatsCollection(ctx context.Context, actor ill.Actor, q StatsQuery) (*StatsCollectionReport, error) {
	if q.Preset == "" && q.From.IsZero() {
		q.Preset = stats.Last12Months
	}
	sc, err := a.StatsScope(ctx, actor, q)
	if err != nil {
		return nil, err
	}
	var js []stats.Journey
	for _, ag := range sc.Agencies {
		err := a.read(ctx, func(tx *store.Tx) error {
			facts, err := tx.Agency().StatsSubmitted(ag, ill.Borrowing, sc.Period)
			for _, f := range facts {
				js = append(js, f.Journey)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	s := sc.Settings
	opts := stats.CollectionOptions{MinRequests: s.RepeatThreshold, Currency: s.Currency, PurchasePrice: minorUnits(s.PurchasePrice, s.Currency),
		HandlingCost: minorUnits(s.HandlingCost, s.Currency), Now: a.Clock.Now()}
	return &StatsCollectionReport{StatsScope: sc, Collection: stats.CollectionReport(js, sc.Period, opts)}, nil
}

// StatsSurveyReport is a library's annual survey figures.
type StatsSurveyReport struct {
	Agency     ill.AgencyID
	FiscalYear stats.Period
	StartYear  int
	Location   *time.Location
	Lines      []stats.SurveyLine
	Branches   []string // the partners left out as branches of the institution
}

// StatsSurvey computes the ARL and ACRL/IPEDS interlibrary loan lines for
// the fiscal year that starts in startYear (0: the last whole fiscal
// year). Returns Forbidden without the statistics permission, Invalid for
// a year before 1990 or after next year.
func (a *App) StatsSurvey(ctx context.Context, actor ill.Actor, agency ill.AgencyID, startYear int) (*StatsSurveyReport, error) {
	if err := requireAgency(actor, agency, ill.PermStats); err != nil {
		return nil, err
	}
	loc := a.AgencyLocation(ctx, agency)
	fy, err := settings.FiscalSetting.Get(ctx, a.DB, agency)
	if err != nil {
		return nil, err
	}
	fs := stats.FiscalStart{Month: time.Month(fy.StartMonth), Day: fy.StartDay}
	now := a.Clock.Now().In(loc)
	if startYear == 0 {
		last, _ := stats.PeriodFor(stats.LastFiscalYear, now, loc, fs)
		startYear = last.From.Year()
	}
	if startYear < 1990 || startYear > now.Year()+1 {
		return nil, ill.E(ill.Invalid, "choose a fiscal year between 1990 and next year", map[string]string{"year": "1990 to next year"})
	}
	set, err := StatsSetting.Get(ctx, a.DB, agency)
	if err != nil {
		return nil, err
	}
	p := stats.FiscalYear(startYear, loc, fs)
	var js []stats.Journey
	err = a.read(ctx, func(tx *store.Tx) error {
		info, err := tx.Agency().GetStatsAgency(agency)
		if err != nil {
			return err
		}
		facts, err := tx.Agency().StatsFacts(agency, p, info.MaxLife)
		for _, f := range facts {
			js = append(js, f.Journey)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	branch := func(a ill.AgencyID) bool {
		for _, b := range set.SameInstitution {
			if ill.AgencyID(b) == a {
				return true
			}
		}
		return false
	}
	return &StatsSurveyReport{Agency: agency, FiscalYear: p, StartYear: startYear, Location: loc, Lines: stats.Survey(js, p, branch),
		Branches: set.SameInstitution}, nil
}
