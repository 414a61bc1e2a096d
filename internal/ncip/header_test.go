package ncip_test

import (
	"encoding/xml"
	"errors"
	"testing"
	"time"

	"interlend/internal/ncip"
)

func TestParseDateTime(t *testing.T) {
	t.Parallel()
	est := time.FixedZone("", -5*3600)
	for _, c := range []struct {
		in   string
		want time.Time
	}{
		{"2025-04-16T23:59:59Z", time.Date(2025, 4, 16, 23, 59, 59, 0, time.UTC)},
		{" 2025-04-16T23:59:59.123-05:00 ", time.Date(2025, 4, 16, 23, 59, 59, 123e6, est)},
		{"2025-04-16T23:59:59", time.Date(2025, 4, 16, 23, 59, 59, 0, time.UTC)},
		{"2025-04-16T23:59:59-0500", time.Date(2025, 4, 16, 23, 59, 59, 0, est)},
		{"2025-04-16", time.Date(2025, 4, 16, 0, 0, 0, 0, time.UTC)},
		{"2025-04-16-05:00", time.Date(2025, 4, 16, 0, 0, 0, 0, est)},
	} {
		got, err := ncip.ParseDateTime(c.in)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("ParseDateTime(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "16/04/2025", "2025-13-01", "tomorrow"} {
		if got, err := ncip.ParseDateTime(bad); err == nil {
			t.Errorf("ParseDateTime(%q) = %v, want an error", bad, got)
		}
	}
}

type dates struct {
	XMLName xml.Name      `xml:"x"`
	A       ncip.DateTime `xml:"A"`
	B       ncip.DateTime `xml:"B"`
	F       ncip.Flag     `xml:"F"`
	G       ncip.Flag     `xml:"G"`
	S       ncip.SchemeValuePair
}

func TestOptionalValuesMarshal(t *testing.T) {
	t.Parallel()
	in := dates{A: ncip.At(time.Date(2025, 1, 2, 3, 4, 5, 999, time.UTC)), F: true}
	out, err := xml.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(out), "<x><A>2025-01-02T03:04:05Z</A><F></F></x>"; got != want {
		t.Errorf("marshal = %s, want %s", got, want)
	}
	var back dates
	if err := xml.Unmarshal([]byte("<x><A>2025-01-02T03:04:05Z</A><B></B><F/><S a:Scheme='u' xmlns:a='z'> v </S></x>"), &back); err != nil {
		t.Fatal(err)
	}
	if !back.A.Equal(in.A.Time.Truncate(time.Second)) || !back.B.IsZero() || !bool(back.F) || bool(back.G) {
		t.Errorf("unmarshal = %+v", back)
	}
	if back.S != (ncip.SchemeValuePair{Scheme: "u", Value: "v"}) {
		t.Errorf("SchemeValuePair = %+v, want scheme u value v", back.S)
	}
	if err := xml.Unmarshal([]byte("<x><A>soon</A></x>"), &back); err == nil {
		t.Error("a bad date parsed without error")
	}
}

func TestSchemeCoders(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		got  ncip.SchemeValuePair
		want ncip.SchemeValuePair
	}{
		{ncip.NewRequestType("Hold"), ncip.SchemeValuePair{Scheme: ncip.SchemeRequestType, Value: "Hold"}},
		{ncip.NewRequestType("Page"), ncip.Value("Page")},
		{ncip.NewUserElementType(ncip.UserElementBlockOrTrap), ncip.SchemeValuePair{Scheme: ncip.SchemeUserElementType, Value: "Block Or Trap"}},
		{ncip.NewItemIdentifierType(ncip.IDTypeBarcode), ncip.SchemeValuePair{Scheme: ncip.SchemeItemIdentifierType, Value: "Barcode"}},
		{ncip.NewCirculationStatus("Sent to bindery"), ncip.Value("Sent to bindery")},
	} {
		if c.got != c.want {
			t.Errorf("got %+v, want %+v", c.got, c.want)
		}
	}
	if !ncip.Value(" on loan ").Is(ncip.StatusOnLoan) {
		t.Error(`Value(" on loan ").Is("On Loan") = false`)
	}
}

func TestVersionIs20(t *testing.T) {
	t.Parallel()
	for v, want := range map[ncip.Version]bool{
		ncip.V2_0: true, ncip.V2_02: false, "2.0": true, "": false,
		"http://www.niso.org/schemas/ncip/v2_0/imp1/xsd/ncip_v2_01.xsd": false,
	} {
		if got := v.Is20(); got != want {
			t.Errorf("Version(%q).Is20() = %v, want %v", v, got, want)
		}
	}
}

func TestFieldHelpersOnNil(t *testing.T) {
	t.Parallel()
	var u *ncip.UserOptionalFields
	var i *ncip.ItemOptionalFields
	for _, s := range []string{u.Name(), u.Email(), u.PatronGroup(), i.Title(), i.Status(), i.CallNumber(), i.LocationString()} {
		if s != "" {
			t.Errorf("helper on nil = %q, want empty", s)
		}
	}
	if u.Blocks(time.Now()) != nil {
		t.Error("Blocks on nil not empty")
	}
}

