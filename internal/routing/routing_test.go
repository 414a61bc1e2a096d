package routing_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"interlend/internal/catalog"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/routing"
	"interlend/internal/stats"
)

// TestClosuresAndWindows checks closures and response windows in the
// lender's own time zone and calendar, across weekends and holidays.
func TestClosuresAndWindows(t *testing.T) {
	t.Parallel()
	const london = "Europe/London"
	christmas := "2026-12-25..2026-12-28 Christmas"
	tests := []struct {
		name         string
		lender       func(testing.TB) *routing.Lender
		now          time.Time
		days         int
		wantOut      string   // exclusion code, or "" for in the rota
		wantArgs     []string // of the exclusion
		wantDeadline string   // in the lender's zone
		wantLost     int
	}{
		{
			name: "Christmas morning in London is still Christmas Eve in Los Angeles",
			lender: func(tb testing.TB) *routing.Lender {
				return lender("GB-L", withCalendar(tb, london, "mon-fri 09:00-17:00", christmas))
			},
			now: at(t, "America/Los_Angeles", "2026-12-24 23:30"), days: 3,
			wantOut: routing.OutClosed, wantArgs: []string{"Christmas", "2026-12-29"},
		},
		{
			name: "Christmas Eve evening: open today, two open days lost in the window",
			lender: func(tb testing.TB) *routing.Lender {
				return lender("GB-L", withCalendar(tb, london, "mon-fri 09:00-17:00", christmas))
			},
			now: at(t, "America/Los_Angeles", "2026-12-24 10:00"), days: 3,
			wantDeadline: "2026-12-31 23:59", wantLost: 2,
		},
		{
			name: "a break starting tomorrow takes out more than the limit",
			lender: func(tb testing.TB) *routing.Lender {
				return lender("GB-L", withCalendar(tb, london, "mon-fri 09:00-17:00", "2026-12-15..2027-01-04 Winter closure"))
			},
			now: at(t, london, "2026-12-14 10:00"), days: 3,
			wantOut: routing.OutClosure, wantArgs: []string{"Winter closure", "15"},
		},
		{
			name: "Friday afternoon in New York is Saturday morning in Sydney: the window starts Monday",
			lender: func(tb testing.TB) *routing.Lender {
				return lender("AU-S", withCalendar(tb, "Australia/Sydney", "mon-fri 09:00-17:00", ""))
			},
			now: at(t, "America/New_York", "2026-03-06 16:00"), days: 3,
			wantDeadline: "2026-03-11 23:59",
		},
		{
			name: "a Friday request before a Monday holiday ends on Thursday",
			lender: func(tb testing.TB) *routing.Lender {
				return lender("US-H", withCalendar(tb, "America/Chicago", "mon-fri 08:00-17:00", "2027-01-18 Martin Luther King Jr. Day"))
			},
			now: at(t, "America/Chicago", "2027-01-15 10:00"), days: 3,
			wantDeadline: "2027-01-21 23:59", wantLost: 1,
		},
		{
			name: "Saturday opening hours count as a business day",
			lender: func(tb testing.TB) *routing.Lender {
				return lender("US-S", withCalendar(tb, "America/New_York", "mon-sat 10:00-16:00", ""))
			},
			now: at(t, "America/New_York", "2026-03-06 12:00"), days: 2,
			wantDeadline: "2026-03-09 23:59",
		},
		{
			name:   "a lender without a calendar is open Monday to Friday in UTC",
			lender: func(testing.TB) *routing.Lender { return lender("XX-N") },
			now:    time.Date(2026, 3, 6, 23, 30, 0, 0, time.UTC), days: 1,
			wantDeadline: "2026-03-09 23:59",
		},
		{
			name: "a closure on a weekend loses no open day",
			lender: func(tb testing.TB) *routing.Lender {
				return lender("US-W", withCalendar(tb, "America/New_York", "mon-fri 09:00-17:00", "2026-03-07..2026-03-08 Move"))
			},
			now: at(t, "America/New_York", "2026-03-06 12:00"), days: 1,
			wantDeadline: "2026-03-09 23:59",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := tc.lender(t)
			l.Entry.Policy.ResponseDays = tc.days
			in := routing.Input{Request: routing.Request{Borrower: "US-B", Service: ill.Loan, Citation: book},
				Holdings: []catalog.Holding{holding(l.Entry.ID, 1)}, Lenders: map[ill.AgencyID]*routing.Lender{l.Entry.ID: l}, Now: tc.now}
			p := routing.Build(in)
			out, excluded := excludedWhy(p, l.Entry.ID)
			if tc.wantOut != "" {
				// Alone, the closed library is still asked, last.
				e, ok := entryOf(p, l.Entry.ID)
				wantDeferred := "closed." + tc.wantOut[len("out."):]
				if !ok || e.Deferred == nil || e.Deferred.Code != wantDeferred || !reflect.DeepEqual(e.Deferred.Args, tc.wantArgs) || e.Place.Code != routing.PlaceDeferred {
					t.Fatalf("alone: got %+v (excluded %+v), want it deferred: %s %v", e, out, wantDeferred, tc.wantArgs)
				}
				// With five libraries that can answer, it is left out.
				for _, id := range []ill.AgencyID{"O1", "O2", "O3", "O4", "O5"} {
					in.Holdings = append(in.Holdings, holding(id, 1))
					in.Lenders[id] = lender(id)
				}
				p = routing.Build(in)
				out, excluded = excludedWhy(p, l.Entry.ID)
				if !excluded || out.Code != tc.wantOut || !reflect.DeepEqual(out.Args, tc.wantArgs) {
					t.Fatalf("with five open: got excluded=%v %+v, want %s %v", excluded, out, tc.wantOut, tc.wantArgs)
				}
				return
			}
			e, ok := entryOf(p, l.Entry.ID)
			if !ok {
				t.Fatalf("left out (%+v), want in the rota", out)
			}
			loc := l.Entry.Calendar
			zone := time.UTC
			if loc != nil {
				zone = loc.Location
			}
			if got := e.Parts.Deadline.In(zone).Format("2006-01-02 15:04"); got != tc.wantDeadline {
				t.Errorf("deadline = %s, want %s", got, tc.wantDeadline)
			}
			if e.Parts.Lost != tc.wantLost {
				t.Errorf("open days lost = %d, want %d", e.Parts.Lost, tc.wantLost)
			}
			if hasWindow := slices.Contains(codesOf(e.Reasons), routing.WhyClosureWindow); hasWindow != (tc.wantLost > 0) {
				t.Errorf("reasons %v: closure.window present = %v, want %v", codesOf(e.Reasons), hasWindow, tc.wantLost > 0)
			}
		})
	}
}

