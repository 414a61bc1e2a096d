package directory

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/currency"
)

// Money is an amount in minor units (cents) of an ISO 4217 currency. In
// JSON it is {"value":"15.00","currency":"USD"}; ParseMoney reads
// "15.00 USD".
type Money struct {
	Minor    int64
	Currency string
}

// IsZero reports a zero amount (in any currency).
func (m Money) IsZero() bool { return m.Minor == 0 }

// scale is the number of decimals of the currency (2 when unknown).
func scale(code string) int {
	u, err := currency.ParseISO(code)
	if err != nil {
		return 2
	}
	s, _ := currency.Standard.Rounding(u)
	return s
}

// Decimal writes the amount with the currency's decimals: "15.00".
func (m Money) Decimal() string {
	sc := scale(m.Currency)
	neg := m.Minor < 0
	n := m.Minor
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	if sc > 0 {
		for len(s) <= sc {
			s = "0" + s
		}
		s = s[:len(s)-sc] + "." + s[len(s)-sc:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// String writes "15.00 USD" ("0.00" for a zero amount without currency).
func (m Money) String() string {
	if m.Currency == "" {
		return m.Decimal()
	}
	return m.Decimal() + " " + m.Currency
}

// ParseMoney reads "15.00 USD", "USD 15", "0" (free, no currency needed)
// or "15.00" with defaultCurrency.
func ParseMoney(s, defaultCurrency string) (Money, error) {
	f := strings.Fields(strings.TrimSpace(s))
	var amount, code string
	switch len(f) {
	case 1:
		amount, code = f[0], defaultCurrency
	case 2:
		amount, code = f[0], f[1]
		if _, err := strconv.ParseFloat(amount, 64); err != nil {
			amount, code = f[1], f[0]
		}
	default:
		return Money{}, fmt.Errorf("amount %q: want a number and a currency such as 15.00 USD", s)
	}
	return NewMoney(amount, code)
}

// NewMoney reads a decimal amount in a currency. An amount of zero needs no
// currency.
func NewMoney(amount, code string) (Money, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	amount = strings.TrimSpace(amount)
	whole, frac, _ := strings.Cut(amount, ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	if whole == "" && frac == "" || !digits(whole) && whole != "" || !digits(frac) && frac != "" {
		return Money{}, fmt.Errorf("amount %q is not a number", amount)
	}
	if code == "" {
		if strings.Trim(whole+frac, "0") == "" {
			return Money{}, nil
		}
		return Money{}, fmt.Errorf("amount %q needs a currency (e.g. USD)", amount)
	}
	if _, err := currency.ParseISO(code); err != nil || len(code) != 3 {
		return Money{}, fmt.Errorf("currency %q is not an ISO 4217 code such as USD or EUR", code)
	}
	sc := scale(code)
	if len(frac) > sc {
		return Money{}, fmt.Errorf("amount %q has more decimals than %s allows (%d)", amount, code, sc)
	}
	frac += strings.Repeat("0", sc-len(frac))
	if len(whole+frac) > 15 {
		return Money{}, fmt.Errorf("amount %q is too large", amount)
	}
	n, _ := strconv.ParseInt("0"+whole+frac, 10, 64)
	if neg {
		n = -n
	}
	return Money{Minor: n, Currency: code}, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

type moneyJSON struct {
	Value    string `json:"value"`
	Currency string `json:"currency,omitempty"`
}

// MarshalJSON writes {"value":"15.00","currency":"USD"}.
func (m Money) MarshalJSON() ([]byte, error) {
	return json.Marshal(moneyJSON{Value: m.Decimal(), Currency: m.Currency})
}

// UnmarshalJSON reads {"value":"15.00","currency":"USD"} or "15.00 USD".
func (m *Money) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := ParseMoney(s, "")
		if err != nil {
			return err
		}
		*m = v
		return nil
	}
	var in moneyJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return fmt.Errorf("amount: want {\"value\":\"15.00\",\"currency\":\"USD\"}")
	}
	v, err := NewMoney(in.Value, in.Currency)
	if err != nil {
		return err
	}
	*m = v
	return nil
}
