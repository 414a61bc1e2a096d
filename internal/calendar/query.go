package calendar

import (
	"sort"
	"time"
)

// local is t's day number and wall-clock seconds in the library's zone.
func (s *Schedule) local(t time.Time) (day, secs int64) {
	_, off := t.In(s.loc).Zone() // one zone lookup; Date and Clock would do two
	u := t.Unix() + int64(off)
	day = floorDiv(u, 86400)
	return day, u - day*86400
}

// at is the instant of wall time secs on day n. Days without a clock
// change (known from 1970 to 2100) need no care about gaps and repeats.
func (s *Schedule) at(n, secs int64) time.Time {
	if n < s.shiftLo || n >= s.shiftHi || s.isShifted(n) {
		return localAt(n, secs, s.loc)
	}
	d := fromDays(n)
	return time.Date(d.Year, d.Month, d.Day, 0, 0, int(secs), 0, s.loc)
}

// IsOpenDay reports whether the library opens on d: an open weekday
// outside every closure.
func (s *Schedule) IsOpenDay(d Date) bool { return s.isOpen(d.days()) }

// IsOpenAt reports whether the library is open at t: an open day, and
// t's local time is at or after opening and before closing.
func (s *Schedule) IsOpenAt(t time.Time) bool {
	n, secs := s.local(t)
	wd := weekday(n)
	if s.close[wd] == 0 || s.inClosure(n) {
		return false
	}
	if s.isShifted(n) {
		o, c := s.hours(n)
		return !t.Before(o) && t.Before(c)
	}
	return secs >= s.open[wd] && secs < s.close[wd]
}

// hours are the opening and closing instants of day n, an open weekday.
func (s *Schedule) hours(n int64) (open, close time.Time) {
	wd := weekday(n)
	return s.at(n, s.open[wd]), s.at(n, s.close[wd])
}

// OpenHours are the opening and closing instants of d; ok is false when
// the library does not open that day.
func (s *Schedule) OpenHours(d Date) (open, close time.Time, ok bool) {
	n := d.days()
	if !s.isOpen(n) {
		return time.Time{}, time.Time{}, false
	}
	open, close = s.hours(n)
	return open, close, true
}

// NextOpenDay is the first open day after t's local date.
func (s *Schedule) NextOpenDay(t time.Time) Date {
	n, _ := s.local(t)
	return fromDays(s.openDayNumbered(s.openBefore(n+1) + 1))
}

// AddBusinessDays is the deadline n business days after t: the end (the
// last second) of the n-th open day after t's local date. A 3-day window
// opened on a Friday before a Monday holiday ends on Thursday at 23:59:59
// local time. For n == 0 it is the end of t's own day if that is open,
// else of the next open day; for n < 0 it is the end of the |n|-th open
// day before t's date.
func (s *Schedule) AddBusinessDays(t time.Time, n int) time.Time {
	day, _ := s.local(t)
	var k int64
	switch {
	case n > 0:
		k = s.openBefore(day+1) + int64(n)
	case n == 0 && s.isOpen(day):
		k = s.openBefore(day + 1)
	case n == 0:
		k = s.openBefore(day+1) + 1
	default:
		k = s.openBefore(day) + int64(n) + 1
	}
	return s.endOfDay(s.openDayNumbered(k))
}

// endOfDay is the last second of day n: one second before the next day
// starts (which copes with clock changes at midnight).
func (s *Schedule) endOfDay(n int64) time.Time {
	if n < s.shiftLo || n >= s.shiftHi || s.isShifted(n) {
		return localAt(n+1, 0, s.loc).Add(-time.Second)
	}
	return s.at(n, 86400-1)
}

// BusinessDaysBetween is the number of open days after a's local date up
// to and including b's (negative when b is before a). It is the inverse
// of AddBusinessDays: BusinessDaysBetween(t, AddBusinessDays(t, n)) == n
// for n > 0.
func (s *Schedule) BusinessDaysBetween(a, b time.Time) int {
	da, _ := s.local(a)
	db, _ := s.local(b)
	return int(s.openBefore(db+1) - s.openBefore(da+1))
}

