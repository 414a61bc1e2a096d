package routing_test

import (
	"errors"
	"testing"
	"time"

	"interlend/internal/catalog"
	"interlend/internal/ill"
	"interlend/internal/routing"
)

func TestConvert(t *testing.T) {
	t.Parallel()
	rates, err := routing.NewRates([]routing.Rate{
		{From: "eur", To: "usd", Value: "1.0842", On: date(t, "2026-03-01")},
		{From: "EUR", To: "USD", Value: "1.10", On: date(t, "2026-04-01")}, // newer rate for the same pair
		{From: "USD", To: "JPY", Value: "149.5", On: date(t, "2026-03-01")},
		{From: "GBP", To: "EUR", Value: "1.17", On: date(t, "2026-02-15")},
		{From: "CHF", To: "USD", Value: "1.13", On: date(t, "2026-05-01")}, // in the future on the dates asked
	})
	if err != nil {
		t.Fatal(err)
	}
	march := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		m       ill.Money
		to      string
		at      time.Time
		want    ill.Money
		rate    string
		on      string
		via     string
		wantErr bool
	}{
		{name: "direct", m: ill.Money{Minor: 1000, Currency: "EUR"}, to: "USD", at: march, want: ill.Money{Minor: 1084, Currency: "USD"}, rate: "1.0842", on: "2026-03-01"},
		{name: "the newer rate from its date", m: ill.Money{Minor: 1000, Currency: "EUR"}, to: "USD", at: time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC), want: ill.Money{Minor: 1100, Currency: "USD"}, rate: "1.1", on: "2026-04-01"},
		{name: "inverse of the reverse pair", m: ill.Money{Minor: 1084, Currency: "USD"}, to: "EUR", at: march, want: ill.Money{Minor: 1000, Currency: "EUR"}, rate: "0.922339", on: "2026-03-01"},
		{name: "into a currency without decimals", m: ill.Money{Minor: 1050, Currency: "USD"}, to: "JPY", at: march, want: ill.Money{Minor: 1570, Currency: "JPY"}, rate: "149.5", on: "2026-03-01"},
		{name: "out of a currency without decimals", m: ill.Money{Minor: 1495, Currency: "JPY"}, to: "USD", at: march, want: ill.Money{Minor: 1000, Currency: "USD"}, rate: "0.006689", on: "2026-03-01"},
		{name: "through a third currency", m: ill.Money{Minor: 1000, Currency: "GBP"}, to: "USD", at: march, want: ill.Money{Minor: 1269, Currency: "USD"}, rate: "1.268514", on: "2026-02-15", via: "EUR"},
		{name: "same currency", m: ill.Money{Minor: 1234, Currency: "USD"}, to: "usd", at: march, want: ill.Money{Minor: 1234, Currency: "USD"}, rate: "1"},
		{name: "zero needs no rate", m: ill.Money{}, to: "AUD", at: march, want: ill.Money{Currency: "AUD"}, rate: "1"},
		{name: "before any rate", m: ill.Money{Minor: 1000, Currency: "EUR"}, to: "USD", at: time.Date(2026, 2, 28, 23, 0, 0, 0, time.UTC), wantErr: true},
		{name: "a rate not yet in force", m: ill.Money{Minor: 1000, Currency: "CHF"}, to: "USD", at: march, wantErr: true},
		{name: "no rate at all", m: ill.Money{Minor: 1000, Currency: "AUD"}, to: "USD", at: march, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, conv, err := rates.Convert(tc.m, tc.to, tc.at)
			if tc.wantErr {
				if !errors.Is(err, routing.ErrNoRate) {
					t.Fatalf("got %v %+v, %v; want ErrNoRate", got, conv, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want || conv.Rate != tc.rate || conv.Via != tc.via || tc.on != "" && conv.On.String() != tc.on {
				t.Errorf("got %+v %+v, want %+v rate %s on %s via %q", got, conv, tc.want, tc.rate, tc.on, tc.via)
			}
		})
	}
	var none *routing.Rates
	if _, _, err := none.Convert(ill.Money{Minor: 1, Currency: "EUR"}, "USD", march); !errors.Is(err, routing.ErrNoRate) {
		t.Errorf("nil table: %v, want ErrNoRate", err)
	}
}

func TestRateValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		r    routing.Rate
		ok   bool
	}{
		{"good", routing.Rate{From: "eur", To: "usd", Value: "1.0842", On: date(t, "2026-03-01")}, true},
		{"not a currency", routing.Rate{From: "EURO", To: "USD", Value: "1", On: date(t, "2026-03-01")}, false},
		{"unknown code", routing.Rate{From: "XYZ", To: "USD", Value: "1", On: date(t, "2026-03-01")}, false},
		{"same currency", routing.Rate{From: "USD", To: "USD", Value: "1", On: date(t, "2026-03-01")}, false},
		{"zero", routing.Rate{From: "EUR", To: "USD", Value: "0", On: date(t, "2026-03-01")}, false},
		{"negative", routing.Rate{From: "EUR", To: "USD", Value: "-1.1", On: date(t, "2026-03-01")}, false},
		{"comma", routing.Rate{From: "EUR", To: "USD", Value: "1,08", On: date(t, "2026-03-01")}, false},
		{"exponent", routing.Rate{From: "EUR", To: "USD", Value: "1e3", On: date(t, "2026-03-01")}, false},
		{"too many decimals", routing.Rate{From: "EUR", To: "USD", Value: "1.0000000000001", On: date(t, "2026-03-01")}, false},
		{"absurdly small", routing.Rate{From: "EUR", To: "USD", Value: "0.0000001", On: date(t, "2026-03-01")}, false},
		{"no date", routing.Rate{From: "EUR", To: "USD", Value: "1.1"}, false},
	} {
		err := tc.r.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("%s: Validate = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
	if _, err := routing.NewRates([]routing.Rate{{From: "EUR", To: "USD", Value: "x", On: date(t, "2026-03-01")}}); err == nil {
		t.Error("NewRates accepted a bad rate")
	}
}

// TestCostAfterConversion: the charge is compared with the maximum in the
// maximum's currency, at the rate in force on the day.
func TestCostAfterConversion(t *testing.T) {
	t.Parallel()
	rates, err := routing.NewRates([]routing.Rate{
		{From: "GBP", To: "USD", Value: "1.20", On: date(t, "2026-03-01")},
		{From: "GBP", To: "USD", Value: "1.27", On: date(t, "2026-03-10")},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		now     time.Time
		max     ill.Money
		rates   *routing.Rates
		wantOut string
	}{
		{"18 GBP at 1.20 is 21.60 USD, within 22 USD", time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC), ill.Money{Minor: 2200, Currency: "USD"}, rates, ""},
		{"18 GBP at 1.27 is 22.86 USD, over 22 USD", time.Date(2026, 3, 12, 12, 0, 0, 0, time.UTC), ill.Money{Minor: 2200, Currency: "USD"}, rates, routing.OutCost},
		{"no rate to compare", time.Date(2026, 3, 12, 12, 0, 0, 0, time.UTC), ill.Money{Minor: 2200, Currency: "USD"}, nil, routing.OutNoRate},
		{"no maximum: no rate needed", time.Date(2026, 3, 12, 12, 0, 0, 0, time.UTC), ill.Money{}, nil, ""},
		{"maximum in the lender's currency", time.Date(2026, 3, 12, 12, 0, 0, 0, time.UTC), ill.Money{Minor: 1800, Currency: "GBP"}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := lender("GB-L", withCharge("Loan", 1800, "GBP"))
			p := routing.Build(routing.Input{Request: routing.Request{Borrower: "US-B", Service: ill.Loan, Citation: book, MaxCost: tc.max},
				Holdings: []catalog.Holding{holding("GB-L", 1)}, Lenders: map[ill.AgencyID]*routing.Lender{"GB-L": l}, Rates: tc.rates, Now: tc.now})
			why, out := excludedWhy(p, "GB-L")
			if out != (tc.wantOut != "") || out && why.Code != tc.wantOut {
				t.Fatalf("excluded %v %+v, want %q", out, why, tc.wantOut)
			}
			if out && tc.wantOut == routing.OutCost && why.Args[0] != "18.00 GBP ≈ 22.86 USD (1.27, 2026-03-10)" {
				t.Errorf("explained as %v", why.Args)
			}
		})
	}
}
