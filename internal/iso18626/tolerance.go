package iso18626

import (
	"strings"
	"unicode"
)

// Tolerance lists the deviations from the schema that Parse (and
// Tolerance.Validate) accept from a partner. Each accepted deviation is
// reported as a Warning. The zero value is strict; set fields per partner
// profile, or use Lenient.
type Tolerance struct {
	// EmptyStatus accepts an empty statusInfo/status, read as "no change of
	// status" (SupplyingAgencyMessage.StatusUnchanged).
	EmptyStatus bool
	// UnqualifiedVersion accepts version= instead of ill:version=, or no
	// version attribute at all.
	UnqualifiedVersion bool
	// UnqualifiedScheme accepts scheme= instead of ill:scheme=.
	UnqualifiedScheme bool
	// ZeroDates reads an empty date element or an all-zero date
	// (0000-00-00T00:00:00) as "not given", and accepts a zero
	// deliveryInfo/dateSent.
	ZeroDates bool
	// MapReasonForMessage maps an unknown reasonForMessage to a standard one
	// (case slips, "Cancel" for CancelResponse...; otherwise StatusChange, or
	// Notification when the status is empty).
	MapReasonForMessage bool
	// NonStandardCodes maps codes seen in the wild to the standard ones:
	// reasonRetry LoanCondition (MustMeetLoanCondition) and the 2021 prose
	// spellings (MaximumCosts, ReqEditionNotPoss, ReqPayMethodNotSupp); it
	// reports reasonUnfilled Duplicate; it fixes the case of closed codes
	// ("loaned") and Y/N spelt yes/no/true/false.
	NonStandardCodes bool
	// NoNamespace accepts elements in no namespace.
	NoNamespace bool
	// UnknownElements skips elements the schema does not have, instead of
	// failing with UnrecognisedDataElement.
	UnknownElements bool
}

// Lenient returns a Tolerance with every deviation accepted.
func Lenient() Tolerance {
	return Tolerance{EmptyStatus: true, UnqualifiedVersion: true, UnqualifiedScheme: true, ZeroDates: true,
		MapReasonForMessage: true, NonStandardCodes: true, NoNamespace: true, UnknownElements: true}
}

// normalise applies the tolerances that change values, after the version is
// known. Two fixes are always made: the 2021 text spellings of errorType
// become the XSD ones, and a scheme on a 2021 region (a plain string there)
// is dropped.
func normalise(d *decoder, m *Message) {
	for _, e := range errorDataOf(m) {
		if x := NormalizeErrorType(e.ErrorType); x != e.ErrorType {
			d.warnAt(WarnSpelling, "errorData/errorType", string(e.ErrorType), "read as "+string(x))
			e.ErrorType = x
		}
	}
	if m.Version == V2021 {
		eachPhysicalAddress(m, func(p *PhysicalAddress) {
			if p.Region.Scheme != "" {
				d.warnAt(WarnIgnoredAttribute, "physicalAddress/region", p.Region.Scheme, "scheme dropped: region is a plain string in 2021")
				p.Region.Scheme = ""
			}
		})
	}
	t := d.tol
	if t.NonStandardCodes {
		fixCodeCases(d, m)
	}
	if s := m.SupplyingAgencyMessage; s != nil {
		if s.StatusInfo.Status == "" && t.EmptyStatus {
			d.warnAt(WarnStatusUnchanged, "supplyingAgencyMessage/statusInfo/status", "", "empty status read as no change")
		}
		if r := s.MessageInfo.ReasonForMessage; !r.Valid(m.Version) && t.MapReasonForMessage {
			x := MapReasonForMessage(string(r), s.StatusInfo.Status)
			d.warnAt(WarnReasonMapped, "supplyingAgencyMessage/messageInfo/reasonForMessage", string(r), "read as "+string(x))
			s.MessageInfo.ReasonForMessage = x
		}
		if t.NonStandardCodes {
			for _, el := range []struct {
				name string
				c    *Code
			}{{"reasonRetry", &s.MessageInfo.ReasonRetry}, {"reasonUnfilled", &s.MessageInfo.ReasonUnfilled}} {
				if x, known := StandardOpenCode(el.name, *el.c); known {
					d.warnAt(WarnCodeMapped, "supplyingAgencyMessage/messageInfo/"+el.name, el.c.Value,
						"non-standard value, read as "+x.Value)
					*el.c = x
				}
			}
		}
	}
}

