package wire

import (
	"errors"
	"time"

	"interlend/internal/ill"
	"interlend/internal/iso18626"
)

// DataError is a value in an incoming message that Interlend cannot take
// (an unknown agency, an amount that does not parse). The caller answers
// the message with a confirmation carrying ErrorType and ErrorValue, which
// are in the standard's form: the XSD spelling of errorType and the Annex B
// errorValue `supplyingAgencyId - Value = "X"`. It is an ill.Invalid error.
type DataError struct {
	ErrorType  iso18626.ErrorType
	ErrorValue string
	err        error // the ill.Invalid error with a sentence for people
}

func newDataError(t iso18626.ErrorType, value, msg string) *DataError {
	return &DataError{ErrorType: t, ErrorValue: value, err: ill.E(ill.Invalid, msg)}
}

// Error is the sentence for people followed by the errorData.
func (e *DataError) Error() string {
	return "wire: " + e.err.Error() + " (" + string(e.ErrorType) + ": " + e.ErrorValue + ")"
}

// Unwrap returns the ill.Invalid error.
func (e *DataError) Unwrap() error { return e.err }

// ErrorData is the errorData to answer with.
func (e *DataError) ErrorData() iso18626.ErrorData {
	return iso18626.ErrorData{ErrorType: e.ErrorType, ErrorValue: e.ErrorValue}
}

// Confirmation is the answer to a message: OK, or an ISO 18626 error
// (errorType in the XSD spelling, errorValue in the Annex B form).
type Confirmation struct {
	OK         bool
	ErrorType  string
	ErrorValue string
}

// Refusal is the confirmation for an error from Parse (*iso18626.ParseError),
// Validate (iso18626.Problems: the first one) or Decode (*DataError), and
// true. Any other error (an outage, a bug) gives false: that is no reason to
// refuse the message, which should be answered with a transport error so
// that the partner sends it again.
func Refusal(err error) (Confirmation, bool) {
	var (
		de *DataError
		pe *iso18626.ParseError
		ps iso18626.Problems
	)
	switch {
	case errors.As(err, &de):
		return refused(de.ErrorData()), true
	case errors.As(err, &pe):
		return refused(pe.ErrorData()), true
	case errors.As(err, &ps) && len(ps) > 0:
		return refused(ps[0].ErrorData()), true
	}
	return Confirmation{}, false
}

func refused(e iso18626.ErrorData) Confirmation {
	return Confirmation{ErrorType: string(e.ErrorType), ErrorValue: e.ErrorValue}
}

// Confirm builds the confirmation of an incoming request, SAM or RAM in its
// version (iso18626.Confirm): OK, or ERROR with c's errorData (an error type
// outside the list becomes BadlyFormedMessage). now is when the confirmation
// is made. The result always passes iso18626.Validate.
func Confirm(in *iso18626.Message, now time.Time, c Confirmation) (*iso18626.Message, error) {
	if c.OK {
		return iso18626.Confirm(in, now)
	}
	return iso18626.Confirm(in, now, iso18626.ErrorData{ErrorType: iso18626.ErrorType(c.ErrorType), ErrorValue: c.ErrorValue})
}

// ReadConfirmation reads a partner's confirmation of a message we sent: OK
// when messageStatus is OK, otherwise not OK with the first errorData (an
// ERROR without errorData has empty ErrorType and ErrorValue). It fails
// for a message that is not a confirmation.
func ReadConfirmation(m *iso18626.Message) (Confirmation, error) {
	if m == nil || m.ConfirmationHeader() == nil {
		return Confirmation{}, ill.E(ill.Invalid, "the partner's answer is not an ISO 18626 confirmation")
	}
	if m.ConfirmationHeader().MessageStatus == iso18626.MessageOK {
		return Confirmation{OK: true}, nil
	}
	if es := m.ErrorData(); len(es) > 0 {
		return refused(es[0]), nil
	}
	return Confirmation{}, nil
}
