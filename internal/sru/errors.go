package sru

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrTimeout is wrapped by errors from a target that did not answer in
// time. The error also wraps context.DeadlineExceeded.
var ErrTimeout = errors.New("sru: target did not answer in time")

// ErrBadResponse is wrapped by errors for answers that are not SRU
// responses: an HTTP error status, an HTML page, text that is not XML, XML
// of another kind.
var ErrBadResponse = errors.New("sru: not an SRU response")

// DiagnosticPrefix starts the URIs of the standard SRU diagnostics.
const DiagnosticPrefix = "info:srw/diagnostic/1/"

// Standard diagnostic numbers worth acting on.
const (
	DiagGeneralError           = 1
	DiagTemporarilyUnavailable = 2
	DiagAuthentication         = 3
	DiagUnsupportedVersion     = 5
	DiagQuerySyntax            = 10
	DiagUnsupportedIndex       = 16
	DiagUnsupportedRelation    = 19
	DiagFirstRecordOutOfRange  = 61
	DiagRecordNotAvailable     = 64
	DiagRecordDoesNotExist     = 65
	DiagUnknownSchema          = 66
	DiagNotInSchema            = 67
	DiagUnsupportedPacking     = 71
)

// standardMessages names the common diagnostics, for servers that send a
// bare URI.
var standardMessages = map[int]string{
	1: "General system error", 2: "System temporarily unavailable", 3: "Authentication error",
	4: "Unsupported operation", 5: "Unsupported version", 6: "Unsupported parameter value",
	7: "Mandatory parameter not supplied", 8: "Unsupported parameter", 10: "Query syntax error",
	15: "Unsupported context set", 16: "Unsupported index", 19: "Unsupported relation",
	61: "First record position out of range", 64: "Record temporarily unavailable",
	65: "Record does not exist", 66: "Unknown schema for retrieval",
	67: "Record not available in this schema", 71: "Unsupported record packing",
}

// Diagnostic is an SRU diagnostic: a URI naming the condition, optional
// details (often the offending index or value) and a message.
type Diagnostic struct {
	URI     string
	Details string
	Message string
}

// Code returns the number of a standard diagnostic
// ("info:srw/diagnostic/1/16" -> 16), or 0 for other URIs.
func (d Diagnostic) Code() int {
	if !strings.HasPrefix(d.URI, DiagnosticPrefix) {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(d.URI[len(DiagnosticPrefix):]))
	if err != nil {
		return 0
	}
	return n
}

// Text returns the server's message, or the standard name of the
// diagnostic when the server gave none.
func (d Diagnostic) Text() string {
	if d.Message != "" {
		return d.Message
	}
	return standardMessages[d.Code()]
}

func (d Diagnostic) String() string {
	s := d.URI
	if t := d.Text(); t != "" {
		s += " (" + t + ")"
	}
	if d.Details != "" {
		s += ": " + d.Details
	}
	return s
}

// DiagnosticError is a response whose diagnostics say the search failed
// (diagnostics and no records).
type DiagnosticError struct {
	Diagnostics []Diagnostic
}

func (e *DiagnosticError) Error() string {
	parts := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		parts[i] = d.String()
	}
	return "sru: diagnostic " + strings.Join(parts, "; ")
}

// Has reports whether one of the diagnostics is the standard one numbered
// code, e.g. Has(DiagUnsupportedIndex) to retry with another index.
func (e *DiagnosticError) Has(code int) bool {
	for _, d := range e.Diagnostics {
		if d.Code() == code {
			return true
		}
	}
	return false
}

func badResponse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadResponse, fmt.Sprintf(format, args...))
}
