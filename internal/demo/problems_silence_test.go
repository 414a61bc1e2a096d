package demo_test

import (
	"testing"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// TestDemoSilenceProblems: the demo has a request in each timer-driven
// problem (a silent partner on cancel, renew and return; a need-before
// date passed; conditions unanswered; a loan not received, the lender
// asked), and the library's aging table is
// its own again after the seeding.
func TestDemoSilenceProblems(t *testing.T) {
	t.Parallel()
	ctx, a := seededDemo(t)
	const ag = ill.AgencyID("US-EXCOL")
	actor := ill.Actor{Kind: ill.ActorStaff, Agency: ag, Grants: ill.Grants{{Agency: ag, Role: ill.RoleManager}}}
	ps, err := a.Problems(ctx, actor, store.ProblemFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, p := range ps {
		got[string(p.Kind)+"/"+p.Step]++
	}
	for _, want := range []string{"silent_cancel/reminder", "silent_renew/reminder", "silent_return/reminder", "need_before_passed/ask_patron", "conditions_unanswered/reminder", "not_received/status_request"} {
		if got[want] == 0 {
			t.Errorf("the problems queue lacks %s: %v", want, got)
		}
	}
	table, err := app.AgingSetting.Get(ctx, a.DB, ag)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range table.Rows {
		if s, ok := ill.StepOf(ill.ProblemKind(r.Problem), r.Step); ok && s.Days != r.Days {
			t.Errorf("aging row %s/%s is %d days after the seeding, want the default %d", r.Problem, r.Step, r.Days, s.Days)
		}
	}
}
