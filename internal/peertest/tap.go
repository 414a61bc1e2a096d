package peertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Exchange is one HTTP exchange through a Tap: a message posted to the
// process behind it and what came back.
type Exchange struct {
	Seq      int       // position in the tap's log, from 0
	To       string    // the node the message was for
	Sent     time.Time // when the tap received the message
	Answered time.Time // when the answer came back (zero while in flight or on failure)
	Body     []byte    // the message as posted
	Key      string    // its Idempotency-Key header
	Status   int       // HTTP status given to the sender (502 when the node was down)
	Reply    []byte    // the answer (a confirmation) as given to the sender
	Msg      Message   // what Body says
	Conf     Confirmation
}

// Delivered reports whether the node confirmed the message without error.
func (e *Exchange) Delivered() bool {
	return !e.Answered.IsZero() && e.Status == http.StatusOK && e.Conf.OK
}

// Tap is a recording relay in front of one node's HTTP address (or
// several, taken in turn: nodes sharing one database).
type Tap struct {
	name  string
	srv   *httptest.Server
	hc    *http.Client
	mu    sync.Mutex
	ups   []string
	next  int
	log   []*Exchange
	byID  map[string][]*Exchange // by requestingAgencyRequestId
	wake  chan struct{}          // closed and replaced when the log changes
	holds []*Hold
}

// NewTap starts a relay for the node called name; SetUpstreams says where
// it forwards to.
func NewTap(tb testing.TB, name string) *Tap {
	tb.Helper()
	t := &Tap{name: name, wake: make(chan struct{}), byID: map[string][]*Exchange{}}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	t.hc = &http.Client{Transport: tr, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.srv = httptest.NewServer(http.HandlerFunc(t.serve))
	tb.Cleanup(func() {
		t.ReleaseAll()
		t.srv.Close()
		tr.CloseIdleConnections()
	})
	return t
}

// URL is the relay's base URL (partners post to URL + "/iso18626").
func (t *Tap) URL() string { return t.srv.URL }

// SetUpstreams sets the base URLs the relay forwards to, in turn.
func (t *Tap) SetUpstreams(urls ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ups = append([]string(nil), urls...)
}

func (t *Tap) upstream() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.ups) == 0 {
		return ""
	}
	u := t.ups[t.next%len(t.ups)]
	t.next++
	return u
}

func (t *Tap) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		http.Error(w, "relay: reading the body: "+err.Error(), http.StatusBadRequest)
		return
	}
	ex := &Exchange{To: t.name, Sent: time.Now(), Body: body, Key: r.Header.Get("Idempotency-Key"), Msg: Summarise(body)}
	t.mu.Lock()
	ex.Seq = len(t.log)
	t.log = append(t.log, ex)
	t.byID[ex.Msg.RequesterID] = append(t.byID[ex.Msg.RequesterID], ex)
	var held *Hold
	for _, h := range t.holds {
		if !h.released && h.match(ex.Msg) {
			held = h
			h.waiting++
			break
		}
	}
	t.changed()
	t.mu.Unlock()
	if held != nil {
		select {
		case <-held.done:
		case <-r.Context().Done():
		}
	}
	// A message held while its sender died still arrives (the network
	// delivered it; only the answer is lost), as a real network may do.
	status, header, reply := t.forward(context.WithoutCancel(r.Context()), r, body)
	t.mu.Lock()
	ex.Status, ex.Reply = status, reply
	if status == http.StatusOK {
		ex.Conf = SummariseConfirmation(reply)
	}
	ex.Answered = time.Now()
	t.changed()
	t.mu.Unlock()
	for _, k := range []string{"Content-Type", "WWW-Authenticate"} {
		if v := header.Get(k); v != "" {
			w.Header().Set(k, v)
		}
	}
	w.WriteHeader(status)
	_, _ = w.Write(reply)
}

