package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/stats"
)

// The statistics pages: the dashboard (headline figures with their trend,
// charts with their tables and CSV), the detailed measures, the lenders'
// scorecards, the collection report, the annual survey and the exports.
// Staff with the statistics permission see their library's figures;
// consortium administrators may widen the view to the consortium.
func init() {
	addNav(navEntry{order: 50, key: "stats.nav", href: "/stats", shortcut: "g s", perm: ill.PermStats})
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("GET /stats", h.requirePerm(ill.PermStats, h.statsDashboard))
		handle("GET /stats/measures", h.requirePerm(ill.PermStats, h.statsMeasures))
		handle("GET /stats/lenders", h.requirePerm(ill.PermStats, h.statsLenders))
		handle("GET /stats/collection", h.requirePerm(ill.PermStats, h.statsCollection))
		handle("GET /stats/survey", h.requirePerm(ill.PermStats, h.statsSurvey))
		handle("GET /stats/export", h.requirePerm(ill.PermStats, h.statsExportPage))
		handle("GET /stats/export/requests.csv", h.requirePerm(ill.PermStats, h.statsExportRequests))
		handle("GET /stats/export/events.csv", h.requirePerm(ill.PermStats, h.statsExportEvents))
		handle("GET /stats/chart/{chart}", h.requirePerm(ill.PermStats, h.statsChartCSV))
	})
}

// statsTabs are the statistics pages, in the order of their tabs.
var statsTabs = []struct{ Href, Key string }{
	{"/stats", "stats.tab.dashboard"}, {"/stats/measures", "stats.tab.measures"}, {"/stats/lenders", "stats.tab.lenders"},
	{"/stats/collection", "stats.tab.collection"}, {"/stats/survey", "stats.tab.survey"}, {"/stats/export", "stats.tab.export"},
}

// statsTab is one tab of the statistics pages.
type statsTab struct {
	Href, Key string
	Current   bool
}

// statsOption is a choice of a select.
type statsOption struct {
	Value, Label string
	Selected     bool
}

// statsHeader is what every statistics page shows above its content: the
// tabs, the period form and what the figures cover.
type statsHeader struct {
	Tabs          []statsTab
	Presets       []statsOption
	From, To      string // the form's dates
	Custom        bool
	Consortium    bool
	CanConsortium bool
	Query         string // the period's query string, for links
	Scope         string // the library, or the libraries of the consortium
	PeriodText    string
	PreviousText  string
	AsOf          string
}

// statsQuery reads the period and scope from a request's query.
func (h *Handler) statsQuery(r *http.Request, p *Page) (app.StatsQuery, error) {
	v := r.URL.Query()
	q := app.StatsQuery{Agency: p.Agency, Preset: stats.Preset(v.Get("period")), Consortium: v.Get("scope") == "consortium"}
	if q.Agency == "" && canConsortium(actor(r)) {
		q.Consortium = true
	}
	if q.Preset == "custom" || v.Get("from") != "" || v.Get("to") != "" {
		q.Preset = ""
		from, err1 := time.Parse(time.DateOnly, v.Get("from"))
		to, err2 := time.Parse(time.DateOnly, v.Get("to"))
		if err1 != nil || err2 != nil {
			return q, ill.E(ill.Invalid, p.T("stats.err.dates"))
		}
		q.From, q.To = from, to
	}
	return q, nil
}

// canConsortium reports whether the actor may look at a consortium view.
func canConsortium(a ill.Actor) bool {
	return a.Grants.IsOperator() || slices.ContainsFunc(a.Grants, func(g ill.Grant) bool { return g.Role == ill.RoleConsortiumAdmin })
}

// statsError turns an app error on a statistics page into its message in
// the page's language where the app's words are English.
func statsError(p *Page, err error) error {
	switch ill.KindOf(err) {
	case ill.Invalid:
		return ill.E(ill.Invalid, p.T("stats.err.period"), err)
	case ill.Forbidden:
		return ill.E(ill.Forbidden, p.T("stats.err.forbidden"), err)
	}
	return err
}

