package app_test

import (
	"strings"
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/routing"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// transitShipped is a loan from libB shipped to libA (A's request shipped).
func transitShipped(t *testing.T, w *world) (b, l *ill.Request) {
	t.Helper()
	b = newLoan(t, w, libB)
	l = w.lendingFor(libB, b)
	w.do(staff(libB), l.PublicID, ill.ActExpectToSupply, nil)
	w.do(staff(libB), l.PublicID, ill.ActPrintSlip, nil)
	w.do(staff(libB), l.PublicID, ill.ActFound, nil)
	w.do(staff(libB), l.PublicID, ill.ActShip, map[string]any{"barcode": "39001000123", "courier": "UPS", "trackingId": "1Z999"})
	w.wantState(libA, b.PublicID, ill.BShipped)
	return b, l
}

// openProblem is a request's one open problem of kind (fails without).
func (w *world) transitOpen(ag ill.AgencyID, id string, kind ill.ProblemKind) store.Problem {
	w.t.Helper()
	ps, err := w.app.RequestProblems(w.ctx, staff(ag), id)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, p := range ps {
		if p.Kind == kind && p.Open() {
			return p
		}
	}
	w.t.Fatalf("%s at %s has no open %s problem: %+v", id, ag, kind, ps)
	return store.Problem{}
}

// closedProblem is a request's closed problem of kind.
func (w *world) transitClosed(ag ill.AgencyID, id string, kind ill.ProblemKind) store.Problem {
	w.t.Helper()
	ps, err := w.app.RequestProblems(w.ctx, staff(ag), id)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, p := range ps {
		if p.Kind == kind && !p.Open() {
			return p
		}
	}
	w.t.Fatalf("%s at %s has no closed %s problem: %+v", id, ag, kind, ps)
	return store.Problem{}
}

func (w *world) transitHasEvent(ag ill.AgencyID, id, typ string) bool {
	w.t.Helper()
	evs, _, err := w.app.Timeline(w.ctx, sys(ag), id)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, e := range evs {
		if e.Type == typ {
			return true
		}
	}
	return false
}

// TestNotReceivedClaimAndSettle: a loan shipped and not received after
// the detection's 10 business days opens the problem (a StatusRequest
// to the lender), the claim step comes 5 business days later for staff,
// the claim goes to the lender, its CompletedWithoutReturn moves the
// problem to settle, and settling writes the replacement charge.
func TestNotReceivedClaimAndSettle(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			b, l := transitShipped(t, w)
			sch := routing.DefaultSchedule()
			detect := sch.AddBusinessDays(w.clock.Now(), 10)

			w.clock.Set(detect.Add(-time.Minute))
			w.settle()
			if ps, _ := w.app.RequestProblems(w.ctx, staff(libA), b.PublicID); len(ps) != 0 {
				t.Fatalf("a problem before its time: %+v", ps)
			}
			w.clock.Set(detect.Add(time.Minute))
			w.settle()
			p := w.transitOpen(libA, b.PublicID, ill.ProbNotReceived)
			claimAt := sch.AddBusinessDays(w.clock.Now(), 5)
			if p.Step != "status_request" || p.NextStep != "claim" || !p.NextAt.Equal(claimAt) {
				t.Fatalf("opened at %q, next %q at %v; want status_request, claim at %v", p.Step, p.NextStep, p.NextAt, claimAt)
			}
			if !w.transitHasEvent(libB, l.PublicID, "status_requested") {
				t.Error("the lender got no StatusRequest")
			}
			q, err := w.app.ProblemQueue(w.ctx, staff(libA), store.ProblemFilter{Kind: ill.ProbNotReceived})
			if err != nil || len(q) != 1 || q[0].Request != b.PublicID || q[0].StaffToAct {
				t.Fatalf("queue: %+v (%v)", q, err)
			}

			w.clock.Set(claimAt.Add(time.Minute))
			w.settle()
			if got := w.req(libA, b.PublicID); got.AttentionReason != "problem:not_received:claim" {
				t.Errorf("claim step: attention %q", got.AttentionReason)
			}
			if q, _ := w.app.ProblemQueue(w.ctx, staff(libA), store.ProblemFilter{}); len(q) != 1 || !q[0].StaffToAct || q[0].Step != "claim" {
				t.Fatalf("queue at the claim: %+v", q)
			}

			w.do(staff(libA), b.PublicID, ill.ActClaimLostTransit, map[string]any{"note": "Nothing came."})
			w.wantState(libA, b.PublicID, ill.BProblem)
			w.wantState(libB, l.PublicID, ill.LProblem)
			if p := w.transitOpen(libB, l.PublicID, ill.ProbNotReceived); p.Step != "claim" || p.Side != ill.Lending {
				t.Errorf("the lender's problem: %+v", p)
			}
			if got := w.req(libB, l.PublicID); got.AttentionReason != "problem:not_received:claim" {
				t.Errorf("the lender's attention: %q", got.AttentionReason)
			}
			w.do(staff(libB), l.PublicID, ill.ActCloseLostLend, map[string]any{"note": "agreed"})
			if p := w.transitClosed(libB, l.PublicID, ill.ProbNotReceived); p.Outcome != "lost" {
				t.Errorf("the lender's outcome %q", p.Outcome)
			}
			w.wantState(libA, b.PublicID, ill.BCompleted)
			if p := w.transitOpen(libA, b.PublicID, ill.ProbNotReceived); p.Step != "settle" {
				t.Fatalf("after the lender agreed: step %q", p.Step)
			}

			if _, err := w.app.Perform(w.ctx, staff(libA), b.PublicID, ill.ActSettleLost, map[string]any{"outcome": ill.SettleCharge}, 0); !ill.Is(err, ill.Invalid) {
				t.Errorf("a charge with no amount: %v", err)
			}
			w.do(staff(libA), b.PublicID, ill.ActSettleLost, map[string]any{"outcome": ill.SettleCharge, "cost": "45.00 USD"})
			closed := w.transitClosed(libA, b.PublicID, ill.ProbNotReceived)
			if closed.Outcome != ill.SettleCharge {
				t.Errorf("outcome %q", closed.Outcome)
			}
			got := w.wantState(libA, b.PublicID, ill.BCompleted)
			if got.Attention {
				t.Errorf("still flagged: %q", got.AttentionReason)
			}
			var charges []store.Charge
			_ = w.app.DB.Read(w.ctx, func(tx *store.Tx) error {
				charges, err = tx.Agency().Charges(libA, got.ID)
				return err
			})
			found := false
			for _, c := range charges {
				if c.Type == store.ChargeReplacement && c.Amount.Minor == 4500 && c.Payer == string(libA) && c.Payee == string(libB) {
					found = true
				}
			}
			if !found {
				t.Errorf("no replacement charge of 45.00 to the lender: %+v", charges)
			}
		})
	}
}

