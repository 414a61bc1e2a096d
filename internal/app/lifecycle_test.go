package app_test

import (
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

func newLoan(t *testing.T, w *world, lenders ...ill.AgencyID) *ill.Request {
	t.Helper()
	var rota []app.RotaChoice
	for _, l := range lenders {
		rota = append(rota, app.RotaChoice{Lender: l, Reason: "chosen in the test"})
	}
	r, err := w.app.CreateRequest(w.ctx, staff(libA), app.NewRequest{
		Citation:    ill.Citation{Title: "Silent spring", Author: "Carson, Rachel", ISBN: "9780618249060", PublicationType: ill.PubBook},
		ServiceType: ill.Loan, Lenders: rota, Send: true, PatronCategory: "Faculty"})
	if err != nil {
		t.Fatal(err)
	}
	w.settle()
	return r
}

func TestFullLoanWithRenewalAndOverdue(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			b := newLoan(t, w, libB)
			w.wantState(libA, b.PublicID, ill.BSent)
			l := w.lendingFor(libB, b)
			w.wantState(libB, l.PublicID, ill.LNew)

			w.do(staff(libB), l.PublicID, ill.ActExpectToSupply, nil)
			w.wantState(libA, b.PublicID, ill.BAnswered)
			w.wantMirror(b, l)
			w.do(staff(libB), l.PublicID, ill.ActPrintSlip, nil)
			w.do(staff(libB), l.PublicID, ill.ActFound, nil)
			w.wantState(libB, l.PublicID, ill.LAwaitingShip)
			w.wantMirror(b, l)
			w.do(staff(libB), l.PublicID, ill.ActShip, map[string]any{"barcode": "39001000123", "courier": "UPS", "trackingId": "1Z999"})
			got := w.wantState(libA, b.PublicID, ill.BShipped)
			if got.LenderDue.IsZero() || got.Items[0].Barcode != "39001000123" || got.Shipping.TrackingID != "1Z999" {
				t.Errorf("shipped: due %v items %v shipping %+v", got.LenderDue, got.Items, got.Shipping)
			}
			w.wantMirror(b, l)

			w.do(staff(libA), b.PublicID, ill.ActReceive, nil)
			got = w.wantState(libA, b.PublicID, ill.BAwaitingPickup)
			if got.PickupDeadline.IsZero() {
				t.Error("no pickup deadline")
			}
			w.wantState(libB, l.PublicID, ill.LOnLoan)
			w.do(staff(libA), b.PublicID, ill.ActCheckOut, nil)
			got = w.wantState(libA, b.PublicID, ill.BCheckedOut)
			if !got.PatronDue.Before(got.LenderDue) {
				t.Errorf("patron due %v is not before lender due %v", got.PatronDue, got.LenderDue)
			}
			firstDue := got.LenderDue

			// Renewal granted.
			w.do(staff(libA), b.PublicID, ill.ActRenew, nil)
			w.wantState(libB, l.PublicID, ill.LRenewRequested)
			w.do(staff(libB), l.PublicID, ill.ActApproveRenew, nil)
			got = w.wantState(libA, b.PublicID, ill.BCheckedOut)
			if got.RenewalCount != 1 || !got.LenderDue.After(firstDue) {
				t.Errorf("after renewal: count %d due %v (was %v)", got.RenewalCount, got.LenderDue, firstDue)
			}
			w.wantMirror(b, l)

			// Overdue: the patron's due date passes, then the lender's.
			w.clock.Set(got.PatronDue.Add(time.Hour))
			w.settle()
			w.wantState(libA, b.PublicID, ill.BOverdue)
			w.clock.Set(got.LenderDue.Add(time.Hour))
			w.settle()
			w.wantState(libB, l.PublicID, ill.LOverdue)
			w.wantState(libA, b.PublicID, ill.BOverdue)
			w.wantMirror(b, l)

			// Returned.
			w.do(staff(libA), b.PublicID, ill.ActCheckIn, nil)
			w.do(staff(libA), b.PublicID, ill.ActShipReturn, map[string]any{"courier": "UPS"})
			w.wantState(libB, l.PublicID, ill.LReturnReceived)
			w.do(staff(libB), l.PublicID, ill.ActLendCheckIn, nil)
			done := w.wantState(libA, b.PublicID, ill.BCompleted)
			if done.CloseReason != ill.ClosedFilled {
				t.Errorf("close reason %s", done.CloseReason)
			}
			lend := w.wantState(libB, l.PublicID, ill.LCompleted)
			w.wantMirror(b, l)
			if lend.PartnerStatus != ill.StatusLoanCompleted {
				t.Errorf("lender status %s", lend.PartnerStatus)
			}
			w.noPendingWork(libA, b.PublicID)
			w.noPendingWork(libB, l.PublicID)
		})
	}
}

