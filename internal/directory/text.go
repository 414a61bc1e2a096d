package directory

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"interlend/internal/calendar"
)

// Text forms of list fields, shared by the CSV format and the web form:
// opening hours, closures, "|"-separated lists, numbers and yes/no.

// days of the week as written in CSV hours, Monday first.
var weekDays = []struct {
	key string
	day time.Weekday
}{{"mon", time.Monday}, {"tue", time.Tuesday}, {"wed", time.Wednesday}, {"thu", time.Thursday}, {"fri", time.Friday}, {"sat", time.Saturday}, {"sun", time.Sunday}}

func dayIndex(s string) (int, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for i, d := range weekDays {
		if s == d.key || s == strings.ToLower(d.day.String()) {
			return i, true
		}
	}
	return 0, false
}

// ParseWeek reads opening hours such as "mon-fri 09:00-17:00|sat
// 10:00-14:00"; days not named are closed.
func ParseWeek(s string) (calendar.Week, error) {
	var w calendar.Week
	for _, item := range splitList(s) {
		spec, hours, ok := strings.Cut(item, " ")
		if !ok {
			return w, fmt.Errorf("hours %q: want days and hours such as mon-fri 09:00-17:00", item)
		}
		h, err := calendar.ParseHours(hours)
		if err != nil {
			return w, err
		}
		from, to, isRange := strings.Cut(spec, "-")
		a, ok1 := dayIndex(from)
		b, ok2 := a, true
		if isRange {
			b, ok2 = dayIndex(to)
		}
		if !ok1 || !ok2 || b < a {
			return w, fmt.Errorf("hours %q: %q is not a day or a range of days such as mon-fri", item, spec)
		}
		for i := a; i <= b; i++ {
			w[weekDays[i].day] = h
		}
	}
	return w, nil
}

// FormatWeek writes opening hours the way ParseWeek reads them, with runs
// of days of equal hours as ranges.
func FormatWeek(w calendar.Week) string {
	var out []string
	for i := 0; i < len(weekDays); {
		h := w[weekDays[i].day]
		j := i
		for j+1 < len(weekDays) && w[weekDays[j+1].day] == h {
			j++
		}
		if h.IsOpen() {
			spec := weekDays[i].key
			if j > i {
				spec += "-" + weekDays[j].key
			}
			out = append(out, spec+" "+h.String())
		}
		i = j + 1
	}
	return strings.Join(out, "|")
}

// ParseClosures reads closures such as "2026-12-24..2027-01-01 Winter
// break|2026-07-04 Independence Day".
func ParseClosures(s string) ([]calendar.Closure, error) {
	var out []calendar.Closure
	for _, item := range splitList(s) {
		dates, name, _ := strings.Cut(item, " ")
		from, to, isRange := strings.Cut(dates, "..")
		cl := calendar.Closure{Name: strings.TrimSpace(name)}
		var err error
		if cl.From, err = calendar.ParseDate(from); err != nil {
			return nil, fmt.Errorf("closure %q: %w", item, err)
		}
		cl.To = cl.From
		if isRange {
			if cl.To, err = calendar.ParseDate(to); err != nil {
				return nil, fmt.Errorf("closure %q: %w", item, err)
			}
		}
		out = append(out, cl)
	}
	return out, nil
}

// FormatClosures writes closures the way ParseClosures reads them.
func FormatClosures(cls []calendar.Closure) string {
	var out []string
	for _, c := range cls {
		s := c.From.String()
		if c.To != c.From {
			s += ".." + c.To.String()
		}
		if c.Name != "" {
			s += " " + c.Name
		}
		out = append(out, s)
	}
	return strings.Join(out, "|")
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func joinStrings[T ~string](xs []T) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = string(x)
	}
	return strings.Join(parts, "|")
}

func joinSymbols(xs []Symbol) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = x.String()
	}
	return strings.Join(parts, "|")
}

func itoa(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func atoi(v string, dst *int) error {
	if v == "" {
		*dst = 0
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("%q is not a whole number", v)
	}
	*dst = n
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "no", "n", "false", "0":
		return false, nil
	case "yes", "y", "true", "1":
		return true, nil
	}
	return false, fmt.Errorf("%q: want yes or no", v)
}
