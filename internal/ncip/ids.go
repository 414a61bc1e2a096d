package ncip

// UserID identifies a patron (or an institutional account) in the ILS.
type UserID struct {
	AgencyID SchemeValuePair `xml:"AgencyId"`
	Type     SchemeValuePair `xml:"UserIdentifierType"`
	Value    string          `xml:"UserIdentifierValue"`
}

// UserBarcode is a UserID of type Barcode.
func UserBarcode(barcode string) *UserID {
	return &UserID{Type: NewUserIdentifierType(IDTypeBarcode), Value: barcode}
}

// ItemID identifies an item (copy) in the ILS.
type ItemID struct {
	AgencyID SchemeValuePair `xml:"AgencyId"`
	Type     SchemeValuePair `xml:"ItemIdentifierType"`
	Value    string          `xml:"ItemIdentifierValue"`
}

// ItemBarcode is an ItemID of type Barcode.
func ItemBarcode(barcode string) *ItemID {
	return &ItemID{Type: NewItemIdentifierType(IDTypeBarcode), Value: barcode}
}

// RequestID identifies a request (hold, page, ILL transaction). AgencyID
// says whose identifier it is.
type RequestID struct {
	AgencyID SchemeValuePair `xml:"AgencyId"`
	Type     SchemeValuePair `xml:"RequestIdentifierType"`
	Value    string          `xml:"RequestIdentifierValue"`
}

// NewRequestID is a RequestID issued by agency.
func NewRequestID(agency, value string) *RequestID {
	return &RequestID{AgencyID: Value(agency), Value: value}
}

// BibliographicID identifies a title: either a standard number
// (BibliographicItemID, e.g. an ISBN) or a record number
// (BibliographicRecordID, e.g. the ILS's bib id). Set exactly one.
type BibliographicID struct {
	BibliographicItemID   *BibliographicItemID   `xml:"BibliographicItemId,omitempty"`
	BibliographicRecordID *BibliographicRecordID `xml:"BibliographicRecordId,omitempty"`
}

// BibliographicItemID is a standard number; Code is ISBN, ISSN, ... .
type BibliographicItemID struct {
	Identifier string          `xml:"BibliographicItemIdentifier"`
	Code       SchemeValuePair `xml:"BibliographicItemIdentifierCode"`
}

// BibliographicRecordID is a record number, qualified by either the agency
// that issued it or a code (OCLC, LCCN, ...). Set exactly one of the two.
type BibliographicRecordID struct {
	Identifier string          `xml:"BibliographicRecordIdentifier"`
	AgencyID   SchemeValuePair `xml:"AgencyId"`
	Code       SchemeValuePair `xml:"BibliographicRecordIdentifierCode"`
}

// BibRecord is a BibliographicID for record id in agency's catalogue.
func BibRecord(agency, id string) BibliographicID {
	return BibliographicID{BibliographicRecordID: &BibliographicRecordID{Identifier: id, AgencyID: Value(agency)}}
}

// BibNumber is a BibliographicID for a standard number, e.g.
// BibNumber(BibCodeISBN, "9780618249060").
func BibNumber(code, number string) BibliographicID {
	return BibliographicID{BibliographicItemID: &BibliographicItemID{Identifier: number, Code: NewBibliographicItemIdentifierCode(code)}}
}

func (b BibliographicID) validate() error {
	if (b.BibliographicItemID == nil) == (b.BibliographicRecordID == nil) {
		return invalid("BibliographicId needs exactly one of BibliographicItemId and BibliographicRecordId")
	}
	if r := b.BibliographicRecordID; r != nil {
		if r.Identifier == "" || r.AgencyID.IsZero() == r.Code.IsZero() {
			return invalid("BibliographicRecordId needs an identifier and exactly one of AgencyId and BibliographicRecordIdentifierCode")
		}
	}
	if i := b.BibliographicItemID; i != nil && i.Identifier == "" {
		return invalid("BibliographicItemId needs an identifier")
	}
	return nil
}

// AuthenticationInput is one piece of patron authentication (a barcode, a
// PIN) sent instead of a UserID by LookupUser, RequestItem and the other
// user-facing services. It authenticates the patron, not the ILL system
// (for that, see Auth).
type AuthenticationInput struct {
	Data       string          `xml:"AuthenticationInputData"`
	DataFormat SchemeValuePair `xml:"AuthenticationDataFormatType"`
	Type       SchemeValuePair `xml:"AuthenticationInputType"`
}

// NewAuthenticationInput is a text/plain AuthenticationInput of the given
// type (AuthBarcodeID, AuthPIN, ...).
func NewAuthenticationInput(typ, data string) AuthenticationInput {
	return AuthenticationInput{Data: data, DataFormat: Value("text/plain"), Type: NewAuthenticationInputType(typ)}
}

// String hides the data, which may be a PIN or password.
func (a AuthenticationInput) String() string { return "AuthenticationInput(" + a.Type.Value + ")" }

// GoString is String, so that %#v does not print secrets either.
func (a AuthenticationInput) GoString() string { return a.String() }

// validateUser checks the {UserId or AuthenticationInput+} choice.
func validateUser(u *UserID, auth []AuthenticationInput) error {
	switch {
	case u != nil && len(auth) > 0:
		return invalid("give UserId or AuthenticationInput, not both")
	case u == nil && len(auth) == 0:
		return invalid("UserId or AuthenticationInput is required")
	case u != nil && u.Value == "":
		return invalid("UserId needs UserIdentifierValue")
	}
	for _, a := range auth {
		if a.Type.Value == "" || a.DataFormat.Value == "" {
			return invalid("AuthenticationInput needs AuthenticationInputType and AuthenticationDataFormatType")
		}
	}
	return nil
}

func validateItemID(i *ItemID) error {
	if i == nil || i.Value == "" {
		return invalid("ItemId with ItemIdentifierValue is required")
	}
	return nil
}

func validateRequestID(r *RequestID) error {
	if r == nil || r.Value == "" {
		return invalid("RequestId with RequestIdentifierValue is required")
	}
	return nil
}
