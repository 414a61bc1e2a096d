package app_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/auth/oidctest"
	"interlend/internal/config"
	"interlend/internal/i18n"
	"interlend/internal/ill"
	"interlend/internal/mail/mailtest"
	"interlend/internal/openurl"
	"interlend/internal/patron"
	"interlend/internal/settings"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// portalWorld is the three-library world with an SMTP server catching
// patron mail, routing to libB, and a patron of libA with a login.
type portalWorld struct {
	*world
	smtp   *mailtest.Server
	pat    store.Patron
	actor  ill.Actor
	email  string
	other  ill.Actor // a second patron of libA
	otherP store.Patron
}

func newPortalWorld(t *testing.T, engine store.Engine) *portalWorld {
	t.Helper()
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.Workers = 4
	if engine == store.Postgres {
		cfg.DB = storetest.NewPostgresDatabase(t)
	}
	srv := mailtest.Start(t)
	srv.Configure(&cfg)
	w := openWorld(t, cfg, ill.NewFakeClock(t0))
	for _, ag := range []ill.AgencyID{libA, libB, libC} {
		if err := w.app.CreateAgency(w.ctx, ill.SystemActor(), ag, string(ag)+" Library"); err != nil {
			t.Fatal(err)
		}
	}
	routeTo(w, libB)
	pw := &portalWorld{world: w, smtp: srv, email: "p100@patrons.example.edu"}
	pw.pat, pw.actor = patronLogin(t, w, libA, patron.Record{Barcode: "P100", Name: "Pat Reader", Email: pw.email})
	pw.otherP, pw.other = patronLogin(t, w, libA, patron.Record{Barcode: "P200", Name: "Olga Other", Email: "p200@patrons.example.edu"})
	return pw
}

func (pw *portalWorld) submit(f app.PortalForm) *ill.Request {
	pw.t.Helper()
	r, err := pw.app.SubmitPortalRequest(pw.ctx, pw.actor, f)
	if err != nil {
		pw.t.Fatalf("submit: %v (%v)", err, ill.FieldErrors(err))
	}
	pw.settle()
	return r
}

func (pw *portalWorld) view(id string) app.PortalRequest {
	pw.t.Helper()
	v, err := pw.app.MyRequest(pw.ctx, pw.actor, id)
	if err != nil {
		pw.t.Fatalf("my request %s: %v", id, err)
	}
	return v
}

// mailAbout waits for a message to the patron whose subject has part.
func (pw *portalWorld) mailAbout(part string) mailtest.Message {
	pw.t.Helper()
	ms := pw.smtp.WaitMatch(pw.t, part, 1, 15*time.Second, func(m mailtest.Message) bool {
		return m.SentTo(pw.email) && strings.Contains(m.Subject, part)
	})
	return ms[0]
}

func book(title string) app.PortalForm {
	return app.PortalForm{Kind: app.FormBook, Fields: map[string]string{"title": title, "author": "Carson, Rachel", "isbn": "9780618249060"}}
}

