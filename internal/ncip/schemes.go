package ncip

import "slices"

// Scheme URIs of the value lists an ILL system sends, as used by the
// NCIP 2 implementation profile 1 and the eXtensibleCatalog toolkit.
const (
	SchemeUserElementType         = "http://www.niso.org/ncip/v1_0/schemes/userelementtype/userelementtype.scm"
	SchemeItemElementType         = "http://www.niso.org/ncip/v1_0/schemes/itemelementtype/itemelementtype.scm"
	SchemeRequestedActionType     = "http://www.niso.org/ncip/v1_0/imp1/schemes/requestedactiontype/requestedactiontype.scm"
	SchemeRequestType             = "http://www.niso.org/ncip/v1_0/imp1/schemes/requesttype/requesttype.scm"
	SchemeRequestScopeType        = "http://www.niso.org/ncip/v1_0/imp1/schemes/requestscopetype/requestscopetype.scm"
	SchemeUserIdentifierType      = "http://www.niso.org/ncip/v1_0/imp1/schemes/visibleuseridentifiertype/visibleuseridentifiertype.scm"
	SchemeItemIdentifierType      = "http://www.niso.org/ncip/v1_0/imp1/schemes/visibleitemidentifiertype/visibleitemidentifiertype.scm"
	SchemeAuthenticationInputType = "http://www.niso.org/ncip/v1_0/imp1/schemes/authenticationinputtype/authenticationinputtype.scm"
	SchemeCirculationStatus       = "http://www.niso.org/ncip/v1_0/imp1/schemes/circulationstatus/circulationstatus.scm"
	SchemeBibItemIdentifierCode   = "http://www.niso.org/ncip/v1_0/imp1/schemes/bibliographicitemidentifiercode/bibliographicitemidentifiercode.scm"
	SchemeBibRecordIdentifierCode = "http://www.niso.org/ncip/v1_0/imp1/schemes/bibliographicrecordidentifiercode/bibliographicrecordidentifiercode.scm"
	SchemeUserAddressRoleType     = "http://www.niso.org/ncip/v2_0/imp1/schemes/useraddressroletype/useraddressroletype.scm"
)

// UserElementType values (what LookupUser should return).
const (
	UserElementAuthenticationInput    = "Authentication Input"
	UserElementBlockOrTrap            = "Block Or Trap"
	UserElementDateOfBirth            = "Date Of Birth"
	UserElementNameInformation        = "Name Information"
	UserElementUserAddressInformation = "User Address Information"
	UserElementUserLanguage           = "User Language"
	UserElementUserPrivilege          = "User Privilege"
	UserElementUserID                 = "User Id"
	UserElementPreviousUserID         = "Previous User Id"
)

// ItemElementType values (what item lookups should return).
const (
	ItemElementBibliographicDescription = "Bibliographic Description"
	ItemElementCirculationStatus        = "Circulation Status"
	ItemElementElectronicResource       = "Electronic Resource"
	ItemElementHoldQueueLength          = "Hold Queue Length"
	ItemElementItemDescription          = "Item Description"
	ItemElementItemUseRestrictionType   = "Item Use Restriction Type"
	ItemElementLocation                 = "Location"
	ItemElementPhysicalCondition        = "Physical Condition"
	ItemElementSecurityMarker           = "Security Marker"
	ItemElementSensitizationFlag        = "Sensitization Flag"
)

// RequestedActionType values (what AcceptItem asks the ILS to do).
const (
	ActionCirculate              = "Circulate"
	ActionCirculateAndNotify     = "Circulate And Notify"
	ActionHoldForPickup          = "Hold For Pickup"
	ActionHoldForPickupAndNotify = "Hold For Pickup And Notify"
)

// RequestType values. Many ILSs also take values outside the list (Page).
const (
	RequestTypeEstimate = "Estimate"
	RequestTypeHold     = "Hold"
	RequestTypeLoan     = "Loan"
)

// RequestScopeType values.
const (
	ScopeBibliographicItem = "Bibliographic Item" // title level
	ScopeItem              = "Item"               // copy level
)

// UserIdentifierType and ItemIdentifierType values.
const (
	IDTypeBarcode             = "Barcode"
	IDTypeInstitutionIDNumber = "Institution Id Number"
	IDTypeAccessionNumber     = "Accession Number"
)

// AuthenticationInputType values.
const (
	AuthBarcodeID = "Barcode Id"
	AuthUserID    = "User Id"
	AuthPIN       = "PIN"
	AuthPassword  = "Password"
)

// CirculationStatus values.
const (
	StatusAvailableOnShelf     = "Available On Shelf"
	StatusAvailableForPickup   = "Available For Pickup"
	StatusOnLoan               = "On Loan"
	StatusInProcess            = "In Process"
	StatusInTransit            = "In Transit Between Library Locations"
	StatusOnOrder              = "On Order"
	StatusRecalled             = "Recalled"
	StatusLost                 = "Lost"
	StatusMissing              = "Missing"
	StatusNotAvailable         = "Not Available"
	StatusPendingTransfer      = "Pending Transfer"
	StatusWaitingToBeReshelved = "Waiting To Be Reshelved"
	StatusClaimedReturned      = "Claimed Returned Or Never Borrowed"
	StatusUndefined            = "Circulation Status Undefined"
)

// BibliographicItemIdentifierCode values (a selection).
const (
	BibCodeISBN = "ISBN"
	BibCodeISSN = "ISSN"
	BibCodeDOI  = "DOI"
)

// BibliographicRecordIdentifierCode values (a selection).
const (
	RecordCodeOCLC = "OCLC"
	RecordCodeLCCN = "LCCN"
)

type valueList struct {
	scheme string
	values []string
}

