package copyright

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDefaultRulesValid(t *testing.T) {
	t.Parallel()
	for _, reg := range []Regime{RegimeUS, RegimeUK, RegimeCA, RegimeOther} {
		if err := DefaultRules(reg).Validate(); err != nil {
			t.Errorf("DefaultRules(%s).Validate() = %v, want nil", reg, err)
		}
	}
	r := DefaultRules(RegimeUS)
	if r.WindowYears != 5 || r.Limit != 5 || r.WindowMode != WindowCalendar || !r.MergeISSNL {
		t.Errorf("DefaultRules(US) = %+v, want N 5, limit 5, calendar, merge ISSN-L", r)
	}
}

func TestParseRules(t *testing.T) {
	t.Parallel()
	got, err := ParseRules([]byte(`{"regime":"UK","limit":6,"windowMode":"rolling","lending":{"country":"GB","requireStatement":"off","missingStatement":"hold","corporate":"fee"}}`))
	if err != nil {
		t.Fatalf("ParseRules: %v", err)
	}
	want := DefaultRules(RegimeUK)
	want.Limit, want.WindowMode = 6, WindowRolling
	want.Lending = LendingPolicy{Country: "GB", RequireStatement: StatementOff, MissingStatement: MissingHold, Corporate: CorporateFee}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseRules mismatch (-want +got):\n%s", diff)
	}

	// Round trip: what we write we read back unchanged.
	data, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseRules(data)
	if err != nil {
		t.Fatalf("ParseRules(Marshal(r)): %v", err)
	}
	if diff := cmp.Diff(got, back); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}

	empty, err := ParseRules([]byte(`{}`))
	if err != nil || empty.Regime != RegimeUS {
		t.Errorf("ParseRules({}) = %+v, %v; want US defaults", empty, err)
	}
}

func TestRulesValidateErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		doc      string
		wantErrs []string
	}{
		{`{"regime":"FR"}`, []string{`regime "FR"`}},
		{`{"windowYears":0,"limit":0}`, []string{"windowYears 0", "limit 0"}},
		{`{"windowMode":"sliding"}`, []string{`windowMode "sliding"`}},
		{`{"relatedCopies":1,"relatedDays":0}`, []string{"relatedCopies 1", "relatedDays 0"}},
		{`{"regime":"Other","otherCode":"has space"}`, []string{`otherCode "has space"`}},
		{`{"lending":{"requireStatement":"maybe","missingStatement":"x","corporate":"y","country":"usa"}}`,
			[]string{"lending.requireStatement", "lending.missingStatement", "lending.corporate", "lending.country"}},
		{`{"limt":5}`, []string{`unknown field "limt"`}},
		{`[`, []string{"copyright rules"}},
	}
	for _, tc := range tests {
		_, err := ParseRules([]byte(tc.doc))
		if err == nil {
			t.Errorf("ParseRules(%s) = nil error, want errors %q", tc.doc, tc.wantErrs)
			continue
		}
		for _, w := range tc.wantErrs {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("ParseRules(%s) error %q, want it to mention %q", tc.doc, err, w)
			}
		}
	}
}
