package wire

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"interlend/internal/ill"
	"interlend/internal/iso18626"
)

func TestISIL(t *testing.T) {
	t.Parallel()
	if got, want := (ISIL{}).Ref("US-EXREQ"), iso18626.ISIL("US-EXREQ"); got != want {
		t.Errorf("Ref = %+v, want %+v", got, want)
	}
	tests := []struct {
		in     iso18626.AgencyID
		want   ill.AgencyID
		wantOK bool
	}{
		{iso18626.ISIL("US-EXREQ"), "US-EXREQ", true},
		{iso18626.AgencyID{Type: iso18626.Code{Value: "isil", Scheme: iso18626.SchemeAgencyIDType}, Value: " de-1a "}, "de-1a", true},
		{iso18626.AgencyID{Type: iso18626.C("OCLC"), Value: "XYZ"}, "OCLC-XYZ", true},
		{iso18626.AgencyID{Type: iso18626.C("OCLC"), Value: "oclc-XYZ"}, "oclc-XYZ", true},
		{iso18626.ISIL("OCLC-XYZ"), "OCLC-XYZ", true},
		{iso18626.AgencyID{Type: iso18626.C("ICOLC"), Value: "XYZ"}, "", false},
		{iso18626.AgencyID{Type: iso18626.C("ISIL")}, "", false},
		{iso18626.AgencyID{Type: iso18626.C("OCLC"), Value: "OCLC-"}, "OCLC-OCLC-", true},
	}
	for _, tt := range tests {
		got, ok := (ISIL{}).ID(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("ID(%v) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestCosts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		money ill.Money
		want  iso18626.Decimal
	}{
		{ill.Money{Minor: 2500, Currency: "USD"}, "25.00"},
		{ill.Money{Minor: 5, Currency: "eur"}, "0.05"},
		{ill.Money{Minor: 0, Currency: "USD"}, "0.00"},
		{ill.Money{Minor: 1500, Currency: "JPY"}, "1500"},
		{ill.Money{Minor: 1234, Currency: "BHD"}, "1.234"},
		{ill.Money{Minor: 7, Currency: "BHD"}, "0.007"},
		{ill.Money{Minor: 12345, Currency: "CLF"}, "1.2345"},
		{ill.Money{Minor: 9223372036854775807, Currency: "USD"}, "92233720368547758.07"},
	}
	for _, tt := range tests {
		c, err := Costs(tt.money)
		if err != nil || c.MonetaryValue != tt.want {
			t.Errorf("Costs(%+v) = %q, %v; want %q", tt.money, c.MonetaryValue, err, tt.want)
			continue
		}
		back, err := Money(c)
		want := ill.Money{Minor: tt.money.Minor, Currency: c.CurrencyCode.Value}
		if err != nil || back != want {
			t.Errorf("Money(Costs(%+v)) = %+v, %v; want %+v", tt.money, back, err, want)
		}
	}
	for _, bad := range []ill.Money{{Minor: 100}, {Minor: 100, Currency: "US"}, {Minor: 100, Currency: "U$D"}, {Minor: -1, Currency: "USD"}} {
		if _, err := Costs(bad); !ill.Is(err, ill.Invalid) {
			t.Errorf("Costs(%+v) error %v, want Invalid", bad, err)
		}
	}
}

func TestMoney(t *testing.T) {
	t.Parallel()
	ok := []struct {
		cur, val string
		want     int64
	}{
		{"USD", "25", 2500}, {"USD", "25.5", 2550}, {"USD", ".5", 50}, {"USD", "25.000", 2500}, {"USD", "+1.00", 100},
		{"USD", "-0.00", 0}, {"USD", "007.10", 710}, {"JPY", "1500", 1500}, {"JPY", "1500.00", 1500},
		{"BHD", "1.234", 1234}, {"BHD", "+3", 3000}, {"usd", "1", 100},
	}
	for _, tt := range ok {
		got, err := Money(iso18626.Costs{CurrencyCode: iso18626.C(tt.cur), MonetaryValue: iso18626.Decimal(tt.val)})
		if err != nil || got.Minor != tt.want {
			t.Errorf("Money(%s %s) = %+v, %v; want %d", tt.cur, tt.val, got, err, tt.want)
		}
	}
	bad := []struct{ cur, val, errorValue string }{
		{"USD", "25.001", `monetaryValue - Value = "25.001"`},
		{"JPY", "1.5", `monetaryValue - Value = "1.5"`},
		{"BHD", "0.0001", `monetaryValue - Value = "0.0001"`},
		{"USD", "abc", `monetaryValue - Value = "abc"`},
		{"USD", "", `monetaryValue - Value = ""`},
		{"USD", "1,50", `monetaryValue - Value = "1,50"`},
		{"USD", "-1.00", `monetaryValue - Value = "-1.00"`},
		{"USD", "99999999999999999999", `monetaryValue - Value = "99999999999999999999"`},
		{"", "1.00", `currencyCode - Value = ""`},
		{"DOLLAR", "1.00", `currencyCode - Value = "DOLLAR"`},
	}
	for _, tt := range bad {
		_, err := Money(iso18626.Costs{CurrencyCode: iso18626.C(tt.cur), MonetaryValue: iso18626.Decimal(tt.val)})
		var de *DataError
		if !errors.As(err, &de) || de.ErrorType != iso18626.ErrUnrecognisedDataValue || de.ErrorValue != tt.errorValue || !ill.Is(err, ill.Invalid) {
			t.Errorf("Money(%q %q) error %v, want a DataError %s", tt.cur, tt.val, err, tt.errorValue)
		}
	}
	if got := MinorDigits("xyz"); got != 2 {
		t.Errorf("MinorDigits(unknown) = %d, want 2", got)
	}
}

func TestNoteLines(t *testing.T) {
	t.Parallel()
	all := []string{lineURL, lineItem, lineCondition, lineCourier, lineTracking}
	tests := []struct {
		note  string
		lines lines
		wire  string
	}{
		{"", nil, ""},
		{"Hello", nil, "Hello"},
		{"", lines{{lineURL, "https://x.example/a"}}, "URL: https://x.example/a"},
		{"Hello", lines{{lineItem, "b1"}, {lineTracking, "T 1"}}, "Hello\nItem: b1\nTracking: T 1"},
		{"Hello\n", lines{{lineCourier, "UPS"}}, "Hello\n\nCourier: UPS"},
		{"Item: typed by hand\nmore", lines{{lineCondition, "X"}}, "Item: typed by hand\nmore\nCondition: X"},
	}
	for _, tt := range tests {
		if got := tt.lines.appendTo(tt.note); got != tt.wire {
			t.Errorf("appendTo(%q) = %q, want %q", tt.note, got, tt.wire)
		}
		note, ls := cutLines(tt.wire, all...)
		if note != tt.note || !cmp.Equal(ls, tt.lines, cmp.AllowUnexported(dataLine{})) {
			t.Errorf("cutLines(%q) = %q, %v; want %q, %v", tt.wire, note, ls, tt.note, tt.lines)
		}
	}
	var ls lines
	ls.add(lineTracking, "a\nb  c", "", "  ")
	if want := (lines{{lineTracking, "a b c"}}); !cmp.Equal(ls, want, cmp.AllowUnexported(dataLine{})) {
		t.Errorf("add flattened to %v, want %v", ls, want)
	}
	for _, tt := range []struct{ in, marker, rest string }{
		{"#Interlend:Lost# Gone", MarkerLost, "Gone"},
		{"  #Interlend:HoldReturn#", MarkerHoldReturn, ""},
		{"#Interlend:Lostx", "", "#Interlend:Lostx"},
		{"Note #Interlend:Lost#", "", "Note #Interlend:Lost#"},
	} {
		if mk, rest := cutMarker(tt.in); mk != tt.marker || rest != tt.rest {
			t.Errorf("cutMarker(%q) = %q, %q; want %q, %q", tt.in, mk, rest, tt.marker, tt.rest)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		m    ill.Message
		v    iso18626.Version
	}{
		{"unknown version", domainRAM(ill.ActionReceived, "", nil), iso18626.Version(9)},
		{"unknown kind", ill.Message{Kind: "letter", Timestamp: t0}, iso18626.V1_2},
		{"SAM without status", domainSAM("", ill.ReasonStatusChange, nil), iso18626.V1_2},
		{"SAM without reason", domainSAM(ill.StatusLoaned, "", nil), iso18626.V2021},
		{"SAM with a status unknown to ISO 18626", domainSAM("Shipped", ill.ReasonStatusChange, nil), iso18626.V2021},
		{"RAM without action", domainRAM("", "hi", nil), iso18626.V1_2},
		{"RAM without timestamp", domainRAM(ill.ActionReceived, "", func(m *ill.Message) { m.Timestamp = ill.Message{}.Timestamp }), iso18626.V1_2},
		{"RAM without supplier", domainRAM(ill.ActionReceived, "", func(m *ill.Message) { m.Supplier = "" }), iso18626.V2021},
		{"2021 request without service type", domainRequest(func(m *ill.Message) { m.ServiceType = "" }), iso18626.V2021},
		{"v1.2 request with a note but no service type", domainRequest(func(m *ill.Message) { m.ServiceType, m.Note = "", "x" }), iso18626.V1_2},
		{"cost without currency", domainRequest(func(m *ill.Message) { m.MaxCost = ill.Money{Minor: 100} }), iso18626.V1_2},
		{"negative offered cost", domainSAM(ill.StatusWillSupply, ill.ReasonStatusChange, func(m *ill.Message) { m.OfferedCost = usd(-1) }), iso18626.V2021},
		{"bad insurance currency", domainSAM(ill.StatusLoaned, ill.ReasonStatusChange, func(m *ill.Message) {
			m.Shipping.Insurance = ill.Money{Minor: 1, Currency: "?"}
		}), iso18626.V2021},
	}
	for _, tt := range tests {
		if out, err := Encode(tt.m, tt.v, ISIL{}); !ill.Is(err, ill.Invalid) {
			t.Errorf("%s: Encode = %v, %v; want an Invalid error", tt.name, out, err)
		}
	}
	// A v1.2 request needs no serviceInfo at all.
	m := domainRequest(func(m *ill.Message) { m.ServiceType, m.RequestType = "", "" })
	out, err := Encode(m, iso18626.V1_2, ISIL{})
	if err != nil {
		t.Fatalf("Encode of a v1.2 request without serviceInfo: %v", err)
	}
	if out.Request.ServiceInfo != nil {
		t.Errorf("serviceInfo written: %+v", out.Request.ServiceInfo)
	}
	emit(t, out)
}

func TestConfirmations(t *testing.T) {
	t.Parallel()
	ms := richMessages()
	now := at("2025-09-01T10:11:13Z")
	for _, name := range []string{"request/book-loan", "sam/Loaned", "ram/HoldReturn"} {
		for _, v := range []iso18626.Version{iso18626.V1_2, iso18626.V2021} {
			in, err := Encode(ms[name], v, ISIL{})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []Confirmation{
				{OK: true},
				{ErrorType: "UnrecognisedDataValue", ErrorValue: `requestingAgencyRequestId - Value = "B1000042"`},
				{ErrorType: "UnsupportedActionType", ErrorValue: `action - Value = "HoldReturn"`},
				{ErrorType: "UnrecognizedDataElement", ErrorValue: "bibliographicInfo"}, // 2021 text spelling
				{ErrorType: "NoSuchType", ErrorValue: "x"},
			} {
				conf, err := Confirm(in, now, c)
				if err != nil {
					t.Fatalf("Confirm(%s %s, %+v): %v", name, v, c, err)
				}
				got, err := ReadConfirmation(emit(t, conf))
				want := c
				switch c.ErrorType {
				case "UnrecognizedDataElement":
					want.ErrorType = "UnrecognisedDataElement"
				case "NoSuchType":
					want.ErrorType = "BadlyFormedMessage"
				}
				if err != nil || got != want {
					t.Errorf("%s %s: confirmation of %+v reads %+v, %v; want %+v", name, v, c, got, err, want)
				}
				if h := conf.ConfirmationHeader(); !h.TimestampReceived.Equal(iso18626.At(t0)) || h.RequestingAgencyRequestID != "B1000042" {
					t.Errorf("%s %s: confirmation header %+v does not echo the message", name, v, h)
				}
			}
		}
	}
	// An ERROR without errorData, and a message that is no confirmation.
	bare := &iso18626.Message{Version: iso18626.V1_2, RequestConfirmation: &iso18626.RequestConfirmation{
		Header: iso18626.ConfirmationHeader{MessageStatus: iso18626.MessageError}}}
	if got, err := ReadConfirmation(bare); err != nil || got != (Confirmation{}) {
		t.Errorf("bare ERROR reads %+v, %v", got, err)
	}
	for _, m := range []*iso18626.Message{nil, {Version: iso18626.V1_2, RequestingAgencyMessage: &iso18626.RequestingAgencyMessage{}}} {
		if _, err := ReadConfirmation(m); !ill.Is(err, ill.Invalid) {
			t.Errorf("ReadConfirmation(%v) error %v, want Invalid", m, err)
		}
	}
}

func TestRefusal(t *testing.T) {
	t.Parallel()
	_, parseErr := iso18626.Parse([]byte(`<ISO18626Message xmlns="` + iso18626.Namespace + `"><nonsense/></ISO18626Message>`))
	problems := iso18626.Validate(&iso18626.Message{Version: iso18626.V1_2,
		RequestingAgencyMessage: &iso18626.RequestingAgencyMessage{Action: "Dance"}})
	tests := []struct {
		name   string
		err    error
		wantOK bool
		want   Confirmation
	}{
		{"nil", nil, false, Confirmation{}},
		{"outage", ill.E(ill.Unavailable, "database down"), false, Confirmation{}},
		{"data error", newDataError(iso18626.ErrUnrecognisedDataValue, `x - Value = "1"`, "x"), true,
			Confirmation{ErrorType: "UnrecognisedDataValue", ErrorValue: `x - Value = "1"`}},
		{"wrapped data error", ill.E(ill.Op("peer.receive"), newDataError(iso18626.ErrUnrecognisedDataValue, "v", "x")), true,
			Confirmation{ErrorType: "UnrecognisedDataValue", ErrorValue: "v"}},
		{"parse error", parseErr, true, func() Confirmation {
			var pe *iso18626.ParseError
			errors.As(parseErr, &pe)
			return Confirmation{ErrorType: string(pe.ErrorType), ErrorValue: pe.ErrorValue}
		}()},
		{"problems", problems, true, Confirmation{ErrorType: string(problems[0].ErrorType), ErrorValue: problems[0].ErrorValue}},
	}
	for _, tt := range tests {
		got, ok := Refusal(tt.err)
		if ok != tt.wantOK || got != tt.want {
			t.Errorf("%s: Refusal = %+v, %v; want %+v, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
	if parseErr == nil || len(problems) == 0 {
		t.Fatal("test inputs did not fail as expected")
	}
}
