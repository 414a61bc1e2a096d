package ncip_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"interlend/internal/ncip"
	"interlend/internal/testenv"
)

var (
	due     = ncip.At(time.Date(2025, 4, 16, 23, 59, 59, 0, time.UTC))
	header  = &ncip.InitiationHeader{FromAgencyID: ncip.Value("ILL"), ToAgencyID: ncip.Value("US-EXREQ")}
	rheader = &ncip.ResponseHeader{FromAgencyID: ncip.Value("US-EXREQ"), ToAgencyID: ncip.Value("ILL")}
	user    = ncip.UserBarcode("21234000123456")
	item    = ncip.ItemBarcode("39012004567891")
	reqID   = ncip.NewRequestID("US-EXSUP", "SUP-88120")
	two     = 2
)

// fullItemFields uses every item field that both versions allow.
func fullItemFields() *ncip.ItemOptionalFields {
	return &ncip.ItemOptionalFields{
		BibliographicDescription: &ncip.BibliographicDescription{
			Author: "Carson, Rachel", BibliographicItemID: &ncip.BibliographicItemID{Identifier: "9780618249060", Code: ncip.NewBibliographicItemIdentifierCode("ISBN")},
			BibliographicRecordID: []ncip.BibliographicRecordID{{Identifier: "12345", Code: ncip.NewBibliographicRecordIdentifierCode("OCLC")}},
			Edition:               "40th anniversary ed.", PublicationDate: "2002", Publisher: "Houghton Mifflin", Title: "Silent spring",
			BibliographicLevel: ncip.Value("Monograph"), Language: ncip.Value("eng"), MediumType: ncip.Value("Book"),
		},
		ItemUseRestrictionType: []ncip.SchemeValuePair{ncip.Value("In Library Use Only")},
		CirculationStatus:      ncip.NewCirculationStatus(ncip.StatusOnLoan),
		HoldQueueLength:        &two,
		ItemDescription:        &ncip.ItemDescription{CallNumber: "QH545 .P4", CopyNumber: "c.2", NumberOfPieces: 1},
		Location:               []ncip.Location{ncip.NewLocation("Permanent Location", "Main", "Stacks")},
	}
}