// A loan from the portal's form to the patron's hands and a renewal: the
// patron is told each step in a sentence naming the lender and a date,
// and by email.
func TestPortalLoanJourney(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			pw := newPortalWorld(t, e)
			if err := pw.app.PutSetting(pw.ctx, staff(libA), libA, "portal", portalSettings(func(s *app.PortalSettings) { s.MaxRenewals = 1 })); err != nil {
				t.Fatal(err)
			}
			r := pw.submit(book("Silent spring"))
			if m := pw.mailAbout("We have your request"); !strings.Contains(m.Text, "Silent spring") || !strings.Contains(m.Text, "Dear Pat Reader") {
				t.Errorf("received notice:\n%s", m.Text)
			}
			v := pw.view(r.PublicID)
			if v.Status.Key != "portal.status.sent" || v.Status.Lender != "US-EXB Library" || v.Status.ETA.IsZero() || v.Status.ETA.Before(pw.clock.Now()) {
				t.Errorf("after submit: %+v", v.Status)
			}
			// With no history, the estimate is the prior: 7 days plus 3 in transit.
			if want := pw.clock.Now().Add(10 * 24 * time.Hour); v.Status.ETA.Sub(want).Abs() > time.Minute {
				t.Errorf("estimate %s, want %s", v.Status.ETA, want)
			}
			if v.Cancel != ill.ActRequestCancel {
				t.Errorf("cancel at the lender: %q", v.Cancel)
			}
			l := pw.lendingFor(libB, r)
			pw.do(staff(libB), l.PublicID, ill.ActWillSupply, nil)
			pw.clock.Advance(24 * time.Hour)
			pw.do(staff(libB), l.PublicID, ill.ActShip, nil)
			v = pw.view(r.PublicID)
			if v.Status.Key != "portal.status.shipped" || !v.Status.ETA.After(pw.clock.Now()) {
				t.Errorf("shipped: %+v", v.Status)
			}
			if m := pw.mailAbout("On its way"); !strings.Contains(m.Text, "US-EXB Library") {
				t.Errorf("shipped notice:\n%s", m.Text)
			}
			pw.do(staff(libA), r.PublicID, ill.ActReceive, map[string]any{"barcode": "BAND-1"})
			got := pw.req(libA, r.PublicID)
			v = pw.view(r.PublicID)
			if v.Status.Key != "portal.status.awaiting_pickup" || !v.Status.Date.Equal(got.PickupDeadline) || v.Cancel != "" || v.CancelWhy == "" {
				t.Errorf("on the hold shelf: %+v cancel %q/%q", v.Status, v.Cancel, v.CancelWhy)
			}
			deadline := i18n.NewFormatter("en").Date(got.PickupDeadline, time.UTC)
			if m := pw.mailAbout("Ready to collect"); !strings.Contains(m.Text, deadline) || !strings.Contains(m.Text, "Main Library") || !strings.Contains(m.HTML, deadline) {
				t.Errorf("pickup notice lacks the deadline %s:\n%s", deadline, m.Text)
			}
			pw.do(staff(libA), r.PublicID, ill.ActCheckOut, nil)
			v = pw.view(r.PublicID)
			if !v.Renew || v.RenewWhy != "" {
				t.Fatalf("renewal not offered: %+v", v)
			}
			pw.clock.Advance(24 * time.Hour)
			if _, _, err := pw.app.PortalRenew(pw.ctx, pw.actor, r.PublicID); err != nil {
				t.Fatal(err)
			}
			pw.settle()
			// The lender's policy may answer at once; otherwise its staff do.
			if got := pw.req(libA, r.PublicID); got.State == ill.BRenewRequested {
				if v = pw.view(r.PublicID); v.Status.Key != "portal.status.renew_requested" || v.Renew || v.RenewWhy != "portal.renew.pending" {
					t.Errorf("after asking: %+v renew %v %q", v.Status, v.Renew, v.RenewWhy)
				}
				pw.do(staff(libB), l.PublicID, ill.ActApproveRenew, nil)
			}
			if got := pw.wantState(libA, r.PublicID, ill.BCheckedOut); got.RenewalCount != 1 {
				t.Errorf("renewals %d, want 1", got.RenewalCount)
			}
			pw.mailAbout("Renewed")
			if v = pw.view(r.PublicID); v.Renew || v.RenewWhy != "portal.renew.count" {
				t.Errorf("after one renewal of one allowed: renew %v %q", v.Renew, v.RenewWhy)
			}
			if _, _, err := pw.app.PortalRenew(pw.ctx, pw.actor, r.PublicID); !ill.Is(err, ill.Conflict) {
				t.Errorf("a second renewal: %v, want Conflict", err)
			}
			// The history tells the story in the patron's words.
			var keys []string
			for _, h := range v.History {
				keys = append(keys, h.Key)
			}
			for _, want := range []string{"portal.history.submitted", "portal.history.sent_to_lender", "portal.history.shipped", "portal.history.received", "portal.history.renewed"} {
				if !strings.Contains(strings.Join(keys, " "), want) {
					t.Errorf("history %v lacks %s", keys, want)
				}
			}
			// Patron B sees none of it and can do nothing with it.
			if _, err := pw.app.MyRequest(pw.ctx, pw.other, r.PublicID); !ill.Is(err, ill.NotFound) {
				t.Errorf("another patron reads it: %v", err)
			}
			if _, _, err := pw.app.PortalRenew(pw.ctx, pw.other, r.PublicID); !ill.Is(err, ill.NotFound) {
				t.Errorf("another patron renews it: %v", err)
			}
			if _, err := pw.app.PortalCancel(pw.ctx, pw.other, r.PublicID); !ill.Is(err, ill.NotFound) {
				t.Errorf("another patron cancels it: %v", err)
			}
			if mine, _ := pw.app.MyRequests(pw.ctx, pw.other); len(mine) != 0 {
				t.Errorf("another patron lists %d requests", len(mine))
			}
			// Staff are not patrons here.
			if _, err := pw.app.MyRequests(pw.ctx, staff(libA)); !ill.Is(err, ill.Forbidden) {
				t.Errorf("staff in the portal: %v", err)
			}
		})
	}
}

