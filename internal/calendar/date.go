package calendar

import (
	"fmt"
	"time"
)

// Date is a civil date, without a time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the date of t in t's own location; use t.In(loc) first for
// another zone.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads a date written YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	d, err := parseDate(s)
	if err != nil {
		return Date{}, fmt.Errorf("calendar: %w", err)
	}
	return d, nil
}

func parseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// String writes the date as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// IsValid reports whether d names a real day (not 2026-02-30).
func (d Date) IsValid() bool { return fromDays(d.days()) == d }

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday { return weekday(d.days()) }

// AddDays is the date n days after d (before, for negative n).
func (d Date) AddDays(n int) Date { return fromDays(d.days() + int64(n)) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	a, b := d.days(), e.days()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// DaysUntil is the number of days from d to e (negative if e is before d).
func (d Date) DaysUntil(e Date) int { return int(e.days() - d.days()) }

// In is the first instant of d in loc (midnight, or the end of a clock
// change that skipped midnight).
func (d Date) In(loc *time.Location) time.Time { return localAt(d.days(), 0, loc) }

// MarshalText writes YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Day numbers count days from 1970-01-01 (a Thursday); the conversions
// are Howard Hinnant's days_from_civil and civil_from_days, valid for the
// whole proleptic Gregorian calendar and far faster than time.Date.

func (d Date) days() int64 {
	y := int64(d.Year)
	m := int64(d.Month)
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + int64(d.Day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func fromDays(n int64) Date {
	n += 719468
	era := floorDiv(n, 146097)
	doe := n - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	return Date{int(y), time.Month(m), int(d)}
}

// weekday of a day number: day 0 was a Thursday.
func weekday(n int64) time.Weekday { return time.Weekday(floorMod(n+4, 7)) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// wallKey is a local date and time as seconds on an imaginary clock that
// never changes: day number * 86400 + seconds since midnight.
func wallKey(t time.Time) int64 {
	_, off := t.Zone()
	return t.Unix() + int64(off)
}

// localAt is the instant of local wall time secs (0..86400) on day n in
// loc. A wall time skipped by a clock change is moved forward by the gap;
// a wall time that occurs twice is the earlier occurrence.
func localAt(n, secs int64, loc *time.Location) time.Time {
	d := fromDays(n)
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, int(secs), 0, loc)
	want := n*86400 + secs
	if got := wallKey(t); got < want {
		t = t.Add(time.Duration(want-got) * time.Second)
	}
	start, _ := t.ZoneBounds()
	if start.IsZero() || t.Sub(start) >= 24*time.Hour {
		return t
	}
	_, after := t.Zone()
	_, before := start.Add(-time.Nanosecond).Zone()
	if back := before - after; back > 0 {
		if e := t.Add(-time.Duration(back) * time.Second); e.Before(start) && wallKey(e) == want {
			return e
		}
	}
	return t
}
