package iso18626

// SupplyingAgencyMessage (SAM) is any answer or status report of the
// supplier; MessageInfo.ReasonForMessage says which.
type SupplyingAgencyMessage struct {
	Header      Header
	MessageInfo MessageInfo
	StatusInfo  StatusInfo
	// RetryInfo holds the retry data. In v1.2 only OfferedCosts (one),
	// RetryAfter and RetryBefore exist, and they travel inside messageInfo.
	RetryInfo    *RetryInfo
	DeliveryInfo *DeliveryInfo
	ShippingInfo *ShippingInfo // 2021 only
	ReturnInfo   *ReturnInfo
}

// StatusUnchanged reports whether the status is empty, which tolerant
// parsing (Tolerance.EmptyStatus) reads as "no change of status".
func (s *SupplyingAgencyMessage) StatusUnchanged() bool { return s.StatusInfo.Status == "" }

// MessageInfo says why the SAM was sent.
type MessageInfo struct {
	ReasonForMessage ReasonForMessage
	AnswerYesNo      YesNo // mandatory in practice for RenewResponse and CancelResponse
	Note             string
	ReasonUnfilled   Code
	ReasonRetry      Code
}

// StatusInfo is the supplier's status of the request.
type StatusInfo struct {
	Status               Status
	ExpectedDeliveryDate DateTime
	DueDate              DateTime
	LastChange           DateTime
}

// RetryInfo tells the requester how a Retry request could succeed.
type RetryInfo struct {
	LoanCondition  []Code   // 2021 only
	Edition        []string // 2021 only
	ItemFormat     []Code   // 2021 only
	Volume         []string // 2021 only
	ServiceType    ServiceType
	ServiceLevel   []Code  // 2021 only
	DeliveryMethod []Code  // 2021 only
	CourierName    []Code  // 2021 only
	OfferedCosts   []Costs // at most one in v1.2
	PaymentMethod  []Code  // 2021 only
	RetryBefore    DateTime
	RetryAfter     DateTime
}

// DeliveryInfo describes what was sent.
type DeliveryInfo struct {
	DateSent       DateTime // mandatory; zero when a tolerated partner sent it empty
	ItemID         []string // at most one in v1.2
	URL            string   // 2021 only
	DeliveryMethod Code     // v1.2 sentVia
	Address        *Address // 2021 only
	SentToPatron   *bool
	LoanCondition  []Code // at most one in v1.2
	ItemFormat     Code   // v1.2 deliveredFormat
	ServiceType    ServiceType
	DeliveryCosts  []Costs // at most one in v1.2
	PaymentMethod  Code    // 2021 only
}

// ShippingInfo describes the shipment (2021 only).
type ShippingInfo struct {
	CourierName         Code
	TrackingID          []string
	Insurance           YesNo
	InsuranceThirdParty YesNo
	ThirdPartyName      string
	InsuranceCosts      []Costs
}

// ReturnInfo says where a loan goes back to.
type ReturnInfo struct {
	ReturnAgencyID  AgencyID
	Name            string
	PhysicalAddress *PhysicalAddress
}
