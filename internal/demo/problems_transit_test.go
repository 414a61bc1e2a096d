package demo_test

import (
	"testing"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// TestDemoTransitProblems: the demo has a request at each staff step of
// the problems in transit on the borrowing side, and the claimed returns
// in the lender's queue.
func TestDemoTransitProblems(t *testing.T) {
	t.Parallel()
	ctx, a := seededDemo(t)
	steps := func(ag ill.AgencyID) map[string]int {
		actor := ill.Actor{Kind: ill.ActorStaff, Agency: ag, Grants: ill.Grants{{Agency: ag, Role: ill.RoleManager}}}
		ps, err := a.Problems(ctx, actor, store.ProblemFilter{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, p := range ps {
			got[string(p.Kind)+"/"+p.Step]++
		}
		return got
	}
	got := steps("US-EXCOL")
	for _, want := range []string{"not_received/claim", "not_received/settle", "claimed_returned/trace", "claimed_returned/settle"} {
		if got[want] == 0 {
			t.Errorf("the borrower's problems queue lacks %s: %v", want, got)
		}
	}
	if got := steps("US-EXSUP"); got["claimed_returned/trace"] == 0 || got["not_received/claim"] == 0 {
		t.Errorf("the lender's problems queue lacks the claimed return or the claim to agree: %v", got)
	}
}
