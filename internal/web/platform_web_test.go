package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/auth"
	"interlend/internal/ill"
	"interlend/internal/settings"
	"interlend/internal/store"
	"interlend/internal/testenv"
)

// platformWorld is a world with one library and a manager, a borrowing
// staff member and an operator.
func platformWorld(t *testing.T) *apptest.World {
	t.Helper()
	w := apptest.New(t, apptest.Options{})
	w.Agency(t, "US-EXA", "Example Library")
	w.User(t, "mia@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleManager})
	w.User(t, "bo@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleBorrowing})
	w.User(t, "op@example.edu", ill.Grant{Role: ill.RoleOperator})
	return w
}

func mustStatus(t *testing.T, what string, r apptest.Response, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("%s: status %d, want %d\n%s", what, r.Status, want, r.Body)
	}
}

func mustContain(t *testing.T, what string, r apptest.Response, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.Body, p) {
			t.Errorf("%s: %q not in the page", what, p)
		}
	}
}

var versionField = regexp.MustCompile(`name="version" value="([^"]*)"`)

func TestSettingsPagesSaveAndAudit(t *testing.T) {
	t.Parallel()
	w := platformWorld(t)
	c := w.Client(t)
	c.Login("mia@example.edu")
	r := c.Get("/admin")
	mustStatus(t, "admin", r, http.StatusOK)
	mustContain(t, "admin", r, "Business calendar", "Pickup locations", "Single sign-on", "Defaults (never changed)")

	r = c.Get("/admin/settings/retention")
	mustStatus(t, "retention form", r, http.StatusOK)
	version := versionField.FindStringSubmatch(r.Body)[1]
	form := url.Values{"version": {version}, "personalDataDays": {"30"}, "deliveredFileDays": {"30"}, "mailLogDays": {"90"}}
	r = c.Post("/admin/settings/retention", form)
	mustStatus(t, "save", r, http.StatusSeeOther)
	r = c.Get(r.Location)
	mustContain(t, "after save", r, "Retention of personal data: saved.", `value="30"`, "mia", `<span class="data" translate="no">90</span>`)
	got, err := settings.RetentionSetting.Get(context.Background(), w.App.DB, "US-EXA")
	if err != nil || got.PersonalDataDays != 30 {
		t.Fatalf("stored: %+v %v", got, err)
	}

	// Bad input: the typed values come back with the problem beside them;
	// nothing is stored.
	form.Set("version", versionField.FindStringSubmatch(r.Body)[1])
	form.Set("personalDataDays", "lots")
	r = c.Post("/admin/settings/retention", form)
	mustStatus(t, "bad save", r, http.StatusBadRequest)
	mustContain(t, "bad save", r, "Enter a whole number.", `value="lots"`, `aria-invalid="true"`, "The settings were not saved")
	// A stale form: someone else saved meanwhile.
	form.Set("personalDataDays", "45")
	form.Set("version", version)
	r = c.Post("/admin/settings/retention", form)
	mustStatus(t, "stale save", r, http.StatusConflict)
	mustContain(t, "stale save", r, "Someone else changed these settings")
	if got, _ := settings.RetentionSetting.Get(context.Background(), w.App.DB, "US-EXA"); got.PersonalDataDays != 30 {
		t.Errorf("refused saves changed the value: %+v", got)
	}

	// The whole calendar through its widgets.
	r = c.Get("/admin/settings/calendar")
	cal := url.Values{"version": {versionField.FindStringSubmatch(r.Body)[1]}, "timeZone": {"Europe/Berlin"},
		"week.mon": {"08:00-18:00"}, "week.tue": {"08:00-18:00"}, "week.wed": {"08:00-18:00"}, "week.thu": {"08:00-18:00"},
		"week.fri": {"08:00-14:00"}, "week.sat": {"closed"}, "week.sun": {""},
		"closures.rows": {"3"}, "closures.0.from": {"2026-12-24"}, "closures.0.to": {"2026-12-31"}, "closures.0.name": {"Winter break"}}
	r = c.Post("/admin/settings/calendar", cal)
	mustStatus(t, "calendar", r, http.StatusSeeOther)
	r = c.Get("/admin/settings/calendar")
	mustContain(t, "calendar", r, `value="Europe/Berlin"`, `value="Winter break"`, `name="closures.rows" value="3"`)
	// Dates on pages are now in the library's zone (14:00 UTC is 15:00 in Berlin in March).
	mustContain(t, "calendar", r, "2 Mar 2026 15:00")

	// Other roles see the error page, in words from the catalog.
	b := w.Client(t)
	b.Login("bo@example.edu")
	r = b.Get("/admin/settings/retention")
	mustStatus(t, "borrowing staff", r, http.StatusForbidden)
	mustContain(t, "borrowing staff", r, "You are not allowed to do that.")
	if r := b.Post("/admin/settings/retention", form); r.Status != http.StatusForbidden {
		t.Errorf("borrowing staff saving: %d", r.Status)
	}
	if r := c.Get("/admin/settings/no.such.group"); r.Status != http.StatusNotFound {
		t.Errorf("unknown group: %d", r.Status)
	}
	// Without the CSRF token nothing is saved.
	form.Set("csrf", "forged")
	if r := c.Post("/admin/settings/retention", form); r.Status != http.StatusForbidden {
		t.Errorf("forged CSRF token: %d", r.Status)
	}
}

