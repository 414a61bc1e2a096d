package web_test

// Browser tests: a real Chromium (Debian's chromium, driven by chromedp
// through testenv.Browser) against an in-process Interlend. Keyboard
// tests act with key events only; every page of the pseudo-locale
// registry is checked with axe-core.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/auth"
	"interlend/internal/demo"
	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/testenv"
)

// Every page the registry can reach passes axe-core: no serious or
// critical violation. Two tabs share the pages (a tab per page would
// spend most of the time opening tabs).
func TestBrowserAxeOnEveryPage(t *testing.T) {
	t.Parallel()
	pw := newPseudoWorld(t)
	const tabs = 2
	for n := range tabs {
		t.Run(fmt.Sprintf("tab%d", n+1), func(t *testing.T) {
			t.Parallel()
			tab := testenv.NewBrowser(t, pw.URL)
			for i, e := range pseudoPages {
				if i%tabs != n {
					continue
				}
				name := e.Name
				if name == "" {
					name = e.Page + "/" + e.As
				}
				t.Run(name, func(t *testing.T) {
					if e.SkipAxe != "" {
						t.Skip(e.SkipAxe)
					}
					c := pw.Client(t)
					if e.As != "" {
						c.Login(pw.Users[e.As].Email)
					}
					path := e.Path
					if e.Setup != nil {
						if p := e.Setup(t, pw, c); p != "" {
							path = p
						}
					}
					b := tab.For(t)
					b.ClearCookies()
					for _, ck := range []string{"interlend_session", "interlend_pre"} {
						if v := c.Cookie(ck); v != "" {
							b.SetCookie(ck, v)
						}
					}
					b.Navigate(path)
					b.Axe()
				})
			}
		})
	}
}

// Logging in as each demo role shows the right navigation.
func TestBrowserNavigationByDemoRole(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	seeded, err := demo.Seed(context.Background(), w.App)
	if err != nil {
		t.Fatal(err)
	}
	// The platform's own entries; desks added by other features are not
	// judged here.
	mine := []string{"/", "/admin", "/jobs", "/account"}
	want := map[ill.Role][]string{
		ill.RoleOperator:        {"/", "/admin", "/jobs", "/account"},
		ill.RoleConsortiumAdmin: {"/", "/admin", "/jobs", "/account"},
		ill.RoleManager:         {"/", "/admin", "/jobs", "/account"},
		ill.RoleBorrowing:       {"/", "/account"},
		ill.RoleLending:         {"/", "/account"},
		ill.RoleStudent:         {"/", "/account"},
		ill.RoleReadOnly:        {"/", "/account"},
		ill.RolePatron:          {"/", "/account"},
	}
	seen := map[ill.Role]bool{}
	for _, l := range seeded.Logins {
		if seen[l.Role] {
			continue
		}
		seen[l.Role] = true
		t.Run(string(l.Role), func(t *testing.T) {
			t.Parallel()
			b := testenv.NewBrowser(t, w.URL)
			b.Login(l.Email, demo.Password)
			var got []string
			for _, href := range testenv.Eval[[]string](b, `Array.from(document.querySelectorAll('nav[aria-label] .nav a')).map(a => a.getAttribute("href"))`) {
				if slices.Contains(mine, href) {
					got = append(got, href)
				}
			}
			if !slices.Equal(got, want[l.Role]) {
				t.Errorf("%s (%s) sees %v, want %v", l.Email, l.Role, got, want[l.Role])
			}
			if strings.Contains(b.Text("main"), "⟦") {
				t.Errorf("untranslated key on the home page: %s", b.Text("main"))
			}
			b.Axe()
		})
	}
	if len(seen) != len(ill.Roles) {
		t.Errorf("the demo has logins for %d roles, want all %d", len(seen), len(ill.Roles))
	}
}

// A manager changes a setting with the keyboard alone, and the audit
// trail shows who changed what.
func TestBrowserManagerChangesASettingByKeyboard(t *testing.T) {
	t.Parallel()
	w := platformWorld(t)
	b := testenv.NewBrowser(t, w.URL)
	b.Login("mia@example.edu", apptest.Password)
	b.TabTo("Administration")
	b.AndWait(func() { b.Press("Enter") })
	b.Axe()
	b.TabTo("Retention of personal data")
	b.AndWait(func() { b.Press("Enter") })
	if p := b.Path(); p != "/admin/settings/retention" {
		t.Fatalf("on %s, want the retention settings", p)
	}
	b.Axe()
	b.TabTo("Patron data in closed requests")
	b.Press("Backspace", "30") // Tab selects the field's text; the key replaces it
	b.TabTo("Save")
	b.AndWait(func() { b.Press("Enter") })
	if got := b.Text(".flash"); !strings.Contains(got, "saved") {
		t.Errorf("flash after saving: %q", got)
	}
	if got := testenv.Eval[string](b, `document.getElementById("f-personalDataDays").value`); got != "30" {
		t.Errorf("field after saving: %q, want 30", got)
	}
	row := b.Text("table.audit tbody tr")
	for _, part := range []string{"mia", "Retention of personal data", "Patron data in closed requests", "90", "30"} {
		if !strings.Contains(row, part) {
			t.Errorf("audit row %q lacks %q", row, part)
		}
	}
	b.Axe()
	// A wrong value is refused with the problem next to the field.
	b.TabTo("Delivered articles (days)")
	b.Press("Backspace", "none")
	b.TabTo("Save")
	b.AndWait(func() { b.Press("Enter") })
	if got := b.Text("#f-deliveredFileDays-err"); got != "Enter a whole number." {
		t.Errorf("error beside the field: %q", got)
	}
	b.Axe()
}

