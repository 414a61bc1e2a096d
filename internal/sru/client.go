package sru

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Defaults used when the Client fields are zero.
const (
	DefaultVersion          = "1.2"
	DefaultRecordSchema     = "marcxml"
	DefaultMaximumRecords   = 10
	DefaultTimeout          = 15 * time.Second
	DefaultMaxResponseBytes = 16 << 20
)

// Client searches one SRU target. The zero value of every field but BaseURL
// is usable; a Client is safe for concurrent use once set up.
type Client struct {
	// BaseURL is the server's SRU endpoint; query parameters already in it
	// (some servers need an x-... parameter or a database name) are kept.
	BaseURL string
	// Version is "1.2" (default; also for 1.1 servers) or "2.0".
	Version string
	// IndexMap maps our index names (IndexISBN, ...) to the target's CQL
	// indexes; missing entries fall back to DefaultIndexMap.
	IndexMap map[string]string
	// HTTP is the client used; http.DefaultClient when nil.
	HTTP *http.Client
	// Timeout bounds each search, on top of the context's own deadline;
	// DefaultTimeout when zero, none when negative.
	Timeout time.Duration
	// MaximumRecords is the number of records asked for;
	// DefaultMaximumRecords when zero.
	MaximumRecords int
	// RecordSchema is the schema asked for; DefaultRecordSchema (marcxml)
	// when empty. Some servers name it "MARC21-xml" or by URI
	// (info:srw/schema/1/marcxml-v1.1).
	RecordSchema string
	// MaxResponseBytes caps the body read; DefaultMaxResponseBytes when 0.
	MaxResponseBytes int64
	// UserAgent is sent in the User-Agent header when set.
	UserAgent string
}

// Search runs q against the target. It returns the parsed result; a
// *DiagnosticError when the server answered with diagnostics only; an error
// wrapping ErrTimeout (and context.DeadlineExceeded) when the target did
// not answer in time; an error wrapping ErrBadResponse for answers that are
// not SRU.
func (c *Client) Search(ctx context.Context, q Query) (*Result, error) {
	u, err := c.RequestURL(q)
	if err != nil {
		return nil, err
	}
	timeout := c.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("sru: build request: %w", err)
	}
	req.Header.Set("Accept", "application/sru+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1")
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	host := req.URL.Host
	resp, err := hc.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, host, timeout, err)
	}
	defer resp.Body.Close()
	limit := c.MaxResponseBytes
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, c.transportError(ctx, host, timeout, err)
	}
	if int64(len(body)) > limit {
		return nil, badResponse("%s: response larger than %d bytes", host, limit)
	}
	res, perr := ParseResponse(bytes.NewReader(body))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// Some servers send their diagnostics with an error status; those
		// are more useful than the status.
		var de *DiagnosticError
		if errors.As(perr, &de) {
			return nil, perr
		}
		return nil, badResponse("%s: HTTP status %s", host, resp.Status)
	}
	if perr != nil {
		var de *DiagnosticError
		if errors.As(perr, &de) {
			return nil, perr
		}
		return nil, fmt.Errorf("sru: %s: %w", host, perr)
	}
	return res, nil
}

// transportError turns a failed request into a clear error: timeouts wrap
// ErrTimeout and the context's error.
func (c *Client) transportError(ctx context.Context, host string, timeout time.Duration, err error) error {
	var ne net.Error
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		limit := ""
		if timeout > 0 {
			limit = " (timeout " + timeout.String() + ")"
		}
		return fmt.Errorf("%w: %s gave no answer%s: %w", ErrTimeout, host, limit, context.DeadlineExceeded)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("sru: search on %s cancelled: %w", host, ctx.Err())
	}
	return fmt.Errorf("sru: request to %s failed: %w", host, err)
}

// RequestURL returns the searchRetrieve GET URL for q.
func (c *Client) RequestURL(q Query) (string, error) {
	cql, err := q.CQLString(c.IndexMap)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("sru: base URL %q is not an absolute URL", c.BaseURL)
	}
	version := c.Version
	if version == "" {
		version = DefaultVersion
	}
	schema := c.RecordSchema
	if schema == "" {
		schema = DefaultRecordSchema
	}
	maxRecords := c.MaximumRecords
	if maxRecords == 0 {
		maxRecords = DefaultMaximumRecords
	}
	p := u.Query()
	p.Set("operation", "searchRetrieve")
	p.Set("version", version)
	p.Set("query", cql)
	p.Set("recordSchema", schema)
	p.Set("maximumRecords", strconv.Itoa(maxRecords))
	switch version {
	case "2.0":
		p.Set("recordXMLEscaping", "xml")
	case "1.1", "1.2":
		p.Set("recordPacking", "xml")
	default:
		return "", fmt.Errorf("sru: unsupported version %q (want 1.2 or 2.0)", version)
	}
	if q.StartRecord > 0 {
		p.Set("startRecord", strconv.Itoa(q.StartRecord))
	}
	u.RawQuery = p.Encode()
	return u.String(), nil
}
