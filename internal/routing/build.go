package routing

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"interlend/internal/calendar"
	"interlend/internal/catalog"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/marc"
)

// Plan is a built rota: the lenders in order with their reasons, and the
// candidates left out with theirs.
type Plan struct {
	Entries    []Entry    `json:"entries"`
	Excluded   []Excluded `json:"excluded,omitempty"`
	Prior      Prior      `json:"prior"`
	Candidates int        `json:"candidates"` // holders that passed the filters
	Holders    int        `json:"holders"`    // holders found
	At         time.Time  `json:"at"`
}

// Lenders lists the plan's lenders in order.
func (p Plan) Lenders() []ill.AgencyID {
	out := make([]ill.AgencyID, len(p.Entries))
	for i, e := range p.Entries {
		out[i] = e.Lender
	}
	return out
}

// Entry is one lender of the rota.
type Entry struct {
	Lender ill.AgencyID `json:"lender"`
	Score  float64      `json:"score"`
	Parts  Parts        `json:"parts"`
	// Reasons say why the lender is a candidate and what its score is
	// made of; Place why it is where it is.
	Reasons []Reason `json:"reasons"`
	Place   Reason   `json:"place"`
	// Capped is set when the lender is at its daily cap: it goes after
	// the others.
	Capped bool `json:"capped,omitempty"`
	// Deferred is set (to the closure) when the lender is closed now or a
	// closure takes more than Config.MaxClosureDays open days out of its
	// response window: it goes after every lender that can answer, and
	// out of the rota when those fill it.
	Deferred *Reason `json:"deferred,omitempty"`
}

// group orders entries: those that can answer, those at their daily cap,
// those closed.
func (e Entry) group() int {
	switch {
	case e.Deferred != nil:
		return 2
	case e.Capped:
		return 1
	}
	return 0
}

// Parts are the score's factors: Score = Speed × Match × Coverage × Cost
// × Tier × Load × Late.
type Parts struct {
	Estimate Estimate  `json:"estimate"`
	Window   float64   `json:"windowDays"` // response window, in days of real time
	Deadline time.Time `json:"deadline"`   // its end
	Lost     int       `json:"lostDays"`   // open days lost to closures in it
	Speed    float64   `json:"speed"`      // expected fills per day of waiting
	Match    float64   `json:"match"`
	Coverage float64   `json:"coverage"`
	Cost     float64   `json:"cost"`
	Charge   ill.Money `json:"charge,omitzero"` // in Config.Currency (or as stated when it could not be converted)
	Tier     int       `json:"tier"`            // 1 consortium, 2 reciprocal, 3 other
	TierF    float64   `json:"tierFactor"`
	Load     float64   `json:"load"`
	Late     float64   `json:"late"`
}

// Excluded is a holder left out of the rota, and why.
type Excluded struct {
	Lender ill.AgencyID `json:"lender"`
	Reason Reason       `json:"reason"`
}

// candidate is a holder being evaluated.
type candidate struct {
	id  ill.AgencyID
	h   catalog.Holding
	l   *Lender
	e   Entry
	out *Reason
}

// Build ranks the holders of what the request asks for (see the package
// documentation and docs/routing.md). It never fails: a holder it cannot
// use is listed in Excluded with the reason.
func Build(in Input) Plan {
	c := in.Config.WithDefaults()
	svc := in.Request.Service
	if svc == "" {
		svc = ill.Loan
	}
	idx := indexScores(in.Scores, svc)
	plan := Plan{Prior: idx.prior(c), Holders: len(in.Holdings), At: in.Now}
	var cands []*candidate
	for _, h := range in.Holdings {
		cd := &candidate{id: h.Agency, h: h, l: in.Lenders[h.Agency]}
		if r := in.filter(cd, svc, c); r != nil {
			plan.Excluded = append(plan.Excluded, Excluded{Lender: cd.id, Reason: *r})
			continue
		}
		in.score(cd, svc, idx, plan.Prior, c)
		if cd.out != nil {
			plan.Excluded = append(plan.Excluded, Excluded{Lender: cd.id, Reason: *cd.out})
			continue
		}
		cands = append(cands, cd)
	}
	plan.Candidates = len(cands)
	slices.SortStableFunc(cands, func(a, b *candidate) int {
		if x := cmp.Compare(a.e.group(), b.e.group()); x != 0 {
			return x
		}
		if x := cmp.Compare(b.e.Score, a.e.Score); x != 0 {
			return x
		}
		return cmp.Compare(a.id, b.id)
	})
	n := strconv.Itoa(len(cands))
	for i, cd := range cands {
		if i >= c.MaxLenders {
			r := why(OutRank, strconv.Itoa(i+1), n, strconv.Itoa(c.MaxLenders))
			if cd.e.Deferred != nil {
				r = *cd.e.Deferred
				r.Code = "out." + strings.TrimPrefix(r.Code, "closed.")
			}
			plan.Excluded = append(plan.Excluded, Excluded{Lender: cd.id, Reason: r})
			continue
		}
		switch {
		case cd.e.Deferred != nil:
			cd.e.Place = why(PlaceDeferred, strconv.Itoa(i+1), n)
		case cd.e.Capped:
			cd.e.Place = why(PlaceCapped, strconv.Itoa(cd.l.SentToday), strconv.Itoa(cd.l.Entry.Policy.DailyCap))
		case i == 0:
			cd.e.Place = why(PlaceFirst, n, score(cd.e.Score))
		default:
			above := cands[i-1]
			cd.e.Place = why(PlaceAfter, strconv.Itoa(i+1), n, score(cd.e.Score), string(above.id), score(above.e.Score))
		}
		plan.Entries = append(plan.Entries, cd.e)
	}
	return plan
}

