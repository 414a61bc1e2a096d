package ncip

// LookupUser asks the ILS about a patron: does the barcode exist, what is
// the name, e-mail, patron group, and is the account blocked. Identify the
// patron by UserID or by AuthenticationInput (barcode and PIN), not both;
// UserElementType says which UserOptionalFields to return.
type LookupUser struct {
	InitiationHeader    *InitiationHeader     `xml:"InitiationHeader,omitempty"`
	UserID              *UserID               `xml:"UserId,omitempty"`
	AuthenticationInput []AuthenticationInput `xml:"AuthenticationInput,omitempty"`
	UserElementType     []SchemeValuePair     `xml:"UserElementType,omitempty"`
}

// LookupUserResponse is the answer to LookupUser.
type LookupUserResponse struct {
	ResponseHeader     *ResponseHeader     `xml:"ResponseHeader,omitempty"`
	Problems           []Problem           `xml:"Problem,omitempty"`
	UserID             *UserID             `xml:"UserId,omitempty"`
	UserOptionalFields *UserOptionalFields `xml:"UserOptionalFields,omitempty"`
}

// ElementName is "LookupUser".
func (*LookupUser) ElementName() string { return "LookupUser" }

// Header is the InitiationHeader.
func (m *LookupUser) Header() *InitiationHeader { return m.InitiationHeader }

func (m LookupUser) withHeader(h *InitiationHeader) Initiation { m.InitiationHeader = h; return &m }

// Validate checks the UserId/AuthenticationInput choice.
func (m *LookupUser) Validate(Version) error {
	if err := m.InitiationHeader.validate(); err != nil {
		return err
	}
	return validateUser(m.UserID, m.AuthenticationInput)
}

// ElementName is "LookupUserResponse".
func (*LookupUserResponse) ElementName() string { return "LookupUserResponse" }

func (m *LookupUserResponse) problems() []Problem { return m.Problems }
