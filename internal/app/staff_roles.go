package app

import (
	"cmp"
	"context"
	"slices"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// GrantStaffRole gives a member of the agency another role there (see
// GrantRole for who may give what). Returns NotFound or Forbidden.
func (a *App) GrantStaffRole(ctx context.Context, actor ill.Actor, agency ill.AgencyID, userID int64, role ill.Role) error {
	u, err := a.StaffMember(ctx, actor, agency, userID)
	if err != nil {
		return err
	}
	if !role.Valid() {
		return ill.E(ill.Invalid, "choose a role", map[string]string{"role": "unknown role"})
	}
	return a.GrantRole(ctx, actor, u.Email, ill.Grant{Agency: agency, Role: role})
}

// RevokeStaffRole removes a role in the agency. It refuses to take away
// the actor's own power to manage staff there, so that a library is never
// left without anyone who can undo it. Returns NotFound, Forbidden or
// Conflict.
func (a *App) RevokeStaffRole(ctx context.Context, actor ill.Actor, agency ill.AgencyID, userID int64, role ill.Role) error {
	u, err := a.StaffMember(ctx, actor, agency, userID)
	if err != nil {
		return err
	}
	if u.ID == actor.UserID && role.Can(ill.PermUsers) && !actor.Grants.IsOperator() {
		left := false
		for _, g := range u.Grants {
			if g.Agency == agency && g.Role != role && g.Role.Can(ill.PermUsers) {
				left = true
			}
		}
		if !left {
			return ill.E(ill.Conflict, "you cannot remove your own role that lets you manage staff: ask another manager")
		}
	}
	return a.RevokeRole(ctx, actor, u.Email, ill.Grant{Agency: agency, Role: role})
}

// SetStaffDisabled disables or re-enables a member of the agency (see
// SetDisabled). Returns NotFound, Forbidden or Invalid.
func (a *App) SetStaffDisabled(ctx context.Context, actor ill.Actor, agency ill.AgencyID, userID int64, disabled bool) error {
	u, err := a.StaffMember(ctx, actor, agency, userID)
	if err != nil {
		return err
	}
	return a.SetDisabled(ctx, actor, u.Email, disabled)
}

// ResetSecondFactor removes a member's second factor (a lost phone); they
// log in with the password alone until they set it up again. Returns
// NotFound or Forbidden.
func (a *App) ResetSecondFactor(ctx context.Context, actor ill.Actor, agency ill.AgencyID, userID int64) error {
	if err := requireAgency(actor, agency, ill.PermUsers); err != nil {
		return err
	}
	return a.write(ctx, func(tx *store.Tx) error {
		u, err := memberOf(tx, agency, userID)
		if err != nil {
			return err
		}
		if err := canManageUser(actor, u); err != nil {
			return err
		}
		if u.TOTPSecret == "" {
			return nil
		}
		if err := tx.System().SetTOTPSecret(u.ID, ""); err != nil {
			return err
		}
		return tx.System().SystemAudit(store.AuditRecord{Agency: agency, Actor: actor.UserID, Action: "user.totp-reset", Target: u.Email})
	})
}

// StaffAudit lists the agency's account changes (invitations, roles,
// passwords, second factors, API tokens), newest first. Returns Forbidden.
func (a *App) StaffAudit(ctx context.Context, actor ill.Actor, agency ill.AgencyID, limit int) ([]store.AuditEntry, error) {
	if err := requireAgency(actor, agency, ill.PermUsers); err != nil {
		return nil, err
	}
	var out []store.AuditEntry
	err := a.read(ctx, func(tx *store.Tx) error {
		for _, prefix := range []string{"user.", "token."} {
			es, err := tx.Agency().AuditTrail(agency, store.AuditQuery{ActionPrefix: prefix, Limit: limit})
			if err != nil {
				return err
			}
			out = append(out, es...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(x, y store.AuditEntry) int { return cmp.Compare(y.ID, x.ID) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
