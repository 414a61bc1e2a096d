package sru

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// target serves the example responses by query: the ISBN search gets the
// 1.2 record, the ISSN search the 2.0 record, lccn and rec.id the
// diagnostics. It records the last request's parameters.
func target(t *testing.T) (*httptest.Server, *url.Values) {
	t.Helper()
	last := &url.Values{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*last = r.URL.Query()
		q := r.URL.Query().Get("query")
		var file string
		switch {
		case strings.HasPrefix(q, "bath.isbn"):
			file = "sru12-searchRetrieveResponse-marcxml.xml"
		case strings.HasPrefix(q, "bath.issn"):
			file = "sru20-searchRetrieveResponse-marcxml.xml"
		case strings.HasPrefix(q, "bath.lccn"):
			file = "sru12-searchRetrieveResponse-diagnostic.xml"
		case strings.HasPrefix(q, "rec.id"):
			file = "sru20-searchRetrieveResponse-diagnostic.xml"
		default:
			http.Error(w, "unexpected query", http.StatusTeapot)
			return
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		_, _ = w.Write([]byte(example(t, file)))
	}))
	t.Cleanup(srv.Close)
	return srv, last
}

func TestClientSearch(t *testing.T) {
	t.Parallel()
	srv, last := target(t)
	c := &Client{BaseURL: srv.URL + "/sru?x-db=main", MaximumRecords: 5, Timeout: 5 * time.Second}
	res, err := c.Search(context.Background(), Query{ISBN: "9780618249060", StartRecord: 3})
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	if len(res.Records) != 1 || res.Records[0].MARC.Control("001") != "1234567" {
		t.Errorf("records = %+v", res.Records)
	}
	want := map[string]string{
		"operation": "searchRetrieve", "version": "1.2", "query": `bath.isbn = "9780618249060"`,
		"recordSchema": "marcxml", "recordPacking": "xml", "maximumRecords": "5", "startRecord": "3", "x-db": "main",
	}
	for k, v := range want {
		if got := last.Get(k); got != v {
			t.Errorf("request %s = %q, want %q", k, got, v)
		}
	}

	c20 := &Client{BaseURL: srv.URL + "/sru", Version: "2.0"}
	res, err = c20.Search(context.Background(), Query{ISSN: "1072-303X"})
	if err != nil {
		t.Fatalf("Search 2.0: %v", err)
	}
	if res.Version != "2.0" || len(res.MARCRecords()) != 1 || res.MARCRecords()[0].Control("001") != "2345678" {
		t.Errorf("2.0 result = %+v", res)
	}
	if last.Get("recordXMLEscaping") != "xml" || last.Get("recordPacking") != "" || last.Get("version") != "2.0" || last.Get("maximumRecords") != "10" {
		t.Errorf("2.0 request parameters = %v", *last)
	}
}

func TestClientDiagnostics(t *testing.T) {
	t.Parallel()
	srv, _ := target(t)
	c := &Client{BaseURL: srv.URL}
	tests := []struct {
		q    Query
		code int
	}{
		{Query{LCCN: "2002023456"}, DiagUnsupportedIndex},
		{Query{ID: "3456789"}, DiagUnknownSchema},
	}
	for _, tt := range tests {
		res, err := c.Search(context.Background(), tt.q)
		var de *DiagnosticError
		if !errors.As(err, &de) || !de.Has(tt.code) || res != nil {
			t.Errorf("Search(%+v) = %v, %v; want *DiagnosticError with code %d", tt.q, res, err, tt.code)
		}
	}
}

func TestClientTimeout(t *testing.T) {
	t.Parallel()
	// The handler blocks until the client gives up: no sleeping.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	c := &Client{BaseURL: srv.URL, Timeout: 50 * time.Millisecond}
	start := time.Now()
	_, err := c.Search(context.Background(), Query{ISBN: "9780618249060"})
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Search error = %v, want ErrTimeout and context.DeadlineExceeded", err)
	}
	if !strings.Contains(err.Error(), "gave no answer") || !strings.Contains(err.Error(), "50ms") {
		t.Errorf("timeout error %q does not say what happened", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Search took %v after a 50ms timeout", d)
	}

	// The caller's own deadline counts as a timeout too.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	c2 := &Client{BaseURL: srv.URL, Timeout: -1}
	if _, err := c2.Search(ctx, Query{ISBN: "1"}); !errors.Is(err, ErrTimeout) {
		t.Errorf("Search with context deadline = %v, want ErrTimeout", err)
	}

	// A cancelled context is not a timeout.
	ctx3, cancel3 := context.WithCancel(context.Background())
	cancel3()
	if _, err := c.Search(ctx3, Query{ISBN: "1"}); errors.Is(err, ErrTimeout) || !errors.Is(err, context.Canceled) {
		t.Errorf("Search with cancelled context = %v, want context.Canceled and no ErrTimeout", err)
	}
}

func TestClientBadTargets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		status  int
		ctype   string
		body    string
		wantMsg string
	}{
		{"html login page", 200, "text/html", "<!DOCTYPE html><html><head><title>Please log in</title></head></html>", "HTML page"},
		{"proxy error page", 502, "text/html", "<html><body>Bad Gateway</body></html>", "HTTP status 502"},
		{"garbage", 200, "application/octet-stream", "\x89PNG\r\n\x1a\n", "not XML"},
		{"500 with no body", 500, "text/plain", "", "HTTP status 500"},
		{"xml of another kind", 200, "text/xml", "<rss><channel/></rss>", "not a searchRetrieveResponse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.ctype)
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			t.Cleanup(srv.Close)
			_, err := (&Client{BaseURL: srv.URL}).Search(context.Background(), Query{ISBN: "9780618249060"})
			if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Search error = %v, want ErrBadResponse mentioning %q", err, tt.wantMsg)
			}
		})
	}
}

func TestClientDiagnosticWithErrorStatus(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(example(t, "sru12-searchRetrieveResponse-diagnostic.xml")))
	}))
	t.Cleanup(srv.Close)
	_, err := (&Client{BaseURL: srv.URL}).Search(context.Background(), Query{LCCN: "1"})
	var de *DiagnosticError
	if !errors.As(err, &de) || !de.Has(DiagUnsupportedIndex) {
		t.Errorf("Search error = %v, want the diagnostic rather than the status", err)
	}
}

func TestClientResponseTooLarge(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(example(t, "sru12-searchRetrieveResponse-marcxml.xml")))
	}))
	t.Cleanup(srv.Close)
	_, err := (&Client{BaseURL: srv.URL, MaxResponseBytes: 100}).Search(context.Background(), Query{ISBN: "1"})
	if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), "larger than 100 bytes") {
		t.Errorf("Search error = %v, want a too-large error", err)
	}
}

func TestRequestURLErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		c    Client
		q    Query
		want string
	}{
		{"relative base", Client{BaseURL: "/sru"}, Query{ISBN: "1"}, "not an absolute URL"},
		{"bad version", Client{BaseURL: "http://x.example/sru", Version: "3.0"}, Query{ISBN: "1"}, "unsupported version"},
		{"empty query", Client{BaseURL: "http://x.example/sru"}, Query{}, "empty query"},
	}
	for _, tt := range tests {
		if _, err := tt.c.RequestURL(tt.q); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: RequestURL error = %v, want %q", tt.name, err, tt.want)
		}
	}
}
