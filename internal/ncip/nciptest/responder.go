// Package nciptest is a small but real NCIP responder for tests: an
// http.Handler that reads NCIP XML, keeps an in-memory ILS (users, items,
// loans, requests, temporary items made by AcceptItem), answers per the
// schema, records every call, and misbehaves on demand (Problems, HTTP 503,
// dropped connections, slow answers, garbage bodies).
//
// A Responder is safe for concurrent use. Set its exported fields before it
// serves its first request.
package nciptest

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"interlend/internal/ncip"
)

// maxRequestBytes bounds the request body the Responder reads.
const maxRequestBytes = 1 << 20

// Responder is an NCIP responder over an in-memory ILS.
type Responder struct {
	// Agency is the ILS's agency id: answers come from it, and requests
	// addressed (ToAgencyId) to another agency get Unknown Agency.
	Agency string
	// LoanPeriod is the loan length when no due date is asked for; 0
	// means 28 days.
	LoanPeriod time.Duration
	// MaxRenewals limits RenewItem; 0 means no limit.
	MaxRenewals int
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu       sync.Mutex
	users    map[string]*User
	items    map[string]*Item
	loans    map[string]*Loan // by item barcode
	requests []*Request
	accepted map[string]string // AcceptItem request key -> item barcode
	calls    []Call
	faults   []*scripted
	seq      int

	basicUser, basicPassword string
	bearerToken              string
	agencySecret             string

	closeOnce sync.Once
	closed    chan struct{}
}

// New is an empty ILS answering as agency.
func New(agency string) *Responder {
	return &Responder{
		Agency:   agency,
		users:    map[string]*User{},
		items:    map[string]*Item{},
		loans:    map[string]*Loan{},
		accepted: map[string]string{},
		closed:   make(chan struct{}),
	}
}

// RequireBasicAuth makes the Responder answer 401 to requests without
// these HTTP Basic credentials.
func (r *Responder) RequireBasicAuth(user, password string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.basicUser, r.basicPassword = user, password
}

// RequireBearer makes the Responder answer 401 to requests without this
// bearer token.
func (r *Responder) RequireBearer(token string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bearerToken = token
}

// RequireAgencyAuthentication makes the Responder answer Agency
// Authentication Failed unless the InitiationHeader carries secret as
// FromAgencyAuthentication.
func (r *Responder) RequireAgencyAuthentication(secret string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.agencySecret = secret
}

// Close releases every handler held by a FaultSlow. It is idempotent.
func (r *Responder) Close() { r.closeOnce.Do(func() { close(r.closed) }) }

// Server is a Responder behind an httptest.Server.
type Server struct {
	*Responder
	HTTP *httptest.Server
	URL  string
}

// NewServer starts a Responder for agency on a local HTTP server that is
// closed (after releasing slow handlers) when the test ends.
func NewServer(tb testing.TB, agency string) *Server {
	tb.Helper()
	r := New(agency)
	hs := httptest.NewServer(r)
	tb.Cleanup(func() {
		r.Close()
		hs.Close()
	})
	return &Server{Responder: r, HTTP: hs, URL: hs.URL}
}

// Client is an ncip.Client for this server, calling as fromAgency.
func (s *Server) Client(fromAgency string) *ncip.Client {
	return &ncip.Client{Endpoint: s.URL, FromAgency: fromAgency, ToAgency: s.Agency, HTTP: s.HTTP.Client()}
}

