package iso18626

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// DateTime is an xs:dateTime value of a message. It is kept in UTC to the
// second: ISO 18626 prescribes YYYY-MM-DDThh:mm:ssZ, which is what Marshal
// writes, so sub-second digits and offsets of incoming values are folded
// into that form when parsed.
//
// The zero DateTime means "not given": the element was absent, or (with
// Tolerance.ZeroDates) present but empty or a zero date such as
// 0000-00-00T00:00:00 or 0001-01-01T00:00:00Z. Callers check IsZero, for
// example on deliveryInfo/dateSent, which some partners send empty.
type DateTime struct {
	time.Time
}

// At returns t as a DateTime in UTC, truncated to the second. The zero time
// gives the zero DateTime.
func At(t time.Time) DateTime {
	if t.IsZero() {
		return DateTime{}
	}
	return DateTime{t.UTC().Truncate(time.Second)}
}

// Equal reports whether d and o denote the same instant (both zero counts as
// equal).
func (d DateTime) Equal(o DateTime) bool { return d.Time.Equal(o.Time) }

// wireLayout is the strict form Marshal emits.
const wireLayout = "2006-01-02T15:04:05Z"

// String is the wire form (YYYY-MM-DDThh:mm:ssZ), or "" for the zero value.
func (d DateTime) String() string {
	if d.IsZero() {
		return ""
	}
	return d.UTC().Format(wireLayout)
}

// appendWire appends the wire form; the zero value is written as
// 0001-01-01T00:00:00Z so that a mandatory element stays a valid xs:dateTime.
func (d DateTime) appendWire(b []byte) []byte { return d.UTC().AppendFormat(b, wireLayout) }

// writable reports whether the value fits the four-digit year of the wire form.
func (d DateTime) writable() bool {
	y := d.UTC().Year()
	return y >= 1 && y <= 9999
}

// ErrDateTime is returned (wrapped) for text that is not a date-time.
var ErrDateTime = errors.New("iso18626: not an xs:dateTime")

// liberalLayouts are tried in order after the fast path. A layout without a
// zone reads the value as UTC. time.Parse accepts fractional seconds after
// the seconds field even when the layout has none.
var liberalLayouts = []string{
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
}

// dateOnlyLayouts are dates without a time. ISO 18626 says to use 23:59:59Z
// when only the day matters, so that is the time they get.
var dateOnlyLayouts = []string{"2006-01-02Z07:00", "2006-01-02"}

// ParseDateTime reads an xs:dateTime liberally: fractional seconds, offsets
// (converted to UTC), no zone (read as UTC), a space instead of T, and a bare
// date (read as 23:59:59Z that day). It does not accept empty text; see
// isZeroDateText for the zero forms that tolerance maps to the zero value.
//
// Values that fall outside the years 0001 to 9999 once in UTC are refused:
// they have no YYYY-MM-DDThh:mm:ssZ form.
func ParseDateTime(s string) (DateTime, error) {
	s = strings.TrimSpace(s)
	if t, ok := parseWire(s); ok {
		return DateTime{t}, nil
	}
	d, ok := parseLiberal(s)
	if !ok || !d.writable() {
		return DateTime{}, fmt.Errorf("%w: %q", ErrDateTime, s)
	}
	return d, nil
}

func parseLiberal(s string) (DateTime, bool) {
	for _, layout := range liberalLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return At(t), true
		}
	}
	for _, layout := range dateOnlyLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			y, m, d := t.Date()
			return DateTime{time.Date(y, m, d, 23, 59, 59, 0, time.UTC)}, true
		}
	}
	return DateTime{}, false
}

// parseWire is the allocation-free fast path for YYYY-MM-DDThh:mm:ssZ.
func parseWire(s string) (time.Time, bool) {
	if len(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' {
		return time.Time{}, false
	}
	num := func(i, n int) (int, bool) {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 2)
	d, ok3 := num(8, 2)
	h, ok4 := num(11, 2)
	mi, ok5 := num(14, 2)
	sec, ok6 := num(17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || y < 1 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC)
	if t.Day() != d { // 2025-02-30 normalises into March: not a valid date
		return time.Time{}, false
	}
	return t, true
}

// isZeroDateText reports text that partners send for "no date": empty, or
// only zeros and separators (0000-00-00, 0000-00-00T00:00:00Z, ...).
func isZeroDateText(s string) bool {
	for _, c := range []byte(strings.TrimSpace(s)) {
		switch c {
		case '0', '-', ':', 'T', 'Z', ' ', '.', '+':
		default:
			return false
		}
	}
	return true
}
