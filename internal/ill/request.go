package ill

import "time"

// Side says whose record a request is: the borrowing library's or the
// lending library's. Each library keeps its own record; the two are linked
// by the ISO 18626 request ids.
type Side string

// The two sides.
const (
	Borrowing Side = "borrowing"
	Lending   Side = "lending"
)

// ServiceType is what is wanted: a loan, a copy, or either.
type ServiceType string

// Service types (ISO 18626 serviceType).
const (
	Loan       ServiceType = "Loan"
	Copy       ServiceType = "Copy"
	CopyOrLoan ServiceType = "CopyOrLoan"
)

// Valid reports whether s is a known service type.
func (s ServiceType) Valid() bool { return s == Loan || s == Copy || s == CopyOrLoan }

// Money is an amount in minor units (cents) of an ISO 4217 currency.
type Money struct {
	Minor    int64  `json:"minor"`
	Currency string `json:"currency"`
}

// IsZero reports whether no amount is set.
func (m Money) IsZero() bool { return m.Minor == 0 && m.Currency == "" }

// Address is a postal or electronic delivery address.
type Address struct {
	Name       string `json:"name,omitempty"`
	Line1      string `json:"line1,omitempty"`
	Line2      string `json:"line2,omitempty"`
	Locality   string `json:"locality,omitempty"`
	Region     string `json:"region,omitempty"`
	PostalCode string `json:"postalCode,omitempty"`
	Country    string `json:"country,omitempty"` // ISO 3166-1 alpha-2
	Email      string `json:"email,omitempty"`
}

// Shipping is how an item travels.
type Shipping struct {
	Courier    string `json:"courier,omitempty"`
	TrackingID string `json:"trackingId,omitempty"`
	Insured    bool   `json:"insured,omitempty"`
	Insurance  Money  `json:"insurance,omitzero"`
}

// Item is one physical piece that travels (a volume of a set, say).
type Item struct {
	Barcode string `json:"barcode,omitempty"`
	Volume  string `json:"volume,omitempty"`
	Note    string `json:"note,omitempty"`
}