var (
	userElementTypes = valueList{SchemeUserElementType, []string{UserElementAuthenticationInput, UserElementBlockOrTrap, UserElementDateOfBirth, UserElementNameInformation, UserElementUserAddressInformation, UserElementUserLanguage, UserElementUserPrivilege, UserElementUserID, UserElementPreviousUserID}}
	itemElementTypes = valueList{SchemeItemElementType, []string{ItemElementBibliographicDescription, ItemElementCirculationStatus, ItemElementElectronicResource, ItemElementHoldQueueLength, ItemElementItemDescription, ItemElementItemUseRestrictionType, ItemElementLocation, ItemElementPhysicalCondition, ItemElementSecurityMarker, ItemElementSensitizationFlag}}
	actionTypes      = valueList{SchemeRequestedActionType, []string{ActionCirculate, ActionCirculateAndNotify, ActionHoldForPickup, ActionHoldForPickupAndNotify}}
	requestTypes     = valueList{SchemeRequestType, []string{RequestTypeEstimate, RequestTypeHold, RequestTypeLoan}}
	scopeTypes       = valueList{SchemeRequestScopeType, []string{ScopeBibliographicItem, ScopeItem}}
	userIDTypes      = valueList{SchemeUserIdentifierType, []string{IDTypeBarcode, IDTypeInstitutionIDNumber}}
	itemIDTypes      = valueList{SchemeItemIdentifierType, []string{IDTypeBarcode, IDTypeAccessionNumber}}
	authInputTypes   = valueList{SchemeAuthenticationInputType, []string{AuthBarcodeID, AuthUserID, AuthPIN, AuthPassword, "Secondary Confirmation String", "MD5 Message Digest Algorithm", "X.509 Certificate"}}
	circStatuses     = valueList{SchemeCirculationStatus, []string{StatusAvailableOnShelf, StatusAvailableForPickup, StatusOnLoan, StatusInProcess, StatusInTransit, StatusOnOrder, StatusRecalled, StatusLost, StatusMissing, StatusNotAvailable, StatusPendingTransfer, StatusWaitingToBeReshelved, StatusClaimedReturned, StatusUndefined}}
	bibItemCodes     = valueList{SchemeBibItemIdentifierCode, []string{"ISBN", "ISSN", "ISMN", "ISRC", "DOI", "SICI", "BICI", "CODEN", "URI", "PURL", "Legal Deposit Number", "Government Publication Number", "Report Number"}}
	bibRecordCodes   = valueList{SchemeBibRecordIdentifierCode, []string{"OCLC", "LCCN", "ANBN", "BNBN", "CN", "NLM TCN", "RLIN", "Accession Number"}}
	userAddressRoles = valueList{SchemeUserAddressRoleType, []string{"Home", "Work", "Notice", "Ship To", "Bill To", "Multi-Purpose"}}
)

// pair attaches the list's scheme when v is one of its values, and no
// scheme otherwise: a local value (RequestType "Page") must not claim to
// come from the standard list.
func (l valueList) pair(v string) SchemeValuePair {
	if slices.Contains(l.values, v) {
		return SchemeValuePair{Scheme: l.scheme, Value: v}
	}
	return SchemeValuePair{Value: v}
}

// NewUserElementType is a UserElementType, with the standard scheme when v
// is a standard value. The other New* coders below work the same way.
func NewUserElementType(v string) SchemeValuePair { return userElementTypes.pair(v) }

// NewItemElementType is an ItemElementType.
func NewItemElementType(v string) SchemeValuePair { return itemElementTypes.pair(v) }

// NewRequestedActionType is a RequestedActionType.
func NewRequestedActionType(v string) SchemeValuePair { return actionTypes.pair(v) }

// NewRequestType is a RequestType.
func NewRequestType(v string) SchemeValuePair { return requestTypes.pair(v) }

// NewRequestScopeType is a RequestScopeType.
func NewRequestScopeType(v string) SchemeValuePair { return scopeTypes.pair(v) }

// NewUserIdentifierType is a UserIdentifierType.
func NewUserIdentifierType(v string) SchemeValuePair { return userIDTypes.pair(v) }

// NewItemIdentifierType is an ItemIdentifierType.
func NewItemIdentifierType(v string) SchemeValuePair { return itemIDTypes.pair(v) }

// NewAuthenticationInputType is an AuthenticationInputType.
func NewAuthenticationInputType(v string) SchemeValuePair { return authInputTypes.pair(v) }

// NewCirculationStatus is a CirculationStatus.
func NewCirculationStatus(v string) SchemeValuePair { return circStatuses.pair(v) }

// NewBibliographicItemIdentifierCode is a BibliographicItemIdentifierCode.
func NewBibliographicItemIdentifierCode(v string) SchemeValuePair { return bibItemCodes.pair(v) }

// NewBibliographicRecordIdentifierCode is a BibliographicRecordIdentifierCode.
func NewBibliographicRecordIdentifierCode(v string) SchemeValuePair { return bibRecordCodes.pair(v) }

// NewUserAddressRoleType is a UserAddressRoleType.
func NewUserAddressRoleType(v string) SchemeValuePair { return userAddressRoles.pair(v) }

// UserElementTypes codes several UserElementType values.
func UserElementTypes(vs ...string) []SchemeValuePair { return pairs(userElementTypes, vs) }

// ItemElementTypes codes several ItemElementType values.
func ItemElementTypes(vs ...string) []SchemeValuePair { return pairs(itemElementTypes, vs) }

func pairs(l valueList, vs []string) []SchemeValuePair {
	out := make([]SchemeValuePair, len(vs))
	for i, v := range vs {
		out[i] = l.pair(v)
	}
	return out
}