// ServeHTTP answers one NCIP request.
func (r *Responder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "NCIP responder: POST an NCIPMessage", http.StatusMethodNotAllowed)
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxRequestBytes))
	if err != nil {
		http.Error(w, "request body too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	call := Call{Auth: presentedAuth(req)}
	// Deferred so that a dropped connection (which may panic with
	// http.ErrAbortHandler) is recorded too.
	defer func() { r.record(&call) }()
	msg, parseErr := ncip.Unmarshal(data)
	var in ncip.Initiation
	if parseErr == nil {
		call.Version = msg.Version
		if in, _ = msg.Body.(ncip.Initiation); in != nil {
			keys(&call, in)
		}
	}
	if !r.httpAuthOK(req) {
		w.Header().Set("WWW-Authenticate", `Basic realm="ncip"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		call.HTTPStatus = http.StatusUnauthorized
		return
	}
	f, faulty := r.takeFault(call.Service)
	if faulty {
		call.Fault = f.Kind
		if done := r.misbehave(w, req, f, &call); done {
			return
		}
	}
	version := ncip.V2_02
	if parseErr == nil && msg.Version != "" {
		version = msg.Version // answer in the initiator's version
	}
	var answer *ncip.Message
	switch {
	case parseErr != nil:
		answer = bareProblem(version, parseErr, &call)
	case in == nil:
		// A response or a bare Problem sent to the responder.
		call.Problem = ncip.ProtocolError
		answer = &ncip.Message{Version: version, Problems: []ncip.Problem{
			ncip.NewProblem("", ncip.ProtocolError, "NCIPMessage", "", "not an initiation message"),
		}}
	case faulty && f.Kind == FaultProblem:
		answer = &ncip.Message{Version: version, Body: r.scriptedProblem(in, f.Problem, &call)}
	default:
		answer = &ncip.Message{Version: version, Body: r.answer(in, version, &call)}
	}
	r.write(w, answer, &call)
}

func presentedAuth(req *http.Request) string {
	if u, _, ok := req.BasicAuth(); ok {
		return "basic:" + u
	}
	if strings.HasPrefix(req.Header.Get("Authorization"), "Bearer ") {
		return "bearer"
	}
	return ""
}

func (r *Responder) httpAuthOK(req *http.Request) bool {
	r.mu.Lock()
	basicUser, basicPassword, bearer := r.basicUser, r.basicPassword, r.bearerToken
	r.mu.Unlock()
	if basicUser != "" {
		u, p, ok := req.BasicAuth()
		if !ok || u != basicUser || p != basicPassword {
			return false
		}
	}
	if bearer != "" && req.Header.Get("Authorization") != "Bearer "+bearer {
		return false
	}
	return true
}

// misbehave applies a transport-level fault. It reports whether the
// request is finished (nothing more to write).
func (r *Responder) misbehave(w http.ResponseWriter, req *http.Request, f Fault, call *Call) bool {
	switch f.Kind {
	case FaultUnavailable:
		http.Error(w, "ILS down for maintenance", http.StatusServiceUnavailable)
		call.HTTPStatus = http.StatusServiceUnavailable
		return true
	case FaultCloseConnection:
		// Record before dropping the connection: the client sees the error
		// at once, and a test may count calls before this handler ends.
		r.record(call)
		closeConnection(w)
		return true
	case FaultGarbage:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "Proxy error: upstream sent an invalid response\n")
		call.HTTPStatus = http.StatusOK
		return true
	case FaultSlow:
		if f.Entered != nil {
			select {
			case f.Entered <- *call:
			case <-f.Release:
			case <-req.Context().Done():
			case <-r.closed:
			}
		}
		select {
		case <-f.Release:
		case <-r.closed:
		case <-req.Context().Done():
		}
		// If the client gave up there is nobody to answer.
		return req.Context().Err() != nil
	}
	return false
}

// closeConnection drops the connection without writing a response.
func closeConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// bareProblem answers a message that could not be parsed with a
// message-level Problem.
func bareProblem(v ncip.Version, err error, call *Call) *ncip.Message {
	t := ncip.InvalidMessageSyntaxError
	if errors.Is(err, ncip.ErrUnsupportedService) {
		t = ncip.UnsupportedService
	}
	call.Problem = t
	return &ncip.Message{Version: v, Problems: []ncip.Problem{ncip.NewProblem("", t, "NCIPMessage", "", err.Error())}}
}

func (r *Responder) write(w http.ResponseWriter, m *ncip.Message, call *Call) {
	data, err := ncip.Marshal(m)
	if err != nil {
		http.Error(w, fmt.Sprintf("responder cannot marshal its answer: %v", err), http.StatusInternalServerError)
		call.HTTPStatus = http.StatusInternalServerError
		return
	}
	w.Header().Set("Content-Type", ncip.ContentType)
	_, _ = w.Write(data)
	call.HTTPStatus = http.StatusOK
}
