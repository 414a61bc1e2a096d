package calendar

import (
	"encoding/json"
	"testing"
	"time"
)

// mustSchedule builds a Schedule from the stored JSON form.
func mustSchedule(tb testing.TB, js string) *Schedule {
	tb.Helper()
	var c Calendar
	if err := json.Unmarshal([]byte(js), &c); err != nil {
		tb.Fatalf("calendar %s: %v", js, err)
	}
	s, err := New(c)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return s
}

func mustLoad(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

func date(tb testing.TB, s string) Date {
	tb.Helper()
	d, err := ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// at is a local time in loc, written "2006-01-02 15:04:05".
func at(tb testing.TB, loc *time.Location, s string) time.Time {
	tb.Helper()
	t, err := time.ParseInLocation(time.DateTime, s, loc)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// weekdays9to5 is the week most tests use.
const weekdays9to5 = `{"mon":"09:00-17:00","tue":"09:00-17:00","wed":"09:00-17:00","thu":"09:00-17:00","fri":"09:00-17:00"}`

// nycJSON is a New York library, open on weekdays, with US holidays of
// 2026 and a winter break over the year end.
const nycJSON = `{"timeZone":"America/New_York","week":` + weekdays9to5 + `,"closures":[
	{"from":"2026-01-19","name":"Martin Luther King Jr. Day"},
	{"from":"2026-05-25","to":"2026-05-25","name":"Memorial Day"},
	{"from":"2026-07-03","name":"Independence Day (observed)"},
	{"from":"2026-11-26","to":"2026-11-27","name":"Thanksgiving"},
	{"from":"2026-12-24","to":"2027-01-01","name":"Winter break"}]}`
