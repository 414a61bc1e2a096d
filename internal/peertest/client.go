package peertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"interlend/internal/api"
	"interlend/internal/ill"
)

// Client is one member of staff working in one library through the JSON
// API, with a web session (cookie and CSRF token). With several serve
// processes it takes them in turn.
type Client struct {
	Agency ill.AgencyID
	node   *Node
	hc     *http.Client
	csrf   string
	turn   atomic.Int64
}

// Request is a request as the API shows it.
type Request = api.RequestView

// APIError is an API call that did not succeed.
type APIError struct {
	Status int
	Body   string
	Err    error // transport failure (the process is down)
}

func (e *APIError) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	return fmt.Sprintf("HTTP %d: %s", e.Status, e.Body)
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

// login opens a web session for lib's staff account.
func (nd *Node) login(tb testing.TB, lib ill.AgencyID) *Client {
	tb.Helper()
	return nd.signIn(tb, lib, "/login", staffEmail(lib), Password, "/")
}

// PortalLogin opens a patron portal session for the login email (a
// patron account of the node's library): GetPage and PostForm then act as
// that patron.
func (nd *Node) PortalLogin(tb testing.TB, email, password string) *Client {
	tb.Helper()
	return nd.signIn(tb, "", "/portal/login", email, password, "/portal")
}

// signIn logs in through a login page and keeps the session and the
// page's CSRF token.
func (nd *Node) signIn(tb testing.TB, lib ill.AgencyID, loginPath, email, password, next string) *Client {
	tb.Helper()
	jar, _ := cookiejar.New(nil)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	c := &Client{Agency: lib, node: nd, hc: &http.Client{Jar: jar, Transport: tr, Timeout: 60 * time.Second}}
	tb.Cleanup(tr.CloseIdleConnections)
	base := nd.URL(0)
	resp, err := c.hc.Get(base + loginPath)
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	u, _ := url.Parse(base)
	pre := ""
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "interlend_pre" {
			pre = ck.Value
		}
	}
	form := url.Values{"email": {email}, "password": {password}, "csrf": {pre}, "next": {next}}
	resp, err = c.hc.PostForm(base+loginPath, form)
	if err != nil {
		tb.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfMeta.FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		tb.Fatalf("login as %s on %s: %d\n%.500s", email, nd.Spec.Name, resp.StatusCode, page)
	}
	c.csrf = string(m[1])
	// Cookies set for one replica's address are sent to the others too.
	for i := 1; i < len(nd.addrs); i++ {
		v, _ := url.Parse(nd.URL(i))
		jar.SetCookies(v, jar.Cookies(u))
	}
	return c
}

func (c *Client) base() string {
	n := int(c.turn.Add(1)) % len(c.node.addrs)
	return c.node.URL(n)
}

// Call makes one API call; out, when not nil, receives the JSON answer.
func (c *Client) Call(method, path string, body, out any) *APIError {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return &APIError{Err: err}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base()+path, rd)
	if err != nil {
		return &APIError{Err: err}
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("X-CSRF-Token", c.csrf)
	resp, err := c.hc.Do(req)
	if err != nil {
		return &APIError{Err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return &APIError{Err: err}
	}
	if resp.StatusCode/100 != 2 {
		return &APIError{Status: resp.StatusCode, Body: string(raw)}
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return &APIError{Status: resp.StatusCode, Body: string(raw), Err: err}
		}
	}
	return nil
}

// Create makes a borrowing request (the JSON of app.NewRequest).
func (c *Client) Create(tb testing.TB, in any) Request {
	tb.Helper()
	var r Request
	if err := c.Call("POST", "/api/v1/requests", in, &r); err != nil {
		tb.Fatalf("%s: create %v: %v", c.Agency, in, err)
	}
	return r
}

// Loan creates a loan request of a book sent at once to the lenders in order.
func (c *Client) Loan(tb testing.TB, title string, lenders ...ill.AgencyID) Request {
	tb.Helper()
	return c.Create(tb, NewLoan(title, lenders...))
}

