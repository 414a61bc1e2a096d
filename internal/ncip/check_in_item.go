package ncip

// CheckInItem returns an item: on the lending side when the loan comes
// back, on the borrowing side when the patron returns the temporary item.
// A Problem of type ItemNotCheckedOut usually means the work is already
// done.
type CheckInItem struct {
	InitiationHeader *InitiationHeader `xml:"InitiationHeader,omitempty"`
	MandatedAction   *MandatedAction   `xml:"MandatedAction,omitempty"`
	ItemID           ItemID            `xml:"ItemId"`
	ItemElementType  []SchemeValuePair `xml:"ItemElementType,omitempty"`
	UserElementType  []SchemeValuePair `xml:"UserElementType,omitempty"`
}

// CheckInItemResponse is the answer to CheckInItem; UserID is the patron
// who had the item, when the ILS says so.
type CheckInItemResponse struct {
	ResponseHeader     *ResponseHeader     `xml:"ResponseHeader,omitempty"`
	Problems           []Problem           `xml:"Problem,omitempty"`
	ItemID             *ItemID             `xml:"ItemId,omitempty"`
	UserID             *UserID             `xml:"UserId,omitempty"`
	ItemOptionalFields *ItemOptionalFields `xml:"ItemOptionalFields,omitempty"`
	UserOptionalFields *UserOptionalFields `xml:"UserOptionalFields,omitempty"`
}

// ElementName is "CheckInItem".
func (*CheckInItem) ElementName() string { return "CheckInItem" }

// Header is the InitiationHeader.
func (m *CheckInItem) Header() *InitiationHeader { return m.InitiationHeader }

func (m CheckInItem) withHeader(h *InitiationHeader) Initiation { m.InitiationHeader = h; return &m }

// Validate checks the item.
func (m *CheckInItem) Validate(Version) error {
	if err := m.InitiationHeader.validate(); err != nil {
		return err
	}
	return validateItemID(&m.ItemID)
}

// ElementName is "CheckInItemResponse".
func (*CheckInItemResponse) ElementName() string { return "CheckInItemResponse" }

func (m *CheckInItemResponse) problems() []Problem { return m.Problems }