// TestPolicyFilters leaves out, with the reason, every holder a rule
// excludes, and keeps the one that passes.
func TestPolicyFilters(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC)
	borrower := &directory.Entry{ID: "US-B", Policy: directory.Policy{Agreements: []directory.Agreement{{Group: "CONS", Kind: directory.AgreementConsortium}, {Group: "RECIP", Kind: directory.AgreementReciprocal}}}}
	tests := []struct {
		name     string
		req      routing.Request
		scope    routing.Scope
		lender   *routing.Lender
		hold     func(ag ill.AgencyID) catalog.Holding
		wantOut  string
		wantArgs []string
	}{
		{name: "passes", req: routing.Request{Service: ill.Loan, Citation: book}, lender: lender("X")},
		{name: "the borrower itself", req: routing.Request{Service: ill.Loan, Citation: book}, lender: lender("US-B"), wantOut: routing.OutSelf},
		{name: "suspended", req: routing.Request{Service: ill.Loan, Citation: book},
			lender: lender("X", func(l *routing.Lender) { l.Entry.Status = directory.StatusSuspended }), wantOut: routing.OutStatus, wantArgs: []string{"suspended"}},
		{name: "no endpoint", req: routing.Request{Service: ill.Loan, Citation: book},
			lender: lender("X", func(l *routing.Lender) { l.Entry.Endpoint.URL = "" }), wantOut: routing.OutEndpoint},
		{name: "hosted here needs no endpoint", req: routing.Request{Service: ill.Loan, Citation: book},
			lender: lender("X", func(l *routing.Lender) { l.Entry.Endpoint.URL, l.Entry.Hosted = "", true })},
		{name: "copies only, asked to lend", req: routing.Request{Service: ill.Loan, Citation: book},
			lender: lender("X", func(l *routing.Lender) { l.Entry.Services = l.Entry.Services[1:] }), wantOut: routing.OutService, wantArgs: []string{"Loan"}},
		{name: "services not stated: any", req: routing.Request{Service: ill.Copy, Citation: article},
			lender: lender("X", func(l *routing.Lender) { l.Entry.Services = nil }),
			hold:   func(ag ill.AgencyID) catalog.Holding { return serialHolding(ag, "v.1(1990)-", article) }},
		{name: "CopyOrLoan from a copy-only library", req: routing.Request{Service: ill.CopyOrLoan, Citation: book},
			lender: lender("X", func(l *routing.Lender) { l.Entry.Services = l.Entry.Services[1:] })},
		{name: "format not supplied", req: routing.Request{Service: ill.Loan, Citation: book, Format: "LargePrint"},
			lender: lender("X"), wantOut: routing.OutFormat, wantArgs: []string{"LargePrint", "Printed"}},
		{name: "preferred format of the citation", req: routing.Request{Service: ill.Copy, Citation: withFormat(article, "Printed")},
			lender: lender("X"), hold: func(ag ill.AgencyID) catalog.Holding { return serialHolding(ag, "v.1(1990)-", article) },
			wantOut: routing.OutFormat, wantArgs: []string{"Printed", "PDF"}},
		{name: "electronic delivery wanted", req: routing.Request{Service: ill.Copy, Citation: article, Electronic: true},
			lender: lender("X", func(l *routing.Lender) { l.Entry.Services[1].Electronic = false }),
			hold:   func(ag ill.AgencyID) catalog.Holding { return serialHolding(ag, "v.1(1990)-", article) }, wantOut: routing.OutElectronic},
		{name: "outside our groups", req: routing.Request{Service: ill.Loan, Citation: book}, scope: routing.ScopeGroups,
			lender: lender("X"), wantOut: routing.OutScope, wantArgs: []string{"groups"}},
		{name: "reciprocal partner within our groups", req: routing.Request{Service: ill.Loan, Citation: book}, scope: routing.ScopeGroups,
			lender: lender("X", withGroup("RECIP", directory.AgreementReciprocal))},
		{name: "reciprocal partner outside our consortium", req: routing.Request{Service: ill.Loan, Citation: book}, scope: routing.ScopeConsortium,
			lender: lender("X", withGroup("RECIP", directory.AgreementReciprocal)), wantOut: routing.OutScope, wantArgs: []string{"consortium"}},
		{name: "serial holdings 1990-2005 do not cover a 2023 article", req: routing.Request{Service: ill.Copy, Citation: article},
			lender: lender("X"), hold: func(ag ill.AgencyID) catalog.Holding { return serialHolding(ag, "v.1(1990)-v.16(2005)", article) },
			wantOut: routing.OutCoverage, wantArgs: []string{"v.1(1990)-v.16(2005)", "vol. 34 (2023)"}},
		{name: "open-ended holdings cover it", req: routing.Request{Service: ill.Copy, Citation: article},
			lender: lender("X"), hold: func(ag ill.AgencyID) catalog.Holding { return serialHolding(ag, "v.20(2010)-", article) }},
		{name: "reference copies only", req: routing.Request{Service: ill.Loan, Citation: book}, lender: lender("X"),
			hold: func(ag ill.AgencyID) catalog.Holding {
				h := holding(ag, 2)
				h.Matches[0].Record.Counts.Lendable, h.Matches[0].Record.Counts.Available = 0, 0
				return h
			}, wantOut: routing.OutNotLendable},
		{name: "reference copies may still be copied", req: routing.Request{Service: ill.Copy, Citation: book}, lender: lender("X"),
			hold: func(ag ill.AgencyID) catalog.Holding {
				h := holding(ag, 2)
				h.Matches[0].Record.Counts.Lendable, h.Matches[0].Record.Counts.Available = 0, 0
				return h
			}},
		{name: "its catalog could not be searched", req: routing.Request{Service: ill.Loan, Citation: book}, lender: lender("X"),
			hold: func(ag ill.AgencyID) catalog.Holding {
				return catalog.Holding{Agency: ag, Err: errors.New("SRU timeout")}
			},
			wantOut: routing.OutHoldings, wantArgs: []string{"SRU timeout"}},
		{name: "over the maximum cost", req: routing.Request{Service: ill.Loan, Citation: book, MaxCost: ill.Money{Minor: 1000, Currency: "USD"}},
			lender: lender("X", withCharge(directory.ServiceLoan, 1500, "USD")), wantOut: routing.OutCost, wantArgs: []string{"15.00 USD", "10.00 USD"}},
		{name: "free to our reciprocal partners", req: routing.Request{Service: ill.Loan, Citation: book, MaxCost: ill.Money{Minor: 1000, Currency: "USD"}},
			lender: lender("X", withCharge(directory.ServiceLoan, 1500, "USD"), withGroup("RECIP", directory.AgreementReciprocal))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.req.Borrower = "US-B"
			hold := holding
			if tc.hold != nil {
				hold = func(ag ill.AgencyID, _ int) catalog.Holding { return tc.hold(ag) }
			}
			id := tc.lender.Entry.ID
			p := routing.Build(routing.Input{Request: tc.req, Borrower: borrower, Holdings: []catalog.Holding{hold(id, 1)},
				Lenders: map[ill.AgencyID]*routing.Lender{id: tc.lender}, Now: now, Config: routing.Config{Scope: tc.scope}})
			out, excluded := excludedWhy(p, id)
			if tc.wantOut == "" {
				if excluded {
					t.Fatalf("left out: %+v", out)
				}
				if len(p.Entries) != 1 {
					t.Fatalf("entries %+v, want the lender", p.Entries)
				}
				return
			}
			if !excluded || out.Code != tc.wantOut || tc.wantArgs != nil && !reflect.DeepEqual(out.Args, tc.wantArgs) {
				t.Fatalf("got excluded=%v %+v, want %s %v", excluded, out, tc.wantOut, tc.wantArgs)
			}
		})
	}
}

