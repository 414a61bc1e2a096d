package peer_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"interlend/internal/apptest"
	"interlend/internal/config"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/peer/wire"
	"interlend/internal/store"
	"interlend/internal/testenv"
)

// A site is one Interlend (one app, one database) hosting US-EXSUP, with
// partners in its directory, one for each way of authenticating. The
// partners do not run Interlend: tests speak for them by posting XML to
// the site's endpoint over real HTTP, and a fakePartner receives what the
// site sends to US-EXREQ.
const (
	hosted  = ill.AgencyID("US-EXSUP") // the library the site hosts
	hosted2 = ill.AgencyID("US-EXCOL") // a second hosted library

	pBasic   = ill.AgencyID("US-EXREQ") // HTTP Basic (the demo's partner)
	pBearer  = ill.AgencyID("US-EXBEA") // bearer token
	pHeader  = ill.AgencyID("US-EXHDR") // ISO 18626 requestingAgencyAuthentication
	pIP      = ill.AgencyID("US-EXIPA") // source-IP allow list only (allowIP)
	pIPNo    = ill.AgencyID("US-EXIPN") // source-IP allow list 192.0.2.0/24 only
	pNone    = ill.AgencyID("US-EXNON") // no authentication (closed network)
	pMTLS    = ill.AgencyID("US-EXTLS") // client certificate only
	pBasicIP = ill.AgencyID("US-EXBIP") // Basic and IP, both required
	pOff     = ill.AgencyID("US-EXOFF") // inactive partner
	pLenient = ill.AgencyID("US-EXLEN") // Basic, tolerance "lenient"
)

// Credentials the partners present.
const (
	basicUser    = "US-EXREQ"
	basicSecret  = "exreq-basic-secret-0001"
	bearerSecret = "exbea-bearer-token-0001"
	headerUser   = "EXHDR-1"
	headerSecret = "exhdr-security-code-001"
	bipUser      = "US-EXBIP"
	bipSecret    = "exbip-basic-secret-0001"
	lenUser      = "US-EXLEN"
	lenSecret    = "exlen-basic-secret-0001"
)

type siteOptions struct {
	engine  store.Engine
	workers int
	// version is what the site writes to US-EXREQ (default 2021).
	version string
	// tolerance is US-EXREQ's tolerance profile (default strict).
	tolerance directory.Tolerance
	// allowIP is the allow list of the IP partners (default 127.0.0.1).
	allowIP     string
	fingerprint string // registered for US-EXTLS (default: none usable)
	config      func(*config.Config)
	// deliveryHosts are US-EXREQ's delivery hosts.
	deliveryHosts []string
	// partnerHost replaces 127.0.0.1 in US-EXREQ's endpoint URL (an
	// endpoint's host may deliver files too).
	partnerHost string
}

type site struct {
	w       *apptest.World
	partner *fakePartner
	http    *http.Client
	url     string // the endpoint
}