// filter applies the hard rules; it returns why the holder is left out,
// or nil.
func (in *Input) filter(cd *candidate, svc ill.ServiceType, c Config) *Reason {
	out := func(code string, args ...string) *Reason { r := why(code, args...); return &r }
	req := in.Request
	if cd.id == req.Borrower {
		return out(OutSelf)
	}
	if cd.l == nil {
		return out(OutUnknown)
	}
	e := &cd.l.Entry
	if e.Status != "" && e.Status != directory.StatusActive {
		return out(OutStatus, string(e.Status))
	}
	if !e.Hosted && e.Endpoint.URL == "" {
		return out(OutEndpoint)
	}
	offers := offered(e, svc)
	if len(e.Services) > 0 && len(offers) == 0 {
		return out(OutService, string(svc))
	}
	format := req.Format
	if format == "" {
		format = req.Citation.PreferredFormat
	}
	if format != "" && len(offers) > 0 {
		var all []string
		ok := false
		for _, s := range offers {
			all = append(all, s.Formats...)
			ok = ok || len(s.Formats) == 0 || slices.ContainsFunc(s.Formats, func(f string) bool { return strings.EqualFold(f, format) })
		}
		if !ok {
			return out(OutFormat, format, strings.Join(all, ", "))
		}
	}
	if req.Electronic && svc == ill.Copy && len(offers) > 0 && !slices.ContainsFunc(offers, func(s directory.Service) bool { return s.Electronic }) {
		return out(OutElectronic)
	}
	tier, _ := TierOf(e, in.Borrower)
	switch {
	case c.Scope == ScopeGroups && tier > 2:
		return out(OutScope, string(c.Scope))
	case c.Scope == ScopeConsortium && tier > 1:
		return out(OutScope, string(c.Scope))
	}
	if cd.h.Err != nil && len(cd.h.Matches) == 0 {
		return out(OutHoldings, cd.h.Err.Error())
	}
	if len(cd.h.Matches) == 0 {
		return out(OutUnknown)
	}
	if r := coverage(cd, req.Citation, c); r != nil && strings.HasPrefix(r.Code, "out.") {
		return r
	}
	if svc == ill.Loan {
		itemized, lendable := false, false
		for _, m := range cd.h.Matches {
			itemized = itemized || m.Record.Counts.Items > 0
			lendable = lendable || m.Record.Counts.Lendable > 0 || m.Coverage == marc.MatchYes
		}
		if itemized && !lendable {
			return out(OutNotLendable)
		}
	}
	return nil
}

// offered lists the lender's services that can fill svc.
func offered(e *directory.Entry, svc ill.ServiceType) []directory.Service {
	var out []directory.Service
	for _, s := range e.Services {
		if string(s.Type) == string(svc) || svc == ill.CopyOrLoan && (s.Type == directory.ServiceLoan || s.Type == directory.ServiceCopy) {
			out = append(out, s)
		}
	}
	return out
}

// asked writes what a citation asks a serial for: "vol. 12 (2019)".
func asked(c ill.Citation) string {
	y, v := catalog.CitationYear(c), catalog.CitationVolume(c)
	switch {
	case v > 0 && y > 0:
		return fmt.Sprintf("vol. %d (%d)", v, y)
	case v > 0:
		return fmt.Sprintf("vol. %d", v)
	case y > 0:
		return strconv.Itoa(y)
	}
	return ""
}

