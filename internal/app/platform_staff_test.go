package app_test

import (
	"context"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/auth"
	"interlend/internal/ill"
	"interlend/internal/store"
)

func TestInviteAcceptAndLogIn(t *testing.T) {
	t.Parallel()
	eachEngine(t, apptest.Options{}, func(t *testing.T, w *apptest.World) {
		ctx := context.Background()
		w.Agency(t, "US-EXA", "Example A")
		mia := app.ActorFor(w.User(t, "mia@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleManager}), "US-EXA")
		inv, err := w.App.InviteStaff(ctx, mia, "US-EXA", app.Invite{Email: "new@example.edu", Name: "Nia", Roles: []ill.Role{ill.RoleLending, ill.RoleStudent}})
		if err != nil {
			t.Fatal(err)
		}
		if inv.Existing || inv.Token == "" || inv.User.PasswordHash != "" || !inv.ExpiresAt.Equal(apptest.Start.Add(app.InvitationTTL)) {
			t.Errorf("invitation: %+v", inv)
		}
		staff, invites, err := w.App.Staff(ctx, mia, "US-EXA")
		if err != nil || len(staff) != 2 || len(invites) != 1 || invites[0].Email != "new@example.edu" {
			t.Errorf("staff %d, invitations %+v, %v", len(staff), invites, err)
		}
		if _, err := w.App.Login(ctx, "new@example.edu", "", "192.0.2.1"); !ill.Is(err, ill.Unauthenticated) {
			t.Errorf("login before accepting: %v", err)
		}
		if _, err := w.App.AcceptInvitation(ctx, inv.Token, "Nia New", "short"); !ill.Is(err, ill.Invalid) {
			t.Errorf("short password: %v", err)
		}
		if u, err := w.App.InvitationFor(ctx, inv.Token); err != nil || u.Email != "new@example.edu" {
			t.Errorf("invitation lookup: %v %v", u.Email, err)
		}
		u, err := w.App.AcceptInvitation(ctx, inv.Token, "Nia New", "a long enough password")
		if err != nil || u.Name != "Nia New" {
			t.Fatalf("accept: %+v, %v", u, err)
		}
		if _, err := w.App.Login(ctx, "new@example.edu", "a long enough password", "192.0.2.1"); err != nil {
			t.Errorf("login after accepting: %v", err)
		}
		if _, err := w.App.AcceptInvitation(ctx, inv.Token, "", "another long password"); !ill.Is(err, ill.NotFound) {
			t.Errorf("second use of the link: %v", err)
		}
		if _, invites, _ := w.App.Staff(ctx, mia, "US-EXA"); len(invites) != 0 {
			t.Errorf("accepted invitation still pending: %+v", invites)
		}
		audit, _ := w.App.StaffAudit(ctx, mia, "US-EXA", 10)
		if len(audit) != 3 || audit[0].Action != "user.accept" || audit[1].Action != "user.invite" || audit[1].ActorName != "mia" || audit[2].Action != "user.create" {
			t.Errorf("staff audit: %+v", audit)
		}
	})
}

func TestInvitationRules(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	ctx := context.Background()
	w.Agency(t, "US-EXA", "A")
	w.Agency(t, "US-EXB", "B")
	mia := app.ActorFor(w.User(t, "mia@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleManager}), "US-EXA")
	bo := app.ActorFor(w.User(t, "bo@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleBorrowing}), "US-EXA")
	w.User(t, "other@example.edu", ill.Grant{Agency: "US-EXB", Role: ill.RoleLending})
	tests := []struct {
		name  string
		actor ill.Actor
		in    app.Invite
		kind  ill.Kind
	}{
		{"not an email", mia, app.Invite{Email: "nobody", Roles: []ill.Role{ill.RoleStudent}}, ill.Invalid},
		{"no role", mia, app.Invite{Email: "x@example.edu"}, ill.Invalid},
		{"operator role", mia, app.Invite{Email: "x@example.edu", Roles: []ill.Role{ill.RoleOperator}}, ill.Invalid},
		{"consortium admin", mia, app.Invite{Email: "x@example.edu", Roles: []ill.Role{ill.RoleConsortiumAdmin}}, ill.Forbidden},
		{"borrowing staff invites", bo, app.Invite{Email: "x@example.edu", Roles: []ill.Role{ill.RoleStudent}}, ill.Forbidden},
	}
	for _, tc := range tests {
		if _, err := w.App.InviteStaff(ctx, tc.actor, "US-EXA", tc.in); ill.KindOf(err) != tc.kind {
			t.Errorf("%s: got %v, want %s", tc.name, err, tc.kind)
		}
	}
	if _, err := w.App.InviteStaff(ctx, mia, "US-EXB", app.Invite{Email: "x@example.edu", Roles: []ill.Role{ill.RoleStudent}}); !ill.Is(err, ill.Forbidden) {
		t.Errorf("inviting into another agency: %v", err)
	}
	if us, _ := w.App.Users(ctx, ill.SystemActor(), ""); len(us) != 3 {
		t.Errorf("refused invitations created accounts: %d accounts", len(us))
	}
	// An existing account gets the roles, no link.
	inv, err := w.App.InviteStaff(ctx, mia, "US-EXA", app.Invite{Email: "Other@Example.edu", Roles: []ill.Role{ill.RoleStudent}})
	if err != nil || !inv.Existing || inv.Token != "" {
		t.Fatalf("existing account: %+v, %v", inv, err)
	}
	if got := inv.User.Grants; len(got) != 1 {
		t.Logf("grants before: %v", got)
	}
	u, _ := w.App.StaffMember(ctx, mia, "US-EXA", inv.User.ID)
	if len(u.Grants.RolesIn("US-EXA")) != 1 || len(u.Grants.RolesIn("US-EXB")) != 1 {
		t.Errorf("grants after: %v", u.Grants)
	}
	// Re-sending works only while the invitation is pending.
	inv2, err := w.App.InviteStaff(ctx, mia, "US-EXA", app.Invite{Email: "late@example.edu", Roles: []ill.Role{ill.RoleReadOnly}})
	if err != nil {
		t.Fatal(err)
	}
	again, err := w.App.ResendInvitation(ctx, mia, "US-EXA", inv2.User.ID)
	if err != nil || again.Token == inv2.Token {
		t.Fatalf("resend: %+v, %v", again, err)
	}
	if _, err := w.App.AcceptInvitation(ctx, inv2.Token, "", "a long enough password"); !ill.Is(err, ill.NotFound) {
		t.Errorf("the first link still works after a resend: %v", err)
	}
	w.Clock.Advance(app.InvitationTTL)
	if _, err := w.App.AcceptInvitation(ctx, again.Token, "", "a long enough password"); !ill.Is(err, ill.NotFound) {
		t.Errorf("expired link: %v", err)
	}
	if _, err := w.App.ResendInvitation(ctx, mia, "US-EXA", u.ID); !ill.Is(err, ill.Conflict) {
		t.Errorf("resend to an active account: %v", err)
	}
}

func TestPasswordReset(t *testing.T) {
	t.Parallel()
	eachEngine(t, apptest.Options{}, func(t *testing.T, w *apptest.World) {
		ctx := context.Background()
		w.Agency(t, "US-EXA", "A")
		w.User(t, "rae@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleLending})
		res, err := w.App.Login(ctx, "rae@example.edu", apptest.Password, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if tok, err := w.App.RequestPasswordReset(ctx, "nobody@example.edu", "192.0.2.9"); tok != "" || err != nil {
			t.Errorf("unknown email: %q, %v; want the same quiet answer", tok, err)
		}
		first, err := w.App.RequestPasswordReset(ctx, " RAE@example.edu ", "192.0.2.9")
		if err != nil || first == "" {
			t.Fatalf("reset request: %q, %v", first, err)
		}
		second, _ := w.App.RequestPasswordReset(ctx, "rae@example.edu", "192.0.2.9")
		if err := w.App.ResetPassword(ctx, first, "brand new password"); !ill.Is(err, ill.NotFound) {
			t.Errorf("an older link after a newer one: %v", err)
		}
		if u, err := w.App.ResetFor(ctx, second); err != nil || u.Email != "rae@example.edu" {
			t.Errorf("link lookup: %v", err)
		}
		if err := w.App.ResetPassword(ctx, second, "brand new password"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.App.Session(ctx, res.Token); !ill.Is(err, ill.Unauthenticated) {
			t.Errorf("session survived the reset: %v", err)
		}
		if _, err := w.App.Login(ctx, "rae@example.edu", "brand new password", "192.0.2.1"); err != nil {
			t.Errorf("login with the new password: %v", err)
		}
		if err := w.App.ResetPassword(ctx, second, "yet another password"); !ill.Is(err, ill.NotFound) {
			t.Errorf("second use: %v", err)
		}
		// Links end after an hour.
		third, _ := w.App.RequestPasswordReset(ctx, "rae@example.edu", "192.0.2.9")
		w.Clock.Advance(app.PasswordResetTTL)
		if err := w.App.ResetPassword(ctx, third, "yet another password"); !ill.Is(err, ill.NotFound) {
			t.Errorf("expired link: %v", err)
		}
	})
}

func TestPasswordResetLimits(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	ctx := context.Background()
	w.Agency(t, "US-EXA", "A")
	w.User(t, "lim@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleLending})
	sent := 0
	for i := range 5 {
		tok, err := w.App.RequestPasswordReset(ctx, "lim@example.edu", "192.0.2.7")
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if tok != "" {
			sent++
		}
	}
	if sent != 3 {
		t.Errorf("reset mails to one account in a window: %d, want 3", sent)
	}
	for range 5 {
		_, _ = w.App.RequestPasswordReset(ctx, "someone@example.edu", "192.0.2.7")
	}
	if _, err := w.App.RequestPasswordReset(ctx, "lim@example.edu", "192.0.2.7"); !ill.Is(err, ill.RateLimited) {
		t.Errorf("eleventh request from one address: %v", err)
	}
	w.Clock.Advance(auth.ThrottleWindow + time.Second)
	if tok, err := w.App.RequestPasswordReset(ctx, "lim@example.edu", "192.0.2.7"); err != nil || tok == "" {
		t.Errorf("after the window: %q %v", tok, err)
	}
	// A disabled account gets nothing.
	if err := w.App.SetDisabled(ctx, ill.SystemActor(), "lim@example.edu", true); err != nil {
		t.Fatal(err)
	}
	if tok, _ := w.App.RequestPasswordReset(ctx, "lim@example.edu", "192.0.2.8"); tok != "" {
		t.Error("a disabled account was sent a reset link")
	}
}

func TestManagerStaffActions(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	ctx := context.Background()
	w.Agency(t, "US-EXA", "A")
	w.Agency(t, "US-EXB", "B")
	mu := w.User(t, "mia@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleManager})
	mia := app.ActorFor(mu, "US-EXA")
	lee := w.User(t, "lee@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleLending})
	outsider := w.User(t, "out@example.edu", ill.Grant{Agency: "US-EXB", Role: ill.RoleLending})
	if _, err := w.App.StaffMember(ctx, mia, "US-EXA", outsider.ID); !ill.Is(err, ill.NotFound) {
		t.Errorf("another agency's staff: %v", err)
	}
	if _, err := w.App.SendPasswordReset(ctx, mia, "US-EXA", outsider.ID); !ill.Is(err, ill.NotFound) {
		t.Errorf("reset for another agency's staff: %v", err)
	}
	if tok, err := w.App.SendPasswordReset(ctx, mia, "US-EXA", lee.ID); err != nil || tok == "" {
		t.Errorf("reset for own staff: %v", err)
	}
	if err := w.App.GrantStaffRole(ctx, mia, "US-EXA", lee.ID, ill.RoleBorrowing); err != nil {
		t.Fatal(err)
	}
	if err := w.App.RevokeStaffRole(ctx, mia, "US-EXA", lee.ID, ill.RoleLending); err != nil {
		t.Fatal(err)
	}
	if u, _ := w.App.StaffMember(ctx, mia, "US-EXA", lee.ID); len(u.Grants) != 1 || u.Grants[0].Role != ill.RoleBorrowing {
		t.Errorf("roles after grant and revoke: %v", u.Grants)
	}
	if err := w.App.RevokeStaffRole(ctx, mia, "US-EXA", mu.ID, ill.RoleManager); !ill.Is(err, ill.Conflict) {
		t.Errorf("revoking one's own manager role: %v", err)
	}
	if err := w.App.SetStaffDisabled(ctx, mia, "US-EXA", lee.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := w.App.Login(ctx, "lee@example.edu", apptest.Password, "192.0.2.1"); !ill.Is(err, ill.Unauthenticated) {
		t.Errorf("disabled login: %v", err)
	}
	if err := w.App.SetStaffDisabled(ctx, mia, "US-EXA", mu.ID, true); !ill.Is(err, ill.Invalid) {
		t.Errorf("disabling oneself: %v", err)
	}
}

func TestSecondFactorEnrolment(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	ctx := context.Background()
	w.Agency(t, "US-EXA", "A")
	tu := w.User(t, "tia@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleBorrowing})
	tia := app.ActorFor(tu, "US-EXA")
	pat := app.ActorFor(w.User(t, "pat@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RolePatron}), "US-EXA")
	if _, err := w.App.BeginTOTP(ctx, pat); !ill.Is(err, ill.Forbidden) {
		t.Errorf("patron second factor: %v", err)
	}
	setup, err := w.App.BeginTOTP(ctx, tia)
	if err != nil || setup.Secret == "" || setup.URL == "" {
		t.Fatalf("begin: %+v %v", setup, err)
	}
	again, _ := w.App.BeginTOTP(ctx, tia)
	pending, _ := w.App.PendingTOTP(ctx, tia)
	if again != setup || pending != setup {
		t.Errorf("a reload made a new secret: %+v %+v %+v", setup, again, pending)
	}
	if err := w.App.ConfirmTOTP(ctx, tia, "000000"); !ill.Is(err, ill.Invalid) {
		t.Errorf("wrong code: %v", err)
	}
	code, _ := auth.TOTPCode(setup.Secret, w.Clock.Now())
	if err := w.App.ConfirmTOTP(ctx, tia, code); err != nil {
		t.Fatal(err)
	}
	res, err := w.App.Login(ctx, "tia@example.edu", apptest.Password, "192.0.2.1")
	if err != nil || !res.NeedsSecondFactor {
		t.Errorf("login after enrolment: needs second factor %v, %v", res.NeedsSecondFactor, err)
	}
	if _, err := w.App.PendingTOTP(ctx, tia); !ill.Is(err, ill.NotFound) {
		t.Errorf("enrolment left pending: %v", err)
	}
	if _, err := w.App.BeginTOTP(ctx, tia); !ill.Is(err, ill.Conflict) {
		t.Errorf("second enrolment while on: %v", err)
	}
	if err := w.App.DisableTOTP(ctx, tia, "000000"); !ill.Is(err, ill.Invalid) {
		t.Errorf("disable with a wrong code: %v", err)
	}
	// A manager clears it for someone who lost their phone.
	mia := app.ActorFor(w.User(t, "mia@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleManager}), "US-EXA")
	if err := w.App.ResetSecondFactor(ctx, mia, "US-EXA", tu.ID); err != nil {
		t.Fatal(err)
	}
	res, _ = w.App.Login(ctx, "tia@example.edu", apptest.Password, "192.0.2.1")
	if res.NeedsSecondFactor {
		t.Error("second factor still asked after the manager's reset")
	}
	// An unconfirmed set-up expires.
	s2, _ := w.App.BeginTOTP(ctx, tia)
	w.Clock.Advance(2 * time.Hour)
	c2, _ := auth.TOTPCode(s2.Secret, w.Clock.Now())
	if err := w.App.ConfirmTOTP(ctx, tia, c2); !ill.Is(err, ill.NotFound) {
		t.Errorf("confirming an expired set-up: %v", err)
	}
	var u store.User
	if err := w.App.DB.Read(ctx, func(tx *store.Tx) (err error) { u, err = tx.System().UserByID(tu.ID); return }); err != nil || u.TOTPSecret != "" {
		t.Errorf("secret after the expired set-up: %q %v", u.TOTPSecret, err)
	}
}

func TestChangeOwnPassword(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	ctx := context.Background()
	w.Agency(t, "US-EXA", "A")
	cy := app.ActorFor(w.User(t, "cy@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleStudent}), "US-EXA")
	if err := w.App.ChangeOwnPassword(ctx, cy, "wrong", "a new long password", ""); !ill.Is(err, ill.Invalid) {
		t.Errorf("wrong current password: %v", err)
	}
	if err := w.App.ChangeOwnPassword(ctx, cy, apptest.Password, "a new long password", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := w.App.Login(ctx, "cy@example.edu", "a new long password", "192.0.2.1"); err != nil {
		t.Errorf("login with the changed password: %v", err)
	}
}
