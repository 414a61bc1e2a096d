package app

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"interlend/internal/auth"
	"interlend/internal/i18n"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// Lifetimes of the links sent by email.
const (
	InvitationTTL    = 7 * 24 * time.Hour
	PasswordResetTTL = time.Hour
	// resetsPerWindow bounds the reset mails one account can be sent per
	// auth.ThrottleWindow (the rest are silently not sent).
	resetsPerWindow = 3
	// resetsPerClient bounds the reset requests from one address per
	// window (answered with RateLimited, whatever the email).
	resetsPerClient = 10
)

// StaffRoles are the roles a staff invitation may give, in display order.
var StaffRoles = []ill.Role{ill.RoleManager, ill.RoleBorrowing, ill.RoleLending, ill.RoleStudent, ill.RoleReadOnly}

// GrantableRoles lists the roles the actor may give in an agency: an
// operator any agency role, users.manage the staff roles.
func GrantableRoles(actor ill.Actor, agency ill.AgencyID) []ill.Role {
	if actor.Grants.IsOperator() {
		return append([]ill.Role{ill.RoleConsortiumAdmin}, append(slices.Clone(StaffRoles), ill.RolePatron)...)
	}
	if !actor.CanIn(agency, ill.PermUsers) {
		return nil
	}
	return append(slices.Clone(StaffRoles), ill.RolePatron)
}

// Staff lists the staff of an agency (anyone with a role there other
// than patron) and the invitations not yet accepted. Returns Forbidden.
func (a *App) Staff(ctx context.Context, actor ill.Actor, agency ill.AgencyID) ([]store.User, []store.Invitation, error) {
	if err := requireAgency(actor, agency, ill.PermUsers); err != nil {
		return nil, nil, err
	}
	var us []store.User
	var ins []store.Invitation
	err := a.read(ctx, func(tx *store.Tx) (err error) {
		if us, err = tx.System().StaffUsers(agency); err != nil {
			return err
		}
		ins, err = tx.Agency().Invitations(agency)
		return err
	})
	return us, ins, err
}

// StaffMember returns one account with a role in the agency. Returns
// NotFound (also for accounts without a role there) or Forbidden.
func (a *App) StaffMember(ctx context.Context, actor ill.Actor, agency ill.AgencyID, userID int64) (store.User, error) {
	if err := requireAgency(actor, agency, ill.PermUsers); err != nil {
		return store.User{}, err
	}
	var u store.User
	err := a.read(ctx, func(tx *store.Tx) (err error) { u, err = memberOf(tx, agency, userID); return })
	return u, err
}

func memberOf(tx *store.Tx, agency ill.AgencyID, userID int64) (store.User, error) {
	u, err := tx.System().UserByID(userID)
	if err != nil {
		return store.User{}, err
	}
	for _, g := range u.Grants {
		if g.Agency == agency {
			return u, nil
		}
	}
	return store.User{}, ill.Errorf(ill.NotFound, "no user %d in %s", userID, agency)
}

// Invite is a staff invitation as a manager fills it in.
type Invite struct {
	Email string
	Name  string
	Roles []ill.Role
}

// Invitation is what InviteStaff did. Token is the secret of the emailed
// link, returned for tests and the mail only: surfaces must not show it.
type Invitation struct {
	User      store.User
	Existing  bool // the account existed: it was given the roles, no link was sent
	Token     string
	ExpiresAt time.Time
}