// forward posts body to the next upstream; a node that does not answer
// is a 502, as a load balancer would say.
func (t *Tap) forward(ctx context.Context, r *http.Request, body []byte) (int, http.Header, []byte) {
	up := t.upstream()
	if up == "" {
		return http.StatusBadGateway, http.Header{}, []byte("relay: no upstream")
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, up+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return http.StatusBadGateway, http.Header{}, []byte(err.Error())
	}
	for _, k := range []string{"Content-Type", "Authorization", "Idempotency-Key"} {
		if v := r.Header.Get(k); v != "" {
			req.Header.Set(k, v)
		}
	}
	resp, err := t.hc.Do(req)
	if err != nil {
		return http.StatusBadGateway, http.Header{}, []byte("relay: " + err.Error())
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(resp.Body)
	if err != nil {
		return http.StatusBadGateway, http.Header{}, []byte("relay: " + err.Error())
	}
	return resp.StatusCode, resp.Header, reply
}

// changed wakes the waiters; t.mu is held.
func (t *Tap) changed() {
	close(t.wake)
	t.wake = make(chan struct{})
}

// Log is a copy of every exchange so far.
func (t *Tap) Log() []Exchange {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Exchange, len(t.log))
	for i, e := range t.log {
		out[i] = *e
	}
	return out
}

// Len is the number of exchanges so far (a mark for Wait).
func (t *Tap) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.log)
}

// ErrTimeout is returned by Await when nothing matched in time.
var ErrTimeout = errors.New("peertest: timed out")

// Await returns the first exchange from position `from` on that match
// says is the one, waiting up to limit for it. match sees exchanges as
// they are; most callers want Delivered ones.
func (t *Tap) Await(from int, limit time.Duration, match func(*Exchange) bool) (Exchange, error) {
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for {
		t.mu.Lock()
		for i := from; i < len(t.log); i++ {
			if match(t.log[i]) {
				e := *t.log[i]
				t.mu.Unlock()
				return e, nil
			}
		}
		wake := t.wake
		t.mu.Unlock()
		select {
		case <-wake:
		case <-deadline.C:
			return Exchange{}, ErrTimeout
		}
	}
}

// AwaitAbout is Await over the exchanges of one request (by its
// requestingAgencyRequestId), for callers with many requests at once.
func (t *Tap) AwaitAbout(requesterID string, limit time.Duration, match func(*Exchange) bool) (Exchange, error) {
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for {
		t.mu.Lock()
		for _, e := range t.byID[requesterID] {
			if match(e) {
				out := *e
				t.mu.Unlock()
				return out, nil
			}
		}
		wake := t.wake
		t.mu.Unlock()
		select {
		case <-wake:
		case <-deadline.C:
			return Exchange{}, ErrTimeout
		}
	}
}

// Wait is Await for a message delivered to this tap's node, failing the
// test after limit.
func (t *Tap) Wait(tb testing.TB, from int, limit time.Duration, what string, match func(Message) bool) Exchange {
	tb.Helper()
	e, err := t.Await(from, limit, func(e *Exchange) bool { return e.Delivered() && match(e.Msg) })
	if err != nil {
		tb.Fatalf("no %s delivered to %s within %s; seen:\n%s", what, t.name, limit, t.describe(from))
	}
	return e
}

func (t *Tap) describe(from int) string {
	var b bytes.Buffer
	for _, e := range t.Log()[from:] {
		fmt.Fprintf(&b, "  #%d %s -> %d %s\n", e.Seq, e.Msg, e.Status, e.Conf)
	}
	return b.String()
}

// Hold holds back messages through a tap until released.
type Hold struct {
	tap      *Tap
	match    func(Message) bool
	done     chan struct{}
	released bool
	waiting  int
}

// Hold makes the relay keep messages that match in flight (the sender
// waits for its answer) until Release: a slow network on one path.
func (t *Tap) Hold(match func(Message) bool) *Hold {
	h := &Hold{tap: t, match: match, done: make(chan struct{})}
	t.mu.Lock()
	t.holds = append(t.holds, h)
	t.mu.Unlock()
	return h
}

// Waiting is how many messages the hold has caught.
func (h *Hold) Waiting() int {
	h.tap.mu.Lock()
	defer h.tap.mu.Unlock()
	return h.waiting
}

// Release lets the held messages go on and stops holding.
func (h *Hold) Release() {
	h.tap.mu.Lock()
	defer h.tap.mu.Unlock()
	if !h.released {
		h.released = true
		close(h.done)
	}
}

// ReleaseAll releases every hold.
func (t *Tap) ReleaseAll() {
	t.mu.Lock()
	holds := append([]*Hold(nil), t.holds...)
	t.mu.Unlock()
	for _, h := range holds {
		h.Release()
	}
}
