package i18n

import (
	"fmt"
	"math"
	"strings"
	"time"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Formatter formats dates, numbers and money for one locale.
type Formatter struct {
	Locale string
	tag    language.Tag
	p      *message.Printer
}

// NewFormatter returns the formatter for a locale (unknown locales format
// as English; the pseudo-locale formats as English).
func NewFormatter(locale string) Formatter {
	tag, err := language.Parse(locale)
	if err != nil || locale == Pseudo {
		tag = language.English
	}
	return Formatter{Locale: locale, tag: tag, p: message.NewPrinter(tag)}
}

// dateLayouts per base language: day-month order matters to readers.
var dateLayouts = map[string][2]string{
	"en-US": {"Jan 2, 2006", "Jan 2, 2006 15:04"},
	"en":    {"2 Jan 2006", "2 Jan 2006 15:04"},
	"de":    {"02.01.2006", "02.01.2006 15:04"},
	"fr":    {"02/01/2006", "02/01/2006 15:04"},
	"da":    {"02.01.2006", "02.01.2006 15:04"},
}

func (f Formatter) layouts() [2]string {
	if l, ok := dateLayouts[f.tag.String()]; ok {
		return l
	}
	base, _ := f.tag.Base()
	if l, ok := dateLayouts[base.String()]; ok {
		return l
	}
	return dateLayouts["en"]
}

// Date formats the calendar day of t in loc ("2 Mar 2026").
func (f Formatter) Date(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	if loc != nil {
		t = t.In(loc)
	}
	return t.Format(f.layouts()[0])
}

// DateTime formats day and time of t in loc ("2 Mar 2026 14:05").
func (f Formatter) DateTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	if loc != nil {
		t = t.In(loc)
	}
	return t.Format(f.layouts()[1])
}

// Number formats an integer with the locale's grouping ("12,345").
func (f Formatter) Number(n int64) string { return f.p.Sprintf("%d", n) }

// Decimal formats a number with d decimals.
func (f Formatter) Decimal(x float64, d int) string {
	return f.p.Sprintf("%.*f", d, x)
}

// Money formats an amount in minor units (cents) of an ISO 4217 currency:
// "$12.50", "€12.50", "12.50 SEK" depending on the currency and locale.
func (f Formatter) Money(minor int64, code string) string {
	unit, err := currency.ParseISO(strings.ToUpper(code))
	if err != nil {
		return fmt.Sprintf("%s %s", f.Decimal(float64(minor)/100, 2), code)
	}
	scale, _ := currency.Standard.Rounding(unit)
	amount := float64(minor) / math.Pow10(scale)
	return f.p.Sprintf("%v", currency.Symbol(unit.Amount(amount)))
}
