package sim

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"interlend/internal/calendar"
)

// smallConfig is the built-in world with a quarter of the workload over
// half the time, for tests.
func smallConfig() Config {
	c := DefaultConfig()
	c.Requests, c.Days, c.Titles = 2500, 60, 3000
	return c
}

// TestRoutingBeatsBaseline is the simulator's claim on a smaller run: on
// every seed, score-based routing fills more requests than the baseline
// lender string, with a shorter median turnaround, and its busiest lender
// gets at most twice its fair share.
func TestRoutingBeatsBaseline(t *testing.T) {
	t.Parallel()
	rep, err := Run(context.Background(), smallConfig(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := rep.Write(&out); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	sc, bl := rep.Of(Scored), rep.Of(Baseline)
	if len(sc) != 5 || len(bl) != 5 {
		t.Fatalf("got %d and %d results, want 5 seeds each", len(sc), len(bl))
	}
	for i := range sc {
		s, b := sc[i], bl[i]
		if s.FillRate <= b.FillRate {
			t.Errorf("seed %d: routing fill rate %.3f, baseline %.3f", s.Seed, s.FillRate, b.FillRate)
		}
		if s.Median >= b.Median {
			t.Errorf("seed %d: routing median %.2f days, baseline %.2f", s.Seed, s.Median, b.Median)
		}
		if s.Ratio > 2 {
			t.Errorf("seed %d: busiest lender %s has %.1f%% of the requests, %.2f times its fair share %.1f%%", s.Seed, s.Busiest, 100*s.Share, s.Ratio, 100*s.Fair)
		}
		// Routing learns that the degraded lender got worse.
		if s.DegradedShare >= s.DegradedBefore*0.75 {
			t.Errorf("seed %d: routing sent the degrading lender %.1f%% of the requests before, %.1f%% after", s.Seed, 100*s.DegradedBefore, 100*s.DegradedShare)
		}
	}
	if fill, med, bal, n := rep.Wins(); fill != n || med != n || bal != n || !strings.Contains(out.String(), "in 5 of 5 seeds") {
		t.Errorf("Wins = %d %d %d of %d", fill, med, bal, n)
	}
}

// TestDailyCapsNeverExceeded: no library is ever sent more than its daily
// cap on one of its local days, whichever strategy.
func TestDailyCapsNeverExceeded(t *testing.T) {
	t.Parallel()
	c := smallConfig()
	c.Requests = 1500
	w, err := NewWorld(c, 7)
	if err != nil {
		t.Fatal(err)
	}
	capped := 0
	for _, s := range []Strategy{Scored, Baseline} {
		r := newRun(w, s)
		r.simulate()
		for i, l := range w.Libraries {
			limit := l.Lender.Entry.Policy.DailyCap
			if limit == 0 {
				continue
			}
			capped++
			perDay := map[calendar.Date]int{}
			for j, at := range r.sentAt {
				if r.sentLib[j] == i {
					perDay[r.localDay(i, at)]++
				}
			}
			for d, n := range perDay {
				if n > limit {
					t.Errorf("%s: %s was sent %d requests on %s, its cap is %d", s, l.Lender.Entry.ID, n, d, limit)
				}
			}
		}
	}
	if capped == 0 {
		t.Fatal("no library states a cap: the test proves nothing")
	}
}

// TestDeterministic: a seed gives the same world and the same results.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	c := smallConfig()
	c.Requests, c.Seeds = 600, []uint64{3}
	a, err := Run(context.Background(), c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(context.Background(), c, Options{Parallel: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Results {
		if a.Results[i] != b.Results[i] {
			t.Errorf("run 1 %+v\nrun 2 %+v", a.Results[i], b.Results[i])
		}
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, edit, want string
	}{
		{"unknown field", `"colour": "blue",`, "unknown field"},
		{"bad start", `"start": "07/09/2026",`, "start"},
		{"no seeds", `"seeds": [],`, "seed"},
		{"too few libraries", `"libraries": 2,`, "libraries"},
		{"holders beyond the network", `"holders": {"min": 2, "max": 60},`, "holders"},
		{"bad zone", `"zones": [{"zone": "Mars/Olympus", "country": "XX", "currency": "USD", "share": 1}],`, "Mars/Olympus"},
		{"bad rate", `"rates": [{"from": "EUR", "to": "USD", "value": "-1", "on": "2026-01-01"}],`, "rates"},
		{"bad group", `"groups": [{"code": "G", "kind": "club", "members": 3}],`, "group G"},
		{"degrading profile missing", `"degrade": {"at": 0.5, "profile": "nobody", "loan": {}, "copy": {}},`, "nobody"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			js := "{" + tc.edit + strings.TrimPrefix(string(defaultWorld), "{")
			// A later key of the same name wins in encoding/json: put the
			// edit last instead.
			if !strings.HasPrefix(tc.edit, `"colour"`) {
				js = strings.TrimSuffix(strings.TrimSpace(string(defaultWorld)), "}") + "," + strings.TrimSuffix(tc.edit, ",") + "}"
			}
			_, err := ParseConfig([]byte(js))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error about %q", err, tc.want)
			}
		})
	}
}

func TestBusinessHours(t *testing.T) {
	t.Parallel()
	w, err := NewWorld(smallConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	s := w.Libraries[0].Lender.Schedule
	loc := s.Location()
	mon := calendar.Date{Year: 2026, Month: 9, Day: 14}.In(loc)
	for _, tc := range []struct {
		from    string
		hours   float64
		wantDay int // days after Monday 14 September
		wantH   int // local hour
	}{
		{"10:00", 2, 0, 12},
		{"16:00", 2, 1, 10},  // one hour today, one tomorrow
		{"07:00", 1, 0, 10},  // before opening
		{"20:00", 8, 1, 17},  // a whole business day
		{"16:00", 16, 2, 16}, // Tuesday, Wednesday to 16:00
	} {
		h, m := 0, 0
		if _, err := fmtSscanf(tc.from, &h, &m); err != nil {
			t.Fatal(err)
		}
		start := mon.Add(timeHours(float64(h)))
		got := addBusinessHours(s, start, timeHours(tc.hours)).In(loc)
		want := mon.AddDate(0, 0, tc.wantDay).Add(timeHours(float64(tc.wantH)))
		if !got.Equal(want) {
			t.Errorf("%s + %vh = %s, want %s", tc.from, tc.hours, got, want)
		}
	}
}

func BenchmarkSimulate(b *testing.B) {
	w, err := NewWorld(DefaultConfig(), 1)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Simulate(w, Scored)
	}
}
