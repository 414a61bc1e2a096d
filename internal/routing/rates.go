package routing

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/currency"

	"interlend/internal/calendar"
	"interlend/internal/ill"
)

// Rate is an exchange rate valid from a date: one unit of From is worth
// Value units of To from On until a newer rate for the pair. Value is a
// decimal such as "1.0842".
type Rate struct {
	From   string        `json:"from"`
	To     string        `json:"to"`
	Value  string        `json:"value"`
	On     calendar.Date `json:"on"`
	Source string        `json:"source,omitempty"`
}

// ErrNoRate is wrapped by Convert when no rate links two currencies on the
// date asked for.
var ErrNoRate = errors.New("no exchange rate")

// maxRate bounds a rate (and its inverse): anything beyond is a typo.
var maxRate = big.NewRat(1_000_000, 1)

// Validate normalises the currency codes and checks the rate: ISO 4217
// codes, two different currencies, a positive decimal of at most 12
// decimals and at most 1,000,000 (either way round), a valid date.
func (r *Rate) Validate() error {
	r.From, r.To = strings.ToUpper(strings.TrimSpace(r.From)), strings.ToUpper(strings.TrimSpace(r.To))
	r.Value = strings.TrimSpace(r.Value)
	for _, c := range []string{r.From, r.To} {
		if _, err := currency.ParseISO(c); err != nil || len(c) != 3 {
			return fmt.Errorf("currency %q is not an ISO 4217 code such as USD or EUR", c)
		}
	}
	if r.From == r.To {
		return fmt.Errorf("a rate needs two different currencies, not %s twice", r.From)
	}
	v, err := parseRate(r.Value)
	if err != nil {
		return err
	}
	inv := new(big.Rat).Inv(v)
	if v.Cmp(maxRate) > 0 || inv.Cmp(maxRate) > 0 {
		return fmt.Errorf("rate %s is out of range", r.Value)
	}
	if r.On.IsZero() || !r.On.IsValid() {
		return fmt.Errorf("rate %s→%s needs the date it is valid from", r.From, r.To)
	}
	return nil
}

