package ncip

// LookupItem asks the ILS about one item, by ItemID or by RequestID (not
// both): its circulation status, location, call number, bibliographic
// description, and optionally who has it and who waits for it.
type LookupItem struct {
	InitiationHeader         *InitiationHeader `xml:"InitiationHeader,omitempty"`
	ItemID                   *ItemID           `xml:"ItemId,omitempty"`
	RequestID                *RequestID        `xml:"RequestId,omitempty"`
	ItemElementType          []SchemeValuePair `xml:"ItemElementType,omitempty"`
	CurrentBorrowerDesired   Flag              `xml:"CurrentBorrowerDesired"`
	CurrentRequestersDesired Flag              `xml:"CurrentRequestersDesired"`
}

// LookupItemResponse is the answer to LookupItem.
type LookupItemResponse struct {
	ResponseHeader     *ResponseHeader     `xml:"ResponseHeader,omitempty"`
	Problems           []Problem           `xml:"Problem,omitempty"`
	RequestID          *RequestID          `xml:"RequestId,omitempty"`
	ItemID             *ItemID             `xml:"ItemId,omitempty"`
	HoldPickupDate     DateTime            `xml:"HoldPickupDate"`
	DateRecalled       DateTime            `xml:"DateRecalled"`
	ItemTransaction    *ItemTransaction    `xml:"ItemTransaction,omitempty"`
	ItemOptionalFields *ItemOptionalFields `xml:"ItemOptionalFields,omitempty"`
}

// ElementName is "LookupItem".
func (*LookupItem) ElementName() string { return "LookupItem" }

// Header is the InitiationHeader.
func (m *LookupItem) Header() *InitiationHeader { return m.InitiationHeader }

func (m LookupItem) withHeader(h *InitiationHeader) Initiation { m.InitiationHeader = h; return &m }

// Validate checks the ItemId/RequestId choice.
func (m *LookupItem) Validate(Version) error {
	if err := m.InitiationHeader.validate(); err != nil {
		return err
	}
	if (m.ItemID == nil) == (m.RequestID == nil) {
		return invalid("LookupItem needs ItemId or RequestId, not both")
	}
	if m.ItemID != nil {
		return validateItemID(m.ItemID)
	}
	return validateRequestID(m.RequestID)
}

// ElementName is "LookupItemResponse".
func (*LookupItemResponse) ElementName() string { return "LookupItemResponse" }

func (m *LookupItemResponse) problems() []Problem { return m.Problems }
