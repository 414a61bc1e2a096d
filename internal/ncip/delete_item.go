package ncip

// DeleteItem removes an item record, typically the temporary item that
// AcceptItem created, once it has gone back to the lender.
type DeleteItem struct {
	InitiationHeader *InitiationHeader `xml:"InitiationHeader,omitempty"`
	MandatedAction   *MandatedAction   `xml:"MandatedAction,omitempty"`
	ItemID           ItemID            `xml:"ItemId"`
}

// DeleteItemResponse is the answer to DeleteItem.
type DeleteItemResponse struct {
	ResponseHeader *ResponseHeader `xml:"ResponseHeader,omitempty"`
	Problems       []Problem       `xml:"Problem,omitempty"`
	ItemID         *ItemID         `xml:"ItemId,omitempty"`
}

// ElementName is "DeleteItem".
func (*DeleteItem) ElementName() string { return "DeleteItem" }

// Header is the InitiationHeader.
func (m *DeleteItem) Header() *InitiationHeader { return m.InitiationHeader }

func (m DeleteItem) withHeader(h *InitiationHeader) Initiation { m.InitiationHeader = h; return &m }

// Validate checks the item.
func (m *DeleteItem) Validate(Version) error {
	if err := m.InitiationHeader.validate(); err != nil {
		return err
	}
	return validateItemID(&m.ItemID)
}

// ElementName is "DeleteItemResponse".
func (*DeleteItemResponse) ElementName() string { return "DeleteItemResponse" }

func (m *DeleteItemResponse) problems() []Problem { return m.Problems }
