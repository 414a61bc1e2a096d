package web_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/config"
	"interlend/internal/ill"
	"interlend/internal/mail/mailtest"
	"interlend/internal/store"
	"interlend/internal/testenv"
)

// A patron follows an OpenURL from PubMed, logs in, finds the form filled
// in, accepts the copyright notice and sends it; "My requests" tells them
// where it is in a sentence naming the lender, and the email arrives.
// Keyboard only (key events), axe-core on every page on the way.
func TestBrowserPortalOpenURLToMyRequests(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	pw := newPortalWeb(t, apptest.Options{Workers: 2, Config: func(c *config.Config) { smtp.Configure(c) }})
	pw.App.Route = func(*store.Tx, *ill.Request) ([]app.RotaChoice, error) {
		return []app.RotaChoice{{Lender: portalLender, Reason: "the test's lender"}}, nil
	}
	link := "/portal/openurl?url_ver=Z39.88-2004&url_ctx_fmt=info:ofi/fmt:kev:mtx:ctx&rfr_id=info:sid/Entrez:PubMed" +
		"&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rft.genre=article&rft.jtitle=Nature&rft.issn=0028-0836&rft.date=1953" +
		"&rft.volume=171&rft.issue=4356&rft.spage=737&rft.epage=738" +
		"&rft.atitle=Molecular+structure+of+nucleic+acids;+a+structure+for+deoxyribose+nucleic+acid" +
		"&rft.au=WATSON+J+D&rft.au=CRICK+F+H&rft_id=info:pmid/13054692&rft_id=info:doi/10.1038/171737a0"
	b := testenv.NewBrowser(t, pw.URL)
	b.Navigate(link)
	if p := b.Path(); !strings.HasPrefix(p, "/portal/login") {
		t.Fatalf("the link led to %s, want the portal's login", p)
	}
	b.Axe()
	b.Press("ada@prt.example") // the email field has the focus
	b.TabTo("Password")
	b.Press(apptest.Password)
	b.AndWait(func() { b.Press("Enter") })
	if p := b.Path(); !strings.HasPrefix(p, "/portal/openurl?") {
		t.Fatalf("after login: %s, want the OpenURL back", p)
	}
	b.Axe()
	for field, want := range map[string]string{
		"atitle": "Molecular structure of nucleic acids; a structure for deoxyribose nucleic acid", "jtitle": "Nature",
		"author": "WATSON J D; CRICK F H", "volume": "171", "issue": "4356", "pages": "737-738", "doi": "10.1038/171737a0",
		"pmid": "13054692", "issn": "0028-0836", "date": "1953",
	} {
		if got := testenv.Eval[string](b, `document.getElementById("portal-f-`+field+`").value`); got != want {
			t.Errorf("pre-filled %s: %q, want %q", field, got, want)
		}
	}
	if got := b.Text(".flash"); !strings.Contains(got, "Entrez:PubMed") {
		t.Errorf("flash: %q", got)
	}
	// Sending without accepting the notice is refused, with the reason by the box.
	b.TabTo("Send my request")
	b.AndWait(func() { b.Press("Enter") })
	if got := b.Text("#portal-copyright-err"); !strings.Contains(got, "Tick the box") {
		t.Errorf("refusal without the notice: %q", got)
	}
	b.Axe()
	b.TabTo("I have read the copyright notice")
	b.Press("Space")
	b.TabTo("Send my request")
	b.AndWait(func() { b.Press("Enter") })
	if p := b.Path(); !strings.HasPrefix(p, "/portal/requests/B") {
		t.Fatalf("after sending: %s\n%s", p, b.Text("main"))
	}
	id := strings.TrimPrefix(b.Path(), "/portal/requests/")
	b.Axe()
	b.TabTo("My requests")
	b.AndWait(func() { b.Press("Enter") })
	sentence := b.Text(".portal-sentence")
	if !strings.Contains(sentence, "Lender State Library") || !strings.Contains(sentence, "expected around") {
		t.Errorf("my requests says %q", sentence)
	}
	b.Axe()
	m := smtp.WaitFor(t, "ada@prt.example", 15*time.Second)
	if !strings.Contains(m.Subject, "We have your request") || !strings.Contains(m.Text, "Molecular structure") || !strings.Contains(m.Text, "/portal/requests/"+id) {
		t.Errorf("mail: %q\n%s", m.Subject, m.Text)
	}
	// Cancelling from the portal, keyboard only.
	b.TabTo("Molecular structure")
	b.AndWait(func() { b.Press("Enter") })
	b.TabTo("Cancel this request")
	b.AndWait(func() { b.Press("Enter") })
	if got := b.Text(".flash"); !strings.Contains(got, "cancel") {
		t.Errorf("flash after cancelling: %q", got)
	}
	b.Axe()
	got, err := pw.App.GetRequest(context.Background(), portalSystem(), id)
	if err != nil || (got.State != ill.BCancelRequested && got.State != ill.BCancelled) {
		t.Errorf("after cancel: %v %v", got, err)
	}
}