// TestNotReceivedResolvedWhenItComes: the item received after the
// problem opened closes it as resolved.
func TestNotReceivedResolvedWhenItComes(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	b, _ := transitShipped(t, w)
	w.clock.Set(routing.DefaultSchedule().AddBusinessDays(w.clock.Now(), 10).Add(time.Minute))
	w.settle()
	w.transitOpen(libA, b.PublicID, ill.ProbNotReceived)
	w.do(staff(libA), b.PublicID, ill.ActReceive, nil)
	if p := w.transitClosed(libA, b.PublicID, ill.ProbNotReceived); p.Outcome != "resolved" {
		t.Errorf("outcome %q", p.Outcome)
	}
	// Received in time: no problem at all.
	b2, _ := transitShipped(t, w)
	w.do(staff(libA), b2.PublicID, ill.ActReceive, nil)
	w.clock.Set(routing.DefaultSchedule().AddBusinessDays(w.clock.Now(), 11))
	w.settle()
	if ps, _ := w.app.RequestProblems(w.ctx, staff(libA), b2.PublicID); len(ps) != 0 {
		t.Errorf("received in time, yet: %+v", ps)
	}
}

// transitReturned is a loan A has shipped back to B.
func transitReturned(t *testing.T, w *world) (b, l *ill.Request) {
	t.Helper()
	b, l = transitShipped(t, w)
	w.do(staff(libA), b.PublicID, ill.ActReceive, nil)
	w.do(staff(libA), b.PublicID, ill.ActCheckOut, nil)
	w.do(staff(libA), b.PublicID, ill.ActCheckIn, nil)
	w.do(staff(libA), b.PublicID, ill.ActShipReturn, map[string]any{"courier": "USPS", "trackingId": "9400111"})
	w.wantState(libB, l.PublicID, ill.LReturnReceived)
	return b, l
}

