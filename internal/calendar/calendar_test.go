package calendar

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCalendarJSON(t *testing.T) {
	t.Parallel()
	const in = `{"timeZone":"America/New_York",
		"week":{"mon":"09:00-17:00","tue":"09:00-17:00","wed":"09:00-17:00","thu":"09:00-20:00","fri":"09:00-17:00","sat":"10:00-14:00"},
		"closures":[{"from":"2026-12-24","to":"2027-01-01","name":"Winter break"},{"from":"2026-07-03","name":"Independence Day"}]}`
	var c Calendar
	if err := json.Unmarshal([]byte(in), &c); err != nil {
		t.Fatal(err)
	}
	nine, five := 9*time.Hour, 17*time.Hour
	want := Calendar{
		Location: mustLoad(t, "America/New_York"),
		Week: Week{
			time.Monday: {nine, five}, time.Tuesday: {nine, five}, time.Wednesday: {nine, five},
			time.Thursday: {nine, 20 * time.Hour}, time.Friday: {nine, five}, time.Saturday: {10 * time.Hour, 14 * time.Hour},
		},
		Closures: []Closure{
			{From: Date{2026, 12, 24}, To: Date{2027, 1, 1}, Name: "Winter break"},
			{From: Date{2026, 7, 3}, To: Date{2026, 7, 3}, Name: "Independence Day"},
		},
	}
	if diff := cmp.Diff(want, c, cmp.Comparer(func(a, b *time.Location) bool { return a.String() == b.String() })); diff != "" {
		t.Errorf("Unmarshal mismatch (-want +got):\n%s", diff)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	const wantJSON = `{"timeZone":"America/New_York","week":{"mon":"09:00-17:00","tue":"09:00-17:00","wed":"09:00-17:00",` +
		`"thu":"09:00-20:00","fri":"09:00-17:00","sat":"10:00-14:00","sun":"closed"},"closures":[` +
		`{"from":"2026-12-24","to":"2027-01-01","name":"Winter break"},{"from":"2026-07-03","to":"2026-07-03","name":"Independence Day"}]}`
	if string(b) != wantJSON {
		t.Errorf("Marshal =\n%s\nwant\n%s", b, wantJSON)
	}
	var again Calendar
	if err := json.Unmarshal(b, &again); err != nil {
		t.Fatal(err)
	}
	if b2, _ := json.Marshal(again); string(b2) != string(b) {
		t.Errorf("second round trip =\n%s\nwant\n%s", b2, b)
	}
}

func TestCalendarJSONErrors(t *testing.T) {
	t.Parallel()
	const week = `"week":{"mon":"09:00-17:00"}`
	tests := []struct {
		name, in, want string
		invalid        bool // wraps ErrInvalid
	}{
		{"unknown zone", `{"timeZone":"Mars/Olympus_Mons",` + week + `}`, `time zone "Mars/Olympus_Mons"`, true},
		{"no zone", `{` + week + `}`, `timeZone ""`, true},
		{"Local zone", `{"timeZone":"Local",` + week + `}`, `want an IANA name`, true},
		{"close before open", `{"timeZone":"UTC","week":{"tue":"17:00-09:00"}}`,
			`invalid calendar: week: Tuesday: hours "17:00-09:00": closes at 09:00, not after it opens at 17:00`, true},
		{"no open day", `{"timeZone":"UTC","week":{"sun":"closed"}}`, "no open day in the week", true},
		{"closure ends before it starts", `{"timeZone":"UTC",` + week + `,"closures":[{"from":"2026-12-24","to":"2026-12-01","name":"Oops"}]}`,
			`closure "Oops": ends 2026-12-01 before it starts 2026-12-24`, true},
		{"closure without from", `{"timeZone":"UTC",` + week + `,"closures":[{"to":"2026-12-24"}]}`, `closure 1: from date missing`, true},
		{"impossible date", `{"timeZone":"UTC",` + week + `,"closures":[{"from":"2026-02-30"}]}`,
			`invalid calendar: closure 1: date "2026-02-30": want YYYY-MM-DD`, true},
		{"bad week", `{"timeZone":"UTC","week":{"mon":"nine to five"}}`, `week: Monday: hours "nine to five"`, true},
		{"wrong type", `{"timeZone":5}`, `calendar: json: cannot unmarshal number`, false},
		{"unknown field", `{"timeZone":"UTC",` + week + `,"holidays":[]}`, `unknown field "holidays"`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var c Calendar
			err := json.Unmarshal([]byte(tc.in), &c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Unmarshal(%s) error = %v, want one containing %q", tc.in, err, tc.want)
			}
			if tc.invalid && !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	week := Week{time.Monday: {9 * time.Hour, 17 * time.Hour}}
	tests := []struct {
		name string
		c    Calendar
		want string // "" for valid
	}{
		{"valid", Calendar{Location: time.UTC, Week: week}, ""},
		{"overlapping closures are fine", Calendar{Location: time.UTC, Week: week, Closures: []Closure{
			{From: Date{2026, 12, 20}, To: Date{2026, 12, 31}}, {From: Date{2026, 12, 24}, To: Date{2027, 1, 2}}}}, ""},
		{"no location", Calendar{Week: week}, "time zone missing"},
		{"negative open", Calendar{Location: time.UTC, Week: Week{{-time.Hour, time.Hour}}}, "outside 00:00-24:00"},
		{"fractional seconds", Calendar{Location: time.UTC, Week: Week{{time.Millisecond, time.Hour}}}, "not whole seconds"},
		{"invalid closure date", Calendar{Location: time.UTC, Week: week, Closures: []Closure{{From: Date{2026, 2, 30}, To: Date{2026, 3, 1}}}},
			"no such date 2026-02-30"},
	}
	for _, tc := range tests {
		err := tc.c.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: Validate: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalid)):
			t.Errorf("%s: Validate = %v, want ErrInvalid containing %q", tc.name, err, tc.want)
		}
		if _, nerr := New(tc.c); (nerr == nil) != (tc.want == "") {
			t.Errorf("%s: New error = %v, want error %v", tc.name, nerr, tc.want != "")
		}
	}
}

func TestScheduleCalendarIsACopy(t *testing.T) {
	t.Parallel()
	c := Calendar{Location: time.UTC, Week: Week{time.Monday: {9 * time.Hour, 17 * time.Hour}},
		Closures: []Closure{{From: Date{2026, 12, 1}, To: Date{2026, 12, 1}, Name: "b"}, {From: Date{2026, 1, 1}, To: Date{2026, 1, 1}, Name: "a"}}}
	s, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	c.Closures[0].Name = "changed"
	got := s.Calendar()
	got.Closures[0].Name = "changed too"
	if names := []string{s.Calendar().Closures[0].Name, s.Calendar().Closures[1].Name}; !cmp.Equal(names, []string{"a", "b"}) {
		t.Errorf("closures = %v, want [a b] sorted and unaffected by changes", names)
	}
}
