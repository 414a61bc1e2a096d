package calendar

import (
	"slices"
	"sort"
	"time"
)

// Schedule is a compiled Calendar. It is immutable and safe for
// concurrent use; its methods never fail.
type Schedule struct {
	cal   Calendar // a copy, closures sorted by From
	loc   *time.Location
	open  [7]int64 // opening and closing wall times, seconds since midnight
	close [7]int64
	days  weekly  // open weekdays
	secs  weekly  // nominal open seconds
	nth   []int64 // weekday of the r-th open weekday of a week
	// closed are the closures merged into disjoint runs of day numbers;
	// cumDays[i] and cumSecs[i] are the open days and nominal open
	// seconds that closed[:i] remove.
	closed  []span
	cumDays []int64
	cumSecs []int64
	// shifted are the open weekdays (day numbers, sorted) on which the
	// clocks change, where wall-clock arithmetic is not enough.
	shifted          []shift
	shiftLo, shiftHi int64 // day numbers of the years searched for them
}

// span is a run of closed days, both ends included.
type span struct{ from, to int64 }

// shift is an open weekday on which the clocks change: delta is its real
// open duration minus the nominal one, in seconds (0 when the change is
// outside opening hours).
type shift struct{ day, delta int64 }

// weekly counts something per weekday: per is the weekly total and pre[k]
// the amount on weekdays before k (pre[7] == per).
type weekly struct {
	per int64
	pre [8]int64
}

// before is the amount on days before day number n, counted from the
// Sunday before day 0 (negative for earlier days).
func (w *weekly) before(n int64) int64 {
	e := n + 4 // day 0 is a Thursday; e counts from a Sunday
	q := floorDiv(e, 7)
	return q*w.per + w.pre[e-q*7]
}

// shiftYears bound the search for clock changes inside opening hours.
const (
	shiftFrom = 1970
	shiftTo   = 2100
)

// New validates c and compiles it.
func New(c Calendar) (*Schedule, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	s := &Schedule{loc: c.Location}
	s.cal = Calendar{Location: c.Location, Week: c.Week, Closures: slices.Clone(c.Closures)}
	slices.SortStableFunc(s.cal.Closures, func(a, b Closure) int { return a.From.Compare(b.From) })

	for d := range 7 {
		h := c.Week[d]
		if h.IsOpen() {
			s.open[d], s.close[d] = int64(h.Open/time.Second), int64(h.Close/time.Second)
			s.days.pre[d+1] = s.days.pre[d] + 1
			s.secs.pre[d+1] = s.secs.pre[d] + s.close[d] - s.open[d]
			s.nth = append(s.nth, int64(d))
		} else {
			s.days.pre[d+1], s.secs.pre[d+1] = s.days.pre[d], s.secs.pre[d]
		}
	}
	s.days.per, s.secs.per = s.days.pre[7], s.secs.pre[7]

	s.cumDays, s.cumSecs = []int64{0}, []int64{0}
	for _, cl := range s.cal.Closures {
		from, to := cl.From.days(), cl.To.days()
		if n := len(s.closed); n > 0 && from <= s.closed[n-1].to+1 {
			s.closed[n-1].to = max(s.closed[n-1].to, to)
			continue
		}
		s.closed = append(s.closed, span{from, to})
	}
	for i, sp := range s.closed {
		s.cumDays = append(s.cumDays, s.cumDays[i]+s.days.before(sp.to+1)-s.days.before(sp.from))
		s.cumSecs = append(s.cumSecs, s.cumSecs[i]+s.secs.before(sp.to+1)-s.secs.before(sp.from))
	}
	s.findShifts()
	return s, nil
}

// findShifts walks the zone's transitions and keeps the open weekdays on
// which one happens; there, hours are worked out from instants.
func (s *Schedule) findShifts() {
	s.shiftLo, s.shiftHi = Date{shiftFrom, 1, 1}.days(), Date{shiftTo, 1, 1}.days()
	t := time.Date(shiftFrom, 1, 1, 0, 0, 0, 0, s.loc)
	end := time.Date(shiftTo, 1, 1, 0, 0, 0, 0, s.loc)
	for t.Before(end) {
		_, next := t.ZoneBounds()
		if next.IsZero() || !next.After(t) {
			return
		}
		for _, at := range []time.Time{next.Add(-time.Nanosecond), next} {
			n := DateOf(at.In(s.loc)).days()
			wd := weekday(n)
			if s.close[wd] == 0 {
				continue
			}
			if k := len(s.shifted); k > 0 && s.shifted[k-1].day == n {
				continue
			}
			o, c := localAt(n, s.open[wd], s.loc), localAt(n, s.close[wd], s.loc)
			delta := int64(c.Sub(o)/time.Second) - (s.close[wd] - s.open[wd])
			s.shifted = append(s.shifted, shift{n, delta})
		}
		t = next
	}
}

// Calendar is the Calendar the Schedule was built from (closures sorted
// by start). The Closures slice is a copy.
func (s *Schedule) Calendar() Calendar {
	c := s.cal
	c.Closures = slices.Clone(c.Closures)
	return c
}

// Location is the library's time zone.
func (s *Schedule) Location() *time.Location { return s.loc }

// closedBefore is the number of open weekdays that closures remove
// before day n, with the same for nominal seconds.
func (s *Schedule) closedBefore(n int64) (days, secs int64) {
	i := sort.Search(len(s.closed), func(i int) bool { return s.closed[i].from >= n })
	if i == 0 {
		return 0, 0
	}
	sp := s.closed[i-1]
	end := min(n, sp.to+1)
	days = s.cumDays[i-1] + s.days.before(end) - s.days.before(sp.from)
	secs = s.cumSecs[i-1] + s.secs.before(end) - s.secs.before(sp.from)
	return days, secs
}

// openBefore is the number of open days before day n (from an arbitrary
// origin; only differences mean anything).
func (s *Schedule) openBefore(n int64) int64 {
	c, _ := s.closedBefore(n)
	return s.days.before(n) - c
}

// inClosure reports whether day n is in a closure.
func (s *Schedule) inClosure(n int64) bool {
	i := sort.Search(len(s.closed), func(i int) bool { return s.closed[i].from > n })
	return i > 0 && s.closed[i-1].to >= n
}

func (s *Schedule) isOpen(n int64) bool {
	return s.close[weekday(n)] != 0 && !s.inClosure(n)
}

// openDayNumbered is the open day n with openBefore(n+1) == k: the k-th
// open day from the origin. Days before it and in closures are skipped by
// arithmetic, so the cost does not grow with the distance.
func (s *Schedule) openDayNumbered(k int64) int64 {
	// Closures starting at or before the answer are exactly those with
	// fewer than k open days before their start.
	i := sort.Search(len(s.closed), func(i int) bool {
		return s.days.before(s.closed[i].from)-s.cumDays[i] >= k
	})
	j := k + s.cumDays[i] - 1 // 0-based index among open weekdays
	q := floorDiv(j, s.days.per)
	r := j - q*s.days.per
	return q*7 + s.nth[r] - 4
}
