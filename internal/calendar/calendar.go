package calendar

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ErrInvalid is wrapped by every error about a Calendar's content.
var ErrInvalid = errors.New("invalid calendar")

// Calendar is a library's business calendar as stored in settings and in
// the directory. New compiles it into a Schedule.
type Calendar struct {
	// Location is the library's time zone; days and hours are counted in it.
	Location *time.Location
	// Week holds the opening hours of each weekday (Sunday = 0).
	Week Week
	// Closures are dates the library is closed on, whatever the weekday.
	// They may overlap.
	Closures []Closure
}

// Closure is a run of days the library is closed, both ends included.
type Closure struct {
	From Date   `json:"from"`
	To   Date   `json:"to"`
	Name string `json:"name,omitempty"`
}

// Validate reports the first problem found, wrapping ErrInvalid: no time
// zone, hours outside 00:00-24:00 or closing before they open, no open day
// in the week, a closure with a missing or impossible date or ending
// before it starts.
func (c Calendar) Validate() error {
	if c.Location == nil {
		return fmt.Errorf("%w: time zone missing", ErrInvalid)
	}
	open := false
	for d, h := range c.Week {
		if err := h.validate(); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrInvalid, time.Weekday(d), err)
		}
		open = open || h.IsOpen()
	}
	if !open {
		return fmt.Errorf("%w: no open day in the week", ErrInvalid)
	}
	for _, cl := range c.Closures {
		if err := cl.validate(); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
	}
	return nil
}

func (cl Closure) validate() error {
	name := fmt.Sprintf("closure %q", cl.Name)
	switch {
	case cl.From.IsZero() || cl.To.IsZero():
		return fmt.Errorf("%s: from and to dates are needed", name)
	case !cl.From.IsValid():
		return fmt.Errorf("%s: no such date %s", name, cl.From)
	case !cl.To.IsValid():
		return fmt.Errorf("%s: no such date %s", name, cl.To)
	case cl.To.Before(cl.From):
		return fmt.Errorf("%s: ends %s before it starts %s", name, cl.To, cl.From)
	}
	return nil
}

// calendarJSON is the stored form:
// {"timeZone":"America/New_York","week":{"mon":"09:00-17:00",...},
// "closures":[{"from":"2026-12-24","to":"2027-01-01","name":"Winter break"}]}.
type calendarJSON struct {
	TimeZone string          `json:"timeZone"`
	Week     json.RawMessage `json:"week"`
	Closures []closureJSON   `json:"closures,omitempty"`
}

// closureJSON lets "to" be left out for a one-day closure.
type closureJSON struct {
	From string `json:"from"`
	To   string `json:"to,omitempty"`
	Name string `json:"name,omitempty"`
}

// MarshalJSON writes the stored form. A nil Location is written as "".
func (c Calendar) MarshalJSON() ([]byte, error) {
	week, err := c.Week.MarshalJSON()
	if err != nil {
		return nil, err
	}
	out := calendarJSON{Week: week}
	if c.Location != nil {
		out.TimeZone = c.Location.String()
	}
	for _, cl := range c.Closures {
		out.Closures = append(out.Closures, closureJSON{From: cl.From.String(), To: cl.To.String(), Name: cl.Name})
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads the stored form (unknown fields are an error),
// loads the time zone by its IANA name and validates the result. Errors
// about the content wrap ErrInvalid.
func (c *Calendar) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var in calendarJSON
	if err := dec.Decode(&in); err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	if in.TimeZone == "" || in.TimeZone == "Local" {
		return fmt.Errorf("%w: timeZone %q: want an IANA name such as America/New_York", ErrInvalid, in.TimeZone)
	}
	loc, err := time.LoadLocation(in.TimeZone)
	if err != nil {
		return fmt.Errorf("%w: time zone %q: %w", ErrInvalid, in.TimeZone, err)
	}
	out := Calendar{Location: loc}
	if len(in.Week) > 0 {
		if out.Week, err = parseWeek(in.Week); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
	}
	for i, cj := range in.Closures {
		cl, err := cj.closure()
		if err != nil {
			return fmt.Errorf("%w: closure %d: %w", ErrInvalid, i+1, err)
		}
		out.Closures = append(out.Closures, cl)
	}
	if err := out.Validate(); err != nil {
		return err
	}
	*c = out
	return nil
}

func (cj closureJSON) closure() (Closure, error) {
	cl := Closure{Name: cj.Name}
	if cj.From == "" {
		return cl, fmt.Errorf("from date missing")
	}
	var err error
	if cl.From, err = parseDate(cj.From); err != nil {
		return cl, err
	}
	cl.To = cl.From
	if cj.To != "" {
		if cl.To, err = parseDate(cj.To); err != nil {
			return cl, err
		}
	}
	return cl, nil
}
