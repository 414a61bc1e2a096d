package app_test

import (
	"fmt"
	"strings"
	"testing"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/ncip/nciptest"
	"interlend/internal/patron"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// TestPatronCheckAtIntake: a patron's request waits in review until the
// ILS has looked the patron up; what the ILS says (or its silence, by the
// agency's fallback) decides whether it leaves.
func TestPatronCheckAtIntake(t *testing.T) {
	t.Parallel()
	lookupOnly := func(whenDown string) func(*ils.Settings) {
		return func(s *ils.Settings) { s.Services, s.WhenDown = []ils.Service{ils.LookupUser}, whenDown }
	}
	tests := []struct {
		name    string
		barcode string
		edit    func(*ils.Settings)
		fault   *nciptest.Fault
		run     func(t *testing.T, w *world, s *testILS, r *ill.Request)
	}{
		{name: "unknown in the ILS, vouched for by staff", barcode: "21000999", edit: lookupOnly(ils.WhenDownLocal),
			run: func(t *testing.T, w *world, s *testILS, r *ill.Request) {
				got := w.wantState(libA, r.PublicID, ill.BReview)
				if got.ReviewReason != "ils_patron_refused" {
					t.Errorf("review reason %q", got.ReviewReason)
				}
				w.wantAttention(libA, r.PublicID, ils.LookupUser, "Unknown User")
				if err := w.app.CompleteILSStep(w.ctx, staff(libA), r.PublicID, ils.LookupUser, "", "card checked at the desk"); err != nil {
					t.Fatal(err)
				}
				w.settle()
				w.wantState(libA, r.PublicID, ill.BSent)
				w.wantNoAttention(libA, r.PublicID)
			}},
		{name: "blocked in the ILS, unblocked and retried", barcode: "21000002", edit: lookupOnly(ils.WhenDownLocal),
			run: func(t *testing.T, w *world, s *testILS, r *ill.Request) {
				w.wantState(libA, r.PublicID, ill.BReview)
				w.wantAttention(libA, r.PublicID, ils.LookupUser, "Excessive Fines")
				s.AddUser(nciptest.User{ID: "21000002", Surname: "Paid up", Category: "undergraduate"})
				if err := w.app.RetryILSStep(w.ctx, staff(libA), r.PublicID, ils.LookupUser); err != nil {
					t.Fatal(err)
				}
				w.settle()
				w.wantState(libA, r.PublicID, ill.BSent)
				w.wantStep(libA, r.PublicID, ils.LookupUser, store.StepDone, "ils")
				if n := len(s.CallsTo("LookupUser")); n != 2 {
					t.Errorf("%d LookupUser calls, want 2", n)
				}
			}},
		{name: "down, local records decide", barcode: "21000001", edit: lookupOnly(ils.WhenDownLocal), fault: faultOf(nciptest.Unavailable()),
			run: func(t *testing.T, w *world, s *testILS, r *ill.Request) {
				w.driveILS(func() bool { return w.req(libA, r.PublicID).State != ill.BReview })
				w.wantState(libA, r.PublicID, ill.BSent)
				w.wantStep(libA, r.PublicID, ils.LookupUser, store.StepDone, "local")
				if n := len(s.CallsTo("LookupUser")); n != 3 {
					t.Errorf("%d LookupUser calls, want 3 tries", n)
				}
			}},
		{name: "down, staff review", barcode: "21000001", edit: lookupOnly(ils.WhenDownAccept), fault: faultOf(nciptest.CloseConnection()),
			run: func(t *testing.T, w *world, s *testILS, r *ill.Request) {
				w.driveILS(func() bool { return w.steps(libA, r.PublicID)[ils.LookupUser].ID != 0 })
				if got := w.wantState(libA, r.PublicID, ill.BReview); got.ReviewReason != "ils_unavailable" {
					t.Errorf("review reason %q", got.ReviewReason)
				}
				w.wantAttention(libA, r.PublicID, ils.LookupUser, "did not answer")
			}},
		{name: "down, the patron tries later", barcode: "21000001", edit: lookupOnly(ils.WhenDownRefuse), fault: faultOf(nciptest.Unavailable()),
			run: func(t *testing.T, w *world, s *testILS, r *ill.Request) {
				w.driveILS(func() bool { return w.req(libA, r.PublicID).State != ill.BReview })
				got := w.wantState(libA, r.PublicID, ill.BCancelled)
				if got.ClosedAt.IsZero() {
					t.Error("not closed")
				}
				if _, err := w.lendingIDFor(r); err == nil {
					t.Error("the request reached the lender")
				}
			}},
		{name: "settings wrong, local records decide and staff are told", barcode: "21000001", edit: lookupOnly(ils.WhenDownLocal),
			fault: faultOf(nciptest.ProblemFault("Unknown Agency")),
			run: func(t *testing.T, w *world, s *testILS, r *ill.Request) {
				w.settle()
				w.wantState(libA, r.PublicID, ill.BSent)
				if got := w.req(libA, r.PublicID); !got.Attention {
					t.Error("a settings problem at intake is not shown to staff")
				}
			}},
	}
	for _, e := range storetest.Engines(t) {
		for _, tc := range tests {
			t.Run(string(e)+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				w := newWorld(t, e)
				s := newTestILS(t, w, libA, tc.edit)
				if tc.fault != nil {
					s.Fail("LookupUser", *tc.fault)
				}
				routeTo(w, libB)
				_, who := patronLogin(t, w, libA, patron.Record{Barcode: tc.barcode, Category: "faculty"})
				r, err := w.app.CreateRequest(w.ctx, who, app.NewRequest{Citation: silentSpring})
				if err != nil {
					t.Fatal(err)
				}
				if r.State != ill.BReview || r.ReviewReason != "ils_patron_check" {
					t.Fatalf("new request %s (%s), want held for the ILS", r.State, r.ReviewReason)
				}
				w.settle()
				tc.run(t, w, s, r)
			})
		}
	}
}

