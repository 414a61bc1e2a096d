package calendar

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// benchInstants are instants spread over 2026, in UTC as callers hold them.
func benchInstants() []time.Time {
	out := make([]time.Time, 1024)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		out[i] = start.Add(time.Duration(i)*8*time.Hour + 37*time.Minute)
	}
	return out
}

// manyClosures is the New York calendar with a closed day in every week
// of 2020-2030 as well (about 570 closures).
func manyClosures(tb testing.TB) *Schedule {
	var b strings.Builder
	d := Date{2020, 1, 1}
	for d.Before(Date{2031, 1, 1}) {
		fmt.Fprintf(&b, `,{"from":"%s","name":"x"}`, d)
		d = d.AddDays(7)
	}
	js := strings.Replace(nycJSON, `"closures":[`, `"closures":[`+b.String()[1:]+`,`, 1)
	return mustSchedule(tb, js)
}

func benchSchedules(b *testing.B) map[string]*Schedule {
	return map[string]*Schedule{
		"nyc":          mustSchedule(b, nycJSON),
		"london24hSun": mustSchedule(b, referenceCalendars["London 24h Sundays"]),
		"570closures":  manyClosures(b),
	}
}

func BenchmarkAddBusinessDays(b *testing.B) {
	ts := benchInstants()
	for name, s := range benchSchedules(b) {
		b.Run(name+"/1year", func(b *testing.B) {
			i := 0
			for b.Loop() {
				s.AddBusinessDays(ts[i&1023], 250)
				i++
			}
		})
	}
}

func BenchmarkBusinessDuration(b *testing.B) {
	ts := benchInstants()
	for name, s := range benchSchedules(b) {
		b.Run(name+"/1year", func(b *testing.B) {
			i := 0
			for b.Loop() {
				a := ts[i&1023]
				s.BusinessDuration(a, a.Add(365*24*time.Hour))
				i++
			}
		})
	}
}

func BenchmarkQueries(b *testing.B) {
	ts := benchInstants()
	s := mustSchedule(b, nycJSON)
	b.Run("BusinessDaysBetween/1year", func(b *testing.B) {
		i := 0
		for b.Loop() {
			a := ts[i&1023]
			s.BusinessDaysBetween(a, a.Add(365*24*time.Hour))
			i++
		}
	})
	b.Run("IsOpenAt", func(b *testing.B) {
		i := 0
		for b.Loop() {
			s.IsOpenAt(ts[i&1023])
			i++
		}
	})
	b.Run("NextReopening", func(b *testing.B) {
		i := 0
		for b.Loop() {
			s.NextReopening(ts[i&1023])
			i++
		}
	})
}

func BenchmarkNew(b *testing.B) {
	var c Calendar
	if err := json.Unmarshal([]byte(nycJSON), &c); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := New(c); err != nil {
			b.Fatal(err)
		}
	}
}
