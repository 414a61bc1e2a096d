package iso18626

// Closed code lists. Each is a string type with one constant per value; the
// Valid method says whether a value belongs to the list of a schema version.
// Values outside the list still parse (so that the message can be answered
// with errorData); Validate reports them.

// Status is statusInfo/status: the supplier's view of the request.
type Status string

// Status values. HoldReturn and ReleaseHoldReturn exist only in 2021.
const (
	StatusRequestReceived        Status = "RequestReceived"
	StatusExpectToSupply         Status = "ExpectToSupply"
	StatusWillSupply             Status = "WillSupply"
	StatusLoaned                 Status = "Loaned"
	StatusOverdue                Status = "Overdue"
	StatusRecalled               Status = "Recalled"
	StatusRetryPossible          Status = "RetryPossible"
	StatusUnfilled               Status = "Unfilled"
	StatusHoldReturn             Status = "HoldReturn"
	StatusReleaseHoldReturn      Status = "ReleaseHoldReturn"
	StatusCopyCompleted          Status = "CopyCompleted"
	StatusLoanCompleted          Status = "LoanCompleted"
	StatusCompletedWithoutReturn Status = "CompletedWithoutReturn"
	StatusCancelled              Status = "Cancelled"
)

// Statuses lists every status of the 2021 list in XSD order.
var Statuses = []Status{
	StatusRequestReceived, StatusExpectToSupply, StatusWillSupply, StatusLoaned, StatusOverdue,
	StatusRecalled, StatusRetryPossible, StatusUnfilled, StatusHoldReturn, StatusReleaseHoldReturn,
	StatusCopyCompleted, StatusLoanCompleted, StatusCompletedWithoutReturn, StatusCancelled,
}

// Valid reports whether s is in the status list of version v.
func (s Status) Valid(v Version) bool {
	if s == StatusHoldReturn || s == StatusReleaseHoldReturn {
		return v == V2021
	}
	return in(s, Statuses)
}

// Terminal reports whether no further status may follow s for the request.
// RetryPossible counts: it ends the request, and a retry is a new request.
func (s Status) Terminal() bool {
	switch s {
	case StatusRetryPossible, StatusUnfilled, StatusCopyCompleted, StatusLoanCompleted,
		StatusCompletedWithoutReturn, StatusCancelled:
		return true
	}
	return false
}

// Action is requestingAgencyMessage/action.
type Action string

// Action values. HoldReturn and Lost exist only in 2021.
const (
	ActionStatusRequest  Action = "StatusRequest"
	ActionReceived       Action = "Received"
	ActionCancel         Action = "Cancel"
	ActionRenew          Action = "Renew"
	ActionHoldReturn     Action = "HoldReturn"
	ActionShippedReturn  Action = "ShippedReturn"
	ActionShippedForward Action = "ShippedForward"
	ActionNotification   Action = "Notification"
	ActionLost           Action = "Lost"
)

// Actions lists every action of the 2021 list in XSD order.
var Actions = []Action{
	ActionStatusRequest, ActionReceived, ActionCancel, ActionRenew, ActionHoldReturn,
	ActionShippedReturn, ActionShippedForward, ActionNotification, ActionLost,
}

// Valid reports whether a is in the action list of version v.
func (a Action) Valid(v Version) bool {
	if a == ActionHoldReturn || a == ActionLost {
		return v == V2021
	}
	return in(a, Actions)
}

// ReasonForMessage is supplyingAgencyMessage/messageInfo/reasonForMessage.
type ReasonForMessage string

// ReasonForMessage values (same in both versions).
const (
	ReasonRequestResponse       ReasonForMessage = "RequestResponse"
	ReasonStatusRequestResponse ReasonForMessage = "StatusRequestResponse"
	ReasonRenewResponse         ReasonForMessage = "RenewResponse"
	ReasonCancelResponse        ReasonForMessage = "CancelResponse"
	ReasonStatusChange          ReasonForMessage = "StatusChange"
	ReasonNotification          ReasonForMessage = "Notification"
)

// Reasons lists every reasonForMessage in XSD order.
var Reasons = []ReasonForMessage{
	ReasonRequestResponse, ReasonStatusRequestResponse, ReasonRenewResponse,
	ReasonCancelResponse, ReasonStatusChange, ReasonNotification,
}

// Valid reports whether r is in the reasonForMessage list.
func (r ReasonForMessage) Valid(Version) bool { return in(r, Reasons) }

// ServiceType is serviceInfo/serviceType (also deliveryInfo and retryInfo in 2021).
type ServiceType string

// ServiceType values.
const (
	ServiceCopy       ServiceType = "Copy"
	ServiceLoan       ServiceType = "Loan"
	ServiceCopyOrLoan ServiceType = "CopyOrLoan"
)

// ServiceTypes lists every service type.
var ServiceTypes = []ServiceType{ServiceCopy, ServiceLoan, ServiceCopyOrLoan}

// Valid reports whether s is in the serviceType list.
func (s ServiceType) Valid(Version) bool { return in(s, ServiceTypes) }

