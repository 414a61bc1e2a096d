package iso18626

import (
	"errors"
	"time"
)

// ErrNotConfirmable is returned when a confirmation is asked for a message
// that is itself a confirmation or whose type is unknown.
var ErrNotConfirmable = errors.New("iso18626: only a request, SAM or RAM can be confirmed")

// Confirm builds the confirmation of an incoming request, SAM or RAM, in the
// incoming message's version: messageStatus OK without errs, ERROR with them
// as errorData (v1.2 carries only the first). It echoes the supplying and
// requesting agency ids, the requestingAgencyRequestId and (v1.2) the
// multipleItemRequestId; the ill:version spelling is the incoming one when
// it names the same version; timestamp is now, timestampReceived the incoming
// timestamp (now when that is missing); a SAM's reasonForMessage and a RAM's
// action are echoed when they are in the version's list. Ids too incomplete
// to be valid are left out, so the result always passes Validate.
//
// in may be the Partial message of a ParseError (see ConfirmParseError).
func Confirm(in *Message, now time.Time, errs ...ErrorData) (*Message, error) {
	if in == nil {
		return nil, ErrNotConfirmable
	}
	h := in.Header()
	if h == nil {
		return nil, ErrNotConfirmable
	}
	v := in.Version
	if !v.valid() {
		v = V1_2
	}
	ch := ConfirmationHeader{
		SupplyingAgencyID:         echoAgency(h.SupplyingAgencyID),
		RequestingAgencyID:        echoAgency(h.RequestingAgencyID),
		Timestamp:                 At(now),
		RequestingAgencyRequestID: h.RequestingAgencyRequestID,
		TimestampReceived:         h.Timestamp,
		MessageStatus:             MessageOK,
	}
	if v == V1_2 {
		ch.MultipleItemRequestID = h.MultipleItemRequestID
	}
	if ch.TimestampReceived.IsZero() || !ch.TimestampReceived.writable() {
		ch.TimestampReceived = ch.Timestamp
	}
	var data []ErrorData
	for _, e := range errs {
		e.ErrorType = NormalizeErrorType(e.ErrorType)
		if !e.ErrorType.Valid(v) {
			e = ErrorData{ErrorType: ErrBadlyFormedMessage, ErrorValue: e.ErrorValue}
		}
		data = append(data, e)
	}
	if len(data) > 0 {
		ch.MessageStatus = MessageError
		if v == V1_2 {
			data = data[:1]
		}
	}
	out := &Message{Version: v, SchemaLocation: v.SchemaLocation()}
	if av, ok := VersionFromAttr(in.VersionAttr); ok && av == v {
		out.VersionAttr = in.VersionAttr // answer in the partner's spelling ("1.0", "2021")
	}
	switch {
	case in.Request != nil:
		out.RequestConfirmation = &RequestConfirmation{Header: ch, ErrorData: data}
	case in.SupplyingAgencyMessage != nil:
		c := &SupplyingAgencyMessageConfirmation{Header: ch, ErrorData: data}
		if r := in.SupplyingAgencyMessage.MessageInfo.ReasonForMessage; r.Valid(v) {
			c.ReasonForMessage = r
		}
		out.SupplyingAgencyMessageConfirmation = c
	case in.RequestingAgencyMessage != nil:
		c := &RequestingAgencyMessageConfirmation{Header: ch, ErrorData: data}
		if a := in.RequestingAgencyMessage.Action; a.Valid(v) {
			c.Action = a
		}
		out.RequestingAgencyMessageConfirmation = c
	}
	return out, nil
}

// ConfirmProblems is Confirm with the problems found by Validate.
func ConfirmProblems(in *Message, now time.Time, ps Problems) (*Message, error) {
	return Confirm(in, now, ps.ErrorData()...)
}

// ConfirmParseError builds the ERROR confirmation for input Parse refused,
// from the part of the message it could read. It fails with
// ErrNotConfirmable when not even the message type was read.
func ConfirmParseError(err *ParseError, now time.Time) (*Message, error) {
	if err == nil || err.Partial == nil {
		return nil, ErrNotConfirmable
	}
	return Confirm(err.Partial, now, err.ErrorData())
}

// echoAgency keeps an agency id only when both its parts are present.
func echoAgency(a AgencyID) AgencyID {
	if a.Type.Value == "" || a.Value == "" {
		return AgencyID{}
	}
	return a
}
