// Package apptest builds a whole Interlend in-process for tests: the app on
// a fresh database (SQLite by default, or PostgreSQL), a fake clock, the
// HTTP server on a loopback port, and a browser-like client that keeps
// cookies and fills in CSRF tokens.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"interlend/internal/api"
	"interlend/internal/app"
	"interlend/internal/auth"
	"interlend/internal/config"
	"interlend/internal/ill"
	"interlend/internal/peer"
	"interlend/internal/server"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
	"interlend/internal/web"
)

// Start is the fake clock's starting time in every world.
var Start = time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)

// World is a running Interlend for one test.
type World struct {
	App    *app.App
	Server *httptest.Server
	Clock  *ill.FakeClock
	URL    string
}

// Options adjust New.
type Options struct {
	Engine  store.Engine // default SQLite
	Workers int          // job workers (0: none, so tests drive jobs explicitly)
	Config  func(*config.Config)
}

// New starts a world; everything stops when the test ends.
func New(tb testing.TB, o Options) *World {
	tb.Helper()
	cfg := config.Defaults()
	cfg.DataDir = tb.TempDir()
	cfg.Workers = o.Workers
	cfg.JobPoll = 20 * time.Millisecond
	cfg.NodeName = "test"
	if o.Engine == store.Postgres {
		cfg.DB = storetest.NewPostgresDatabase(tb)
	}
	if o.Config != nil {
		o.Config(&cfg)
	}
	clock := ill.NewFakeClock(Start)
	srv := httptest.NewUnstartedServer(nil)
	cfg.Listen = srv.Listener.Addr().String()
	cfg.BaseURL = "http://" + cfg.Listen
	if err := cfg.Validate(); err != nil {
		tb.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	if os.Getenv("INTERLEND_TEST_LOG") != "" {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	a, err := app.Open(context.Background(), cfg, app.Options{Clock: clock, Logger: logger})
	if err != nil {
		tb.Fatal(err)
	}
	// Cheap password hashing keeps tests fast; the format is the same.
	a.PasswordParams = auth.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}
	w, err := web.New(a)
	if err != nil {
		tb.Fatal(err)
	}
	srv.Config.Handler = server.New(a, w, api.New(a), peer.New(a)).Handler()
	srv.Start()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = a.Run(ctx); close(done) }()
	tb.Cleanup(func() {
		srv.Close()
		cancel()
		<-done
		a.Close()
	})
	return &World{App: a, Server: srv, Clock: clock, URL: srv.URL}
}

// Agency hosts an agency.
func (w *World) Agency(tb testing.TB, id ill.AgencyID, name string) {
	tb.Helper()
	if err := w.App.CreateAgency(context.Background(), ill.SystemActor(), id, name); err != nil {
		tb.Fatal(err)
	}
}

// Password is the password of every account made with User.
const Password = "test-password-1"

// User creates an account with the given grants.
func (w *World) User(tb testing.TB, email string, gs ...ill.Grant) store.User {
	tb.Helper()
	u, err := w.App.CreateUser(context.Background(), ill.SystemActor(), app.NewUser{Email: email, Name: strings.Split(email, "@")[0], Password: Password, Grants: gs})
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// Client is a browser-like HTTP client: it keeps cookies and remembers the
// last CSRF token it saw on a page.
type Client struct {
	tb   testing.TB
	w    *World
	HTTP *http.Client
	CSRF string
	// Header is sent with every request (e.g. X-Forwarded-For).
	Header http.Header
}

// Client returns a fresh client (no cookies).
func (w *World) Client(tb testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{tb: tb, w: w, HTTP: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, Header: http.Header{}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"|name="csrf-token" content="([^"]+)"`)

// Response is a read response.
type Response struct {
	Status   int
	Body     string
	Header   http.Header
	Location string
}

func (c *Client) do(req *http.Request) Response {
	c.tb.Helper()
	for k, vs := range c.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := Response{Status: resp.StatusCode, Body: string(b), Header: resp.Header, Location: resp.Header.Get("Location")}
	if m := csrfField.FindStringSubmatch(r.Body); m != nil {
		c.CSRF = m[1] + m[2]
	}
	return r
}

// Get fetches a path.
func (c *Client) Get(path string) Response {
	c.tb.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.w.URL+path, nil)
	return c.do(req)
}

// Post sends a form, adding the last seen CSRF token unless the form has one.
func (c *Client) Post(path string, form url.Values) Response {
	c.tb.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.CSRF)
	}
	req, _ := http.NewRequest(http.MethodPost, c.w.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// Login logs in through the form and fails the test if it does not work.
func (c *Client) Login(email string) {
	c.tb.Helper()
	c.Get("/login")
	r := c.Post("/login", url.Values{"email": {email}, "password": {Password}})
	if r.Status != http.StatusSeeOther || strings.HasPrefix(r.Location, "/login") {
		c.tb.Fatalf("login as %s: status %d location %q\n%s", email, r.Status, r.Location, r.Body)
	}
	c.Get("/") // pick up the session's CSRF token
}

// Cookie returns the value of a cookie the client holds for the world.
func (c *Client) Cookie(name string) string {
	u, _ := url.Parse(c.w.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// SetCookie plants a cookie (session fixation tests).
func (c *Client) SetCookie(name, value string) {
	u, _ := url.Parse(c.w.URL)
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}