func portalSettings(edit func(*app.PortalSettings)) app.PortalSettings {
	g, _ := settings.Lookup("portal")
	s := g.Defaults().(app.PortalSettings)
	edit(&s)
	return s
}

// Cancel while possible: withdrawn at once before a lender has it, asked
// of the lender once it has.
func TestPortalCancel(t *testing.T) {
	t.Parallel()
	pw := newPortalWorld(t, store.SQLite)
	pw.app.Route = nil // no lender: the request waits for staff
	r := pw.submit(book("Unsent"))
	if v := pw.view(r.PublicID); v.Cancel != ill.ActCancel {
		t.Fatalf("cancel before sending: %q (%s)", v.Cancel, r.State)
	}
	if _, err := pw.app.PortalCancel(pw.ctx, pw.actor, r.PublicID); err != nil {
		t.Fatal(err)
	}
	pw.settle()
	if got := pw.req(libA, r.PublicID); got.State != ill.BCancelled || got.CloseReason != ill.ClosedPatronCancelled {
		t.Errorf("after cancel: %s %s", got.State, got.CloseReason)
	}
	pw.mailAbout("Cancelled")
	if v := pw.view(r.PublicID); v.Status.Key != "portal.status.cancelled" || v.Cancel != "" {
		t.Errorf("cancelled: %+v", v)
	}
	if _, err := pw.app.PortalCancel(pw.ctx, pw.actor, r.PublicID); !ill.Is(err, ill.Conflict) {
		t.Errorf("cancelling twice: %v", err)
	}
	routeTo(pw.world, libB)
	r2 := pw.submit(book("Sent"))
	if _, err := pw.app.PortalCancel(pw.ctx, pw.actor, r2.PublicID); err != nil {
		t.Fatal(err)
	}
	pw.settle()
	if v := pw.view(r2.PublicID); v.Status.Key != "portal.status.cancel_requested" || v.CancelWhy != "portal.cancel.asked" {
		t.Errorf("cancel asked: %+v", v)
	}
	l := pw.lendingFor(libB, r2)
	pw.do(staff(libB), l.PublicID, ill.ActAcceptCancel, nil)
	pw.wantState(libA, r2.PublicID, ill.BCancelled)
}