// BusinessDuration is the time the library is open between a and b:
// turnaround in business hours. It is negative when b is before a.
func (s *Schedule) BusinessDuration(a, b time.Time) time.Duration {
	if b.Before(a) {
		return -s.BusinessDuration(b, a)
	}
	da, sa := s.local(a)
	db, sb := s.local(b)
	if da == db {
		return s.within(da, a, b, sa, sb)
	}
	total := s.within(da, a, time.Time{}, sa, -1) + s.within(db, time.Time{}, b, -1, sb)
	if db-da > 1 {
		// Whole days in between: nominal hours, less closures, corrected
		// for clock changes inside opening hours.
		first, last := da+1, db // [first, last)
		_, cf := s.closedBefore(first)
		_, cl := s.closedBefore(last)
		secs := s.secs.before(last) - s.secs.before(first) - (cl - cf)
		i := sort.Search(len(s.shifted), func(i int) bool { return s.shifted[i].day >= first })
		for ; i < len(s.shifted) && s.shifted[i].day < last; i++ {
			if !s.inClosure(s.shifted[i].day) {
				secs += s.shifted[i].delta
			}
		}
		total += time.Duration(secs) * time.Second
	}
	return total
}

// within is the open time on day n between from and to. A zero from (or
// negative fromSecs) means the start of the day, a zero to (or negative
// toSecs) its end. Wall-clock seconds are used unless a clock change falls
// inside the day's opening hours.
func (s *Schedule) within(n int64, from, to time.Time, fromSecs, toSecs int64) time.Duration {
	wd := weekday(n)
	if s.close[wd] == 0 || s.inClosure(n) {
		return 0
	}
	if !s.isShifted(n) {
		// Nanoseconds since midnight on the wall clock.
		lo, hi := s.open[wd]*int64(time.Second), s.close[wd]*int64(time.Second)
		if fromSecs >= 0 {
			lo = max(lo, fromSecs*int64(time.Second)+int64(from.Nanosecond()))
		}
		if toSecs >= 0 {
			hi = min(hi, toSecs*int64(time.Second)+int64(to.Nanosecond()))
		}
		return time.Duration(max(0, hi-lo))
	}
	o, c := s.hours(n)
	if !from.IsZero() && from.After(o) {
		o = from
	}
	if !to.IsZero() && to.Before(c) {
		c = to
	}
	if !c.After(o) {
		return 0
	}
	return c.Sub(o)
}

func (s *Schedule) isShifted(n int64) bool {
	i := sort.Search(len(s.shifted), func(i int) bool { return s.shifted[i].day >= n })
	return i < len(s.shifted) && s.shifted[i].day == n
}

// NextReopening is the first instant at or after t when the library is
// open: t itself when it is open, else the next opening time. It is the
// retryAfter to give when a request arrives while the library is closed.
func (s *Schedule) NextReopening(t time.Time) time.Time {
	n, secs := s.local(t)
	if s.isOpen(n) {
		wd := weekday(n)
		if s.isShifted(n) {
			o, c := s.hours(n)
			switch {
			case t.Before(o):
				return o
			case t.Before(c):
				return t
			}
		} else if secs < s.close[wd] {
			if secs >= s.open[wd] {
				return t
			}
			return s.at(n, s.open[wd])
		}
	}
	next := s.openDayNumbered(s.openBefore(n+1) + 1)
	o, _ := s.hours(next)
	return o
}

// ClosedDuring lists the closures that cover any local date from from's
// to to's, in order of their start; nil when there are none. Weekly
// closed days are not closures.
func (s *Schedule) ClosedDuring(from, to time.Time) []Closure {
	df, _ := s.local(from)
	dt, _ := s.local(to)
	if dt < df {
		df, dt = dt, df
	}
	var out []Closure
	for _, cl := range s.cal.Closures {
		if f := cl.From.days(); f > dt {
			break
		} else if cl.To.days() >= df {
			out = append(out, cl)
		}
	}
	return out
}