func withFormat(c ill.Citation, f string) ill.Citation {
	c.PreferredFormat = f
	return c
}

// TestNewLenderRanksBetween checks the prior: a lender without a record
// starts at the network median, so it ranks below the best established
// lender and above the worst.
func TestNewLenderRanksBetween(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC)
	scores := []stats.LenderScore{
		score("BEST", ill.Loan, 60, 57, 2*day, 6*time.Hour),
		score("GOOD", ill.Loan, 40, 32, 3*day, 12*time.Hour),
		score("FAIR", ill.Loan, 50, 30, 4*day, day),
		score("WORST", ill.Loan, 30, 9, 7*day, 2*day),
		score("NEW", ill.Copy, 40, 40, day, time.Hour), // another service type: ignored
	}
	ids := []ill.AgencyID{"BEST", "FAIR", "GOOD", "NEW", "WORST"}
	in := routing.Input{Request: routing.Request{Borrower: "US-B", Service: ill.Loan, Citation: book}, Scores: scores,
		Lenders: map[ill.AgencyID]*routing.Lender{}, Now: now}
	for _, id := range ids {
		in.Holdings = append(in.Holdings, holding(id, 1))
		in.Lenders[id] = lender(id)
	}
	p := routing.Build(in)
	got := p.Lenders()
	want := []ill.AgencyID{"BEST", "GOOD", "NEW", "FAIR", "WORST"}
	if !reflect.DeepEqual(got, want) {
		for _, e := range p.Entries {
			t.Logf("%s %.3f %+v", e.Lender, e.Score, e.Parts.Estimate)
		}
		t.Fatalf("rota %v, want %v", got, want)
	}
	if p.Prior.Lenders != 4 || p.Prior.FillRate != (0.8+0.6)/2 {
		t.Errorf("prior %+v: want the median of the four established loan lenders (fill 70%%)", p.Prior)
	}
	e, _ := entryOf(p, "NEW")
	if !e.Parts.Estimate.New || e.Parts.Estimate.FillRate != p.Prior.FillRate || e.Parts.Estimate.Turnaround != p.Prior.Turnaround {
		t.Errorf("new lender estimate %+v, want the prior %+v", e.Parts.Estimate, p.Prior)
	}
	if !slices.Contains(codesOf(e.Reasons), routing.WhyNew) {
		t.Errorf("new lender reasons %v lack %s", codesOf(e.Reasons), routing.WhyNew)
	}

	// The prior counts as ten requests: after ten filled in a day, a new
	// lender overtakes the median lender but not the best.
	in.Scores = append(in.Scores, score("NEW", ill.Loan, 10, 10, day, 2*time.Hour))
	got = routing.Build(in).Lenders()
	if i, j := slices.Index(got, ill.AgencyID("NEW")), slices.Index(got, ill.AgencyID("GOOD")); i > j || got[0] != "NEW" && got[0] != "BEST" {
		t.Errorf("after ten quick fills: %v", got)
	}
}