// header builds the page header for a resolved scope.
func (h *Handler) statsHeaderFor(r *http.Request, p *Page, sc app.StatsScope, q app.StatsQuery) statsHeader {
	hd := statsHeader{Consortium: sc.Consortium, CanConsortium: canConsortium(actor(r))}
	query := url.Values{}
	if sc.Preset != "" {
		query.Set("period", string(sc.Preset))
	} else {
		hd.Custom = true
		query.Set("from", q.From.Format(time.DateOnly))
		query.Set("to", q.To.Format(time.DateOnly))
	}
	if sc.Consortium {
		query.Set("scope", "consortium")
	}
	hd.Query = query.Encode()
	for _, t := range statsTabs {
		hd.Tabs = append(hd.Tabs, statsTab{Href: statsHref(t.Href, hd.Query), Key: t.Key, Current: t.Href == r.URL.Path})
	}
	for _, pr := range stats.Presets {
		hd.Presets = append(hd.Presets, statsOption{Value: string(pr), Label: p.T("stats.period." + string(pr)), Selected: pr == sc.Preset})
	}
	hd.Presets = append(hd.Presets, statsOption{Value: "custom", Label: p.T("stats.period.custom"), Selected: sc.Preset == ""})
	last := sc.Period.To.Add(-time.Nanosecond)
	hd.From, hd.To = sc.Period.From.In(sc.Location).Format(time.DateOnly), last.In(sc.Location).Format(time.DateOnly)
	hd.PeriodText = p.T("stats.range", p.format.Date(sc.Period.From, sc.Location), p.format.Date(last, sc.Location))
	if sc.Consortium {
		hd.Scope = p.Tn("stats.scope.consortium", len(sc.Agencies))
	} else {
		hd.Scope = p.T("stats.scope.agency", p.AgencyName)
	}
	return hd
}

// dashboardData is the dashboard page.
type dashboardData struct {
	Header       statsHeader
	Headlines    []headline
	HeadlinesCSV string
	Charts       []*svgChart
	PerAgency    []agencyHeadline
}

// headline is one figure with its trend against the previous period.
type headline struct {
	Label, Value, Previous string
	PrevValue              string // the previous period's value alone
	Trend                  string // up, down or flat
	TrendText              string // read out: "up 12% from 40"
	Class                  string // good, bad or neutral: whether the move is welcome
	Hint                   string
}

// agencyHeadline is one library's line in the consortium view.
type agencyHeadline struct {
	Agency                           ill.AgencyID
	Borrowing, Lending, BFill, LFill string
}

func (h *Handler) statsDashboard(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "stats.title")
	q, err := h.statsQuery(r, p)
	if err != nil {
		return err
	}
	d, err := h.app.StatsDashboard(r.Context(), actor(r), q)
	if err != nil {
		return statsError(p, err)
	}
	data := dashboardData{Header: h.statsHeaderFor(r, p, d.StatsScope, q)}
	data.Header.PreviousText = p.T("stats.range", p.format.Date(d.Previous.From, d.Location), p.format.Date(d.Previous.To.Add(-time.Nanosecond), d.Location))
	if d.AsOf.IsZero() {
		data.Header.AsOf = p.T("stats.asof.never")
	} else {
		data.Header.AsOf = p.T("stats.asof", p.DateTime(d.AsOf))
	}
	data.Headlines = headlines(p, d)
	data.HeadlinesCSV = statsHref("/stats/chart/headlines.csv", data.Header.Query)
	data.Charts = dashboardCharts(p, d, data.Header.Query)
	for _, l := range d.PerAgency {
		data.PerAgency = append(data.PerAgency, agencyHeadline{Agency: l.Agency, Borrowing: p.Number(l.Borrowing.Received), Lending: p.Number(l.Lending.Received),
			BFill: percent(p, l.Borrowing.Rate.Value), LFill: percent(p, l.Lending.Rate.Value)})
	}
	p.Data = data
	h.render(w, r, http.StatusOK, "stats_dashboard", p)
	return nil
}

// percent writes a share as a percentage with one decimal ("—" for none).
func percent(p *Page, v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return p.T("stats.none")
	}
	return p.T("stats.percent", p.format.Decimal(100*v, 1))
}

// hoursText writes a duration in hours with one decimal.
func hoursText(p *Page, d time.Duration) string {
	return p.T("stats.hours", p.format.Decimal(d.Hours(), 1))
}