// An article: the copyright notice must be accepted; delivered, the
// patron downloads it through a link bound to their login.
func TestPortalArticleDownload(t *testing.T) {
	t.Parallel()
	pw := newPortalWorld(t, store.SQLite)
	f := app.PortalForm{Kind: app.FormArticle, Fields: map[string]string{"atitle": "Molecular structure of nucleic acids", "jtitle": "Nature", "date": "1953", "doi": "10.1038/171737a0"}}
	before := countRequests(t, pw.world)
	_, err := pw.app.SubmitPortalRequest(pw.ctx, pw.actor, f)
	if ill.FieldErrors(err)["copyright"] != "portal.err.copyright" || countRequests(t, pw.world) != before {
		t.Fatalf("without accepting the notice: %v %v", err, ill.FieldErrors(err))
	}
	f.CopyrightAccepted = true
	r := pw.submit(f)
	if r.ServiceType != ill.Copy || r.Citation.PublicationType != ill.PubArticle || r.Citation.JournalTitle != "Nature" {
		t.Errorf("article request: %s %s %+v", r.ServiceType, r.Citation.PublicationType, r.Citation)
	}
	evs, _, _ := pw.app.Timeline(pw.ctx, sys(libA), r.PublicID)
	accepted := false
	for _, e := range evs {
		accepted = accepted || e.Name == "copyright_notice_accepted"
	}
	if !accepted {
		t.Error("the acceptance of the copyright notice is not recorded")
	}
	if _, err := pw.app.StoreFile(pw.ctx, staff(libA), libA, bytes.NewReader([]byte("%PDF-1.4 scan")), app.FileMeta{Name: "scan.pdf", ContentType: "application/pdf", Purpose: app.FileScan, RequestRef: r.PublicID}); err != nil {
		t.Fatal(err)
	}
	pw.do(staff(libA), r.PublicID, ill.ActCompleteCopy, nil)
	pw.mailAbout("Your article is ready")
	v := pw.view(r.PublicID)
	if !v.Download || v.Status.Key != "portal.status.completed_copy" {
		t.Fatalf("delivered: %+v", v)
	}
	if _, err := pw.app.PortalDownload(pw.ctx, pw.other, r.PublicID); !ill.Is(err, ill.NotFound) {
		t.Errorf("another patron's link: %v", err)
	}
	l, err := pw.app.PortalDownload(pw.ctx, pw.actor, r.PublicID)
	if err != nil {
		t.Fatal(err)
	}
	if l.UserID != pw.actor.UserID || l.MaxDownloads != app.DefaultLinkDownloads {
		t.Errorf("link %+v", l.DownloadLink)
	}
	token := l.Token
	if _, err := pw.app.CheckDownload(pw.ctx, token, app.Presenter{UserID: pw.other.UserID}); err == nil {
		t.Error("another patron may use the link")
	}
	if _, err := pw.app.CheckDownload(pw.ctx, token, app.Presenter{UserID: pw.actor.UserID}); err != nil {
		t.Errorf("the patron may not use their link: %v", err)
	}
}

