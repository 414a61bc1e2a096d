package app_test

import (
	"slices"
	"testing"

	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/ncip"
	"interlend/internal/ncip/nciptest"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// TestLendingLoanThroughNCIP follows a loan through the lending library's
// ILS: availability of the catalog's copy when the request arrives, a hold
// for the borrowing library when we accept, the check-out to the borrowing
// library's account when we ship, the check-in when it comes back.
func TestLendingLoanThroughNCIP(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			ilsB := newTestILS(t, w, libB, nil)
			catalogCopy(t, w, libB, "b100", "39000001")

			b := newLoan(t, w, libB)
			l := w.lendingFor(libB, b)
			look := w.wantStep(libB, l.PublicID, ils.LookupItem, store.StepDone, "ils")
			if look.ItemID != "39000001" || look.Data["available"] != "yes" || look.Data["callNumber"] != "QH545 .P4 C38" || look.Data["location"] != "Main / Stacks" {
				t.Errorf("LookupItem = %s %v", look.ItemID, look.Data)
			}

			w.do(staff(libB), l.PublicID, ill.ActExpectToSupply, nil)
			hold := w.wantStep(libB, l.PublicID, ils.RequestItem, store.StepDone, "ils")
			q, ok := ilsB.Request(l.PublicID)
			if !ok || q.UserID != "ILL-US-EXA" || q.ItemBarcode != "39000001" || q.State != nciptest.RequestOpen || hold.ItemID != "39000001" {
				t.Fatalf("hold in the ILS = %+v (%v), step %+v", q, ok, hold.CirculationStep)
			}
			w.do(staff(libB), l.PublicID, ill.ActPrintSlip, nil)
			w.do(staff(libB), l.PublicID, ill.ActFound, nil)
			shipped := w.do(staff(libB), l.PublicID, ill.ActShip, map[string]any{"barcode": "39000001"})
			out := w.wantStep(libB, l.PublicID, ils.CheckOutItem, store.StepDone, "ils")
			loan, ok := ilsB.Loan("39000001")
			if !ok || loan.UserID != "ILL-US-EXA" || out.Data["due"] != shipped.LenderDue.Format("2006-01-02") {
				t.Errorf("ILS loan %+v (%v), step %v; want to the borrower's account, due %s", loan, ok, out.Data, shipped.LenderDue)
			}
			if q, _ := ilsB.Request(l.PublicID); q.State != nciptest.RequestFilled {
				t.Errorf("hold after the check-out is %s, want filled", q.State)
			}

			for _, a := range []ill.ActionName{ill.ActReceive, ill.ActCheckOut, ill.ActCheckIn, ill.ActShipReturn} {
				w.do(staff(libA), b.PublicID, a, nil)
			}
			w.do(staff(libB), l.PublicID, ill.ActLendCheckIn, nil)
			w.wantState(libB, l.PublicID, ill.LCompleted)
			w.wantStep(libB, l.PublicID, ils.CheckInItem, store.StepDone, "ils")
			if _, onLoan := ilsB.Loan("39000001"); onLoan {
				t.Error("the copy is still on loan in the ILS after the check-in")
			}
			if it, _ := ilsB.Item("39000001"); it.Status != ncip.StatusAvailableOnShelf {
				t.Errorf("copy status %q after the check-in", it.Status)
			}
			want := []string{"LookupItem", "RequestItem", "CheckOutItem", "CheckInItem"}
			if got := ilsB.services(); !slices.Equal(got, want) {
				t.Errorf("the ILS was called for %v, want %v", got, want)
			}
			if _, ok := w.steps(libB, l.PublicID)[ils.CancelRequestItem]; ok {
				t.Error("a shipped loan's hold was cancelled")
			}
			w.noPendingWork(libB, l.PublicID)
		})
	}
}

// TestLendingCancelWithdrawsTheHold: a request cancelled after we accepted
// it withdraws the hold placed in the ILS.
func TestLendingCancelWithdrawsTheHold(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	ilsB := newTestILS(t, w, libB, nil)
	// No catalog copy: the hold is asked for by ISBN, and the ILS picks.
	b := newLoan(t, w, libB)
	l := w.lendingFor(libB, b)
	w.wantStep(libB, l.PublicID, ils.LookupItem, store.StepSkipped, "")
	w.do(staff(libB), l.PublicID, ill.ActExpectToSupply, nil)
	if s := w.wantStep(libB, l.PublicID, ils.RequestItem, store.StepDone, "ils"); s.ItemID != "39000001" {
		t.Errorf("the ILS chose %q", s.ItemID)
	}
	if c := ilsB.CallsTo("RequestItem"); len(c) != 1 || c[0].BibID != "9780618249060" {
		t.Errorf("RequestItem calls %+v, want one by ISBN", c)
	}
	w.do(staff(libA), b.PublicID, ill.ActRequestCancel, nil)
	w.do(staff(libB), l.PublicID, ill.ActAcceptCancel, nil)
	w.wantState(libB, l.PublicID, ill.LCancelled)
	w.wantStep(libB, l.PublicID, ils.CancelRequestItem, store.StepDone, "ils")
	if q, _ := ilsB.Request(l.PublicID); q.State != nciptest.RequestCancelled {
		t.Errorf("hold is %s after the cancel, want cancelled", q.State)
	}
	// A title-level hold does not name the copy: the driver asks which
	// one the ILS chose (LookupItem by request id).
	if want := []string{"RequestItem", "LookupItem", "CancelRequestItem"}; !slices.Equal(ilsB.services(), want) {
		t.Errorf("calls %v, want %v", ilsB.services(), want)
	}
	if _, ok := w.steps(libB, l.PublicID)[ils.CheckOutItem]; ok {
		t.Error("a cancelled request was checked out")
	}
}
