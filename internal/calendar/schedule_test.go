package calendar

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestIsOpenDay(t *testing.T) {
	t.Parallel()
	s := mustSchedule(t, nycJSON)
	tests := []struct {
		day  string
		want bool
	}{
		{"2026-01-16", true},  // Friday
		{"2026-01-17", false}, // Saturday
		{"2026-01-18", false}, // Sunday
		{"2026-01-19", false}, // holiday
		{"2026-01-20", true},
		{"2026-12-23", true},
		{"2026-12-24", false}, // first day of the winter break
		{"2026-12-31", false},
		{"2027-01-01", false}, // last day of the winter break
		{"2027-01-04", true},
	}
	for _, tc := range tests {
		if got := s.IsOpenDay(date(t, tc.day)); got != tc.want {
			t.Errorf("IsOpenDay(%s) = %v, want %v", tc.day, got, tc.want)
		}
	}
}

func TestIsOpenAtAndNextReopening(t *testing.T) {
	t.Parallel()
	s := mustSchedule(t, nycJSON)
	ny := s.Location()
	tests := []struct {
		at       string
		open     bool
		reopens  string
		nextOpen string // NextOpenDay
	}{
		{"2026-01-20 08:59:59", false, "2026-01-20 09:00:00", "2026-01-21"},
		{"2026-01-20 09:00:00", true, "2026-01-20 09:00:00", "2026-01-21"},
		{"2026-01-20 16:59:59", true, "2026-01-20 16:59:59", "2026-01-21"},
		{"2026-01-20 17:00:00", false, "2026-01-21 09:00:00", "2026-01-21"},
		{"2026-01-16 18:00:00", false, "2026-01-20 09:00:00", "2026-01-20"}, // Friday evening before MLK day
		{"2026-01-19 12:00:00", false, "2026-01-20 09:00:00", "2026-01-20"}, // the holiday itself
		{"2026-12-23 17:30:00", false, "2027-01-04 09:00:00", "2027-01-04"}, // into the winter break
		{"2026-03-08 12:00:00", false, "2026-03-09 09:00:00", "2026-03-09"}, // Sunday the clocks change
	}
	for _, tc := range tests {
		tm := at(t, ny, tc.at)
		if got := s.IsOpenAt(tm); got != tc.open {
			t.Errorf("IsOpenAt(%s) = %v, want %v", tc.at, got, tc.open)
		}
		if got, want := s.NextReopening(tm), at(t, ny, tc.reopens); !got.Equal(want) {
			t.Errorf("NextReopening(%s) = %v, want %v", tc.at, got, want)
		}
		if got, want := s.NextOpenDay(tm), date(t, tc.nextOpen); got != want {
			t.Errorf("NextOpenDay(%s) = %v, want %v", tc.at, got, want)
		}
	}
}

func TestOpenHours(t *testing.T) {
	t.Parallel()
	s := mustSchedule(t, referenceCalendars["London 24h Sundays"])
	london := s.Location()
	tests := []struct {
		day         string
		open, close string // RFC 3339; empty when closed
	}{
		{"2026-03-27", "2026-03-27T08:30:00Z", "2026-03-27T18:00:00Z"},
		{"2026-03-29", "2026-03-29T00:00:00Z", "2026-03-29T23:00:00Z"}, // clocks go forward: 23 hours
		{"2026-03-30", "2026-03-30T08:30:00+01:00", "2026-03-30T22:00:00+01:00"},
		{"2026-10-25", "2026-10-25T00:00:00+01:00", "2026-10-26T00:00:00Z"}, // clocks go back: 25 hours
		{"2026-03-28", "", ""}, // Saturday
		{"2026-04-03", "", ""}, // Easter closure
	}
	for _, tc := range tests {
		o, c, ok := s.OpenHours(date(t, tc.day))
		if ok != (tc.open != "") {
			t.Errorf("OpenHours(%s) ok = %v, want %v", tc.day, ok, !ok)
			continue
		}
		if !ok {
			continue
		}
		wo, _ := time.Parse(time.RFC3339, tc.open)
		wc, _ := time.Parse(time.RFC3339, tc.close)
		if !o.Equal(wo) || !c.Equal(wc) {
			t.Errorf("OpenHours(%s) = %v, %v; want %v, %v", tc.day, o.In(london), c.In(london), wo, wc)
		}
	}
}

func TestClosedDuring(t *testing.T) {
	t.Parallel()
	s := mustSchedule(t, `{"timeZone":"America/New_York","week":`+weekdays9to5+`,"closures":[
		{"from":"2026-12-24","to":"2027-01-01","name":"Winter break"},
		{"from":"2026-12-31","to":"2027-01-02","name":"Move"},
		{"from":"2026-07-03","name":"Independence Day (observed)"}]}`)
	ny := s.Location()
	winter := Closure{From: Date{2026, 12, 24}, To: Date{2027, 1, 1}, Name: "Winter break"}
	move := Closure{From: Date{2026, 12, 31}, To: Date{2027, 1, 2}, Name: "Move"}
	july := Closure{From: Date{2026, 7, 3}, To: Date{2026, 7, 3}, Name: "Independence Day (observed)"}
	tests := []struct {
		name     string
		from, to time.Time
		want     []Closure
	}{
		{"window reaching into the break", at(t, ny, "2026-12-21 10:00:00"), s.AddBusinessDays(at(t, ny, "2026-12-21 10:00:00"), 5), []Closure{winter, move}},
		{"now, in the break", at(t, ny, "2026-12-28 10:00:00"), at(t, ny, "2026-12-28 10:00:00"), []Closure{winter}},
		{"last day of an overlapping closure", at(t, ny, "2027-01-02 10:00:00"), at(t, ny, "2027-01-02 10:00:00"), []Closure{move}},
		{"the day after", at(t, ny, "2027-01-03 00:00:00"), at(t, ny, "2027-01-10 00:00:00"), nil},
		{"whole year, reversed arguments", at(t, ny, "2027-12-31 00:00:00"), at(t, ny, "2026-01-01 00:00:00"), []Closure{july, winter, move}},
		{"UTC date July 3, still July 2 in New York", time.Date(2026, 7, 3, 3, 0, 0, 0, time.UTC), time.Date(2026, 7, 3, 3, 0, 0, 0, time.UTC), nil},
		{"UTC instant on the local holiday", time.Date(2026, 7, 3, 5, 0, 0, 0, time.UTC), time.Date(2026, 7, 3, 5, 0, 0, 0, time.UTC), []Closure{july}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, s.ClosedDuring(tc.from, tc.to)); diff != "" {
			t.Errorf("%s: ClosedDuring mismatch (-want +got):\n%s", tc.name, diff)
		}
	}
}
