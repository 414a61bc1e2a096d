package web_test

// How the pseudo-locale and axe tests reach the platform's pages (the
// shell, the admin area, staff, account and jobs pages).

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/auth"
	"interlend/internal/ill"
	"interlend/internal/settings"
	"interlend/internal/store"
)

// The platform's pages.
func init() {
	var roles []string
	for _, r := range ill.Roles {
		roles = append(roles, string(r))
	}
	for _, r := range roles {
		addPseudoPage(pseudoPage{Page: "home", As: r, Path: "/"})
	}
	addPseudoPage(
		pseudoPage{Page: "login", Path: "/login"},
		pseudoPage{Page: "error", Name: "error/forbidden", As: "borrowing", Path: "/admin", Status: http.StatusForbidden},
		pseudoPage{Page: "error", Name: "error/notfound", As: "manager", Path: "/jobs/999999", Status: http.StatusNotFound},
		pseudoPage{Page: "totp", Setup: secondStep, Path: "/login/totp"},
		pseudoPage{Page: "admin_index", As: "manager", Path: "/admin", Setup: changeSomething},
		pseudoPage{Page: "admin_index", Name: "admin_index/nolibrary", As: "operator", Path: "/admin"},
		pseudoPage{Page: "admin_audit", As: "manager", Path: "/admin/audit", Setup: changeSomething},
		pseudoPage{Page: "admin_staff", As: "manager", Path: "/admin/staff", Setup: inviteSomeone},
		pseudoPage{Page: "admin_staff_invite", As: "manager", Path: "/admin/staff/invite"},
		pseudoPage{Page: "admin_staff_member", As: "manager", Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
			inviteSomeone(t, pw, c)
			return fmt.Sprintf("/admin/staff/%d", pw.Users["lending"].ID)
		}},
		pseudoPage{Page: "account_index", As: "manager", Path: "/account"},
		pseudoPage{Page: "account_index", As: "patron", Path: "/account"},
		pseudoPage{Page: "account_totp", As: "lending", Path: "/account/totp"},
		pseudoPage{Page: "account_totp", Name: "account_totp/on", Setup: secondStepDone, Path: "/account/totp"},
		pseudoPage{Page: "account_tokens", As: "borrowing", Path: "/account/tokens", Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
			pw.Known("Nightly report")
			if _, _, err := pw.App.CreateAPIToken(context.Background(), pw.actor("borrowing"), "Nightly report", ill.RoleBorrowing, 24*time.Hour); err != nil {
				t.Fatal(err)
			}
			return ""
		}},
		pseudoPage{Page: "account_forgot", Path: "/password/forgot"},
		pseudoPage{Page: "account_reset", Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
			tok, err := pw.App.RequestPasswordReset(context.Background(), "student@psa.example", "192.0.2.77")
			if err != nil || tok == "" {
				t.Fatalf("reset token: %v", err)
			}
			return "/password/reset?t=" + url.QueryEscape(tok)
		}},
		pseudoPage{Page: "account_reset", Name: "account_reset/invalid", Path: "/password/reset?t=nope", Status: http.StatusNotFound},
		pseudoPage{Page: "account_invite", Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
			pw.Known("invited2@psa.example", "Ivo Invited")
			inv, err := pw.App.InviteStaff(context.Background(), pw.actor("manager"), pw.Agency, app.Invite{Email: "invited2@psa.example", Name: "Ivo Invited", Roles: []ill.Role{ill.RoleStudent}})
			if err != nil {
				t.Fatal(err)
			}
			return "/invite?t=" + url.QueryEscape(inv.Token)
		}},
		pseudoPage{Page: "jobs_index", As: "manager", Path: "/jobs", Setup: deadJob},
		pseudoPage{Page: "jobs_index", Name: "jobs_index/operator", As: "operator", Path: "/jobs", Setup: deadJob},
		pseudoPage{Page: "jobs_job", As: "manager", Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
			return fmt.Sprintf("/jobs/%d", makeDeadJob(t, pw))
		}},
	)
	for _, g := range settings.Groups() {
		addPseudoPage(pseudoPage{Page: "admin_settings", Name: "admin_settings/" + g.Key, As: "manager", Path: "/admin/settings/" + g.Key, Setup: changeSomething})
	}
}