// InviteStaff gives roles in an agency to a person by email. A new
// account is created without a password and sent a link (valid for
// InvitationTTL) to choose one; an existing account gets the roles and a
// notice. Everything, the mail included, happens in one transaction.
// Returns Invalid, Forbidden, Conflict (a disabled account) or NotFound.
func (a *App) InviteStaff(ctx context.Context, actor ill.Actor, agency ill.AgencyID, in Invite) (Invitation, error) {
	email := strings.TrimSpace(in.Email)
	fields := map[string]string{}
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		fields["email"] = "enter an email address like name@library.edu"
	}
	if len(in.Roles) == 0 {
		fields["roles"] = "choose at least one role"
	}
	var gs ill.Grants
	for _, r := range in.Roles {
		if !r.Valid() || r == ill.RoleOperator {
			fields["roles"] = fmt.Sprintf("unknown role %q", r)
		}
		gs = append(gs, ill.Grant{Agency: agency, Role: r})
	}
	if len(fields) > 0 {
		return Invitation{}, ill.E(ill.Invalid, "the invitation needs correcting", fields)
	}
	if err := requireAgency(actor, agency, ill.PermUsers); err != nil {
		return Invitation{}, err
	}
	if err := requireGrantRights(actor, gs); err != nil {
		return Invitation{}, err
	}
	var out Invitation
	err := a.write(ctx, func(tx *store.Tx) error {
		out = Invitation{}
		ag, err := tx.System().GetAgency(agency)
		if err != nil {
			return err
		}
		u, err := tx.System().UserByEmail(email)
		switch {
		case err == nil:
			if u.Disabled {
				return ill.E(ill.Conflict, "this account is disabled: enable it first", map[string]string{"email": "account disabled"})
			}
			for _, g := range gs {
				if err := tx.System().Grant(u.ID, g); err != nil {
					return err
				}
			}
			out.User, out.Existing = u, true
			if err := tx.System().SystemAudit(store.AuditRecord{Agency: agency, Actor: actor.UserID, Action: "user.grant", Target: u.Email, After: grantsText(gs)}); err != nil {
				return err
			}
			return a.QueueMail(tx, a.staffMail(agency, u.Email, "platform.mail.granted", ag.Name, a.Cfg.BaseURL+"/login"))
		case !ill.Is(err, ill.NotFound):
			return err
		}
		u, err = tx.System().CreateUser(store.User{Email: email, Name: strings.TrimSpace(in.Name), Grants: gs})
		if err != nil {
			return err
		}
		if err := tx.System().SystemAudit(store.AuditRecord{Agency: agency, Actor: actor.UserID, Action: "user.invite", Target: u.Email, After: grantsText(gs)}); err != nil {
			return err
		}
		out.User = u
		out.Token, out.ExpiresAt, err = a.newAccountToken(tx, u.ID, store.TokenInvite, agency, actor.UserID)
		if err != nil {
			return err
		}
		return a.QueueMail(tx, a.staffMail(agency, u.Email, "platform.mail.invite", ag.Name, a.Cfg.BaseURL+"/invite?t="+out.Token))
	})
	return out, err
}

// ResendInvitation sends a fresh invitation link to an account that has
// not accepted yet (older links stop working). Returns NotFound, Conflict
// (already accepted) or Forbidden.
func (a *App) ResendInvitation(ctx context.Context, actor ill.Actor, agency ill.AgencyID, userID int64) (Invitation, error) {
	if err := requireAgency(actor, agency, ill.PermUsers); err != nil {
		return Invitation{}, err
	}
	var out Invitation
	err := a.write(ctx, func(tx *store.Tx) error {
		u, err := memberOf(tx, agency, userID)
		if err != nil {
			return err
		}
		if u.PasswordHash != "" {
			return ill.E(ill.Conflict, "this person has already accepted the invitation")
		}
		if err := canManageUser(actor, u); err != nil {
			return err
		}
		ag, err := tx.System().GetAgency(agency)
		if err != nil {
			return err
		}
		if err := tx.System().EndAccountTokens(u.ID, store.TokenInvite); err != nil {
			return err
		}
		out = Invitation{User: u}
		if out.Token, out.ExpiresAt, err = a.newAccountToken(tx, u.ID, store.TokenInvite, agency, actor.UserID); err != nil {
			return err
		}
		if err := tx.System().SystemAudit(store.AuditRecord{Agency: agency, Actor: actor.UserID, Action: "user.invite", Target: u.Email, After: "sent again"}); err != nil {
			return err
		}
		return a.QueueMail(tx, a.staffMail(agency, u.Email, "platform.mail.invite", ag.Name, a.Cfg.BaseURL+"/invite?t="+out.Token))
	})
	return out, err
}

