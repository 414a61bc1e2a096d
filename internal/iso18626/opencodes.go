package iso18626

import "strings"

// Code is an open-code value (XSD type_schemeValuePair): text plus an
// optional scheme URI naming the list it comes from. An empty Scheme means the
// default list of the element (ISO 18626:2021 Annex B). On the wire the scheme
// is the namespace-qualified attribute ill:scheme.
type Code struct {
	Value  string
	Scheme string
}

// C returns a Code with the default scheme (no scheme attribute).
func C(value string) Code { return Code{Value: value} }

// IsZero reports whether neither value nor scheme is set.
func (c Code) IsZero() bool { return c.Value == "" && c.Scheme == "" }

// String is the value, followed by the scheme in brackets when there is one.
func (c Code) String() string {
	if c.Scheme == "" {
		return c.Value
	}
	return c.Value + " (" + c.Scheme + ")"
}

// schemeBase is the common prefix of the Annex B default scheme URIs. They
// are identifiers, not URLs.
const schemeBase = "http://illtransactions.org/ISO18626/OpenCodeList/"

// Default scheme URIs of the open code lists (ISO 18626:2021 Annex B).
const (
	SchemeAgencyIDType              = schemeBase + "AgencyIdTypeList-V2.0"
	SchemeBibliographicItemIDCode   = schemeBase + "BibliographicItemIdentifierCodeList-V2.0"
	SchemeBibliographicRecordIDCode = schemeBase + "BibliographicRecordIdentifierCodeList-V1.0"
	SchemeBillingMethod             = schemeBase + "BillingMethodList-V1.0"
	SchemeCopyrightCompliance       = schemeBase + "CopyrightComplianceList-V1.0"
	SchemeCostType                  = schemeBase + "CostTypeList-V1.0"
	SchemeCourierName               = schemeBase + "CourierNameList-V1.0"
	SchemeDeliveryMethod            = schemeBase + "DeliveryMethodList-V1.0"
	SchemeElectronicAddressType     = schemeBase + "ElectronicAddressType-V1.0"
	SchemeItemFormat                = schemeBase + "ItemFormatList-V1.0"
	SchemeLoanCondition             = schemeBase + "LoanConditionList-V1.0"
	SchemePatronType                = schemeBase + "PatronTypeList-V1.0"
	SchemePaymentMethod             = schemeBase + "PaymentMethodList-V1.0"
	SchemePublicationType           = schemeBase + "PublicationTypeList-V1.0"
	SchemeReasonRetry               = schemeBase + "ReasonRetryList-V2.0"
	SchemeReasonUnfilled            = schemeBase + "ReasonUnfilledList-V1.0"
	SchemeServiceLevel              = schemeBase + "ServiceLevelList-V1.0"
)

// OpenList is a default open code list: its scheme URI and values.
type OpenList struct {
	Scheme string
	Values []string
}

// Has reports whether c belongs to the list: its scheme is empty or the
// list's, and its value is one of the list's values (exact case).
func (l OpenList) Has(c Code) bool {
	if c.Scheme != "" && c.Scheme != l.Scheme {
		return false
	}
	return in(c.Value, l.Values)
}

