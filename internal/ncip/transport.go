package ncip

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
)

// TransportKind says how a call failed to get a usable answer.
type TransportKind int

// The kinds of transport failure.
const (
	// KindNetwork: no HTTP response (connection refused or reset, DNS,
	// TLS, the ILS closed the connection, the caller cancelled).
	KindNetwork TransportKind = iota + 1
	// KindTimeout: the call's deadline passed before the answer was read.
	KindTimeout
	// KindHTTPStatus: the ILS answered with a non-2xx HTTP status.
	KindHTTPStatus
	// KindBadResponse: a 2xx answer that is not the NCIP response expected
	// (not XML, too large, another service's response, an empty message).
	KindBadResponse
)

// String names the kind.
func (k TransportKind) String() string {
	switch k {
	case KindNetwork:
		return "network"
	case KindTimeout:
		return "timeout"
	case KindHTTPStatus:
		return "http status"
	case KindBadResponse:
		return "bad response"
	}
	return fmt.Sprintf("TransportKind(%d)", int(k))
}

// TransportError means the call got no usable NCIP answer, so the ILS may
// or may not have acted on it. Callers retry (the ILL services are safe to
// repeat: AcceptItem is keyed by RequestId, CheckIn of a returned item
// answers Item Not Checked Out) or report the ILS as unreachable.
type TransportError struct {
	Service    string // initiation element, e.g. "AcceptItem"
	Endpoint   string // URL called (never holds credentials: Auth is separate)
	Kind       TransportKind
	StatusCode int   // for KindHTTPStatus
	Err        error // underlying cause, if any
}

// Error describes the failure without the request or response body.
func (e *TransportError) Error() string {
	msg := fmt.Sprintf("ncip: %s to %s: %s", e.Service, e.Endpoint, e.Kind)
	if e.StatusCode != 0 {
		msg += fmt.Sprintf(" %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap is the cause.
func (e *TransportError) Unwrap() error { return e.Err }

// Retryable reports whether trying again later may succeed: true for
// network failures, timeouts, bad answers and HTTP 408, 425, 429 and 5xx;
// false for other HTTP statuses (401, 403, 404: configuration to fix) and
// for a call the caller cancelled.
func (e *TransportError) Retryable() bool {
	switch e.Kind {
	case KindHTTPStatus:
		switch {
		case e.StatusCode >= 500, e.StatusCode == http.StatusRequestTimeout,
			e.StatusCode == http.StatusTooEarly, e.StatusCode == http.StatusTooManyRequests:
			return true
		}
		return false
	case KindNetwork:
		return !errors.Is(e.Err, context.Canceled)
	}
	return true
}

// classify turns an error from http.Client.Do or reading the body into a
// kind. ctx is the call's own context (with the Client's timeout).
func classify(ctx context.Context, err error) TransportKind {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return KindTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return KindTimeout
	}
	return KindNetwork
}

// IsTransport reports whether err is (or wraps) a *TransportError.
func IsTransport(err error) bool {
	var te *TransportError
	return errors.As(err, &te)
}
