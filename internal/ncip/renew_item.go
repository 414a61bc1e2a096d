package ncip

// RenewItem extends a loan, e.g. to mirror in the ILS a renewal the lender
// granted over ISO 18626. DesiredDateDue is a wish; the ILS answers with
// the due date it set, or with Pending when staff must decide.
type RenewItem struct {
	InitiationHeader     *InitiationHeader     `xml:"InitiationHeader,omitempty"`
	MandatedAction       *MandatedAction       `xml:"MandatedAction,omitempty"`
	UserID               *UserID               `xml:"UserId,omitempty"`
	AuthenticationInput  []AuthenticationInput `xml:"AuthenticationInput,omitempty"`
	ItemID               ItemID                `xml:"ItemId"`
	ItemElementType      []SchemeValuePair     `xml:"ItemElementType,omitempty"`
	UserElementType      []SchemeValuePair     `xml:"UserElementType,omitempty"`
	DesiredDateDue       DateTime              `xml:"DesiredDateDue"`
	DesiredDateForReturn DateTime              `xml:"DesiredDateForReturn"`
}

// RenewItemResponse is the answer to RenewItem: Problems, or Pending (the
// ILS will decide later), or the renewed loan.
type RenewItemResponse struct {
	ResponseHeader     *ResponseHeader     `xml:"ResponseHeader,omitempty"`
	Problems           []Problem           `xml:"Problem,omitempty"`
	Pending            *Pending            `xml:"Pending,omitempty"`
	ItemID             *ItemID             `xml:"ItemId,omitempty"`
	UserID             *UserID             `xml:"UserId,omitempty"`
	DateDue            DateTime            `xml:"DateDue"`
	DateForReturn      DateTime            `xml:"DateForReturn"`
	RenewalCount       *int                `xml:"RenewalCount,omitempty"`
	ItemOptionalFields *ItemOptionalFields `xml:"ItemOptionalFields,omitempty"`
	UserOptionalFields *UserOptionalFields `xml:"UserOptionalFields,omitempty"`
}

// Pending means the responder will answer later (around
// DateOfExpectedReply).
type Pending struct {
	DateOfExpectedReply DateTime `xml:"DateOfExpectedReply"`
}

// ElementName is "RenewItem".
func (*RenewItem) ElementName() string { return "RenewItem" }

// Header is the InitiationHeader.
func (m *RenewItem) Header() *InitiationHeader { return m.InitiationHeader }

func (m RenewItem) withHeader(h *InitiationHeader) Initiation { m.InitiationHeader = h; return &m }

// Validate checks the user choice and the item.
func (m *RenewItem) Validate(Version) error {
	if err := m.InitiationHeader.validate(); err != nil {
		return err
	}
	if err := validateUser(m.UserID, m.AuthenticationInput); err != nil {
		return err
	}
	return validateItemID(&m.ItemID)
}

// ElementName is "RenewItemResponse".
func (*RenewItemResponse) ElementName() string { return "RenewItemResponse" }

func (m *RenewItemResponse) problems() []Problem { return m.Problems }