// InvitationFor returns the account an invitation link is for. Returns
// NotFound for a link that is unknown, used or expired.
func (a *App) InvitationFor(ctx context.Context, token string) (store.User, error) {
	return a.userForToken(ctx, store.TokenInvite, token)
}

// AcceptInvitation sets the invited account's name and password; the
// link then stops working. Returns Invalid or NotFound.
func (a *App) AcceptInvitation(ctx context.Context, token, name, password string) (store.User, error) {
	hash, err := a.hashNewPassword(password)
	if err != nil {
		return store.User{}, err
	}
	var u store.User
	err = a.write(ctx, func(tx *store.Tx) error {
		tk, err := tx.System().LiveAccountToken(store.TokenInvite, auth.HashToken(token))
		if err != nil {
			return err
		}
		if err := tx.System().UseAccountToken(tk.ID); err != nil {
			return err
		}
		if err := tx.System().SetPassword(tk.UserID, hash); err != nil {
			return err
		}
		if name = strings.TrimSpace(name); name != "" {
			if err := tx.System().UpdateUserName(tk.UserID, name); err != nil {
				return err
			}
		}
		if u, err = tx.System().UserByID(tk.UserID); err != nil {
			return err
		}
		return tx.System().SystemAudit(store.AuditRecord{Agency: tk.Agency, Actor: u.ID, Action: "user.accept", Target: u.Email})
	})
	return u, err
}

// RequestPasswordReset mails a reset link (valid PasswordResetTTL, one
// use) to an active account. Whether the account exists is never
// revealed: the answer is the same, and the token is "" when nothing was
// sent (returned for tests only). Returns RateLimited when one client
// asks too often.
func (a *App) RequestPasswordReset(ctx context.Context, email, clientIP string) (string, error) {
	email = store.NormaliseEmail(email)
	key := "reset-" + auth.ClientKey(clientIP)
	var token string
	err := a.write(ctx, func(tx *store.Tx) error {
		token = ""
		since := tx.Now().Add(-auth.ThrottleWindow)
		n, err := tx.System().FailedLoginsSince(key, since)
		if err != nil {
			return err
		}
		if n >= resetsPerClient {
			return ill.Errorf(ill.RateLimited, "Too many requests. Wait %d minutes and try again.", int(auth.ThrottleWindow.Minutes()))
		}
		if err := tx.System().RecordLoginAttempt(key, false); err != nil {
			return err
		}
		u, err := tx.System().UserByEmail(email)
		if ill.Is(err, ill.NotFound) || err == nil && u.Disabled {
			return nil
		}
		if err != nil {
			return err
		}
		if sent, err := tx.System().CountAccountTokensSince(u.ID, store.TokenReset, since); err != nil || sent >= resetsPerWindow {
			return err
		}
		token, err = a.sendReset(tx, u, 0)
		return err
	})
	return token, err
}

// SendPasswordReset mails a reset link to a staff member on a manager's
// behalf (the manager never sees it). Returns NotFound or Forbidden.
func (a *App) SendPasswordReset(ctx context.Context, actor ill.Actor, agency ill.AgencyID, userID int64) (string, error) {
	if err := requireAgency(actor, agency, ill.PermUsers); err != nil {
		return "", err
	}
	var token string
	err := a.write(ctx, func(tx *store.Tx) error {
		u, err := memberOf(tx, agency, userID)
		if err != nil {
			return err
		}
		if err := canManageUser(actor, u); err != nil {
			return err
		}
		if u.Disabled {
			return ill.E(ill.Conflict, "this account is disabled: enable it first")
		}
		if token, err = a.sendReset(tx, u, actor.UserID); err != nil {
			return err
		}
		return tx.System().SystemAudit(store.AuditRecord{Agency: agency, Actor: actor.UserID, Action: "user.reset-sent", Target: u.Email})
	})
	return token, err
}

func (a *App) sendReset(tx *store.Tx, u store.User, by int64) (string, error) {
	if err := tx.System().EndAccountTokens(u.ID, store.TokenReset); err != nil {
		return "", err
	}
	token, _, err := a.newAccountToken(tx, u.ID, store.TokenReset, "", by)
	if err != nil {
		return "", err
	}
	return token, a.QueueMail(tx, a.staffMail(firstAgency(u.Grants), u.Email, "platform.mail.reset", "", a.Cfg.BaseURL+"/password/reset?t="+token))
}

