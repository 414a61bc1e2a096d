package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/stats"
)

// measuresData is the detailed measures page.
type measuresData struct {
	Header  statsHeader
	Sides   []sideTables
	Balance chartTable
	Money   []chartTable
}

// sideTables are one side's tables.
type sideTables struct {
	ID, Title string
	Summary   chartTable
	Tables    []chartTable
}

// keyLabel translates a breakdown key: "(none)" and known codes are
// words, anything else is data.
func keyLabel(p *Page, prefix, key string) (string, bool) {
	if key == stats.None || key == "" {
		return p.T("stats.key.none"), false
	}
	if prefix != "" {
		k := prefix + key
		if p.catalog.Has(k) {
			return p.T(k), false
		}
	}
	return key, true
}

// countTable is a breakdown as a table.
func countTable(p *Page, caption, col string, cs []stats.Count, prefix string) chartTable {
	t := chartTable{Caption: caption, Head: []string{col, p.T("stats.col.requests")}, Data: []bool{false, false}}
	for _, c := range cs {
		lbl, data := keyLabel(p, prefix, c.Key)
		if data {
			t.Data[0] = true
		}
		t.Rows = append(t.Rows, []string{lbl, p.Number(c.N)})
	}
	return t
}

// reasonTable lists why requests went unfilled or were left out.
func reasonTable(p *Page, caption string, cs []stats.Count) chartTable {
	t := chartTable{Caption: caption, Head: []string{p.T("stats.col.reason"), p.T("stats.col.code"), p.T("stats.col.requests")}, NumFrom: 2, Data: []bool{false, true, false}}
	for _, c := range cs {
		reason, code, _ := strings.Cut(c.Key, ":")
		t.Rows = append(t.Rows, []string{p.T("stats.reason." + reason), code, p.Number(c.N)})
	}
	return t
}

func turnaroundTable(p *Page, sm stats.SideMeasures, stages []stats.Stage) chartTable {
	t := chartTable{Caption: p.T("stats.measures.turnaround"), Head: []string{p.T("stats.col.stage"), p.T("stats.col.n"),
		p.T("stats.col.median"), p.T("stats.col.p90"), p.T("stats.col.mean"), p.T("stats.col.bmedian"), p.T("stats.col.bp90"), p.T("stats.col.bmean")}, Wide: true}
	for _, s := range stages {
		c, ok := sm.Turnaround[s]
		if !ok {
			t.Rows = append(t.Rows, []string{p.T("stats.stage." + string(s)), "0", "", "", "", "", "", ""})
			continue
		}
		b := sm.Business[s]
		t.Rows = append(t.Rows, []string{p.T("stats.stage." + string(s)), p.Number(c.N), hoursText(p, c.Median), hoursText(p, c.P90), hoursText(p, c.Mean),
			hoursText(p, b.Median), hoursText(p, b.P90), hoursText(p, b.Mean)})
	}
	return t
}

func sideTablesOf(p *Page, sm stats.SideMeasures) sideTables {
	side := string(sm.Side)
	st := sideTables{ID: side, Title: p.T("stats.side." + side)}
	st.Summary = chartTable{Caption: p.T("stats.measures.summary"), Head: []string{p.T("stats.col.figure"), p.T("stats.col.value")}}
	add := func(key string, v string) { st.Summary.Rows = append(st.Summary.Rows, []string{p.T(key), v}) }
	add("stats.m.received", p.Number(sm.Received))
	add("stats.m.filled", p.Number(sm.Rate.Filled))
	add("stats.m.unfilled", p.Number(sm.Rate.Unfilled))
	if sm.Side == ill.Borrowing {
		add("stats.m.excluded", p.Number(sm.Rate.Excluded))
	}
	add("stats.m.undecided", p.Number(sm.Rate.Open))
	add("stats.m.fillrate", percent(p, sm.Rate.Value))
	add("stats.m.openatend", p.Number(sm.OpenAtEnd))
	add("stats.m.renewals", p.Number(sm.Renewals))
	add("stats.m.overdue", p.Number(sm.Overdue))
	add("stats.m.lost", p.Number(sm.Lost))
	st.Tables = append(st.Tables,
		countTable(p, p.T("stats.measures.byservice"), p.T("stats.col.service"), sm.ByService, "stats.service."),
		countTable(p, p.T("stats.measures.bylevel"), p.T("stats.col.level"), sm.ByLevel, ""),
	)
	if sm.Side == ill.Borrowing {
		st.Tables = append(st.Tables,
			countTable(p, p.T("stats.measures.bycategory"), p.T("stats.col.category"), sm.ByCategory, ""),
			countTable(p, p.T("stats.measures.bydepartment"), p.T("stats.col.department"), sm.ByDepartment, ""))
	}
	st.Tables = append(st.Tables, countTable(p, p.T("stats.measures.bypartner"), p.T("stats.col.partner"), sm.ByPartner, ""))
	out := chartTable{Caption: p.T("stats.measures.outcomes"), Head: []string{p.T("stats.col.partner"), p.T("stats.col.filled"), p.T("stats.col.unfilled"), p.T("stats.col.fillrate")},
		Data: []bool{false}}
	for _, o := range sm.Outcomes {
		lbl, data := keyLabel(p, "", string(o.Partner))
		if data {
			out.Data[0] = true
		}
		out.Rows = append(out.Rows, []string{lbl, p.Number(o.Filled), p.Number(o.Unfilled), percent(p, ratio(o.Filled, o.Filled+o.Unfilled))})
	}
	st.Tables = append(st.Tables, out, reasonTable(p, p.T("stats.measures.unfilled"), sm.Unfilled))
	if sm.Side == ill.Borrowing {
		st.Tables = append(st.Tables, reasonTable(p, p.T("stats.measures.excluded"), sm.Excluded))
	}
	stages := stats.LendingStages
	if sm.Side == ill.Borrowing {
		stages = stats.BorrowingStages
	}
	st.Tables = append(st.Tables, turnaroundTable(p, sm, stages))
	return st
}

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

