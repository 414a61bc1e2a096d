package calendar

import (
	"testing"
	"time"
)

func TestAddBusinessDays(t *testing.T) {
	t.Parallel()
	s := mustSchedule(t, nycJSON)
	ny := s.Location()
	tests := []struct {
		name string
		from string
		n    int
		want string
	}{
		{"Friday afternoon before a Monday holiday, 3 days", "2026-01-16 15:00:00", 3, "2026-01-22 23:59:59"},
		{"Wednesday before the winter break", "2026-12-23 10:00:00", 1, "2027-01-04 23:59:59"},
		{"over Thanksgiving", "2026-11-25 16:59:00", 2, "2026-12-01 23:59:59"},
		{"one day from Friday, over the spring clock change", "2026-03-06 15:00:00", 1, "2026-03-09 23:59:59"},
		{"zero on a Saturday is the end of Monday", "2026-03-07 12:00:00", 0, "2026-03-09 23:59:59"},
		{"zero on a holiday is the end of the next open day", "2026-01-19 10:00:00", 0, "2026-01-20 23:59:59"},
		{"zero on an open day is the end of that day", "2026-01-20 10:00:00", 0, "2026-01-20 23:59:59"},
		{"late at night still counts from that date", "2026-01-20 23:59:59", 1, "2026-01-21 23:59:59"},
		{"minus one skips back over the holiday", "2026-01-20 10:00:00", -1, "2026-01-16 23:59:59"},
		{"minus one from a Saturday is Friday", "2026-03-07 10:00:00", -1, "2026-03-06 23:59:59"},
		{"a year of business days", "2026-01-02 10:00:00", 250, "2027-01-05 23:59:59"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := s.AddBusinessDays(at(t, ny, tc.from), tc.n)
			if want := at(t, ny, tc.want); !got.Equal(want) {
				t.Errorf("AddBusinessDays(%s, %d) = %v, want %v", tc.from, tc.n, got, want)
			}
		})
	}
}