// TestClaimedReturnedFoundOrSettled: the lender says our return never
// came: both sides open the problem; our answer carries the tracking;
// the lender's check-in (found) closes both; or its close as lost moves
// ours to settle, settled as waived.
func TestClaimedReturnedFoundOrSettled(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			b, l := transitReturned(t, w)
			w.do(staff(libB), l.PublicID, ill.ActReturnNotReceived, map[string]any{"note": "Not on our dock."})
			w.wantState(libB, l.PublicID, ill.LProblem)
			p := w.transitOpen(libA, b.PublicID, ill.ProbClaimedReturned)
			if p.Step != "trace" || p.NextStep != "settle" {
				t.Fatalf("borrower's problem at %q next %q", p.Step, p.NextStep)
			}
			if got := w.req(libA, b.PublicID); got.AttentionReason != "problem:claimed_returned:trace" {
				t.Errorf("attention %q", got.AttentionReason)
			}
			w.transitOpen(libB, l.PublicID, ill.ProbClaimedReturned)
			if q, _ := w.app.ProblemQueue(w.ctx, staff(libB), store.ProblemFilter{Side: ill.Lending}); len(q) != 1 {
				t.Errorf("lender's queue: %+v", q)
			}
			w.do(staff(libA), b.PublicID, ill.ActAnswerReturnClaim, map[string]any{"note": "We shipped it on time."})
			_, msgs, err := w.app.Timeline(w.ctx, sys(libB), l.PublicID)
			if err != nil {
				t.Fatal(err)
			}
			traced := false
			for _, m := range msgs {
				if m.Body.Action == ill.ActionNotification && strings.Contains(m.Body.Note, "tracking 9400111") {
					traced = true
				}
			}
			if !traced {
				t.Error("the lender did not get the return's tracking")
			}
			w.do(staff(libB), l.PublicID, ill.ActLendCheckIn, nil)
			w.wantState(libA, b.PublicID, ill.BCompleted)
			if p := w.transitClosed(libA, b.PublicID, ill.ProbClaimedReturned); p.Outcome != "found" {
				t.Errorf("borrower's outcome %q", p.Outcome)
			}
			w.transitClosed(libB, l.PublicID, ill.ProbClaimedReturned)

			// Not found: the lender closes it as lost; we settle.
			b2, l2 := transitReturned(t, w)
			w.do(staff(libB), l2.PublicID, ill.ActReturnNotReceived, nil)
			w.transitOpen(libA, b2.PublicID, ill.ProbClaimedReturned)
			w.do(staff(libB), l2.PublicID, ill.ActCloseLostLend, map[string]any{"cost": "60.00 USD"})
			w.wantState(libA, b2.PublicID, ill.BReturnShipped)
			if p := w.transitOpen(libA, b2.PublicID, ill.ProbClaimedReturned); p.Step != "settle" {
				t.Fatalf("after the lender closed it lost: %q", p.Step)
			}
			w.do(staff(libA), b2.PublicID, ill.ActSettleLost, map[string]any{"outcome": ill.SettleWaived})
			w.wantState(libA, b2.PublicID, ill.BCompleted)
			if p := w.transitClosed(libA, b2.PublicID, ill.ProbClaimedReturned); p.Outcome != ill.SettleWaived {
				t.Errorf("outcome %q", p.Outcome)
			}
			if p := w.transitClosed(libB, l2.PublicID, ill.ProbClaimedReturned); p.Outcome != "lost" {
				t.Errorf("lender's outcome %q", p.Outcome)
			}
		})
	}
}

// TestClaimedReturnedByOverdue: an Overdue status after our
// ShippedReturn (a lender that is not Interlend) opens the problem too.
func TestClaimedReturnedByOverdue(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	b, l := transitReturned(t, w)
	if err := w.app.SendOverdueForTest(w.ctx, libB, l.PublicID); err != nil {
		t.Fatal(err)
	}
	w.settle()
	if p := w.transitOpen(libA, b.PublicID, ill.ProbClaimedReturned); p.Step != "trace" {
		t.Errorf("step %q", p.Step)
	}
}