func (h *Handler) statsMeasures(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "stats.measures.title")
	q, err := h.statsQuery(r, p)
	if err != nil {
		return err
	}
	d, err := h.app.StatsDashboard(r.Context(), actor(r), q)
	if err != nil {
		return statsError(p, err)
	}
	data := measuresOf(p, d)
	data.Header = h.statsHeaderFor(r, p, d.StatsScope, q)
	for _, t := range data.tables() {
		t.CSV = statsHref("/stats/table/"+t.ID+".csv", data.Header.Query)
	}
	p.Data = data
	h.render(w, r, http.StatusOK, "stats_measures", p)
	return nil
}

// tables lists the page's tables (to name them and find them by name).
func (m *measuresData) tables() []*chartTable {
	var out []*chartTable
	for i := range m.Sides {
		s := &m.Sides[i]
		out = append(out, &s.Summary)
		for k := range s.Tables {
			out = append(out, &s.Tables[k])
		}
	}
	out = append(out, &m.Balance)
	for i := range m.Money {
		out = append(out, &m.Money[i])
	}
	return out
}

// measuresOf builds the measures page's tables, each with its ID.
func measuresOf(p *Page, d *app.StatsDashboard) measuresData {
	var data measuresData
	data.Sides = []sideTables{sideTablesOf(p, d.Current.Borrowing), sideTablesOf(p, d.Current.Lending)}
	data.Balance = chartTable{Caption: p.T("stats.measures.balance"), Head: []string{p.T("stats.col.partner"), p.T("stats.col.borrowed"), p.T("stats.col.lent"), p.T("stats.col.net")},
		Data: []bool{true}}
	for _, b := range d.Current.Balance {
		data.Balance.Rows = append(data.Balance.Rows, []string{string(b.Partner), p.Number(b.Borrowed), p.Number(b.Lent), strconv.Itoa(b.Net())})
	}
	m := d.Current.Money
	sums := chartTable{Caption: p.T("stats.measures.money"), Head: []string{p.T("stats.col.figure"), p.T("stats.col.currency"), p.T("stats.col.amount")}, NumFrom: 2, Data: []bool{false, true}}
	for _, x := range []struct {
		key string
		as  []stats.Amount
	}{{"stats.m.spend", m.Spend}, {"stats.m.income", m.Income}, {"stats.m.costper", m.CostPerFilled}} {
		for _, a := range x.as {
			sums.Rows = append(sums.Rows, []string{p.T(x.key), a.Currency, p.Money(a.Minor, a.Currency)})
		}
	}
	types := chartTable{Caption: p.T("stats.measures.bytype"), Head: []string{p.T("stats.col.type"), p.T("stats.col.direction"), p.T("stats.col.currency"), p.T("stats.col.amount")},
		NumFrom: 3, Data: []bool{false, false, true}}
	for _, t := range m.ByType {
		dir := "stats.m.income"
		if t.Spend {
			dir = "stats.m.spend"
		}
		types.Rows = append(types.Rows, []string{p.T("stats.charge." + t.Type), p.T(dir), t.Currency, p.Money(t.Minor, t.Currency)})
	}
	data.Money = []chartTable{sums, types}
	data.Balance.ID = "measures-balance"
	data.Money[0].ID, data.Money[1].ID = "measures-money", "measures-charges"
	for i := range data.Sides {
		s := &data.Sides[i]
		s.Summary.ID = "measures-" + s.ID + "-summary"
		for k := range s.Tables {
			s.Tables[k].ID = "measures-" + s.ID + "-" + strconv.Itoa(k+1)
		}
	}
	return data
}