// TestDailyCapGoesLast: a lender at its cap today goes after the others,
// with the reason; below the cap it is ranked by score.
func TestDailyCapGoesLast(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC)
	scores := []stats.LenderScore{score("FAST", ill.Loan, 50, 48, day, time.Hour), score("SLOW", ill.Loan, 50, 25, 6*day, 2*day)}
	for _, tc := range []struct {
		sent int
		want []ill.AgencyID
	}{{0, []ill.AgencyID{"FAST", "SLOW"}}, {9, []ill.AgencyID{"FAST", "SLOW"}}, {10, []ill.AgencyID{"SLOW", "FAST"}}} {
		fast := lender("FAST", func(l *routing.Lender) { l.Entry.Policy.DailyCap, l.SentToday = 10, tc.sent })
		p := routing.Build(routing.Input{Request: routing.Request{Borrower: "US-B", Service: ill.Loan, Citation: book}, Scores: scores,
			Holdings: []catalog.Holding{holding("FAST", 1), holding("SLOW", 1)},
			Lenders:  map[ill.AgencyID]*routing.Lender{"FAST": fast, "SLOW": lender("SLOW")}, Now: now})
		if got := p.Lenders(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("sent today %d: rota %v, want %v", tc.sent, got, tc.want)
		}
		e, _ := entryOf(p, "FAST")
		if capped := e.Place.Code == routing.PlaceCapped; capped != (tc.sent >= 10) || capped && !reflect.DeepEqual(e.Place.Args, []string{"10", "10"}) {
			t.Errorf("sent today %d: place %+v", tc.sent, e.Place)
		}
	}
}