func TestBusinessDaysBetween(t *testing.T) {
	t.Parallel()
	s := mustSchedule(t, nycJSON)
	ny := s.Location()
	tests := []struct {
		a, b string
		want int
	}{
		{"2026-01-16 10:00:00", "2026-01-22 09:00:00", 3},
		{"2026-01-22 09:00:00", "2026-01-16 10:00:00", -3},
		{"2026-01-20 09:00:00", "2026-01-20 17:00:00", 0},
		{"2026-03-07 09:00:00", "2026-03-08 17:00:00", 0},
		{"2026-12-23 09:00:00", "2027-01-04 00:00:00", 1},
		{"2026-01-01 00:00:00", "2026-12-31 23:59:59", 249},
	}
	for _, tc := range tests {
		if got := s.BusinessDaysBetween(at(t, ny, tc.a), at(t, ny, tc.b)); got != tc.want {
			t.Errorf("BusinessDaysBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestBusinessDuration(t *testing.T) {
	t.Parallel()
	nyc := mustSchedule(t, nycJSON)
	london := mustSchedule(t, referenceCalendars["London 24h Sundays"])
	tests := []struct {
		name string
		s    *Schedule
		a, b string
		want time.Duration
	}{
		{"within one day", nyc, "2026-01-20 10:00:00", "2026-01-20 15:30:00", 5*time.Hour + 30*time.Minute},
		{"from before opening to after closing", nyc, "2026-01-20 08:00:00", "2026-01-20 18:00:00", 8 * time.Hour},
		{"both before opening", nyc, "2026-01-20 06:00:00", "2026-01-20 08:00:00", 0},
		{"over a weekend and a holiday", nyc, "2026-01-16 16:00:00", "2026-01-20 10:00:00", 2 * time.Hour},
		{"reversed is negative", nyc, "2026-01-20 10:00:00", "2026-01-16 16:00:00", -2 * time.Hour},
		{"over the spring clock change (65h elapsed)", nyc, "2026-03-06 16:00:00", "2026-03-09 10:00:00", 2 * time.Hour},
		{"over the winter break", nyc, "2026-12-23 08:00:00", "2027-01-04 12:00:00", 11 * time.Hour},
		{"a weekend", nyc, "2026-03-07 00:00:00", "2026-03-08 23:59:59", 0},
		{"a whole year", nyc, "2026-01-01 00:00:00", "2027-01-01 00:00:00", 2000 * time.Hour},
		{"sub-second ends", nyc, "2026-01-20 10:00:00.25", "2026-01-20 10:00:01.75", 1500 * time.Millisecond},
		{"London: 24h Sunday when clocks go forward", london, "2026-03-28 12:00:00", "2026-03-30 08:00:00", 23 * time.Hour},
		{"London: 24h Sunday when clocks go back", london, "2026-10-24 12:00:00", "2026-10-26 08:00:00", 25 * time.Hour},
		{"London: part of that Sunday", london, "2026-10-25 00:30:00", "2026-10-25 03:00:00", 3*time.Hour + 30*time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			loc := tc.s.Location()
			a, err := time.ParseInLocation("2006-01-02 15:04:05.999", tc.a, loc)
			if err != nil {
				t.Fatal(err)
			}
			b, err := time.ParseInLocation("2006-01-02 15:04:05.999", tc.b, loc)
			if err != nil {
				t.Fatal(err)
			}
			if got := tc.s.BusinessDuration(a, b); got != tc.want {
				t.Errorf("BusinessDuration(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

// TestFarApartZones asks two libraries, in Auckland and Los Angeles, the
// same questions at the same instants: the Auckland library is already in
// Saturday when Los Angeles is in Friday afternoon.
func TestFarApartZones(t *testing.T) {
	t.Parallel()
	auckland := mustSchedule(t, `{"timeZone":"Pacific/Auckland","week":`+weekdays9to5+`}`)
	la := mustSchedule(t, `{"timeZone":"America/Los_Angeles","week":`+weekdays9to5+`}`)
	utc := func(s string) time.Time { return at(t, time.UTC, s) }
	sent := utc("2026-01-16 23:00:00")  // Fri 15:00 PST, Sat 12:00 NZDT
	later := utc("2026-01-20 01:00:00") // Mon 17:00 PST, Tue 14:00 NZDT

	tests := []struct {
		name      string
		got, want any
	}{
		{"LA open", la.IsOpenAt(sent), true},
		{"Auckland open", auckland.IsOpenAt(sent), false},
		{"LA deadline", la.AddBusinessDays(sent, 1), at(t, la.Location(), "2026-01-19 23:59:59")},
		{"Auckland deadline", auckland.AddBusinessDays(sent, 1), at(t, auckland.Location(), "2026-01-19 23:59:59")},
		{"LA deadline in UTC", la.AddBusinessDays(sent, 1).UTC(), utc("2026-01-20 07:59:59")},
		{"Auckland deadline in UTC", auckland.AddBusinessDays(sent, 1).UTC(), utc("2026-01-19 10:59:59")},
		{"LA reopening", la.NextReopening(sent), sent},
		{"Auckland reopening", auckland.NextReopening(sent).UTC(), utc("2026-01-18 20:00:00")},
		{"LA next open day", la.NextOpenDay(sent), Date{2026, 1, 19}},
		{"Auckland next open day", auckland.NextOpenDay(sent), Date{2026, 1, 19}},
		{"LA business hours", la.BusinessDuration(sent, later), 10 * time.Hour},
		{"Auckland business hours", auckland.BusinessDuration(sent, later), 13 * time.Hour},
		{"LA business days", la.BusinessDaysBetween(sent, later), 1},
		{"Auckland business days", auckland.BusinessDaysBetween(sent, later), 2},
	}
	for _, tc := range tests {
		if tm, ok := tc.want.(time.Time); ok {
			if got := tc.got.(time.Time); !got.Equal(tm) {
				t.Errorf("%s: got %v, want %v", tc.name, got, tm)
			}
			continue
		}
		if tc.got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}
