package app

import (
	"context"
	"net/url"
	"strings"
	"time"

	"interlend/internal/auth"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// totpIssuer names Interlend in authenticator apps.
const totpIssuer = "Interlend"

// totpEnrolmentTTL is how long a shown, unconfirmed secret is offered
// again before a new one is made.
const totpEnrolmentTTL = time.Hour

// TOTPSetup is a second factor being set up: the secret to type into an
// authenticator app and the otpauth:// URL its QR code carries.
type TOTPSetup struct {
	Secret string
	URL    string
}

// errStaffOnly refuses the second factor to patron-only accounts.
var errStaffOnly = ill.E(ill.Forbidden, "a second factor is for staff accounts")

func requireStaff(actor ill.Actor) error {
	if actor.Grants.IsOperator() {
		return nil
	}
	for _, g := range actor.Grants {
		if g.Role.IsStaff() {
			return nil
		}
	}
	return errStaffOnly
}

// BeginTOTP starts (or continues, for an hour) setting up the actor's
// second factor. Nothing changes at login until ConfirmTOTP. Returns
// Forbidden for patrons, Conflict when one is already on.
func (a *App) BeginTOTP(ctx context.Context, actor ill.Actor) (TOTPSetup, error) {
	if err := requireStaff(actor); err != nil {
		return TOTPSetup{}, err
	}
	var out TOTPSetup
	err := a.write(ctx, func(tx *store.Tx) error {
		u, err := tx.System().UserByID(actor.UserID)
		if err != nil {
			return err
		}
		if u.TOTPSecret != "" {
			return ill.E(ill.Conflict, "a second factor is already set up: turn it off first to replace it")
		}
		secret, at, err := tx.System().TOTPEnrolment(u.ID)
		if err == nil && tx.Now().Sub(at) < totpEnrolmentTTL {
			out = TOTPSetup{Secret: secret, URL: totpURL(secret, u.Email)}
			return nil
		}
		if err != nil && !ill.Is(err, ill.NotFound) {
			return err
		}
		secret, url, err := auth.NewTOTP(totpIssuer, u.Email)
		if err != nil {
			return err
		}
		out = TOTPSetup{Secret: secret, URL: url}
		return tx.System().PutTOTPEnrolment(u.ID, secret)
	})
	return out, err
}

// PendingTOTP returns the set-up in progress (for its QR code). Returns
// NotFound when there is none.
func (a *App) PendingTOTP(ctx context.Context, actor ill.Actor) (TOTPSetup, error) {
	var out TOTPSetup
	err := a.read(ctx, func(tx *store.Tx) error {
		u, err := tx.System().UserByID(actor.UserID)
		if err != nil {
			return err
		}
		secret, at, err := tx.System().TOTPEnrolment(u.ID)
		if err != nil {
			return err
		}
		if tx.Now().Sub(at) >= totpEnrolmentTTL {
			return ill.E(ill.NotFound, "the set-up has expired: start again")
		}
		out = TOTPSetup{Secret: secret, URL: totpURL(secret, u.Email)}
		return nil
	})
	return out, err
}

// ConfirmTOTP turns the second factor on once a code from the app proves
// it was set up right. Returns Invalid for a wrong code, NotFound when no
// set-up is in progress.
func (a *App) ConfirmTOTP(ctx context.Context, actor ill.Actor, code string) error {
	if err := requireStaff(actor); err != nil {
		return err
	}
	return a.write(ctx, func(tx *store.Tx) error {
		u, err := tx.System().UserByID(actor.UserID)
		if err != nil {
			return err
		}
		secret, at, err := tx.System().TOTPEnrolment(u.ID)
		if err != nil {
			return err
		}
		if tx.Now().Sub(at) >= totpEnrolmentTTL {
			return ill.E(ill.NotFound, "the set-up has expired: start again")
		}
		if !auth.CheckTOTP(secret, strings.TrimSpace(code), tx.Now()) {
			return ill.E(ill.Invalid, "That code is not right. Codes change every 30 seconds.", map[string]string{"code": "not right"})
		}
		if err := tx.System().SetTOTPSecret(u.ID, secret); err != nil {
			return err
		}
		if err := tx.System().DeleteTOTPEnrolment(u.ID); err != nil {
			return err
		}
		return tx.System().SystemAudit(store.AuditRecord{Agency: firstAgency(u.Grants), Actor: u.ID, Action: "user.totp-on", Target: u.Email})
	})
}

// DisableTOTP turns the actor's second factor off; a current code proves
// it is really them. Returns Invalid for a wrong code.
func (a *App) DisableTOTP(ctx context.Context, actor ill.Actor, code string) error {
	return a.write(ctx, func(tx *store.Tx) error {
		u, err := tx.System().UserByID(actor.UserID)
		if err != nil {
			return err
		}
		if u.TOTPSecret == "" {
			return nil
		}
		if !auth.CheckTOTP(u.TOTPSecret, strings.TrimSpace(code), tx.Now()) {
			return ill.E(ill.Invalid, "That code is not right. Codes change every 30 seconds.", map[string]string{"code": "not right"})
		}
		if err := tx.System().SetTOTPSecret(u.ID, ""); err != nil {
			return err
		}
		return tx.System().SystemAudit(store.AuditRecord{Agency: firstAgency(u.Grants), Actor: u.ID, Action: "user.totp-off", Target: u.Email})
	})
}

// totpURL is the otpauth:// URL for a stored secret, as auth.NewTOTP
// makes it (so that the QR code can be shown again).
func totpURL(secret, account string) string {
	q := url.Values{"secret": {secret}, "issuer": {totpIssuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + totpIssuer + ":" + account, RawQuery: q.Encode()}
	return u.String()
}
