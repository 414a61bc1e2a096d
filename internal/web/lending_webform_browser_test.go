package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/config"
	"interlend/internal/ill"
	"interlend/internal/mail/mailtest"
	"interlend/internal/testenv"
)

// The web form's page, anonymous, in the pseudo-locale world.
func init() {
	addPseudoPage(pseudoPage{Page: "lending_webform", Path: "/lend/" + string(pseudoAgency), Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
		err := pw.App.PutSetting(context.Background(), pw.actor("manager"), pw.Agency, string(app.WebFormSetting),
			app.WebFormSettings{Enabled: true, Codes: []string{"US-PSB pseudo-code-1"}})
		if err != nil {
			t.Fatal(err)
		}
		return ""
	}})
}

const (
	webFormLender   = ill.AgencyID("US-EXB")
	webFormBorrower = ill.AgencyID("US-NOSYS")
	webFormCode     = "s3cret-code-17"
	webFormContact  = "ill@nosys.example.org"
)

// webFormWorld is a lending library (US-EXB) whose web form is on, with
// a code for US-NOSYS, a library without an ILL system.
func webFormWorld(t *testing.T, smtp *mailtest.Server) (*apptest.World, ill.Actor) {
	t.Helper()
	w := apptest.New(t, apptest.Options{Workers: 2, Config: func(c *config.Config) {
		if smtp != nil {
			smtp.Configure(c)
		}
	}})
	w.Agency(t, webFormLender, "Bee County Library")
	u := w.User(t, "b@example.edu", ill.Grant{Agency: webFormLender, Role: ill.RoleManager})
	lender := app.ActorFor(u, webFormLender)
	err := w.App.PutSetting(context.Background(), lender, webFormLender, string(app.WebFormSetting),
		app.WebFormSettings{Enabled: true, Codes: []string{string(webFormBorrower) + " " + webFormCode}, Intro: "Loans for four weeks."})
	if err != nil {
		t.Fatal(err)
	}
	return w, lender
}

// TestBrowserLendingWebForm: a library without an ILL system fills in the
// lending web form (a wrong code first: refused, nothing stored); the
// request arrives in the lending desk's new queue as a web-form request;
// staff answer Will supply on its page and ship it; each answer reaches
// the library's contact address by email, the shipment with its
// tracking number.
func TestBrowserLendingWebForm(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	w, lender := webFormWorld(t, smtp)
	ctx := context.Background()

	b := testenv.NewBrowser(t, w.URL)
	b.Navigate("/lend/" + string(webFormLender))
	b.Axe()
	fill := func(code string) {
		for sel, v := range map[string]string{"#borrower": "us-nosys", "#code": code, "#theirRef": "NS-2026-17", "#contact": "Nora Sys",
			"#email": webFormContact, "#line1": "1 Quiet Lane", "#locality": "Smalltown", "#postalCode": "12345", "#country": "us",
			"#title": "The Web Form Book", "#author": "Former, Web", "#isbn": "9780306406157"} {
			testenv.Eval[bool](b, `(function(){ document.querySelector(`+"`"+sel+"`"+`).value = ""; return true })()`)
			b.Type(sel, v)
		}
	}
	fill("wrong-code-000")
	b.TabTo("Send the request")
	b.AndWait(func() { b.Press("Enter") })
	if got := b.Text("#code-err"); !strings.Contains(got, "do not match") {
		t.Errorf("wrong code: %q", got)
	}
	if n := len(lendingQueue(t, w, lender)); n != 0 {
		t.Fatalf("a refused form stored %d requests", n)
	}
	fill(webFormCode)
	b.TabTo("Send the request")
	b.AndWait(func() { b.Press("Enter") })
	done := b.Text("[role=status]")
	id := regexp.MustCompile(`L\d+`).FindString(done)
	if id == "" {
		t.Fatalf("no request number on the thank-you page: %q", done)
	}
	b.Axe()
	screenshot(b, "lending-webform")

	r, err := w.App.GetRequest(ctx, lender, id)
	if err != nil {
		t.Fatal(err)
	}
	if r.State != ill.LNew || r.Partner != webFormBorrower || r.ExternalSystem != app.WebFormSystem || r.PartnerRequestID != "NS-2026-17" ||
		r.DeliveryAddr.Email != webFormContact || r.DeliveryAddr.Country != "US" || r.Citation.Title != "The Web Form Book" {
		t.Fatalf("stored request: %+v", r)
	}

	// Staff find it in the new queue and answer on its page.
	b.Login("b@example.edu", apptest.Password)
	b.Navigate("/lending")
	if got := b.Text("main"); !strings.Contains(got, id) {
		t.Fatalf("the new queue lacks %s", id)
	}
	b.Navigate("/requests/" + id)
	b.TabTo("Will supply")
	b.AndWait(func() { b.Press("Enter") })
	if got := b.Text(".flash"); strings.Contains(strings.ToLower(got), "error") {
		t.Fatalf("will supply: %q", got)
	}
	m := smtp.WaitMatch(t, "the Will supply email", 1, 20*time.Second, func(m mailtest.Message) bool {
		return m.SentTo(webFormContact) && strings.Contains(m.Text, "We will supply it.")
	})[0]
	if !strings.Contains(m.Subject, "The Web Form Book") || !strings.Contains(m.Text, id) || !strings.Contains(m.Text, "NS-2026-17") {
		t.Errorf("will supply email: %q\n%s", m.Subject, m.Text)
	}
	for _, a := range []ill.ActionName{ill.ActPrintSlip, ill.ActFound} {
		if !canAct(t, w, lender, id, a) {
			continue
		}
		if _, err := w.App.Perform(ctx, lender, id, a, nil, 0); err != nil {
			t.Fatalf("%s: %v", a, err)
		}
	}
	if _, err := w.App.Perform(ctx, lender, id, ill.ActShip, map[string]any{"courier": "UPS", "trackingId": "1Z999AA10123456784"}, 0); err != nil {
		t.Fatal(err)
	}
	m = smtp.WaitMatch(t, "the shipment email", 1, 20*time.Second, func(m mailtest.Message) bool {
		return m.SentTo(webFormContact) && strings.Contains(m.Text, "We have sent it to you on loan.")
	})[0]
	if !strings.Contains(m.Text, "UPS 1Z999AA10123456784") || !strings.Contains(m.Text, "Due back:") {
		t.Errorf("shipment email lacks the tracking or the due date:\n%s", m.Text)
	}
	if cur, _ := w.App.GetRequest(ctx, lender, id); cur.State != ill.LShipped {
		t.Errorf("state after shipping: %s", cur.State)
	}
}

