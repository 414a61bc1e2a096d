package app_test

import (
	"slices"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/ncip"
	"interlend/internal/ncip/nciptest"
	"interlend/internal/patron"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// TestBorrowingLoanThroughNCIP follows a patron's loan through the
// borrowing library's ILS: the patron is looked up before the request
// leaves, the arriving book becomes a temporary item held for the patron,
// the patron takes it at the ILS's desk (Interlend sees it), brings it
// back to the ILL desk (checked in in the ILS), and the temporary item is
// deleted when the loan completes.
func TestBorrowingLoanThroughNCIP(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			ilsA := newTestILS(t, w, libA, nil)
			routeTo(w, libB)
			_, ada := patronLogin(t, w, libA, patron.Record{Barcode: "21000001", FirstName: "Ada", LastName: "Lovelace", Category: "faculty"})

			r, err := w.app.CreateRequest(w.ctx, ada, app.NewRequest{Citation: silentSpring})
			if err != nil {
				t.Fatal(err)
			}
			if r.State != ill.BReview || r.ReviewReason != "ils_patron_check" {
				t.Fatalf("a patron's request starts %s (%s), want held in review until the ILS answers", r.State, r.ReviewReason)
			}
			w.settle()
			got := w.wantState(libA, r.PublicID, ill.BSent)
			if got.PatronCategory != "faculty" || got.Attention {
				t.Errorf("after the lookup: category %q attention %v", got.PatronCategory, got.Attention)
			}
			w.wantStep(libA, r.PublicID, ils.LookupUser, store.StepDone, "ils")

			l := w.lendingFor(libB, r)
			w.do(staff(libB), l.PublicID, ill.ActWillSupply, nil)
			w.do(staff(libB), l.PublicID, ill.ActShip, map[string]any{"barcode": "39001000123"})
			w.wantState(libA, r.PublicID, ill.BShipped)

			// Received: a temporary item held for the patron at the pickup
			// location, due on the patron's due date.
			w.do(staff(libA), r.PublicID, ill.ActReceive, nil)
			acc := w.wantStep(libA, r.PublicID, ils.AcceptItem, store.StepDone, "ils")
			item, ok := ilsA.Item(acc.ItemID)
			if !ok || !item.Temporary || item.Status != ncip.StatusAvailableForPickup || item.Title != "Silent spring" || item.RequestID != r.PublicID {
				t.Fatalf("temporary item %q = %+v (%v)", acc.ItemID, item, ok)
			}
			if hold, ok := ilsA.Request(r.PublicID); !ok || hold.UserID != "21000001" || hold.PickupLocation != "MAIN-CIRC" || hold.State != nciptest.RequestOpen {
				t.Errorf("hold for the patron = %+v (%v)", hold, ok)
			}
			got = w.req(libA, r.PublicID)
			wantDue := time.Date(got.LenderDue.Year(), got.LenderDue.Month(), got.LenderDue.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -5).Format(time.DateOnly)
			if acc.Data["pickup"] != "MAIN-CIRC" {
				t.Errorf("pickup shown %q, want the settings' default sent", acc.Data["pickup"])
			}
			if acc.Data["due"] != wantDue {
				t.Errorf("temporary item due %s, want the patron's due date %s (lender's %s less 5 days' transit)", acc.Data["due"], wantDue, got.LenderDue)
			}

			// The patron takes it at the ILS's desk: Interlend sees it.
			ilsA.SetLoan(nciptest.Loan{ItemBarcode: acc.ItemID, UserID: "21000001", Due: w.clock.Now().AddDate(0, 0, 21)})
			w.clock.Advance(31 * time.Minute)
			w.settle()
			got = w.wantState(libA, r.PublicID, ill.BCheckedOut)
			w.wantStep(libA, r.PublicID, ils.CheckOutItem, store.StepDone, "seen")
			if got.PatronDue.IsZero() {
				t.Error("no patron due date after the check-out seen in the ILS")
			}

			// Back at the ILL desk: checked in in the ILS too.
			w.do(staff(libA), r.PublicID, ill.ActCheckIn, nil)
			w.wantStep(libA, r.PublicID, ils.CheckInItem, store.StepDone, "ils")
			if _, onLoan := ilsA.Loan(acc.ItemID); onLoan {
				t.Error("the ILS still has the item on loan after the check-in")
			}
			w.do(staff(libA), r.PublicID, ill.ActShipReturn, nil)
			w.do(staff(libB), l.PublicID, ill.ActLendCheckIn, nil)
			w.wantState(libA, r.PublicID, ill.BCompleted)
			w.wantStep(libA, r.PublicID, ils.DeleteItem, store.StepDone, "ils")
			if _, ok := ilsA.Item(acc.ItemID); ok {
				t.Error("the temporary item is still in the ILS after the loan completed")
			}

			want := []string{"LookupUser", "AcceptItem", "LookupItem", "CheckInItem", "DeleteItem"}
			if got := ilsA.services(); !slices.Equal(got, want) {
				t.Errorf("the ILS was called for %v, want %v", got, want)
			}
			for _, c := range ilsA.Calls() {
				if c.FromAgency != string(libA) || c.ToAgency != "US-EXA-ILS" || c.HTTPStatus != 200 || c.Problem != "" || c.Duplicate {
					t.Errorf("call %+v", c)
				}
			}
			w.noPendingWork(libA, r.PublicID)
		})
	}
}