func countRequests(t *testing.T, w *world) int {
	t.Helper()
	n := 0
	err := w.app.DB.Read(w.ctx, func(tx *store.Tx) error {
		_, total, err := tx.Agency().ListRequests(libA, store.RequestFilter{Limit: 1})
		n = total
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Bad input: a clear message per field, nothing stored.
func TestPortalFormBadInput(t *testing.T) {
	t.Parallel()
	pw := newPortalWorld(t, store.SQLite)
	long := strings.Repeat("x", 1001)
	cases := []struct {
		name  string
		edit  func(*app.PortalForm)
		field string
		key   string
	}{
		{"required title missing", func(f *app.PortalForm) { delete(f.Fields, "title") }, "title", "portal.err.required"},
		{"oversized title", func(f *app.PortalForm) { f.Fields["title"] = long }, "title", "portal.err.long"},
		{"oversized note", func(f *app.PortalForm) { f.Note = strings.Repeat("n", 2001) }, "note", "portal.err.long"},
		{"nul byte", func(f *app.PortalForm) { f.Fields["author"] = "a\x00b" }, "author", "portal.err.chars"},
		{"not a date", func(f *app.PortalForm) { f.NeedBefore = "31/03/2026" }, "needBefore", "portal.err.date"},
		{"impossible date", func(f *app.PortalForm) { f.NeedBefore = "2026-02-30" }, "needBefore", "portal.err.date"},
		{"date passed", func(f *app.PortalForm) { f.NeedBefore = "2026-03-01" }, "needBefore", "portal.err.past"},
		{"date too far", func(f *app.PortalForm) { f.NeedBefore = "2031-01-01" }, "needBefore", "portal.err.far"},
		{"cost not a number", func(f *app.PortalForm) { f.MaxCost = "ten" }, "maxCost", "portal.err.cost"},
		{"negative cost", func(f *app.PortalForm) { f.MaxCost = "-5" }, "maxCost", "portal.err.costrange"},
		{"unknown pickup", func(f *app.PortalForm) { f.Pickup = "The Moon" }, "pickup", "portal.err.pickup"},
		{"unknown kind", func(f *app.PortalForm) { f.Kind = "map" }, "kind", "portal.err.kind"},
	}
	before := countRequests(t, pw.world)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := book("Silent spring")
			c.edit(&f)
			_, err := pw.app.SubmitPortalRequest(pw.ctx, pw.actor, f)
			if !ill.Is(err, ill.Invalid) || ill.FieldErrors(err)[c.field] != c.key {
				t.Errorf("got %v %v, want %s: %s", err, ill.FieldErrors(err), c.field, c.key)
			}
			if !i18n.Load().Has(c.key) {
				t.Errorf("no message %s", c.key)
			}
		})
	}
	if n := countRequests(t, pw.world); n != before {
		t.Errorf("%d requests stored by bad forms", n-before)
	}
	// A good one with every option.
	f := book("Silent spring")
	f.NeedBefore, f.MaxCost, f.Pickup = "2026-04-15", "12.50", "Main Library"
	r := pw.submit(f)
	if r.MaxCost != (ill.Money{Minor: 1250, Currency: "USD"}) || r.NeedBefore.Format("2006-01-02") != "2026-04-15" || r.PickupLocation != "Main Library" || r.PatronID != pw.pat.ID {
		t.Errorf("stored: cost %+v need %s pickup %q patron %d", r.MaxCost, r.NeedBefore, r.PickupLocation, r.PatronID)
	}
}

// Every borrowing state has a sentence, and the sentences never show a
// state code.
func TestPatronSentenceForEveryState(t *testing.T) {
	t.Parallel()
	keys := app.PatronSentenceKeys()
	cat := i18n.Load()
	for _, s := range ill.BorrowingWorkflow.States {
		key, ok := keys[s.Name]
		if !ok || !cat.Has(key) {
			t.Errorf("state %s has no patron sentence (%q)", s.Name, key)
			continue
		}
		text := cat.Text("en", key, "Example University", "12 March")
		for _, other := range ill.BorrowingWorkflow.States {
			if strings.Contains(string(other.Name), "_") && strings.Contains(text, string(other.Name)) {
				t.Errorf("%s: %q shows the code %s", s.Name, text, other.Name)
			}
		}
		if strings.Contains(text, "{") || !strings.Contains(text, "12 March") {
			t.Errorf("%s: %q does not name the date", s.Name, text)
		}
	}
}