func TestBlocksHonourDates(t *testing.T) {
	t.Parallel()
	f := &ncip.UserOptionalFields{BlockOrTrap: []ncip.BlockOrTrap{
		{Type: ncip.Value("Past"), ValidToDate: ncip.At(now.Add(-time.Hour))},
		{Type: ncip.Value("Future"), ValidFromDate: ncip.At(now.Add(time.Hour))},
		{Type: ncip.Value("Now"), ValidFromDate: ncip.At(now.Add(-time.Hour)), ValidToDate: ncip.At(now.Add(time.Hour))},
	}}
	if got := joined(f.Blocks(now)); got != "Now" {
		t.Errorf("Blocks = %q, want Now", got)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	okUser := ncip.UserBarcode("1")
	hold, scope := ncip.Value("Hold"), ncip.Value("Item")
	for _, c := range []struct {
		name string
		m    ncip.Initiation
	}{
		{"LookupUser without user", &ncip.LookupUser{}},
		{"LookupUser with both", &ncip.LookupUser{UserID: okUser, AuthenticationInput: []ncip.AuthenticationInput{ncip.NewAuthenticationInput(ncip.AuthPIN, "1")}}},
		{"LookupUser with empty id", &ncip.LookupUser{UserID: &ncip.UserID{}}},
		{"AuthenticationInput without format", &ncip.LookupUser{AuthenticationInput: []ncip.AuthenticationInput{{Data: "1", Type: ncip.Value("PIN")}}}},
		{"header without ToAgencyId", &ncip.LookupUser{InitiationHeader: &ncip.InitiationHeader{FromAgencyID: ncip.Value("A")}, UserID: okUser}},
		{"LookupItem with both ids", &ncip.LookupItem{ItemID: ncip.ItemBarcode("1"), RequestID: ncip.NewRequestID("", "1")}},
		{"LookupItem with neither", &ncip.LookupItem{}},
		{"AcceptItem without action", &ncip.AcceptItem{RequestID: *ncip.NewRequestID("", "1")}},
		{"AcceptItem without request", &ncip.AcceptItem{RequestedActionType: ncip.Value("Circulate")}},
		{"AcceptItem with two return terms", &ncip.AcceptItem{RequestID: *ncip.NewRequestID("", "1"), RequestedActionType: ncip.Value("Circulate"), DateForReturn: due, NonReturnableFlag: true}},
		{"AcceptItem with a nameless location", &ncip.AcceptItem{RequestID: *ncip.NewRequestID("", "1"), RequestedActionType: ncip.Value("Circulate"), ItemOptionalFields: &ncip.ItemOptionalFields{Location: []ncip.Location{{LocationType: ncip.Value("x")}}}}},
		{"RequestItem without item", &ncip.RequestItem{UserID: okUser, RequestType: hold, RequestScopeType: scope}},
		{"RequestItem without scope", &ncip.RequestItem{UserID: okUser, ItemID: []ncip.ItemID{*ncip.ItemBarcode("1")}, RequestType: hold}},
		{"RequestItem with an empty BibliographicId", &ncip.RequestItem{UserID: okUser, BibliographicID: []ncip.BibliographicID{{}}, RequestType: hold, RequestScopeType: scope}},
		{"RequestItem with record id and both qualifiers", &ncip.RequestItem{UserID: okUser, BibliographicID: []ncip.BibliographicID{{BibliographicRecordID: &ncip.BibliographicRecordID{Identifier: "1", AgencyID: ncip.Value("A"), Code: ncip.Value("OCLC")}}}, RequestType: hold, RequestScopeType: scope}},
		{"RequestItem shipping to two addresses", &ncip.RequestItem{UserID: okUser, ItemID: []ncip.ItemID{*ncip.ItemBarcode("1")}, RequestType: hold, RequestScopeType: scope, ShippingInformation: &ncip.ShippingInformation{}}},
		{"CancelRequestItem without request or item", &ncip.CancelRequestItem{UserID: okUser, RequestType: hold}},
		{"CancelRequestItem without type", &ncip.CancelRequestItem{UserID: okUser, RequestID: ncip.NewRequestID("", "1")}},
		{"CheckOutItem without item", &ncip.CheckOutItem{UserID: okUser}},
		{"CheckOutItem without user", &ncip.CheckOutItem{ItemID: *ncip.ItemBarcode("1")}},
		{"CheckInItem without item", &ncip.CheckInItem{}},
		{"DeleteItem without item", &ncip.DeleteItem{}},
		{"RenewItem without user", &ncip.RenewItem{ItemID: *ncip.ItemBarcode("1")}},
	} {
		if err := c.m.Validate(ncip.V2_02); !errors.Is(err, ncip.ErrInvalidRequest) {
			t.Errorf("%s: Validate = %v, want ErrInvalidRequest", c.name, err)
		}
	}
}

func TestUnmarshalErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		doc  string
		want error
	}{
		{"not XML", "hello", ncip.ErrNotNCIP},
		{"other root", `<ISO18626Message xmlns="http://illtransactions.org/2013/iso18626"/>`, ncip.ErrNotNCIP},
		{"other namespace", `<NCIPMessage xmlns="urn:x"><DeleteItem/></NCIPMessage>`, ncip.ErrNotNCIP},
		{"two services", `<NCIPMessage><DeleteItem/><DeleteItem/></NCIPMessage>`, ncip.ErrNotNCIP},
		{"truncated", `<NCIPMessage><DeleteItem>`, ncip.ErrNotNCIP},
		{"unsupported service", `<NCIPMessage xmlns="http://www.niso.org/2008/ncip"><LookupAgency/></NCIPMessage>`, ncip.ErrUnsupportedService},
	} {
		if _, err := ncip.Unmarshal([]byte(c.doc)); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
	if _, err := ncip.Marshal(&ncip.Message{}); !errors.Is(err, ncip.ErrInvalidRequest) {
		t.Errorf("Marshal of an empty message: err = %v, want ErrInvalidRequest", err)
	}
}
