package app_test

import (
	"strings"
	"testing"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/ncip"
	"interlend/internal/ncip/nciptest"
	"interlend/internal/patron"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// circulationOnly switches the intake lookups off, so that the call
// record holds only the circulation steps a case is about.
func circulationOnly(s *ils.Settings) {
	s.Services = []ils.Service{ils.AcceptItem, ils.CheckOutItem, ils.CheckInItem, ils.DeleteItem, ils.RequestItem, ils.CancelRequestItem}
}

// shippedLoan is a loan for patron 21000001 placed by libA's staff and
// shipped by libB.
func shippedLoan(t *testing.T, w *world) *ill.Request {
	t.Helper()
	p, err := w.app.CreatePatron(w.ctx, ill.SystemActor(), libA, patron.Record{Barcode: "21000001", Category: "faculty"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := w.app.CreateRequest(w.ctx, staff(libA), app.NewRequest{Citation: silentSpring, PatronID: p.ID, Send: true, Lenders: []app.RotaChoice{{Lender: libB}}})
	if err != nil {
		t.Fatal(err)
	}
	w.settleWaiting()
	l := w.lendingFor(libB, r)
	w.act(staff(libB), l.PublicID, ill.ActWillSupply, nil)
	w.act(staff(libB), l.PublicID, ill.ActShip, nil)
	return r
}

// temporaryItems counts the temporary items the ILS holds.
func temporaryItems(s *testILS) int {
	n := 0
	for _, it := range s.Items() {
		if it.Temporary {
			n++
		}
	}
	return n
}

// stepIs is a condition for driveILS.
func (w *world) stepIs(ag ill.AgencyID, id string, svc ils.Service, state store.StepState) func() bool {
	return func() bool { return w.steps(ag, id)[svc].State == state }
}

// wantAttention checks that a request needs attention because of an ILS
// step, and that the step shows the ILS's problem.
func (w *world) wantAttention(ag ill.AgencyID, id string, svc ils.Service, problem string) app.ILSStep {
	w.t.Helper()
	r := w.req(ag, id)
	if !r.Attention || r.AttentionReason != "ils_step_failed" {
		w.t.Errorf("%s: attention %v %q, want flagged for the failed ILS step", id, r.Attention, r.AttentionReason)
	}
	s := w.wantStep(ag, id, svc, store.StepFailed, "")
	if !strings.Contains(s.Problem, problem) || !s.CanRetry || !s.CanComplete {
		w.t.Errorf("%s step: problem %q (want %q), retry %v, complete %v", svc, s.Problem, problem, s.CanRetry, s.CanComplete)
	}
	return s
}

func (w *world) wantNoAttention(ag ill.AgencyID, id string) {
	w.t.Helper()
	if r := w.req(ag, id); r.Attention {
		w.t.Errorf("%s still needs attention (%s)", id, r.AttentionReason)
	}
}

// TestILSStepFaults: the ILS down, slow, losing answers, or refusing: the
// steps retry what may succeed later without doing anything twice (the
// test ILS counts), put the request in needs attention with the ILS's own
// words otherwise, and staff can retry or finish the step by hand.
func TestILSStepFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*ils.Settings)
		run  func(t *testing.T, w *world, s *testILS)
	}{
		{name: "down, then back", run: func(t *testing.T, w *world, s *testILS) {
			s.Fail("AcceptItem", nciptest.Unavailable().Times(3))
			r := shippedLoan(t, w)
			w.act(staff(libA), r.PublicID, ill.ActReceive, nil)
			st := w.wantStep(libA, r.PublicID, ils.AcceptItem, store.StepRetrying, "")
			if !strings.Contains(st.Problem, "HTTP 503") || st.NextTry.IsZero() || !st.CanComplete || st.CanRetry {
				t.Errorf("retrying step: %+v", st)
			}
			w.wantNoAttention(libA, r.PublicID) // not yet: Interlend keeps trying
			w.driveILS(w.stepIs(libA, r.PublicID, ils.AcceptItem, store.StepDone))
			if n := len(s.CallsTo("AcceptItem")); n != 4 {
				t.Errorf("%d AcceptItem calls, want 4 (three refused at the door)", n)
			}
			if n := temporaryItems(s); n != 1 {
				t.Errorf("%d temporary items, want 1", n)
			}
			w.wantNoAttention(libA, r.PublicID)
		}},
		{name: "slow", edit: func(s *ils.Settings) { s.TimeoutSeconds = 1 }, run: func(t *testing.T, w *world, s *testILS) {
			s.Fail("AcceptItem", nciptest.Slow(nil).Once())
			r := shippedLoan(t, w)
			w.act(staff(libA), r.PublicID, ill.ActReceive, nil)
			if st := w.steps(libA, r.PublicID)[ils.AcceptItem]; st.State != store.StepRetrying || !strings.Contains(st.Problem, "timeout") {
				t.Errorf("after the slow answer: %s %q", st.State, st.Problem)
			}
			w.driveILS(w.stepIs(libA, r.PublicID, ils.AcceptItem, store.StepDone))
			calls := s.CallsTo("AcceptItem")
			if len(calls) != 2 || calls[0].Fault != nciptest.FaultSlow || temporaryItems(s) != 1 {
				t.Errorf("calls %+v, %d temporary items; want the slow one given up and one item", calls, temporaryItems(s))
			}
		}},
		{name: "answer lost after the ILS acted", run: func(t *testing.T, w *world, s *testILS) {
			s.loseAnswers("AcceptItem", 1)
			r := shippedLoan(t, w)
			w.act(staff(libA), r.PublicID, ill.ActReceive, nil)
			w.driveILS(w.stepIs(libA, r.PublicID, ils.AcceptItem, store.StepDone))
			calls := s.CallsTo("AcceptItem")
			if len(calls) != 2 || calls[0].Duplicate || !calls[1].Duplicate {
				t.Errorf("calls %+v, want the retry recognised as a duplicate", calls)
			}
			if n := temporaryItems(s); n != 1 {
				t.Errorf("%d temporary items after the retry, want 1", n)
			}
			st := w.steps(libA, r.PublicID)[ils.AcceptItem]
			if it, ok := s.Item(st.ItemID); !ok || !it.Temporary || it.RequestID != r.PublicID {
				t.Errorf("step's item %q is %+v (%v) in the ILS", st.ItemID, it, ok)
			}
		}},
		{name: "down for good, finished by hand", run: func(t *testing.T, w *world, s *testILS) {
			s.Fail("AcceptItem", nciptest.Unavailable())
			r := shippedLoan(t, w)
			w.act(staff(libA), r.PublicID, ill.ActReceive, nil)
			w.driveILS(w.stepIs(libA, r.PublicID, ils.AcceptItem, store.StepFailed))
			w.wantAttention(libA, r.PublicID, ils.AcceptItem, "did not answer")
			if n := len(s.CallsTo("AcceptItem")); n != 10 {
				t.Errorf("%d AcceptItem calls, want 10 (the step's tries)", n)
			}
			if js := w.jobsOf(libA, r.PublicID, app.KindILSStep, store.JobDead); len(js) != 1 {
				t.Errorf("dead ILS jobs: %d, want 1", len(js))
			}
			// The patron takes the book meanwhile: the check-out waits for
			// the temporary item.
			w.act(staff(libA), r.PublicID, ill.ActCheckOut, nil)
			w.wantStep(libA, r.PublicID, ils.CheckOutItem, store.StepPending, "")
			if n := len(s.CallsTo("CheckOutItem")); n != 0 {
				t.Errorf("CheckOutItem called before the item existed (%d)", n)
			}
			// Staff make the item at the ILS's desk and say so.
			s.ClearFaults()
			s.AddItem(nciptest.Item{Barcode: "ILL-BYHAND", Title: "Silent spring"})
			if err := w.app.CompleteILSStep(w.ctx, staff(libA), r.PublicID, ils.AcceptItem, "ILL-BYHAND", "made at the circulation desk"); err != nil {
				t.Fatal(err)
			}
			w.settleWaiting()
			hand := w.wantStep(libA, r.PublicID, ils.AcceptItem, store.StepByHand, "hand")
			if hand.ItemID != "ILL-BYHAND" || hand.Data["note"] != "made at the circulation desk" {
				t.Errorf("step by hand = %+v", hand.CirculationStep)
			}
			w.wantStep(libA, r.PublicID, ils.CheckOutItem, store.StepDone, "ils")
			if l, ok := s.Loan("ILL-BYHAND"); !ok || l.UserID != "21000001" {
				t.Errorf("loan in the ILS = %+v (%v)", l, ok)
			}
			if n := len(s.CallsTo("AcceptItem")); n != 10 {
				t.Errorf("AcceptItem called again after it was done by hand (%d calls)", n)
			}
			w.wantNoAttention(libA, r.PublicID)
		}},
		{name: "refused, then retried", run: func(t *testing.T, w *world, s *testILS) {
			s.Fail("AcceptItem", nciptest.ProblemFault(ncip.UserBlocked))
			r := shippedLoan(t, w)
			w.act(staff(libA), r.PublicID, ill.ActReceive, nil)
			w.wantAttention(libA, r.PublicID, ils.AcceptItem, "User Blocked")
			if n := len(s.CallsTo("AcceptItem")); n != 1 {
				t.Errorf("%d AcceptItem calls: a refusal is not retried by itself", n)
			}
			s.ClearFaults()
			if err := w.app.RetryILSStep(w.ctx, staff(libA), r.PublicID, ils.AcceptItem); err != nil {
				t.Fatal(err)
			}
			w.settleWaiting()
			w.wantStep(libA, r.PublicID, ils.AcceptItem, store.StepDone, "ils")
			if n, items := len(s.CallsTo("AcceptItem")), temporaryItems(s); n != 2 || items != 1 {
				t.Errorf("%d calls, %d items after the retry", n, items)
			}
			w.wantNoAttention(libA, r.PublicID)
			if err := w.app.RetryILSStep(w.ctx, staff(libA), r.PublicID, ils.AcceptItem); !ill.Is(err, ill.Conflict) {
				t.Errorf("retrying a done step: %v, want Conflict", err)
			}
		}},
		{name: "settings problem", run: func(t *testing.T, w *world, s *testILS) {
			s.Fail("AcceptItem", nciptest.ProblemFault(ncip.AgencyAuthenticationFailed))
			r := shippedLoan(t, w)
			w.act(staff(libA), r.PublicID, ill.ActReceive, nil)
			w.wantAttention(libA, r.PublicID, ils.AcceptItem, "Check the ILS settings")
			if n := len(s.CallsTo("AcceptItem")); n != 1 {
				t.Errorf("%d AcceptItem calls, want 1", n)
			}
		}},
		{name: "unknown item at check-in, finished by hand", run: func(t *testing.T, w *world, s *testILS) {
			s.Fail("CheckInItem", nciptest.ProblemFault(ncip.UnknownItem))
			r := shippedLoan(t, w)
			w.act(staff(libA), r.PublicID, ill.ActReceive, nil)
			w.act(staff(libA), r.PublicID, ill.ActCheckOut, nil)
			w.act(staff(libA), r.PublicID, ill.ActCheckIn, nil)
			w.wantAttention(libA, r.PublicID, ils.CheckInItem, "Unknown Item")
			if err := w.app.CompleteILSStep(w.ctx, staff(libA), r.PublicID, ils.CheckInItem, "", "checked in at the ILS desk"); err != nil {
				t.Fatal(err)
			}
			w.wantNoAttention(libA, r.PublicID)
			l := w.lendingFor(libB, r)
			w.act(staff(libA), r.PublicID, ill.ActShipReturn, nil)
			w.act(staff(libB), l.PublicID, ill.ActLendCheckIn, nil)
			w.wantStep(libA, r.PublicID, ils.DeleteItem, store.StepDone, "ils")
			if n := temporaryItems(s); n != 0 {
				t.Errorf("%d temporary items after the loan", n)
			}
			if err := w.app.CompleteILSStep(w.ctx, staff(libA), r.PublicID, ils.CheckInItem, "", ""); !ill.Is(err, ill.Conflict) {
				t.Errorf("completing a finished step again: %v, want Conflict", err)
			}
		}},
	}
	for _, e := range storetest.Engines(t) {
		for _, tc := range tests {
			t.Run(string(e)+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				w := newWorld(t, e)
				s := newTestILS(t, w, libA, func(set *ils.Settings) {
					circulationOnly(set)
					if tc.edit != nil {
						tc.edit(set)
					}
				})
				tc.run(t, w, s)
			})
		}
	}
}