// noTimers: a terminal request keeps no pending timer.
func (w *world) noTimers(ag ill.AgencyID, id string) {
	w.t.Helper()
	err := w.app.DB.Read(w.ctx, func(tx *store.Tx) error {
		js, err := tx.System().ListJobs(store.JobFilter{Agency: ag, Ref: id, Kind: app.KindTimer, States: []store.JobState{store.JobReady, store.JobHeld}})
		for _, j := range js {
			w.t.Errorf("terminal request %s keeps a timer due %v", id, j.RunAt)
		}
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

// noPendingWork: a terminal request keeps no timer or outgoing message.
func (w *world) noPendingWork(ag ill.AgencyID, id string) {
	w.t.Helper()
	err := w.app.DB.Read(w.ctx, func(tx *store.Tx) error {
		js, err := tx.System().ListJobs(store.JobFilter{Agency: ag, Ref: id, States: []store.JobState{store.JobReady, store.JobRunning, store.JobHeld, store.JobDead}})
		for _, j := range js {
			w.t.Errorf("terminal request %s still has a %s job %s due %v", id, j.State, j.Kind, j.RunAt)
		}
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

func TestCopyDelivered(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	r, err := w.app.CreateRequest(w.ctx, staff(libA), app.NewRequest{
		Citation: ill.Citation{Title: "Nature", ArticleTitle: "Molecular structure of nucleic acids", JournalTitle: "Nature", ISSN: "0028-0836", Volume: "171", Pages: "737-738", PubDate: "1953", PublicationType: ill.PubArticle},
		Lenders:  []app.RotaChoice{{Lender: libB}}, Send: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.ServiceType != ill.Copy {
		t.Errorf("an article defaults to %s, want Copy", r.ServiceType)
	}
	w.settle()
	l := w.lendingFor(libB, r)
	w.do(staff(libB), l.PublicID, ill.ActWillSupply, nil)
	w.wantState(libB, l.PublicID, ill.LAwaitingScan)
	w.do(staff(libB), l.PublicID, ill.ActDeliver, map[string]any{"deliveryUrl": "https://exb.example/files/abc"})
	done := w.wantState(libA, r.PublicID, ill.BCompleted)
	if done.DeliveryURL != "https://exb.example/files/abc" || done.CloseReason != ill.ClosedFilled {
		t.Errorf("delivered: url %q reason %s", done.DeliveryURL, done.CloseReason)
	}
	w.wantMirror(r, l)
}

func TestUnfilledMovesToNextLenderThenEndOfRota(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	b := newLoan(t, w, libB, libC)
	lb := w.lendingFor(libB, b)
	w.do(staff(libB), lb.PublicID, ill.ActAnswerUnfilled, map[string]any{"reason": "NotHeld"})
	got := w.wantState(libA, b.PublicID, ill.BSent)
	if got.Partner != libC || got.RotaPos != 2 {
		t.Fatalf("after Unfilled: partner %s pos %d, want %s 2", got.Partner, got.RotaPos, libC)
	}
	lc := w.lendingFor(libC, b)
	w.do(staff(libC), lc.PublicID, ill.ActAnswerUnfilled, map[string]any{"reason": "NonCirculating"})
	got = w.wantState(libA, b.PublicID, ill.BEndOfRota)
	if !got.Attention {
		t.Error("end of rota without attention")
	}
	rota, err := w.app.Rota(w.ctx, staff(libA), b.PublicID)
	if err != nil || len(rota) != 2 || rota[0].State != store.RotaUnfilled || rota[1].State != store.RotaUnfilled {
		t.Errorf("rota %+v %v", rota, err)
	}
	w.do(staff(libA), b.PublicID, ill.ActCloseUnfilled, nil)
	done := w.wantState(libA, b.PublicID, ill.BUnfilled)
	if done.CloseReason != ill.ClosedUnfilled {
		t.Errorf("close reason %s", done.CloseReason)
	}
}

// TestTimeoutAdvancesAndLateLoanedWins: no answer within the window moves
// the request on with Cancel to the first lender; when the first lender
// ships anyway, it is kept and the newer lender is cancelled.
func TestTimeoutAdvancesAndLateLoanedWins(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			b := newLoan(t, w, libB, libC)
			lb := w.lendingFor(libB, b)
			w.clock.Advance(app.DefaultPolicy.ResponseWindow + time.Minute)
			w.settle()
			got := w.wantState(libA, b.PublicID, ill.BSent)
			if got.Partner != libC {
				t.Fatalf("after the window: partner %s, want %s", got.Partner, libC)
			}
			w.wantState(libB, lb.PublicID, ill.LCancelRequested)
			lc := w.lendingFor(libC, b)
			w.do(staff(libC), lc.PublicID, ill.ActExpectToSupply, nil)
			// B refuses the cancel and ships after all.
			w.do(staff(libB), lb.PublicID, ill.ActRefuseCancel, nil)
			w.do(staff(libB), lb.PublicID, ill.ActWillSupply, nil)
			w.do(staff(libB), lb.PublicID, ill.ActShip, nil)
			got = w.wantState(libA, b.PublicID, ill.BShipped)
			if got.Partner != libB {
				t.Errorf("after the late Loaned: partner %s, want %s", got.Partner, libB)
			}
			w.wantState(libC, lc.PublicID, ill.LCancelRequested)
			w.wantMirror(got, lb)
		})
	}
}

// TestTwoStaffAtOnce: two people act on the same version of a request at
// the same moment; one wins, the other gets a clear conflict and changes
// nothing.
func TestTwoStaffAtOnce(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			r, err := w.app.CreateRequest(w.ctx, staff(libA), app.NewRequest{Citation: ill.Citation{Title: "Contested"}, Lenders: []app.RotaChoice{{Lender: libB}}})
			if err != nil {
				t.Fatal(err)
			}
			type result struct {
				r   *ill.Request
				err error
			}
			results := make(chan result, 2)
			for _, action := range []ill.ActionName{ill.ActSend, ill.ActCancel} {
				go func() {
					got, err := w.app.Perform(w.ctx, staff(libA), r.PublicID, action, nil, r.Version)
					results <- result{got, err}
				}()
			}
			var wins, conflicts int
			for range 2 {
				res := <-results
				switch {
				case res.err == nil:
					wins++
				case ill.Is(res.err, ill.Conflict) && strings.Contains(ill.UserMessage(res.err), "changed by someone else"):
					conflicts++
				default:
					t.Errorf("unexpected error: %v", res.err)
				}
			}
			if wins != 1 || conflicts != 1 {
				t.Fatalf("%d wins and %d conflicts, want one of each", wins, conflicts)
			}
			evs, _, err := w.app.Timeline(w.ctx, staff(libA), r.PublicID)
			if err != nil || len(evs) != 2 {
				t.Errorf("%d events (%v), want submitted + the winner's", len(evs), err)
			}
		})
	}
}
