package app

import (
	"context"
	"fmt"
	"net/mail"
	"strings"

	"interlend/internal/auth"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// NewUser is what it takes to create an account.
type NewUser struct {
	Email    string
	Name     string
	Password string // may be empty for single-sign-on-only accounts
	Grants   ill.Grants
}

// requireGrantRights checks that the actor may hand out every grant: an
// operator may grant anything; users.manage in an agency may grant that
// agency's roles except operator and consortium admin.
func requireGrantRights(actor ill.Actor, gs ill.Grants) error {
	if actor.Grants.IsOperator() {
		return nil
	}
	for _, g := range gs {
		if g.Role == ill.RoleOperator || g.Role == ill.RoleConsortiumAdmin {
			return ill.Errorf(ill.Forbidden, "only an operator may grant the %s role", g.Role)
		}
		if err := actor.Require(g.Agency, ill.PermUsers); err != nil {
			return err
		}
	}
	return nil
}

// CreateUser adds an account. Returns Invalid, Conflict or Forbidden.
func (a *App) CreateUser(ctx context.Context, actor ill.Actor, nu NewUser) (store.User, error) {
	fields := map[string]string{}
	addr, err := mail.ParseAddress(strings.TrimSpace(nu.Email))
	if err != nil || addr.Address != strings.TrimSpace(nu.Email) {
		fields["email"] = "enter an email address like name@library.edu"
	}
	if nu.Password != "" {
		if err := auth.CheckPasswordPolicy(nu.Password); err != nil {
			fields["password"] = err.Error()
		}
	}
	for _, g := range nu.Grants {
		if !g.Role.Valid() {
			fields["role"] = fmt.Sprintf("unknown role %q", g.Role)
		}
	}
	if len(fields) > 0 {
		return store.User{}, ill.E(ill.Invalid, "the account details need correcting", fields)
	}
	if err := requireGrantRights(actor, nu.Grants); err != nil {
		return store.User{}, err
	}
	hash := ""
	if nu.Password != "" {
		if hash, err = auth.HashPassword(nu.Password, a.PasswordParams); err != nil {
			return store.User{}, err
		}
	}
	var u store.User
	err = a.write(ctx, func(tx *store.Tx) error {
		for _, g := range nu.Grants {
			if g.Agency != "" {
				if _, err := tx.System().GetAgency(g.Agency); err != nil {
					return err
				}
			}
		}
		var err error
		u, err = tx.System().CreateUser(store.User{Email: nu.Email, Name: strings.TrimSpace(nu.Name), PasswordHash: hash, Grants: nu.Grants})
		if err != nil {
			return err
		}
		return tx.System().SystemAudit(store.AuditRecord{Agency: firstAgency(nu.Grants), Actor: actor.UserID, Action: "user.create", Target: u.Email, After: grantsText(nu.Grants)})
	})
	return u, err
}

func firstAgency(gs ill.Grants) ill.AgencyID {
	if as := gs.Agencies(); len(as) > 0 {
		return as[0]
	}
	return ""
}

func grantsText(gs ill.Grants) string {
	var parts []string
	for _, g := range gs {
		if g.Agency == "" {
			parts = append(parts, string(g.Role))
		} else {
			parts = append(parts, string(g.Role)+"@"+string(g.Agency))
		}
	}
	return strings.Join(parts, ", ")
}

// GrantRole gives a user a role. Returns NotFound or Forbidden.
func (a *App) GrantRole(ctx context.Context, actor ill.Actor, email string, g ill.Grant) error {
	if err := requireGrantRights(actor, ill.Grants{g}); err != nil {
		return err
	}
	return a.write(ctx, func(tx *store.Tx) error {
		u, err := tx.System().UserByEmail(email)
		if err != nil {
			return err
		}
		if g.Agency != "" {
			if _, err := tx.System().GetAgency(g.Agency); err != nil {
				return err
			}
		}
		if err := tx.System().Grant(u.ID, g); err != nil {
			return err
		}
		return tx.System().SystemAudit(store.AuditRecord{Agency: g.Agency, Actor: actor.UserID, Action: "user.grant", Target: u.Email, After: grantsText(ill.Grants{g})})
	})
}

// RevokeRole removes a role. Returns NotFound or Forbidden.
func (a *App) RevokeRole(ctx context.Context, actor ill.Actor, email string, g ill.Grant) error {
	if err := requireGrantRights(actor, ill.Grants{g}); err != nil {
		return err
	}
	return a.write(ctx, func(tx *store.Tx) error {
		u, err := tx.System().UserByEmail(email)
		if err != nil {
			return err
		}
		if err := tx.System().Revoke(u.ID, g); err != nil {
			return err
		}
		return tx.System().SystemAudit(store.AuditRecord{Agency: g.Agency, Actor: actor.UserID, Action: "user.revoke", Target: u.Email, Before: grantsText(ill.Grants{g})})
	})
}

// canManageUser: operators manage everyone; others manage users whose
// every agency they may manage users in.
func canManageUser(actor ill.Actor, u store.User) error {
	if actor.Grants.IsOperator() {
		return nil
	}
	if u.Grants.IsOperator() {
		return ill.E(ill.Forbidden, "only an operator may change an operator's account")
	}
	as := u.Grants.Agencies()
	if len(as) == 0 {
		return ill.E(ill.Forbidden, "only an operator may change this account")
	}
	for _, ag := range as {
		if err := actor.Require(ag, ill.PermUsers); err != nil {
			return err
		}
	}
	return nil
}

// SetPassword sets a user's password (their own, or as an administrator)
// and ends their other sessions. Returns Invalid, NotFound or Forbidden.
func (a *App) SetPassword(ctx context.Context, actor ill.Actor, email, password string, keepSession string) error {
	if err := auth.CheckPasswordPolicy(password); err != nil {
		return ill.E(ill.Invalid, "the password is not acceptable", map[string]string{"password": err.Error()})
	}
	hash, err := auth.HashPassword(password, a.PasswordParams)
	if err != nil {
		return err
	}
	return a.write(ctx, func(tx *store.Tx) error {
		u, err := tx.System().UserByEmail(email)
		if err != nil {
			return err
		}
		if u.ID != actor.UserID {
			if err := canManageUser(actor, u); err != nil {
				return err
			}
		}
		if err := tx.System().SetPassword(u.ID, hash); err != nil {
			return err
		}
		if err := tx.System().DeleteUserSessions(u.ID, keepSession); err != nil {
			return err
		}
		return tx.System().SystemAudit(store.AuditRecord{Agency: firstAgency(u.Grants), Actor: actor.UserID, Action: "user.password", Target: u.Email})
	})
}

// SetDisabled disables (ending sessions, revoking tokens) or re-enables an
// account. Returns NotFound or Forbidden.
func (a *App) SetDisabled(ctx context.Context, actor ill.Actor, email string, disabled bool) error {
	return a.write(ctx, func(tx *store.Tx) error {
		u, err := tx.System().UserByEmail(email)
		if err != nil {
			return err
		}
		if err := canManageUser(actor, u); err != nil {
			return err
		}
		if u.ID == actor.UserID && disabled {
			return ill.E(ill.Invalid, "you cannot disable your own account")
		}
		if err := tx.System().SetDisabled(u.ID, disabled); err != nil {
			return err
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
		}
		return tx.System().SystemAudit(store.AuditRecord{Agency: firstAgency(u.Grants), Actor: actor.UserID, Action: action, Target: u.Email})
	})
}

// Users lists the accounts the actor may see: all for an operator, else
// those with roles in the given agency. Returns Forbidden.
func (a *App) Users(ctx context.Context, actor ill.Actor, agency ill.AgencyID) ([]store.User, error) {
	if agency == "" && !actor.Grants.IsOperator() {
		return nil, ill.E(ill.Forbidden, "only an operator may list every account")
	}
	if agency != "" {
		if err := actor.Require(agency, ill.PermUsers); err != nil {
			return nil, err
		}
	}
	var out []store.User
	err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.System().Users(agency)
		return err
	})
	return out, err
}

// CreateAgency adds a hosted library. Operators only.
func (a *App) CreateAgency(ctx context.Context, actor ill.Actor, id ill.AgencyID, name string) error {
	if !actor.Grants.IsOperator() {
		return ill.E(ill.Forbidden, "only an operator may add agencies")
	}
	if strings.TrimSpace(string(id)) == "" || strings.TrimSpace(name) == "" {
		return ill.E(ill.Invalid, "an agency needs an id and a name", map[string]string{"id": "required", "name": "required"})
	}
	return a.write(ctx, func(tx *store.Tx) error {
		_, err := tx.System().CreateAgency(id, strings.TrimSpace(name))
		return err
	})
}

// Agencies lists the hosted agencies.
func (a *App) Agencies(ctx context.Context) ([]store.Agency, error) {
	var out []store.Agency
	err := a.read(ctx, func(tx *store.Tx) (err error) { out, err = tx.System().Agencies(); return })
	return out, err
}

// SetTOTPForTest sets a user's TOTP secret directly (tests; the enrolment
// page comes with the staff account pages).
func (a *App) SetTOTPForTest(ctx context.Context, userID int64, secret string) error {
	return a.write(ctx, func(tx *store.Tx) error { return tx.System().SetTOTPSecret(userID, secret) })
}