// Single sign-on against an in-process issuer: the patron record is found
// by email, an account is made and linked on the first sign-in and reused
// after; a wrong nonce or a tampered audience is refused.
func TestPortalSSO(t *testing.T) {
	t.Parallel()
	pw := newPortalWorld(t, store.SQLite)
	is := oidctest.Start(t, "interlend-test", "s3cret", pw.clock.Now)
	if _, err := pw.app.CreatePatron(pw.ctx, ill.SystemActor(), libA, patron.Record{Barcode: "S300", Name: "Sso Sam", Email: "Sam@Uni.example.edu"}); err != nil {
		t.Fatal(err)
	}
	if err := pw.app.PutSetting(pw.ctx, staff(libA), libA, "portal", portalSettings(func(s *app.PortalSettings) {
		s.OIDCEnabled, s.OIDCIssuer, s.OIDCClientID, s.OIDCClientSecret = true, is.URL, "interlend-test", "s3cret"
	})); err != nil {
		t.Fatal(err)
	}
	o, err := pw.app.PortalSSO(pw.ctx, libA, "http://interlend.test/portal/sso-callback")
	if err != nil {
		t.Fatal(err)
	}
	signIn := func(claims map[string]any) (map[string]any, error) {
		is.SignIn(claims)
		st, err := o.Begin(pw.ctx)
		if err != nil {
			return nil, err
		}
		code := follow(t, st.URL)
		return o.Finish(pw.ctx, code, st.Verifier, st.Nonce)
	}
	claims, err := signIn(map[string]any{"sub": "u-1", "email": "sam@uni.example.edu", "email_verified": true, "name": "Sam"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := pw.app.SSOLogin(pw.ctx, libA, claims)
	if err != nil {
		t.Fatal(err)
	}
	if res.Session.Agency != libA || res.User.Email != "sam@uni.example.edu" || !app.ActorFor(res.User, libA).Can(ill.PermPatronSelf) {
		t.Errorf("session %+v user %+v", res.Session, res.User)
	}
	again, err := pw.app.SSOLogin(pw.ctx, libA, claims)
	if err != nil || again.User.ID != res.User.ID || again.Token == res.Token {
		t.Errorf("second sign-in: %v user %d/%d", err, again.User.ID, res.User.ID)
	}
	if _, err := pw.app.SSOLogin(pw.ctx, libA, map[string]any{"email": "nobody@uni.example.edu"}); !ill.Is(err, ill.Unauthenticated) {
		t.Errorf("unknown person: %v", err)
	}
	// A verifier that does not match the challenge is refused by the issuer.
	is.SignIn(map[string]any{"sub": "u-1", "email": "sam@uni.example.edu"})
	st, _ := o.Begin(pw.ctx)
	if _, err := o.Finish(pw.ctx, follow(t, st.URL), "wrong-verifier-wrong-verifier-wrong-verifier", st.Nonce); err == nil {
		t.Error("a wrong PKCE verifier was accepted")
	}
	st, _ = o.Begin(pw.ctx)
	if _, err := o.Finish(pw.ctx, follow(t, st.URL), st.Verifier, "another-nonce"); err == nil {
		t.Error("a wrong nonce was accepted")
	}
	is.Tamper = func(c map[string]any) { c["aud"] = "someone-else" }
	if _, err := signIn(map[string]any{"sub": "u-1", "email": "sam@uni.example.edu"}); err == nil {
		t.Error("a token for another client was accepted")
	}
	is.Tamper = func(c map[string]any) { c["exp"] = pw.clock.Now().Add(-time.Hour).Unix() }
	if _, err := signIn(map[string]any{"sub": "u-1", "email": "sam@uni.example.edu"}); err == nil {
		t.Error("an expired token was accepted")
	}
	is.Tamper = nil
}

// Estimates are never in the past and use the lender's median.
func TestEstimateArrival(t *testing.T) {
	t.Parallel()
	ps := portalSettings(func(*app.PortalSettings) {})
	now := t0
	day := 24 * time.Hour
	cases := []struct {
		name    string
		state   ill.State
		service ill.ServiceType
		changed time.Time
		median  time.Duration
		want    time.Time
	}{
		{"new lender loan: prior + transit", ill.BSent, ill.Loan, now, 0, now.Add(10 * day)},
		{"known lender loan", ill.BSent, ill.Loan, now.Add(-day), 2 * day, now.Add(4 * day)},
		{"copy: no transit", ill.BAnswered, ill.Copy, now, 0, now.Add(3 * day)},
		{"shipped loan: transit", ill.BShipped, ill.Loan, now, 5 * day, now.Add(3 * day)},
		{"late: tomorrow, never the past", ill.BSent, ill.Loan, now.Add(-30 * day), day, now.Add(day)},
	}
	for _, c := range cases {
		r := &ill.Request{State: c.state, ServiceType: c.service, Partner: libB}
		got := app.EstimateArrivalForTest(r, c.changed, now, c.median, ps)
		if !got.Equal(c.want) {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// follow asks the issuer to sign in and returns the code it redirects with.
func follow(t *testing.T, authURL string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	u, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || u.Query().Get("code") == "" {
		t.Fatalf("issuer answered %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return u.Query().Get("code")
}

// A library's own wording of a notice is used; renewals mediated by staff
// go to the desk instead of the lender.
func TestPortalNoticeOverrideAndMediatedRenewal(t *testing.T) {
	t.Parallel()
	pw := newPortalWorld(t, store.SQLite)
	bad := app.NoticeSettings{Templates: []app.NoticeOverride{{Notice: "patron.received", Subject: "{{.Nope", Text: "x"}}}
	if err := pw.app.PutSetting(pw.ctx, staff(libA), libA, "notices", bad); !ill.Is(err, ill.Invalid) {
		t.Errorf("a broken template was saved: %v", err)
	}
	own := app.NoticeSettings{Templates: []app.NoticeOverride{{Notice: "patron.received", Subject: "Got it: {{.Title}}",
		Text: "Hello {{.Patron}}, request {{.RequestID}} is with us. {{.Link}}", HTML: "<p>Hello {{.Patron}}</p>"}}}
	if err := pw.app.PutSetting(pw.ctx, staff(libA), libA, "notices", own); err != nil {
		t.Fatal(err)
	}
	if err := pw.app.PutSetting(pw.ctx, staff(libA), libA, "portal", portalSettings(func(s *app.PortalSettings) { s.RenewalsMediated = true })); err != nil {
		t.Fatal(err)
	}
	r := pw.submit(book("Own words"))
	m := pw.mailAbout("Got it: Own words")
	if !strings.Contains(m.Text, "Hello Pat Reader, request "+r.PublicID) || !strings.Contains(m.HTML, "<p>Hello Pat Reader</p>") {
		t.Errorf("own template not used:\n%s\n%s", m.Text, m.HTML)
	}
	l := pw.lendingFor(libB, r)
	pw.do(staff(libB), l.PublicID, ill.ActWillSupply, nil)
	pw.do(staff(libB), l.PublicID, ill.ActShip, nil)
	pw.do(staff(libA), r.PublicID, ill.ActReceive, nil)
	pw.do(staff(libA), r.PublicID, ill.ActCheckOut, nil)
	if v := pw.view(r.PublicID); !v.Renew || !v.Mediated {
		t.Fatalf("mediated renewal not offered: %+v", v)
	}
	if _, mediated, err := pw.app.PortalRenew(pw.ctx, pw.actor, r.PublicID); err != nil || !mediated {
		t.Fatalf("renew: %v mediated %v", err, mediated)
	}
	pw.settle()
	got := pw.wantState(libA, r.PublicID, ill.BCheckedOut)
	if !got.Attention || got.AttentionReason != "patron_asks_renewal" || got.RenewalCount != 0 {
		t.Errorf("mediated ask: attention %v %q renewals %d", got.Attention, got.AttentionReason, got.RenewalCount)
	}
	if v := pw.view(r.PublicID); v.Renew || !v.RenewAsked || v.RenewWhy != "portal.renew.asked" {
		t.Errorf("after the ask: %+v", v)
	}
	if ls := pw.req(libB, l.PublicID); ls.State != ill.LOnLoan && ls.State != ill.LShipped {
		t.Errorf("the lender was asked: %s", ls.State)
	}
	// A reminder a few days before the loan is due, once.
	pw.clock.Set(got.PatronDue.Add(-2 * 24 * time.Hour))
	if n, err := pw.app.SendDueSoonNotices(pw.ctx); err != nil || n != 1 {
		t.Fatalf("due soon: %d %v", n, err)
	}
	pw.settle()
	if m := pw.mailAbout("Due soon"); !strings.Contains(m.Text, i18n.NewFormatter("en").Date(got.PatronDue, time.UTC)) {
		t.Errorf("due soon notice lacks the date:\n%s", m.Text)
	}
}

// OpenURLs fill the portal's form field by field; the form gives the
// same citation back.
func TestPortalFormFromOpenURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in string
		kind     string
		fields   map[string]string
	}{
		{"PubMed 1.0 article, repeated authors, semicolon", "url_ver=Z39.88-2004&rfr_id=info:sid/Entrez:PubMed&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rft.genre=article&rft.jtitle=Nature&rft.atitle=A;+B&rft.au=WATSON+J+D&rft.au=CRICK+F+H&rft.date=1953&rft.volume=171&rft.issue=4356&rft.spage=737&rft.epage=738&rft_id=info:pmid/13054692&rft_id=info:doi/10.1038/171737a0&rft.issn=0028-0836",
			app.FormArticle, map[string]string{"jtitle": "Nature", "atitle": "A; B", "author": "WATSON J D; CRICK F H", "date": "1953", "volume": "171", "issue": "4356", "pages": "737-738", "pmid": "13054692", "doi": "10.1038/171737a0", "issn": "0028-0836"}},
		{"WorldCat book 0.1 with oclcnum and lccn", "sid=FirstSearch:WorldCat&genre=book&title=Silent+spring&aulast=Carson&aufirst=Rachel&isbn=0618249060&date=2002&pub=Houghton+Mifflin&place=Boston&rft_id=info:oclcnum/49901212&rft_id=info:lccn/2002033017",
			app.FormBook, map[string]string{"title": "Silent spring", "author": "Carson, Rachel", "publisher": "Houghton Mifflin", "place": "Boston", "oclc": "49901212", "lccn": "2002033017", "date": "2002"}},
		{"Zotero COinS chapter with &amp;", "ctx_ver=Z39.88-2004&amp;rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Abook&amp;rft.genre=bookitem&amp;rft.atitle=Chapter+one&amp;rft.btitle=The+book&amp;rft.isbn=978-0-19-953556-9&amp;rft.au=Doe%2C+Jane",
			app.FormChapter, map[string]string{"atitle": "Chapter one", "title": "The book", "author": "Doe, Jane"}},
		{"ProQuest dissertation", "url_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:dissertation&rft.genre=dissertation&rft.title=A+thesis&rft.au=Roe,+R&rft.inst=University+of+Examples&rft.date=2019",
			app.FormThesis, map[string]string{"title": "A thesis", "author": "Roe, R", "inst": "University of Examples", "date": "2019"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := openurl.Parse(c.in)
			if err != nil {
				t.Fatal(err)
			}
			f := app.FormFromCitation(res.Citation)
			if f.Kind != c.kind {
				t.Errorf("form %s, want %s", f.Kind, c.kind)
			}
			for k, want := range c.fields {
				if got := f.Fields[k]; got != want && !(k == "isbn" && strings.ReplaceAll(got, "-", "") == strings.ReplaceAll(want, "-", "")) {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if f.Source != res.Referrer && res.Citation.Source != f.Source {
				t.Errorf("source %q, referrer %q", f.Source, res.Referrer)
			}
		})
	}
}

// A request staff place for a patron (a phone call) is the patron's: it
// shows in their portal, and not in another patron's.
func TestPortalShowsRequestsPlacedByStaff(t *testing.T) {
	t.Parallel()
	pw := newPortalWorld(t, store.SQLite)
	r, err := pw.app.CreateRequest(pw.ctx, staff(libA), app.NewRequest{Citation: silentSpring, PatronID: pw.pat.ID})
	if err != nil {
		t.Fatal(err)
	}
	if v := pw.view(r.PublicID); v.Status.Key == "" {
		t.Errorf("the patron's view of a request placed for them: %+v", v)
	}
	if _, err := pw.app.MyRequest(pw.ctx, pw.other, r.PublicID); !ill.Is(err, ill.NotFound) {
		t.Errorf("another patron sees it: %v", err)
	}
}
