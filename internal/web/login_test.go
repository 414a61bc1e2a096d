package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"interlend/internal/apptest"
	"interlend/internal/auth"
	"interlend/internal/ill"
)

func TestLoginLogoutAndSessionFixation(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	w.Agency(t, "US-EXA", "Example A")
	w.User(t, "ann@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleManager})
	c := w.Client(t)
	// An attacker plants a session id before login.
	c.SetCookie("interlend_session", "planted-token")
	if r := c.Get("/"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Fatalf("anonymous home: %d %q, want redirect to login", r.Status, r.Location)
	}
	c.Login("ann@example.edu")
	if got := c.Cookie("interlend_session"); got == "" || got == "planted-token" {
		t.Errorf("session cookie after login = %q: want a new token (no fixation)", got)
	}
	r := c.Get("/")
	if r.Status != 200 || !strings.Contains(r.Body, "Welcome, ann.") {
		t.Fatalf("home after login: %d\n%s", r.Status, r.Body)
	}
	old := c.Cookie("interlend_session")
	r = c.Post("/logout", nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.Status)
	}
	// The old token no longer works even if replayed.
	c2 := w.Client(t)
	c2.SetCookie("interlend_session", old)
	if r := c2.Get("/"); r.Status != http.StatusSeeOther {
		t.Errorf("replayed session after logout: %d, want redirect to login", r.Status)
	}
}

func TestWrongPasswordAndUnknownUserLookAlike(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	w.User(t, "bo@example.edu")
	c := w.Client(t)
	c.Get("/login")
	a := c.Post("/login", url.Values{"email": {"bo@example.edu"}, "password": {"wrong-password"}})
	c.Get("/login")
	b := c.Post("/login", url.Values{"email": {"nobody@example.edu"}, "password": {"wrong-password"}})
	if a.Status != http.StatusUnauthorized || b.Status != http.StatusUnauthorized {
		t.Fatalf("statuses %d %d, want 401 both", a.Status, b.Status)
	}
	if !strings.Contains(a.Body, "The email or password is not right.") || !strings.Contains(b.Body, "The email or password is not right.") {
		t.Error("the two failures are worded differently or unclear")
	}
}

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	w.User(t, "cy@example.edu")
	c := w.Client(t)
	for i := range auth.MaxFailuresPerUser {
		c.Get("/login")
		if r := c.Post("/login", url.Values{"email": {"cy@example.edu"}, "password": {"nope-nope-nope"}}); r.Status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, r.Status)
		}
	}
	// Even the right password is refused now, with a clear message.
	c.Get("/login")
	r := c.Post("/login", url.Values{"email": {"cy@example.edu"}, "password": {apptest.Password}})
	if r.Status != http.StatusTooManyRequests || !strings.Contains(r.Body, "Too many failed attempts") {
		t.Fatalf("after %d failures: %d\n%s", auth.MaxFailuresPerUser, r.Status, r.Body)
	}
	// The window passes.
	w.Clock.Advance(auth.ThrottleWindow + time.Second)
	c.Login("cy@example.edu")
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	w.Agency(t, "US-EXA", "A")
	w.Agency(t, "US-EXB", "B")
	w.User(t, "di@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleManager}, ill.Grant{Agency: "US-EXB", Role: ill.RoleManager})
	c := w.Client(t)
	c.Get("/login")
	// Login without the pre-session token is refused.
	if r := c.Post("/login", url.Values{"csrf": {"forged"}, "email": {"di@example.edu"}, "password": {apptest.Password}}); r.Status != http.StatusForbidden {
		t.Errorf("login with a forged token: %d, want 403", r.Status)
	}
	c.Login("di@example.edu")
	// Every state-changing route with a session needs the token.
	for _, path := range []string{"/logout", "/agency"} {
		r := c.Post(path, url.Values{"csrf": {"wrong"}, "agency": {"US-EXB"}})
		if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "This form has expired") {
			t.Errorf("POST %s with a wrong token: %d", path, r.Status)
		}
	}
	// A cross-site POST is refused even with the right token (Sec-Fetch-Site).
	req, _ := http.NewRequest(http.MethodPost, w.URL+"/agency", strings.NewReader(url.Values{"csrf": {c.CSRF}, "agency": {"US-EXB"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", resp.StatusCode)
	}
	// With the right token the agency switch works.
	if r := c.Post("/agency", url.Values{"agency": {"US-EXB"}, "next": {"/"}}); r.Status != http.StatusSeeOther {
		t.Errorf("agency switch: %d", r.Status)
	}
	if r := c.Get("/"); !strings.Contains(r.Body, `<option value="US-EXB" selected>`) {
		t.Error("switched agency not selected")
	}
	// Switching to an agency without a role is refused.
	if r := c.Post("/agency", url.Values{"agency": {"US-NOPE"}}); r.Status != http.StatusForbidden {
		t.Errorf("switch to a foreign agency: %d, want 403", r.Status)
	}
}

func TestOpenRedirectRefused(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	w.User(t, "ed@example.edu")
	c := w.Client(t)
	c.Get("/login")
	r := c.Post("/login", url.Values{"email": {"ed@example.edu"}, "password": {apptest.Password}, "next": {"//evil.example/x"}})
	if r.Location != "/" {
		t.Errorf("next=//evil.example redirected to %q, want /", r.Location)
	}
}

func TestSecondFactor(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	u := w.User(t, "fi@example.edu")
	secret, _, err := auth.NewTOTP("Interlend", u.Email)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.App.SetTOTPForTest(t.Context(), u.ID, secret); err != nil {
		t.Fatal(err)
	}
	c := w.Client(t)
	c.Get("/login")
	r := c.Post("/login", url.Values{"email": {u.Email}, "password": {apptest.Password}})
	if !strings.HasPrefix(r.Location, "/login/totp") {
		t.Fatalf("after password: %q, want the TOTP step", r.Location)
	}
	if r := c.Get("/"); r.Status != http.StatusSeeOther || r.Location != "/login/totp" {
		t.Errorf("home before the second factor: %d %q", r.Status, r.Location)
	}
	c.Get("/login/totp")
	if r := c.Post("/login/totp", url.Values{"code": {"000000"}}); r.Status != http.StatusUnauthorized {
		t.Errorf("wrong code: %d", r.Status)
	}
	code, _ := auth.TOTPCode(secret, w.Clock.Now())
	if r := c.Post("/login/totp", url.Values{"code": {code}, "next": {"/"}}); r.Status != http.StatusSeeOther || r.Location != "/" {
		t.Errorf("right code: %d %q", r.Status, r.Location)
	}
	if r := c.Get("/"); r.Status != 200 {
		t.Errorf("home after the second factor: %d", r.Status)
	}
}
