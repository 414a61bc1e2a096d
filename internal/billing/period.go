package billing

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"interlend/internal/stats"
)

// ParsePeriod reads an invoice period in loc: a year ("2026"), a quarter
// ("2026-Q3") or a month ("2026-11"). The period runs from its first
// midnight to the next period's.
func ParsePeriod(s string, loc *time.Location) (stats.Period, error) {
	if loc == nil {
		loc = time.UTC
	}
	s = strings.ToUpper(strings.TrimSpace(s))
	bad := fmt.Errorf("period %q: want a year (2026), a quarter (2026-Q3) or a month (2026-11)", s)
	y, rest, _ := strings.Cut(s, "-")
	year, err := strconv.Atoi(y)
	if err != nil || len(y) != 4 || year < 1970 || year > 9999 {
		return stats.Period{}, bad
	}
	start := func(m int) time.Time { return time.Date(year, time.Month(m), 1, 0, 0, 0, 0, loc) }
	switch {
	case rest == "":
		return stats.Period{From: start(1), To: start(1).AddDate(1, 0, 0)}, nil
	case len(rest) == 2 && rest[0] == 'Q' && rest[1] >= '1' && rest[1] <= '4':
		q := int(rest[1] - '0')
		return stats.Period{From: start(3*q - 2), To: start(3*q-2).AddDate(0, 3, 0)}, nil
	case len(rest) == 2:
		m, err := strconv.Atoi(rest)
		if err != nil || m < 1 || m > 12 {
			return stats.Period{}, bad
		}
		return stats.Period{From: start(m), To: start(m).AddDate(0, 1, 0)}, nil
	}
	return stats.Period{}, bad
}

// FiscalYearOf is the fiscal year (starting on startDay of startMonth)
// that contains t, in t's location.
func FiscalYearOf(t time.Time, startMonth time.Month, startDay int) stats.Period {
	if startMonth < time.January || startMonth > time.December {
		startMonth = time.January
	}
	if startDay < 1 || startDay > 28 {
		startDay = 1
	}
	y := t.Year()
	if t.Month() < startMonth || t.Month() == startMonth && t.Day() < startDay {
		y--
	}
	return stats.FiscalYear(y, t.Location(), stats.FiscalStart{Month: startMonth, Day: startDay})
}

// FiscalYearLabel names a fiscal year: "2026" when it is the calendar
// year, else "2026/27".
func FiscalYearLabel(p stats.Period) string {
	if p.From.Month() == time.January && p.From.Day() == 1 {
		return strconv.Itoa(p.From.Year())
	}
	return fmt.Sprintf("%d/%02d", p.From.Year(), (p.From.Year()+1)%100)
}
