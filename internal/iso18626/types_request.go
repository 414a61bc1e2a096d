package iso18626

// Request asks a supplier for an item (loan) or a copy.
type Request struct {
	Header                Header
	BibliographicInfo     BibliographicInfo
	PublicationInfo       *PublicationInfo
	ServiceInfo           *ServiceInfo // optional in v1.2, mandatory in 2021
	SupplierInfo          []SupplierInfo
	RequestedDeliveryInfo []RequestedDeliveryInfo
	RequestingAgencyInfo  *RequestingAgencyInfo
	PatronInfo            *PatronInfo
	BillingInfo           *BillingInfo
}

// BibliographicInfo describes the wanted item.
type BibliographicInfo struct {
	SupplierUniqueRecordID string
	Title                  string
	Author                 string
	AuthorID               string // 2021 only (ISNI)
	Subtitle               string
	SeriesTitle            string
	Edition                string
	TitleOfComponent       string
	AuthorOfComponent      string
	Volume                 []string // at most one in v1.2
	Issue                  string
	PagesRequested         string
	EstimatedNoPages       string
	BibliographicItemID    []BibliographicItemID
	Sponsor                string
	InformationSource      string
	BibliographicRecordID  []BibliographicRecordID
}

// BibliographicItemID is an item identifier (ISBN, ISSN, DOI...). v1.2 writes
// the identifier first, 2021 the code first.
type BibliographicItemID struct {
	Identifier string
	Code       Code
}

// BibliographicRecordID is a record number in a catalogue (OCLC, LCCN...).
type BibliographicRecordID struct {
	Code       Code
	Identifier string
}

// PublicationInfo describes the publication.
type PublicationInfo struct {
	Publisher          string
	PublisherID        string // 2021 only (ISNI)
	PublicationType    Code
	PublicationDate    string
	PlaceOfPublication string
}

// ServiceInfo says what service is wanted.
type ServiceInfo struct {
	RequestType                       RequestType // empty means New
	RequestSubType                    []RequestSubType
	RequestingAgencyPreviousRequestID string
	ServiceType                       ServiceType
	ServiceLevel                      Code
	ItemFormat                        Code // v1.2 preferredFormat
	NeedBeforeDate                    DateTime
	CopyrightCompliance               Code
	AnyEdition                        YesNo            // deprecated in 2021
	PreferredEdition                  PreferredEdition // 2021 only
	LoanCondition                     []Code           // 2021 only
	StartDate                         DateTime
	EndDate                           DateTime
	Note                              string
}

// SupplierInfo is one entry of a broker's rota or a suggested supplier.
type SupplierInfo struct {
	SortOrder             *int
	SupplierCode          AgencyID
	SupplierDescription   string
	BibliographicRecordID *BibliographicRecordID
	CallNumber            string
	SummaryHoldings       string
	AvailabilityNote      string
}

// RequestedDeliveryInfo is one wanted delivery address, in sortOrder.
type RequestedDeliveryInfo struct {
	SortOrder      *int // >= 0 in 2021
	Address        *Address
	DeliveryMethod Code // 2021 only
	CourierName    Code // 2021 only
}

// RequestingAgencyInfo describes the requesting library.
type RequestingAgencyInfo struct {
	Name        string
	ContactName string
	Address     []Address
}

// PatronInfo describes the patron. It is personal data: never log it.
type PatronInfo struct {
	PatronID     string
	Surname      string
	GivenName    string
	PatronType   Code
	SendToPatron YesNo
	Address      []Address
}

// BillingInfo says how the requester pays.
type BillingInfo struct {
	PaymentMethod Code
	MaximumCosts  *Costs
	BillingMethod Code
	BillingName   string
	Address       *Address
}