// NewLoan is the body of a loan request sent at once to lenders in order.
func NewLoan(title string, lenders ...ill.AgencyID) map[string]any {
	var rota []map[string]any
	for _, l := range lenders {
		rota = append(rota, map[string]any{"lender": l, "reason": "chosen by the test"})
	}
	return map[string]any{
		"citation":    map[string]any{"title": title, "author": "Carson, Rachel", "isbn": "9780618249060", "publicationType": "Book"},
		"serviceType": "Loan", "send": true, "lenders": rota, "patronCategory": "Faculty",
	}
}

// TryAct takes an action and returns the request after it, or the error.
func (c *Client) TryAct(id string, action ill.ActionName, params map[string]any) (Request, *APIError) {
	var r Request
	err := c.Call("POST", "/api/v1/requests/"+id+"/actions/"+string(action), api.ActionInput{Params: params}, &r)
	return r, err
}

// Act takes an action, failing the test if it is refused.
func (c *Client) Act(tb testing.TB, id string, action ill.ActionName, params map[string]any) Request {
	tb.Helper()
	r, err := c.TryAct(id, action, params)
	if err != nil {
		tb.Fatalf("%s: %s on %s: %v", c.Agency, action, id, err)
	}
	return r
}

// Step takes an action on a process that may be restarting: transport
// failures and 5xx answers are retried until Wait has passed, and a 409
// is success when reached says the request is already where the action
// leads (the action was applied before the process died and its answer
// was lost).
func (c *Client) Step(tb testing.TB, id string, action ill.ActionName, params map[string]any, reached func(Request) bool) Request {
	tb.Helper()
	deadline := time.Now().Add(Wait)
	for {
		r, err := c.TryAct(id, action, params)
		if err == nil {
			return r
		}
		if err.Err == nil && err.Status == http.StatusConflict {
			var now Request
			if gerr := c.Call("GET", "/api/v1/requests/"+id, nil, &now); gerr == nil && reached(now) {
				return now
			}
		}
		retry := err.Err != nil || err.Status >= 500 || err.Status == http.StatusConflict
		if !retry || time.Now().After(deadline) {
			tb.Fatalf("%s: %s on %s: %v", c.Agency, action, id, err)
		}
		time.Sleep(5 * Poll)
	}
}

// Get reads a request.
func (c *Client) Get(tb testing.TB, id string) Request {
	tb.Helper()
	var r Request
	if err := c.Call("GET", "/api/v1/requests/"+id, nil, &r); err != nil {
		tb.Fatalf("%s: get %s: %v", c.Agency, id, err)
	}
	return r
}

// Poll is how often Until looks again.
const Poll = 10 * time.Millisecond

// Until polls the request until ok says so, failing the test after limit.
// API failures (a process restarting) are retried until the limit.
func (c *Client) Until(tb testing.TB, id string, limit time.Duration, what string, ok func(Request) bool) Request {
	tb.Helper()
	r, err := c.TryUntil(id, limit, ok)
	if err != nil {
		tb.Fatalf("%s: %s never became %s: %v", c.Agency, id, what, err)
	}
	return r
}

// TryUntil polls the request until ok says so, or returns an error
// describing the last state seen after limit.
func (c *Client) TryUntil(id string, limit time.Duration, ok func(Request) bool) (Request, error) {
	deadline := time.Now().Add(limit)
	var last Request
	var lastErr *APIError
	for {
		var r Request
		if err := c.Call("GET", "/api/v1/requests/"+id, nil, &r); err == nil {
			last, lastErr = r, nil
			if ok(r) {
				return r, nil
			}
		} else {
			lastErr = err
		}
		if time.Now().After(deadline) {
			if lastErr != nil {
				return last, lastErr
			}
			return last, fmt.Errorf("after %s it is %s (attention %v %q, partner %s)", limit, last.State, last.Attention, last.AttentionReason, last.Partner)
		}
		time.Sleep(Poll)
	}
}

