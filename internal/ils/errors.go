package ils

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"interlend/internal/ill"
	"interlend/internal/ncip"
)

// Class sorts driver errors by what the caller should do about them.
type Class int

// The classes.
const (
	// Refused: the ILS answered, and the answer is no. Show it to staff.
	Refused Class = iota + 1
	// Unavailable: no usable answer (down, too slow, HTTP 5xx, a temporary
	// failure). Try again later.
	Unavailable
	// Misconfigured: the call cannot succeed until settings, credentials
	// or the data sent are corrected. Show it; do not retry.
	Misconfigured
	// NotConfigured: the service is switched off for the agency. Skip it.
	NotConfigured
)

func (c Class) String() string {
	switch c {
	case Refused:
		return "refused"
	case Unavailable:
		return "unavailable"
	case Misconfigured:
		return "misconfigured"
	case NotConfigured:
		return "not configured"
	}
	return fmt.Sprintf("Class(%d)", int(c))
}

// Reasons a Refused error gives. Most are NCIP problem types; the none
// driver uses the same words.
const (
	ReasonUnknownUser      = string(ncip.UnknownUser)
	ReasonUserBlocked      = string(ncip.UserBlocked)
	ReasonUserExpired      = "User Expired"
	ReasonUnknownItem      = string(ncip.UnknownItem)
	ReasonUnknownRequest   = string(ncip.UnknownRequest)
	ReasonDuplicateRequest = string(ncip.DuplicateRequest)
)

// Error is what every Driver method returns on failure.
type Error struct {
	Service Service
	Class   Class
	// Reason is the ILS's problem type ("Unknown User"), or a short cause
	// for the other classes ("timeout", "HTTP 401").
	Reason string
	// Detail is the ILS's own explanation. It may quote patron data: show
	// it to staff, never log it.
	Detail string
	Err    error // the cause, for errors.Is/As (e.g. *ncip.Problem)
}

// Error names the service, the class and the reason, without Detail, so
// that it may be logged.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ils: %s: %s", e.Service, e.Class)
	if e.Reason != "" {
		b.WriteString(": " + e.Reason)
	}
	return b.String()
}

// StaffMessage is a sentence for staff: what happened and what to do.
func (e *Error) StaffMessage() string {
	what := string(e.Reason)
	if e.Detail != "" {
		what += " (" + e.Detail + ")"
	}
	switch e.Class {
	case Refused:
		return fmt.Sprintf("The library system refused %s: %s.", e.Service, what)
	case Unavailable:
		return fmt.Sprintf("The library system did not answer %s (%s). Interlend will try again.", e.Service, what)
	case Misconfigured:
		return fmt.Sprintf("The library system could not take %s: %s. Check the ILS settings.", e.Service, what)
	case NotConfigured:
		return fmt.Sprintf("%s is not switched on for this library's ILS.", e.Service)
	}
	return what
}

// Retryable reports whether trying again later may succeed.
func (e *Error) Retryable() bool { return e.Class == Unavailable }

// Unwrap gives the cause and an *ill.Error of the matching kind (Conflict
// for Refused and Misconfigured and NotConfigured, Unavailable for
// Unavailable) carrying StaffMessage, so that ill.KindOf and
// ill.UserMessage work on driver errors in staff-facing surfaces.
func (e *Error) Unwrap() []error {
	kind := ill.Conflict
	if e.Class == Unavailable {
		kind = ill.Unavailable
	}
	out := []error{&ill.Error{Kind: kind, Msg: e.StaffMessage()}}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}

// ClassOf is the class of a driver error; 0 for nil or an error that is
// not an *Error.
func ClassOf(err error) Class {
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	return 0
}

// ReasonOf is the Reason of a driver error, or "".
func ReasonOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// Retryable reports whether err is a driver error worth retrying.
func Retryable(err error) bool { return ClassOf(err) == Unavailable }

func refused(s Service, reason, detail string, cause error) *Error {
	return &Error{Service: s, Class: Refused, Reason: reason, Detail: detail, Err: cause}
}

func notConfigured(s Service) *Error {
	return &Error{Service: s, Class: NotConfigured, Reason: "switched off"}
}

func misconfigured(s Service, reason string, cause error) *Error {
	return &Error{Service: s, Class: Misconfigured, Reason: reason, Err: cause}
}

// misconfiguredProblems are NCIP problems that mean our settings (agency
// ids, credentials, enabled services) or our message are wrong, not the
// request.
var misconfiguredProblems = []ncip.ProblemType{
	ncip.AgencyAuthenticationFailed, ncip.SystemAuthenticationFailed, ncip.UnknownAgency, ncip.UnknownSystem,
	ncip.UnauthorizedServiceForAgency, ncip.UnauthorizedServiceForSystem, ncip.UnsupportedService,
	ncip.InvalidMessageSyntaxError, ncip.ProtocolError, ncip.UnknownElement, ncip.UnknownScheme,
	ncip.UnknownService, ncip.UnknownValueFromKnownScheme,
}

// fromNCIP classifies an error of ncip.Client.
func fromNCIP(s Service, err error) *Error {
	if err == nil {
		return nil
	}
	var te *ncip.TransportError
	if errors.As(err, &te) {
		reason := te.Kind.String()
		if te.StatusCode != 0 {
			reason = fmt.Sprintf("HTTP %d", te.StatusCode)
		}
		if te.Retryable() || errors.Is(err, context.Canceled) {
			return &Error{Service: s, Class: Unavailable, Reason: reason, Err: err}
		}
		return misconfigured(s, reason, err)
	}
	if errors.Is(err, ncip.ErrInvalidRequest) {
		return misconfigured(s, "the message could not be built: "+strings.TrimPrefix(err.Error(), "ncip: "), err)
	}
	if ps := ncip.Problems(err); len(ps) > 0 {
		p := ps[0]
		switch {
		case p.Temporary():
			return &Error{Service: s, Class: Unavailable, Reason: p.Type.Value, Detail: p.Detail, Err: err}
		case isOneOf(p, misconfiguredProblems):
			return &Error{Service: s, Class: Misconfigured, Reason: p.Type.Value, Detail: p.Detail, Err: err}
		}
		return refused(s, p.Type.Value, p.Detail, err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Service: s, Class: Unavailable, Reason: "cancelled", Err: err}
	}
	return &Error{Service: s, Class: Unavailable, Reason: "unexpected error", Err: err}
}

func isOneOf(p *ncip.Problem, ts []ncip.ProblemType) bool {
	for _, t := range ts {
		if p.Type.Is(string(t)) {
			return true
		}
	}
	return false
}
