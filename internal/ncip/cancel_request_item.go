package ncip

// CancelRequestItem withdraws a request placed with RequestItem (the ILL
// request was cancelled, unfilled, or filled from elsewhere). Identify the
// request by RequestID (optionally with ItemID) or by ItemID alone.
type CancelRequestItem struct {
	InitiationHeader    *InitiationHeader     `xml:"InitiationHeader,omitempty"`
	MandatedAction      *MandatedAction       `xml:"MandatedAction,omitempty"`
	UserID              *UserID               `xml:"UserId,omitempty"`
	AuthenticationInput []AuthenticationInput `xml:"AuthenticationInput,omitempty"`
	RequestID           *RequestID            `xml:"RequestId,omitempty"`
	ItemID              *ItemID               `xml:"ItemId,omitempty"`
	RequestType         SchemeValuePair       `xml:"RequestType"`
	RequestScopeType    SchemeValuePair       `xml:"RequestScopeType"`
	ItemElementType     []SchemeValuePair     `xml:"ItemElementType,omitempty"`
	UserElementType     []SchemeValuePair     `xml:"UserElementType,omitempty"`
}

// CancelRequestItemResponse is the answer to CancelRequestItem.
type CancelRequestItemResponse struct {
	ResponseHeader     *ResponseHeader     `xml:"ResponseHeader,omitempty"`
	Problems           []Problem           `xml:"Problem,omitempty"`
	RequestID          *RequestID          `xml:"RequestId,omitempty"`
	ItemID             *ItemID             `xml:"ItemId,omitempty"`
	UserID             *UserID             `xml:"UserId,omitempty"`
	ItemOptionalFields *ItemOptionalFields `xml:"ItemOptionalFields,omitempty"`
	UserOptionalFields *UserOptionalFields `xml:"UserOptionalFields,omitempty"`
}

// ElementName is "CancelRequestItem".
func (*CancelRequestItem) ElementName() string { return "CancelRequestItem" }

// Header is the InitiationHeader.
func (m *CancelRequestItem) Header() *InitiationHeader { return m.InitiationHeader }

func (m CancelRequestItem) withHeader(h *InitiationHeader) Initiation {
	m.InitiationHeader = h
	return &m
}

// Validate checks the user and request choices and RequestType.
func (m *CancelRequestItem) Validate(Version) error {
	if err := m.InitiationHeader.validate(); err != nil {
		return err
	}
	if err := validateUser(m.UserID, m.AuthenticationInput); err != nil {
		return err
	}
	switch {
	case m.RequestID != nil:
		if err := validateRequestID(m.RequestID); err != nil {
			return err
		}
	case m.ItemID == nil:
		return invalid("CancelRequestItem needs RequestId or ItemId")
	}
	if m.ItemID != nil {
		if err := validateItemID(m.ItemID); err != nil {
			return err
		}
	}
	if m.RequestType.Value == "" {
		return invalid("CancelRequestItem needs RequestType")
	}
	return nil
}

// ElementName is "CancelRequestItemResponse".
func (*CancelRequestItemResponse) ElementName() string { return "CancelRequestItemResponse" }

func (m *CancelRequestItemResponse) problems() []Problem { return m.Problems }
