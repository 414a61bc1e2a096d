package iso18626

// Message is one ISO18626Message document. Exactly one of the six message
// pointers is set. The model is the union of both schema versions; Version
// decides how it is written and which fields are allowed (see Validate).
type Message struct {
	Version Version
	// VersionAttr is the ill:version attribute as received; Marshal writes
	// it back, or Version.Attr() when empty. Partners send "1.0", "1.2",
	// "2021-2" and other strings; it is informational only.
	VersionAttr string
	// SchemaLocation is the xsi:schemaLocation attribute; empty writes none.
	SchemaLocation string

	Request                             *Request
	RequestConfirmation                 *RequestConfirmation
	SupplyingAgencyMessage              *SupplyingAgencyMessage
	SupplyingAgencyMessageConfirmation  *SupplyingAgencyMessageConfirmation
	RequestingAgencyMessage             *RequestingAgencyMessage
	RequestingAgencyMessageConfirmation *RequestingAgencyMessageConfirmation
}

// Kind is the type of the message, or 0 when no message pointer is set.
func (m *Message) Kind() Kind {
	switch {
	case m.Request != nil:
		return KindRequest
	case m.RequestConfirmation != nil:
		return KindRequestConfirmation
	case m.SupplyingAgencyMessage != nil:
		return KindSupplyingAgencyMessage
	case m.SupplyingAgencyMessageConfirmation != nil:
		return KindSupplyingAgencyMessageConfirmation
	case m.RequestingAgencyMessage != nil:
		return KindRequestingAgencyMessage
	case m.RequestingAgencyMessageConfirmation != nil:
		return KindRequestingAgencyMessageConfirmation
	}
	return 0
}

// count is the number of message pointers set (1 in a well-built message).
func (m *Message) count() int {
	n := 0
	for _, set := range []bool{m.Request != nil, m.RequestConfirmation != nil,
		m.SupplyingAgencyMessage != nil, m.SupplyingAgencyMessageConfirmation != nil,
		m.RequestingAgencyMessage != nil, m.RequestingAgencyMessageConfirmation != nil} {
		if set {
			n++
		}
	}
	return n
}

// Header is the header of a request, SAM or RAM, or nil for a confirmation.
func (m *Message) Header() *Header {
	switch {
	case m.Request != nil:
		return &m.Request.Header
	case m.SupplyingAgencyMessage != nil:
		return &m.SupplyingAgencyMessage.Header
	case m.RequestingAgencyMessage != nil:
		return &m.RequestingAgencyMessage.Header
	}
	return nil
}

// ConfirmationHeader is the header of a confirmation, or nil otherwise.
func (m *Message) ConfirmationHeader() *ConfirmationHeader {
	switch {
	case m.RequestConfirmation != nil:
		return &m.RequestConfirmation.Header
	case m.SupplyingAgencyMessageConfirmation != nil:
		return &m.SupplyingAgencyMessageConfirmation.Header
	case m.RequestingAgencyMessageConfirmation != nil:
		return &m.RequestingAgencyMessageConfirmation.Header
	}
	return nil
}

// ErrorData is the errorData of a confirmation (nil for other messages).
func (m *Message) ErrorData() []ErrorData {
	switch {
	case m.RequestConfirmation != nil:
		return m.RequestConfirmation.ErrorData
	case m.SupplyingAgencyMessageConfirmation != nil:
		return m.SupplyingAgencyMessageConfirmation.ErrorData
	case m.RequestingAgencyMessageConfirmation != nil:
		return m.RequestingAgencyMessageConfirmation.ErrorData
	}
	return nil
}
