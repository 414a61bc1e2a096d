package stats_test

import (
	"testing"
	"time"

	"interlend/internal/calendar"
	"interlend/internal/ill"
	"interlend/internal/stats"
	"interlend/internal/stats/statsfixture"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func schedule(t *testing.T) *calendar.Schedule {
	t.Helper()
	s, err := calendar.New(statsfixture.Calendar())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Every figure of March, against the hand-computed fixture: business
// hours measured on the way, or measured beforehand (as the facts table
// keeps them).
func TestMeasureFixture(t *testing.T) {
	t.Parallel()
	sch := schedule(t)
	js := statsfixture.Journeys()
	if len(js) < 50 {
		t.Fatalf("the fixture has %d requests, want at least 50", len(js))
	}
	measured := make([]stats.Journey, len(js))
	for i, j := range js {
		j.MeasureBusiness(sch)
		measured[i] = j
	}
	want := statsfixture.WantMarch()
	for name, tc := range map[string]struct {
		js []stats.Journey
		h  stats.Hours
	}{"hours given": {js, sch}, "business measured beforehand": {measured, nil}} {
		t.Run(name, func(t *testing.T) {
			got := stats.Measure(tc.js, statsfixture.March, tc.h)
			got.Money = stats.MeasureMoney(statsfixture.LedgerLines(), statsfixture.March, got.Borrowing.Rate.Filled)
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("March (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMeasureFixturePreviousPeriod(t *testing.T) {
	t.Parallel()
	if got := statsfixture.March.Previous(); got != statsfixture.February {
		t.Fatalf("March's previous period is %v, want February", got)
	}
	got := stats.Measure(statsfixture.Journeys(), statsfixture.February, schedule(t))
	money := stats.MeasureMoney(statsfixture.LedgerLines(), statsfixture.February, got.Borrowing.Rate.Filled)
	want := statsfixture.WantFeb()
	gotF := statsfixture.WantFebruary{BorrowingReceived: got.Borrowing.Received, BorrowingRate: got.Borrowing.Rate, BorrowingOpenEnd: got.Borrowing.OpenAtEnd,
		LendingReceived: got.Lending.Received, LendingFilled: got.Lending.Rate.Filled, Spend: money.Spend, CostPerFilled: money.CostPerFilled}
	if diff := cmp.Diff(want, gotF); diff != "" {
		t.Errorf("February (-want +got):\n%s", diff)
	}
}

func TestCollectionFixture(t *testing.T) {
	t.Parallel()
	got := stats.CollectionReport(statsfixture.Journeys(), statsfixture.March, statsfixture.CollectionOptions())
	if diff := cmp.Diff(statsfixture.WantCollection(), got, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(stats.Collection{}, "Options")); diff != "" {
		t.Errorf("collection report (-want +got):\n%s", diff)
	}
}

func TestSurveyFixture(t *testing.T) {
	t.Parallel()
	got := map[string]int{}
	for _, l := range stats.Survey(statsfixture.Journeys(), statsfixture.FiscalYear, statsfixture.SameInstitution) {
		got[l.Key] = l.Value
		if l.Query == "" {
			t.Errorf("line %s has no query", l.Key)
		}
	}
	if diff := cmp.Diff(statsfixture.WantSurvey(), got); diff != "" {
		t.Errorf("survey (-want +got):\n%s", diff)
	}
}

// Replaying a journey as an event log and reading it back gives the same
// journey: demo history and fixtures mean what the engine's logs mean.
func TestReplayRoundTrip(t *testing.T) {
	t.Parallel()
	for _, r := range statsfixture.Requests() {
		t.Run(r.Name, func(t *testing.T) {
			req, evs := stats.Replay(r.Journey, r.Citation)
			if req.Side == ill.Borrowing && !ill.BorrowingWorkflow.Terminal(req.State) && !r.Journey.Open {
				t.Errorf("closed journey replayed into the open state %s", req.State)
			}
			for i, e := range evs {
				if e.Seq != i+1 || i > 0 && e.At.Before(evs[i-1].At) {
					t.Fatalf("events out of order at %d: %+v", i, evs)
				}
			}
			got := stats.FromEvents(req, evs, r.Journey.Tries)
			got.Department, got.Subject = r.Journey.Department, r.Journey.Subject
			if diff := cmp.Diff(r.Journey, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("journey after a replay (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPeriodPresets(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	// 2026-03-02 02:30 UTC is still 1 March in New York.
	now := time.Date(2026, 3, 2, 2, 30, 0, 0, time.UTC)
	d := func(y, m, day int) time.Time { return time.Date(y, time.Month(m), day, 0, 0, 0, 0, ny) }
	fy := stats.FiscalStart{Month: time.July, Day: 1}
	cases := []struct {
		p    stats.Preset
		want stats.Period
	}{
		{stats.Last30Days, stats.Period{From: d(2026, 1, 31), To: d(2026, 3, 2)}},
		{stats.ThisMonth, stats.Period{From: d(2026, 3, 1), To: d(2026, 3, 2)}},
		{stats.LastMonth, stats.Period{From: d(2026, 2, 1), To: d(2026, 3, 1)}},
		{stats.LastQuarter, stats.Period{From: d(2025, 10, 1), To: d(2026, 1, 1)}},
		{stats.Last12Months, stats.Period{From: d(2025, 3, 1), To: d(2026, 3, 1)}},
		{stats.FiscalYearToDay, stats.Period{From: d(2025, 7, 1), To: d(2026, 3, 2)}},
		{stats.LastFiscalYear, stats.Period{From: d(2024, 7, 1), To: d(2025, 7, 1)}},
	}
	for _, c := range cases {
		got, err := stats.PeriodFor(c.p, now, ny, fy)
		if err != nil || !got.From.Equal(c.want.From) || !got.To.Equal(c.want.To) {
			t.Errorf("%s: got %v – %v (%v), want %v – %v", c.p, got.From, got.To, err, c.want.From, c.want.To)
		}
	}
	if _, err := stats.PeriodFor("decade", now, ny, fy); err == nil {
		t.Error("an unknown preset was accepted")
	}
	// A month steps back a month; 30 days step back 30 days.
	if got := (stats.Period{From: d(2026, 3, 1), To: d(2026, 4, 1)}).Previous(); !got.From.Equal(d(2026, 2, 1)) || !got.To.Equal(d(2026, 3, 1)) {
		t.Errorf("March's previous: %v", got)
	}
	p := stats.Period{From: d(2026, 1, 31), To: d(2026, 3, 2)}
	if got := p.Previous(); got.To != p.From || got.To.Sub(got.From) != p.To.Sub(p.From) {
		t.Errorf("30 days' previous: %v", got)
	}
}

func TestLCSubjectAndYear(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"QH545.P4 C38 2002": "QH", "Q175 .K95": "Q", "KJV4000": "KJV", "BX1378": "BX",
		"Z713.5": "Z", "ISBN 123": "", "Xyz": "", "618.2": "", "": "", "WB100": "", "ABCD12": "", "HM851": "HM"} {
		if got := stats.LCSubject(in); got != want {
			t.Errorf("LCSubject(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]int{"2019": 2019, "Spring 2019": 2019, "c1988.": 1988, "n.d.": 0, "1066": 0, "2019-05": 2019} {
		if got := stats.PubYear(in); got != want {
			t.Errorf("PubYear(%q) = %d, want %d", in, got, want)
		}
	}
}