// A dead job is re-driven from the jobs page with the keyboard alone.
func TestBrowserRedriveDeadJobByKeyboard(t *testing.T) {
	t.Parallel()
	var fail atomic.Bool
	fail.Store(true)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() {
			http.Error(w, "partner down", http.StatusBadGateway)
		}
	}))
	t.Cleanup(rcv.Close)
	w := apptest.New(t, apptest.Options{Workers: 1})
	w.Agency(t, "US-EXA", "Example Library")
	w.User(t, "mia@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleManager})
	var id int64
	if err := w.App.DB.Transact(context.Background(), func(tx *store.Tx) (err error) {
		id, err = tx.System().EnqueueJob(store.NewJob{Kind: app.KindDiagPost, Agency: "US-EXA", MaxAttempts: 1, Payload: app.DiagPayload{URL: rcv.URL}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	waitState(t, w, id, store.JobDead)

	b := testenv.NewBrowser(t, w.URL)
	b.Login("mia@example.edu", apptest.Password)
	b.TabTo("Jobs")
	b.AndWait(func() { b.Press("Enter") })
	if got := b.Text("main"); !strings.Contains(got, "502 Bad Gateway") || !strings.Contains(got, "Dead") {
		t.Errorf("jobs page does not show the dead job and its error:\n%s", got)
	}
	b.Axe()
	fail.Store(false)
	b.TabTo(fmt.Sprintf("Re-drive job %d", id))
	b.AndWait(func() { b.Press("Enter") })
	if got := b.Text(".flash"); !strings.Contains(got, "is back in the queue") {
		t.Errorf("flash after re-drive: %q", got)
	}
	waitState(t, w, id, store.JobDone)
	b.Navigate("/jobs")
	if got := b.Text("main"); !strings.Contains(got, "Nothing has failed.") {
		t.Errorf("after the re-driven job ran:\n%s", got)
	}
	b.Navigate(fmt.Sprintf("/jobs/%d", id))
	b.Axe()
}

func waitState(t *testing.T, w *apptest.World, id int64, want store.JobState) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var j store.Job
		if err := w.App.DB.Read(context.Background(), func(tx *store.Tx) (err error) { j, err = tx.System().GetJob(id); return }); err != nil {
			t.Fatal(err)
		}
		if j.State == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d is %s, want %s", id, j.State, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Inviting a staff member, keyboard only.
func TestBrowserInviteByKeyboard(t *testing.T) {
	t.Parallel()
	w := platformWorld(t)
	b := testenv.NewBrowser(t, w.URL)
	b.Login("mia@example.edu", apptest.Password)
	b.TabTo("Administration")
	b.AndWait(func() { b.Press("Enter") })
	b.TabTo("Staff accounts")
	b.AndWait(func() { b.Press("Enter") })
	b.TabTo("Invite someone")
	b.AndWait(func() { b.Press("Enter") })
	b.TabTo("Email")
	b.Press("kai@example.edu")
	b.TabTo("Name (optional)")
	b.Press("Kai Keys")
	b.TabTo("Lending staff")
	b.Press("Space")
	b.TabTo("Send the invitation")
	b.AndWait(func() { b.Press("Enter") })
	if got := b.Text(".flash"); got != "Invitation sent to kai@example.edu." {
		t.Errorf("flash: %q", got)
	}
	u := userByEmail(t, w, "kai@example.edu")
	if u.Name != "Kai Keys" || len(u.Grants) != 1 || u.Grants[0].Role != ill.RoleLending {
		t.Errorf("invited account: %+v", u)
	}
}

// Setting up a second factor, keyboard only, then logging in with it.
func TestBrowserSecondFactorByKeyboard(t *testing.T) {
	t.Parallel()
	w := platformWorld(t)
	b := testenv.NewBrowser(t, w.URL)
	b.Login("bo@example.edu", apptest.Password)
	b.TabTo("Account")
	b.AndWait(func() { b.Press("Enter") })
	b.TabTo("Set up a second factor")
	b.AndWait(func() { b.Press("Enter") })
	b.Axe()
	secret := strings.ReplaceAll(b.Text("code.secret"), " ", "")
	code, _ := auth.TOTPCode(secret, w.Clock.Now())
	b.TabTo("six-digit code")
	b.Press(code)
	b.AndWait(func() { b.Press("Enter") })
	if got := b.Text(".flash"); !strings.Contains(got, "The second factor is on") {
		t.Errorf("flash: %q", got)
	}
	// The next login asks for a code.
	b2 := testenv.NewBrowser(t, w.URL)
	b2.Navigate("/login")
	b2.Type("#email", "bo@example.edu")
	b2.Type("#password", apptest.Password)
	b2.AndWait(func() { b2.Press("Enter") })
	if p := b2.Path(); !strings.HasPrefix(p, "/login/totp") {
		t.Fatalf("after the password: %s, want the code step", p)
	}
	code, _ = auth.TOTPCode(secret, w.Clock.Now())
	b2.Press(code) // the code field has the focus
	b2.AndWait(func() { b2.Press("Enter") })
	if p := b2.Path(); p != "/" {
		t.Errorf("after the code: %s", p)
	}
}

// Asking for a password reset from the login page, keyboard only.
func TestBrowserForgotPasswordByKeyboard(t *testing.T) {
	t.Parallel()
	w := platformWorld(t)
	b := testenv.NewBrowser(t, w.URL)
	b.Navigate("/login")
	b.TabTo("Forgot your password?")
	b.AndWait(func() { b.Press("Enter") })
	b.Axe()
	b.Press("bo@example.edu") // the email field has the focus
	b.AndWait(func() { b.Press("Enter") })
	if got := b.Text("main"); !strings.Contains(got, "If there is an account for bo@example.edu") {
		t.Errorf("after asking: %q", got)
	}
}