// changeSomething makes sure the audit trail has entries: settings
// changes and a staff change.
func changeSomething(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
	pw.Once("platform.changes", func() {
		pw.Known("Winter break", "East branch", "Main desk")
		ctx := context.Background()
		mgr := pw.actor("manager")
		for _, key := range []string{"retention", "calendar", "pickup", "sso"} {
			st, err := pw.App.SettingGroup(ctx, mgr, pw.Agency, key)
			if err != nil {
				t.Fatal(err)
			}
			form := st.Group.FormValues(st.Value)
			switch key {
			case "retention":
				form.Set("personalDataDays", "30")
			case "calendar":
				form.Set("closures.0.from", "2026-12-24")
				form.Set("closures.0.name", "Winter break")
			case "pickup":
				form.Set("locations.1.code", "EAST")
				form.Set("locations.1.name", "East branch")
			case "sso":
				form.Set("issuer", "https://login.psa.example")
				form.Set("clientSecret", "s3cret")
			}
			if _, err := pw.App.SaveSettingForm(ctx, mgr, pw.Agency, key, form, st.Version); err != nil {
				t.Fatal(err)
			}
		}
		if err := pw.App.GrantStaffRole(ctx, mgr, pw.Agency, pw.Users["student"].ID, ill.RoleReadOnly); err != nil {
			t.Fatal(err)
		}
	})
	return ""
}

func inviteSomeone(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
	pw.Once("platform.invite", func() {
		pw.Known("invited@psa.example", "Ina Invited")
		if _, err := pw.App.InviteStaff(context.Background(), pw.actor("manager"), pw.Agency, app.Invite{Email: "invited@psa.example", Name: "Ina Invited", Roles: []ill.Role{ill.RoleLending}}); err != nil {
			t.Fatal(err)
		}
	})
	return ""
}

// secondStep logs a user with a second factor in up to the code step.
func secondStep(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
	email := totpEmail(c)
	pw.Known(email, "Tom Totp")
	u, err := pw.App.CreateUser(context.Background(), ill.SystemActor(), app.NewUser{Email: email, Name: "Tom Totp", Password: apptest.Password,
		Grants: ill.Grants{{Agency: pw.Agency, Role: ill.RoleLending}}})
	if err != nil {
		t.Fatal(err)
	}
	secret, _, _ := auth.NewTOTP("Interlend", email)
	if err := pw.App.SetTOTPForTest(context.Background(), u.ID, secret); err != nil {
		t.Fatal(err)
	}
	c.Get("/login")
	if r := c.Post("/login", url.Values{"email": {email}, "password": {apptest.Password}}); r.Status != http.StatusSeeOther {
		t.Fatalf("login: %d", r.Status)
	}
	return ""
}

var totpUsers sync.Map // client → email

// totpEmail is a fresh address for the client's second-factor user.
func totpEmail(c *apptest.Client) string {
	email := fmt.Sprintf("totp%d@psa.example", time.Now().UnixNano())
	totpUsers.Store(c, email)
	return email
}

// secondStepDone logs in a user whose second factor is on.
func secondStepDone(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
	secondStep(t, pw, c)
	email, _ := totpUsers.Load(c)
	c.Get("/login/totp")
	var u store.User
	_ = pw.App.DB.Read(context.Background(), func(tx *store.Tx) (err error) { u, err = tx.System().UserByEmail(email.(string)); return })
	code, _ := auth.TOTPCode(u.TOTPSecret, pw.Clock.Now())
	if r := c.Post("/login/totp", url.Values{"code": {code}}); r.Status != http.StatusSeeOther {
		t.Fatalf("second step: %d %s", r.Status, r.Body)
	}
	c.Get("/account")
	return ""
}

func deadJob(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
	makeDeadJob(t, pw)
	return ""
}

// makeDeadJob makes a dead job of the library with a last error.
func makeDeadJob(t *testing.T, pw *pseudoWorld) int64 {
	var id int64
	ctx := context.Background()
	kind := fmt.Sprintf("pseudo.kind%d", time.Now().UnixNano())
	if err := pw.App.DB.Transact(ctx, func(tx *store.Tx) (err error) {
		id, err = tx.System().EnqueueJob(store.NewJob{Kind: kind, Agency: pw.Agency, MaxAttempts: 1})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := pw.App.DB.Transact(ctx, func(tx *store.Tx) error {
		js, err := tx.System().ClaimJobs("pseudo-node", 1, time.Minute, []string{kind})
		if err != nil || len(js) != 1 {
			return fmt.Errorf("claim: %v %d", err, len(js))
		}
		return tx.System().FailJob(js[0], "connection refused by partner", tx.Now(), false)
	}); err != nil {
		t.Fatal(err)
	}
	return id
}