// lendersData is the scorecards page.
type lendersData struct {
	Header statsHeader
	Scores chartTable
}

func (h *Handler) statsLenders(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "stats.lenders.title")
	q, err := h.statsQuery(r, p)
	if err != nil {
		return err
	}
	d, err := h.app.StatsDashboard(r.Context(), actor(r), q)
	if err != nil {
		return statsError(p, err)
	}
	data := lendersData{Header: h.statsHeaderFor(r, p, d.StatsScope, q)}
	data.Scores = scoreTable(p, d.Current.Scores)
	data.Scores.CSV = statsHref("/stats/table/"+data.Scores.ID+".csv", data.Header.Query)
	p.Data = data
	h.render(w, r, http.StatusOK, "stats_lenders", p)
	return nil
}

func scoreTable(p *Page, scores []stats.LenderScore) chartTable {
	t := chartTable{Caption: p.T("stats.lenders.title"), Head: []string{p.T("stats.col.lender"), p.T("stats.col.service"), p.T("stats.col.tries"), p.T("stats.col.filled"),
		p.T("stats.col.fillrate"), p.T("stats.col.tmedian"), p.T("stats.col.tp90"), p.T("stats.col.amedian")}, NumFrom: 2, Data: []bool{true}, ID: "lenders"}
	opt := func(s stats.Summary) string {
		if s.N == 0 {
			return p.T("stats.none")
		}
		return hoursText(p, s.Median)
	}
	for _, s := range scores {
		p90 := p.T("stats.none")
		if s.Turnaround.N > 0 {
			p90 = hoursText(p, s.Turnaround.P90)
		}
		t.Rows = append(t.Rows, []string{string(s.Lender), p.T("stats.service." + string(s.Service)), p.Number(s.Tries), p.Number(s.Filled),
			percent(p, s.FillRate), opt(s.Turnaround), p90, opt(s.Answer)})
	}
	return t
}

// collectionData is the collection report page.
type collectionData struct {
	Header      statsHeader
	MinRequests int
	Titles      chartTable
	Candidates  chartTable
	Subjects    chartTable
	Departments chartTable
	Matrix      chartTable
	Currency    string
}

func (h *Handler) statsCollection(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "stats.collection.title")
	q, err := h.statsQuery(r, p)
	if err != nil {
		return err
	}
	c, err := h.app.StatsCollection(r.Context(), actor(r), q)
	if err != nil {
		return statsError(p, err)
	}
	data := collectionOf(p, c)
	data.Header = h.statsHeaderFor(r, p, c.StatsScope, q)
	for _, t := range data.tables() {
		t.CSV = statsHref("/stats/table/"+t.ID+".csv", data.Header.Query)
	}
	p.Data = data
	h.render(w, r, http.StatusOK, "stats_collection", p)
	return nil
}

// collectionOf builds the collection report's tables, each with its ID.
func collectionOf(p *Page, c *app.StatsCollectionReport) collectionData {
	data := collectionData{MinRequests: c.Options.MinRequests, Currency: c.Options.Currency}
	data.Titles, data.Candidates = collectionTables(p, c)
	data.Subjects = countTable(p, p.T("stats.collection.subjects"), p.T("stats.col.subject"), c.Subjects, "")
	data.Departments = countTable(p, p.T("stats.collection.departments"), p.T("stats.col.department"), c.Departments, "")
	data.Matrix = matrixTable(p, c.Collection)
	data.Titles.ID, data.Candidates.ID, data.Subjects.ID = "collection-titles", "collection-buy", "collection-subjects"
	data.Departments.ID, data.Matrix.ID = "collection-departments", "collection-matrix"
	return data
}

// tables lists the report's tables.
func (c *collectionData) tables() []*chartTable {
	return []*chartTable{&c.Candidates, &c.Titles, &c.Subjects, &c.Departments, &c.Matrix}
}

