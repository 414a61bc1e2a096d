package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// permissionChecks exercises, for each permission the app enforces so far,
// a use case that needs it. TestRoleMatrixRowByRow runs every check as
// every role and compares the outcome with the matrix. Features add their
// permissions here as they land.
var permissionChecks = map[ill.Permission]func(ctx context.Context, a *app.App, actor ill.Actor, n int) error{
	ill.PermUsers: func(ctx context.Context, a *app.App, actor ill.Actor, n int) error {
		_, err := a.CreateUser(ctx, actor, app.NewUser{Email: fmt.Sprintf("new%d@example.edu", n), Grants: ill.Grants{{Agency: "US-EXA", Role: ill.RoleReadOnly}}})
		return err
	},
	ill.PermAPITokens: func(ctx context.Context, a *app.App, actor ill.Actor, n int) error {
		roles := actor.Grants.RolesIn("US-EXA")
		_, _, err := a.CreateAPIToken(ctx, actor, "t", roles[0], 24*time.Hour)
		return err
	},
}

func TestRoleMatrixRowByRow(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	ctx := context.Background()
	n := 0
	for _, role := range ill.Roles {
		g := ill.Grant{Agency: "US-EXA", Role: role}
		u := w.user(fmt.Sprintf("%s@example.edu", role), g)
		actor := app.ActorFor(u, "US-EXA")
		for perm, check := range permissionChecks {
			n++
			err := check(ctx, w.app, actor, n)
			want := role.Can(perm)
			if perm == ill.PermAPITokens && role == ill.RoleOperator {
				want = false // a token never carries the operator role
			}
			if want && err != nil {
				t.Errorf("%s may %s but was refused: %v", role, perm, err)
			}
			if !want && !ill.Is(err, ill.Forbidden) {
				t.Errorf("%s may not %s but got %v (want Forbidden)", role, perm, err)
			}
		}
	}
}

func TestAPITokenActsWithOneRole(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	u := w.user("two@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleManager}, ill.Grant{Agency: "US-EXA", Role: ill.RoleStudent})
	ctx := context.Background()
	actor := app.ActorFor(u, "US-EXA")
	secret, tk, err := w.app.CreateAPIToken(ctx, actor, "scanner", ill.RoleStudent, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.app.ActorForAPIToken(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	if got.Can(ill.PermUsers) || !got.Can(ill.PermScan) {
		t.Errorf("student token actor can users=%v scan=%v; want only the student's rights", got.Can(ill.PermUsers), got.Can(ill.PermScan))
	}
	// Expiry and revocation.
	w.clock.Advance(25 * time.Hour)
	if _, err := w.app.ActorForAPIToken(ctx, secret); !ill.Is(err, ill.Unauthenticated) {
		t.Errorf("expired token: %v", err)
	}
	secret2, tk2, _ := w.app.CreateAPIToken(ctx, actor, "second", ill.RoleManager, time.Hour)
	if err := w.app.RevokeAPIToken(ctx, actor, tk2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.app.ActorForAPIToken(ctx, secret2); !ill.Is(err, ill.Unauthenticated) {
		t.Errorf("revoked token: %v", err)
	}
	if _, err := w.app.ActorForAPIToken(ctx, "il_forged"); !ill.Is(err, ill.Unauthenticated) {
		t.Errorf("unknown token: %v", err)
	}
	_ = tk
	// A token cannot carry a role its user does not hold.
	if _, _, err := w.app.CreateAPIToken(ctx, actor, "x", ill.RoleLending, time.Hour); !ill.Is(err, ill.Forbidden) {
		t.Errorf("token with an unheld role: %v", err)
	}
}
