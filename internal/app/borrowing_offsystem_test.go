package app_test

import (
	"testing"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// TestRecordLenderAnswer: on a request placed in another system, staff's
// record of the lender's answer moves it by the incoming rules (Will
// supply, then Unfilled with its reason ends the one-lender rota); a
// Loaned without the lender's due date is refused; the action is not
// offered, and refused, on a request that speaks ISO 18626; nothing is
// sent to the lender either way.
func TestRecordLenderAnswer(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	place := func(system string) *ill.Request {
		r, err := w.app.CreateRequest(w.ctx, staff(libA), app.NewRequest{Citation: ill.Citation{Title: "Tracked elsewhere " + system},
			Lenders: []app.RotaChoice{{Lender: libB, Reason: "test"}}, Send: true, ExternalSystem: system, ExternalNumber: "ext-1"})
		if err != nil {
			t.Fatal(err)
		}
		w.settle()
		return r
	}
	off := place("RapidILL")
	steps := []struct {
		params map[string]any
		want   ill.State
		fails  bool
	}{
		{map[string]any{"status": ill.StatusWillSupply}, ill.BAnswered, false},
		{map[string]any{"status": ill.StatusLoaned}, ill.BAnswered, true}, // no due date
		{map[string]any{"status": "Shipped"}, ill.BAnswered, true},        // not a choice
		{map[string]any{"status": ill.StatusUnfilled, "reason": "NotHeld"}, ill.BEndOfRota, false},
	}
	for i, s := range steps {
		_, err := w.app.Perform(w.ctx, staff(libA), off.PublicID, ill.ActRecordLender, s.params, 0)
		if (err != nil) != s.fails {
			t.Fatalf("step %d %v: err %v, fails %v", i, s.params, err, s.fails)
		}
		w.settle()
		if got := w.req(libA, off.PublicID).State; got != s.want {
			t.Fatalf("step %d %v: state %s, want %s", i, s.params, got, s.want)
		}
	}
	if _, err := w.app.LendingIDFor(w.ctx, libB, libA, off.PublicID); err == nil {
		t.Error("the lender got the request of another system")
	}

	proto := place("")
	defs, err := w.app.AvailableActions(w.ctx, staff(libA), proto.PublicID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range defs {
		if d.Name == ill.ActRecordLender {
			t.Error("record_lender is offered on an ISO 18626 request")
		}
	}
	if _, err := w.app.Perform(w.ctx, staff(libA), proto.PublicID, ill.ActRecordLender, map[string]any{"status": ill.StatusWillSupply}, 0); !ill.Is(err, ill.Conflict) {
		t.Errorf("record_lender on an ISO 18626 request: %v, want Conflict", err)
	}
}