// TestBorrowingLoanWithoutILS: with the none driver Interlend keeps the
// loan itself; every step is recorded as done at once and nothing is
// called.
func TestBorrowingLoanWithoutILS(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			routeTo(w, libB)
			_, ada := patronLogin(t, w, libA, patron.Record{Barcode: "21000001", Category: "faculty"})
			r, err := w.app.CreateRequest(w.ctx, ada, app.NewRequest{Citation: silentSpring})
			if err != nil {
				t.Fatal(err)
			}
			if r.State != ill.BSent {
				t.Fatalf("without an ILS a patron's request is %s, want sent at once", r.State)
			}
			w.settle()
			l := w.lendingFor(libB, r)
			w.do(staff(libB), l.PublicID, ill.ActWillSupply, nil)
			w.do(staff(libB), l.PublicID, ill.ActShip, nil)
			for _, a := range []ill.ActionName{ill.ActReceive, ill.ActCheckOut, ill.ActCheckIn, ill.ActShipReturn} {
				w.do(staff(libA), r.PublicID, a, nil)
			}
			w.do(staff(libB), l.PublicID, ill.ActLendCheckIn, nil)
			w.wantState(libA, r.PublicID, ill.BCompleted)

			steps, err := w.app.ILSSteps(w.ctx, staff(libA), r.PublicID)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range steps {
				names = append(names, s.Service)
				if s.State != store.StepDone || s.Data["via"] != "interlend" || s.JobID != 0 {
					t.Errorf("%s step = %+v, want done by Interlend itself", s.Service, s.CirculationStep)
				}
			}
			if want := []string{"AcceptItem", "CheckOutItem", "CheckInItem", "DeleteItem"}; !slices.Equal(names, want) {
				t.Errorf("steps %v, want %v", names, want)
			}
			lsteps, err := w.app.ILSSteps(w.ctx, staff(libB), l.PublicID)
			if err != nil || len(lsteps) != 0 {
				t.Errorf("lending steps without an ILS = %+v, %v; want none", lsteps, err)
			}
			if js := w.jobsOf(libA, r.PublicID, app.KindILSStep); len(js) != 0 {
				t.Errorf("%d ILS jobs for a library without an ILS", len(js))
			}
			w.noPendingWork(libA, r.PublicID)
		})
	}
}