// coverage judges a holding's serial coverage of the citation's year and
// volume: an out.coverage reason when no matching record covers it, a
// coverage.maybe reason (and factor) when the holdings cannot tell, a
// coverage.yes reason when they do, nil when it does not apply.
func coverage(cd *candidate, cit ill.Citation, c Config) *Reason {
	what := asked(cit)
	if what == "" {
		return nil
	}
	var statements []string
	hasData, serial, yes, unknown := false, false, false, false
	for _, m := range cd.h.Matches {
		cov := m.Record.Coverage
		serial = serial || m.Record.Format == marc.FormatSerial || len(m.Record.ISSNs) > 0
		if len(cov.Ranges) == 0 && len(cov.Statements) == 0 {
			continue
		}
		hasData = true
		statements = append(statements, cov.Statements...)
		switch m.Coverage {
		case marc.MatchYes:
			yes = true
		case marc.MatchUnknown:
			unknown = true
		}
	}
	r := func(code string, args ...string) *Reason { x := why(code, args...); return &x }
	switch {
	case yes:
		return r(WhyCoverageYes, what)
	case hasData && !unknown:
		return r(OutCoverage, strings.Join(statements, "; "), what)
	case hasData || serial && (cit.IsCopy() || cit.ISSN != ""):
		return r(WhyCoverageMaybe, what)
	}
	return nil
}

// TierOf is a lender's tier for a borrower: 1 when they share a
// consortium, 2 when they share a reciprocal group, 3 otherwise; group
// names the shared group.
func TierOf(lender, borrower *directory.Entry) (tier int, group string) {
	tier = 3
	if borrower == nil {
		return tier, ""
	}
	for _, la := range lender.Policy.Agreements {
		for _, ba := range borrower.Policy.Agreements {
			if !strings.EqualFold(la.Group, ba.Group) {
				continue
			}
			t := 2
			if la.Kind == directory.AgreementConsortium {
				t = 1
			}
			if t < tier || t == tier && group == "" {
				tier, group = t, la.Group
			}
		}
	}
	return tier, group
}

// score computes a candidate's score and reasons; it may still exclude it
// (a closure, the cost).
func (in *Input) score(cd *candidate, svc ill.ServiceType, idx scoreIndex, p Prior, c Config) {
	req, l := in.Request, cd.l
	e := Entry{Lender: cd.id}
	pt := &e.Parts
	add := func(code string, args ...string) { e.Reasons = append(e.Reasons, why(code, args...)) }

	// The match.
	best, _ := cd.h.Best()
	pt.Match = best.Score
	if best.By == catalog.ByTitle {
		add(WhyMatchTitle, pct(best.Score))
	} else {
		add(WhyMatchID, strings.ToUpper(string(best.By)))
	}
	pt.Coverage = 1
	if r := coverage(cd, req.Citation, c); r != nil {
		add(r.Code, r.Args...)
		if r.Code == WhyCoverageMaybe {
			pt.Coverage = c.UnknownCoverage
		}
	}
	if svc == ill.Loan {
		lendable, available := 0, 0
		for _, m := range cd.h.Matches {
			lendable += m.Record.Counts.Lendable
			available += m.Record.Counts.Available
		}
		if lendable > 0 && available == 0 {
			pt.Coverage *= c.OnLoan
			add(WhyOnLoan)
		}
	}

	// Closures, the response window, the need-by date.
	sch := l.schedule()
	now := in.Now
	closedNow := sch.ClosedDuring(now, now)
	pt.Deadline = Deadline(sch, now, l.responseDays(c))
	window := pt.Deadline.Sub(now)
	pt.Window = window.Hours() / 24
	lost, name := lostDays(sch, now, pt.Deadline, len(closedNow) > 0)
	pt.Lost = lost
	switch {
	case len(closedNow) > 0:
		r := why(ClosedNow, closureName(closedNow[0]), sch.NextOpenDay(now).String())
		e.Deferred = &r
		add(r.Code, r.Args...)
	case lost > c.MaxClosureDays:
		r := why(ClosedWindow, name, strconv.Itoa(lost))
		e.Deferred = &r
		add(r.Code, r.Args...)
	case lost > 0:
		add(WhyClosureWindow, name, strconv.Itoa(lost))
	}

	// Cost.
	pt.Cost = 1
	if r := in.cost(cd, svc, c, pt); r != nil {
		if strings.HasPrefix(r.Code, "out.") {
			cd.out = r
			return
		}
		add(r.Code, r.Args...)
	}

	// Measured performance.
	est := idx.estimate(cd.id, p, c)
	pt.Estimate = est
	if est.New {
		add(WhyNew, string(svc), pct(est.FillRate), days(est.Turnaround))
	} else {
		add(WhyMeasured, pct(est.MeasuredFill), strconv.Itoa(est.Filled), strconv.Itoa(est.Tries), days(est.MeasuredTurnaround), pct(est.FillRate), days(est.Turnaround))
	}
	pt.Speed = est.Speed(window, lost)
	pt.Late = 1
	if !req.NeedBefore.IsZero() && now.Add(est.Turnaround).AddDate(0, 0, lost).After(req.NeedBefore) {
		pt.Late = c.LateFactor
		add(WhyLate, calendar.DateOf(req.NeedBefore).String())
	}

	// Tier.
	tier, group := TierOf(&l.Entry, in.Borrower)
	pt.Tier, pt.TierF = tier, c.TierFactors[tier-1]
	switch tier {
	case 1:
		add(WhyTierConsortium, group)
	case 2:
		add(WhyTierReciprocal, group)
	}

	// Load.
	pt.Load = 1
	if in.LoadToday > 0 && in.Routable > 0 {
		fair := float64(in.LoadToday) / float64(in.Routable)
		u := float64(l.SentToday) / max(fair, 1)
		pt.Load = 1 / (1 + c.LoadWeight*max(0, u-1))
		if l.SentToday > 0 {
			add(WhyLoad, strconv.Itoa(l.SentToday), fmt.Sprintf("%.1f", fair))
		}
	}
	if limit := l.Entry.Policy.DailyCap; limit > 0 && l.SentToday >= limit {
		e.Capped = true
	}
	add(WhyDeadline, pt.Deadline.In(sch.Location()).Format("2006-01-02 15:04"), sch.Location().String())
	e.Score = pt.Speed * pt.Match * pt.Coverage * pt.Cost * pt.TierF * pt.Load * pt.Late
	cd.e = e
}

