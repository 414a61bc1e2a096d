package nciptest

import (
	"fmt"
	"slices"
	"strings"

	"interlend/internal/ncip"
)

// exchange is what a service handler needs to know about the message it
// answers.
type exchange struct {
	service string
	v       ncip.Version
	h       *ncip.ResponseHeader
	call    *Call
}

// fail is a Problem of type t for this exchange's service.
func (x *exchange) fail(t ncip.ProblemType, element, value, detail string) *ncip.Problem {
	p := ncip.NewProblem(x.service, t, element, value, detail)
	return &p
}

// answer does the work one initiation message asks for and returns the
// response body (with Problems if the work could not be done).
func (r *Responder) answer(in ncip.Initiation, v ncip.Version, call *Call) ncip.Body {
	r.mu.Lock()
	defer r.mu.Unlock()
	x := &exchange{service: in.ElementName(), v: v, h: r.responseHeader(in), call: call}
	resp, p := r.dispatch(x, in)
	if p != nil {
		call.Problem = ncip.ProblemType(p.Type.Value)
		return problemBody(x.service, x.h, *p)
	}
	return resp
}

func (r *Responder) dispatch(x *exchange, in ncip.Initiation) (ncip.Body, *ncip.Problem) {
	if p := r.checkHeader(x, in.Header()); p != nil {
		return nil, p
	}
	if err := in.Validate(x.v); err != nil {
		return nil, x.fail(ncip.NeededDataMissing, x.service, "", err.Error())
	}
	switch m := in.(type) {
	case *ncip.LookupUser:
		return r.lookupUser(x, m)
	case *ncip.LookupItem:
		return r.lookupItem(x, m)
	case *ncip.AcceptItem:
		return r.acceptItem(x, m)
	case *ncip.RequestItem:
		return r.requestItem(x, m)
	case *ncip.CancelRequestItem:
		return r.cancelRequestItem(x, m)
	case *ncip.CheckOutItem:
		return r.checkOutItem(x, m)
	case *ncip.CheckInItem:
		return r.checkInItem(x, m)
	case *ncip.DeleteItem:
		return r.deleteItem(x, m)
	case *ncip.RenewItem:
		return r.renewItem(x, m)
	}
	return nil, x.fail(ncip.UnsupportedService, x.service, "", "")
}

// checkHeader enforces the addressee and the agency password.
func (r *Responder) checkHeader(x *exchange, h *ncip.InitiationHeader) *ncip.Problem {
	if h != nil && r.Agency != "" && !h.ToAgencyID.Is(r.Agency) {
		return x.fail(ncip.UnknownAgency, "ToAgencyId", h.ToAgencyID.Value, "this responder is "+r.Agency)
	}
	if r.agencySecret != "" && (h == nil || h.FromAgencyAuthentication != r.agencySecret) {
		return x.fail(ncip.AgencyAuthenticationFailed, "FromAgencyAuthentication", "", "")
	}
	return nil
}

// responseHeader answers from this agency to the initiator, or is nil when
// the initiator sent no header to answer.
func (r *Responder) responseHeader(in ncip.Initiation) *ncip.ResponseHeader {
	h := in.Header()
	if h == nil || h.FromAgencyID.Value == "" {
		return nil
	}
	from := r.Agency
	if from == "" {
		from = h.ToAgencyID.Value
	}
	return &ncip.ResponseHeader{FromAgencyID: ncip.Value(from), ToAgencyID: h.FromAgencyID}
}

// scriptedProblem answers a FaultProblem: the Problem, aimed at the id the
// problem type is about.
func (r *Responder) scriptedProblem(in ncip.Initiation, t ncip.ProblemType, call *Call) ncip.Body {
	var element, value string
	switch s := string(t); {
	case strings.Contains(s, "User"):
		element, value = "UserIdentifierValue", call.UserID
	case strings.Contains(s, "Item"):
		element, value = "ItemIdentifierValue", call.ItemID
	case strings.Contains(s, "Request"):
		element, value = "RequestIdentifierValue", call.RequestID
	}
	call.Problem = t
	r.mu.Lock()
	h := r.responseHeader(in)
	r.mu.Unlock()
	return problemBody(in.ElementName(), h, ncip.NewProblem(in.ElementName(), t, element, value, "scripted fault"))
}

// problemBody is the response to service carrying only p.
func problemBody(service string, h *ncip.ResponseHeader, p ncip.Problem) ncip.Body {
	ps := []ncip.Problem{p}
	switch service {
	case "LookupUser":
		return &ncip.LookupUserResponse{ResponseHeader: h, Problems: ps}
	case "LookupItem":
		return &ncip.LookupItemResponse{ResponseHeader: h, Problems: ps}
	case "AcceptItem":
		return &ncip.AcceptItemResponse{ResponseHeader: h, Problems: ps}
	case "RequestItem":
		return &ncip.RequestItemResponse{ResponseHeader: h, Problems: ps}
	case "CancelRequestItem":
		return &ncip.CancelRequestItemResponse{ResponseHeader: h, Problems: ps}
	case "CheckOutItem":
		return &ncip.CheckOutItemResponse{ResponseHeader: h, Problems: ps}
	case "CheckInItem":
		return &ncip.CheckInItemResponse{ResponseHeader: h, Problems: ps}
	case "DeleteItem":
		return &ncip.DeleteItemResponse{ResponseHeader: h, Problems: ps}
	case "RenewItem":
		return &ncip.RenewItemResponse{ResponseHeader: h, Problems: ps}
	}
	panic(fmt.Sprintf("nciptest: no response type for %s", service))
}

// wants reports whether the element types ask for v.
func wants(types []ncip.SchemeValuePair, v string) bool {
	return slices.ContainsFunc(types, func(t ncip.SchemeValuePair) bool { return t.Is(v) })
}

// nextID is a fresh identifier with the prefix.
func (r *Responder) nextID(prefix string) string {
	r.seq++
	return fmt.Sprintf("%s-%06d", prefix, r.seq)
}
