package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/auth/oidctest"
	"interlend/internal/ill"
	"interlend/internal/patron"
	"interlend/internal/store"
)

// The portal's pages for the pseudo-locale and axe-core tests.
func init() {
	addPseudoPage(
		pseudoPage{Page: "portal_login", Path: "/portal/login"},
		pseudoPage{Page: "portal_home", As: "patron", Path: "/portal", Setup: pseudoPortalRequest},
		pseudoPage{Page: "portal_home", Name: "portal_home/empty", As: "patron", Path: "/portal"},
		pseudoPage{Page: "portal_new", As: "patron", Path: "/portal/new"},
		pseudoPage{Page: "portal_new", Name: "portal_new/article", As: "patron", Path: "/portal/new?kind=article"},
		pseudoPage{Page: "portal_new", Name: "portal_new/other", As: "patron", Path: "/portal/new?kind=other"},
		pseudoPage{Page: "portal_new", Name: "portal_new/openurl", As: "patron",
			Path: "/portal/openurl?url_ver=Z39.88-2004&rfr_id=info:sid/Entrez:PubMed&rft.genre=article&rft.atitle=Pseudo+article&rft.jtitle=Nature&rft.date=1953&rft_id=info:pmid/13054692",
			Data: []string{"Entrez:PubMed"}},
		pseudoPage{Page: "portal_new", Name: "portal_new/garbage", As: "patron", Path: "/portal/openurl?%%%", Status: http.StatusBadRequest},
		pseudoPage{Page: "portal_request", As: "patron", Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
			return "/portal/requests/" + pseudoPortalID(t, pw)
		}},
	)
}

const pseudoPortalTitle = "Pseudo portal book"

// pseudoPortalRequests remembers each pseudo world's portal request.
var pseudoPortalRequests sync.Map // *pseudoWorld → *ill.Request