// Request is one library's record of an ILL transaction.
type Request struct {
	ID       int64    `json:"-"`
	PublicID string   `json:"id"` // what people and partners see: B1000042, L1000007
	Agency   AgencyID `json:"agency"`
	Side     Side     `json:"side"`
	State    State    `json:"state"`
	Previous State    `json:"previousState,omitempty"` // where a question (cancel, renew, problem) returns to
	Version  int64    `json:"version"`                 // optimistic concurrency for staff actions

	// The partner: for borrowing, the current lender; for lending, the
	// borrower. PartnerRequestID is the partner's own id for this request.
	Partner          AgencyID `json:"partner,omitempty"`
	PartnerRequestID string   `json:"partnerRequestId,omitempty"`
	// OurRequestID is, for borrowing, the requestingAgencyRequestId used
	// with the current lender: the public id, or the public id with a retry
	// suffix (B1000042-R1) after a Retry.
	OurRequestID string `json:"ourRequestId,omitempty"`
	// PartnerStatus is the last ISO 18626 status: for borrowing, the one
	// the lender reported; for lending, the one we reported.
	PartnerStatus string `json:"partnerStatus,omitempty"`

	Citation       Citation    `json:"citation"`
	ServiceType    ServiceType `json:"serviceType"`
	ServiceLevel   string      `json:"serviceLevel,omitempty"`
	NeedBefore     time.Time   `json:"needBefore,omitzero"`
	MaxCost        Money       `json:"maxCost,omitzero"`
	BillingMethod  string      `json:"billingMethod,omitempty"`
	PaymentMethod  string      `json:"paymentMethod,omitempty"`
	Copyright      string      `json:"copyrightCompliance,omitempty"`
	PatronID       int64       `json:"patronId,omitempty"`
	OwnerUserID    int64       `json:"ownerUserId,omitempty"` // the patron's login, for the portal
	PatronRef      string      `json:"patronRef,omitempty"`   // pseudonymous reference sent to partners
	PatronCategory string      `json:"patronCategory,omitempty"`
	PickupLocation string      `json:"pickupLocation,omitempty"`
	PickupDeadline time.Time   `json:"pickupDeadline,omitzero"`
	DeliveryMethod string      `json:"deliveryMethod,omitempty"`
	DeliveryAddr   Address     `json:"deliveryAddress,omitzero"`
	Items          []Item      `json:"items,omitempty"`
	Conditions     []string    `json:"conditions,omitempty"`    // loan conditions in force or offered
	OfferedCost    Money       `json:"offeredCost,omitzero"`    // a lender's cost awaiting acceptance
	Shipping       Shipping    `json:"shipping,omitzero"`       // outbound (lender → borrower)
	ReturnShipping Shipping    `json:"returnShipping,omitzero"` // return (borrower → lender)
	DeliveryURL    string      `json:"deliveryUrl,omitempty"`   // copies delivered electronically
	LenderDue      time.Time   `json:"lenderDue,omitzero"`      // due back at the lender
	PatronDue      time.Time   `json:"patronDue,omitzero"`      // due from the patron: earlier by the return transit time
	RenewalCount   int         `json:"renewalCount"`
	HoldReturn     bool        `json:"holdReturn,omitempty"` // returns are on hold (2021 HoldReturn)
	RetryOf        string      `json:"retryOf,omitempty"`    // the request this one retries (ISO requestingAgencyPreviousRequestId)
	ReviewReason   string      `json:"reviewReason,omitempty"`
	ExternalSystem string      `json:"externalSystem,omitempty"` // off-system: the system the request lives in
	ExternalNumber string      `json:"externalNumber,omitempty"`
	NoteToPatron   string      `json:"noteToPatron,omitempty"`
	NoteToPartner  string      `json:"noteToPartner,omitempty"` // sent with the request
	// Attention marks a request a person must look at, with why.
	Attention       bool   `json:"needsAttention"`
	AttentionReason string `json:"attentionReason,omitempty"`
	UnreadMessages  int    `json:"unreadMessages"`

	// RotaPos is the position (1-based) of the current lender in the rota.
	RotaPos int `json:"rotaPos,omitempty"`
	// SAMsSent counts lending answers sent (the first is a RequestResponse).
	SAMsSent int `json:"samsSent,omitempty"`
	// Protocol is the partner's ISO 18626 version ("1.2" or "2021") or
	// "off-system" for requests handled outside ISO 18626.
	Protocol string `json:"protocol,omitempty"`
	// LastMessageAt is the timestamp of the last message applied from the
	// partner (stale messages are recognised by it).
	LastMessageAt time.Time `json:"lastMessageAt,omitzero"`

	CloseReason CloseReason `json:"closeReason,omitempty"`
	CreatedAt   time.Time   `json:"createdAt"`
	UpdatedAt   time.Time   `json:"updatedAt"`
	ClosedAt    time.Time   `json:"closedAt,omitzero"`
}

// IsCopyService reports whether the request is being filled as a copy.
func (r *Request) IsCopyService() bool { return r.ServiceType == Copy }

// CloseReason says why a request ended; the statistics use it to decide
// what counts towards fill rates.
type CloseReason string

// Close reasons.
const (
	ClosedFilled          CloseReason = "filled"           // loan returned, or copy delivered
	ClosedUnfilled        CloseReason = "unfilled"         // no lender could fill it
	ClosedPatronCancelled CloseReason = "patron_cancelled" // the patron withdrew it
	ClosedStaffCancelled  CloseReason = "staff_cancelled"  // staff cancelled it
	ClosedDuplicate       CloseReason = "duplicate"        // the patron already had this request
	ClosedFilledLocally   CloseReason = "filled_locally"   // our own collection had it
	ClosedCopyrightDenied CloseReason = "copyright_denied" // refused under copyright rules
	ClosedLost            CloseReason = "lost"             // the item never came back
	ClosedCancelled       CloseReason = "cancelled"        // lending: the borrower cancelled
	ClosedRetryOffered    CloseReason = "retry_offered"    // lending: we answered RetryPossible
)
