package ncip

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"time"
)

// Defaults of the Client.
const (
	DefaultTimeout          = 30 * time.Second
	DefaultMaxResponseBytes = 4 << 20
	ContentType             = "application/xml; charset=utf-8"
)

// Client calls one ILS's NCIP responder over HTTP(S) POST. The zero value
// of every optional field is usable; a Client is safe for concurrent use
// once configured.
//
// Each method sends one initiation message and returns its response, or an
// error that is exactly one of:
//   - *Problem (or several joined): the ILS refused; errors.Is(err,
//     UnknownUser) and friends classify it;
//   - *TransportError: no usable answer; see its Retryable;
//   - an error wrapping ErrInvalidRequest: the request breaks the schema
//     or the Client is misconfigured (bad Endpoint); nothing was sent.
//
// A request with a nil InitiationHeader gets one built from FromAgency,
// ToAgency, Auth and ApplicationProfile; the caller's value is not
// modified. A request with a header is sent as is.
type Client struct {
	Endpoint   string // the responder's URL
	FromAgency string // our agency id (FromAgencyId)
	ToAgency   string // the ILS's agency id (ToAgencyId)
	Auth       Auth   // HTTP Basic, bearer token, NCIP agency password, or none
	// ApplicationProfile, if set, is sent as ApplicationProfileType.
	ApplicationProfile string
	// HTTP is the client used; nil means http.DefaultClient.
	HTTP *http.Client
	// Timeout bounds each call (connect, send, read); 0 means
	// DefaultTimeout. A deadline on the caller's context also applies.
	Timeout time.Duration
	// Version is the ncip:version sent and the schema rules checked; ""
	// means V2_02.
	Version Version
	// MaxResponseBytes bounds the response body read; 0 means
	// DefaultMaxResponseBytes.
	MaxResponseBytes int64
}

// LookupUser looks up a patron.
func (c *Client) LookupUser(ctx context.Context, req *LookupUser) (*LookupUserResponse, error) {
	return call[LookupUserResponse](ctx, c, req)
}

// LookupItem looks up an item.
func (c *Client) LookupItem(ctx context.Context, req *LookupItem) (*LookupItemResponse, error) {
	return call[LookupItemResponse](ctx, c, req)
}

// AcceptItem creates a temporary item for an ILL loan that arrived.
func (c *Client) AcceptItem(ctx context.Context, req *AcceptItem) (*AcceptItemResponse, error) {
	return call[AcceptItemResponse](ctx, c, req)
}

// RequestItem places a request (hold, page) in the ILS.
func (c *Client) RequestItem(ctx context.Context, req *RequestItem) (*RequestItemResponse, error) {
	return call[RequestItemResponse](ctx, c, req)
}

// CancelRequestItem withdraws a request.
func (c *Client) CancelRequestItem(ctx context.Context, req *CancelRequestItem) (*CancelRequestItemResponse, error) {
	return call[CancelRequestItemResponse](ctx, c, req)
}

// CheckOutItem lends an item to a user.
func (c *Client) CheckOutItem(ctx context.Context, req *CheckOutItem) (*CheckOutItemResponse, error) {
	return call[CheckOutItemResponse](ctx, c, req)
}

// CheckInItem returns an item.
func (c *Client) CheckInItem(ctx context.Context, req *CheckInItem) (*CheckInItemResponse, error) {
	return call[CheckInItemResponse](ctx, c, req)
}

// DeleteItem deletes an item record.
func (c *Client) DeleteItem(ctx context.Context, req *DeleteItem) (*DeleteItemResponse, error) {
	return call[DeleteItemResponse](ctx, c, req)
}

// RenewItem renews a loan. A Pending answer is a success with
// RenewItemResponse.Pending set.
func (c *Client) RenewItem(ctx context.Context, req *RenewItem) (*RenewItemResponse, error) {
	return call[RenewItemResponse](ctx, c, req)
}

