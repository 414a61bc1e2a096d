package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// OIDC is single sign-on with OpenID Connect: the authorization-code
// flow with PKCE (S256), a nonce, and the ID token verified against the
// issuer's published keys (go-oidc). One value per issuer and client.
type OIDC struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string
	// Client makes the calls to the issuer (discovery, keys, token);
	// nil is http.DefaultClient with a timeout.
	Client *http.Client
	// Now is the clock the ID token's times are checked against.
	Now func() time.Time
}

// OIDCStart is a begun sign-in: send the browser to URL and keep State,
// Nonce and Verifier (in a signed cookie) for Finish.
type OIDCStart struct {
	URL      string
	State    string
	Nonce    string
	Verifier string
}

// ErrOIDC wraps every sign-in failure (the details are for the log, not
// for the patron).
var ErrOIDC = errors.New("single sign-on failed")

var providers sync.Map // issuer → *cachedProvider

type cachedProvider struct {
	p  *oidc.Provider
	at time.Time
}

const providerTTL = time.Hour

func (o OIDC) ctx(ctx context.Context) context.Context {
	c := o.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	return oidc.ClientContext(ctx, c)
}

// provider reads (and caches for an hour) the issuer's discovery document.
func (o OIDC) provider(ctx context.Context) (*oidc.Provider, error) {
	if v, ok := providers.Load(o.Issuer); ok {
		cp := v.(*cachedProvider)
		if time.Since(cp.at) < providerTTL {
			return cp.p, nil
		}
	}
	p, err := oidc.NewProvider(o.ctx(ctx), o.Issuer)
	if err != nil {
		return nil, fmt.Errorf("%w: discovery at %s: %v", ErrOIDC, o.Issuer, err)
	}
	providers.Store(o.Issuer, &cachedProvider{p: p, at: time.Now()})
	return p, nil
}

func (o OIDC) config(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: o.ClientID, ClientSecret: o.ClientSecret, RedirectURL: o.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile", "email"}}
}

// Begin starts a sign-in: fresh state, nonce and PKCE verifier, and the
// issuer's authorization URL carrying them.
func (o OIDC) Begin(ctx context.Context) (OIDCStart, error) {
	p, err := o.provider(ctx)
	if err != nil {
		return OIDCStart{}, err
	}
	s := OIDCStart{State: NewToken(""), Nonce: NewToken(""), Verifier: oauth2.GenerateVerifier()}
	s.URL = o.config(p).AuthCodeURL(s.State, oidc.Nonce(s.Nonce), oauth2.S256ChallengeOption(s.Verifier))
	return s, nil
}

// Finish exchanges the code (with the PKCE verifier), verifies the ID
// token (issuer, audience, expiry, signature, nonce) and returns its
// claims. Errors wrap ErrOIDC.
func (o OIDC) Finish(ctx context.Context, code, verifier, nonce string) (map[string]any, error) {
	if code == "" {
		return nil, fmt.Errorf("%w: no code", ErrOIDC)
	}
	p, err := o.provider(ctx)
	if err != nil {
		return nil, err
	}
	tok, err := o.config(p).Exchange(o.ctx(ctx), code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, fmt.Errorf("%w: token exchange: %v", ErrOIDC, err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return nil, fmt.Errorf("%w: no id_token in the token response", ErrOIDC)
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: o.ClientID, Now: now}).Verify(o.ctx(ctx), raw)
	if err != nil {
		return nil, fmt.Errorf("%w: id token: %v", ErrOIDC, err)
	}
	if nonce == "" || !SameToken(idt.Nonce, nonce) {
		return nil, fmt.Errorf("%w: the nonce does not match", ErrOIDC)
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrOIDC, err)
	}
	return claims, nil
}
