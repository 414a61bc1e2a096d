package directory

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"interlend/internal/auth"
	"interlend/internal/ill"
)

// AuthMethod is one way a partner proves who it is, or we do to it.
type AuthMethod string

// Authentication methods.
const (
	// AuthNone accepts a partner's messages without any check (only for
	// closed networks; it must be chosen explicitly).
	AuthNone AuthMethod = "none"
	// AuthBasic is HTTP Basic: a user name and a secret.
	AuthBasic AuthMethod = "basic"
	// AuthBearer is an HTTP bearer token.
	AuthBearer AuthMethod = "bearer"
	// AuthHeader is ISO 18626 header/requestingAgencyAuthentication:
	// accountId and securityCode.
	AuthHeader AuthMethod = "iso-header"
	// AuthIP accepts messages only from the addresses in Auth.AllowIPs.
	AuthIP AuthMethod = "ip"
	// AuthMTLS accepts messages only over TLS with a client certificate
	// whose SHA-256 fingerprint is in Auth.CertFingerprints.
	AuthMTLS AuthMethod = "mtls"
)

// AuthMethods lists every method.
var AuthMethods = []AuthMethod{AuthNone, AuthBasic, AuthBearer, AuthHeader, AuthIP, AuthMTLS}

// secretMethods carry a secret in a Credential.
var secretMethods = []AuthMethod{AuthBasic, AuthBearer, AuthHeader}

// Auth is an endpoint's authentication profile. Every method in Inbound
// must pass for a message from the partner to be accepted ("basic" and
// "ip": the right password from an allowed address). Outbound is what we
// present when we send to the partner.
type Auth struct {
	Inbound          []AuthMethod `json:"inbound,omitempty"`
	Outbound         AuthMethod   `json:"outbound,omitempty"`
	AllowIPs         []string     `json:"allowIPs,omitempty"`         // addresses or CIDR prefixes
	CertFingerprints []string     `json:"certFingerprints,omitempty"` // SHA-256 of client certificates, hex
}

// Direction says whose secret a credential is.
type Direction string

// Directions.
const (
	// Inbound secrets are what the partner presents to us: kept hashed.
	Inbound Direction = "inbound"
	// Outbound secrets are what we present to the partner: kept in clear,
	// because we must send them.
	Outbound Direction = "outbound"
)

// Credential is a secret for one method and direction. Username is the
// HTTP Basic user or the ISO 18626 accountId. For inbound credentials
// Secret is given only when setting it and is replaced by SecretHash
// before storing (see Seal); outbound credentials keep Secret.
type Credential struct {
	Direction  Direction  `json:"direction"`
	Method     AuthMethod `json:"method"`
	Username   string     `json:"username,omitempty"`
	Secret     string     `json:"secret,omitempty"`
	SecretHash string     `json:"secretHash,omitempty"`
	// Stored is set by Masked: a secret is kept, though not shown.
	Stored bool `json:"-"`
}

// MinSecretLength is the shortest inbound secret accepted: partner
// secrets are machine secrets, hashed with a fast hash (SHA-256), so they
// must be long. NewSecret makes good ones.
const MinSecretLength = 16

// NewSecret returns a random secret for a partner.
func NewSecret() string { return auth.NewToken("") }

// HashSecret is the stored form of an inbound secret.
func HashSecret(secret string) string { return "sha256:" + auth.HashToken(secret) }

// Seal replaces the clear secret of an inbound credential by its hash.
func (c Credential) Seal() Credential {
	if c.Direction == Inbound && c.Secret != "" {
		c.SecretHash, c.Secret = HashSecret(c.Secret), ""
	}
	return c
}

// HasSecret reports whether the credential holds a secret (clear or
// hashed).
func (c Credential) HasSecret() bool { return c.Secret != "" || c.SecretHash != "" }

// key identifies a credential for merging: direction and method (one
// credential of each per library).
func (c Credential) key() string { return string(c.Direction) + "/" + string(c.Method) }

