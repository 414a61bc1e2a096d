package iso18626

import (
	"fmt"
	"strings"
)

// ParseError is returned by Parse for input that cannot be read as an ISO
// 18626 message. ErrorType and ErrorValue are what to answer the sender with
// (see ErrorData); Partial holds what was read before the failure (message
// type and, usually, the header) so that a confirmation can echo the ids.
type ParseError struct {
	ErrorType  ErrorType
	ErrorValue string
	Line       int      // 1-based input line where the problem was seen, 0 if unknown
	Err        error    // underlying cause, e.g. an *xml.SyntaxError
	Partial    *Message // nil when even the message type is unknown

	// salvage says that the refusal came before the message type was
	// read, for a reason a second, forgiving reading can step over to
	// find the header to echo: a foreign namespace (the root's, in
	// foreign) or a duplicated attribute.
	salvage bool
	foreign string
}

// Error describes the failure, its input line and cause.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("iso18626: ")
	b.WriteString(string(e.ErrorType))
	if e.ErrorValue != "" {
		b.WriteString(": ")
		b.WriteString(e.ErrorValue)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, " (line %d)", e.Line)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *ParseError) Unwrap() error { return e.Err }

// ErrorData is the errorData to answer the failed message with.
func (e *ParseError) ErrorData() ErrorData {
	return ErrorData{ErrorType: e.ErrorType, ErrorValue: e.ErrorValue}
}

// Problem is one finding of Validate, already in the form of an ISO 18626
// errorData: the XSD spelling of errorType, and errorValue in the Annex B
// form for values (`action - Value = "Foo"`, `agencyIdType - Scheme = "x"`),
// the element name for unknown elements, a short text otherwise.
type Problem struct {
	Path       string // slash path of the element, e.g. "requestingAgencyMessage/action"
	ErrorType  ErrorType
	ErrorValue string
}

// ErrorData is the problem as errorData.
func (p Problem) ErrorData() ErrorData {
	return ErrorData{ErrorType: p.ErrorType, ErrorValue: p.ErrorValue}
}

// String is "path: errorType: errorValue".
func (p Problem) String() string {
	return p.Path + ": " + string(p.ErrorType) + ": " + p.ErrorValue
}

// Problems is a list of problems; as an error it is what Marshal returns for
// a message that does not validate.
type Problems []Problem

// Error lists the problems.
func (ps Problems) Error() string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		parts = append(parts, p.String())
	}
	return "iso18626: invalid message: " + strings.Join(parts, "; ")
}

// ErrorData returns the problems as errorData, in order.
func (ps Problems) ErrorData() []ErrorData {
	out := make([]ErrorData, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.ErrorData())
	}
	return out
}

// ValueError is the Annex B errorValue for a value: `elem - Value = "v"`.
func ValueError(element, value string) string {
	return element + ` - Value = "` + value + `"`
}

// SchemeError is the Annex B errorValue for a scheme: `elem - Scheme = "s"`.
func SchemeError(element, scheme string) string {
	return element + ` - Scheme = "` + scheme + `"`
}

// UnsupportedAction is the problem a supplier answers with when it
// understands the action but does not support it (e.g. ShippedForward).
func UnsupportedAction(a Action) Problem {
	return Problem{Path: "requestingAgencyMessage/action", ErrorType: ErrUnsupportedActionType,
		ErrorValue: ValueError("action", string(a))}
}

// UnsupportedReason is the problem a requester answers with when it does
// not support the SAM's reasonForMessage.
func UnsupportedReason(r ReasonForMessage) Problem {
	return Problem{Path: "supplyingAgencyMessage/messageInfo/reasonForMessage",
		ErrorType: ErrUnsupportedReasonForMessageType, ErrorValue: ValueError("reasonForMessage", string(r))}
}

// UnrecognisedValue is the problem for an open-code value or scheme the
// receiver cannot handle; element is the element's name, e.g. "serviceLevel".
func UnrecognisedValue(path, element string, c Code) Problem {
	if c.Scheme != "" && c.Value == "" {
		return Problem{Path: path, ErrorType: ErrUnrecognisedDataValue, ErrorValue: SchemeError(element, c.Scheme)}
	}
	return Problem{Path: path, ErrorType: ErrUnrecognisedDataValue, ErrorValue: ValueError(element, c.Value)}
}

// WarningKind classifies a Warning.
type WarningKind string

// Warning kinds.
const (
	WarnStatusUnchanged      WarningKind = "status-unchanged"      // empty status read as "no change"
	WarnVersion              WarningKind = "version"               // version guessed or attribute disagrees with structure
	WarnUnqualifiedAttribute WarningKind = "unqualified-attribute" // version= or scheme= without the ill: prefix
	WarnZeroDate             WarningKind = "zero-date"             // empty or zero date read as not given
	WarnReasonMapped         WarningKind = "reason-mapped"         // unknown reasonForMessage mapped to a standard one
	WarnCodeMapped           WarningKind = "code-mapped"           // non-standard code mapped or kept
	WarnSpelling             WarningKind = "spelling"              // 2021 text spelling of an errorType
	WarnIgnoredAttribute     WarningKind = "ignored-attribute"     // attribute the schema does not define
	WarnIgnoredElement       WarningKind = "ignored-element"       // unknown element skipped (Tolerance.UnknownElements)
	WarnNamespace            WarningKind = "namespace"             // elements without the ISO 18626 namespace
)

// Warning is something Parse accepted that a strict reader would not, or
// decided on the sender's behalf. The caller may log it (it never contains
// patron data beyond the element path and the offending code value).
type Warning struct {
	Kind    WarningKind
	Path    string // slash path of the element
	Value   string // the value as received, if any
	Message string
}

// String is a one-line description for logs.
func (w Warning) String() string {
	s := string(w.Kind) + " at " + w.Path + ": " + w.Message
	if w.Value != "" {
		s += fmt.Sprintf(" (%q)", w.Value)
	}
	return s
}
