package calendar

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Hours are the opening hours of one weekday, as durations since local
// midnight on the wall clock; Close may be 24h (open until midnight). The
// zero value means closed all day.
type Hours struct {
	Open  time.Duration
	Close time.Duration
}

// Closed is the Hours of a day the library does not open.
var Closed = Hours{}

// IsOpen reports whether the library opens at all on such a day.
func (h Hours) IsOpen() bool { return h.Close > h.Open }

// ParseHours reads "09:00-17:00" (also "9:00-17:00", "09:00:30-17:00",
// an en dash, "00:00-24:00"), or "closed" or "" for a closed day.
func ParseHours(s string) (Hours, error) {
	h, err := parseHours(s)
	if err != nil {
		return Hours{}, fmt.Errorf("calendar: %w", err)
	}
	return h, nil
}

func parseHours(s string) (Hours, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "closed") {
		return Closed, nil
	}
	open, closing, ok := strings.Cut(strings.ReplaceAll(s, "–", "-"), "-")
	if !ok {
		return Hours{}, fmt.Errorf("hours %q: want HH:MM-HH:MM or closed", s)
	}
	o, err := parseClock(open)
	if err != nil {
		return Hours{}, fmt.Errorf("hours %q: %w", s, err)
	}
	c, err := parseClock(closing)
	if err != nil {
		return Hours{}, fmt.Errorf("hours %q: %w", s, err)
	}
	h := Hours{Open: o, Close: c}
	if err := h.validate(); err != nil {
		return Hours{}, fmt.Errorf("hours %q: %w", s, err)
	}
	return h, nil
}

// parseClock reads H:MM, HH:MM or HH:MM:SS, up to 24:00.
func parseClock(s string) (time.Duration, error) {
	parts := strings.Split(strings.TrimSpace(s), ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	limits := []int{24, 59, 59}
	units := []time.Duration{time.Hour, time.Minute, time.Second}
	var d time.Duration
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > limits[i] || len(p) > 2 || (i > 0 && len(p) != 2) {
			return 0, fmt.Errorf("time %q: want HH:MM", s)
		}
		d += time.Duration(n) * units[i]
	}
	if d > 24*time.Hour {
		return 0, fmt.Errorf("time %q is after 24:00", s)
	}
	return d, nil
}

func (h Hours) validate() error {
	if h == Closed {
		return nil
	}
	switch {
	case h.Open < 0 || h.Close > 24*time.Hour:
		return fmt.Errorf("hours %s-%s: outside 00:00-24:00", clock(h.Open), clock(h.Close))
	case h.Open%time.Second != 0 || h.Close%time.Second != 0:
		return fmt.Errorf("hours %v-%v: not whole seconds", h.Open, h.Close)
	case h.Close <= h.Open:
		return fmt.Errorf("closes at %s, not after it opens at %s", clock(h.Close), clock(h.Open))
	}
	return nil
}

// String writes "09:00-17:00" or "closed".
func (h Hours) String() string {
	if h == Closed {
		return "closed"
	}
	return clock(h.Open) + "-" + clock(h.Close)
}

func clock(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	s := fmt.Sprintf("%s%02d:%02d", sign, int(d/time.Hour), int(d%time.Hour/time.Minute))
	if sec := d % time.Minute / time.Second; sec != 0 {
		s += fmt.Sprintf(":%02d", int(sec))
	}
	return s
}

// MarshalText writes the String form.
func (h Hours) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText reads what ParseHours reads.
func (h *Hours) UnmarshalText(b []byte) error {
	v, err := ParseHours(string(b))
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// Week holds the Hours of each weekday, indexed by time.Weekday
// (Sunday = 0).
type Week [7]Hours

// dayKeys are the JSON keys of a Week, in the order they are written.
var dayKeys = [7]struct {
	key string
	day time.Weekday
}{
	{"mon", time.Monday}, {"tue", time.Tuesday}, {"wed", time.Wednesday}, {"thu", time.Thursday},
	{"fri", time.Friday}, {"sat", time.Saturday}, {"sun", time.Sunday},
}

// MarshalJSON writes {"mon":"09:00-17:00",...,"sun":"closed"}, Monday first.
func (w Week) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range dayKeys {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%q", k.key, w[k.day].String())
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads an object keyed by mon..sun (or monday..sunday, any
// case); a day left out is closed.
func (w *Week) UnmarshalJSON(b []byte) error {
	v, err := parseWeek(b)
	if err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	*w = v
	return nil
}

func parseWeek(b []byte) (Week, error) {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return Week{}, fmt.Errorf("week: %w", err)
	}
	var out Week
	seen := map[time.Weekday]bool{}
	for k, v := range m {
		day, ok := parseWeekday(k)
		if !ok {
			return Week{}, fmt.Errorf("week: unknown day %q", k)
		}
		if seen[day] {
			return Week{}, fmt.Errorf("week: %s given twice", day)
		}
		seen[day] = true
		h, err := parseHours(v)
		if err != nil {
			return Week{}, fmt.Errorf("week: %s: %w", day, err)
		}
		out[day] = h
	}
	return out, nil
}

func parseWeekday(s string) (time.Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if s == name || s == name[:3] {
			return d, true
		}
	}
	return 0, false
}