// call sends req and decodes the answer as a *T.
func call[T any, PT interface {
	*T
	response
}](ctx context.Context, c *Client, req Initiation) (*T, error) {
	if isNil(req) {
		return nil, invalid("nil request")
	}
	service := req.ElementName()
	if req.Header() == nil {
		req = req.withHeader(c.header())
	}
	v := c.version()
	if err := req.Validate(v); err != nil {
		return nil, fmt.Errorf("ncip: %s: %w", service, err)
	}
	body, err := Marshal(&Message{Version: v, Body: req})
	if err != nil {
		return nil, fmt.Errorf("ncip: %s: %w", service, err)
	}
	data, status, err := c.post(ctx, service, body)
	if err != nil {
		return nil, err
	}
	msg, err := Unmarshal(data)
	if status < 200 || status > 299 {
		// Some responders send their Problems with a 4xx/5xx status: the
		// ILS answered in NCIP, so the Problem is the answer. Anything
		// else on an error status is a transport failure.
		if err == nil {
			if perr := messageProblems[T, PT](msg); perr != nil {
				return nil, perr
			}
		}
		return nil, c.transportError(service, KindHTTPStatus, status, nil)
	}
	if err != nil {
		return nil, c.transportError(service, KindBadResponse, 0, err)
	}
	if perr := messageProblems[T, PT](msg); perr != nil {
		return nil, perr
	}
	resp, ok := msg.Body.(PT)
	if !ok {
		return nil, c.transportError(service, KindBadResponse, 0,
			fmt.Errorf("got %s, want %sResponse", msg.Body.ElementName(), service))
	}
	return (*T)(resp), nil
}

// messageProblems is the error for the Problems in msg (message-level, or
// in the expected response), or nil.
func messageProblems[T any, PT interface {
	*T
	response
}](msg *Message) error {
	if msg.Body == nil {
		return problemsError("", msg.Problems)
	}
	if resp, ok := msg.Body.(PT); ok && len(resp.problems()) > 0 {
		return problemsError(resp.ElementName(), resp.problems())
	}
	return nil
}

func isNil(req Initiation) bool {
	if req == nil {
		return true
	}
	v := reflect.ValueOf(req)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// post sends one NCIP document and returns the response status and body.
func (c *Client) post(ctx context.Context, service string, body []byte) ([]byte, int, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if u, err := url.Parse(c.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, 0, fmt.Errorf("ncip: %s: %w", service, invalid("Endpoint %q is not an http(s) URL", redact(c.Endpoint)))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, 0, fmt.Errorf("ncip: %s: %w", service, invalid("Endpoint: %v", err))
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set("Accept", "application/xml, text/xml")
	c.Auth.applyHTTP(req)

	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, 0, c.transportError(service, classify(ctx, err), 0, err)
	}
	defer resp.Body.Close()
	limit := c.MaxResponseBytes
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	ok := resp.StatusCode >= 200 && resp.StatusCode <= 299
	switch {
	case err != nil && ok:
		return nil, 0, c.transportError(service, classify(ctx, err), 0, err)
	case err != nil || int64(len(data)) > limit && !ok:
		// An unreadable or huge error page: the status says enough.
		return nil, 0, c.transportError(service, KindHTTPStatus, resp.StatusCode, nil)
	case int64(len(data)) > limit:
		return nil, 0, c.transportError(service, KindBadResponse, 0, fmt.Errorf("response larger than %d bytes", limit))
	}
	return data, resp.StatusCode, nil
}

func (c *Client) transportError(service string, kind TransportKind, status int, err error) error {
	return &TransportError{Service: service, Endpoint: redact(c.Endpoint), Kind: kind, StatusCode: status, Err: err}
}

// redact drops any user:password from a URL.
func redact(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "(invalid URL)"
	}
	return u.Redacted()
}

func (c *Client) header() *InitiationHeader {
	return &InitiationHeader{
		FromAgencyID:             Value(c.FromAgency),
		FromAgencyAuthentication: c.Auth.agencySecret(),
		ToAgencyID:               Value(c.ToAgency),
		ApplicationProfileType:   Value(c.ApplicationProfile),
	}
}

func (c *Client) version() Version {
	if c.Version == "" {
		return V2_02
	}
	return c.Version
}