// Wait is how long a test waits for something that should happen soon.
const Wait = 30 * time.Second

// WaitState waits until the request is in state.
func (c *Client) WaitState(tb testing.TB, id string, state ill.State) Request {
	tb.Helper()
	return c.Until(tb, id, Wait, string(state), func(r Request) bool { return r.State == state })
}

// LendingID waits for the lending request made from the partner's
// request id and returns its id here.
func (c *Client) LendingID(tb testing.TB, partnerID string) string {
	tb.Helper()
	deadline := time.Now().Add(Wait)
	for {
		var l api.RequestList
		err := c.Call("GET", "/api/v1/requests?side=lending&q="+url.QueryEscape(partnerID), nil, &l)
		if err == nil {
			for _, it := range l.Items {
				if it.PartnerRequestID == partnerID {
					return it.PublicID
				}
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s never received %s (last error %v)", c.Agency, partnerID, err)
		}
		time.Sleep(Poll)
	}
}

// Timeline reads a request's events and messages.
func (c *Client) Timeline(tb testing.TB, id string) api.Timeline {
	tb.Helper()
	var tl api.Timeline
	if err := c.Call("GET", "/api/v1/requests/"+id+"/timeline", nil, &tl); err != nil {
		tb.Fatalf("%s: timeline of %s: %v", c.Agency, id, err)
	}
	return tl
}

// Events are the names of a request's events in order (type, or name
// when the type is empty).
func Events(tl api.Timeline) []string {
	var out []string
	for _, e := range tl.Events {
		s := e.Type
		if s == "" {
			s = e.Name
		}
		out = append(out, s)
	}
	return out
}

// HasEvent reports whether the timeline has an event of that type.
func HasEvent(tl api.Timeline, typ string) bool {
	for _, e := range tl.Events {
		if e.Type == typ || e.Name == typ {
			return true
		}
	}
	return false
}

// Raw is every stored raw message of a timeline (both directions).
func Raw(tl api.Timeline) [][]byte {
	var out [][]byte
	for _, m := range tl.Messages {
		if strings.TrimSpace(m.Raw) != "" {
			out = append(out, []byte(m.Raw))
		}
	}
	return out
}

// Fetch GETs a URL of the node (a download link) with the client's
// session and returns the status, the content type and the body.
func (c *Client) Fetch(u string) (int, string, []byte, error) {
	resp, err := c.hc.Get(u)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b, err
}

// Upload POSTs a raw body (a scan) of the content type to an API path;
// out, when not nil, receives the JSON answer.
func (c *Client) Upload(path, contentType string, body []byte, out any) *APIError {
	req, err := http.NewRequest("POST", c.base()+path, bytes.NewReader(body))
	if err != nil {
		return &APIError{Err: err}
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-CSRF-Token", c.csrf)
	resp, err := c.hc.Do(req)
	if err != nil {
		return &APIError{Err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return &APIError{Err: err}
	}
	if resp.StatusCode/100 != 2 {
		return &APIError{Status: resp.StatusCode, Body: string(raw)}
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return &APIError{Status: resp.StatusCode, Body: string(raw), Err: err}
		}
	}
	return nil
}

// PostForm sends a web form (not the JSON API) with the session's CSRF
// token and returns the status and the page.
func (c *Client) PostForm(path string, form url.Values) (int, string, error) {
	req, err := http.NewRequest(http.MethodPost, c.base()+path, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", c.csrf)
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// GetPage fetches a web page with the session.
func (c *Client) GetPage(path string) (int, string, error) {
	resp, err := c.hc.Get(c.base() + path)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// StaffEmail is the login of the manager of lib in a test network (the
// password is Password).
func StaffEmail(lib ill.AgencyID) string { return staffEmail(lib) }
