package wire

import (
	"fmt"
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/iso18626"
)

// Encode builds the ISO 18626 message of version v that says what m says
// (see the package documentation for the conventions). The result passes
// iso18626.Validate, so iso18626.Marshal writes it and it validates against
// the version's XSD. Encode fails with an ill.Invalid error for an unknown
// version or kind, a cost it cannot write, or a message missing what the
// version requires (a SAM without status or reason, a request without a
// service type in 2021, a header without ids or timestamp).
func Encode(m ill.Message, v iso18626.Version, ids Agencies) (*iso18626.Message, error) {
	if v != iso18626.V1_2 && v != iso18626.V2021 {
		return nil, ill.E(ill.Invalid, ill.Op("wire.Encode"), fmt.Sprintf("unknown ISO 18626 version %d", int(v)))
	}
	out := &iso18626.Message{Version: v}
	var err error
	switch m.Kind {
	case ill.MsgRequest:
		out.Request, err = encodeRequest(m, v, ids)
	case ill.MsgSAM:
		out.SupplyingAgencyMessage, err = encodeSAM(m, v, ids)
	case ill.MsgRAM:
		out.RequestingAgencyMessage = encodeRAM(m, v, ids)
	default:
		return nil, ill.E(ill.Invalid, ill.Op("wire.Encode"), fmt.Sprintf("cannot encode a message of kind %q", m.Kind))
	}
	if err != nil {
		return nil, ill.E(ill.Op("wire.Encode"), err)
	}
	if ps := iso18626.Validate(out); len(ps) > 0 {
		return nil, ill.E(ill.Invalid, ill.Op("wire.Encode"),
			fmt.Sprintf("the %s cannot be sent as ISO 18626 %s", m.Kind, v), ps)
	}
	return out, nil
}

// header is the header shared by the three messages. Marshal writes the
// v1.2 multipleItemRequestId; the request and SAM encoders remove what
// their header cannot hold.
func header(m ill.Message, ids Agencies) iso18626.Header {
	h := iso18626.Header{
		Timestamp:                 iso18626.At(m.Timestamp),
		RequestingAgencyRequestID: m.RequesterRequestID,
		SupplyingAgencyRequestID:  m.SupplierRequestID,
	}
	if m.Requester != "" {
		h.RequestingAgencyID = ids.Ref(m.Requester)
	}
	if m.Supplier != "" {
		h.SupplyingAgencyID = ids.Ref(m.Supplier)
	}
	return h
}

// code is an open code with the default scheme, or the zero Code for "".
func code(s string) iso18626.Code {
	s = strings.TrimSpace(s)
	if s == "" {
		return iso18626.Code{}
	}
	return iso18626.C(s)
}

func codes(ss []string) []iso18626.Code {
	var out []iso18626.Code
	for _, s := range ss {
		if c := code(s); !c.IsZero() {
			out = append(out, c)
		}
	}
	return out
}

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// when is a wire date as a domain time: UTC, zero when not given.
func when(d iso18626.DateTime) time.Time {
	if d.IsZero() {
		return time.Time{}
	}
	return d.UTC()
}
