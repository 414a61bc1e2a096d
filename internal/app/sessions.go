package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"interlend/internal/auth"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// LoginResult is a started session. Token goes into the cookie and is
// never stored; NeedsSecondFactor means the session is limited to the TOTP
// step until VerifySecondFactor succeeds.
type LoginResult struct {
	Token             string
	Session           store.Session
	User              store.User
	NeedsSecondFactor bool
}

// errBadLogin is deliberately vague: it must not tell which accounts exist.
var errBadLogin = ill.E(ill.Unauthenticated, "The email or password is not right.")

// Login checks a password, throttled per account and per client address,
// and starts a new session (a new token every time: no session fixation).
// Returns Unauthenticated or RateLimited.
func (a *App) Login(ctx context.Context, email, password, clientIP string) (LoginResult, error) {
	email = store.NormaliseEmail(email)
	now := a.Clock.Now()
	since := now.Add(-auth.ThrottleWindow)
	var user store.User
	var userErr error
	err := a.read(ctx, func(tx *store.Tx) error {
		nu, err := tx.System().FailedLoginsSince(auth.UserKey(email), since)
		if err != nil {
			return err
		}
		nc, err := tx.System().FailedLoginsSince(auth.ClientKey(clientIP), since)
		if err != nil {
			return err
		}
		if nu >= auth.MaxFailuresPerUser || nc >= auth.MaxFailuresPerClient {
			return ill.Errorf(ill.RateLimited, "Too many failed attempts. Wait %d minutes and try again, or ask for a password reset.", int(auth.ThrottleWindow.Minutes()))
		}
		user, userErr = tx.System().UserByEmail(email)
		return nil
	})
	if err != nil {
		return LoginResult{}, err
	}
	ok := false
	if userErr == nil {
		ok, err = auth.VerifyPassword(user.PasswordHash, password)
		if err != nil {
			a.Log.Error("unreadable password hash", "user", user.ID, "err", err)
		}
	} else {
		auth.BurnTime(password)
	}
	if !ok {
		_ = a.write(ctx, func(tx *store.Tx) error {
			if err := tx.System().RecordLoginAttempt(auth.UserKey(email), false); err != nil {
				return err
			}
			return tx.System().RecordLoginAttempt(auth.ClientKey(clientIP), false)
		})
		return LoginResult{}, errBadLogin
	}
	if user.Disabled {
		return LoginResult{}, ill.E(ill.Unauthenticated, "This account is disabled. Ask your ILL manager.")
	}
	return a.startSession(ctx, user, func(tx *store.Tx) error {
		if err := tx.System().RecordLoginAttempt(auth.UserKey(email), true); err != nil {
			return err
		}
		return tx.System().RecordLogin(user.ID)
	})
}

// StartSessionFor starts a session for an already authenticated user (single
// sign-on). Returns Unauthenticated for a disabled account.
func (a *App) StartSessionFor(ctx context.Context, user store.User) (LoginResult, error) {
	if user.Disabled {
		return LoginResult{}, ill.E(ill.Unauthenticated, "This account is disabled. Ask your library.")
	}
	return a.startSession(ctx, user, func(tx *store.Tx) error { return tx.System().RecordLogin(user.ID) })
}

func (a *App) startSession(ctx context.Context, user store.User, also func(*store.Tx) error) (LoginResult, error) {
	token := auth.NewToken("")
	agency := ill.AgencyID("")
	if as := user.Grants.Agencies(); len(as) > 0 {
		agency = as[0]
	}
	se := store.Session{
		TokenHash: auth.HashToken(token), UserID: user.ID, Agency: agency,
		CSRFToken: auth.NewToken(""), Data: "{}", SecondFactor: user.TOTPSecret == "",
		ExpiresAt: a.Clock.Now().Add(a.Cfg.SessionTTL),
	}
	err := a.write(ctx, func(tx *store.Tx) error {
		if err := tx.System().CreateSession(se); err != nil {
			return err
		}
		return also(tx)
	})
	if err != nil {
		return LoginResult{}, err
	}
	return LoginResult{Token: token, Session: se, User: user, NeedsSecondFactor: !se.SecondFactor}, nil
}

// Session returns the live session behind a cookie token and its user.
// Sessions slide: each use (at most once a minute) pushes the expiry out.
// Returns Unauthenticated.
func (a *App) Session(ctx context.Context, token string) (store.Session, store.User, error) {
	if token == "" {
		return store.Session{}, store.User{}, ill.E(ill.Unauthenticated, "please log in")
	}
	var se store.Session
	var u store.User
	err := a.read(ctx, func(tx *store.Tx) (err error) {
		se, u, err = tx.System().SessionWithUser(auth.HashToken(token))
		return err
	})
	if err != nil {
		if ill.Is(err, ill.NotFound) {
			err = ill.E(ill.Unauthenticated, "please log in")
		}
		return store.Session{}, store.User{}, err
	}
	if u.Disabled {
		return store.Session{}, store.User{}, ill.E(ill.Unauthenticated, "this account is disabled")
	}
	now := a.Clock.Now()
	if now.Sub(se.LastSeenAt) > time.Minute {
		se.ExpiresAt = now.Add(a.Cfg.SessionTTL)
		if err := a.SaveSession(ctx, se); err != nil {
			return store.Session{}, store.User{}, err
		}
	}
	return se, u, nil
}

// SaveSession stores changes to a session (agency, data, second factor).
func (a *App) SaveSession(ctx context.Context, se store.Session) error {
	return a.write(ctx, func(tx *store.Tx) error { return tx.System().UpdateSession(se) })
}

