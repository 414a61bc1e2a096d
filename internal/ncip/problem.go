package ncip

import (
	"errors"
	"slices"
	"strings"
)

// Problem is an NCIP Problem: the responder understood the message but
// could not do what it asked (a processing error such as Unknown User), or
// could not understand it (a messaging error). The Client returns it as the
// error of a call; errors.Is(err, UnknownUser) matches by type, and
// errors.As(err, &p) gives the details.
type Problem struct {
	Type SchemeValuePair `xml:"ProblemType"`
	// Detail is the ILS's free-text explanation. It may quote patron data:
	// show it to staff, do not log it.
	Detail string `xml:"ProblemDetail,omitempty"`
	// Element names the element at fault, e.g. UserIdentifierValue.
	Element string `xml:"ProblemElement,omitempty"`
	// Value is the offending value, e.g. the barcode. Not logged by Error.
	Value string `xml:"ProblemValue,omitempty"`
	// Service is the response element the problem came in (e.g.
	// "LookupUserResponse"), or "" for a message-level problem. The Client
	// sets it; it is not part of the XML.
	Service string `xml:"-"`
}

// Error names the service, the problem type and the element. It leaves out
// Detail and Value, which may hold patron data.
func (p *Problem) Error() string {
	var b strings.Builder
	b.WriteString("ncip: ")
	if p.Service != "" {
		b.WriteString(strings.TrimSuffix(p.Service, "Response"))
		b.WriteString(": ")
	}
	b.WriteString(p.Type.Value)
	if p.Element != "" {
		b.WriteString(" (")
		b.WriteString(p.Element)
		b.WriteString(")")
	}
	return b.String()
}

// Message is a line for staff: the type and, if the ILS gave one, its
// detail.
func (p *Problem) Message() string {
	if p.Detail == "" {
		return p.Type.Value
	}
	return p.Type.Value + ": " + p.Detail
}

// Is matches a ProblemType target by value, ignoring case and scheme.
func (p *Problem) Is(target error) bool {
	t, ok := target.(ProblemType)
	return ok && p.Type.Is(string(t))
}

// Temporary reports whether the ILS said the failure is temporary
// (Temporary Processing Failure), so that a retry may succeed.
func (p *Problem) Temporary() bool { return p.Type.Is(string(TemporaryProcessingFailure)) }

// ProblemType is the value of a ProblemType element. Each constant is an
// error target for errors.Is.
type ProblemType string

// Error makes a ProblemType usable with errors.Is.
func (t ProblemType) Error() string { return "ncip: " + string(t) }

// Messaging errors: the responder could not understand the message.
const (
	InvalidMessageSyntaxError   ProblemType = "Invalid Message Syntax Error"
	ProtocolError               ProblemType = "Protocol Error"
	UnknownElement              ProblemType = "Unknown Element"
	UnknownScheme               ProblemType = "Unknown Scheme"
	UnknownService              ProblemType = "Unknown Service"
	UnknownValueFromKnownScheme ProblemType = "Unknown Value From Known Scheme"
)

// General processing errors, possible in any service.
const (
	AgencyAuthenticationFailed       ProblemType = "Agency Authentication Failed"
	InvalidAmount                    ProblemType = "Invalid Amount"
	InvalidDate                      ProblemType = "Invalid Date"
	NeededDataMissing                ProblemType = "Needed Data Missing"
	SystemAuthenticationFailed       ProblemType = "System Authentication Failed"
	TemporaryProcessingFailure       ProblemType = "Temporary Processing Failure"
	UnauthorizedCombinationForAgency ProblemType = "Unauthorized Combination Of Element Values For Agency"
	UnauthorizedCombinationForSystem ProblemType = "Unauthorized Combination Of Element Values For System"
	UnauthorizedServiceForAgency     ProblemType = "Unauthorized Service For Agency"
	UnauthorizedServiceForSystem     ProblemType = "Unauthorized Service For System"
	UnknownAgency                    ProblemType = "Unknown Agency"
	UnknownSystem                    ProblemType = "Unknown System"
	UnsupportedService               ProblemType = "Unsupported Service"
)