// fixCodeCases fixes closed codes that differ from a valid one only in case
// or punctuation, and Y/N written as words.
func fixCodeCases(d *decoder, m *Message) {
	fix := func(path string, p *string, valid []string) {
		if *p == "" || in(*p, valid) {
			return
		}
		k := foldCode(*p)
		for _, v := range valid {
			if foldCode(v) == k {
				d.warnAt(WarnCodeMapped, path, *p, "read as "+v)
				*p = v
				return
			}
		}
	}
	yn := func(path string, y *YesNo) {
		switch strings.ToLower(strings.TrimSpace(string(*y))) {
		case "y", "yes", "true", "1":
			if *y != Yes {
				d.warnAt(WarnCodeMapped, path, string(*y), "read as Y")
				*y = Yes
			}
		case "n", "no", "false", "0":
			if *y != No {
				d.warnAt(WarnCodeMapped, path, string(*y), "read as N")
				*y = No
			}
		}
	}
	if s := m.SupplyingAgencyMessage; s != nil {
		fix("supplyingAgencyMessage/statusInfo/status", (*string)(&s.StatusInfo.Status), strs(Statuses))
		fix("supplyingAgencyMessage/messageInfo/reasonForMessage", (*string)(&s.MessageInfo.ReasonForMessage), strs(Reasons))
		yn("supplyingAgencyMessage/messageInfo/answerYesNo", &s.MessageInfo.AnswerYesNo)
		if s.ShippingInfo != nil {
			yn("supplyingAgencyMessage/shippingInfo/insurance", &s.ShippingInfo.Insurance)
			yn("supplyingAgencyMessage/shippingInfo/insuranceThirdParty", &s.ShippingInfo.InsuranceThirdParty)
		}
		if s.DeliveryInfo != nil {
			fix("supplyingAgencyMessage/deliveryInfo/serviceType", (*string)(&s.DeliveryInfo.ServiceType), strs(ServiceTypes))
		}
	}
	if r := m.RequestingAgencyMessage; r != nil {
		fix("requestingAgencyMessage/action", (*string)(&r.Action), strs(Actions))
	}
	if r := m.Request; r != nil {
		if si := r.ServiceInfo; si != nil {
			fix("request/serviceInfo/serviceType", (*string)(&si.ServiceType), strs(ServiceTypes))
			fix("request/serviceInfo/requestType", (*string)(&si.RequestType), strs(RequestTypes))
			yn("request/serviceInfo/anyEdition", &si.AnyEdition)
		}
		if p := r.PatronInfo; p != nil {
			yn("request/patronInfo/sendToPatron", &p.SendToPatron)
		}
	}
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// foldCode is a code without case, spaces and punctuation.
func foldCode(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// reasonSynonyms are reasonForMessage spellings seen or plausible from
// partners, folded with foldCode.
var reasonSynonyms = map[string]ReasonForMessage{
	"request": ReasonRequestResponse, "requestreply": ReasonRequestResponse, "response": ReasonRequestResponse,
	"statusrequest": ReasonStatusRequestResponse, "statusreply": ReasonStatusRequestResponse,
	"statusresponse": ReasonStatusRequestResponse, "statusquery": ReasonStatusRequestResponse,
	"renew": ReasonRenewResponse, "renewal": ReasonRenewResponse, "renewreply": ReasonRenewResponse, "renewed": ReasonRenewResponse,
	"cancel": ReasonCancelResponse, "cancelreply": ReasonCancelResponse, "cancelled": ReasonCancelResponse,
	"canceled": ReasonCancelResponse, "cancellation": ReasonCancelResponse,
	"status": ReasonStatusChange, "statusupdate": ReasonStatusChange, "change": ReasonStatusChange, "update": ReasonStatusChange,
	"note": ReasonNotification, "message": ReasonNotification, "notice": ReasonNotification, "info": ReasonNotification,
}

// MapReasonForMessage maps a reasonForMessage outside the list to a standard
// one: a case or punctuation slip of a valid reason, a known synonym
// ("Cancel" for CancelResponse), else StatusChange when the SAM carries a
// status and Notification when it does not.
func MapReasonForMessage(raw string, status Status) ReasonForMessage {
	k := foldCode(raw)
	for _, r := range Reasons {
		if foldCode(string(r)) == k {
			return r
		}
	}
	if r, ok := reasonSynonyms[k]; ok {
		return r
	}
	if status != "" {
		return ReasonStatusChange
	}
	return ReasonNotification
}

func errorDataOf(m *Message) []*ErrorData {
	var es []ErrorData
	switch {
	case m.RequestConfirmation != nil:
		es = m.RequestConfirmation.ErrorData
	case m.SupplyingAgencyMessageConfirmation != nil:
		es = m.SupplyingAgencyMessageConfirmation.ErrorData
	case m.RequestingAgencyMessageConfirmation != nil:
		es = m.RequestingAgencyMessageConfirmation.ErrorData
	}
	out := make([]*ErrorData, len(es))
	for i := range es {
		out[i] = &es[i]
	}
	return out
}

// eachPhysicalAddress calls fn for every physical address in m.
func eachPhysicalAddress(m *Message, fn func(*PhysicalAddress)) {
	addr := func(a *Address) {
		if a != nil && a.PhysicalAddress != nil {
			fn(a.PhysicalAddress)
		}
	}
	if r := m.Request; r != nil {
		for i := range r.RequestedDeliveryInfo {
			addr(r.RequestedDeliveryInfo[i].Address)
		}
		if r.RequestingAgencyInfo != nil {
			for i := range r.RequestingAgencyInfo.Address {
				addr(&r.RequestingAgencyInfo.Address[i])
			}
		}
		if r.PatronInfo != nil {
			for i := range r.PatronInfo.Address {
				addr(&r.PatronInfo.Address[i])
			}
		}
		if r.BillingInfo != nil {
			addr(r.BillingInfo.Address)
		}
	}
	if s := m.SupplyingAgencyMessage; s != nil {
		if s.DeliveryInfo != nil {
			addr(s.DeliveryInfo.Address)
		}
		if s.ReturnInfo != nil && s.ReturnInfo.PhysicalAddress != nil {
			fn(s.ReturnInfo.PhysicalAddress)
		}
	}
}
