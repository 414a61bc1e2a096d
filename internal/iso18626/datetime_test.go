package iso18626

import (
	"errors"
	"testing"
	"time"
)

func TestParseDateTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string // wire form; "" for the zero value
	}{
		{"2025-03-03T14:05:12Z", "2025-03-03T14:05:12Z"},
		{" 2025-03-03T14:05:12Z\n", "2025-03-03T14:05:12Z"},
		{"2025-03-03T14:05:12.123456789Z", "2025-03-03T14:05:12Z"},
		{"2025-03-03T14:05:12+02:00", "2025-03-03T12:05:12Z"},
		{"2025-03-03T23:30:00-05:00", "2025-03-04T04:30:00Z"},
		{"2025-03-03T14:05:12+0200", "2025-03-03T12:05:12Z"},
		{"2025-03-03T14:05:12", "2025-03-03T14:05:12Z"},
		{"2025-03-03T14:05:12.5", "2025-03-03T14:05:12Z"},
		{"2025-03-03 14:05:12", "2025-03-03T14:05:12Z"},
		{"2025-03-03T14:05Z", "2025-03-03T14:05:00Z"},
		{"2025-03-03", "2025-03-03T23:59:59Z"},
		{"2025-03-03Z", "2025-03-03T23:59:59Z"},
		{"0001-01-01T00:00:00Z", ""},
	}
	for _, tt := range tests {
		d, err := ParseDateTime(tt.in)
		if err != nil {
			t.Errorf("ParseDateTime(%q): %v", tt.in, err)
			continue
		}
		if got := d.String(); got != tt.want {
			t.Errorf("ParseDateTime(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if d.Location() != time.UTC && !d.IsZero() {
			t.Errorf("ParseDateTime(%q) location %v, want UTC", tt.in, d.Location())
		}
	}
}

func TestParseDateTimeRejects(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "yesterday", "2025-02-30T00:00:00Z", "2025-13-01T00:00:00Z",
		"2025-03-03T24:00:01Z", "0000-00-00T00:00:00", "03/03/2025", "2025-03-03T14:05:12ZZ",
		"0000-06-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00"} {
		if d, err := ParseDateTime(in); !errors.Is(err, ErrDateTime) {
			t.Errorf("ParseDateTime(%q) = %v, %v; want ErrDateTime", in, d, err)
		}
	}
}

func TestAtTruncatesToUTCSeconds(t *testing.T) {
	t.Parallel()
	loc := time.FixedZone("X", 3600)
	d := At(time.Date(2025, 1, 2, 3, 4, 5, 999_999_999, loc))
	if got, want := d.String(), "2025-01-02T02:04:05Z"; got != want {
		t.Errorf("At(...).String() = %q, want %q", got, want)
	}
	if !At(time.Time{}).IsZero() || At(time.Time{}).String() != "" {
		t.Errorf("At(zero) = %v, want the zero DateTime", At(time.Time{}))
	}
}

func TestIsZeroDateText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"": true, " ": true, "0000-00-00": true, "0000-00-00T00:00:00Z": true, "0000-00-00 00:00:00.000": true,
		"2025-01-01": false, "0001-01-01T00:00:00Z": false, "null": false,
	} {
		if got := isZeroDateText(in); got != want {
			t.Errorf("isZeroDateText(%q) = %v, want %v", in, got, want)
		}
	}
}