// parseRate reads a positive decimal with at most 12 decimals.
func parseRate(s string) (*big.Rat, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if s == "" || !allDigits(whole) || !allDigits(frac) || whole == "" && frac == "" || len(frac) > 12 || len(whole) > 7 {
		return nil, fmt.Errorf("rate %q: want a positive decimal such as 1.0842", s)
	}
	v, ok := new(big.Rat).SetString(s)
	if !ok || v.Sign() <= 0 {
		return nil, fmt.Errorf("rate %q: want a positive decimal such as 1.0842", s)
	}
	return v, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Rates is a table of dated exchange rates. The zero value (or nil)
// converts only between equal currencies and zero amounts.
type Rates struct {
	pairs map[[2]string][]datedRate // by (from, to), oldest first
	codes []string                  // every currency named, sorted
}

type datedRate struct {
	on  calendar.Date
	val *big.Rat
}

// NewRates builds a table; invalid rates are an error naming the first.
func NewRates(rs []Rate) (*Rates, error) {
	t := &Rates{pairs: map[[2]string][]datedRate{}}
	for _, r := range rs {
		if err := r.Validate(); err != nil {
			return nil, err
		}
		v, _ := parseRate(r.Value)
		k := [2]string{r.From, r.To}
		t.pairs[k] = append(t.pairs[k], datedRate{r.On, v})
		for _, c := range k {
			if !slices.Contains(t.codes, c) {
				t.codes = append(t.codes, c)
			}
		}
	}
	for k := range t.pairs {
		slices.SortStableFunc(t.pairs[k], func(a, b datedRate) int { return a.on.Compare(b.on) })
	}
	slices.Sort(t.codes)
	return t, nil
}

// Conversion says how an amount was converted: the rate applied (units of
// the target per unit of the source, rounded to 6 decimals for people),
// the date of the oldest rate used, and the currency it went through when
// no rate links the two directly.
type Conversion struct {
	Rate string        `json:"rate"`
	On   calendar.Date `json:"on"`
	Via  string        `json:"via,omitempty"`
}

// rate finds the rate from → to in force on day: the newest stated for
// the pair on or before day, or the inverse of the reverse pair's.
func (t *Rates) rate(from, to string, day calendar.Date) (*big.Rat, calendar.Date, bool) {
	if t == nil {
		return nil, calendar.Date{}, false
	}
	pick := func(rs []datedRate) (datedRate, bool) {
		for i := len(rs) - 1; i >= 0; i-- {
			if !rs[i].on.After(day) {
				return rs[i], true
			}
		}
		return datedRate{}, false
	}
	direct, okD := pick(t.pairs[[2]string{from, to}])
	reverse, okR := pick(t.pairs[[2]string{to, from}])
	switch {
	case okD && (!okR || !reverse.on.After(direct.on)):
		return direct.val, direct.on, true
	case okR:
		return new(big.Rat).Inv(reverse.val), reverse.on, true
	}
	return nil, calendar.Date{}, false
}

// Convert converts m into currency to at the rates in force on at's date
// (UTC): a direct rate, the inverse of the reverse rate, or through one
// other currency (the route whose older rate is the newest). The result
// is rounded half away from zero to the target's minor unit. Equal
// currencies and zero amounts need no rate. The error wraps ErrNoRate.
func (t *Rates) Convert(m ill.Money, to string, at time.Time) (ill.Money, Conversion, error) {
	to = strings.ToUpper(to)
	from := strings.ToUpper(m.Currency)
	if m.Minor == 0 {
		return ill.Money{Currency: to}, Conversion{Rate: "1"}, nil
	}
	if from == to {
		return ill.Money{Minor: m.Minor, Currency: to}, Conversion{Rate: "1"}, nil
	}
	day := calendar.DateOf(at.UTC())
	r, on, ok := t.rate(from, to, day)
	via := ""
	if !ok && t != nil {
		for _, x := range t.codes {
			if x == from || x == to {
				continue
			}
			a, onA, okA := t.rate(from, x, day)
			b, onB, okB := t.rate(x, to, day)
			if !okA || !okB {
				continue
			}
			older := onA
			if onB.Before(onA) {
				older = onB
			}
			if !ok || older.After(on) {
				r, on, via, ok = new(big.Rat).Mul(a, b), older, x, true
			}
		}
	}
	if !ok {
		return ill.Money{}, Conversion{}, fmt.Errorf("%w from %s to %s on %s", ErrNoRate, from, to, day)
	}
	return ill.Money{Minor: convertMinor(m.Minor, from, to, r), Currency: to}, Conversion{Rate: rateString(r), On: on, Via: via}, nil
}

// rateString writes a rate with six decimals at most, without trailing
// zeros: 1.1, 1.0842, 0.922339.
func rateString(r *big.Rat) string {
	s := r.FloatString(6)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// convertMinor converts minor units of from into minor units of to at
// rate r, rounding half away from zero.
func convertMinor(minor int64, from, to string, r *big.Rat) int64 {
	v := new(big.Rat).SetInt64(minor)
	v.Mul(v, r)
	v.Mul(v, pow10(scale(to)-scale(from)))
	num, den := v.Num(), v.Denom()
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	// Round half away from zero: compare 2|rem| with den.
	if new(big.Int).Mul(new(big.Int).Abs(rem), big.NewInt(2)).Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q.Int64()
}

func pow10(n int) *big.Rat {
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(n))), nil)
	if n < 0 {
		return new(big.Rat).SetFrac(big.NewInt(1), p)
	}
	return new(big.Rat).SetInt(p)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// scale is the number of decimals of a currency (2 when unknown).
func scale(code string) int {
	u, err := currency.ParseISO(code)
	if err != nil {
		return 2
	}
	s, _ := currency.Standard.Rounding(u)
	return s
}

// FormatMoney writes an amount with its currency's decimals: "15.00 USD".
func FormatMoney(m ill.Money) string {
	sc := scale(m.Currency)
	neg := m.Minor < 0
	n := m.Minor
	if neg {
		n = -n
	}
	s := fmt.Sprintf("%0*d", sc+1, n)
	if sc > 0 {
		s = s[:len(s)-sc] + "." + s[len(s)-sc:]
	}
	if neg {
		s = "-" + s
	}
	if m.Currency == "" {
		return s
	}
	return s + " " + m.Currency
}