func newSite(t testing.TB, o siteOptions) *site {
	t.Helper()
	if o.version == "" {
		o.version = directory.Version2021
	}
	if o.allowIP == "" {
		o.allowIP = "127.0.0.1"
	}
	if o.fingerprint == "" {
		o.fingerprint = strings.Repeat("ab", 32)
	}
	w := apptest.New(t, apptest.Options{Engine: o.engine, Workers: o.workers, Config: o.config})
	w.Agency(t, hosted, "Example State University Library")
	w.Agency(t, hosted2, "Example College Library")
	fp := newFakePartner(t)
	s := &site{w: w, partner: fp, http: &http.Client{Timeout: 60 * time.Second}, url: w.URL + "/iso18626"}
	ctx := context.Background()
	put := func(e directory.Entry, creds ...directory.Credential) {
		t.Helper()
		e.Name = string(e.ID) + " Library"
		e.Status = orStatus(e.Status)
		if e.Endpoint.Version == "" {
			e.Endpoint.Version = o.version
		}
		e.Credentials = creds
		if _, err := w.App.PutDirectoryEntry(ctx, ill.SystemActor(), e); err != nil {
			t.Fatalf("directory entry %s: %v", e.ID, err)
		}
	}
	in := func(m directory.AuthMethod, user, secret string) directory.Credential {
		return directory.Credential{Direction: directory.Inbound, Method: m, Username: user, Secret: secret}
	}
	auth := func(ms ...directory.AuthMethod) directory.Auth {
		return directory.Auth{Inbound: ms, Outbound: directory.AuthBasic}
	}
	partnerURL := fp.srv.URL + "/iso18626"
	if o.partnerHost != "" {
		partnerURL = strings.Replace(partnerURL, "127.0.0.1", o.partnerHost, 1)
	}
	put(directory.Entry{ID: pBasic, Endpoint: directory.Endpoint{URL: partnerURL, Version: o.version, Auth: auth(directory.AuthBasic), Tolerance: o.tolerance},
		DeliveryHosts: o.deliveryHosts},
		in(directory.AuthBasic, basicUser, basicSecret),
		directory.Credential{Direction: directory.Outbound, Method: directory.AuthBasic, Username: "US-EXSUP", Secret: "what-we-present-to-exreq"})
	put(directory.Entry{ID: pBearer, Endpoint: directory.Endpoint{Auth: auth(directory.AuthBearer)}}, in(directory.AuthBearer, "", bearerSecret))
	put(directory.Entry{ID: pHeader, Endpoint: directory.Endpoint{Auth: auth(directory.AuthHeader)}}, in(directory.AuthHeader, headerUser, headerSecret))
	put(directory.Entry{ID: pIP, Endpoint: directory.Endpoint{Auth: directory.Auth{Inbound: []directory.AuthMethod{directory.AuthIP}, AllowIPs: []string{o.allowIP}}}})
	put(directory.Entry{ID: pIPNo, Endpoint: directory.Endpoint{Auth: directory.Auth{Inbound: []directory.AuthMethod{directory.AuthIP}, AllowIPs: []string{"192.0.2.0/24"}}}})
	put(directory.Entry{ID: pNone, Endpoint: directory.Endpoint{Auth: directory.Auth{Inbound: []directory.AuthMethod{directory.AuthNone}}}})
	put(directory.Entry{ID: pMTLS, Endpoint: directory.Endpoint{Auth: directory.Auth{Inbound: []directory.AuthMethod{directory.AuthMTLS}, CertFingerprints: []string{o.fingerprint}}}})
	put(directory.Entry{ID: pBasicIP, Endpoint: directory.Endpoint{Auth: directory.Auth{Inbound: []directory.AuthMethod{directory.AuthBasic, directory.AuthIP}, AllowIPs: []string{o.allowIP}}}},
		in(directory.AuthBasic, bipUser, bipSecret))
	put(directory.Entry{ID: pOff, Status: directory.StatusInactive, Endpoint: directory.Endpoint{Auth: auth(directory.AuthBasic)}}, in(directory.AuthBasic, "US-EXOFF", "exoff-basic-secret-0001"))
	put(directory.Entry{ID: pLenient, Endpoint: directory.Endpoint{Auth: auth(directory.AuthBasic), Tolerance: directory.Tolerance{directory.ToleranceLenient}}},
		in(directory.AuthBasic, lenUser, lenSecret))
	return s
}

func orStatus(s directory.Status) directory.Status {
	if s == "" {
		return directory.StatusActive
	}
	return s
}

// reply is the endpoint's answer.
type reply struct {
	status int
	body   []byte
	header http.Header
	conf   *iso18626.Message // the confirmation, when the answer is one
}

// ok reports an OK confirmation.
func (r reply) ok() bool {
	return r.conf != nil && r.conf.ConfirmationHeader().MessageStatus == iso18626.MessageOK
}