// TestLoadSpreading: a lender far above its fair share today gives way to
// a nearly as good one; at or below it, it keeps its place.
func TestLoadSpreading(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC)
	scores := []stats.LenderScore{score("A", ill.Loan, 50, 45, 2*day, 6*time.Hour), score("B", ill.Loan, 50, 42, 2*day, 6*time.Hour)}
	for _, tc := range []struct {
		sentA int
		want  ill.AgencyID
	}{{2, "A"}, {4, "A"}, {12, "B"}} {
		a := lender("A", func(l *routing.Lender) { l.SentToday = tc.sentA })
		p := routing.Build(routing.Input{Request: routing.Request{Borrower: "US-B", Service: ill.Loan, Citation: book}, Scores: scores,
			Holdings: []catalog.Holding{holding("A", 1), holding("B", 1)}, Lenders: map[ill.AgencyID]*routing.Lender{"A": a, "B": lender("B")},
			LoadToday: 200, Routable: 50, Now: now})
		if p.Entries[0].Lender != tc.want {
			t.Errorf("A sent %d today (fair 4): first is %s, want %s", tc.sentA, p.Entries[0].Lender, tc.want)
		}
	}
}

// TestExplanations checks that every entry says why it is in the rota and
// why in its place, and every holder left out says why.
func TestExplanations(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC)
	borrower := &directory.Entry{ID: "US-B", Policy: directory.Policy{Agreements: []directory.Agreement{{Group: "CONS", Kind: directory.AgreementConsortium}}}}
	rates, err := routing.NewRates([]routing.Rate{{From: "GBP", To: "USD", Value: "1.25", On: date(t, "2026-03-01")}})
	if err != nil {
		t.Fatal(err)
	}
	in := routing.Input{
		Request:  routing.Request{Borrower: "US-B", Service: ill.Loan, Citation: book, MaxCost: ill.Money{Minor: 3000, Currency: "USD"}},
		Borrower: borrower,
		Scores:   []stats.LenderScore{score("US-A", ill.Loan, 20, 18, 2*day, 4*time.Hour), score("GB-C", ill.Loan, 20, 16, 4*day, day)},
		Rates:    rates,
		Holdings: []catalog.Holding{holding("US-A", 2), holding("GB-C", 1), holding("US-N", 1), holding("US-X", 1), holding("US-B", 1)},
		Lenders: map[ill.AgencyID]*routing.Lender{
			"US-A": lender("US-A", withGroup("CONS", directory.AgreementConsortium)),
			"GB-C": lender("GB-C", withCharge(directory.ServiceLoan, 1800, "GBP")),
			"US-N": lender("US-N", withCharge(directory.ServiceLoan, 0, "")),
			"US-X": lender("US-X", withCharge(directory.ServiceLoan, 4000, "USD")),
		},
		Now: now,
	}
	p := routing.Build(in)
	if got, want := p.Lenders(), []ill.AgencyID{"US-A", "US-N", "GB-C"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("rota %v, want %v", got, want)
	}
	wantReasons := map[ill.AgencyID][]string{
		"US-A": {routing.WhyMatchID, routing.WhyChargeUnknown, routing.WhyMeasured, routing.WhyTierConsortium, routing.WhyDeadline},
		"US-N": {routing.WhyMatchID, routing.WhyFree, routing.WhyNew, routing.WhyDeadline},
		"GB-C": {routing.WhyMatchID, routing.WhyChargeRate, routing.WhyMeasured, routing.WhyDeadline},
	}
	for i, e := range p.Entries {
		if got := codesOf(e.Reasons); !reflect.DeepEqual(got, wantReasons[e.Lender]) {
			t.Errorf("%s reasons %v, want %v", e.Lender, got, wantReasons[e.Lender])
		}
		wantPlace := routing.PlaceAfter
		if i == 0 {
			wantPlace = routing.PlaceFirst
		}
		if e.Place.Code != wantPlace {
			t.Errorf("%s place %+v, want %s", e.Lender, e.Place, wantPlace)
		}
	}
	gb, _ := entryOf(p, "GB-C")
	if got := gb.Reasons[1].Args; !reflect.DeepEqual(got, []string{"18.00 GBP", "22.50 USD", "1.25", "2026-03-01"}) {
		t.Errorf("conversion explained as %v", got)
	}
	if got := p.Entries[1].Place.Args; got[3] != "US-A" {
		t.Errorf("second place %v does not name the lender above", got)
	}
	a, _ := entryOf(p, "US-A")
	if got := a.Reasons[2].Args; !reflect.DeepEqual(got[:3], []string{"90", "18", "20"}) {
		t.Errorf("measured record explained as %v", got)
	}
	if why, ok := excludedWhy(p, "US-X"); !ok || why.Code != routing.OutCost || !reflect.DeepEqual(why.Args, []string{"40.00 USD", "30.00 USD"}) {
		t.Errorf("US-X: %+v, want out.cost", why)
	}
	if why, ok := excludedWhy(p, "US-B"); !ok || why.Code != routing.OutSelf {
		t.Errorf("the borrower: %+v, want out.self", why)
	}
	if p.Holders != 5 || p.Candidates != 3 {
		t.Errorf("holders %d candidates %d, want 5 and 3", p.Holders, p.Candidates)
	}
	// The rota keeps MaxLenders; the rest are left out with their rank.
	in.Config.MaxLenders = 2
	p = routing.Build(in)
	if why, ok := excludedWhy(p, "GB-C"); len(p.Entries) != 2 || !ok || why.Code != routing.OutRank || !reflect.DeepEqual(why.Args, []string{"3", "3", "2"}) {
		t.Errorf("with two places: entries %v, GB-C %+v", p.Lenders(), why)
	}
	if s := p.Entries[0].Summary(nil); s == "" || s[:len("place.first")] != "place.first" {
		t.Errorf("summary %q does not start with the place", s)
	}
}