// fullUserFields uses every user field the package models.
func fullUserFields() *ncip.UserOptionalFields {
	return &ncip.UserOptionalFields{
		NameInformation: &ncip.NameInformation{PersonalNameInformation: &ncip.PersonalNameInformation{
			StructuredPersonalUserName: &ncip.StructuredPersonalUserName{Prefix: "Dr", GivenName: "Jane", Surname: "Doe"},
		}},
		UserAddressInformation: []ncip.UserAddressInformation{
			{UserAddressRoleType: ncip.NewUserAddressRoleType("Home"), ElectronicAddress: &ncip.ElectronicAddress{Type: ncip.Value("mailto"), Data: "jane@example.edu"}},
			{UserAddressRoleType: ncip.NewUserAddressRoleType("Ship To"), ValidToDate: due, PhysicalAddress: &ncip.PhysicalAddress{
				StructuredAddress: &ncip.StructuredAddress{Street: "1 Main St", Locality: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"},
				Type:              ncip.Value("Postal Address"),
			}},
			{UserAddressRoleType: ncip.Value("Work"), PhysicalAddress: &ncip.PhysicalAddress{
				UnstructuredAddress: &ncip.UnstructuredAddress{Type: ncip.Value("Newline-Delimited Text"), Data: "Library\nCampus"},
				Type:                ncip.Value("Postal Address"),
			}},
		},
		UserLanguage:  []ncip.SchemeValuePair{ncip.Value("eng")},
		UserPrivilege: []ncip.UserPrivilege{{AgencyID: ncip.Value("US-EXREQ"), AgencyUserPrivilegeType: ncip.Value("Faculty"), ValidToDate: due, UserPrivilegeStatus: &ncip.UserPrivilegeStatus{Type: ncip.Value("Active"), Date: due}, UserPrivilegeDescription: "Faculty"}},
		BlockOrTrap:   []ncip.BlockOrTrap{{AgencyID: ncip.Value("US-EXREQ"), Type: ncip.Value("Excessive Fines"), ValidFromDate: due}},
		UserID:        []ncip.UserID{*user},
	}
}

// portable is one message of each type, using optional elements both
// versions allow.
func portable() []ncip.Body {
	auth := []ncip.AuthenticationInput{ncip.NewAuthenticationInput(ncip.AuthBarcodeID, "2123"), ncip.NewAuthenticationInput(ncip.AuthPIN, "1234")}
	problem := []ncip.Problem{ncip.NewProblem("LookupUser", ncip.UnknownUser, "UserIdentifierValue", "2123", "no such patron")}
	ship := &ncip.ShippingInformation{ShippingInstructions: "Library rate", ElectronicAddress: &ncip.ElectronicAddress{Type: ncip.Value("mailto"), Data: "ill@example.edu"}}
	fullHeader := &ncip.InitiationHeader{
		FromSystemID: ncip.Value("Interlend"), FromSystemAuthentication: "sys", FromAgencyID: ncip.Value("ILL"), FromAgencyAuthentication: "pw",
		OnBehalfOfAgency: &ncip.SchemeValuePair{Value: "US-MEMBER"}, ToSystemID: ncip.Value("ILS"), ToAgencyID: ncip.Value("US-EXREQ"),
		ApplicationProfileType: ncip.Value("ILL"),
	}
	return []ncip.Body{
		&ncip.LookupUser{InitiationHeader: fullHeader, AuthenticationInput: auth, UserElementType: ncip.UserElementTypes(ncip.UserElementNameInformation, "Local Element")},
		&ncip.LookupUserResponse{ResponseHeader: rheader, UserID: user, UserOptionalFields: fullUserFields()},
		&ncip.LookupUserResponse{ResponseHeader: rheader, Problems: problem},
		&ncip.LookupItem{InitiationHeader: header, RequestID: reqID, ItemElementType: ncip.ItemElementTypes(ncip.ItemElementLocation), CurrentBorrowerDesired: true, CurrentRequestersDesired: true},
		&ncip.LookupItemResponse{ResponseHeader: rheader, RequestID: reqID, ItemID: item, HoldPickupDate: due, DateRecalled: due,
			ItemTransaction:    &ncip.ItemTransaction{CurrentBorrower: &ncip.CurrentUser{UserID: *user}, CurrentRequester: []ncip.CurrentUser{{UserID: *user}}},
			ItemOptionalFields: fullItemFields()},
		&ncip.AcceptItem{InitiationHeader: header, MandatedAction: &ncip.MandatedAction{DateEventOccurred: due}, RequestID: *reqID,
			RequestedActionType: ncip.NewRequestedActionType(ncip.ActionCirculate), UserID: user, ItemID: item, IndeterminateLoanPeriodFlag: true,
			RenewalNotPermitted: true, ItemOptionalFields: fullItemFields(), UserOptionalFields: fullUserFields(), PickupLocation: ncip.Value("MAIN"), PickupExpiryDate: due},
		&ncip.AcceptItemResponse{ResponseHeader: rheader, RequestID: reqID},
		&ncip.RequestItem{InitiationHeader: header, UserID: user, ItemID: []ncip.ItemID{*item}, RequestID: reqID,
			RequestType: ncip.NewRequestType("Page"), RequestScopeType: ncip.NewRequestScopeType(ncip.ScopeItem), ItemOptionalFields: fullItemFields(),
			ShippingInformation: ship, EarliestDateNeeded: due, NeedBeforeDate: due, PickupLocation: ncip.Value("ILL"), PickupExpiryDate: due,
			ItemElementType: ncip.ItemElementTypes(ncip.ItemElementCirculationStatus), UserElementType: ncip.UserElementTypes(ncip.UserElementBlockOrTrap)},
		&ncip.RequestItem{InitiationHeader: header, AuthenticationInput: auth, BibliographicID: []ncip.BibliographicID{ncip.BibNumber(ncip.BibCodeISBN, "9780618249060")},
			RequestType: ncip.NewRequestType(ncip.RequestTypeLoan), RequestScopeType: ncip.NewRequestScopeType(ncip.ScopeBibliographicItem)},
		&ncip.RequestItemResponse{ResponseHeader: rheader, ItemID: item, UserID: user, RequestType: ncip.Value("Hold"), RequestScopeType: ncip.Value("Item"),
			ShippingInformation: ship, DateAvailable: due, HoldPickupDate: due, ItemOptionalFields: fullItemFields(), UserOptionalFields: fullUserFields()},
		&ncip.CancelRequestItem{InitiationHeader: header, UserID: user, ItemID: item, RequestType: ncip.Value("Hold"), RequestScopeType: ncip.Value("Item"),
			ItemElementType: ncip.ItemElementTypes(ncip.ItemElementBibliographicDescription)},
		&ncip.CancelRequestItemResponse{ResponseHeader: rheader, RequestID: reqID, ItemID: item, UserID: user},
		&ncip.CheckOutItem{InitiationHeader: header, AuthenticationInput: auth, ItemID: *item, RequestID: reqID, ShippingInformation: ship, DesiredDateDue: due},
		&ncip.CheckOutItemResponse{ResponseHeader: rheader, ItemID: item, UserID: user, NonReturnableFlag: true, RenewalCount: &two},
		&ncip.CheckInItem{InitiationHeader: header, MandatedAction: &ncip.MandatedAction{DateEventOccurred: due}, ItemID: *item, UserElementType: ncip.UserElementTypes(ncip.UserElementUserID)},
		&ncip.CheckInItemResponse{ResponseHeader: rheader, ItemID: item, UserID: user, ItemOptionalFields: fullItemFields()},
		&ncip.DeleteItem{ItemID: *item},
		&ncip.DeleteItemResponse{ItemID: item},
		&ncip.RenewItem{InitiationHeader: header, UserID: user, ItemID: *item, DesiredDateDue: due, DesiredDateForReturn: due},
		&ncip.RenewItemResponse{ResponseHeader: rheader, ItemID: item, UserID: user, DateDue: due, DateForReturn: due, RenewalCount: &two},
		&ncip.RenewItemResponse{ResponseHeader: rheader, Pending: &ncip.Pending{DateOfExpectedReply: due}},
	}
}

// TestMarshalValidates marshals one of every message, in both versions,
// and validates each against both schemas.
func TestMarshalValidates(t *testing.T) {
	t.Parallel()
	for _, v := range []ncip.Version{ncip.V2_02, ncip.V2_0} {
		for _, b := range portable() {
			t.Run(string(v[len(v)-8:])+"/"+b.ElementName(), func(t *testing.T) {
				t.Parallel()
				if in, ok := b.(ncip.Initiation); ok {
					if err := in.Validate(v); err != nil {
						t.Fatalf("Validate: %v", err)
					}
				}
				doc, err := ncip.Marshal(&ncip.Message{Version: v, Body: b})
				if err != nil {
					t.Fatal(err)
				}
				validateBoth(t, doc)
				if !bytes.Contains(doc, []byte(`ncip:version="`+string(v)+`"`)) {
					t.Errorf("no qualified version attribute in\n%s", doc)
				}
				back, err := ncip.Unmarshal(doc)
				if err != nil {
					t.Fatal(err)
				}
				again, err := ncip.Marshal(back)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(doc, again) {
					t.Errorf("marshal(unmarshal(doc)) differs:\n%s\n---\n%s", doc, again)
				}
			})
		}
	}
	t.Run("message-level problem", func(t *testing.T) {
		t.Parallel()
		doc, err := ncip.Marshal(&ncip.Message{Problems: []ncip.Problem{ncip.NewProblem("", ncip.InvalidMessageSyntaxError, "NCIPMessage", "", "")}})
		if err != nil {
			t.Fatal(err)
		}
		validateBoth(t, doc)
	})
}

// TestOnly202 covers what NCIP 2.02 added: valid against 2.02, rejected by
// the 2.0 schema, and refused by Validate for a 2.0 client.
func TestOnly202(t *testing.T) {
	t.Parallel()
	withDue := fullItemFields()
	withDue.DateDue = due
	for _, c := range []struct {
		name string
		body ncip.Initiation
	}{
		{"RequestItem with a title and two copies", &ncip.RequestItem{InitiationHeader: header, UserID: user,
			BibliographicID: []ncip.BibliographicID{ncip.BibRecord("US-EXSUP", "b1")}, ItemID: []ncip.ItemID{*item, *ncip.ItemBarcode("2")},
			RequestType: ncip.Value("Hold"), RequestScopeType: ncip.Value("Item")}},
		{"AcceptItem with ItemOptionalFields/DateDue", &ncip.AcceptItem{InitiationHeader: header, RequestID: *reqID,
			RequestedActionType: ncip.Value("Circulate"), ItemOptionalFields: withDue}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if err := c.body.Validate(ncip.V2_02); err != nil {
				t.Errorf("Validate(2.02): %v", err)
			}
			if err := c.body.Validate(ncip.V2_0); !errors.Is(err, ncip.ErrInvalidRequest) {
				t.Errorf("Validate(2.0) = %v, want ErrInvalidRequest", err)
			}
			doc, err := ncip.Marshal(&ncip.Message{Version: ncip.V2_02, Body: c.body})
			if err != nil {
				t.Fatal(err)
			}
			testenv.ValidateXSD(t, testenv.Standards(t, "ncip", "ncip_v2_02.xsd"), doc)
			if testenv.CheckXSD(t, testenv.Standards(t, "ncip", "ncip_v2_0.xsd"), doc) == nil {
				t.Errorf("2.0 schema accepts a 2.02-only message:\n%s", doc)
			}
		})
	}
}

// TestSchemaNeedsQualifiedAttributes shows why the package writes
// ncip:version and ncip:Scheme: the schemas reject the unqualified forms
// that some ILSs send (and that Unmarshal accepts).
func TestSchemaNeedsQualifiedAttributes(t *testing.T) {
	t.Parallel()
	doc := []byte(`<NCIPMessage xmlns="http://www.niso.org/2008/ncip" version="x"><DeleteItem><ItemId><ItemIdentifierType Scheme="s">Barcode</ItemIdentifierType><ItemIdentifierValue>1</ItemIdentifierValue></ItemId></DeleteItem></NCIPMessage>`)
	if testenv.CheckXSD(t, testenv.Standards(t, "ncip", "ncip_v2_02.xsd"), doc) == nil {
		t.Error("2.02 schema accepts unqualified version and Scheme attributes")
	}
	m, err := ncip.Unmarshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	d := m.Body.(*ncip.DeleteItem)
	if m.Version != "x" || d.ItemID.Type.Scheme != "s" || d.ItemID.Value != "1" {
		t.Errorf("lenient parse = version %q scheme %q value %q, want x, s, 1", m.Version, d.ItemID.Type.Scheme, d.ItemID.Value)
	}
}
