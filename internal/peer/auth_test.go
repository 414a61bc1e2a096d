package peer_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"interlend/internal/config"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/peer"
	"interlend/internal/peer/wire"
	"interlend/internal/server"
	"interlend/internal/store/storetest"

	"github.com/prometheus/client_golang/prometheus"
)

// authCase is one presentation of credentials to the endpoint.
type authCase struct {
	name string
	from ill.AgencyID
	v    iso18626.Version
	// account and code go in header/requestingAgencyAuthentication.
	account, code string
	opts          []postOpt
	ok            bool   // accepted; otherwise 401 and nothing stored
	challenge     string // the WWW-Authenticate header of a refusal
}

// withISOHeader writes a request carrying requestingAgencyAuthentication.
func withISOHeader(t testing.TB, m ill.Message, v iso18626.Version, account, code string) []byte {
	t.Helper()
	im, err := wire.Encode(m, v, wire.ISIL{})
	if err != nil {
		t.Fatal(err)
	}
	if account != "" || code != "" {
		im.Header().RequestingAgencyAuthentication = &iso18626.Authentication{AccountID: account, SecurityCode: code}
	}
	b, err := iso18626.Marshal(im)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// runAuthCases posts a new loan request per case and checks the outcome:
// an OK confirmation, or 401 with nothing stored.
func runAuthCases(t *testing.T, s *site, cases []authCase) {
	t.Helper()
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.v == 0 {
				c.v = iso18626.V2021
			}
			id := fmt.Sprintf("AUTH-%d-%s", i, strings.ReplaceAll(c.name, " ", "-"))
			body := withISOHeader(t, loanRequest(c.from, id, s.tick()), c.v, c.account, c.code)
			before, rejected := s.snapshot(t), s.rejected(t)
			got := s.send(t, body, append([]postOpt{credentialsOf(c.from)}, c.opts...)...)
			if c.ok {
				if !got.ok() {
					t.Fatalf("got %s, want an OK confirmation", got)
				}
				if _, err := s.w.App.LendingIDFor(context.Background(), hosted, c.from, id); err != nil {
					t.Errorf("accepted, but no lending request: %v", err)
				}
				return
			}
			if got.status != http.StatusUnauthorized {
				t.Fatalf("got %s, want 401", got)
			}
			if h := got.header.Get("WWW-Authenticate"); h != c.challenge {
				t.Errorf("WWW-Authenticate %q, want %q", h, c.challenge)
			}
			if strings.Contains(string(got.body), basicSecret) || strings.Contains(string(got.body), bearerSecret) {
				t.Errorf("the refusal repeats a secret: %s", got.body)
			}
			s.unchanged(t, before, "a refused credential")
			if n := s.rejected(t); n != rejected {
				t.Errorf("refused messages kept: %d, want %d (an unauthenticated message is not stored)", n, rejected)
			}
		})
	}
}

const basicChallenge = `Basic realm="interlend iso18626"`

// TestAuthentication checks every inbound method with the right
// credential, a wrong one and none, on both engines.
func TestAuthentication(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			s := newSite(t, siteOptions{engine: e})
			runAuthCases(t, s, []authCase{
				{name: "basic right", from: pBasic, ok: true},
				{name: "basic right v1.2", from: pBasic, v: iso18626.V1_2, ok: true},
				{name: "basic wrong password", from: pBasic, opts: []postOpt{withBasic(basicUser, "not-the-secret-at-all")}, challenge: basicChallenge},
				{name: "basic wrong user", from: pBasic, opts: []postOpt{withBasic("US-EXBEA", basicSecret)}, challenge: basicChallenge},
				{name: "basic empty user", from: pBasic, opts: []postOpt{withBasic("", basicSecret)}, challenge: basicChallenge},
				{name: "basic missing", from: pBasic, opts: []postOpt{withoutAuth()}, challenge: basicChallenge},
				{name: "basic secret as bearer", from: pBasic, opts: []postOpt{withBearer(basicSecret)}, challenge: basicChallenge},
				{name: "basic another partner's", from: pBasic, opts: []postOpt{withBasic(bipUser, bipSecret)}, challenge: basicChallenge},
				{name: "bearer right", from: pBearer, ok: true},
				{name: "bearer wrong", from: pBearer, opts: []postOpt{withBearer("exbea-bearer-token-0002")}},
				{name: "bearer missing", from: pBearer, opts: []postOpt{withoutAuth()}},
				{name: "bearer as basic password", from: pBearer, opts: []postOpt{withBasic("US-EXBEA", bearerSecret)}},
				{name: "bearer prefix only", from: pBearer, opts: []postOpt{withBearer(bearerSecret[:10])}},
				{name: "iso header right", from: pHeader, account: headerUser, code: headerSecret, ok: true},
				{name: "iso header right v1.2", from: pHeader, v: iso18626.V1_2, account: headerUser, code: headerSecret, ok: true},
				{name: "iso header account any case", from: pHeader, account: strings.ToLower(headerUser), code: headerSecret, ok: true},
				{name: "iso header wrong code", from: pHeader, account: headerUser, code: "exhdr-security-code-002"},
				{name: "iso header wrong account", from: pHeader, account: "EXHDR-2", code: headerSecret},
				{name: "iso header missing", from: pHeader},
				{name: "iso header code as bearer", from: pHeader, opts: []postOpt{withBearer(headerSecret)}},
				{name: "ip allowed", from: pIP, ok: true},
				{name: "ip not allowed", from: pIPNo},
				{name: "ip forwarded-for not trusted", from: pIPNo, opts: []postOpt{withHeader("X-Forwarded-For", "192.0.2.7")}},
				{name: "basic and ip both right", from: pBasicIP, ok: true},
				{name: "basic and ip wrong password", from: pBasicIP, opts: []postOpt{withBasic(bipUser, "wrong-password-000000")}, challenge: basicChallenge},
				{name: "mtls without tls", from: pMTLS},
				{name: "none needs nothing", from: pNone, ok: true},
				{name: "inactive partner right credential", from: pOff, opts: []postOpt{withBasic("US-EXOFF", "exoff-basic-secret-0001")}, challenge: basicChallenge},
			})
		})
	}
}