// VerifySecondFactor completes a TOTP login. Returns Unauthenticated.
func (a *App) VerifySecondFactor(ctx context.Context, se store.Session, u store.User, code string) error {
	if u.TOTPSecret == "" || auth.CheckTOTP(u.TOTPSecret, strings.TrimSpace(code), a.Clock.Now()) {
		se.SecondFactor = true
		return a.SaveSession(ctx, se)
	}
	return ill.E(ill.Unauthenticated, "That code is not right. Codes change every 30 seconds.")
}

// Logout ends the session.
func (a *App) Logout(ctx context.Context, token string) error {
	return a.write(ctx, func(tx *store.Tx) error { return tx.System().DeleteSession(auth.HashToken(token)) })
}

// SwitchAgency changes the agency a session works in. Returns Forbidden.
func (a *App) SwitchAgency(ctx context.Context, se store.Session, u store.User, agency ill.AgencyID) (store.Session, error) {
	if !u.Grants.IsOperator() && len(u.Grants.RolesIn(agency)) == 0 {
		return se, ill.Errorf(ill.Forbidden, "you have no role in %s", agency)
	}
	se.Agency = agency
	return se, a.SaveSession(ctx, se)
}

// ActorFor is the actor a user is when working in agency.
func ActorFor(u store.User, agency ill.AgencyID) ill.Actor {
	kind := ill.ActorStaff
	roles := u.Grants.RolesIn(agency)
	if len(roles) == 1 && roles[0] == ill.RolePatron {
		kind = ill.ActorPatron
	}
	return ill.Actor{Kind: kind, UserID: u.ID, Name: u.Name, Agency: agency, Grants: u.Grants}
}

// CreateAPIToken makes a bearer token for the actor in its agency, acting
// with one of its roles there. The secret is returned once and stored only
// as a hash. Returns Invalid or Forbidden.
func (a *App) CreateAPIToken(ctx context.Context, actor ill.Actor, name string, role ill.Role, ttl time.Duration) (string, store.APIToken, error) {
	if err := actor.Require(actor.Agency, ill.PermAPITokens); err != nil {
		return "", store.APIToken{}, err
	}
	held := false
	for _, r := range actor.Grants.RolesIn(actor.Agency) {
		held = held || r == role
	}
	if !held || role == ill.RoleOperator {
		return "", store.APIToken{}, ill.Errorf(ill.Forbidden, "you do not hold the %s role in %s", role, actor.Agency)
	}
	name = strings.TrimSpace(name)
	if name == "" || ttl <= 0 || ttl > 366*24*time.Hour {
		return "", store.APIToken{}, ill.E(ill.Invalid, "a token needs a name and a lifetime of at most a year",
			map[string]string{"name": "required", "ttl": "1 day to 366 days"})
	}
	secret := auth.NewToken("il_")
	tk := store.APIToken{UserID: actor.UserID, Agency: actor.Agency, Role: role, Name: name,
		TokenHash: auth.HashToken(secret), Prefix: secret[:8], ExpiresAt: a.Clock.Now().Add(ttl)}
	err := a.write(ctx, func(tx *store.Tx) error {
		var err error
		tk, err = tx.System().CreateAPIToken(tk)
		if err != nil {
			return err
		}
		return tx.Agency().Audit(actor.Agency, store.AuditRecord{Actor: actor.UserID, Action: "token.create", Target: tk.Prefix, After: fmt.Sprintf("%s (%s)", name, role)})
	})
	return secret, tk, err
}

// RevokeAPIToken revokes one of the actor's tokens. Returns NotFound.
func (a *App) RevokeAPIToken(ctx context.Context, actor ill.Actor, id int64) error {
	return a.write(ctx, func(tx *store.Tx) error { return tx.System().RevokeAPIToken(actor.UserID, id) })
}

// APITokens lists the actor's tokens.
func (a *App) APITokens(ctx context.Context, actor ill.Actor) ([]store.APIToken, error) {
	var out []store.APIToken
	err := a.read(ctx, func(tx *store.Tx) (err error) { out, err = tx.System().APITokens(actor.UserID); return })
	return out, err
}

// ActorForAPIToken authenticates a bearer token: the actor is its user in
// its agency with only the token's role. Returns Unauthenticated.
func (a *App) ActorForAPIToken(ctx context.Context, secret string) (ill.Actor, error) {
	var tk store.APIToken
	var u store.User
	err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		if tk, err = tx.System().APITokenByHash(auth.HashToken(secret)); err != nil {
			return err
		}
		u, err = tx.System().UserByID(tk.UserID)
		return err
	})
	if err != nil {
		if !ill.Is(err, ill.Unauthenticated) {
			return ill.Actor{}, err
		}
		return ill.Actor{}, err
	}
	if u.Disabled {
		return ill.Actor{}, ill.E(ill.Unauthenticated, "the token's account is disabled")
	}
	// The token carries one role; it must still be held.
	stillHeld := false
	for _, r := range u.Grants.RolesIn(tk.Agency) {
		stillHeld = stillHeld || r == tk.Role
	}
	if !stillHeld {
		return ill.Actor{}, ill.E(ill.Unauthenticated, "the token's role is no longer held by its user")
	}
	if a.Clock.Now().Sub(tk.LastUsedAt) > time.Minute {
		_ = a.write(ctx, func(tx *store.Tx) error { return tx.System().TouchAPIToken(tk.ID) })
	}
	kind := ill.ActorStaff
	if tk.Role == ill.RolePatron {
		kind = ill.ActorPatron
	}
	return ill.Actor{Kind: kind, UserID: u.ID, Name: u.Name, Agency: tk.Agency, Grants: ill.Grants{{Agency: tk.Agency, Role: tk.Role}}}, nil
}
