package ncip

import (
	"log/slog"
	"net/http"
)

type authKind int

const (
	authNone authKind = iota
	authBasic
	authBearer
	authAgency
)

// Auth is how the ILL system proves itself to the ILS. The zero Auth sends
// nothing. Its String, GoString and LogValue never show the secret.
type Auth struct {
	kind   authKind
	user   string
	secret string
}

// BasicAuth sends HTTP Basic credentials.
func BasicAuth(user, password string) Auth {
	return Auth{kind: authBasic, user: user, secret: password}
}

// BearerAuth sends "Authorization: Bearer token" (API keys, OAuth tokens).
func BearerAuth(token string) Auth { return Auth{kind: authBearer, secret: token} }

// AgencyAuth puts secret in the InitiationHeader's FromAgencyAuthentication,
// NCIP's own agency password. (The schema has no AuthenticationInput in the
// header: AuthenticationInput identifies patrons inside a message.)
func AgencyAuth(secret string) Auth { return Auth{kind: authAgency, secret: secret} }

// String names the kind of authentication, and the user for Basic.
func (a Auth) String() string {
	switch a.kind {
	case authBasic:
		return "basic(" + a.user + ")"
	case authBearer:
		return "bearer(***)"
	case authAgency:
		return "agency(***)"
	}
	return "none"
}

// GoString is String, so that %#v does not print the secret.
func (a Auth) GoString() string { return a.String() }

// LogValue is String, for log/slog.
func (a Auth) LogValue() slog.Value { return slog.StringValue(a.String()) }

// applyHTTP sets the HTTP credentials on r.
func (a Auth) applyHTTP(r *http.Request) {
	switch a.kind {
	case authBasic:
		r.SetBasicAuth(a.user, a.secret)
	case authBearer:
		r.Header.Set("Authorization", "Bearer "+a.secret)
	}
}

// agencySecret is the FromAgencyAuthentication value, or "".
func (a Auth) agencySecret() string {
	if a.kind == authAgency {
		return a.secret
	}
	return ""
}
