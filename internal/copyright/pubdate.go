package copyright

import (
	"strconv"
	"strings"
	"time"
)

// PubDate is a publication date as precisely as the citation gives it; a
// zero Month or Day means not known. The zero PubDate means no date at all.
type PubDate struct {
	Year  int `json:"year,omitempty"`
	Month int `json:"month,omitempty"`
	Day   int `json:"day,omitempty"`
}

// Known reports whether at least the year is known.
func (p PubDate) Known() bool { return p.Year > 0 }

// String is "2019", "2019-05" or "2019-05-03" ("" when unknown).
func (p PubDate) String() string {
	switch {
	case p.Year <= 0:
		return ""
	case p.Month <= 0:
		return strconv.Itoa(p.Year)
	case p.Day <= 0:
		return strconv.Itoa(p.Year) + "-" + twoDigits(p.Month)
	}
	return strconv.Itoa(p.Year) + "-" + twoDigits(p.Month) + "-" + twoDigits(p.Day)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// Latest is the last day the date could mean (2019 -> 2019-12-31,
// 2019-02 -> 2019-02-28), at midnight UTC.
func (p PubDate) Latest() time.Time {
	switch {
	case p.Month <= 0:
		return time.Date(p.Year, 12, 31, 0, 0, 0, 0, time.UTC)
	case p.Day <= 0:
		return time.Date(p.Year, time.Month(p.Month)+1, 0, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(p.Year, time.Month(p.Month), p.Day, 0, 0, 0, 0, time.UTC)
}

// Earliest is the first day the date could mean, at midnight UTC.
func (p PubDate) Earliest() time.Time {
	m, d := max(p.Month, 1), max(p.Day, 1)
	return time.Date(p.Year, time.Month(m), d, 0, 0, 0, 0, time.UTC)
}

var monthNames = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

// ParsePubDate reads a cited publication date: "2019", "2019-05",
// "2019-05-03", "2019/05/03", "May 2019", "3 May 2019", "Spring 2019",
// "2019/2020". When several years appear the latest is taken (the
// conservative reading for the CONTU window). ok is false when no year in
// 1000-2999 is found.
func ParsePubDate(s string) (p PubDate, ok bool) {
	s = strings.TrimSpace(s)
	if d, ok := parseISODate(s); ok {
		return d, true
	}
	fields := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z')
	})
	month, day := 0, 0
	for _, f := range fields {
		if len(f) == 4 && f[0] >= '1' && f[0] <= '2' && allDigits(f) {
			y, _ := strconv.Atoi(f)
			if y > p.Year {
				p.Year = y
			}
			continue
		}
		if len(f) >= 3 {
			if m, ok := monthNames[f[:3]]; ok && month == 0 {
				month = m
				continue
			}
		}
		if n, err := strconv.Atoi(f); err == nil && n >= 1 && n <= 31 && day == 0 {
			day = n
		}
	}
	if p.Year == 0 {
		return PubDate{}, false
	}
	if month > 0 {
		p.Month = month
		if day > 0 && validDay(p.Year, month, day) {
			p.Day = day
		}
	}
	return p, true
}

// parseISODate accepts YYYY, YYYY-MM, YYYY-MM-DD (hyphens or slashes).
func parseISODate(s string) (PubDate, bool) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' })
	if len(parts) == 0 || len(parts) > 3 || len(parts[0]) != 4 || !allDigits(parts[0]) {
		return PubDate{}, false
	}
	var p PubDate
	p.Year, _ = strconv.Atoi(parts[0])
	if p.Year < 1000 || p.Year > 2999 {
		return PubDate{}, false
	}
	if len(parts) >= 2 {
		if len(parts[1]) > 2 || !allDigits(parts[1]) {
			return PubDate{}, false
		}
		p.Month, _ = strconv.Atoi(parts[1])
		if p.Month < 1 || p.Month > 12 {
			return PubDate{}, false
		}
	}
	if len(parts) == 3 {
		if len(parts[2]) > 2 || !allDigits(parts[2]) {
			return PubDate{}, false
		}
		p.Day, _ = strconv.Atoi(parts[2])
		if !validDay(p.Year, p.Month, p.Day) {
			return PubDate{}, false
		}
	}
	return p, true
}

func validDay(y, m, d int) bool {
	if d < 1 || m < 1 || m > 12 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// InWindow applies R1's window to a publication date and a request date
// (taken in the library's time zone). known is false when the publication
// year is unknown; in is then true, the conservative reading.
func (r Rules) InWindow(pub PubDate, requested time.Time) (in, known bool) {
	if !pub.Known() {
		return true, false
	}
	ry := requested.Year()
	if r.WindowMode == WindowRolling {
		edge := time.Date(ry-r.WindowYears, requested.Month(), requested.Day(), 0, 0, 0, 0, time.UTC)
		return !pub.Latest().Before(edge), true
	}
	return pub.Year > ry-r.WindowYears, true
}
