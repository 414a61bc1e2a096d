package peer_test

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"interlend/internal/config"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
)

// pTLSOut is a partner whose endpoint is HTTPS, signed by the
// consortium's own certificate authority, and requires a client
// certificate from that authority (mutual TLS, outbound).
const pTLSOut = ill.AgencyID("US-EXMTO")

// tlsPartner is a partner's HTTPS endpoint that asks for a client
// certificate signed by its CA and records who presented what.
type tlsPartner struct {
	srv     *httptest.Server
	mu      sync.Mutex
	clients []string // the client certificate's common name, per message
}

func newTLSPartner(t *testing.T, ca *testCA) *tlsPartner {
	p := &tlsPartner{}
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		in, err := iso18626.Parse(b)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		p.mu.Lock()
		p.clients = append(p.clients, r.TLS.PeerCertificates[0].Subject.CommonName)
		p.mu.Unlock()
		c, _ := iso18626.Confirm(in, time.Now())
		out, _ := iso18626.Marshal(c)
		w.Header().Set("Content-Type", "application/xml")
		_, _ = w.Write(out)
	}))
	p.srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.issue(t, "partner server", true)},
		ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: ca.pool, MinVersion: tls.VersionTLS12}
	p.srv.StartTLS()
	t.Cleanup(p.srv.Close)
	return p
}

func (p *tlsPartner) received() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.clients...)
}

// writeCAFile writes a CA bundle as --peer-ca-file takes it.
func writeCAFile(t *testing.T, ca *testCA) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "consortium-ca.pem")
	if err := os.WriteFile(f, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestOutboundMutualTLS: a partner's endpoint signed by the consortium's
// CA that requires our client certificate. With the CA in --peer-ca-file
// and our certificate in --tls-cert, messages are delivered over mutual
// TLS; without the CA, or with a certificate the partner's CA did not
// sign, nothing is delivered and the attempt records why.
func TestOutboundMutualTLS(t *testing.T) {
	t.Parallel()
	ca, stranger := newTestCA(t), newTestCA(t)
	ours := ca.issue(t, "US-EXSUP client", false)
	certFile, keyFile := writePEM(t, ours)
	strangerCert, strangerKey := writePEM(t, stranger.issue(t, "US-EXSUP other", false))
	tests := []struct {
		name      string
		caFile    bool   // give --peer-ca-file
		cert, key string // --tls-cert, --tls-key
		wantErr   string // in the message's last error; "" delivered
	}{
		{name: "CA trusted, certificate presented", caFile: true, cert: certFile, key: keyFile},
		{name: "CA not trusted", cert: certFile, key: keyFile, wantErr: "certificate signed by unknown authority"},
		{name: "certificate of another CA", caFile: true, cert: strangerCert, key: strangerKey, wantErr: "tls"},
		{name: "no client certificate", caFile: true, wantErr: "tls"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			partner := newTLSPartner(t, ca)
			caFile := ""
			if tt.caFile {
				caFile = writeCAFile(t, ca)
			}
			s := newSite(t, siteOptions{workers: 1, config: func(c *config.Config) {
				c.TLSCert, c.TLSKey, c.PeerCAFile = tt.cert, tt.key, caFile
				if err := c.Validate(); err != nil {
					t.Fatalf("configuration: %v", err)
				}
			}})
			e := directory.Entry{ID: pTLSOut, Name: "Mutual TLS partner", Status: directory.StatusActive,
				Endpoint: directory.Endpoint{URL: partner.srv.URL + "/iso18626", Version: directory.Version2021,
					Auth: directory.Auth{Inbound: []directory.AuthMethod{directory.AuthMTLS}, CertFingerprints: []string{fingerprint(ours)}, Outbound: directory.AuthNone}}}
			if _, err := s.w.App.PutDirectoryEntry(context.Background(), ill.SystemActor(), e); err != nil {
				t.Fatal(err)
			}
			r := s.borrow(t, pTLSOut, ill.Loan)
			deadline := time.Now().Add(20 * time.Second)
			for {
				s.w.App.Jobs.Kick()
				ms, err := s.w.App.RequestMessages(context.Background(), staffOf(hosted), r.PublicID)
				if err != nil {
					t.Fatal(err)
				}
				if len(ms) != 1 {
					t.Fatalf("%d messages, want the request", len(ms))
				}
				m := ms[0]
				if tt.wantErr == "" && m.Confirmation == "OK" {
					if got := partner.received(); len(got) != 1 || got[0] != "US-EXSUP client" {
						t.Errorf("the partner saw client certificates %v", got)
					}
					return
				}
				if tt.wantErr != "" && m.Attempts > 0 && m.LastError != "" {
					if !strings.Contains(m.LastError, tt.wantErr) {
						t.Errorf("last error %q, want it to mention %q", m.LastError, tt.wantErr)
					}
					if got := partner.received(); len(got) != 0 {
						t.Errorf("the partner received %d messages", len(got))
					}
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("message %+v", m)
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}

// TestPeerCAFileChecked: a bundle that is missing or holds no certificate
// stops start-up with a clear message.
func TestPeerCAFileChecked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.pem")
	if err := os.WriteFile(empty, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		filepath.Join(dir, "missing.pem"): "no such file",
		empty:                             "holds no PEM certificate",
	} {
		c := config.Defaults()
		c.PeerCAFile = file
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "--peer-ca-file") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want --peer-ca-file ... %s", filepath.Base(file), err, want)
		}
	}
}