// TestLendingStepRefused: a hold the ILS refuses flags the lending request;
// staff place it by hand and ship, and the check-out goes on.
func TestLendingStepRefused(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			s := newTestILS(t, w, libB, circulationOnly)
			s.Fail("RequestItem", nciptest.ProblemFault(ncip.UnknownItem))
			b := newLoan(t, w, libB)
			l := w.lendingFor(libB, b)
			w.act(staff(libB), l.PublicID, ill.ActWillSupply, nil)
			w.wantAttention(libB, l.PublicID, ils.RequestItem, "Unknown Item")
			if err := w.app.CompleteILSStep(w.ctx, staff(libB), l.PublicID, ils.RequestItem, "39000001", ""); err != nil {
				t.Fatal(err)
			}
			w.act(staff(libB), l.PublicID, ill.ActShip, map[string]any{"barcode": "39000001"})
			w.wantStep(libB, l.PublicID, ils.CheckOutItem, store.StepDone, "ils")
			if loan, ok := s.Loan("39000001"); !ok || loan.UserID != "ILL-US-EXA" {
				t.Errorf("loan %+v (%v)", loan, ok)
			}
			w.wantNoAttention(libB, l.PublicID)
		})
	}
}

// TestILSStepsAreForStaff: patrons do not see or work the steps, and staff
// without a desk permission may look but not act.
func TestILSStepsAreForStaff(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	s := newTestILS(t, w, libA, circulationOnly)
	s.Fail("AcceptItem", nciptest.ProblemFault(ncip.UserBlocked))
	r := shippedLoan(t, w)
	w.act(staff(libA), r.PublicID, ill.ActReceive, nil)
	viewer := w.user("stats@example.edu", ill.Grant{Agency: libA, Role: ill.RoleReadOnly})
	_, ada := patronLogin(t, w, libA, patron.Record{Barcode: "21000777"})
	tests := []struct {
		name  string
		actor ill.Actor
		view  bool
	}{
		{"viewer", app.ActorFor(viewer, libA), true},
		{"patron", ada, false},
		{"other library", staff(libB), false},
	}
	for _, tc := range tests {
		if _, err := w.app.ILSSteps(w.ctx, tc.actor, r.PublicID); (err == nil) != tc.view {
			t.Errorf("%s lists the steps: %v", tc.name, err)
		}
		if err := w.app.RetryILSStep(w.ctx, tc.actor, r.PublicID, ils.AcceptItem); err == nil {
			t.Errorf("%s retried a step", tc.name)
		}
		if err := w.app.CompleteILSStep(w.ctx, tc.actor, r.PublicID, ils.AcceptItem, "X", ""); err == nil {
			t.Errorf("%s completed a step", tc.name)
		}
	}
	// Bad input changes nothing.
	if err := w.app.CompleteILSStep(w.ctx, staff(libA), r.PublicID, ils.AcceptItem, strings.Repeat("9", 201), ""); !ill.Is(err, ill.Invalid) {
		t.Errorf("a 201-character item id: %v, want Invalid", err)
	}
	if err := w.app.CompleteILSStep(w.ctx, staff(libA), r.PublicID, "NoSuchService", "", ""); !ill.Is(err, ill.NotFound) {
		t.Errorf("an unknown service: %v, want NotFound", err)
	}
	w.wantAttention(libA, r.PublicID, ils.AcceptItem, "User Blocked")
}