// errorData is the first errorData of the confirmation.
func (r reply) errorData() iso18626.ErrorData {
	if r.conf == nil {
		return iso18626.ErrorData{}
	}
	if es := r.conf.ErrorData(); len(es) > 0 {
		return es[0]
	}
	return iso18626.ErrorData{}
}

func (r reply) String() string {
	if r.conf != nil {
		if r.ok() {
			return fmt.Sprintf("%d OK", r.status)
		}
		e := r.errorData()
		return fmt.Sprintf("%d ERROR %s %s", r.status, e.ErrorType, e.ErrorValue)
	}
	return fmt.Sprintf("%d %s", r.status, strings.TrimSpace(string(r.body)))
}

// post is one HTTP exchange with the endpoint. Without options it
// presents US-EXREQ's Basic credential with Content-Type application/xml.
type post struct {
	method      string
	contentType string
	noAuth      bool
	basic       *[2]string
	header      http.Header
	client      *http.Client
	url         string
	chunked     bool
}

type postOpt func(*post)

func withBasic(user, pw string) postOpt {
	return func(p *post) { p.basic = &[2]string{user, pw}; p.header.Del("Authorization") }
}
func withoutAuth() postOpt {
	return func(p *post) { p.noAuth, p.basic = true, nil; p.header.Del("Authorization") }
}
func withHeader(k, v string) postOpt {
	return func(p *post) { p.header.Add(k, v) }
}
func withBearer(tok string) postOpt {
	return func(p *post) { p.noAuth, p.basic = true, nil; p.header.Set("Authorization", "Bearer "+tok) }
}
func withContentType(ct string) postOpt { return func(p *post) { p.contentType = ct } }
func withMethod(m string) postOpt       { return func(p *post) { p.method = m } }
func withClient(c *http.Client) postOpt { return func(p *post) { p.client = c } }
func withURL(u string) postOpt          { return func(p *post) { p.url = u } }
func withChunked() postOpt              { return func(p *post) { p.chunked = true } }

// credentialsOf is the right credential of one of the site's partners.
func credentialsOf(id ill.AgencyID) postOpt {
	switch id {
	case pBearer:
		return withBearer(bearerSecret)
	case pBasicIP:
		return withBasic(bipUser, bipSecret)
	case pLenient:
		return withBasic(lenUser, lenSecret)
	case pIP, pIPNo, pMTLS, pHeader, pNone:
		return withoutAuth() // the header credential travels in the XML
	}
	return withBasic(basicUser, basicSecret)
}

