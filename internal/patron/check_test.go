package patron

import (
	"strings"
	"testing"
	"time"

	"interlend/internal/ill"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	pol := Policy{
		Categories: []Category{
			{Code: "undergraduate", Name: "Undergraduate", Limits: Limits{MaxOpen: 3, MaxPerDay: 2}},
			{Code: "faculty", Name: "Faculty"}, // no limits
			{Code: "community", Name: "Community borrower", Limits: Limits{NoRequests: true}},
		},
		OtherMaxOpen: 1,
	}
	tests := []struct {
		name        string
		s           Standing
		open, today int
		want        Reason // "" means allowed
		wantMsg     string
	}{
		{name: "allowed", s: Standing{Category: "undergraduate"}, open: 2, today: 1},
		{name: "category matched without case", s: Standing{Category: " Undergraduate "}, open: 3, want: ReasonOpenLimit,
			wantMsg: "You already have 3 open requests, the most allowed for the category Undergraduate."},
		{name: "blocked with reason", s: Standing{Category: "faculty", Blocks: []string{"Unpaid fines"}}, want: ReasonBlocked,
			wantMsg: "Your library account is blocked (Unpaid fines). Please contact the library."},
		{name: "blocked without reason", s: Standing{Blocks: []string{" "}}, want: ReasonBlocked,
			wantMsg: "Your library account is blocked. Please contact the library."},
		{name: "block wins over expiry", s: Standing{Expires: day("2020-01-01"), Blocks: []string{"x"}}, want: ReasonBlocked},
		{name: "expired yesterday", s: Standing{Category: "faculty", Expires: day("2026-03-01")}, want: ReasonExpired,
			wantMsg: "Your library account expired on 1 March 2026."},
		{name: "valid through today", s: Standing{Category: "faculty", Expires: day("2026-03-02")}},
		{name: "expiry wins over limits", s: Standing{Category: "undergraduate", Expires: day("2025-12-31")}, open: 9, want: ReasonExpired},
		{name: "category may not request", s: Standing{Category: "community"}, want: ReasonNoRequests,
			wantMsg: "not available to the category Community borrower"},
		{name: "daily limit", s: Standing{Category: "undergraduate"}, open: 0, today: 2, want: ReasonDailyLimit,
			wantMsg: "You have placed 2 requests today, the most allowed per day"},
		{name: "open limit checked before daily", s: Standing{Category: "undergraduate"}, open: 3, today: 5, want: ReasonOpenLimit},
		{name: "no limits", s: Standing{Category: "faculty"}, open: 500, today: 500},
		{name: "unlisted category gets other", s: Standing{Category: "alumni"}, open: 1, want: ReasonOpenLimit,
			wantMsg: "You already have 1 open request, the most allowed for your patron category."},
		{name: "empty category gets other", s: Standing{}, open: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := pol.Check(tc.s, tc.open, tc.today, now)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Check = %v, want allowed", err)
				}
				return
			}
			r, ok := RefusalOf(err)
			if !ok {
				t.Fatalf("Check = %v, want a refusal %s", err, tc.want)
			}
			if r.Reason != tc.want {
				t.Errorf("reason = %s, want %s", r.Reason, tc.want)
			}
			if !ill.Is(err, ill.Forbidden) {
				t.Errorf("kind = %s, want forbidden", ill.KindOf(err))
			}
			if msg := ill.UserMessage(err); !strings.Contains(msg, tc.wantMsg) {
				t.Errorf("message = %q, want it to contain %q", msg, tc.wantMsg)
			}
		})
	}
}

func TestExpired(t *testing.T) {
	t.Parallel()
	exp := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2026, 3, 2, 23, 59, 59, 0, time.UTC), false},
		{time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), false},
	}
	for _, tc := range tests {
		if got := Expired(exp, tc.now); got != tc.want {
			t.Errorf("Expired(%s, %s) = %v, want %v", exp.Format(time.DateOnly), tc.now, got, tc.want)
		}
	}
	if Expired(time.Time{}, time.Now()) {
		t.Error("zero expiry counts as expired")
	}
}

func TestParsePolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, json string
		wantField  string // "" means valid
	}{
		{name: "valid", json: `{"categories":[{"code":"ug","name":"Undergraduate","maxOpen":5,"maxPerDay":2}],"otherMaxOpen":1}`},
		{name: "empty", json: `{}`},
		{name: "missing code", json: `{"categories":[{"name":"x"}]}`, wantField: "categories.0.code"},
		{name: "duplicate code", json: `{"categories":[{"code":"ug"},{"code":" UG"}]}`, wantField: "categories.1.code"},
		{name: "negative limit", json: `{"categories":[{"code":"ug","maxOpen":-1}]}`, wantField: "categories.0.maxOpen"},
		{name: "huge limit", json: `{"otherMaxPerDay":1000000}`, wantField: "otherMaxPerDay"},
		{name: "misspelt field", json: `{"categories":[{"code":"ug","max_open":5}]}`, wantField: "json"},
		{name: "not json", json: `categories: ug`, wantField: "json"},
		{name: "two values", json: `{} {}`, wantField: "json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePolicy([]byte(tc.json))
			switch {
			case tc.wantField == "" && err != nil:
				t.Fatalf("ParsePolicy = %v, want valid", err)
			case tc.wantField == "":
			case !ill.Is(err, ill.Invalid):
				t.Fatalf("ParsePolicy = %v, want Invalid", err)
			case tc.wantField != "json":
				if _, ok := ill.FieldErrors(err)[tc.wantField]; !ok {
					t.Errorf("fields = %v, want one for %s", ill.FieldErrors(err), tc.wantField)
				}
			}
		})
	}
	if err := DefaultPolicy().Validate(); err != nil {
		t.Errorf("default policy invalid: %v", err)
	}
	p, err := ParsePolicy([]byte(DefaultPolicy().JSON()))
	if err != nil || len(p.Categories) != len(DefaultPolicy().Categories) {
		t.Errorf("default policy does not round-trip: %v %+v", err, p)
	}
}