// ResetFor returns the account a reset link is for. Returns NotFound.
func (a *App) ResetFor(ctx context.Context, token string) (store.User, error) {
	return a.userForToken(ctx, store.TokenReset, token)
}

// ResetPassword sets a new password with a reset link, ends every session
// of the account and every other reset link. Returns Invalid or NotFound.
func (a *App) ResetPassword(ctx context.Context, token, password string) error {
	hash, err := a.hashNewPassword(password)
	if err != nil {
		return err
	}
	return a.write(ctx, func(tx *store.Tx) error {
		tk, err := tx.System().LiveAccountToken(store.TokenReset, auth.HashToken(token))
		if err != nil {
			return err
		}
		if err := tx.System().UseAccountToken(tk.ID); err != nil {
			return err
		}
		u, err := tx.System().UserByID(tk.UserID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return ill.E(ill.NotFound, "This link is not valid any more. Ask for a new one.")
		}
		for _, f := range []func() error{
			func() error { return tx.System().SetPassword(u.ID, hash) },
			func() error { return tx.System().DeleteUserSessions(u.ID, "") },
			func() error { return tx.System().EndAccountTokens(u.ID, store.TokenReset) },
		} {
			if err := f(); err != nil {
				return err
			}
		}
		return tx.System().SystemAudit(store.AuditRecord{Agency: firstAgency(u.Grants), Actor: u.ID, Action: "user.password-reset", Target: u.Email})
	})
}

// ChangeOwnPassword changes the actor's password after checking the
// current one; other sessions end, the one named by keepSession (a token
// hash) stays. Returns Invalid or Unauthenticated.
func (a *App) ChangeOwnPassword(ctx context.Context, actor ill.Actor, current, password, keepSession string) error {
	var u store.User
	if err := a.read(ctx, func(tx *store.Tx) (err error) { u, err = tx.System().UserByID(actor.UserID); return }); err != nil {
		return err
	}
	if ok, _ := auth.VerifyPassword(u.PasswordHash, current); !ok {
		return ill.E(ill.Invalid, "the current password is not right", map[string]string{"current": "not right"})
	}
	return a.SetPassword(ctx, actor, u.Email, password, keepSession)
}

func (a *App) userForToken(ctx context.Context, purpose, token string) (store.User, error) {
	var u store.User
	err := a.read(ctx, func(tx *store.Tx) error {
		tk, err := tx.System().LiveAccountToken(purpose, auth.HashToken(token))
		if err != nil {
			return err
		}
		u, err = tx.System().UserByID(tk.UserID)
		return err
	})
	return u, err
}

func (a *App) hashNewPassword(password string) (string, error) {
	if err := auth.CheckPasswordPolicy(password); err != nil {
		return "", ill.E(ill.Invalid, "the password is not acceptable", map[string]string{"password": err.Error()})
	}
	return auth.HashPassword(password, a.PasswordParams)
}

func (a *App) newAccountToken(tx *store.Tx, userID int64, purpose string, agency ill.AgencyID, by int64) (string, time.Time, error) {
	ttl := PasswordResetTTL
	if purpose == store.TokenInvite {
		ttl = InvitationTTL
	}
	token := auth.NewToken("")
	exp := tx.Now().Add(ttl)
	_, err := tx.System().CreateAccountToken(store.AccountToken{UserID: userID, Purpose: purpose, TokenHash: auth.HashToken(token),
		Agency: agency, CreatedBy: by, ExpiresAt: exp})
	return token, exp, err
}

// staffMail builds an account mail from the catalog (key.subject and
// key.body with {0} the library's name and {1} the link).
func (a *App) staffMail(agency ill.AgencyID, to, key, agencyName, link string) OutgoingMail {
	c := i18n.Load()
	return OutgoingMail{Agency: string(agency), To: to,
		Subject: c.Text(i18n.Default, key+".subject", agencyName, link),
		Text:    c.Text(i18n.Default, key+".body", agencyName, link)}
}