// send posts body to the site's endpoint and fails the test when the
// exchange itself fails.
func (s *site) send(t testing.TB, body []byte, opts ...postOpt) reply {
	t.Helper()
	r, err := s.try(body, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// try posts body to the site's endpoint; the error is for an exchange
// that failed (no answer, or XML that is not a strict confirmation). It
// is safe in any goroutine.
func (s *site) try(body []byte, opts ...postOpt) (reply, error) {
	p := post{method: http.MethodPost, contentType: `application/xml; charset="utf-8"`, header: http.Header{}, client: s.http, url: s.url}
	for _, o := range opts {
		o(&p)
	}
	var rd io.Reader = bytes.NewReader(body)
	if p.chunked {
		rd = io.MultiReader(bytes.NewReader(body)) // no length: sent chunked
	}
	req, err := http.NewRequest(p.method, p.url, rd)
	if err != nil {
		return reply{}, err
	}
	if p.contentType != "" {
		req.Header.Set("Content-Type", p.contentType)
	}
	switch {
	case p.basic != nil:
		req.SetBasicAuth(p.basic[0], p.basic[1])
	case !p.noAuth:
		req.SetBasicAuth(basicUser, basicSecret)
	}
	for k, vs := range p.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return reply{}, fmt.Errorf("%s %s: %w", p.method, p.url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	r := reply{status: resp.StatusCode, body: b, header: resp.Header}
	if resp.StatusCode == http.StatusOK && strings.Contains(resp.Header.Get("Content-Type"), "xml") {
		m, err := iso18626.Parse(b)
		if err != nil {
			return r, fmt.Errorf("the endpoint answered with XML that does not parse strictly: %w\n%s", err, b)
		}
		if m.ConfirmationHeader() == nil {
			return r, fmt.Errorf("the endpoint answered with a message that is not a confirmation:\n%s", b)
		}
		r.conf = m
	}
	return r, nil
}

// sendMessage writes a domain message as ISO 18626 (what a correct
// partner would send) and posts it with the sender's credentials.
func (s *site) sendMessage(t testing.TB, m ill.Message, v iso18626.Version, opts ...postOpt) reply {
	t.Helper()
	return s.send(t, encode(t, m, v), append([]postOpt{credentialsOf(senderID(m))}, opts...)...)
}

func senderID(m ill.Message) ill.AgencyID {
	if m.Kind == ill.MsgSAM {
		return m.Supplier
	}
	return m.Requester
}

func encode(t testing.TB, m ill.Message, v iso18626.Version) []byte {
	t.Helper()
	im, err := wire.Encode(m, v, wire.ISIL{})
	if err != nil {
		t.Fatalf("encode %s: %v", m.Kind, err)
	}
	b, err := iso18626.Marshal(im)
	if err != nil {
		t.Fatalf("marshal %s: %v", m.Kind, err)
	}
	return b
}

// checkConfirmationXSD validates a confirmation against its version's
// schema (every confirmation the endpoint writes must).
func checkConfirmationXSD(t testing.TB, r reply) {
	t.Helper()
	if r.conf == nil {
		return
	}
	testenv.ValidateXSD(t, schemaFor(t, r.conf.Version), r.body)
}

func schemaFor(t testing.TB, v iso18626.Version) string {
	if v == iso18626.V1_2 {
		return testenv.Standards(t, "iso18626", "ISO-18626-v1_2.xsd")
	}
	return testenv.Standards(t, "iso18626", "ISO-18626-2021-2.xsd")
}

// fakePartner is US-EXREQ's ISO 18626 endpoint: it keeps what the site
// sends and confirms it OK in the message's version.
type fakePartner struct {
	srv *httptest.Server
	mu  sync.Mutex
	got [][]byte
}

func newFakePartner(t testing.TB) *fakePartner {
	fp := &fakePartner{}
	fp.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fp.mu.Lock()
		fp.got = append(fp.got, b)
		fp.mu.Unlock()
		in, err := iso18626.Parse(b)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c, err := iso18626.Confirm(in, time.Now())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		out, err := iso18626.Marshal(c)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		_, _ = w.Write(out)
	}))
	t.Cleanup(fp.srv.Close)
	return fp
}

// received returns copies of what the partner got so far.
func (fp *fakePartner) received() [][]byte {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	return append([][]byte(nil), fp.got...)
}

// waitReceived waits until the partner got n messages.
func (fp *fakePartner) waitReceived(t testing.TB, s *site, n int) [][]byte {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s.w.App.Jobs.Kick()
		if got := fp.received(); len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("the partner received %d messages, want %d", len(fp.received()), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// checkEmittedXSD validates everything the site sent to the partner.
func (fp *fakePartner) checkEmittedXSD(t testing.TB) {
	t.Helper()
	for _, b := range fp.received() {
		m, err := iso18626.Parse(b)
		if err != nil {
			t.Fatalf("we sent a message that does not parse strictly: %v\n%s", err, b)
		}
		testenv.ValidateXSD(t, schemaFor(t, m.Version), b)
	}
}

func staffOf(ag ill.AgencyID) ill.Actor {
	return ill.Actor{Kind: ill.ActorStaff, Name: "Staff " + string(ag), Agency: ag, Grants: ill.Grants{{Agency: ag, Role: ill.RoleManager}}}
}
