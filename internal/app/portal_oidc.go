package app

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"interlend/internal/auth"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// Single sign-on for patrons: each library may name its institution's
// OpenID Connect issuer (PortalSettings). A signed-in person is matched to
// the library's patron record by a claim (email, or a barcode claim); the
// record's login account is used, or made and linked on first sign-in.

// OIDCClient is an optional HTTP client for calls to issuers (tests).
var OIDCClient *http.Client

// PortalSSO returns the library's OpenID Connect client for the portal,
// redirecting back to redirectURL. Returns NotFound when the library has
// no single sign-on.
func (a *App) PortalSSO(ctx context.Context, agency ill.AgencyID, redirectURL string) (auth.OIDC, error) {
	ps, err := PortalSetting.Get(ctx, a.DB, agency)
	if err != nil {
		return auth.OIDC{}, err
	}
	if !ps.OIDCEnabled || ps.OIDCIssuer == "" || ps.OIDCClientID == "" {
		return auth.OIDC{}, ill.E(ill.NotFound, "this library has no single sign-on")
	}
	return auth.OIDC{Issuer: ps.OIDCIssuer, ClientID: ps.OIDCClientID, ClientSecret: ps.OIDCClientSecret,
		RedirectURL: redirectURL, Client: OIDCClient, Now: a.Clock.Now}, nil
}

// SSOLibraries lists the hosted libraries with single sign-on, for the
// portal's login page: id and button text.
func (a *App) SSOLibraries(ctx context.Context) ([]store.Agency, map[ill.AgencyID]string, error) {
	ags, err := a.Agencies(ctx)
	if err != nil {
		return nil, nil, err
	}
	var out []store.Agency
	labels := map[ill.AgencyID]string{}
	for _, ag := range ags {
		ps, err := PortalSetting.Get(ctx, a.DB, ag.ID)
		if err != nil {
			return nil, nil, err
		}
		if ps.OIDCEnabled && ps.OIDCIssuer != "" && ps.OIDCClientID != "" {
			out = append(out, ag)
			labels[ag.ID] = ps.OIDCButton
		}
	}
	return out, labels, nil
}

// errNoPatronForSSO does not say whether the person or the record is missing.
var errNoPatronForSSO = ill.E(ill.Unauthenticated, "You signed in, but this library has no patron record for you. Ask the library to add you.")

// SSOLogin starts a portal session for the person an issuer vouched for
// in agency: claims are the verified ID token's. Returns Unauthenticated.
func (a *App) SSOLogin(ctx context.Context, agency ill.AgencyID, claims map[string]any) (LoginResult, error) {
	ps, err := PortalSetting.Get(ctx, a.DB, agency)
	if err != nil {
		return LoginResult{}, err
	}
	claim := ps.OIDCClaim
	if claim == "" {
		claim = "email"
	}
	value, _ := claims[claim].(string)
	value = strings.TrimSpace(value)
	if value == "" {
		return LoginResult{}, ill.Errorf(ill.Unauthenticated, "Your sign-in did not include the %s this library needs.", claim)
	}
	if v, ok := claims["email_verified"].(bool); ok && !v && claim == "email" {
		return LoginResult{}, ill.E(ill.Unauthenticated, "Your institution has not verified your email address.")
	}
	email, _ := claims["email"].(string)
	name, _ := claims["name"].(string)
	var user store.User
	err = a.write(ctx, func(tx *store.Tx) error {
		var p store.Patron
		var err error
		if claim == "email" {
			p, err = tx.Agency().PatronByEmail(agency, value)
		} else {
			p, err = tx.Agency().FindPatron(agency, value)
		}
		if ill.Is(err, ill.NotFound) {
			return errNoPatronForSSO
		}
		if err != nil {
			return err
		}
		if p.UserID != 0 {
			user, err = tx.System().UserByID(p.UserID)
			return err
		}
		addr := strings.TrimSpace(p.Email)
		if addr == "" {
			addr = strings.TrimSpace(email)
		}
		if addr == "" {
			return errNoPatronForSSO
		}
		user, err = tx.System().UserByEmail(store.NormaliseEmail(addr))
		switch {
		case ill.Is(err, ill.NotFound):
			if name == "" {
				name = p.DisplayName()
			}
			user, err = tx.System().CreateUser(store.User{Email: store.NormaliseEmail(addr), Name: name,
				Grants: ill.Grants{{Agency: agency, Role: ill.RolePatron}}})
			if err != nil {
				return err
			}
		case err != nil:
			return err
		case user.Grants.IsOperator() || slices.ContainsFunc(user.Grants, func(g ill.Grant) bool { return g.Role.IsStaff() }):
			// A staff account is never taken over by a patron sign-in.
			return ill.E(ill.Unauthenticated, "This address belongs to a staff account: log in with its password.")
		case !slices.Contains(user.Grants.RolesIn(agency), ill.RolePatron):
			if err := tx.System().Grant(user.ID, ill.Grant{Agency: agency, Role: ill.RolePatron}); err != nil {
				return err
			}
			user.Grants = append(user.Grants, ill.Grant{Agency: agency, Role: ill.RolePatron})
		}
		if err := tx.Agency().LinkPatronUser(agency, p.ID, user.ID, 0); err != nil {
			return err
		}
		return tx.Agency().Audit(agency, store.AuditRecord{Action: "patron.sso_linked", Target: fmt.Sprintf("patron %d", p.ID), After: fmt.Sprintf("account %d", user.ID)})
	})
	if err != nil {
		return LoginResult{}, err
	}
	res, err := a.StartSessionFor(ctx, user)
	if err != nil {
		return res, err
	}
	// Work in the library signed in to.
	if res.Session.Agency != agency {
		if se, err := a.SwitchAgency(ctx, res.Session, user, agency); err == nil {
			res.Session = se
		}
	}
	return res, nil
}
