package calendar

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// naive answers every question the slow, obvious way, one day at a time,
// to check the Schedule's arithmetic against.
type naive struct{ c Calendar }

func (r naive) openDay(d Date) bool {
	if !r.c.Week[d.Weekday()].IsOpen() {
		return false
	}
	for _, cl := range r.c.Closures {
		if !d.Before(cl.From) && !d.After(cl.To) {
			return false
		}
	}
	return true
}

func (r naive) date(t time.Time) Date { return DateOf(t.In(r.c.Location)) }

func (r naive) hours(d Date) (time.Time, time.Time) {
	h := r.c.Week[d.Weekday()]
	return localAt(d.days(), int64(h.Open/time.Second), r.c.Location),
		localAt(d.days(), int64(h.Close/time.Second), r.c.Location)
}

func (r naive) addBusinessDays(t time.Time, n int) time.Time {
	d := r.date(t)
	switch {
	case n > 0:
		for k := 0; k < n; {
			if d = d.AddDays(1); r.openDay(d) {
				k++
			}
		}
	case n == 0:
		for !r.openDay(d) {
			d = d.AddDays(1)
		}
	default:
		for k := 0; k < -n; {
			if d = d.AddDays(-1); r.openDay(d) {
				k++
			}
		}
	}
	return d.AddDays(1).In(r.c.Location).Add(-time.Second)
}

func (r naive) between(a, b time.Time) int {
	da, db := r.date(a), r.date(b)
	sign := 1
	if db.Before(da) {
		da, db, sign = db, da, -1
	}
	n := 0
	for d := da.AddDays(1); !d.After(db); d = d.AddDays(1) {
		if r.openDay(d) {
			n++
		}
	}
	return sign * n
}

func (r naive) duration(a, b time.Time) time.Duration {
	if b.Before(a) {
		return -r.duration(b, a)
	}
	var sum time.Duration
	for d := r.date(a); !d.After(r.date(b)); d = d.AddDays(1) {
		if !r.openDay(d) {
			continue
		}
		o, c := r.hours(d)
		lo, hi := o, c
		if a.After(lo) {
			lo = a
		}
		if b.Before(hi) {
			hi = b
		}
		if hi.After(lo) {
			sum += hi.Sub(lo)
		}
	}
	return sum
}

func (r naive) isOpenAt(t time.Time) bool {
	d := r.date(t)
	if !r.openDay(d) {
		return false
	}
	o, c := r.hours(d)
	return !t.Before(o) && t.Before(c)
}

func (r naive) nextOpenDay(t time.Time) Date {
	d := r.date(t).AddDays(1)
	for !r.openDay(d) {
		d = d.AddDays(1)
	}
	return d
}

func (r naive) nextReopening(t time.Time) time.Time {
	for d := r.date(t); ; d = d.AddDays(1) {
		if !r.openDay(d) {
			continue
		}
		o, c := r.hours(d)
		if t.Before(c) {
			if t.Before(o) {
				return o
			}
			return t
		}
	}
}

// referenceCalendars are the calendars the Schedule is checked on: zones
// with clock changes at 02:00, at midnight and by half an hour, zones far
// apart, opening hours that cross the changes, and long closures.
var referenceCalendars = map[string]string{
	"New York 9-5 holidays": nycJSON,
	"London 24h Sundays": `{"timeZone":"Europe/London","week":{"mon":"08:30-22:00","tue":"08:30-22:00",
		"wed":"08:30-22:00","thu":"08:30-22:00","fri":"08:30-18:00","sun":"00:00-24:00"},
		"closures":[{"from":"2026-12-23","to":"2027-01-03","name":"Christmas"},{"from":"2026-04-03","to":"2026-04-06","name":"Easter"}]}`,
	"New York 24/7": `{"timeZone":"America/New_York","week":{"mon":"00:00-24:00","tue":"00:00-24:00","wed":"00:00-24:00",
		"thu":"00:00-24:00","fri":"00:00-24:00","sat":"00:00-24:00","sun":"00:00-24:00"}}`,
	"Havana 24/7, changes at midnight": `{"timeZone":"America/Havana","week":{"mon":"00:00-24:00","tue":"00:00-24:00",
		"wed":"00:00-24:00","thu":"00:00-24:00","fri":"00:00-24:00","sat":"00:00-24:00","sun":"00:00-24:00"}}`,
	"Santiago nights, changes at midnight": `{"timeZone":"America/Santiago","week":{"sat":"18:00-24:00","sun":"00:00-06:00",
		"mon":"00:30-01:30","wed":"09:00-17:00"},"closures":[{"from":"2026-01-01","to":"2026-02-28","name":"Summer"}]}`,
	"Lord Howe half-hour change": `{"timeZone":"Australia/Lord_Howe","week":{"sun":"01:00-03:00","mon":"09:00-17:00",
		"sat":"01:45-02:15"}}`,
	"Auckland Mon-Sat": `{"timeZone":"Pacific/Auckland","week":{"mon":"08:00-18:00","tue":"08:00-18:00","wed":"08:00-18:00",
		"thu":"08:00-18:00","fri":"08:00-18:00","sat":"10:00-14:00"},
		"closures":[{"from":"2026-12-24","to":"2027-01-05","name":"Summer break"},{"from":"2026-02-06","name":"Waitangi Day"}]}`,
	"Los Angeles, one day a week": `{"timeZone":"America/Los_Angeles","week":{"wed":"10:00-12:00"},
		"closures":[{"from":"2026-03-01","to":"2026-03-31","name":"Renovation"},{"from":"2026-03-25","to":"2026-04-10","name":"Overlapping"}]}`,
	"UTC": `{"timeZone":"UTC","week":{"tue":"13:00-14:00","fri":"00:00-24:00"}}`,
	"New York, hours inside the skipped and repeated hours": `{"timeZone":"America/New_York",
		"week":{"sun":"01:15-01:45","sat":"23:00-24:00","mon":"02:15-02:45"}}`,
	"Lord Howe, hours inside the skipped half hour": `{"timeZone":"Australia/Lord_Howe","week":{"sun":"02:10-02:20"}}`,
}

