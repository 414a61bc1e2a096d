package demo_test

import (
	"testing"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// TestDemoReceiptProblems: the demo has a request at each open step of
// the problems found at receipt, on the borrowing side, and the bad copy
// in the lender's queue to scan again.
func TestDemoReceiptProblems(t *testing.T) {
	t.Parallel()
	ctx, a := seededDemo(t)
	steps := func(ag ill.AgencyID) map[string]bool {
		actor := ill.Actor{Kind: ill.ActorStaff, Agency: ag, Grants: ill.Grants{{Agency: ag, Role: ill.RoleManager}}}
		ps, err := a.Problems(ctx, actor, store.ProblemFilter{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, p := range ps {
			got[string(p.Kind)+"/"+p.Step] = true
		}
		return got
	}
	got := steps("US-EXCOL")
	for _, want := range []string{"wrong_item/return", "wrong_item/rerequest", "damaged_arrival/lender_decides", "damaged_patron/bill", "bad_copy/resend_asked"} {
		if !got[want] {
			t.Errorf("the borrower's problems queue lacks %s: %v", want, got)
		}
	}
	if got := steps("US-EXSUP"); !got["bad_copy/resend_asked"] || !got["damaged_arrival/lender_decides"] {
		t.Errorf("the lender's problems queue lacks the bad copy or the damage to decide: %v", got)
	}
}