// Service processing errors (the union of the per-service lists).
const (
	CannotAcceptItem                     ProblemType = "Cannot Accept Item"
	CannotGuaranteeRestrictionsOnUse     ProblemType = "Cannot Guarantee Restrictions On Use"
	DuplicateRequest                     ProblemType = "Duplicate Request"
	ElementRuleViolated                  ProblemType = "Element Rule Violated"
	ItemDoesNotCirculate                 ProblemType = "Item Does Not Circulate"
	ItemNotAvailableByNeedBeforeDate     ProblemType = "Item Not Available By Need Before Date"
	ItemNotCheckedOut                    ProblemType = "Item Not Checked Out"
	MaximumCheckOutsExceeded             ProblemType = "Maximum Check Outs Exceeded"
	MaximumRenewalsExceeded              ProblemType = "Maximum Renewals Exceeded"
	NonUniqueUser                        ProblemType = "Non-Unique User"
	RequestAlreadyProcessed              ProblemType = "Request Already Processed"
	ResourceCannotBeProvided             ProblemType = "Resource Cannot Be Provided"
	UnknownItem                          ProblemType = "Unknown Item"
	UnknownRequest                       ProblemType = "Unknown Request"
	UnknownUser                          ProblemType = "Unknown User"
	UnsupportedShippingAddressType       ProblemType = "Unsupported Shipping Address Type"
	UserAccessDenied                     ProblemType = "User Access Denied"
	UserAuthenticationFailed             ProblemType = "User Authentication Failed"
	UserBlocked                          ProblemType = "User Blocked"
	UserIneligibleToCheckOutThisItem     ProblemType = "User Ineligible To Check Out This Item"
	UserIneligibleToRequestThisItem      ProblemType = "User Ineligible To Request This Item"
	ItemNotRenewable                     ProblemType = "Item Not Renewable"
	RenewalNotAllowedOutstandingRequests ProblemType = "Renewal Not Allowed - Item Has Outstanding Requests"
	UserIneligibleToRenewThisItem        ProblemType = "User Ineligible To Renew This Item"
)

const schemeBase = "http://www.niso.org/ncip/v1_0/schemes/"

var messagingErrors = []ProblemType{InvalidMessageSyntaxError, ProtocolError, UnknownElement, UnknownScheme, UnknownService, UnknownValueFromKnownScheme}

var generalErrors = []ProblemType{AgencyAuthenticationFailed, InvalidAmount, InvalidDate, NeededDataMissing, SystemAuthenticationFailed, TemporaryProcessingFailure, UnauthorizedCombinationForAgency, UnauthorizedCombinationForSystem, UnauthorizedServiceForAgency, UnauthorizedServiceForSystem, UnknownAgency, UnknownSystem, UnsupportedService}

// servicesWithErrorList are the services that have their own
// processing-error list; the others (DeleteItem) use the general one.
var servicesWithErrorList = []string{"lookupuser", "lookupitem", "acceptitem", "checkoutitem", "checkinitem", "requestitem", "cancelrequestitem", "renewitem"}

// ProblemScheme is the scheme URI a responder puts on a ProblemType: the
// messaging-error list, the general processing-error list, or the
// service's own list ("checkinitemprocessingerror.scm" for CheckInItem).
func ProblemScheme(service string, t ProblemType) string {
	s := strings.ToLower(strings.TrimSuffix(service, "Response"))
	switch {
	case slices.Contains(messagingErrors, t):
		return schemeBase + "messagingerrortype/messagingerrortype.scm"
	case slices.Contains(generalErrors, t) || !slices.Contains(servicesWithErrorList, s):
		return schemeBase + "processingerrortype/generalprocessingerror.scm"
	}
	return schemeBase + "processingerrortype/" + s + "processingerror.scm"
}

// NewProblem is a Problem of type t for service (the initiation or
// response element name), with its standard scheme.
func NewProblem(service string, t ProblemType, element, value, detail string) Problem {
	return Problem{
		Type:    SchemeValuePair{Scheme: ProblemScheme(service, t), Value: string(t)},
		Detail:  detail,
		Element: element,
		Value:   value,
	}
}

// problemsError turns the Problems of a response into one error: the
// *Problem itself when there is one, else an errors.Join of all of them (so
// errors.Is finds any, and errors.As the first).
func problemsError(service string, ps []Problem) error {
	errs := make([]error, len(ps))
	for i := range ps {
		p := ps[i]
		p.Service = service
		errs[i] = &p
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}

// Problems lists every *Problem in err's tree (joined or wrapped), in
// order.
func Problems(err error) []*Problem {
	var out []*Problem
	var walk func(error)
	walk = func(e error) {
		switch x := e.(type) {
		case nil:
		case *Problem:
			out = append(out, x)
		case interface{ Unwrap() []error }:
			for _, c := range x.Unwrap() {
				walk(c)
			}
		case interface{ Unwrap() error }:
			walk(x.Unwrap())
		}
	}
	walk(err)
	return out
}