// TestLendingRetriesDuplicateNothing: the hold and the check-out are done
// by the ILS but their answers lost; the retries find them done (the ILS
// counts one hold and one loan).
func TestLendingRetriesDuplicateNothing(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			s := newTestILS(t, w, libB, circulationOnly)
			s.loseAnswers("RequestItem", 1)
			s.loseAnswers("CheckOutItem", 1)
			b := newLoan(t, w, libB)
			l := w.lendingFor(libB, b)
			w.act(staff(libB), l.PublicID, ill.ActWillSupply, nil)
			w.driveILS(w.stepIs(libB, l.PublicID, ils.RequestItem, store.StepDone))
			w.act(staff(libB), l.PublicID, ill.ActShip, map[string]any{"barcode": "39000001"})
			w.driveILS(w.stepIs(libB, l.PublicID, ils.CheckOutItem, store.StepDone))
			if n := len(s.Requests()); n != 1 {
				t.Errorf("%d holds in the ILS after the retry, want 1", n)
			}
			if c := s.CallsTo("RequestItem"); len(c) != 2 || c[1].Problem != ncip.DuplicateRequest {
				t.Errorf("RequestItem calls %+v, want the retry answered Duplicate Request", c)
			}
			if n := len(s.CallsTo("CheckOutItem")); n != 2 {
				t.Errorf("%d CheckOutItem calls, want 2", n)
			}
			if loan, ok := s.Loan("39000001"); !ok || loan.UserID != "ILL-US-EXA" || loan.Renewals != 0 {
				t.Errorf("loan %+v (%v)", loan, ok)
			}
			w.wantNoAttention(libB, l.PublicID)
		})
	}
}