// daysText writes a duration in days with one decimal.
func daysText(p *Page, d time.Duration) string {
	return p.T("stats.days", p.format.Decimal(d.Hours()/24, 1))
}

// mainAmount is the amount in the report's currency (zero when none).
func mainAmount(as []stats.Amount, currency string) int64 {
	for _, a := range as {
		if a.Currency == currency {
			return a.Minor
		}
	}
	return 0
}

func headlines(p *Page, d *app.StatsDashboard) []headline {
	cur, pre := d.Current, d.Prior
	cy := d.Settings.Currency
	count := func(label string, c, prev int, higherIsGood bool, hint string) headline {
		return trend(p, label, float64(c), float64(prev), p.Number(c), p.Number(prev), higherIsGood, hint, func(v float64) string { return p.Number(int(v)) })
	}
	rate := func(label string, c, prev stats.Rate, hint string) headline {
		return trend(p, label, c.Value, prev.Value, percent(p, c.Value), percent(p, prev.Value), true, hint, func(v float64) string { return percent(p, v) })
	}
	wait := func(label string, c, prev stats.SideMeasures, s stats.Stage, hint string) headline {
		cs, ok1 := c.Turnaround[s]
		ps, ok2 := prev.Turnaround[s]
		cv, pv := math.NaN(), math.NaN()
		ct, pt := p.T("stats.none"), p.T("stats.none")
		if ok1 {
			cv, ct = cs.Median.Hours(), daysText(p, cs.Median)
		}
		if ok2 {
			pv, pt = ps.Median.Hours(), daysText(p, ps.Median)
		}
		return trend(p, label, cv, pv, ct, pt, false, hint, func(v float64) string { return daysText(p, time.Duration(v*float64(time.Hour))) })
	}
	money := func(label string, c, prev int64, hint string) headline {
		return trend(p, label, float64(c), float64(prev), p.Money(c, cy), p.Money(prev, cy), false, hint, func(v float64) string { return p.Money(int64(v), cy) })
	}
	return []headline{
		count(p.T("stats.head.borrowing"), cur.Borrowing.Received, pre.Borrowing.Received, true, p.T("stats.head.borrowing.hint")),
		count(p.T("stats.head.lending"), cur.Lending.Received, pre.Lending.Received, true, p.T("stats.head.lending.hint")),
		rate(p.T("stats.head.bfill"), cur.Borrowing.Rate, pre.Borrowing.Rate, p.T("stats.head.bfill.hint")),
		rate(p.T("stats.head.lfill"), cur.Lending.Rate, pre.Lending.Rate, p.T("stats.head.lfill.hint")),
		wait(p.T("stats.head.wait"), cur.Borrowing, pre.Borrowing, stats.SubmittedToFilled, p.T("stats.head.wait.hint")),
		wait(p.T("stats.head.copywait"), cur.Borrowing, pre.Borrowing, stats.SubmittedToDeliver, p.T("stats.head.copywait.hint")),
		wait(p.T("stats.head.supply"), cur.Lending, pre.Lending, stats.LenderShip, p.T("stats.head.supply.hint")),
		money(p.T("stats.head.spend"), mainAmount(cur.Money.Spend, cy), mainAmount(pre.Money.Spend, cy), p.T("stats.head.spend.hint")),
		money(p.T("stats.head.cost"), mainAmount(cur.Money.CostPerFilled, cy), mainAmount(pre.Money.CostPerFilled, cy), p.T("stats.head.cost.hint")),
		count(p.T("stats.head.open"), cur.Borrowing.OpenAtEnd+cur.Lending.OpenAtEnd, pre.Borrowing.OpenAtEnd+pre.Lending.OpenAtEnd, false, p.T("stats.head.open.hint")),
	}
}