// Default open code lists, keyed by the element name that carries them.
// Only lists with values fixed by Annex B are here (not currency, country).
var OpenLists = map[string]OpenList{
	"agencyIdType": {SchemeAgencyIDType, []string{"ISIL", "ICOLC", "DNUCNI"}},
	"bibliographicItemIdentifierCode": {SchemeBibliographicItemIDCode,
		[]string{"ISBN", "ISSN", "ISMN", "DOI", "Handle", "ILII", "NBN", "URN"}},
	"bibliographicRecordIdentifierCode": {SchemeBibliographicRecordIDCode,
		[]string{"OCLC", "LCCN", "AMICUS", "BL", "FAUST", "JNB", "LA", "Medline", "NCID", "PID", "PMID", "TP"}},
	"billingMethod": {SchemeBillingMethod,
		[]string{"Account", "FreeOfCharge", "Invoice", "Other", "ReciprocityAgreement"}},
	"copyrightCompliance": {SchemeCopyrightCompliance, []string{"US-CCG", "US-CCL", "UK-CopyRFeePaid",
		"UK-FairDealing", "AU-CopyrightActS49", "AU-CopyrightActS50-1", "AU-CopyrightActS50-7A",
		"AU-CopyRCatS183ComW", "AU-CopyRCatS183State", "AU-CopyrightCleared", "AU-GenBus",
		"NZ-CopyrightActS54", "NZ-CopyrightActS55", "EU-DirectiveOrphanWorks",
		"EU-DirectiveRightsDigitalSingleMarket", "Other"}},
	"courierName": {SchemeCourierName, []string{"DHL", "Fedex", "UPS", "DB Schenker", "PostNord AB"}},
	"deliveryMethod": {SchemeDeliveryMethod,
		[]string{"Mail", "Courier", "Email", "FTP", "URL", "ArticleExchange", "Odyssey"}},
	"electronicAddressType": {SchemeElectronicAddressType, []string{"Email", "FTP", "Chat", "Skype"}},
	"itemFormat": {SchemeItemFormat, []string{"Printed", "PaperCopy", "PDF", "TIFF", "JPEG", "EPUB",
		"EPUB2", "EPUB3", "Microform", "LargePrint", "Braille", "CD", "CD-ROM", "DVD", "Blu-ray",
		"UltraHD", "VHS", "LP", "CassetteTape", "Tape", "MP3", "Daisy-ROM", "Multimedia"}},
	"loanCondition": {SchemeLoanCondition, []string{"LibraryUseOnly", "WatchLibraryUseOnly",
		"NoReproduction", "SignatureRequired", "SpecCollSupervReq"}},
	"patronType": {SchemePatronType, []string{"Adult", "Child", "Student", "UnderGraduateStudent",
		"GraduateStudent", "PostgraduateStudent", "DoctoralStudent", "PostdoctoralResearcher",
		"Researcher", "Faculty", "Staff"}},
	"paymentMethod": {SchemePaymentMethod, []string{"BankTransfer", "CreditCard", "DebitCard", "EFTS",
		"IBS", "IIBS", "IFLAVoucher", "IFM", "LAPS", "Paypal"}},
	"publicationType": {SchemePublicationType, []string{"Article", "Book", "Chapter", "Journal",
		"Newspaper", "ConferenceProc", "Thesis", "Report", "GovernmentPubl", "Patent", "Map",
		"Manuscript", "ArchiveMaterial", "Image", "Movie", "MusicRecording", "MusicScore",
		"SoundRecording", "AudioBook", "Game"}},
	"reasonRetry": {SchemeReasonRetry, []string{"CostExceedsMaxCost", "MustMeetLoanCondition", "OnLoan",
		"OnOrder", "AtBindery", "NotCurrentAvailableForILL", "NotFoundAsCited", "MultiVolAvail",
		"ReqDelDateNotPossible", "ReqDelMethodNotSupp", "ReqEditionNotPossible", "ReqFormatNotPossible",
		"ReqPayMethodNotSupported", "ReqServLevelNotSupp", "ReqServTypeNotPossible", "CourierNotSupp"}},
	"reasonUnfilled": {SchemeReasonUnfilled, []string{"NotHeld", "NotOnShelf", "NonCirculating",
		"NotAvailableForILL", "PolicyProblem", "PoorCondition"}},
	"serviceLevel": {SchemeServiceLevel,
		[]string{"Normal", "Urgent", "Express", "Rush", "Standard", "SecondaryMail"}},
}

// Frequently used open-code values.
const (
	AgencyTypeISIL = "ISIL"

	ReasonRetryMustMeetLoanCondition = "MustMeetLoanCondition"
	ReasonRetryCostExceedsMaxCost    = "CostExceedsMaxCost"
	ReasonRetryOnLoan                = "OnLoan"

	LoanConditionLibraryUseOnly = "LibraryUseOnly"
	LoanConditionNoReproduction = "NoReproduction"
)

// openCodeVariants maps values seen from real partners or printed in the
// 2021 text to the Annex B value, per element. A variant with no standard
// equivalent maps to itself and is only reported.
var openCodeVariants = map[string]map[string]string{
	"reasonRetry": {
		"LoanCondition":       "MustMeetLoanCondition", // crosslink (v1.2), older name
		"MaximumCosts":        "CostExceedsMaxCost",    // 2021 Table 3 prose
		"ReqEditionNotPoss":   "ReqEditionNotPossible",
		"ReqPayMethodNotSupp": "ReqPayMethodNotSupported",
	},
	"reasonUnfilled": {
		"Duplicate": "Duplicate", // crosslink; no standard equivalent
	},
}

// StandardOpenCode returns the Annex B value for a non-standard variant of an
// open code carried in element (reasonRetry, reasonUnfilled), and whether c
// was such a variant. Variants without a standard equivalent come back
// unchanged with known=true.
func StandardOpenCode(element string, c Code) (std Code, known bool) {
	if c.Scheme != "" && !strings.HasPrefix(c.Scheme, schemeBase) {
		return c, false
	}
	if x, ok := openCodeVariants[element][c.Value]; ok {
		return Code{Value: x, Scheme: c.Scheme}, true
	}
	return c, false
}
