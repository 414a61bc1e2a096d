package calendar

import (
	"testing"
	"time"
)

func TestDayNumbersMatchTimePackage(t *testing.T) {
	t.Parallel()
	start := time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC)
	base := Date{1500, 1, 1}.days()
	for i := int64(0); i < 400*366; i += 3 {
		tt := start.AddDate(0, 0, int(i))
		want := DateOf(tt)
		if got := fromDays(base + i); got != want {
			t.Fatalf("fromDays(%d) = %v, want %v", base+i, got, want)
		}
		if got := want.days(); got != base+i {
			t.Fatalf("%v.days() = %d, want %d", want, got, base+i)
		}
		if got := want.Weekday(); got != tt.Weekday() {
			t.Fatalf("%v.Weekday() = %v, want %v", want, got, tt.Weekday())
		}
	}
	if got := (Date{1970, 1, 1}).days(); got != 0 {
		t.Errorf("1970-01-01 is day %d, want 0", got)
	}
}

func TestDate(t *testing.T) {
	t.Parallel()
	d := Date{2026, time.December, 31}
	tests := []struct {
		name      string
		got, want any
	}{
		{"String", d.String(), "2026-12-31"},
		{"AddDays over year end", d.AddDays(1), Date{2027, time.January, 1}},
		{"AddDays back over leap day", Date{2028, 3, 1}.AddDays(-1), Date{2028, 2, 29}},
		{"DaysUntil", Date{2026, 12, 24}.DaysUntil(Date{2027, 1, 1}), 8},
		{"Compare before", Date{2026, 12, 24}.Compare(d), -1},
		{"Compare equal", d.Compare(Date{2026, 12, 31}), 0},
		{"Compare after", d.Compare(Date{2026, 1, 1}), 1},
		{"Before", Date{2026, 1, 1}.Before(d), true},
		{"After", Date{2026, 1, 1}.After(d), false},
		{"IsValid", Date{2026, 2, 29}.IsValid(), false},
		{"IsValid leap", Date{2028, 2, 29}.IsValid(), true},
		{"IsZero", Date{}.IsZero(), true},
		{"Weekday", d.Weekday(), time.Thursday},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Date
		ok   bool
	}{
		{"2026-12-24", Date{2026, 12, 24}, true},
		{"2028-02-29", Date{2028, 2, 29}, true},
		{"2026-02-29", Date{}, false},
		{"2026-1-5", Date{}, false},
		{"24/12/2026", Date{}, false},
		{"", Date{}, false},
	}
	for _, tc := range tests {
		got, err := ParseDate(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

// TestLocalAt covers the wall times clock changes skip or repeat.
func TestLocalAt(t *testing.T) {
	t.Parallel()
	ny := mustLoad(t, "America/New_York")
	havana := mustLoad(t, "America/Havana")
	santiago := mustLoad(t, "America/Santiago")
	tests := []struct {
		name string
		day  Date
		wall time.Duration
		loc  *time.Location
		want string // RFC 3339
	}{
		{"ordinary", Date{2026, 3, 6}, 9 * time.Hour, ny, "2026-03-06T09:00:00-05:00"},
		{"skipped 02:30 moves forward", Date{2026, 3, 8}, 150 * time.Minute, ny, "2026-03-08T03:30:00-04:00"},
		{"repeated 01:30 is the first", Date{2026, 11, 1}, 90 * time.Minute, ny, "2026-11-01T01:30:00-04:00"},
		{"24:00 is the next midnight", Date{2026, 3, 7}, 24 * time.Hour, ny, "2026-03-08T00:00:00-05:00"},
		{"Havana: skipped midnight is 01:00", Date{2026, 3, 8}, 0, havana, "2026-03-08T01:00:00-04:00"},
		{"Havana: 24:00 before a skipped midnight", Date{2026, 3, 7}, 24 * time.Hour, havana, "2026-03-08T01:00:00-04:00"},
		{"Santiago: repeated 23:30 is the first", Date{2026, 4, 4}, 23*time.Hour + 30*time.Minute, santiago, "2026-04-04T23:30:00-03:00"},
		{"Santiago: 24:00 after the repeated hour", Date{2026, 4, 4}, 24 * time.Hour, santiago, "2026-04-05T00:00:00-04:00"},
	}
	for _, tc := range tests {
		got := localAt(tc.day.days(), int64(tc.wall/time.Second), tc.loc)
		want, err := time.Parse(time.RFC3339, tc.want)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(want) {
			t.Errorf("%s: localAt(%v, %v) = %v, want %v", tc.name, tc.day, tc.wall, got, want)
		}
	}
	if got, want := (Date{2026, 3, 8}).In(havana), localAt(Date{2026, 3, 8}.days(), 0, havana); !got.Equal(want) {
		t.Errorf("Date.In = %v, want %v", got, want)
	}
}
