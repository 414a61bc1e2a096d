package web_test

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/config"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/mail/mailtest"
	"interlend/internal/store"
	"interlend/internal/testenv"
)

var portalSentence = regexp.MustCompile(`(?s)<p class="portal-sentence[^"]*" role="status">(.*?)</p>`)

// patronSentence is the status sentence the patron reads on the portal's
// page of request id, with its title put as "TITLE".
func patronSentence(t *testing.T, c *apptest.Client, id, title string) string {
	t.Helper()
	r := c.Get("/portal/requests/" + id)
	m := portalSentence.FindStringSubmatch(r.Body)
	if r.Status != 200 || m == nil {
		t.Fatalf("portal page of %s: %d, no status sentence", id, r.Status)
	}
	return strings.ReplaceAll(html.UnescapeString(m[1]), title, "TITLE")
}

// TestBrowserOffSystemBorrowing: a request placed in OCLC WorldShare is
// tracked here from sent to returned: staff record the lender's answers
// by hand on its page (Loaned with its due date, then LoanCompleted),
// take the desk's own steps as for any request, and what we would have
// sent is recorded, not sent. At every stage the patron reads the same
// sentence as for a twin request to a lender that speaks ISO 18626.
func TestBrowserOffSystemBorrowing(t *testing.T) {
	t.Parallel()
	pw := newPortalWeb(t, apptest.Options{Workers: 2})
	ctx := context.Background()
	var deskUser store.User
	if err := pw.App.DB.Read(ctx, func(tx *store.Tx) (err error) { deskUser, err = tx.System().UserByEmail("desk@prt.example"); return }); err != nil {
		t.Fatal(err)
	}
	desk := app.ActorFor(deskUser, portalLib)
	lender := app.ActorFor(pw.User(t, "lend@lnd.example", ill.Grant{Agency: portalLender, Role: ill.RoleManager}), portalLender)
	place := func(title, system string) *ill.Request {
		r, err := pw.App.CreateRequest(ctx, desk, app.NewRequest{PatronID: pw.pa.ID, PickupLocation: "Main desk", Citation: ill.Citation{Title: title, Author: "Twin, A."},
			Lenders: []app.RotaChoice{{Lender: portalLender, Reason: "test"}}, Send: true, ExternalSystem: system, ExternalNumber: map[bool]string{true: "287654321"}[system != ""]})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	proto, off := place("Protocol Twin", ""), place("WorldShare Twin", "OCLC WorldShare")
	patron := pw.Client(t)
	patron.Login("ada@prt.example")
	wait := func(id string, want ill.State) {
		t.Helper()
		waitFor(t, string(want), func() bool {
			r, err := pw.App.GetRequest(ctx, desk, id)
			return err == nil && r.State == want
		})
	}
	same := func(stage string) {
		t.Helper()
		a, b := patronSentence(t, patron, proto.PublicID, "Protocol Twin"), patronSentence(t, patron, off.PublicID, "WorldShare Twin")
		a, b = strings.ReplaceAll(a, proto.PublicID, "ID"), strings.ReplaceAll(b, off.PublicID, "ID")
		if a != b || a == "" {
			t.Errorf("%s: the patron reads %q for the protocol request but %q for the WorldShare one", stage, a, b)
		}
	}
	wait(proto.PublicID, ill.BSent)
	wait(off.PublicID, ill.BSent)
	same("sent")
	if lid, err := pw.App.LendingIDFor(ctx, portalLender, portalLib, off.PublicID); err == nil {
		t.Fatalf("the WorldShare request reached the lender as %s: it must be recorded, not sent", lid)
	}

	// The protocol lender ships; the WorldShare one is recorded by hand.
	var lid string
	waitFor(t, "the lending request", func() bool {
		var err error
		lid, err = pw.App.LendingIDFor(ctx, portalLender, portalLib, proto.PublicID)
		return err == nil
	})
	for _, a := range []ill.ActionName{ill.ActWillSupply, ill.ActShip} {
		if _, err := pw.App.Perform(ctx, lender, lid, a, map[string]any{}, 0); err != nil {
			t.Fatalf("lender %s: %v", a, err)
		}
	}
	b := testenv.NewBrowser(t, pw.URL)
	b.Login("desk@prt.example", apptest.Password)
	record := func(status, due string) {
		t.Helper()
		b.Navigate("/requests/" + off.PublicID)
		testenv.Eval[bool](b, `(function(){ document.getElementById("p-record_lender-status").value = "`+status+`";
			document.getElementById("p-record_lender-dueDate").value = "`+due+`"; return true })()`)
		if status == ill.StatusLoaned {
			b.Type("#p-record_lender-trackingId", "1Z999AA10123456784")
		}
		b.TabTo("Record the lender's answer")
		b.AndWait(func() { b.Press("Enter") })
	}
	wait(proto.PublicID, ill.BShipped)
	pr, _ := pw.App.GetRequest(ctx, desk, proto.PublicID)
	due := pr.LenderDue.Format("2006-01-02") // the same loan period, so the same sentences
	record(ill.StatusLoaned, due)
	b.Axe()
	wait(off.PublicID, ill.BShipped)
	same("shipped")
	r, _ := pw.App.GetRequest(ctx, desk, off.PublicID)
	if r.LenderDue.Format("2006-01-02") != due || r.PartnerStatus != ill.StatusLoaned {
		t.Errorf("recorded Loaned: lender due %s, partner status %q", r.LenderDue, r.PartnerStatus)
	}
	evs, _, err := pw.App.Timeline(ctx, desk, off.PublicID)
	if err != nil {
		t.Fatal(err)
	}
	byHand := false
	for _, e := range evs {
		byHand = byHand || e.Type == "shipped" && strings.Contains(string(e.Data), "recorded by hand: ")
	}
	if !byHand {
		t.Errorf("no shipped event on the timeline says it was recorded by hand: %+v", evs)
	}

	// Our own steps are the same for both; what we would send is recorded.
	for _, id := range []string{proto.PublicID, off.PublicID} {
		for _, a := range []ill.ActionName{ill.ActReceive, ill.ActCheckOut} {
			p := map[string]any{}
			if a == ill.ActReceive {
				p["barcode"] = "39" + id[1:]
			}
			if _, err := pw.App.Perform(ctx, desk, id, a, p, 0); err != nil {
				t.Fatalf("%s %s: %v", id, a, err)
			}
		}
	}
	same("with the patron")
	for _, id := range []string{proto.PublicID, off.PublicID} {
		for _, a := range []ill.ActionName{ill.ActCheckIn, ill.ActShipReturn} {
			if _, err := pw.App.Perform(ctx, desk, id, a, nil, 0); err != nil {
				t.Fatalf("%s %s: %v", id, a, err)
			}
		}
	}
	wait(off.PublicID, ill.BReturnShipped)
	same("returned")
	_, msgs, err := pw.App.Timeline(ctx, desk, off.PublicID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Direction == store.Outbound && m.Delivery != store.DeliveryRecorded {
			t.Errorf("the WorldShare request's %s went out as %q, want recorded", m.Summary, m.Delivery)
		}
	}

	// The protocol lender checks the loan in; the other is recorded.
	if _, err := pw.App.Perform(ctx, lender, lid, ill.ActLendCheckIn, nil, 0); err != nil {
		t.Fatal(err)
	}
	record(ill.StatusLoanCompleted, "")
	wait(proto.PublicID, ill.BCompleted)
	wait(off.PublicID, ill.BCompleted)
	same("completed")
}

// TestEmailOnlyLender: a request placed by email with a lender that has
// no ISO 18626 endpoint: the request and, later, our ShippedReturn with
// its tracking number are emailed to the lender's lending contact in the
// directory (in-process SMTP server); the lender's answers are recorded
// by hand in between.
func TestEmailOnlyLender(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	w := apptest.New(t, apptest.Options{Workers: 2, Config: func(c *config.Config) { smtp.Configure(c) }})
	w.Agency(t, "US-EXA", "Aye Library")
	u := w.User(t, "a@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleManager})
	desk := app.ActorFor(u, "US-EXA")
	ctx := context.Background()
	const lend = "lending@postal.example"
	if _, err := w.App.PutDirectoryEntry(ctx, ill.SystemActor(), directory.Entry{ID: "US-POST", Name: "Postal Library",
		Contacts: []directory.Contact{{Role: "billing", Email: "bills@postal.example"}, {Role: "lending", Name: "Lending desk", Email: lend}}}); err != nil {
		t.Fatal(err)
	}
	r, err := w.App.CreateRequest(ctx, desk, app.NewRequest{Citation: ill.Citation{Title: "Mailed Book", Author: "Post, A.", ISBN: "9780306406157"},
		Lenders: []app.RotaChoice{{Lender: "US-POST", Reason: "email only"}}, Send: true, ExternalSystem: app.EmailSystem})
	if err != nil {
		t.Fatal(err)
	}
	m := smtp.WaitMatch(t, "the request by email", 1, 20*time.Second, func(m mailtest.Message) bool { return m.SentTo(lend) })[0]
	for _, want := range []string{"We ask you to lend us:", "Title: Mailed Book", "ISBN: 9780306406157", r.PublicID, "Aye Library (US-EXA)"} {
		if !strings.Contains(m.Text+m.Subject, want) {
			t.Errorf("request email lacks %q:\n%s\n%s", want, m.Subject, m.Text)
		}
	}
	steps := []struct {
		a ill.ActionName
		p map[string]any
	}{
		{ill.ActRecordLender, map[string]any{"status": ill.StatusLoaned, "dueDate": "2026-12-31"}},
		{ill.ActReceive, map[string]any{"barcode": "3900077"}},
		{ill.ActCheckOut, nil}, {ill.ActCheckIn, nil},
		{ill.ActShipReturn, map[string]any{"courier": "USPS", "trackingId": "9400100000000000000000"}},
	}
	for _, s := range steps {
		if _, err := w.App.Perform(ctx, desk, r.PublicID, s.a, s.p, 0); err != nil {
			t.Fatalf("%s: %v", s.a, err)
		}
	}
	m = smtp.WaitMatch(t, "the return by email", 1, 20*time.Second, func(m mailtest.Message) bool {
		return m.SentTo(lend) && strings.Contains(m.Text, "We have sent the item back to you.")
	})[0]
	if !strings.Contains(m.Text, "USPS 9400100000000000000000") {
		t.Errorf("return email lacks the tracking number:\n%s", m.Text)
	}
	for _, got := range smtp.Messages() {
		if got.SentTo("bills@postal.example") {
			t.Error("an email went to the billing contact")
		}
	}
}