func TestOperatorWithoutAgencyIsAskedToChoose(t *testing.T) {
	t.Parallel()
	w := platformWorld(t)
	c := w.Client(t)
	c.Login("op@example.edu")
	for _, path := range []string{"/admin", "/admin/staff"} {
		r := c.Get(path)
		mustStatus(t, path, r, http.StatusOK)
		mustContain(t, path, r, "Choose a library with the switcher")
	}
	if r := c.Get("/admin/settings/calendar"); r.Status != http.StatusSeeOther || r.Location != "/admin" {
		t.Errorf("settings without a library: %d %q", r.Status, r.Location)
	}
	r := c.Post("/agency", url.Values{"agency": {"US-EXA"}, "next": {"/admin"}})
	mustStatus(t, "switch", r, http.StatusSeeOther)
	mustContain(t, "admin in a library", c.Get("/admin"), "Business calendar")
}

func TestStaffPages(t *testing.T) {
	t.Parallel()
	w := platformWorld(t)
	c := w.Client(t)
	c.Login("mia@example.edu")
	r := c.Get("/admin/staff")
	mustStatus(t, "staff", r, http.StatusOK)
	mustContain(t, "staff", r, "mia@example.edu", "bo@example.edu", "Borrowing staff")
	if strings.Contains(r.Body, "op@example.edu") {
		t.Error("an operator without a role here is listed as staff")
	}
	c.Get("/admin/staff/invite")
	r = c.Post("/admin/staff/invite", url.Values{"email": {"not-an-email"}, "role": {"lending"}})
	mustStatus(t, "bad invite", r, http.StatusBadRequest)
	mustContain(t, "bad invite", r, "Enter an email address like name@library.edu.", `value="not-an-email"`, `value="lending" checked`)
	r = c.Post("/admin/staff/invite", url.Values{"email": {"nia@example.edu"}, "name": {"Nia New"}, "role": {"lending", "student"}})
	mustStatus(t, "invite", r, http.StatusSeeOther)
	r = c.Get("/admin/staff")
	mustContain(t, "after invite", r, "Invitation sent to nia@example.edu.", "Invitations not yet accepted", "Invited")

	var nia store.User
	_ = w.App.DB.Read(context.Background(), func(tx *store.Tx) (err error) { nia, err = tx.System().UserByEmail("nia@example.edu"); return })
	page := "/admin/staff/" + itoa(nia.ID)
	mustContain(t, "member", c.Get(page), "Nia New", "Lending staff", "Student assistant", "Send the invitation again")
	for _, step := range []struct {
		action string
		form   url.Values
		flash  string
	}{
		{"grant", url.Values{"role": {"readonly"}}, "Role given: Read only."},
		{"revoke", url.Values{"role": {"student"}}, "Role removed: Student assistant."},
		{"disable", nil, "The account is disabled"},
		{"enable", nil, "The account is enabled again."},
		{"resend", nil, "A new invitation link has been sent"},
	} {
		r := c.Post(page+"/"+step.action, step.form)
		mustStatus(t, step.action, r, http.StatusSeeOther)
		mustContain(t, step.action, c.Get(r.Location), step.flash)
	}
	r = c.Get(page)
	mustContain(t, "history", r, "Role given", "Role removed", "Disabled", "Enabled", "readonly@US-EXA")
	// One's own manager role cannot be removed here.
	var mia store.User
	_ = w.App.DB.Read(context.Background(), func(tx *store.Tx) (err error) { mia, err = tx.System().UserByEmail("mia@example.edu"); return })
	r = c.Post("/admin/staff/"+itoa(mia.ID)+"/revoke", url.Values{"role": {"manager"}})
	mustContain(t, "own role", c.Get(r.Location), "you cannot remove your own role")
	// The audit page has both kinds of change.
	mustContain(t, "audit", c.Get("/admin/audit"), "Account and job changes", "Invited", "nia@example.edu")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestLinkPagesWithoutLoggingIn(t *testing.T) {
	t.Parallel()
	w := platformWorld(t)
	ctx := context.Background()
	c := w.Client(t)
	mustContain(t, "login", c.Get("/login"), `href="/password/forgot"`)
	r := c.Get("/password/forgot")
	mustStatus(t, "forgot", r, http.StatusOK)
	r = c.Post("/password/forgot", url.Values{"email": {"nobody@example.edu"}})
	mustStatus(t, "forgot unknown", r, http.StatusOK)
	mustContain(t, "forgot unknown", r, "If there is an account for nobody@example.edu")
	c.Get("/password/forgot")
	if r := c.Post("/password/forgot", url.Values{"email": {"bo@example.edu"}, "csrf": {"forged"}}); r.Status != http.StatusForbidden {
		t.Errorf("forged token: %d", r.Status)
	}

	token, err := w.App.RequestPasswordReset(ctx, "bo@example.edu", "192.0.2.50")
	if err != nil || token == "" {
		t.Fatal(err)
	}
	r = c.Get("/password/reset?t=" + url.QueryEscape(token))
	mustStatus(t, "reset form", r, http.StatusOK)
	mustContain(t, "reset form", r, "For the account bo@example.edu.")
	r = c.Post("/password/reset", url.Values{"t": {token}, "password": {"a brand new password"}, "confirm": {"a different one"}})
	mustStatus(t, "mismatch", r, http.StatusBadRequest)
	mustContain(t, "mismatch", r, "The two passwords are not the same.")
	r = c.Post("/password/reset", url.Values{"t": {token}, "password": {"a brand new password"}, "confirm": {"a brand new password"}})
	mustStatus(t, "reset", r, http.StatusOK)
	mustContain(t, "reset", r, "Your password has been changed")
	r = c.Get("/password/reset?t=" + url.QueryEscape(token))
	mustStatus(t, "used link", r, http.StatusNotFound)
	mustContain(t, "used link", r, "This link is not valid any more")

	mia := app.ActorFor(userByEmail(t, w, "mia@example.edu"), "US-EXA")
	inv, err := w.App.InviteStaff(ctx, mia, "US-EXA", app.Invite{Email: "kit@example.edu", Roles: []ill.Role{ill.RoleStudent}})
	if err != nil {
		t.Fatal(err)
	}
	c2 := w.Client(t)
	r = c2.Get("/invite?t=" + url.QueryEscape(inv.Token))
	mustContain(t, "invite", r, "You have been invited to Interlend as kit@example.edu.")
	r = c2.Post("/invite", url.Values{"t": {inv.Token}, "name": {"Kit Kim"}, "password": {"short"}, "confirm": {"short"}})
	mustStatus(t, "short password", r, http.StatusBadRequest)
	mustContain(t, "short password", r, "Use at least 10 characters.")
	r = c2.Post("/invite", url.Values{"t": {inv.Token}, "name": {"Kit Kim"}, "password": {"kits own password"}, "confirm": {"kits own password"}})
	mustStatus(t, "accept", r, http.StatusOK)
	mustContain(t, "accept", r, "Your account is ready.")
	c2.Get("/login")
	r = c2.Post("/login", url.Values{"email": {"kit@example.edu"}, "password": {"kits own password"}})
	if r.Status != http.StatusSeeOther || strings.HasPrefix(r.Location, "/login") {
		t.Errorf("login after accepting: %d %q", r.Status, r.Location)
	}
}

func userByEmail(t *testing.T, w *apptest.World, email string) store.User {
	t.Helper()
	var u store.User
	if err := w.App.DB.Read(context.Background(), func(tx *store.Tx) (err error) { u, err = tx.System().UserByEmail(email); return }); err != nil {
		t.Fatal(err)
	}
	return u
}

var secretText = regexp.MustCompile(`<code class="secret" translate="no">([^<]+)</code>`)

func TestAccountPages(t *testing.T) {
	t.Parallel()
	w := platformWorld(t)
	c := w.Client(t)
	c.Login("bo@example.edu")
	r := c.Get("/account")
	mustContain(t, "account", r, "Borrowing staff at Example Library", "Set up a second factor", "Manage API tokens")
	r = c.Post("/account/password", url.Values{"current": {"wrong"}, "password": {"another long one"}, "confirm": {"another long one"}})
	mustStatus(t, "wrong current", r, http.StatusBadRequest)
	mustContain(t, "wrong current", r, "This is not your current password.")

	// Second factor: the QR code carries the otpauth URL of the secret shown.
	r = c.Get("/account/totp")
	mustStatus(t, "totp", r, http.StatusOK)
	m := secretText.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no secret on the page:\n%s", r.Body)
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	qrReq, _ := http.NewRequest(http.MethodGet, w.URL+"/account/totp/qr.png", nil)
	resp, err := c.HTTP.Do(qrReq)
	if err != nil {
		t.Fatal(err)
	}
	png := filepath.Join(t.TempDir(), "qr.png")
	f, _ := os.Create(png)
	_, _ = f.ReadFrom(resp.Body)
	f.Close()
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "image/png" {
		t.Errorf("QR content type %q", resp.Header.Get("Content-Type"))
	}
	zbar := testenv.RequireTool(t, "zbarimg", "zbar-tools")
	out, err := exec.Command(zbar, "--quiet", "--raw", png).Output()
	if err != nil || !strings.HasPrefix(string(out), "otpauth://totp/") || !strings.Contains(string(out), "secret="+secret) {
		t.Errorf("QR code reads %q (%v), want the otpauth URL of %s", out, err, secret)
	}
	r = c.Post("/account/totp", url.Values{"code": {"123456"}})
	mustStatus(t, "wrong code", r, http.StatusBadRequest)
	code, _ := auth.TOTPCode(secret, w.Clock.Now())
	r = c.Post("/account/totp", url.Values{"code": {code}})
	mustStatus(t, "confirm", r, http.StatusSeeOther)
	mustContain(t, "after confirm", c.Get("/account"), "The second factor is on.", "Manage the second factor")

	// API tokens: the secret is shown once.
	c.Get("/account/tokens")
	r = c.Post("/account/tokens", url.Values{"name": {"nightly report"}, "role": {"borrowing"}, "days": {"30"}})
	mustStatus(t, "create token", r, http.StatusOK)
	tm := secretText.FindStringSubmatch(r.Body)
	if tm == nil || !strings.HasPrefix(tm[1], "il_") {
		t.Fatalf("token secret not shown:\n%s", r.Body)
	}
	if _, err := w.App.ActorForAPIToken(context.Background(), tm[1]); err != nil {
		t.Errorf("the shown token does not work: %v", err)
	}
	r = c.Get("/account/tokens")
	if strings.Contains(r.Body, tm[1]) {
		t.Error("the token secret is shown a second time")
	}
	mustContain(t, "tokens", r, "nightly report", "Active")
	r = c.Post("/account/tokens", url.Values{"name": {""}, "role": {"borrowing"}, "days": {"30"}})
	mustStatus(t, "token without a name", r, http.StatusBadRequest)
	tks, _ := w.App.APITokens(context.Background(), app.ActorFor(userByEmail(t, w, "bo@example.edu"), "US-EXA"))
	r = c.Post("/account/tokens/"+itoa(tks[0].ID)+"/revoke", nil)
	mustStatus(t, "revoke", r, http.StatusSeeOther)
	mustContain(t, "revoked", c.Get("/account/tokens"), "The token is revoked.", "Revoked")
}

func TestJobsPages(t *testing.T) {
	t.Parallel()
	w := platformWorld(t)
	ctx := context.Background()
	var dead, other int64
	if err := w.App.DB.Transact(ctx, func(tx *store.Tx) (err error) {
		if dead, err = tx.System().EnqueueJob(store.NewJob{Kind: "test.kind", Agency: "US-EXA", MaxAttempts: 1}); err != nil {
			return err
		}
		other, err = tx.System().EnqueueJob(store.NewJob{Kind: "test.kind", Agency: "US-EXB", MaxAttempts: 1})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// Fail both jobs by hand (no worker runs in this world).
	if err := w.App.DB.Transact(ctx, func(tx *store.Tx) error {
		js, err := tx.System().ClaimJobs("test", 10, time.Minute, []string{"test.kind"})
		if err != nil {
			return err
		}
		for _, j := range js {
			if err := tx.System().FailJob(j, "partner answered 503 Service Unavailable", tx.Now(), false); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	c := w.Client(t)
	c.Login("mia@example.edu")
	r := c.Get("/jobs")
	mustStatus(t, "jobs", r, http.StatusOK)
	mustContain(t, "jobs", r, "test.kind", "Dead", "partner answered 503 Service Unavailable", "Re-drive every dead job", "1 of 1")
	if strings.Contains(r.Body, "/jobs/"+itoa(other)) {
		t.Error("a manager sees another library's job")
	}
	r = c.Get("/jobs/" + itoa(dead))
	mustContain(t, "job", r, "Failed for good", "Idempotency key")
	if r := c.Get("/jobs/" + itoa(other)); r.Status != http.StatusNotFound {
		t.Errorf("another library's job page: %d", r.Status)
	}
	r = c.Post("/jobs/"+itoa(dead)+"/redrive", url.Values{"back": {"/jobs?state=dead"}})
	if r.Status != http.StatusSeeOther || r.Location != "/jobs?state=dead" {
		t.Fatalf("redrive: %d %q", r.Status, r.Location)
	}
	mustContain(t, "after redrive", c.Get(r.Location), "is back in the queue", "Nothing has failed.")
	r = c.Post("/jobs/"+itoa(dead)+"/redrive", nil)
	mustContain(t, "redrive twice", c.Get(r.Location), "cannot be changed now")
	mustContain(t, "audit", c.Get("/admin/audit"), "Re-driven", "job "+itoa(dead))
	if r := c.Post("/jobs/"+itoa(other)+"/redrive", nil); r.Status != http.StatusNotFound {
		t.Errorf("re-driving another library's job: %d", r.Status)
	}
	b := w.Client(t)
	b.Login("bo@example.edu")
	if r := b.Get("/jobs"); r.Status != http.StatusForbidden {
		t.Errorf("borrowing staff on the jobs page: %d", r.Status)
	}
	o := w.Client(t)
	o.Login("op@example.edu")
	r = o.Get("/jobs?state=dead")
	mustContain(t, "operator", r, "US-EXB", "Every library")
	r = o.Post("/jobs/redrive", url.Values{"kind": {"test.kind"}})
	mustContain(t, "operator redrive all", o.Get(r.Location), "1 dead job is back in the queue.")
}
