package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/config"
	"interlend/internal/ill"
	"interlend/internal/mail/mailtest"
	"interlend/internal/routing"
	"interlend/internal/store"
	"interlend/internal/testenv"
)

// TestBrowserLostInTransitClaim: a loan shipped to us and not received
// 10 business days later opens the "not received" problem (the patron is
// told it is delayed); at the claim step it is in the problems queue for
// staff to act; staff claim it lost in transit from the request's
// problems panel, the lender agrees (closes it as lost), staff settle it
// with a replacement charge, which is on the request's ledger and the
// Billing page; the patron is told it is lost.
func TestBrowserLostInTransitClaim(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	pw := newPortalWeb(t, apptest.Options{Workers: 2, Config: func(c *config.Config) { smtp.Configure(c) }})
	ctx := context.Background()
	var deskUser store.User
	if err := pw.App.DB.Read(ctx, func(tx *store.Tx) (err error) { deskUser, err = tx.System().UserByEmail("desk@prt.example"); return }); err != nil {
		t.Fatal(err)
	}
	desk := app.ActorFor(deskUser, portalLib)
	lender := app.ActorFor(pw.User(t, "lend@lnd.example", ill.Grant{Agency: portalLender, Role: ill.RoleManager}), portalLender)
	r, err := pw.App.CreateRequest(ctx, desk, app.NewRequest{PatronID: pw.pa.ID, PickupLocation: "Main desk", Citation: ill.Citation{Title: "Lost Parcel", Author: "Post, A."},
		ServiceType: ill.Loan, Lenders: []app.RotaChoice{{Lender: portalLender, Reason: "test"}}, Send: true})
	if err != nil {
		t.Fatal(err)
	}
	var lid string
	waitFor(t, "the lending request", func() bool {
		_ = pw.App.DB.Read(ctx, func(tx *store.Tx) error {
			rs, _, err := tx.Agency().ListRequests(portalLender, store.RequestFilter{Side: ill.Lending})
			for _, l := range rs {
				if l.PartnerRequestID == r.PublicID {
					lid = l.PublicID
				}
			}
			return err
		})
		return lid != ""
	})
	state := func(act ill.Actor, id string) ill.State {
		got, err := pw.App.GetRequest(ctx, act, id)
		if err != nil {
			t.Fatal(err)
		}
		return got.State
	}
	for _, a := range []ill.ActionName{ill.ActExpectToSupply, ill.ActPrintSlip, ill.ActFound, ill.ActShip} {
		var params map[string]any
		if a == ill.ActShip {
			params = map[string]any{"courier": "UPS", "trackingId": "1Z999"}
		}
		var last error
		waitFor(t, "the lender may "+string(a), func() bool {
			_, last = pw.App.Perform(ctx, lender, lid, a, params, 0)
			if last != nil && !ill.Is(last, ill.Conflict) {
				t.Fatalf("%s: %v", a, last)
			}
			return last == nil
		})
	}
	waitFor(t, "shipped", func() bool { return state(desk, r.PublicID) == ill.BShipped })

	// Detection, then the claim step, by the library's business days.
	problem := func() store.Problem {
		ps, err := pw.App.RequestProblems(ctx, desk, r.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.Kind == ill.ProbNotReceived {
				return p
			}
		}
		return store.Problem{}
	}
	sch := routing.DefaultSchedule()
	pw.Clock.Set(sch.AddBusinessDays(pw.Clock.Now(), 10).Add(time.Minute))
	waitFor(t, "the problem to open", func() bool { pw.App.Jobs.Kick(); return problem().Step == "status_request" })
	smtp.WaitMatch(t, "the patron told of the delay", 1, 20*time.Second, func(m mailtest.Message) bool {
		return m.SentTo("ada@prt.example") && strings.Contains(m.Subject, "Delayed: Lost Parcel")
	})
	pw.Clock.Set(problem().NextAt.Add(time.Minute))
	waitFor(t, "the claim step", func() bool { pw.App.Jobs.Kick(); return problem().Step == "claim" })

	b := testenv.NewBrowser(t, pw.URL)
	b.Login("desk@prt.example", apptest.Password)
	b.TabTo("Problems")
	b.AndWait(func() { b.Press("Enter") })
	if p := b.Path(); p != "/problems" {
		t.Fatalf("on %s, want the problems queue", p)
	}
	row := b.Text(`tr[data-kind="not_received"]`)
	for _, want := range []string{r.PublicID, "Lost Parcel", string(portalLender), "Not received", "Claim lost in transit", "Staff to act."} {
		if !strings.Contains(row, want) {
			t.Errorf("queue row lacks %q: %q", want, row)
		}
	}
	b.Axe()
	b.AndWait(func() { b.Click(`tr[data-kind="not_received"] a`) })
	b.WaitVisible(`#problems-panel form[action$="/actions/claim_lost_transit"] button`)
	if got := b.Text("#problems-panel"); !strings.Contains(got, "Claim lost in transit") || !strings.Contains(got, "Settle who pays") {
		t.Errorf("panel: %q", got)
	}
	b.Axe()
	b.Type("#pp-claim_lost_transit-note", "Tracking shows nothing since the 3rd.")
	b.AndWait(func() { b.Click(`#problems-panel form[action$="/actions/claim_lost_transit"] button`) })
	waitFor(t, "the lender's problem", func() bool { return state(lender, lid) == ill.LProblem })
	if state(desk, r.PublicID) != ill.BProblem {
		t.Fatalf("after the claim: %s", state(desk, r.PublicID))
	}

	// The lender agrees: it closes the loan as lost.
	if _, err := pw.App.Perform(ctx, lender, lid, ill.ActCloseLostLend, map[string]any{"note": "Agreed, lost."}, 0); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the settle step", func() bool { return problem().Step == "settle" })
	b.Navigate("/requests/" + r.PublicID)
	b.WaitVisible(`#problems-panel form[action$="/actions/settle_lost"] button`)
	testenv.Eval[bool](b, `(function(){ document.getElementById("pp-settle_lost-outcome").value = "charge"; return true })()`)
	b.Type("#pp-settle_lost-cost", "45.00 USD")
	b.AndWait(func() { b.Click(`#problems-panel form[action$="/actions/settle_lost"] button`) })
	if p := problem(); p.Open() || p.Outcome != ill.SettleCharge {
		t.Fatalf("after settling: %+v", p)
	}
	b.WaitVisible(`#problems-panel li[data-kind="not_received"]`)
	if got := b.Text(`#problems-panel li[data-kind="not_received"]`); !strings.Contains(got, "replacement charge") {
		t.Errorf("closed problem in the panel: %q", got)
	}
	var charges []store.Charge
	got, _ := pw.App.GetRequest(ctx, desk, r.PublicID)
	if err := pw.App.DB.Read(ctx, func(tx *store.Tx) (err error) { charges, err = tx.Agency().Charges(portalLib, got.ID); return }); err != nil {
		t.Fatal(err)
	}
	if len(charges) != 1 || charges[0].Amount.Minor != 4500 || charges[0].Type != store.ChargeReplacement || charges[0].Payee != string(portalLender) {
		t.Fatalf("ledger: %+v", charges)
	}
	b.Navigate("/billing?period=" + pw.Clock.Now().UTC().Format("2006-01"))
	if got := b.Text("main"); !strings.Contains(got, "45.00") || !strings.Contains(got, string(portalLender)) {
		t.Errorf("billing page lacks the charge:\n%s", got)
	}
	smtp.WaitMatch(t, "the patron told it is lost", 1, 20*time.Second, func(m mailtest.Message) bool {
		return m.SentTo("ada@prt.example") && strings.Contains(m.Subject, "Lost on its way: Lost Parcel")
	})
}