// TestScheduleMatchesReference compares every query with the naive
// answers at random instants from 2025 to 2028 and at the instants around
// each clock change, with spans up to 400 days and 280 business days.
func TestScheduleMatchesReference(t *testing.T) {
	t.Parallel()
	for name, js := range referenceCalendars {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := mustSchedule(t, js)
			ref := naive{s.Calendar()}
			rng := rand.New(rand.NewPCG(1, uint64(len(name))))
			start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			span := time.Date(2028, 12, 31, 0, 0, 0, 0, time.UTC).Sub(start)
			var instants []time.Time
			for range 400 {
				instants = append(instants, start.Add(time.Duration(rng.Int64N(int64(span)))))
			}
			for t0 := start; t0.Before(start.Add(span)); {
				_, next := t0.In(s.loc).ZoneBounds()
				if next.IsZero() {
					break
				}
				for _, d := range []time.Duration{-90 * time.Minute, -time.Second, 0, time.Nanosecond, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute} {
					instants = append(instants, next.Add(d))
				}
				t0 = next
			}
			for _, a := range instants {
				// b from a month before a to a year and some after it.
				b := a.Add(time.Duration(rng.Int64N(int64(430*24*time.Hour))) - 30*24*time.Hour)
				n := rng.IntN(300) - 20
				check(t, "AddBusinessDays", a, n, s.AddBusinessDays(a, n), ref.addBusinessDays(a, n))
				check(t, "BusinessDaysBetween", a, b, s.BusinessDaysBetween(a, b), ref.between(a, b))
				check(t, "BusinessDuration", a, b, s.BusinessDuration(a, b), ref.duration(a, b))
				check(t, "IsOpenAt", a, nil, s.IsOpenAt(a), ref.isOpenAt(a))
				check(t, "NextOpenDay", a, nil, s.NextOpenDay(a), ref.nextOpenDay(a))
				check(t, "NextReopening", a, nil, s.NextReopening(a), ref.nextReopening(a))
				check(t, "IsOpenDay", a, nil, s.IsOpenDay(ref.date(a)), ref.openDay(ref.date(a)))
				if n > 0 {
					check(t, "BusinessDaysBetween(t, AddBusinessDays(t, n))", a, n, s.BusinessDaysBetween(a, s.AddBusinessDays(a, n)), n)
				}
			}
		})
	}
}

func check[T comparable](t *testing.T, what string, a time.Time, arg any, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s(%s, %v) = %v, want %v", what, a.Format(time.RFC3339Nano), argString(arg), got, want)
	}
}

func argString(a any) string {
	if t, ok := a.(time.Time); ok {
		return t.Format(time.RFC3339Nano)
	}
	return fmt.Sprint(a)
}

// TestAlwaysOpen checks that for a library open around the clock the
// business duration is the elapsed time, across every clock change.
func TestAlwaysOpen(t *testing.T) {
	t.Parallel()
	for _, tz := range []string{"America/New_York", "Europe/London", "America/Havana", "America/Santiago", "Australia/Lord_Howe", "Pacific/Auckland", "Asia/Tehran"} {
		t.Run(tz, func(t *testing.T) {
			t.Parallel()
			s := mustSchedule(t, `{"timeZone":"`+tz+`","week":{"mon":"00:00-24:00","tue":"00:00-24:00","wed":"00:00-24:00",
				"thu":"00:00-24:00","fri":"00:00-24:00","sat":"00:00-24:00","sun":"00:00-24:00"}}`)
			rng := rand.New(rand.NewPCG(7, 7))
			start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
			for range 2000 {
				a := start.Add(time.Duration(rng.Int64N(int64(8 * 365 * 24 * time.Hour))))
				b := a.Add(time.Duration(rng.Int64N(int64(400 * 24 * time.Hour))))
				if got, want := s.BusinessDuration(a, b), b.Sub(a); got != want {
					t.Fatalf("BusinessDuration(%v, %v) = %v, want %v", a, b, got, want)
				}
				if !s.IsOpenAt(a) {
					t.Fatalf("IsOpenAt(%v) = false", a)
				}
			}
		})
	}
}