// TestAuthenticationBehindProxy runs with --trust-proxy: the address is
// X-Forwarded-For's, so "basic and ip" can be tested from both sides.
func TestAuthenticationBehindProxy(t *testing.T) {
	t.Parallel()
	s := newSite(t, siteOptions{config: func(c *config.Config) { c.TrustProxy = true }})
	from := func(ip string) postOpt { return withHeader("X-Forwarded-For", ip+", 10.0.0.1") }
	runAuthCases(t, s, []authCase{
		{name: "ip allowed via proxy", from: pIPNo, opts: []postOpt{from("192.0.2.7")}, ok: true},
		{name: "ip not allowed via proxy", from: pIP, opts: []postOpt{from("192.0.2.7")}},
		{name: "basic and ip right", from: pBasicIP, opts: []postOpt{withBasic(bipUser, bipSecret), from("127.0.0.1")}, ok: true},
		{name: "basic right ip wrong", from: pBasicIP, opts: []postOpt{withBasic(bipUser, bipSecret), from("198.51.100.4")}, challenge: basicChallenge},
		{name: "basic wrong ip right", from: pBasicIP, opts: []postOpt{withBasic(bipUser, "wrong-password-000000"), from("127.0.0.1")}, challenge: basicChallenge},
		{name: "basic missing ip right", from: pBasicIP, opts: []postOpt{withoutAuth(), from("127.0.0.1")}, challenge: basicChallenge},
	})
}

// TestMutualTLS serves the endpoint over real TLS (server.Serve with
// --tls-cert, which asks for client certificates) and checks the client
// certificate against the fingerprint registered for US-EXTLS.
func TestMutualTLS(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			ca := newTestCA(t)
			certFile, keyFile := writePEM(t, ca.issue(t, "interlend server", true))
			good, other := ca.issue(t, "US-EXTLS", false), ca.issue(t, "someone else", false)
			s := newSite(t, siteOptions{engine: e, fingerprint: fingerprint(good), config: func(c *config.Config) {
				c.TLSCert, c.TLSKey = certFile, keyFile
			}})
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			// A second server for the same app: its metrics need a registry
			// of their own.
			s.w.App.Registry = prometheus.NewRegistry()
			srv := server.New(s.w.App, peer.New(s.w.App))
			go func() { done <- srv.Serve(ctx, ln) }()
			t.Cleanup(func() { cancel(); <-done })
			tlsURL := "https://" + ln.Addr().String() + "/iso18626"
			client := func(certs ...tls.Certificate) postOpt {
				return withClient(&http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
					RootCAs: ca.pool, Certificates: certs, MinVersion: tls.VersionTLS12}}})
			}
			runAuthCases(t, s, []authCase{
				{name: "registered certificate", from: pMTLS, opts: []postOpt{withURL(tlsURL), client(good)}, ok: true},
				{name: "unregistered certificate", from: pMTLS, opts: []postOpt{withURL(tlsURL), client(other)}},
				{name: "no certificate", from: pMTLS, opts: []postOpt{withURL(tlsURL), client()}},
				{name: "registered certificate for another partner", from: pIPNo, opts: []postOpt{withURL(tlsURL), client(good)}},
				{name: "basic partner over tls", from: pBasic, opts: []postOpt{withURL(tlsURL), client()}, ok: true},
			})
		})
	}
}
