package stats_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"interlend/internal/stats"
	"interlend/internal/stats/statsfixture"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// measuredFixture is the fixture's journeys with their business hours, as
// the facts keep them.
func measuredFixture(t *testing.T) []stats.Journey {
	sch := schedule(t)
	js := statsfixture.Journeys()
	for i := range js {
		js[i].MeasureBusiness(sch)
	}
	return js
}

// measureByDays tallies journeys into daily aggregates and measures p
// from them, as the dashboard does.
func measureByDays(t *testing.T, js []stats.Journey, p stats.Period, loc *time.Location) stats.Measures {
	t.Helper()
	tl := stats.NewTally()
	for i := range js {
		tl.Add(&js[i], loc, 1)
	}
	counts, spans := tl.Rows()
	_, to, ok := p.Days(loc)
	if !ok {
		t.Fatalf("%v is not made of whole days", p)
	}
	m, ok := stats.MeasureDays(counts, spans, stats.TotalsBefore(counts, to), p, loc)
	if !ok {
		t.Fatal("MeasureDays refused whole days")
	}
	return m
}

// The daily aggregates give every figure of the hand-computed fixture
// exactly (medians and percentiles included), for March, February and
// other periods of whole days.
func TestMeasureDaysIsMeasure(t *testing.T) {
	t.Parallel()
	js := measuredFixture(t)
	loc := schedule(t).Location()
	got := measureByDays(t, js, statsfixture.March, loc)
	got.Money = stats.MeasureMoney(statsfixture.LedgerLines(), statsfixture.March, got.Borrowing.Rate.Filled)
	if diff := cmp.Diff(statsfixture.WantMarch(), got, cmpopts.EquateEmpty(), cmpopts.EquateNaNs()); diff != "" {
		t.Errorf("March from the days (-want +got):\n%s", diff)
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, loc) }
	for _, p := range []stats.Period{statsfixture.February, {From: day(3, 6), To: day(3, 9)}, {From: day(1, 1), To: day(6, 1)},
		{From: day(3, 14), To: day(3, 15)}, {From: day(2, 20), To: day(3, 20)}} {
		want := stats.Measure(js, p, nil)
		if diff := cmp.Diff(want, measureByDays(t, js, p, loc), cmpopts.EquateEmpty(), cmpopts.EquateNaNs()); diff != "" {
			t.Errorf("%v (-Measure +days):\n%s", p, diff)
		}
	}
	if _, ok := stats.MeasureDays(nil, nil, nil, stats.Period{From: day(3, 1).Add(time.Hour), To: day(3, 2)}, loc); ok {
		t.Error("a period that starts at 01:00 was measured from whole days")
	}
}

// Taking a journey's contribution away and adding its new one leaves the
// aggregates a fresh tally of the new journeys gives.
func TestTallyTakesAway(t *testing.T) {
	t.Parallel()
	js := measuredFixture(t)
	loc := schedule(t).Location()
	tl := stats.NewTally()
	for i := range js {
		tl.Add(&js[i], loc, 1)
	}
	// Every other journey changes: a day later throughout.
	changed := slices.Clone(js)
	for i := 0; i < len(changed); i += 2 {
		j := &changed[i]
		tl.Add(j, loc, -1)
		for _, t := range []*time.Time{&j.Submitted, &j.FirstSent, &j.Answered, &j.Shipped, &j.Received, &j.Available, &j.PickedUp,
			&j.Delivered, &j.ReturnShipped, &j.CheckedIn, &j.Closed, &j.Overdue, &j.Lost} {
			if !t.IsZero() {
				*t = t.Add(26 * time.Hour)
			}
		}
		j.Tries = slices.Clone(j.Tries)
		for k := range j.Tries {
			j.Tries[k].Sent = j.Tries[k].Sent.Add(time.Hour)
		}
		tl.Add(j, loc, 1)
	}
	fresh := stats.NewTally()
	for i := range changed {
		fresh.Add(&changed[i], loc, 1)
	}
	sortRows := cmpopts.SortSlices(func(a, b stats.Cell) bool { return cellLess(a, b) })
	gc, gs := tl.Rows()
	wc, ws := fresh.Rows()
	less := func(a, b stats.DayCount) bool { return cellLess(a.Cell, b.Cell) }
	if diff := cmp.Diff(wc, gc, cmpopts.SortSlices(less), sortRows); diff != "" {
		t.Errorf("counts (-fresh +updated):\n%s", diff)
	}
	lessS := func(a, b stats.DaySpans) bool { return cellLess(a.Cell, b.Cell) }
	if diff := cmp.Diff(ws, gs, cmpopts.SortSlices(lessS)); diff != "" {
		t.Errorf("durations (-fresh +updated):\n%s", diff)
	}
}

func cellLess(a, b stats.Cell) bool {
	if a.Day != b.Day {
		return a.Day < b.Day
	}
	if a.Side != b.Side {
		return a.Side < b.Side
	}
	if a.Measure != b.Measure {
		return a.Measure < b.Measure
	}
	return a.Key < b.Key
}

func TestDurationsEncoding(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	var ds []time.Duration
	for range 1000 {
		ds = append(ds, time.Duration(r.Int64N(int64(400*24*time.Hour))))
	}
	ds = append(ds, 0, 0, time.Microsecond)
	slices.Sort(ds)
	got, err := stats.DecodeDurations(stats.EncodeDurations(ds), len(ds))
	if err != nil || !slices.Equal(got, ds) {
		t.Fatalf("round trip: %v, equal %v", err, slices.Equal(got, ds))
	}
	if got, _ := stats.DecodeDurations(stats.EncodeDurations(nil), 0); len(got) != 0 {
		t.Errorf("empty: %v", got)
	}
	m := stats.MergeDurations([]time.Duration{1, 3, 3, 5}, []time.Duration{4, 2}, []time.Duration{3, 5, 9})
	if !slices.Equal(m, []time.Duration{1, 2, 3, 4}) {
		t.Errorf("merge: %v", m)
	}
	if _, err := stats.DecodeDurations("!!", 0); err == nil {
		t.Error("bad text decoded")
	}
}