func closureName(cl calendar.Closure) string {
	if cl.Name != "" {
		return cl.Name
	}
	return cl.From.String()
}

// lostDays counts the days from the day after now (from today when
// today counts) up to the deadline that are open weekdays but fall in a
// closure, in the lender's zone, and names the first such closure.
func lostDays(s *calendar.Schedule, now, deadline time.Time, today bool) (int, string) {
	cls := s.ClosedDuring(now, deadline)
	if len(cls) == 0 {
		return 0, ""
	}
	loc := s.Location()
	from := calendar.DateOf(now.In(loc))
	if !today {
		from = from.AddDays(1)
	}
	to := calendar.DateOf(deadline.In(loc))
	week := s.Calendar().Week
	n, name := 0, ""
	for _, cl := range cls {
		for d := maxDate(cl.From, from); !d.After(minDate(cl.To, to)); d = d.AddDays(1) {
			if week[d.Weekday()].IsOpen() {
				n++
				if name == "" {
					name = closureName(cl)
				}
			}
		}
	}
	return n, name
}

func maxDate(a, b calendar.Date) calendar.Date {
	if a.After(b) {
		return a
	}
	return b
}

func minDate(a, b calendar.Date) calendar.Date {
	if a.Before(b) {
		return a
	}
	return b
}

// cost applies the lender's terms: out.cost or out.norate when the charge
// is over the maximum (or cannot be compared with it), else the reason
// and the factor 1 / (1 + charge / CostScale).
func (in *Input) cost(cd *candidate, svc ill.ServiceType, c Config, pt *Parts) *Reason {
	borrower := in.Borrower
	if borrower == nil {
		borrower = &directory.Entry{}
	}
	dsvc := directory.ServiceType(svc)
	if svc == ill.CopyOrLoan {
		dsvc = directory.ServiceLoan
	}
	terms := directory.TermsFor(&cd.l.Entry, borrower, dsvc)
	r := func(code string, args ...string) *Reason { x := why(code, args...); return &x }
	if !terms.Known {
		return r(WhyChargeUnknown, string(svc))
	}
	charge := ill.Money{Minor: terms.Charge.Minor, Currency: terms.Charge.Currency}
	if charge.Minor == 0 {
		if terms.Agreement != nil {
			return r(WhyFreeGroup, terms.Agreement.Group)
		}
		return r(WhyFree)
	}
	if limit := in.Request.MaxCost; limit.Minor > 0 {
		conv, q, err := in.Rates.Convert(charge, limit.Currency, in.Now)
		if err != nil {
			return r(OutNoRate, FormatMoney(charge), limit.Currency)
		}
		if conv.Minor > limit.Minor {
			shown := FormatMoney(conv)
			if conv.Currency != charge.Currency {
				shown = FormatMoney(charge) + " ≈ " + shown + " (" + q.Rate + ", " + q.On.String() + ")"
			}
			return r(OutCost, shown, FormatMoney(limit))
		}
	}
	conv, q, err := in.Rates.Convert(charge, c.Currency, in.Now)
	if err != nil {
		pt.Charge = charge
		return r(WhyChargeNoRate, FormatMoney(charge), c.Currency)
	}
	pt.Charge = conv
	pt.Cost = 1 / (1 + float64(conv.Minor)/float64(c.CostScale))
	if conv.Currency != charge.Currency {
		return r(WhyChargeRate, FormatMoney(charge), FormatMoney(conv), q.Rate, q.On.String())
	}
	return r(WhyCharge, FormatMoney(charge))
}
