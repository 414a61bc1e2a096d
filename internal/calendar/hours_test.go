package calendar

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseHours(t *testing.T) {
	t.Parallel()
	h := func(open, close time.Duration) Hours { return Hours{open, close} }
	tests := []struct {
		in      string
		want    Hours
		wantErr string
	}{
		{in: "09:00-17:00", want: h(9*time.Hour, 17*time.Hour)},
		{in: " 9:00 - 17:30 ", want: h(9*time.Hour, 17*time.Hour+30*time.Minute)},
		{in: "08:00–12:00", want: h(8*time.Hour, 12*time.Hour)},
		{in: "00:00-24:00", want: h(0, 24*time.Hour)},
		{in: "09:00:30-17:00", want: h(9*time.Hour+30*time.Second, 17*time.Hour)},
		{in: "closed", want: Closed},
		{in: "Closed", want: Closed},
		{in: "", want: Closed},
		{in: "17:00-09:00", wantErr: "closes at 09:00, not after it opens at 17:00"},
		{in: "09:00-09:00", wantErr: "closes at 09:00, not after it opens at 09:00"},
		{in: "09:00-24:30", wantErr: "after 24:00"},
		{in: "09:00-25:00", wantErr: "want HH:MM"},
		{in: "9-17", wantErr: "want HH:MM"},
		{in: "09:00", wantErr: "want HH:MM-HH:MM or closed"},
		{in: "09:5-17:00", wantErr: "want HH:MM"},
		{in: "ab:cd-17:00", wantErr: "want HH:MM"},
	}
	for _, tc := range tests {
		got, err := ParseHours(tc.in)
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseHours(%q) error = %v, want one containing %q", tc.in, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("ParseHours(%q): %v", tc.in, err)
		case got != tc.want:
			t.Errorf("ParseHours(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestHoursString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   Hours
		want string
	}{
		{Hours{9 * time.Hour, 17 * time.Hour}, "09:00-17:00"},
		{Hours{0, 24 * time.Hour}, "00:00-24:00"},
		{Hours{9*time.Hour + 30*time.Second, 10 * time.Hour}, "09:00:30-10:00"},
		{Closed, "closed"},
	}
	for _, tc := range tests {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.in, got, tc.want)
		}
		back, err := ParseHours(tc.want)
		if err != nil || back != tc.in {
			t.Errorf("ParseHours(%q) = %v, %v; want %v", tc.want, back, err, tc.in)
		}
	}
}

func TestWeekJSON(t *testing.T) {
	t.Parallel()
	var w Week
	in := `{"Monday":"09:00-17:00","TUE":"09:00-12:00","sun":"closed"}`
	if err := json.Unmarshal([]byte(in), &w); err != nil {
		t.Fatal(err)
	}
	want := Week{time.Monday: {9 * time.Hour, 17 * time.Hour}, time.Tuesday: {9 * time.Hour, 12 * time.Hour}}
	if w != want {
		t.Errorf("Unmarshal(%s) = %v, want %v", in, w, want)
	}
	b, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	const wantJSON = `{"mon":"09:00-17:00","tue":"09:00-12:00","wed":"closed","thu":"closed","fri":"closed","sat":"closed","sun":"closed"}`
	if string(b) != wantJSON {
		t.Errorf("Marshal = %s, want %s", b, wantJSON)
	}
	for _, bad := range []string{`{"mon":"09:00-17:00","monday":"10:00-12:00"}`, `{"funday":"09:00-17:00"}`, `{"mon":"17:00-09:00"}`, `["mon"]`} {
		if err := json.Unmarshal([]byte(bad), &w); err == nil {
			t.Errorf("Unmarshal(%s) succeeded, want an error", bad)
		}
	}
}
