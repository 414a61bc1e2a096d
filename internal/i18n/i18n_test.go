package i18n

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestCatalogLoadsAndSubstitutes(t *testing.T) {
	t.Parallel()
	c := Load()
	if got := c.Text("en", "home.welcome", "Ann"); got != "Welcome, Ann." {
		t.Errorf("got %q", got)
	}
	if got := c.Text("fr", "home.welcome", "Ann"); got != "Welcome, Ann." {
		t.Errorf("fallback to English: got %q", got)
	}
	if got := c.Text("en", "no.such.key"); got != "⟦no.such.key⟧" {
		t.Errorf("missing key: got %q", got)
	}
	p := c.Text(Pseudo, "home.welcome", "Ann")
	if !strings.HasPrefix(p, "⟦") || !strings.Contains(p, "Ann") || strings.Contains(p, "Welcome") {
		t.Errorf("pseudo: got %q, want accented text with the argument untouched", p)
	}
}

func TestSubstituteNamedAndPlural(t *testing.T) {
	t.Parallel()
	c, err := parse(fstest.MapFS{"messages/en/a.json": {Data: []byte(`{"a":"{who} has {n} items"}`)}, "messages/en/b.json": {Data: []byte(`{"n.one":"{0} request","n.other":"{0} requests"}`)}})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Text("en", "a", map[string]any{"who": "Bo", "n": 3}); got != "Bo has 3 items" {
		t.Errorf("named: %q", got)
	}
	if got := c.Plural("en", "n", 1); got != "1 request" {
		t.Errorf("one: %q", got)
	}
	if got := c.Plural("en", "n", 2); got != "2 requests" {
		t.Errorf("other: %q", got)
	}
}

func TestBrokenCatalogIsAnError(t *testing.T) {
	t.Parallel()
	if _, err := parse(fstest.MapFS{"messages/en/x.json": {Data: []byte(`{"a":`)}}); err == nil {
		t.Error("broken JSON accepted")
	}
	if _, err := parse(fstest.MapFS{"messages/de/x.json": {Data: []byte(`{}`)}}); err == nil {
		t.Error("catalog without English accepted")
	}
	if _, err := parse(fstest.MapFS{"messages/en/x.json": {Data: []byte(`{"a":"1"}`)}, "messages/en/y.json": {Data: []byte(`{"a":"2"}`)}}); err == nil {
		t.Error("a key defined in two files accepted")
	}
}

func TestFormats(t *testing.T) {
	t.Parallel()
	d := time.Date(2026, 3, 12, 14, 5, 0, 0, time.UTC)
	tests := []struct {
		locale, date, number, money string
	}{
		{"en", "12 Mar 2026", "12,345", "$12.50"},
		{"en-US", "Mar 12, 2026", "12,345", "$12.50"},
		{"de", "12.03.2026", "12.345", "$12,50"},
	}
	for _, tc := range tests {
		f := NewFormatter(tc.locale)
		if got := f.Date(d, nil); got != tc.date {
			t.Errorf("%s date: got %q want %q", tc.locale, got, tc.date)
		}
		if got := f.Number(12345); got != tc.number {
			t.Errorf("%s number: got %q want %q", tc.locale, got, tc.number)
		}
		if got := f.Money(1250, "USD"); !strings.Contains(got, strings.TrimPrefix(tc.money, "$")) {
			t.Errorf("%s money: got %q want %q", tc.locale, got, tc.money)
		}
	}
	if got := NewFormatter("en").Money(1250, "EUR"); !strings.Contains(got, "€") {
		t.Errorf("EUR: %q", got)
	}
	if got := NewFormatter("en").Money(1250, "XYZ"); got != "12.50 XYZ" {
		t.Errorf("unknown currency: %q", got)
	}
	ny, _ := time.LoadLocation("America/New_York")
	if got := NewFormatter("en").DateTime(d, ny); got != "12 Mar 2026 10:05" {
		t.Errorf("zone: %q", got)
	}
}
