package ncip

// RequestItem places a hold, page or loan request in the ILS: on the
// lending side, for the borrowing library's institutional account so that
// staff get a pull slip; on the borrowing side, for a patron on a local
// copy. Identify the patron by UserID or AuthenticationInput; the title by
// BibliographicID and/or the copy by ItemID. NCIP 2.0 allows exactly one
// ItemID or one BibliographicID; 2.02 allows several of each.
type RequestItem struct {
	InitiationHeader    *InitiationHeader     `xml:"InitiationHeader,omitempty"`
	MandatedAction      *MandatedAction       `xml:"MandatedAction,omitempty"`
	UserID              *UserID               `xml:"UserId,omitempty"`
	AuthenticationInput []AuthenticationInput `xml:"AuthenticationInput,omitempty"`
	BibliographicID     []BibliographicID     `xml:"BibliographicId,omitempty"`
	ItemID              []ItemID              `xml:"ItemId,omitempty"`
	RequestID           *RequestID            `xml:"RequestId,omitempty"`
	RequestType         SchemeValuePair       `xml:"RequestType"`
	RequestScopeType    SchemeValuePair       `xml:"RequestScopeType"`
	ItemOptionalFields  *ItemOptionalFields   `xml:"ItemOptionalFields,omitempty"`
	ShippingInformation *ShippingInformation  `xml:"ShippingInformation,omitempty"`
	EarliestDateNeeded  DateTime              `xml:"EarliestDateNeeded"`
	NeedBeforeDate      DateTime              `xml:"NeedBeforeDate"`
	PickupLocation      SchemeValuePair       `xml:"PickupLocation"`
	PickupExpiryDate    DateTime              `xml:"PickupExpiryDate"`
	ItemElementType     []SchemeValuePair     `xml:"ItemElementType,omitempty"`
	UserElementType     []SchemeValuePair     `xml:"UserElementType,omitempty"`
}

// ShippingInformation says where and how to ship an item.
type ShippingInformation struct {
	ShippingInstructions string             `xml:"ShippingInstructions,omitempty"`
	ShippingNote         string             `xml:"ShippingNote,omitempty"`
	PhysicalAddress      *PhysicalAddress   `xml:"PhysicalAddress,omitempty"`
	ElectronicAddress    *ElectronicAddress `xml:"ElectronicAddress,omitempty"`
}

// RequestItemResponse is the answer to RequestItem: the request the ILS
// created (RequestID and/or the ItemID it will fill it with).
type RequestItemResponse struct {
	ResponseHeader      *ResponseHeader      `xml:"ResponseHeader,omitempty"`
	Problems            []Problem            `xml:"Problem,omitempty"`
	RequestID           *RequestID           `xml:"RequestId,omitempty"`
	ItemID              *ItemID              `xml:"ItemId,omitempty"`
	UserID              *UserID              `xml:"UserId,omitempty"`
	RequestType         SchemeValuePair      `xml:"RequestType"`
	RequestScopeType    SchemeValuePair      `xml:"RequestScopeType"`
	ShippingInformation *ShippingInformation `xml:"ShippingInformation,omitempty"`
	DateAvailable       DateTime             `xml:"DateAvailable"`
	HoldPickupDate      DateTime             `xml:"HoldPickupDate"`
	ItemOptionalFields  *ItemOptionalFields  `xml:"ItemOptionalFields,omitempty"`
	UserOptionalFields  *UserOptionalFields  `xml:"UserOptionalFields,omitempty"`
}

// ElementName is "RequestItem".
func (*RequestItem) ElementName() string { return "RequestItem" }

// Header is the InitiationHeader.
func (m *RequestItem) Header() *InitiationHeader { return m.InitiationHeader }

func (m RequestItem) withHeader(h *InitiationHeader) Initiation { m.InitiationHeader = h; return &m }

// Validate checks the user and item choices (narrower in 2.0) and the
// required RequestType and RequestScopeType.
func (m *RequestItem) Validate(v Version) error {
	if err := m.InitiationHeader.validate(); err != nil {
		return err
	}
	if err := validateUser(m.UserID, m.AuthenticationInput); err != nil {
		return err
	}
	switch {
	case len(m.ItemID) == 0 && len(m.BibliographicID) == 0:
		return invalid("RequestItem needs ItemId or BibliographicId")
	case v.Is20() && len(m.ItemID)+len(m.BibliographicID) > 1:
		return invalid("NCIP 2.0 RequestItem takes one ItemId or one BibliographicId")
	}
	for i := range m.ItemID {
		if err := validateItemID(&m.ItemID[i]); err != nil {
			return err
		}
	}
	for _, b := range m.BibliographicID {
		if err := b.validate(); err != nil {
			return err
		}
	}
	if m.RequestID != nil {
		if err := validateRequestID(m.RequestID); err != nil {
			return err
		}
	}
	if m.RequestType.Value == "" || m.RequestScopeType.Value == "" {
		return invalid("RequestItem needs RequestType and RequestScopeType")
	}
	if err := m.ShippingInformation.validate(); err != nil {
		return err
	}
	return m.ItemOptionalFields.validate(v)
}

func (s *ShippingInformation) validate() error {
	if s != nil && (s.PhysicalAddress == nil) == (s.ElectronicAddress == nil) {
		return invalid("ShippingInformation needs PhysicalAddress or ElectronicAddress, not both")
	}
	return nil
}

// ElementName is "RequestItemResponse".
func (*RequestItemResponse) ElementName() string { return "RequestItemResponse" }

func (m *RequestItemResponse) problems() []Problem { return m.Problems }
