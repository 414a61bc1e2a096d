package ncip

// CheckOutItem lends an item to a user: on the lending side, the shipped
// item to the borrowing library's institutional account; on the borrowing
// side, a temporary item to the patron. DesiredDateDue is a wish; the ILS
// answers with the due date it set.
type CheckOutItem struct {
	InitiationHeader    *InitiationHeader     `xml:"InitiationHeader,omitempty"`
	MandatedAction      *MandatedAction       `xml:"MandatedAction,omitempty"`
	UserID              *UserID               `xml:"UserId,omitempty"`
	AuthenticationInput []AuthenticationInput `xml:"AuthenticationInput,omitempty"`
	ItemID              ItemID                `xml:"ItemId"`
	RequestID           *RequestID            `xml:"RequestId,omitempty"`
	ShippingInformation *ShippingInformation  `xml:"ShippingInformation,omitempty"`
	DesiredDateDue      DateTime              `xml:"DesiredDateDue"`
	ItemElementType     []SchemeValuePair     `xml:"ItemElementType,omitempty"`
	UserElementType     []SchemeValuePair     `xml:"UserElementType,omitempty"`
}

// CheckOutItemResponse is the answer to CheckOutItem. A successful answer
// has exactly one of DateDue, IndeterminateLoanPeriodFlag and
// NonReturnableFlag.
type CheckOutItemResponse struct {
	ResponseHeader              *ResponseHeader     `xml:"ResponseHeader,omitempty"`
	Problems                    []Problem           `xml:"Problem,omitempty"`
	ItemID                      *ItemID             `xml:"ItemId,omitempty"`
	UserID                      *UserID             `xml:"UserId,omitempty"`
	DateDue                     DateTime            `xml:"DateDue"`
	IndeterminateLoanPeriodFlag Flag                `xml:"IndeterminateLoanPeriodFlag"`
	NonReturnableFlag           Flag                `xml:"NonReturnableFlag"`
	RenewalCount                *int                `xml:"RenewalCount,omitempty"`
	ItemOptionalFields          *ItemOptionalFields `xml:"ItemOptionalFields,omitempty"`
	UserOptionalFields          *UserOptionalFields `xml:"UserOptionalFields,omitempty"`
}

// ElementName is "CheckOutItem".
func (*CheckOutItem) ElementName() string { return "CheckOutItem" }

// Header is the InitiationHeader.
func (m *CheckOutItem) Header() *InitiationHeader { return m.InitiationHeader }

func (m CheckOutItem) withHeader(h *InitiationHeader) Initiation { m.InitiationHeader = h; return &m }

// Validate checks the user choice and the item.
func (m *CheckOutItem) Validate(Version) error {
	if err := m.InitiationHeader.validate(); err != nil {
		return err
	}
	if err := validateUser(m.UserID, m.AuthenticationInput); err != nil {
		return err
	}
	if err := validateItemID(&m.ItemID); err != nil {
		return err
	}
	if m.RequestID != nil {
		if err := validateRequestID(m.RequestID); err != nil {
			return err
		}
	}
	return m.ShippingInformation.validate()
}

// ElementName is "CheckOutItemResponse".
func (*CheckOutItemResponse) ElementName() string { return "CheckOutItemResponse" }

func (m *CheckOutItemResponse) problems() []Problem { return m.Problems }