// canAct says whether an action is open to actor on request id now.
func canAct(t *testing.T, w *apptest.World, actor ill.Actor, id string, name ill.ActionName) bool {
	t.Helper()
	defs, err := w.App.AvailableActions(context.Background(), actor, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range defs {
		if d.Name == name {
			return true
		}
	}
	return false
}

func lendingQueue(t *testing.T, w *apptest.World, actor ill.Actor) []*ill.Request {
	t.Helper()
	rs, err := w.App.LendingQueue(context.Background(), actor, []ill.State{ill.LNew}, 100)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// TestLendingWebFormLimits: the form of a library that has not switched
// it on is not found; a wrong code five times from one address, then
// even the right code is refused for the window; a bad email and a
// missing title are said by their fields; a forged token is refused;
// nothing is stored by any of these.
func TestLendingWebFormLimits(t *testing.T) {
	t.Parallel()
	w, lender := webFormWorld(t, nil)
	w.Agency(t, "US-OFF", "Off Library")
	c := w.Client(t)
	if r := c.Get("/lend/US-OFF"); r.Status != http.StatusNotFound {
		t.Errorf("form of a library without it: %d", r.Status)
	}
	if r := c.Get("/lend/US-NOWHERE"); r.Status != http.StatusNotFound {
		t.Errorf("form of an unknown library: %d", r.Status)
	}
	path := "/lend/" + string(webFormLender)
	c.Get(path)
	form := func(code, email, title string) url.Values {
		return url.Values{"borrower": {string(webFormBorrower)}, "code": {code}, "email": {email}, "title": {title}, "serviceType": {"Loan"}}
	}
	if r := c.Post(path, form(webFormCode, "not-an-email", "A Title")); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "an email address for our answers") {
		t.Errorf("bad email: %d", r.Status)
	}
	if r := c.Post(path, form(webFormCode, webFormContact, "")); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "a title or an identifier") {
		t.Errorf("no title: %d", r.Status)
	}
	forged := form(webFormCode, webFormContact, "A Title")
	forged.Set("csrf", "forged")
	if r := c.Post(path, forged); r.Status != http.StatusForbidden {
		t.Errorf("forged token: %d", r.Status)
	}
	for i := range 5 {
		if r := c.Post(path, form("wrong-code-"+string(rune('a'+i))+"xx", webFormContact, "A Title")); r.Status != http.StatusBadRequest {
			t.Errorf("wrong code %d: %d", i, r.Status)
		}
	}
	if r := c.Post(path, form(webFormCode, webFormContact, "A Title")); r.Status != http.StatusTooManyRequests {
		t.Errorf("right code after five wrong ones: %d, want 429", r.Status)
	}
	if n := len(lendingQueue(t, w, lender)); n != 0 {
		t.Fatalf("%d requests stored by refused forms", n)
	}
}