// MergeCredentials returns next, where a credential given without a secret
// keeps the secret of the same direction and method in prev. A directory
// file published without secrets can thus be re-imported without losing
// them.
func MergeCredentials(prev, next []Credential) []Credential {
	out := make([]Credential, 0, len(next))
	for _, c := range next {
		if !c.HasSecret() {
			for _, p := range prev {
				if p.key() == c.key() {
					c.Secret, c.SecretHash = p.Secret, p.SecretHash
					if c.Username == "" {
						c.Username = p.Username
					}
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// Credential returns the library's credential for a direction and method.
func (e *Entry) Credential(d Direction, m AuthMethod) (Credential, bool) {
	for _, c := range e.Credentials {
		if c.Direction == d && c.Method == m {
			return c, true
		}
	}
	return Credential{}, false
}

// Presented is what an incoming message carried to prove its sender.
type Presented struct {
	BasicUser, BasicPassword string // from the Authorization header (Basic)
	Bearer                   string // from the Authorization header (Bearer)
	AccountID, SecurityCode  string // ISO 18626 requestingAgencyAuthentication
	RemoteIP                 netip.Addr
	CertFingerprints         []string // SHA-256 of the client's certificate chain, hex
}

// Authenticate checks what a message presented against the library's
// inbound profile: every method listed must pass. It returns an
// Unauthenticated error naming the first check that failed (safe to show
// the partner: it reveals no secret).
func (e *Entry) Authenticate(p Presented) error {
	if len(e.Endpoint.Auth.Inbound) == 0 {
		return ill.Errorf(ill.Unauthenticated, "no inbound authentication is set up for %s", e.ID)
	}
	if e.Status == StatusInactive {
		return ill.Errorf(ill.Unauthenticated, "%s is not an active partner", e.ID)
	}
	for _, m := range e.Endpoint.Auth.Inbound {
		if err := e.check(m, p); err != nil {
			return err
		}
	}
	return nil
}

func (e *Entry) check(m AuthMethod, p Presented) error {
	fail := func(what string) error {
		return ill.Errorf(ill.Unauthenticated, "authentication failed for %s: %s", e.ID, what)
	}
	secret := func(presented string) bool {
		c, ok := e.Credential(Inbound, m)
		h := HashSecret(presented) // hashed even when nothing can match: same work either way
		return ok && c.SecretHash != "" && presented != "" && auth.SameToken(h, c.SecretHash)
	}
	user := func(presented string) bool {
		c, _ := e.Credential(Inbound, m)
		return c.Username == "" || strings.EqualFold(c.Username, presented)
	}
	switch m {
	case AuthNone:
		return nil
	case AuthBasic:
		okUser := user(p.BasicUser)
		if okSecret := secret(p.BasicPassword); !okUser || !okSecret || p.BasicUser == "" {
			return fail("HTTP Basic user name or password not accepted")
		}
	case AuthBearer:
		if !secret(p.Bearer) {
			return fail("bearer token not accepted")
		}
	case AuthHeader:
		okUser := user(p.AccountID)
		if okSecret := secret(p.SecurityCode); !okUser || !okSecret {
			return fail("requestingAgencyAuthentication accountId or securityCode not accepted")
		}
	case AuthIP:
		if !e.ipAllowed(p.RemoteIP) {
			return fail("address " + p.RemoteIP.String() + " is not on the partner's allow list")
		}
	case AuthMTLS:
		if !slices.ContainsFunc(p.CertFingerprints, func(f string) bool {
			return slices.Contains(e.Endpoint.Auth.CertFingerprints, NormaliseFingerprint(f))
		}) {
			return fail("no client certificate with a registered fingerprint")
		}
	default:
		return fail(fmt.Sprintf("unknown method %q", m))
	}
	return nil
}

func (e *Entry) ipAllowed(ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	ip = ip.Unmap()
	for _, s := range e.Endpoint.Auth.AllowIPs {
		if pfx, err := parsePrefix(s); err == nil && pfx.Contains(ip) {
			return true
		}
	}
	return false
}

// parsePrefix reads "192.0.2.0/24" or a single address.
func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// NormaliseFingerprint writes a SHA-256 fingerprint as 64 lower-case hex
// digits ("AB:CD:..." and "abcd..." give the same).
func NormaliseFingerprint(s string) string {
	return strings.ToLower(strings.NewReplacer(":", "", " ", "", "-", "").Replace(strings.TrimSpace(s)))
}