func faultOf(f nciptest.Fault) *nciptest.Fault { return &f }

// lendingIDFor finds whether the request reached its lender.
func (w *world) lendingIDFor(r *ill.Request) (string, error) {
	return w.app.LendingIDFor(w.ctx, libB, libA, r.PublicID)
}

// TestStaffRequestIsCheckedAfterwards: a request staff place for a patron
// is not held, but a patron the ILS refuses flags it.
func TestStaffRequestIsCheckedAfterwards(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	newTestILS(t, w, libA, func(s *ils.Settings) { s.Services = []ils.Service{ils.LookupUser} })
	p, err := w.app.CreatePatron(w.ctx, ill.SystemActor(), libA, patron.Record{Barcode: "21000999", Category: "faculty"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := w.app.CreateRequest(w.ctx, staff(libA), app.NewRequest{Citation: silentSpring, PatronID: p.ID, Send: true, Lenders: []app.RotaChoice{{Lender: libB}}})
	if err != nil {
		t.Fatal(err)
	}
	if r.State != ill.BSent {
		t.Fatalf("staff request %s, want sent at once", r.State)
	}
	w.settle()
	w.wantState(libA, r.PublicID, ill.BSent)
	w.wantAttention(libA, r.PublicID, ils.LookupUser, "Unknown User")
}

// TestPatronLimitsAtIntake: blocks, expiry and category limits are checked
// against the patron record when a request is placed.
func TestPatronLimitsAtIntake(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			mgr := staff(libA)
			err := w.app.SetPatronPolicy(w.ctx, mgr, libA, patron.Policy{Categories: []patron.Category{
				{Code: "undergraduate", Limits: patron.Limits{MaxOpen: 2, MaxPerDay: 5}},
				{Code: "visitor", Limits: patron.Limits{NoRequests: true}},
			}})
			if err != nil {
				t.Fatal(err)
			}
			_, ug := patronLogin(t, w, libA, patron.Record{Barcode: "UG1", Category: "undergraduate"})
			blockedRec, blocked := patronLogin(t, w, libA, patron.Record{Barcode: "BL1", Category: "undergraduate"})
			if _, err := w.app.BlockPatron(w.ctx, mgr, libA, blockedRec.ID, "Lost library items"); err != nil {
				t.Fatal(err)
			}
			expiredRec, expired := patronLogin(t, w, libA, patron.Record{Barcode: "EX1", Category: "undergraduate", Expires: t0.AddDate(0, 0, -1)})
			_, visitor := patronLogin(t, w, libA, patron.Record{Barcode: "VI1", Category: "visitor"})

			count := func() int {
				rs, _, err := w.app.ListRequests(w.ctx, mgr, store.RequestFilter{Side: ill.Borrowing})
				if err != nil {
					t.Fatal(err)
				}
				return len(rs)
			}
			// Each request for a title of its own: asking twice for one
			// title is the duplicate check's business, not the limits'.
			placed := 0
			place := func(actor ill.Actor, patronID int64) (*ill.Request, error) {
				placed++
				c := ill.Citation{Title: fmt.Sprintf("Limits volume %d", placed), Author: "Carson, Rachel", PublicationType: ill.PubBook}
				return w.app.CreateRequest(w.ctx, actor, app.NewRequest{Citation: c, PatronID: patronID})
			}
			for i := 0; i < 2; i++ {
				r, err := place(ug, 0)
				if err != nil {
					t.Fatalf("request %d within the limit: %v", i+1, err)
				}
				if r.PatronID == 0 || r.PatronCategory != "undergraduate" {
					t.Errorf("request not tied to the patron's record: patron %d category %q", r.PatronID, r.PatronCategory)
				}
			}
			tests := []struct {
				name   string
				actor  ill.Actor
				patron int64
				kind   ill.Kind
				reason patron.Reason
				msg    string
			}{
				{"over the open limit", ug, 0, ill.Forbidden, patron.ReasonOpenLimit, "You already have 2 open requests"},
				{"blocked", blocked, 0, ill.Forbidden, patron.ReasonBlocked, "Lost library items"},
				{"expired", expired, 0, ill.Forbidden, patron.ReasonExpired, "expired on 1 March 2026"},
				{"category may not request", visitor, 0, ill.Forbidden, patron.ReasonNoRequests, "not available"},
				{"staff for a blocked patron", mgr, blockedRec.ID, ill.Forbidden, patron.ReasonBlocked, "lift the block"},
				{"staff for an expired patron", mgr, expiredRec.ID, ill.Forbidden, patron.ReasonExpired, "renew it"},
				{"no such patron", mgr, 999999, ill.Invalid, "", "no such patron"},
			}
			before := count()
			for _, tc := range tests {
				_, err := place(tc.actor, tc.patron)
				if !ill.Is(err, tc.kind) || !strings.Contains(ill.UserMessage(err), tc.msg) {
					t.Errorf("%s: %v, want %s saying %q", tc.name, err, tc.kind, tc.msg)
				}
				if ref, ok := patron.RefusalOf(err); tc.reason != "" && (!ok || ref.Reason != tc.reason) {
					t.Errorf("%s: refusal %+v, want %s", tc.name, ref, tc.reason)
				}
			}
			if after := count(); after != before {
				t.Errorf("refused requests were stored: %d requests, want %d", after, before)
			}
			// Staff may place one over the limit: it goes to review.
			ugRec, err := w.app.SearchPatrons(w.ctx, mgr, libA, "UG1", 1)
			if err != nil || len(ugRec) != 1 {
				t.Fatal(ugRec, err)
			}
			r, err := w.app.CreateRequest(w.ctx, mgr, app.NewRequest{Citation: silentSpring, PatronID: ugRec[0].ID, Send: true, Lenders: []app.RotaChoice{{Lender: libB}}})
			if err != nil {
				t.Fatal(err)
			}
			if r.State != ill.BReview || r.ReviewReason != "patron_limit" {
				t.Errorf("staff request over the limit is %s (%s), want review", r.State, r.ReviewReason)
			}
		})
	}
}