// A renewal from the portal, keyboard only; then the limit hides the
// button and says why.
func TestBrowserPortalRenewal(t *testing.T) {
	t.Parallel()
	pw := newPortalWeb(t, apptest.Options{})
	r := pw.request(t, pw.a, "Renew me")
	pw.setState(t, r.PublicID, ill.BCheckedOut, func(r *ill.Request) { r.PatronDue = apptest.Start.AddDate(0, 0, 14) })
	b := testenv.NewBrowser(t, pw.URL)
	b.Navigate("/portal/login")
	b.Press("ada@prt.example")
	b.TabTo("Password")
	b.Press(apptest.Password)
	b.AndWait(func() { b.Press("Enter") })
	b.TabTo("Renew me")
	b.AndWait(func() { b.Press("Enter") })
	b.Axe()
	if s := b.Text(".portal-sentence"); !strings.Contains(s, "On loan to you from Lender State Library") {
		t.Errorf("sentence: %q", s)
	}
	b.TabTo("Renew this loan")
	b.AndWait(func() { b.Press("Enter") })
	if got := b.Text(".flash"); !strings.Contains(got, "renewal was asked for") {
		t.Errorf("flash: %q", got)
	}
	if s := b.Text(".portal-sentence"); !strings.Contains(s, "You asked Lender State Library for a renewal") {
		t.Errorf("sentence after asking: %q", s)
	}
	if got := b.Text(".portal-why"); !strings.Contains(got, "A renewal has been asked for") {
		t.Errorf("reason shown: %q", got)
	}
	b.Axe()
	// Renewed once of one allowed: no button, the reason instead.
	pw.setState(t, r.PublicID, ill.BCheckedOut, func(r *ill.Request) { r.RenewalCount = 2 })
	b.Navigate("/portal/requests/" + r.PublicID)
	if n := testenv.Eval[int](b, `document.querySelectorAll('form[action$="/renew"]').length`); n != 0 {
		t.Error("the renew button is shown past the limit")
	}
	if got := b.Text(".portal-why"); !strings.Contains(got, "renewed as many times as allowed") {
		t.Errorf("reason: %q", got)
	}
	// Staff ask a question; the patron answers it, keyboard only.
	pw.App.Route = nil
	q := pw.request(t, pw.a, "Which edition")
	desk := app.ActorFor(userByEmail(t, pw.World, "desk@prt.example"), portalLib)
	if _, err := pw.App.Perform(context.Background(), desk, q.PublicID, ill.ActAskPatron, map[string]any{"note": "Do you need the 2nd edition?"}, 0); err != nil {
		t.Fatal(err)
	}
	b.TabTo("My requests")
	b.AndWait(func() { b.Press("Enter") })
	b.TabTo("Which edition")
	b.AndWait(func() { b.Press("Enter") })
	if got := b.Text("blockquote"); got != "Do you need the 2nd edition?" {
		t.Errorf("question shown: %q", got)
	}
	b.Axe()
	b.TabTo("Your answer")
	b.Press("Any edition will do.")
	b.TabTo("Send my answer")
	b.AndWait(func() { b.Press("Enter") })
	if got := b.Text(".flash"); !strings.Contains(got, "answer was sent") {
		t.Errorf("flash after answering: %q", got)
	}
	if got, _ := pw.App.GetRequest(context.Background(), portalSystem(), q.PublicID); got.State == ill.BAwaitingPatron || !got.Attention {
		t.Errorf("after the answer: %s attention %v", got.State, got.Attention)
	}
}

// An article delivered: the patron downloads it through a link bound to
// their login, which another patron cannot use and which runs out.
func TestPortalArticleDownloadWeb(t *testing.T) {
	t.Parallel()
	pw := newPortalWeb(t, apptest.Options{})
	r, err := pw.App.SubmitPortalRequest(context.Background(), pw.patron(pw.a), app.PortalForm{Kind: app.FormArticle, CopyrightAccepted: true,
		Fields: map[string]string{"atitle": "Delivered article", "jtitle": "Journal"}})
	if err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.4 the scanned article")
	staff := app.ActorFor(userByEmail(t, pw.World, "desk@prt.example"), portalLib)
	if _, err := pw.App.StoreFile(context.Background(), staff, portalLib, bytes.NewReader(pdf), app.FileMeta{Name: "article.pdf", ContentType: "application/pdf", Purpose: app.FileScan, RequestRef: r.PublicID}); err != nil {
		t.Fatal(err)
	}
	pw.setState(t, r.PublicID, ill.BCompleted, func(r *ill.Request) { r.ClosedAt = apptest.Start })
	a := pw.Client(t)
	a.Login("ada@prt.example")
	page := a.Get("/portal/requests/" + r.PublicID)
	if !strings.Contains(page.Body, "Download the article") {
		t.Fatalf("no download button:\n%s", page.Body)
	}
	res := a.Post("/portal/requests/"+r.PublicID+"/download", nil)
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/files/") {
		t.Fatalf("download: %d %q", res.Status, res.Location)
	}
	link := res.Location
	got := a.Get(link)
	if got.Status != http.StatusOK || got.Body != string(pdf) {
		t.Errorf("downloaded %d %q", got.Status, got.Body)
	}
	// Patron B has the link but not the login it is bound to.
	bc := pw.Client(t)
	bc.Login("bo@prt.example")
	if res := bc.Get(link); res.Status == http.StatusOK {
		t.Error("another patron downloads with the link")
	}
	if res := pw.Client(t).Get(link); res.Status == http.StatusOK {
		t.Error("an anonymous visitor downloads with the link")
	}
	// The link allows a few downloads, then is refused.
	n := 1
	for ; n < app.DefaultLinkDownloads; n++ {
		if res := a.Get(link); res.Status != http.StatusOK {
			t.Fatalf("download %d: %d", n+1, res.Status)
		}
	}
	if res := a.Get(link); res.Status == http.StatusOK {
		t.Error("the link still works past its download limit")
	}
}
