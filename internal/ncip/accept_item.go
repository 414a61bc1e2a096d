package ncip

// AcceptItem tells the borrowing library's ILS that an item lent by
// another library has arrived: create a temporary item (with ItemID as its
// barcode, or one the ILS assigns) and circulate it or hold it for the
// patron, as RequestedActionType says. RequestID is the ILL request; an ILS
// that already accepted it should answer with the same item.
type AcceptItem struct {
	InitiationHeader    *InitiationHeader `xml:"InitiationHeader,omitempty"`
	MandatedAction      *MandatedAction   `xml:"MandatedAction,omitempty"`
	RequestID           RequestID         `xml:"RequestId"`
	RequestedActionType SchemeValuePair   `xml:"RequestedActionType"`
	UserID              *UserID           `xml:"UserId,omitempty"`
	ItemID              *ItemID           `xml:"ItemId,omitempty"`
	// At most one of DateForReturn, IndeterminateLoanPeriodFlag and
	// NonReturnableFlag.
	DateForReturn               DateTime            `xml:"DateForReturn"`
	IndeterminateLoanPeriodFlag Flag                `xml:"IndeterminateLoanPeriodFlag"`
	NonReturnableFlag           Flag                `xml:"NonReturnableFlag"`
	RenewalNotPermitted         Flag                `xml:"RenewalNotPermitted"`
	ItemOptionalFields          *ItemOptionalFields `xml:"ItemOptionalFields,omitempty"`
	UserOptionalFields          *UserOptionalFields `xml:"UserOptionalFields,omitempty"`
	PickupLocation              SchemeValuePair     `xml:"PickupLocation"`
	PickupExpiryDate            DateTime            `xml:"PickupExpiryDate"`
}

// AcceptItemResponse is the answer to AcceptItem: the request and the item
// id the ILS uses for it.
type AcceptItemResponse struct {
	ResponseHeader *ResponseHeader `xml:"ResponseHeader,omitempty"`
	Problems       []Problem       `xml:"Problem,omitempty"`
	RequestID      *RequestID      `xml:"RequestId,omitempty"`
	ItemID         *ItemID         `xml:"ItemId,omitempty"`
}

// ElementName is "AcceptItem".
func (*AcceptItem) ElementName() string { return "AcceptItem" }

// Header is the InitiationHeader.
func (m *AcceptItem) Header() *InitiationHeader { return m.InitiationHeader }

func (m AcceptItem) withHeader(h *InitiationHeader) Initiation { m.InitiationHeader = h; return &m }

// Validate checks required elements and the return-date choice.
func (m *AcceptItem) Validate(v Version) error {
	if err := m.InitiationHeader.validate(); err != nil {
		return err
	}
	if err := validateRequestID(&m.RequestID); err != nil {
		return err
	}
	if m.RequestedActionType.Value == "" {
		return invalid("AcceptItem needs RequestedActionType")
	}
	if m.UserID != nil && m.UserID.Value == "" {
		return invalid("UserId needs UserIdentifierValue")
	}
	if m.ItemID != nil {
		if err := validateItemID(m.ItemID); err != nil {
			return err
		}
	}
	if countTrue(!m.DateForReturn.IsZero(), bool(m.IndeterminateLoanPeriodFlag), bool(m.NonReturnableFlag)) > 1 {
		return invalid("AcceptItem takes at most one of DateForReturn, IndeterminateLoanPeriodFlag, NonReturnableFlag")
	}
	return m.ItemOptionalFields.validate(v)
}

// ElementName is "AcceptItemResponse".
func (*AcceptItemResponse) ElementName() string { return "AcceptItemResponse" }

func (m *AcceptItemResponse) problems() []Problem { return m.Problems }
