package ill

import "time"

// MessageKind is the kind of protocol message: the three ISO 18626
// messages that carry meaning (confirmations are transport).
type MessageKind string

// Message kinds.
const (
	MsgRequest MessageKind = "request"                 // borrower → lender: a new request, a retry or a reminder
	MsgSAM     MessageKind = "supplyingAgencyMessage"  // lender → borrower: answers and status changes
	MsgRAM     MessageKind = "requestingAgencyMessage" // borrower → lender: actions
)

// ISO 18626 statuses (supplier's view of a request).
const (
	StatusRequestReceived        = "RequestReceived"
	StatusExpectToSupply         = "ExpectToSupply"
	StatusWillSupply             = "WillSupply"
	StatusLoaned                 = "Loaned"
	StatusOverdue                = "Overdue"
	StatusRecalled               = "Recalled"
	StatusRetryPossible          = "RetryPossible"
	StatusUnfilled               = "Unfilled"
	StatusCopyCompleted          = "CopyCompleted"
	StatusLoanCompleted          = "LoanCompleted"
	StatusCompletedWithoutReturn = "CompletedWithoutReturn"
	StatusCancelled              = "Cancelled"
	StatusHoldReturn             = "HoldReturn"        // 2021
	StatusReleaseHoldReturn      = "ReleaseHoldReturn" // 2021
)

// ISOStatuses lists every status of both schema versions.
var ISOStatuses = []string{
	StatusRequestReceived, StatusExpectToSupply, StatusWillSupply, StatusLoaned, StatusOverdue,
	StatusRecalled, StatusRetryPossible, StatusUnfilled, StatusCopyCompleted, StatusLoanCompleted,
	StatusCompletedWithoutReturn, StatusCancelled, StatusHoldReturn, StatusReleaseHoldReturn,
}

// ISO 18626 reasons for a supplying agency message.
const (
	ReasonRequestResponse       = "RequestResponse"
	ReasonStatusRequestResponse = "StatusRequestResponse"
	ReasonRenewResponse         = "RenewResponse"
	ReasonCancelResponse        = "CancelResponse"
	ReasonStatusChange          = "StatusChange"
	ReasonNotification          = "Notification"
)

// ISO 18626 requesting agency actions.
const (
	ActionStatusRequest  = "StatusRequest"
	ActionReceived       = "Received"
	ActionCancel         = "Cancel"
	ActionRenew          = "Renew"
	ActionShippedReturn  = "ShippedReturn"
	ActionShippedForward = "ShippedForward"
	ActionNotification   = "Notification"
	ActionHoldReturn     = "HoldReturn" // 2021
	ActionLost           = "Lost"       // 2021
)

// ISOActions lists every requesting agency action of both schema versions.
var ISOActions = []string{ActionStatusRequest, ActionReceived, ActionCancel, ActionRenew,
	ActionShippedReturn, ActionShippedForward, ActionNotification, ActionHoldReturn, ActionLost}

// ISO 18626 request types.
const (
	RequestNew      = "New"
	RequestRetry    = "Retry"
	RequestReminder = "Reminder"
)

// Message is an ISO 18626 message in domain terms, independent of the
// schema version and of XML. The protocol layer converts it to and from
// the wire; the state tables work on it.
type Message struct {
	Kind      MessageKind `json:"kind"`
	Requester AgencyID    `json:"requester"` // requesting agency (borrower)
	Supplier  AgencyID    `json:"supplier"`  // supplying agency (lender)
	// RequesterRequestID is the borrower's id of the request;
	// SupplierRequestID is the lender's.
	RequesterRequestID string    `json:"requesterRequestId"`
	SupplierRequestID  string    `json:"supplierRequestId,omitempty"`
	Timestamp          time.Time `json:"timestamp"`

	// request
	RequestType       string      `json:"requestType,omitempty"` // New, Retry, Reminder
	PreviousRequestID string      `json:"previousRequestId,omitempty"`
	Citation          *Citation   `json:"citation,omitempty"`
	ServiceType       ServiceType `json:"serviceType,omitempty"`
	ServiceLevel      string      `json:"serviceLevel,omitempty"`
	NeedBefore        time.Time   `json:"needBefore,omitzero"`
	MaxCost           Money       `json:"maxCost,omitzero"`
	BillingMethod     string      `json:"billingMethod,omitempty"`
	PaymentMethod     string      `json:"paymentMethod,omitempty"`
	Copyright         string      `json:"copyrightCompliance,omitempty"`
	PatronRef         string      `json:"patronRef,omitempty"`
	PatronCategory    string      `json:"patronCategory,omitempty"`
	DeliveryMethod    string      `json:"deliveryMethod,omitempty"`
	DeliveryAddress   Address     `json:"deliveryAddress,omitzero"`

	// supplying agency message
	Status           string    `json:"status,omitempty"`
	Reason           string    `json:"reason,omitempty"` // reasonForMessage
	Answer           string    `json:"answer,omitempty"` // Y or N for Renew and Cancel responses
	ReasonUnfilled   string    `json:"reasonUnfilled,omitempty"`
	ReasonRetry      string    `json:"reasonRetry,omitempty"`
	RetryAfter       time.Time `json:"retryAfter,omitzero"`
	RetryBefore      time.Time `json:"retryBefore,omitzero"`
	OfferedCost      Money     `json:"offeredCost,omitzero"`
	DueDate          time.Time `json:"dueDate,omitzero"`
	ExpectedDelivery time.Time `json:"expectedDelivery,omitzero"`
	Items            []Item    `json:"items,omitempty"`
	Shipping         Shipping  `json:"shipping,omitzero"`
	DeliveryURL      string    `json:"deliveryUrl,omitempty"`
	DeliveredFormat  string    `json:"deliveredFormat,omitempty"`
	// DeliveredService is the lender's choice for a CopyOrLoan request.
	DeliveredService ServiceType `json:"deliveredService,omitempty"`

	// requesting agency message
	Action string `json:"action,omitempty"`

	// Both: loan conditions offered (SAM) or accepted (RAM / Retry), and a note.
	Conditions       []string `json:"conditions,omitempty"`
	AcceptConditions bool     `json:"acceptConditions,omitempty"`
	Note             string   `json:"note,omitempty"`
}
