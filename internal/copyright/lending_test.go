package copyright

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestCheckIncoming(t *testing.T) {
	t.Parallel()
	def := DefaultLendingPolicy()
	with := func(f func(*LendingPolicy)) LendingPolicy { p := def; f(&p); return p }
	tests := []struct {
		name   string
		policy LendingPolicy
		in     Incoming
		want   IncomingDecision
	}{
		{"a loan passes", def, Incoming{Service: ServiceLoan, BorrowerCountry: "US"},
			IncomingDecision{Action: ActionSupply}},
		{"US borrower with CCG", def, Incoming{Service: ServiceCopy, Statement: "US-CCG", BorrowerCountry: "US"},
			IncomingDecision{Action: ActionSupply, Statement: CodeUSCCG, StatementKnown: true, Conditions: []string{ConditionLegend}}},
		{"sloppy case is accepted", def, Incoming{Service: ServiceCopy, Statement: " us-ccl ", BorrowerCountry: "us"},
			IncomingDecision{Action: ActionSupply, Statement: CodeUSCCL, StatementKnown: true, Conditions: []string{ConditionLegend}}},
		{"unknown statement is recorded with a warning", def, Incoming{Service: ServiceCopy, Statement: "CONTU", BorrowerCountry: "US"},
			IncomingDecision{Action: ActionSupply, Statement: "CONTU", Conditions: []string{ConditionLegend},
				Warnings: []string{`Unknown copyright statement "CONTU"; recorded as received.`}}},
		{"US borrower with a UK code warns", def, Incoming{Service: ServiceCopy, Statement: "UK-FairDealing", BorrowerCountry: "US"},
			IncomingDecision{Action: ActionSupply, Statement: CodeUKFairDealing, StatementKnown: true, Conditions: []string{ConditionLegend},
				Warnings: []string{"A US borrower sent UK-FairDealing rather than US-CCG or US-CCL."}}},
		{"non-US borrower need not send one under the us rule", def, Incoming{Service: ServiceCopy, BorrowerCountry: "DE"},
			IncomingDecision{Action: ActionSupply, Conditions: []string{ConditionLegend}}},
		{"unknown country is treated as US", def, Incoming{Service: ServiceCopyOrLoan},
			IncomingDecision{Action: ActionAnswer, Answer: &Answer{Status: StatusRetryPossible}}},
		{"rule all: a German borrower must send one", with(func(p *LendingPolicy) { p.RequireStatement = StatementAll }),
			Incoming{Service: ServiceCopy, BorrowerCountry: "DE"},
			IncomingDecision{Action: ActionAnswer, Answer: &Answer{Status: StatusRetryPossible}}},
		{"rule off: nothing required", with(func(p *LendingPolicy) { p.RequireStatement = StatementOff }),
			Incoming{Service: ServiceCopy, BorrowerCountry: "US"},
			IncomingDecision{Action: ActionSupply, Conditions: []string{ConditionLegend}}},
		{"corporate refused", with(func(p *LendingPolicy) { p.Corporate = CorporateRefuse }),
			Incoming{Service: ServiceCopy, Statement: "US-CCG", BorrowerCountry: "US", BorrowerCorporate: true},
			IncomingDecision{Action: ActionAnswer, Statement: CodeUSCCG, StatementKnown: true,
				Answer: &Answer{Status: StatusUnfilled, ReasonUnfilled: ReasonPolicyProblem}}},
		{"corporate with a fee", with(func(p *LendingPolicy) { p.Corporate = CorporateFee }),
			Incoming{Service: ServiceCopy, Statement: "US-CCG", BorrowerCountry: "US", BorrowerCorporate: true},
			IncomingDecision{Action: ActionSupply, Statement: CodeUSCCG, StatementKnown: true,
				Conditions: []string{ConditionFeePaid, ConditionLegend}}},
	}
	for _, tc := range tests {
		got := CheckIncoming(tc.policy, tc.in)
		if got.Reason == "" {
			t.Errorf("%s: no reason", tc.name)
		}
		opts := []cmp.Option{cmpopts.IgnoreFields(IncomingDecision{}, "Reason"), cmpopts.IgnoreFields(Answer{}, "Note"), cmpopts.EquateEmpty()}
		if diff := cmp.Diff(tc.want, got, opts...); diff != "" {
			t.Errorf("%s: (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestParseCompliance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        string
		want      Compliance
		wantKnown bool
	}{
		{"US-CCG", CodeUSCCG, true},
		{"au-copyrightacts49", "AU-CopyrightActS49", true},
		{"CA-FairDealing", CodeCAFairDealing, true},
		{" Other ", CodeOther, true},
		{"CCG", "CCG", false},
	}
	for _, tc := range tests {
		got, known := ParseCompliance(tc.in)
		if got != tc.want || known != tc.wantKnown {
			t.Errorf("ParseCompliance(%q) = %q, %v; want %q, %v", tc.in, got, known, tc.want, tc.wantKnown)
		}
	}
	if CodeCAFairDealing.ISO18626() != "Other" || CodeUSCCG.ISO18626() != "US-CCG" {
		t.Errorf("ISO18626: CA gives %q, CCG gives %q; want Other, US-CCG", CodeCAFairDealing.ISO18626(), CodeUSCCG.ISO18626())
	}
}