// trend compares a figure with the previous period's.
func trend(p *Page, label string, cur, prev float64, curText, prevText string, higherIsGood bool, hint string, diffText func(float64) string) headline {
	hl := headline{Label: label, Value: curText, Previous: p.T("stats.previous", prevText), PrevValue: prevText, Trend: "flat", Class: "neutral", Hint: hint}
	switch {
	case math.IsNaN(cur) || math.IsNaN(prev):
		hl.TrendText = p.T("stats.trend.none")
	case cur == prev:
		hl.TrendText = p.T("stats.trend.same")
	default:
		up := cur > prev
		hl.Trend = map[bool]string{true: "up", false: "down"}[up]
		if up == higherIsGood {
			hl.Class = "good"
		} else {
			hl.Class = "bad"
		}
		diff := diffText(math.Abs(cur - prev))
		if up {
			hl.TrendText = p.T("stats.trend.up", diff)
		} else {
			hl.TrendText = p.T("stats.trend.down", diff)
		}
		if prev != 0 {
			hl.TrendText = p.T("stats.trend.rel", hl.TrendText, p.format.Decimal(100*math.Abs(cur-prev)/math.Abs(prev), 0))
		}
	}
	return hl
}

// dashboardCharts builds the five charts with their tables.
func dashboardCharts(p *Page, d *app.StatsDashboard, query string) []*svgChart {
	csv := func(name string) string { return "/stats/chart/" + name + ".csv?" + query }
	side := func(s ill.Side) string { return p.T("stats.side." + string(s)) }
	num := func(v float64) string { return p.Number(int(v)) }
	var charts []*svgChart

	// Requests received per week.
	var cats []string
	b, l := chartSeries{Label: side(ill.Borrowing), Class: "s-borrowing"}, chartSeries{Label: side(ill.Lending), Class: "s-lending"}
	tbl := chartTable{Caption: p.T("stats.chart.weekly"), Head: []string{p.T("stats.col.week"), side(ill.Borrowing), side(ill.Lending)}}
	every := max(1, len(d.Weeks)/6)
	for i, w := range d.Weeks {
		lbl := ""
		if i%every == 0 {
			lbl = p.format.Date(w.Start, d.Location)
		}
		cats = append(cats, lbl)
		b.Values, l.Values = append(b.Values, float64(w.Borrowing)), append(l.Values, float64(w.Lending))
		tbl.Rows = append(tbl.Rows, []string{p.format.Date(w.Start, d.Location), p.Number(w.Borrowing), p.Number(w.Lending)})
	}
	weekTitle := func(i int, s chartSeries, v float64) string {
		return p.T("stats.chart.weekly.bar", s.Label, p.format.Date(d.Weeks[i].Start, d.Location), p.Number(int(v)))
	}
	c := groupedBars("weekly", p.T("stats.chart.weekly"), p.T("stats.chart.weekly.desc"), cats, []chartSeries{b, l}, weekTitle, num)
	c.Table, c.CSV = tbl, csv("weekly")
	charts = append(charts, c)

	// How long the wait was: the patron's (borrowing), the borrower's
	// (lending).
	bw, lw := chartSeries{Label: p.T("stats.chart.wait.patron"), Class: "s-borrowing"}, chartSeries{Label: p.T("stats.chart.wait.supply"), Class: "s-lending"}
	tbl = chartTable{Caption: p.T("stats.chart.wait"), Head: []string{p.T("stats.col.days"), bw.Label, lw.Label}}
	cats = nil
	for i := range d.Current.Borrowing.Wait {
		lbl := waitBucketLabel(p, i)
		cats = append(cats, lbl)
		bw.Values = append(bw.Values, float64(d.Current.Borrowing.Wait[i]))
		lw.Values = append(lw.Values, float64(d.Current.Lending.Wait[i]))
		tbl.Rows = append(tbl.Rows, []string{lbl, p.Number(d.Current.Borrowing.Wait[i]), p.Number(d.Current.Lending.Wait[i])})
	}
	waitTitle := func(i int, s chartSeries, v float64) string {
		return p.T("stats.chart.wait.bar", s.Label, cats[i], p.Number(int(v)))
	}
	c = groupedBars("wait", p.T("stats.chart.wait"), p.T("stats.chart.wait.desc"), cats, []chartSeries{bw, lw}, waitTitle, num)
	c.Table, c.CSV = tbl, csv("wait")
	charts = append(charts, c)

	// Fill rate by lender: the scorecards of the period, busiest first.
	scores := slices.Clone(d.Current.Scores)
	slices.SortStableFunc(scores, func(x, y stats.LenderScore) int { return y.Tries - x.Tries })
	if len(scores) > 12 {
		scores = scores[:12]
	}
	var labels, texts []string
	var values []float64
	tbl = chartTable{Caption: p.T("stats.chart.partners"), Head: []string{p.T("stats.col.lender"), p.T("stats.col.service"), p.T("stats.col.tries"), p.T("stats.col.filled"), p.T("stats.col.fillrate")}}
	for _, s := range scores {
		lbl := string(s.Lender) + " · " + p.T("stats.service."+string(s.Service))
		labels, values, texts = append(labels, lbl), append(values, s.FillRate), append(texts, percent(p, s.FillRate))
		tbl.Rows = append(tbl.Rows, []string{string(s.Lender), p.T("stats.service." + string(s.Service)), p.Number(s.Tries), p.Number(s.Filled), percent(p, s.FillRate)})
	}
	c = hBars("partners", p.T("stats.chart.partners"), p.T("stats.chart.partners.desc"), labels, values, 1, texts, "s-borrowing")
	c.Table, c.CSV = tbl, csv("partners")
	charts = append(charts, c)

	// Requests by state now.
	labels, values, texts = nil, nil, nil
	tbl = chartTable{Caption: p.T("stats.chart.states"), Head: []string{p.T("stats.col.side"), p.T("stats.col.state"), p.T("stats.col.requests")}}
	most := 0
	for _, s := range d.States {
		most = max(most, s.N)
	}
	for _, s := range d.States {
		lbl := side(s.Side) + " · " + p.T("state."+string(s.Side)+"."+string(s.State))
		labels, values, texts = append(labels, lbl), append(values, float64(s.N)), append(texts, p.Number(s.N))
		tbl.Rows = append(tbl.Rows, []string{side(s.Side), p.T("state." + string(s.Side) + "." + string(s.State)), p.Number(s.N)})
	}
	top, _ := niceScale(float64(most))
	c = hBars("states", p.T("stats.chart.states"), p.T("stats.chart.states.desc"), labels, values, top, texts, "s-state")
	c.Table, c.CSV = tbl, csv("states")
	charts = append(charts, c)

	// The seasons: requests received by month of the academic year.
	cats = nil
	start := d.Settings.AcademicYearStart
	for k := range 12 {
		cats = append(cats, p.T(fmt.Sprintf("stats.month.%d", (start-1+k)%12+1)))
	}
	var series []chartSeries
	tbl = chartTable{Caption: p.T("stats.chart.seasons"), Head: []string{p.T("stats.col.month")}}
	for i, s := range d.Seasons {
		cs := chartSeries{Label: p.T("stats.season", s.Year, (s.Year+1)%100), Class: fmt.Sprintf("s-year%d", i)}
		for k := range 12 {
			v := float64(s.Borrowing[k] + s.Lending[k])
			if k >= s.Begun {
				v = math.NaN() // still to come: no point, no line
			}
			cs.Values = append(cs.Values, v)
		}
		series = append(series, cs)
		tbl.Head = append(tbl.Head, cs.Label+" · "+side(ill.Borrowing), cs.Label+" · "+side(ill.Lending))
	}
	for k := range 12 {
		row := []string{cats[k]}
		for _, s := range d.Seasons {
			if k >= s.Begun {
				row = append(row, "", "")
				continue
			}
			row = append(row, p.Number(s.Borrowing[k]), p.Number(s.Lending[k]))
		}
		tbl.Rows = append(tbl.Rows, row)
	}
	c = lineChart("seasons", p.T("stats.chart.seasons"), p.T("stats.chart.seasons.desc"), cats, series, num)
	c.Table, c.CSV = tbl, csv("seasons")
	charts = append(charts, c)
	return charts
}

// waitBucketLabel names a bucket of the wait histogram in days.
func waitBucketLabel(p *Page, i int) string {
	day := func(d time.Duration) int { return int(d / (24 * time.Hour)) }
	if i >= len(stats.WaitBuckets) {
		return p.T("stats.bucket.over", day(stats.WaitBuckets[len(stats.WaitBuckets)-1]))
	}
	lo := 0
	if i > 0 {
		lo = day(stats.WaitBuckets[i-1])
	}
	return p.T("stats.bucket", lo, day(stats.WaitBuckets[i]))
}

// statsHref joins a path and a query.
func statsHref(path, query string) string {
	if query == "" {
		return path
	}
	return path + "?" + strings.TrimPrefix(query, "?")
}