// TestTitleMatchesRankBelowIdentifiers: a title-only match scores its
// similarity and says so.
func TestTitleMatchesRankBelowIdentifiers(t *testing.T) {
	t.Parallel()
	title := holding("T", 1)
	title.Matches[0].By, title.Matches[0].Score = catalog.ByTitle, 0.82
	p := routing.Build(routing.Input{Request: routing.Request{Borrower: "US-B", Service: ill.Loan, Citation: book},
		Holdings: []catalog.Holding{title, holding("I", 1)}, Lenders: map[ill.AgencyID]*routing.Lender{"T": lender("T"), "I": lender("I")},
		Now: time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC)})
	if got := p.Lenders(); !reflect.DeepEqual(got, []ill.AgencyID{"I", "T"}) {
		t.Fatalf("rota %v, want the identifier match first", got)
	}
	if e := p.Entries[1]; e.Reasons[0].Code != routing.WhyMatchTitle || e.Reasons[0].Args[0] != "82" || e.Parts.Match != 0.82 {
		t.Errorf("title match explained as %+v", e.Reasons[0])
	}
}

// TestBaseline: five holders, our consortium first, alphabetical.
func TestBaseline(t *testing.T) {
	t.Parallel()
	borrower := &directory.Entry{ID: "B", Policy: directory.Policy{Agreements: []directory.Agreement{{Group: "CONS", Kind: directory.AgreementConsortium}, {Group: "REC", Kind: directory.AgreementReciprocal}}}}
	lenders := map[ill.AgencyID]*routing.Lender{}
	var hs []catalog.Holding
	for _, id := range []ill.AgencyID{"A", "B", "C", "D", "E", "F", "G", "H"} {
		lenders[id] = lender(id)
		hs = append(hs, holding(id, 1))
	}
	withGroup("CONS", directory.AgreementConsortium)(lenders["G"])
	withGroup("REC", directory.AgreementReciprocal)(lenders["F"])
	lenders["C"].Entry.Status = directory.StatusSuspended
	got := routing.Baseline(hs, lenders, borrower, "B", 5)
	if want := []ill.AgencyID{"G", "F", "A", "D", "E"}; !reflect.DeepEqual(got, want) {
		t.Errorf("baseline %v, want %v", got, want)
	}
}
