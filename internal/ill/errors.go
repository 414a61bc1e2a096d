package ill

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Kind classifies an error for the people and programs that see it. Every
// surface maps a Kind exactly once: to an HTTP status (web, API), to an ISO
// 18626 errorType (protocol) and to an exit code (CLI).
type Kind uint8

// The error vocabulary. Anything not classified is Internal.
const (
	Internal        Kind = iota // a bug or an outage we did not expect; details are logged, not shown
	Invalid                     // the input is wrong; Msg and Fields say what to fix
	NotFound                    // no such thing, or not visible to this caller
	Conflict                    // the thing changed meanwhile, or the action is not allowed in its state
	Forbidden                   // authenticated, but the role does not allow it
	Unauthenticated             // who are you? (log in, or a bad credential)
	Unavailable                 // a dependency is down or busy; try again later
	TooLarge                    // the input is over a size limit
	RateLimited                 // too many attempts; wait
)

var kindNames = [...]string{"internal", "invalid", "not_found", "conflict", "forbidden", "unauthenticated", "unavailable", "too_large", "rate_limited"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Error is Interlend's error type. Msg is safe to show to the user who caused
// it; Fields holds per-field messages for forms and JSON; Op names where it
// happened (for logs); Err is the cause (for logs, never shown).
type Error struct {
	Kind   Kind
	Op     string
	Msg    string
	Fields map[string]string
	Err    error
}

// E builds an *Error. Arguments may be, in any order: a Kind, an Op (a
// string prefixed with "op:" is not needed: the first plain string is the
// message), an error (the cause), or a map[string]string of field messages.
//
//	ill.E(ill.NotFound, "request B1000042 not found")
//	ill.E(ill.Invalid, "check the highlighted fields", fields)
//	ill.E(ill.Unavailable, "the database is unreachable", err)
func E(args ...any) error {
	e := &Error{}
	for _, a := range args {
		switch v := a.(type) {
		case Kind:
			e.Kind = v
		case Op:
			e.Op = string(v)
		case string:
			e.Msg = v
		case error:
			e.Err = v
		case map[string]string:
			e.Fields = v
		default:
			panic(fmt.Sprintf("ill.E: unexpected argument %T", a))
		}
	}
	if e.Err != nil && e.Kind == Internal && e.Msg == "" {
		// Inherit the kind and message of a wrapped Interlend error.
		var inner *Error
		if errors.As(e.Err, &inner) {
			e.Kind, e.Msg, e.Fields = inner.Kind, inner.Msg, inner.Fields
		}
	}
	return e
}

// Op names an operation in an error, e.g. Op("store.CreateUser").
type Op string

// Errorf is E(kind, fmt.Sprintf(format, args...)).
func Errorf(kind Kind, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	if e.Msg != "" {
		b.WriteString(e.Msg)
	} else {
		b.WriteString(e.Kind.String())
	}
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(" (")
		for i, k := range keys {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(k + ": " + e.Fields[k])
		}
		b.WriteString(")")
	}
	if e.Err != nil && e.Err.Error() != e.Msg {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of the outermost *Error in err's chain that has one
// set, or Internal.
func KindOf(err error) Kind {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return Internal
		}
		if e.Kind != Internal {
			return e.Kind
		}
		err = e.Err
	}
	return Internal
}

// Is reports whether err is of kind k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// UserMessage is the user-safe message of err: the Msg of the first *Error
// carrying one, or a generic sentence for internal errors.
func UserMessage(err error) string {
	kind := KindOf(err)
	if kind == Internal {
		return "Something went wrong on our side. The problem has been logged."
	}
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			break
		}
		if e.Msg != "" {
			return e.Msg
		}
		err = e.Err
	}
	return kind.String() // (err is nil here: the kind is the original error's)
}

// FieldErrors returns the per-field messages carried by err, if any.
func FieldErrors(err error) map[string]string {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return nil
		}
		if len(e.Fields) > 0 {
			return e.Fields
		}
		err = e.Err
	}
	return nil
}