// RequestType is serviceInfo/requestType; absent means New.
type RequestType string

// RequestType values.
const (
	RequestNew      RequestType = "New"
	RequestRetry    RequestType = "Retry"
	RequestReminder RequestType = "Reminder"
)

// RequestTypes lists every request type.
var RequestTypes = []RequestType{RequestNew, RequestRetry, RequestReminder}

// Valid reports whether t is in the requestType list.
func (t RequestType) Valid(Version) bool { return in(t, RequestTypes) }

// RequestSubType is serviceInfo/requestSubType (at most 3 in v1.2).
type RequestSubType string

// RequestSubType values.
const (
	SubTypeBookingRequest          RequestSubType = "BookingRequest"
	SubTypeMultipleItemRequest     RequestSubType = "MultipleItemRequest"
	SubTypePatronRequest           RequestSubType = "PatronRequest"
	SubTypeTransferRequest         RequestSubType = "TransferRequest"
	SubTypeSupplyingLibrarysChoice RequestSubType = "SupplyingLibrarysChoice"
)

// RequestSubTypes lists every request sub-type.
var RequestSubTypes = []RequestSubType{
	SubTypeBookingRequest, SubTypeMultipleItemRequest, SubTypePatronRequest,
	SubTypeTransferRequest, SubTypeSupplyingLibrarysChoice,
}

// Valid reports whether t is in the requestSubType list.
func (t RequestSubType) Valid(Version) bool { return in(t, RequestSubTypes) }

// PreferredEdition is serviceInfo/preferredEdition (2021 only).
type PreferredEdition string

// PreferredEdition values.
const (
	EditionMostRecent PreferredEdition = "MostRecentEdition"
	EditionThis       PreferredEdition = "ThisEdition"
	EditionAny        PreferredEdition = "AnyEdition"
)

// PreferredEditions lists every preferred edition value.
var PreferredEditions = []PreferredEdition{EditionMostRecent, EditionThis, EditionAny}

// Valid reports whether e is in the preferredEdition list of v (none in v1.2).
func (e PreferredEdition) Valid(v Version) bool { return v == V2021 && in(e, PreferredEditions) }

// MessageStatus is confirmationHeader/messageStatus.
type MessageStatus string

// MessageStatus values.
const (
	MessageOK    MessageStatus = "OK"
	MessageError MessageStatus = "ERROR"
)

// Valid reports whether s is OK or ERROR.
func (s MessageStatus) Valid(Version) bool { return s == MessageOK || s == MessageError }

// ErrorType is errorData/errorType, in the XSD spelling.
type ErrorType string

// ErrorType values as spelled in both XSDs.
const (
	ErrUnsupportedActionType           ErrorType = "UnsupportedActionType"
	ErrUnsupportedReasonForMessageType ErrorType = "UnsupportedReasonForMessageType"
	ErrUnrecognisedDataElement         ErrorType = "UnrecognisedDataElement"
	ErrUnrecognisedDataValue           ErrorType = "UnrecognisedDataValue"
	ErrBadlyFormedMessage              ErrorType = "BadlyFormedMessage"
)

// ErrorTypes lists every error type.
var ErrorTypes = []ErrorType{
	ErrUnsupportedActionType, ErrUnsupportedReasonForMessageType, ErrUnrecognisedDataElement,
	ErrUnrecognisedDataValue, ErrBadlyFormedMessage,
}

// Valid reports whether t is in the errorType list (XSD spelling).
func (t ErrorType) Valid(Version) bool { return in(t, ErrorTypes) }

// errorTypeSpellings maps the spellings of the 2021 standard text (and
// common case slips) to the XSD spelling.
var errorTypeSpellings = map[string]ErrorType{
	"UnrecognizedDataElement":         ErrUnrecognisedDataElement,
	"UnrecognizedDataValue":           ErrUnrecognisedDataValue,
	"UnsupportedReasonforMessageType": ErrUnsupportedReasonForMessageType,
	"UnsupportedActiontype":           ErrUnsupportedActionType,
	"BadlyformedMessage":              ErrBadlyFormedMessage,
}

// NormalizeErrorType returns the XSD spelling of t, accepting the spellings
// printed in the 2021 standard text (UnrecognizedDataValue, ...).
func NormalizeErrorType(t ErrorType) ErrorType {
	if x, ok := errorTypeSpellings[string(t)]; ok {
		return x
	}
	return t
}

// YesNo is the Y/N type of answerYesNo, anyEdition, sendToPatron,
// shippingInfo/insurance and insuranceThirdParty.
type YesNo string

// YesNo values.
const (
	Yes YesNo = "Y"
	No  YesNo = "N"
)

// Valid reports whether y is Y or N.
func (y YesNo) Valid(Version) bool { return y == Yes || y == No }

// Bool is true for Y.
func (y YesNo) Bool() bool { return y == Yes }

// YesNoOf returns Y for true and N for false.
func YesNoOf(b bool) YesNo {
	if b {
		return Yes
	}
	return No
}

func in[T comparable](x T, list []T) bool {
	for _, y := range list {
		if x == y {
			return true
		}
	}
	return false
}