func pseudoPortalID(t *testing.T, pw *pseudoWorld) string {
	ctx := context.Background()
	pw.Once("portal-request", func() {
		pw.Known(pseudoPortalTitle, "Carson, Rachel", "Main Library")
		// Straight into the store: other pages may block the patron.
		r := &ill.Request{Side: ill.Borrowing, State: ill.BShipped, Partner: pw.Agency, ServiceType: ill.Loan,
			Citation:    ill.Citation{Title: pseudoPortalTitle, Author: "Carson, Rachel", PublicationType: ill.PubBook},
			OwnerUserID: pw.Users["patron"].ID, PickupLocation: "Main Library"}
		if err := pw.App.DB.Transact(ctx, func(tx *store.Tx) error {
			if err := tx.Agency().CreateRequest(pw.Agency, r); err != nil {
				return err
			}
			return tx.Agency().AppendEvent(pw.Agency, r.ID, &ill.Event{Type: "submitted", Name: "create", ActorKind: ill.ActorPatron, To: ill.BShipped})
		}); err != nil {
			t.Fatal(err)
		}
		pw.Known(r.PublicID)
		pseudoPortalRequests.Store(pw, r)
	})
	v, _ := pseudoPortalRequests.Load(pw)
	r := v.(*ill.Request)
	// The portal lists a patron's requests by their record once they have
	// one, and another page may have made one since: tie the request to it.
	if p, err := pw.App.MyPatronRecord(ctx, pw.actor("patron"), pw.Agency); err == nil {
		if err := pw.App.DB.Transact(ctx, func(tx *store.Tx) error {
			cur, err := tx.Agency().GetRequest(pw.Agency, r.PublicID)
			if err != nil || cur.PatronID == p.ID {
				return err
			}
			cur.PatronID = p.ID
			return tx.Agency().UpdateRequest(pw.Agency, cur, 0)
		}); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := pw.App.MyRequests(ctx, pw.actor("patron"))
	if err != nil || len(rs) == 0 {
		t.Fatalf("portal request: %v", err)
	}
	return rs[0].Request.PublicID
}

func pseudoPortalRequest(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
	pseudoPortalID(t, pw)
	return ""
}

// portalWeb is a world with a library, a lender, two patrons with
// records and logins, and a staff member.
type portalWeb struct {
	*apptest.World
	a, b   store.User // patrons
	pa, pb store.Patron
}

const (
	portalLib    = ill.AgencyID("US-PRT")
	portalLender = ill.AgencyID("US-LND")
)

func newPortalWeb(t *testing.T, o apptest.Options) *portalWeb {
	t.Helper()
	w := apptest.New(t, o)
	w.Agency(t, portalLib, "Portal University Library")
	w.Agency(t, portalLender, "Lender State Library")
	w.User(t, "desk@prt.example", ill.Grant{Agency: portalLib, Role: ill.RoleManager})
	pw := &portalWeb{World: w}
	mk := func(barcode, name, email string) (store.User, store.Patron) {
		u := w.User(t, email, ill.Grant{Agency: portalLib, Role: ill.RolePatron})
		p, err := w.App.CreatePatron(context.Background(), ill.SystemActor(), portalLib, patron.Record{Barcode: barcode, Name: name, Email: email})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.App.LinkPatronAccount(context.Background(), ill.SystemActor(), portalLib, p.ID, email); err != nil {
			t.Fatal(err)
		}
		return u, p
	}
	pw.a, pw.pa = mk("PA1", "Ada Patron", "ada@prt.example")
	pw.b, pw.pb = mk("PB2", "Bo Patron", "bo@prt.example")
	return pw
}

func (pw *portalWeb) patron(u store.User) ill.Actor { return app.ActorFor(u, portalLib) }

func (pw *portalWeb) request(t *testing.T, u store.User, title string) *ill.Request {
	t.Helper()
	r, err := pw.App.SubmitPortalRequest(context.Background(), pw.patron(u), app.PortalForm{Kind: app.FormBook, Fields: map[string]string{"title": title}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// setState moves a request to a state directly (the pages are judged on
// what they show for it, not on how it got there).
func (pw *portalWeb) setState(t *testing.T, id string, s ill.State, edit func(r *ill.Request)) {
	t.Helper()
	err := pw.App.DB.Transact(context.Background(), func(tx *store.Tx) error {
		r, err := tx.Agency().GetRequest(portalLib, id)
		if err != nil {
			return err
		}
		r.State, r.Partner = s, portalLender
		if edit != nil {
			edit(r)
		}
		return tx.Agency().UpdateRequest(portalLib, r, 0)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// No page of the portal ever shows a state code: every borrowing state is
// walked, on the list and on the request's page, and each shows its
// sentence with the lender's name.
func TestPortalNoStateCodes(t *testing.T) {
	t.Parallel()
	pw := newPortalWeb(t, apptest.Options{})
	r := pw.request(t, pw.a, "Walk every state")
	c := pw.Client(t)
	c.Login("ada@prt.example")
	var codes []string
	for _, s := range ill.BorrowingWorkflow.States {
		codes = append(codes, string(s.Name))
	}
	tags := regexp.MustCompile(`(?s)<[^>]*>`)
	for _, s := range ill.BorrowingWorkflow.States {
		t.Run(string(s.Name), func(t *testing.T) {
			pw.setState(t, r.PublicID, s.Name, func(r *ill.Request) {
				r.PatronDue = apptest.Start.AddDate(0, 0, 20)
				r.PickupDeadline = apptest.Start.AddDate(0, 0, 7)
				r.ServiceType = ill.Loan
				if ill.BorrowingWorkflow.Terminal(s.Name) {
					r.ClosedAt = apptest.Start
				}
			})
			for _, path := range []string{"/portal", "/portal/requests/" + r.PublicID} {
				res := c.Get(path)
				if res.Status != http.StatusOK {
					t.Fatalf("%s: %d", path, res.Status)
				}
				text := tags.ReplaceAllString(res.Body, " ")
				for _, code := range codes {
					if strings.Contains(code, "_") && strings.Contains(res.Body, code) {
						t.Errorf("%s in state %s shows the code %q", path, s.Name, code)
					}
				}
				for _, word := range []string{"validated", "conditional", "unfilled"} {
					if regexp.MustCompile(`\b` + word + `\b`).MatchString(text) {
						t.Errorf("%s in state %s shows %q", path, s.Name, word)
					}
				}
				if strings.Contains(text, "⟦") {
					t.Errorf("%s in state %s has an untranslated key", path, s.Name)
				}
				if mentionsLender := strings.Contains(text, "Lender State Library"); !mentionsLender && needsLender(s.Name) {
					t.Errorf("%s in state %s does not name the lender", path, s.Name)
				}
			}
		})
	}
}

func needsLender(s ill.State) bool {
	switch s {
	case ill.BSent, ill.BAnswered, ill.BShipped, ill.BAwaitingPickup, ill.BCheckedOut, ill.BOverdue, ill.BRecalled, ill.BCompleted:
		return true
	}
	return false
}

// Patron A cannot see or act on patron B's requests or downloads, on the
// web or through the API.
func TestPortalPatronIsolation(t *testing.T) {
	t.Parallel()
	pw := newPortalWeb(t, apptest.Options{})
	rb := pw.request(t, pw.b, "Bo's secret book")
	pw.setState(t, rb.PublicID, ill.BCheckedOut, nil)
	a := pw.Client(t)
	a.Login("ada@prt.example")
	if res := a.Get("/portal"); strings.Contains(res.Body, "secret book") || strings.Contains(res.Body, rb.PublicID) {
		t.Error("A's list shows B's request")
	}
	if res := a.Get("/portal/requests/" + rb.PublicID); res.Status != http.StatusNotFound || strings.Contains(res.Body, "secret") {
		t.Errorf("A reads B's request: %d", res.Status)
	}
	for _, act := range []string{"cancel", "renew", "reply", "download"} {
		a.Get("/portal") // a fresh CSRF token
		if res := a.Post("/portal/requests/"+rb.PublicID+"/"+act, url.Values{"note": {"x"}}); res.Status != http.StatusNotFound {
			t.Errorf("A's %s on B's request: %d", act, res.Status)
		}
	}
	// The staff request pages are not for patrons either.
	if res := a.Get("/requests/" + rb.PublicID); res.Status == http.StatusOK {
		t.Errorf("a patron opens the staff request page: %d", res.Status)
	}
	// The API, with A's web session: B's request does not exist for A.
	api := func(method, path, body string) (int, string) {
		req, _ := http.NewRequest(method, pw.URL+path, strings.NewReader(body))
		req.AddCookie(&http.Cookie{Name: "interlend_session", Value: a.Cookie("interlend_session")})
		req.Header.Set("X-CSRF-Token", a.CSRF)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	a.Get("/portal")
	if st, body := api("GET", "/api/v1/requests/"+rb.PublicID, ""); st != http.StatusNotFound || strings.Contains(body, "secret book") {
		t.Errorf("API: A reads B's request: %d %s", st, body)
	}
	if st, body := api("GET", "/api/v1/requests?side=borrowing", ""); st != http.StatusOK || strings.Contains(body, "secret book") || strings.Contains(body, rb.PublicID) {
		t.Errorf("API: A's list: %d %s", st, body)
	}
	for _, act := range []string{"renew", "cancel", "request_cancel"} {
		if st, _ := api("POST", "/api/v1/requests/"+rb.PublicID+"/actions/"+act, `{}`); st != http.StatusNotFound {
			t.Errorf("API: A's %s on B's loan: %d", act, st)
		}
	}
	if got, _ := pw.App.GetRequest(context.Background(), portalSystem(), rb.PublicID); got != nil && got.State != ill.BCheckedOut {
		t.Errorf("B's loan changed: %s", got.State)
	}
}

// Every POST of the portal needs the session's CSRF token.
func TestPortalCSRFOnEveryPost(t *testing.T) {
	t.Parallel()
	pw := newPortalWeb(t, apptest.Options{})
	r := pw.request(t, pw.a, "CSRF book")
	c := pw.Client(t)
	c.Login("ada@prt.example")
	before := pw.countRequests(t)
	for _, path := range []string{"/portal/new", "/portal/requests/" + r.PublicID + "/cancel", "/portal/requests/" + r.PublicID + "/renew",
		"/portal/requests/" + r.PublicID + "/reply", "/portal/requests/" + r.PublicID + "/download"} {
		c.CSRF = "forged"
		res := c.Post(path, url.Values{"kind": {"book"}, "title": {"Forged"}, "note": {"x"}})
		if res.Status != http.StatusForbidden {
			t.Errorf("POST %s without the token: %d", path, res.Status)
		}
	}
	if n := pw.countRequests(t); n != before {
		t.Errorf("a forged form stored %d requests", n-before)
	}
	if got, _ := pw.App.GetRequest(context.Background(), portalSystem(), r.PublicID); got.State == ill.BCancelled {
		t.Error("a forged cancel cancelled")
	}
	// The login form has its own double-submit token.
	anon := pw.Client(t)
	anon.Get("/portal/login")
	anon.CSRF = "forged"
	if res := anon.Post("/portal/login", url.Values{"email": {"ada@prt.example"}, "password": {apptest.Password}}); res.Status != http.StatusForbidden || anon.Cookie("interlend_session") != "" {
		t.Errorf("login without its token: %d", res.Status)
	}
}

func (pw *portalWeb) countRequests(t *testing.T) int {
	t.Helper()
	n := 0
	if err := pw.App.DB.Read(context.Background(), func(tx *store.Tx) error {
		_, total, err := tx.Agency().ListRequests(portalLib, store.RequestFilter{Limit: 1})
		n = total
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// Logging in through the portal: the OpenURL survives, the session token
// is new (no fixation), failures are throttled.
func TestPortalLoginKeepsTheCitationAndIsSafe(t *testing.T) {
	t.Parallel()
	pw := newPortalWeb(t, apptest.Options{})
	link := "/portal/openurl?url_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rft.genre=article&rft.atitle=Chips+%26+Salsa;+a+study&rft.jtitle=Food&rft.au=Smith,+J&rft.au=Jones,+K&rft_id=info:doi/10.1000/xyz&sid=EBSCO:aph"
	c := pw.Client(t)
	res := c.Get(link)
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/portal/login?next=") {
		t.Fatalf("anonymous OpenURL: %d %s", res.Status, res.Header.Get("Location"))
	}
	res = c.Get(res.Header.Get("Location"))
	// A session id planted before login is not the one after.
	c.SetCookie("interlend_session", "planted-token")
	res = c.Post("/portal/login", url.Values{"email": {"ada@prt.example"}, "password": {apptest.Password}, "next": {formValue(t, res.Body, "next")}})
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != link {
		t.Fatalf("after login: %d %q, want back to %q", res.Status, res.Header.Get("Location"), link)
	}
	if tok := c.Cookie("interlend_session"); tok == "" || tok == "planted-token" {
		t.Errorf("session token after login: %q", tok)
	}
	res = c.Get(link)
	for _, want := range []string{`value="Chips &amp; Salsa; a study"`, `value="Food"`, `value="Smith, J; Jones, K"`, `value="10.1000/xyz"`, "EBSCO:aph"} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("pre-filled form lacks %s", want)
		}
	}
	// Bad passwords are throttled, by account.
	bad := pw.Client(t)
	var last apptest.Response
	for range 12 {
		bad.Get("/portal/login")
		last = bad.Post("/portal/login", url.Values{"email": {"bo@prt.example"}, "password": {"wrong-password"}})
	}
	if last.Status != http.StatusTooManyRequests || !strings.Contains(last.Body, "Too many failed attempts") {
		t.Errorf("after many failures: %d", last.Status)
	}
	bad.Get("/portal/login")
	if res := bad.Post("/portal/login", url.Values{"email": {"bo@prt.example"}, "password": {apptest.Password}}); res.Status != http.StatusTooManyRequests {
		t.Errorf("the right password while throttled: %d", res.Status)
	}
}

func formValue(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s field", name)
	}
	return html.UnescapeString(m[1])
}

// An OpenURL POSTed by a discovery system (cross-site, no session) becomes
// the GET link; ISO-8859-1 is read as such.
func TestPortalOpenURLPost(t *testing.T) {
	t.Parallel()
	pw := newPortalWeb(t, apptest.Options{})
	c := pw.Client(t)
	c.Login("ada@prt.example")
	body := "url_ver=Z39.88-2004&rft.genre=book&rft.btitle=Caf%E9+society&rft.au=M%FCller,+K&rft_id=info:oclcnum/12345678&rft_id=info:lccn/2001012345"
	req, _ := http.NewRequest(http.MethodPost, pw.URL+"/portal/openurl", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=ISO-8859-1")
	req.Header.Set("Origin", "https://discovery.example.org")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/portal/openurl?") {
		t.Fatalf("POST: %d %q", resp.StatusCode, loc)
	}
	res := c.Get(loc)
	for _, want := range []string{`value="Café society"`, `value="Müller, K"`, `value="12345678"`, `value="2001012345"`} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("form lacks %s", want)
		}
	}
	// Garbage: a clear message, an empty form, nothing stored.
	before := pw.countRequests(t)
	res = c.Get("/portal/openurl?%zz=%%&&==")
	if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "did not carry details we could read") {
		t.Errorf("garbage OpenURL: %d", res.Status)
	}
	if pw.countRequests(t) != before {
		t.Error("a garbage OpenURL stored something")
	}
}

// A title with a script is shown as text everywhere in the portal.
func TestPortalEscapesScript(t *testing.T) {
	t.Parallel()
	pw := newPortalWeb(t, apptest.Options{})
	evil := `<script>alert("x")</script><img src=x onerror=alert(1)>`
	r := pw.request(t, pw.a, evil)
	c := pw.Client(t)
	c.Login("ada@prt.example")
	for _, path := range []string{"/portal", "/portal/requests/" + r.PublicID, "/portal/openurl?rft.genre=book&rft.btitle=" + url.QueryEscape(evil)} {
		res := c.Get(path)
		if strings.Contains(res.Body, "<script>alert") || strings.Contains(res.Body, "<img src=x") {
			t.Errorf("%s does not escape the title", path)
		}
		if !strings.Contains(res.Body, "&lt;script&gt;") {
			t.Errorf("%s does not show the title as text", path)
		}
	}
}

// Single sign-on through the web: portal → issuer → callback → the page
// the patron was going to, with a new session.
func TestPortalSSOWeb(t *testing.T) {
	t.Parallel()
	pw := newPortalWeb(t, apptest.Options{})
	is := oidctest.Start(t, "portal-client", "portal-secret", pw.Clock.Now)
	if err := pw.App.PutSetting(context.Background(), ill.SystemActor(), portalLib, "portal", portalSSOSettings(t, pw, is)); err != nil {
		t.Fatal(err)
	}
	is.SignIn(map[string]any{"sub": "ada", "email": "ADA@prt.example", "email_verified": true})
	c := pw.Client(t)
	res := c.Get("/portal/login?next=" + url.QueryEscape("/portal/openurl?rft.btitle=Via+SSO&rft.genre=book"))
	if !strings.Contains(res.Body, "Sign in with Portal U") {
		t.Fatalf("no sign-on button:\n%s", res.Body)
	}
	start := regexp.MustCompile(`href="(/portal/sso/[^"]+)"`).FindStringSubmatch(res.Body)[1]
	res = c.Get(strings.ReplaceAll(start, "&amp;", "&"))
	if res.Status != http.StatusFound || !strings.HasPrefix(res.Header.Get("Location"), is.URL) {
		t.Fatalf("start: %d %s", res.Status, res.Header.Get("Location"))
	}
	au, _ := url.Parse(res.Header.Get("Location"))
	if au.Query().Get("code_challenge_method") != "S256" || au.Query().Get("nonce") == "" {
		t.Errorf("authorization request without PKCE or nonce: %s", au.RawQuery)
	}
	resp, err := c.HTTP.Get(au.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cb, _ := url.Parse(resp.Header.Get("Location"))
	// A replayed callback with another state is refused.
	bad := pw.Client(t)
	if r := bad.Get(cb.Path + "?code=x&state=y"); r.Status != http.StatusBadRequest {
		t.Errorf("callback without the browser's state: %d", r.Status)
	}
	res = c.Get(cb.RequestURI())
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/portal/openurl?rft.btitle=Via+SSO&rft.genre=book" {
		t.Fatalf("callback: %d %q\n%s", res.Status, res.Header.Get("Location"), res.Body)
	}
	if res = c.Get(res.Header.Get("Location")); !strings.Contains(res.Body, `value="Via SSO"`) {
		t.Errorf("after sign-on the form is not filled:\n%s", res.Body)
	}
	// The callback is used once.
	if res = c.Get(cb.RequestURI()); res.Status != http.StatusBadRequest {
		t.Errorf("second use of the callback: %d", res.Status)
	}
}

func portalSSOSettings(t *testing.T, pw *portalWeb, is *oidctest.Issuer) app.PortalSettings {
	t.Helper()
	s, err := pw.App.PortalSettingsFor(context.Background(), portalLib)
	if err != nil {
		t.Fatal(err)
	}
	s.OIDCEnabled, s.OIDCIssuer, s.OIDCClientID, s.OIDCClientSecret, s.OIDCButton = true, is.URL, is.ClientID, is.ClientSecret, "Sign in with Portal U"
	return s
}

func portalSystem() ill.Actor {
	a := ill.SystemActor()
	a.Agency = portalLib
	return a
}
