// Package peer is Interlend's ISO 18626 transport: the endpoint partners
// POST their messages to (one URL for every hosted library) and the client
// that sends ours, with authentication from the directory, tolerance
// profiles per partner, verbatim storage before anything is applied, and
// confirmations built from the outcome. The domain (package app) decides
// what a message means; package wire converts it to and from XML.
package peer

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"interlend/internal/app"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/peer/wire"
)

// MaxMessageBytes bounds an incoming message. The largest real ISO 18626
// messages are a few kilobytes; 1 MiB leaves room for long notes.
const MaxMessageBytes = 1 << 20

// Peer serves the endpoint and sends outgoing messages.
type Peer struct {
	app    *app.App
	client *http.Client
	ids    wire.Agencies
}

// New makes the peer and installs it as the app's transport and wire
// codec (partners hosted here then exchange real XML in-process too).
func New(a *app.App) *Peer {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 32
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	if a.Cfg.TLSCert != "" {
		// Presented only to partners whose servers ask for a client
		// certificate (mutual TLS).
		if cert, err := tls.LoadX509KeyPair(a.Cfg.TLSCert, a.Cfg.TLSKey); err == nil {
			tr.TLSClientConfig.Certificates = []tls.Certificate{cert}
		}
	}
	// Partners' servers may be signed by a consortium's own authority
	// (--peer-ca-file), trusted beside the system's roots.
	if pool, err := a.Cfg.PeerCAs(); err == nil && pool != nil {
		tr.TLSClientConfig.RootCAs = pool
	}
	p := &Peer{app: a, client: &http.Client{Transport: tr, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return errors.New("partners' endpoints must not redirect")
	}}, ids: wire.ISIL{}}
	a.Transport = p
	a.Wire = p
	return p
}

// Register mounts POST /iso18626.
func (p *Peer) Register(mux *http.ServeMux) {
	mux.Handle("POST /iso18626", http.HandlerFunc(p.serve))
	mux.Handle("GET /iso18626", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "Interlend ISO 18626 endpoint: POST ISO18626Message documents (v1.2 or 2021-2) here. See docs/partners.md.")
	}))
}

// versionOf maps a directory version to the schema version we write.
func versionOf(e directory.Entry) iso18626.Version {
	if e.Endpoint.Version == directory.Version12 {
		return iso18626.V1_2
	}
	return iso18626.V2021
}

// toleranceOf is the partner's tolerance profile (strict when unset).
func toleranceOf(e directory.Entry) iso18626.Tolerance {
	t, err := e.Endpoint.Tolerance.Parse()
	if err != nil {
		return iso18626.Tolerance{}
	}
	return t
}

func hash(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Roundtrip turns a message for a partner hosted here into the XML it
// would travel as and back, so that in-process exchanges are real ISO
// 18626 too. It returns the message as the receiver reads it and the XML.
func (p *Peer) Roundtrip(ctx context.Context, m ill.Message) (ill.Message, string, error) {
	im, err := wire.Encode(m, iso18626.V2021, p.ids)
	if err != nil {
		return ill.Message{}, "", err
	}
	raw, err := iso18626.Marshal(im)
	if err != nil {
		return ill.Message{}, "", err
	}
	parsed, _, err := iso18626.ParseWith(raw, iso18626.ParseOptions{})
	if err != nil {
		return ill.Message{}, "", err
	}
	back, err := wire.Decode(parsed, p.ids)
	return back, string(raw), err
}