func collectionTables(p *Page, c *app.StatsCollectionReport) (chartTable, chartTable) {
	cy := c.Options.Currency
	titles := chartTable{Caption: p.T("stats.collection.titles", c.Options.MinRequests), Head: []string{p.T("stats.col.title"), p.T("stats.col.author"),
		p.T("stats.col.identifier"), p.T("stats.col.year"), p.T("stats.col.subject"), p.T("stats.col.requests"), p.T("stats.col.filled"), p.T("stats.col.departments")},
		NumFrom: 5, Data: []bool{true, true, true, true, true, false, false, true}}
	ident := func(d stats.TitleDemand) string {
		if d.ISBN != "" {
			return d.ISBN
		}
		return d.ISSN
	}
	year := func(y int) string {
		if y == 0 {
			return ""
		}
		return strconv.Itoa(y)
	}
	depts := func(cs []stats.Count) string {
		var parts []string
		for _, c := range cs {
			k := c.Key
			if k == stats.None {
				k = "–"
			}
			parts = append(parts, k+" "+strconv.Itoa(c.N))
		}
		return strings.Join(parts, ", ")
	}
	for _, d := range c.Titles {
		titles.Rows = append(titles.Rows, []string{d.Title, d.Author, ident(d), year(d.PubYear), d.Subject, p.Number(d.Requests), p.Number(d.Filled), depts(d.Departments)})
	}
	cand := chartTable{Caption: p.T("stats.collection.buy"), Head: []string{p.T("stats.col.title"), p.T("stats.col.identifier"), p.T("stats.col.requests"),
		p.T("stats.col.illcost"), p.T("stats.col.price"), p.T("stats.col.saving"), p.T("stats.col.recent"), p.T("stats.col.because")},
		NumFrom: 2, Data: []bool{true, true}}
	for _, b := range c.Candidates {
		recent := ""
		if b.Recent {
			recent = p.T("stats.yes")
		}
		var why []string
		for _, r := range b.Because {
			why = append(why, p.T("stats.because."+r))
		}
		cand.Rows = append(cand.Rows, []string{b.Title, ident(b.TitleDemand), p.Number(b.Requests), p.Money(b.ILLCost, cy), p.Money(b.Price, cy),
			p.Money(b.Saving, cy), recent, strings.Join(why, ", ")})
	}
	return titles, cand
}

// matrixTable pivots demand by subject (rows) and department (columns).
func matrixTable(p *Page, c stats.Collection) chartTable {
	var depts []string
	for _, d := range c.Departments {
		depts = append(depts, d.Key)
	}
	t := chartTable{Caption: p.T("stats.collection.matrix"), Head: []string{p.T("stats.col.subject")}, Data: []bool{true}}
	for _, d := range depts {
		lbl, _ := keyLabel(p, "", d)
		t.Head = append(t.Head, lbl)
	}
	cell := map[[2]string]int{}
	for _, m := range c.Matrix {
		cell[[2]string{m.Subject, m.Department}] = m.N
	}
	for _, s := range c.Subjects {
		lbl, _ := keyLabel(p, "", s.Key)
		row := []string{lbl}
		for _, d := range depts {
			n := cell[[2]string{s.Key, d}]
			if n == 0 {
				row = append(row, "")
			} else {
				row = append(row, p.Number(n))
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// surveyData is the annual survey page.
type surveyData struct {
	Tabs     []statsTab
	Years    []statsOption
	YearText string
	Lines    []surveyLine
	Branches []string
}

// surveyLine is one line of the survey with its definition and query.
type surveyLine struct {
	Survey, Key, Label, Definition, Value, Query string
}

func (h *Handler) statsSurvey(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "stats.survey.title")
	year := 0
	if s := r.URL.Query().Get("year"); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil {
			return ill.E(ill.Invalid, p.T("stats.err.year"))
		}
		year = y
	}
	rep, err := h.app.StatsSurvey(r.Context(), actor(r), p.Agency, year)
	if err != nil {
		if ill.KindOf(err) == ill.Invalid {
			return ill.E(ill.Invalid, p.T("stats.err.year"), err)
		}
		return statsError(p, err)
	}
	data := surveyData{Branches: rep.Branches}
	for _, t := range statsTabs {
		data.Tabs = append(data.Tabs, statsTab{Href: t.Href, Key: t.Key, Current: t.Href == r.URL.Path})
	}
	now := h.app.Clock.Now().In(rep.Location).Year()
	for y := now; y >= now-6; y-- {
		data.Years = append(data.Years, statsOption{Value: strconv.Itoa(y), Label: p.T("stats.survey.fy", y, (y+1)%100), Selected: y == rep.StartYear})
	}
	last := rep.FiscalYear.To.Add(-time.Nanosecond)
	data.YearText = p.T("stats.range", p.format.Date(rep.FiscalYear.From, rep.Location), p.format.Date(last, rep.Location))
	for _, l := range rep.Lines {
		survey := p.T("stats.survey.notes")
		if l.Survey != stats.SurveyNotes {
			survey = l.Survey
		}
		data.Lines = append(data.Lines, surveyLine{Survey: survey, Key: l.Key, Label: p.T("stats.survey." + l.Key + ".label"),
			Definition: p.T("stats.survey." + l.Key + ".def"), Value: p.Number(l.Value), Query: l.Query})
	}
	p.Data = data
	h.render(w, r, http.StatusOK, "stats_survey", p)
	return nil
}
