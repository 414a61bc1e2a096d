package wire

import (
	"strconv"
	"strings"

	"interlend/internal/ill"
	"interlend/internal/iso18626"
)

// minorDigits lists the ISO 4217 currencies whose minor unit is not two
// decimal digits. Every other code (and any code not in ISO 4217) has two.
var minorDigits = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
	"RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	"CLF": 4, "UYW": 4,
}

// MinorDigits is the number of decimal digits of currency's minor unit
// (ISO 4217): 0 for JPY, 3 for BHD, 2 for USD, EUR and unknown codes.
func MinorDigits(currency string) int {
	if d, ok := minorDigits[strings.ToUpper(currency)]; ok {
		return d
	}
	return 2
}

// Costs writes an amount in minor units as ISO 18626 costs: the currency
// code and the decimal value with exactly the currency's digits (2500 USD
// is "25.00", 1500 JPY is "1500", 1234 BHD is "1.234"). The currency must
// be three letters and the amount not negative: costs in ISO 18626 are
// prices, never credits.
func Costs(m ill.Money) (iso18626.Costs, error) {
	cur := strings.ToUpper(strings.TrimSpace(m.Currency))
	if !isCurrency(cur) {
		return iso18626.Costs{}, ill.E(ill.Invalid, "a cost needs a three-letter ISO 4217 currency code, not "+strconv.Quote(m.Currency))
	}
	if m.Minor < 0 {
		return iso18626.Costs{}, ill.E(ill.Invalid, "a cost cannot be negative")
	}
	s := strconv.FormatInt(m.Minor, 10)
	if d := MinorDigits(cur); d > 0 {
		if len(s) <= d {
			s = strings.Repeat("0", d-len(s)+1) + s
		}
		s = s[:len(s)-d] + "." + s[len(s)-d:]
	}
	return iso18626.Costs{CurrencyCode: iso18626.C(cur), MonetaryValue: iso18626.Decimal(s)}, nil
}

// Money reads ISO 18626 costs as minor units of the currency. It accepts
// any xs:decimal with at most the currency's digits (trailing zeros beyond
// them are fine: "25.000" USD is 2500) and refuses, with a *DataError
// naming monetaryValue or currencyCode, a value that is not a decimal, is
// negative, is more precise than the currency (25.001 USD, 1.5 JPY) or too
// large, and a currency code that is not three letters.
func Money(c iso18626.Costs) (ill.Money, error) {
	cur := strings.ToUpper(strings.TrimSpace(c.CurrencyCode.Value))
	if !isCurrency(cur) {
		return ill.Money{}, newDataError(iso18626.ErrUnrecognisedDataValue, iso18626.ValueError("currencyCode", c.CurrencyCode.Value),
			"the currency code "+strconv.Quote(c.CurrencyCode.Value)+" is not an ISO 4217 code")
	}
	raw := string(c.MonetaryValue)
	bad := func(why string) (ill.Money, error) {
		return ill.Money{}, newDataError(iso18626.ErrUnrecognisedDataValue, iso18626.ValueError("monetaryValue", raw),
			"the amount "+strconv.Quote(raw)+" "+why)
	}
	s := strings.TrimSpace(raw)
	if !iso18626.Decimal(s).Valid() {
		return bad("is not a decimal number")
	}
	if s[0] == '-' {
		if strings.Trim(s[1:], "0.") != "" {
			return bad("is negative")
		}
		s = s[1:]
	}
	s = strings.TrimPrefix(s, "+")
	whole, frac, _ := strings.Cut(s, ".")
	d := MinorDigits(cur)
	if len(frac) > d {
		if strings.Trim(frac[d:], "0") != "" {
			return bad("has more decimals than " + cur + " has (" + strconv.Itoa(d) + ")")
		}
		frac = frac[:d]
	}
	digits := strings.TrimLeft(whole+frac+strings.Repeat("0", d-len(frac)), "0")
	if digits == "" {
		return ill.Money{Currency: cur}, nil
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return bad("is too large")
	}
	return ill.Money{Minor: n, Currency: cur}, nil
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