// TestBorrowingCheckOutByStaff: staff lend the item in Interlend; the ILS
// gets CheckOutItem with the patron's due date, then CheckInItem.
func TestBorrowingCheckOutByStaff(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	ilsA := newTestILS(t, w, libA, func(s *ils.Settings) {
		s.Services = []ils.Service{ils.AcceptItem, ils.CheckOutItem, ils.CheckInItem, ils.DeleteItem, ils.RenewItem}
	})
	p, err := w.app.CreatePatron(w.ctx, ill.SystemActor(), libA, patron.Record{Barcode: "21000001", Category: "faculty"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := w.app.CreateRequest(w.ctx, staff(libA), app.NewRequest{Citation: silentSpring, PatronID: p.ID, Send: true,
		Lenders: []app.RotaChoice{{Lender: libB}}})
	if err != nil {
		t.Fatal(err)
	}
	if r.State != ill.BSent {
		t.Fatalf("request %s, want sent (LookupUser is switched off)", r.State)
	}
	w.settle()
	l := w.lendingFor(libB, r)
	w.do(staff(libB), l.PublicID, ill.ActWillSupply, nil)
	w.do(staff(libB), l.PublicID, ill.ActShip, nil)
	w.do(staff(libA), r.PublicID, ill.ActReceive, map[string]any{"barcode": "BAND-77"})
	acc := w.wantStep(libA, r.PublicID, ils.AcceptItem, store.StepDone, "ils")
	if acc.ItemID != "BAND-77" {
		t.Errorf("temporary item %q, want the barcode scanned at receipt", acc.ItemID)
	}
	got := w.do(staff(libA), r.PublicID, ill.ActCheckOut, nil)
	out := w.wantStep(libA, r.PublicID, ils.CheckOutItem, store.StepDone, "ils")
	loan, ok := ilsA.Loan("BAND-77")
	if !ok || loan.UserID != "21000001" || loan.Due.Format(time.DateOnly) != got.PatronDue.Format(time.DateOnly) || out.Data["due"] != got.PatronDue.Format(time.DateOnly) {
		t.Errorf("ILS loan %+v (%v), step %v; want the patron's due date %s", loan, ok, out.Data, got.PatronDue)
	}
	// Each renewal the lender grants extends the loan in the ILS too.
	for i := 1; i <= 2; i++ {
		w.clock.Advance(24 * time.Hour) // a second Renew at the same moment would be taken for a duplicate
		w.do(staff(libA), r.PublicID, ill.ActRenew, nil)
		w.do(staff(libB), l.PublicID, ill.ActApproveRenew, nil)
		got = w.wantState(libA, r.PublicID, ill.BCheckedOut)
		renew := w.wantStep(libA, r.PublicID, ils.RenewItem, store.StepDone, "ils")
		loan, _ := ilsA.Loan("BAND-77")
		if loan.Renewals != i || loan.Due.Format(time.DateOnly) != got.PatronDue.Format(time.DateOnly) || renew.Data["due"] != got.PatronDue.Format(time.DateOnly) {
			t.Errorf("renewal %d: ILS loan %+v, step %v; want the new patron due date %s", i, loan, renew.Data, got.PatronDue)
		}
	}
	w.do(staff(libA), r.PublicID, ill.ActCheckIn, nil)
	w.wantStep(libA, r.PublicID, ils.CheckInItem, store.StepDone, "ils")
	if want := []string{"AcceptItem", "CheckOutItem", "RenewItem", "RenewItem", "CheckInItem"}; !slices.Equal(ilsA.services(), want) {
		t.Errorf("calls %v, want %v", ilsA.services(), want)
	}
	if w.req(libA, r.PublicID).State != ill.BReturned {
		t.Errorf("state %s after the check-in", w.req(libA, r.PublicID).State)
	}
}

// TestCirculationSeenInTheILS: with "Circulate" the ILS lends the
// temporary item to the patron as it makes it, and the patron returns it at
// the ILS's desk: Interlend sees both and records them without calling.
func TestCirculationSeenInTheILS(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	ilsA := newTestILS(t, w, libA, func(s *ils.Settings) {
		s.AcceptAction = ncip.ActionCirculate
		s.Services = []ils.Service{ils.AcceptItem, ils.CheckOutItem, ils.CheckInItem, ils.DeleteItem, ils.LookupItem}
	})
	p, err := w.app.CreatePatron(w.ctx, ill.SystemActor(), libA, patron.Record{Barcode: "21000001"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := w.app.CreateRequest(w.ctx, staff(libA), app.NewRequest{Citation: silentSpring, PatronID: p.ID, Send: true, Lenders: []app.RotaChoice{{Lender: libB}}})
	if err != nil {
		t.Fatal(err)
	}
	w.settle()
	l := w.lendingFor(libB, r)
	w.do(staff(libB), l.PublicID, ill.ActWillSupply, nil)
	w.do(staff(libB), l.PublicID, ill.ActShip, nil)
	w.do(staff(libA), r.PublicID, ill.ActReceive, nil)
	acc := w.wantStep(libA, r.PublicID, ils.AcceptItem, store.StepDone, "ils")

	w.clock.Advance(31 * time.Minute) // the next look
	w.settle()
	w.wantState(libA, r.PublicID, ill.BCheckedOut)
	w.wantStep(libA, r.PublicID, ils.CheckOutItem, store.StepDone, "seen")

	// Returned at the ILS's desk.
	desk := &ncip.Client{Endpoint: ilsA.URL, FromAgency: "CIRC-DESK", ToAgency: ilsA.Agency}
	if _, err := desk.CheckInItem(w.ctx, &ncip.CheckInItem{ItemID: *ncip.ItemBarcode(acc.ItemID)}); err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(6*time.Hour + time.Minute)
	w.settle()
	w.wantState(libA, r.PublicID, ill.BReturned)
	w.wantStep(libA, r.PublicID, ils.CheckInItem, store.StepDone, "seen")
	var ours []string
	for _, c := range ilsA.Calls() {
		if c.FromAgency == string(libA) {
			ours = append(ours, c.Service)
		}
	}
	if want := []string{"AcceptItem", "LookupItem", "LookupItem"}; !slices.Equal(ours, want) {
		t.Errorf("Interlend called %v, want %v (nothing but looks after AcceptItem)", ours, want)
	}
	if js := w.jobsOf(libA, r.PublicID, app.KindILSWatch, store.JobReady); len(js) != 0 {
		t.Errorf("still watching after the return: %d jobs", len(js))
	}
}
