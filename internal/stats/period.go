package stats

import (
	"fmt"
	"time"
)

// Period is a reporting period: From included, To excluded.
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool {
	return !t.IsZero() && !t.Before(p.From) && t.Before(p.To)
}

// Valid reports whether the period has both ends and To is after From.
func (p Period) Valid() bool { return !p.From.IsZero() && !p.To.IsZero() && p.To.After(p.From) }

// Previous is the period of the same length that ends where p starts (for
// trends). Periods that are whole calendar months (or quarters, or years)
// in the zone of From step back by a whole month (quarter, year), so March
// compares with February however long each is; other periods of whole days
// step back by as many days (a change of summer time in either does not
// shift the previous period off midnight).
func (p Period) Previous() Period {
	loc := p.From.Location()
	f, t := p.From.In(loc), p.To.In(loc)
	if isMidnight(f) && isMidnight(t) && f.Day() == 1 && t.Day() == 1 {
		months := (t.Year()-f.Year())*12 + int(t.Month()-f.Month())
		if months > 0 {
			return Period{From: f.AddDate(0, -months, 0), To: f}
		}
	}
	if isMidnight(f) && isMidnight(t) {
		days := int(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Sub(time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, time.UTC)) / (24 * time.Hour))
		if days > 0 {
			return Period{From: f.AddDate(0, 0, -days), To: f}
		}
	}
	return Period{From: p.From.Add(-p.To.Sub(p.From)), To: p.From}
}

func isMidnight(t time.Time) bool {
	return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
}

// Preset names a period relative to now, in the agency's zone.
type Preset string

// The presets the dashboard offers.
const (
	Last30Days      Preset = "30d"       // the 30 days up to today (included)
	ThisMonth       Preset = "month"     // this calendar month so far
	LastMonth       Preset = "lastmonth" // the previous calendar month
	LastQuarter     Preset = "lastquarter"
	Last12Months    Preset = "12m"    // the twelve whole months before this one
	FiscalYearToDay Preset = "fy"     // this fiscal year so far
	LastFiscalYear  Preset = "lastfy" // the previous fiscal year
)

// Presets lists the presets in display order.
var Presets = []Preset{Last30Days, ThisMonth, LastMonth, LastQuarter, Last12Months, FiscalYearToDay, LastFiscalYear}

// FiscalStart is the first day of an agency's fiscal year (month and day).
type FiscalStart struct {
	Month time.Month
	Day   int
}

// PeriodFor resolves a preset at now in loc. Periods that run to now end
// at the start of tomorrow, so that today counts.
func PeriodFor(p Preset, now time.Time, loc *time.Location, fy FiscalStart) (Period, error) {
	if loc == nil {
		loc = time.UTC
	}
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	tomorrow := today.AddDate(0, 0, 1)
	month := time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, loc)
	switch p {
	case Last30Days:
		return Period{From: tomorrow.AddDate(0, 0, -30), To: tomorrow}, nil
	case ThisMonth:
		return Period{From: month, To: tomorrow}, nil
	case LastMonth:
		return Period{From: month.AddDate(0, -1, 0), To: month}, nil
	case LastQuarter:
		q := time.Date(n.Year(), time.Month((int(n.Month())-1)/3*3+1), 1, 0, 0, 0, 0, loc)
		return Period{From: q.AddDate(0, -3, 0), To: q}, nil
	case Last12Months:
		return Period{From: month.AddDate(-1, 0, 0), To: month}, nil
	case FiscalYearToDay, LastFiscalYear:
		if fy.Month < time.January || fy.Month > time.December || fy.Day < 1 || fy.Day > 28 && fy.Month == time.February {
			fy = FiscalStart{Month: time.July, Day: 1}
		}
		start := time.Date(n.Year(), fy.Month, fy.Day, 0, 0, 0, 0, loc)
		if start.After(today) {
			start = start.AddDate(-1, 0, 0)
		}
		if p == FiscalYearToDay {
			return Period{From: start, To: tomorrow}, nil
		}
		return Period{From: start.AddDate(-1, 0, 0), To: start}, nil
	}
	return Period{}, fmt.Errorf("stats: unknown period %q", p)
}

// FiscalYear is the fiscal year that starts in the given calendar year.
func FiscalYear(startYear int, loc *time.Location, fy FiscalStart) Period {
	if loc == nil {
		loc = time.UTC
	}
	start := time.Date(startYear, fy.Month, fy.Day, 0, 0, 0, 0, loc)
	return Period{From: start, To: start.AddDate(1, 0, 0)}
}
