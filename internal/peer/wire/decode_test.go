package wire

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/testenv"
)

// partnerXML wraps a message body as a partner would send it; the body is
// checked against the version's XSD (unless lenient) so that the tests
// read valid input.
func partnerXML(t *testing.T, v iso18626.Version, body string, opts iso18626.ParseOptions) *iso18626.Message {
	t.Helper()
	attr := "1.2"
	if v == iso18626.V2021 {
		attr = "2021-2"
	}
	data := []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<ISO18626Message xmlns="` + iso18626.Namespace + `" xmlns:ill="` + iso18626.Namespace + `" ill:version="` + attr + `">` +
		body + `</ISO18626Message>`)
	if opts.Tolerance == (iso18626.Tolerance{}) {
		testenv.ValidateXSD(t, xsdFor(t, v), data)
	}
	m, _, err := iso18626.ParseWith(data, opts)
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, data)
	}
	return m
}

const (
	ids12 = `<supplyingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>US-EXSUP</agencyIdValue></supplyingAgencyId>` +
		`<requestingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>US-EXREQ</agencyIdValue></requestingAgencyId>`
	head12 = `<header>` + ids12 + `<multipleItemRequestId/><timestamp>2025-03-10T09:01:00Z</timestamp>` +
		`<requestingAgencyRequestId>R1</requestingAgencyRequestId></header>`
	head21 = `<header>` + ids12 + `<timestamp>2025-03-10T09:01:00Z</timestamp>` +
		`<requestingAgencyRequestId>R1</requestingAgencyRequestId></header>`
)

func sam12(reason, status, note, extra string) string {
	return sam(head12, reason, status, note, extra)
}

func sam(head, reason, status, note, extra string) string {
	n := ""
	if note != "" {
		n = `<note>` + note + `</note>`
	}
	return `<supplyingAgencyMessage>` + head + `<messageInfo><reasonForMessage>` + reason + `</reasonForMessage>` + n +
		`</messageInfo><statusInfo><status>` + status + `</status><lastChange>2025-03-10T09:01:00Z</lastChange></statusInfo>` +
		extra + `</supplyingAgencyMessage>`
}

// TestConditionConventions: the ReShare v1.2 convention and the 2021
// standard form of a conditions offer, and of its acceptance, mean the
// same to the domain.
func TestConditionConventions(t *testing.T) {
	t.Parallel()
	reshare := partnerXML(t, iso18626.V1_2, `<supplyingAgencyMessage>`+head12+
		`<messageInfo><reasonForMessage>Notification</reasonForMessage><note>#ReShareAddLoanCondition# Use in the reading room.</note>`+
		`<offeredCosts><currencyCode>USD</currencyCode><monetaryValue>10.00</monetaryValue></offeredCosts></messageInfo>`+
		`<statusInfo><status>WillSupply</status><lastChange>2025-03-10T09:01:00Z</lastChange></statusInfo>`+
		`<deliveryInfo><dateSent>2025-03-10T09:01:00Z</dateSent><loanCondition>LibraryUseOnly</loanCondition></deliveryInfo>`+
		`</supplyingAgencyMessage>`, iso18626.ParseOptions{})
	standard := partnerXML(t, iso18626.V2021, withReasonRetry(sam(head21, "RequestResponse", "RetryPossible", "Use in the reading room.",
		`<retryInfo><loanCondition>LibraryUseOnly</loanCondition>`+
			`<offeredCosts><currencyCode>USD</currencyCode><monetaryValue>10</monetaryValue></offeredCosts></retryInfo>`),
		"MustMeetLoanCondition"), iso18626.ParseOptions{})

	type offer struct {
		Conditions []string
		Cost       ill.Money
		Note       string
	}
	var got []offer
	for _, im := range []*iso18626.Message{reshare, standard} {
		m, err := Decode(im, ISIL{})
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		got = append(got, offer{m.Conditions, m.OfferedCost, m.Note})
	}
	want := offer{[]string{"LibraryUseOnly"}, ill.Money{Minor: 1000, Currency: "USD"}, "Use in the reading room."}
	for i, g := range got {
		if diff := cmp.Diff(want, g); diff != "" {
			t.Errorf("convention %d (-want +got):\n%s", i, diff)
		}
	}

	agree := partnerXML(t, iso18626.V1_2, `<requestingAgencyMessage>`+head12+`<action>Notification</action>`+
		`<note>#ReShareLoanConditionAgreeResponse#</note></requestingAgencyMessage>`, iso18626.ParseOptions{})
	retry := partnerXML(t, iso18626.V2021, `<request>`+head21+`<bibliographicInfo><title>T</title></bibliographicInfo>`+
		`<serviceInfo><requestType>Retry</requestType><requestingAgencyPreviousRequestId>R0</requestingAgencyPreviousRequestId>`+
		`<serviceType>Loan</serviceType><loanCondition>LibraryUseOnly</loanCondition></serviceInfo></request>`, iso18626.ParseOptions{})
	a, err := Decode(agree, ISIL{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Decode(retry, ISIL{})
	if err != nil {
		t.Fatal(err)
	}
	if !a.AcceptConditions || a.Note != "" || a.Action != ill.ActionNotification {
		t.Errorf("ReShare agreement decoded as %+v", a)
	}
	if !r.AcceptConditions || !slicesEqual(r.Conditions, []string{"LibraryUseOnly"}) || r.PreviousRequestID != "R0" {
		t.Errorf("2021 Retry decoded as AcceptConditions=%v Conditions=%v", r.AcceptConditions, r.Conditions)
	}
}

// withReasonRetry adds messageInfo/reasonRetry to a SAM body.
func withReasonRetry(body, reason string) string {
	return strings.Replace(body, "</messageInfo>", "<reasonRetry>"+reason+"</reasonRetry></messageInfo>", 1)
}

func slicesEqual(a, b []string) bool { return cmp.Equal(a, b) }

// TestDecodeTolerant covers what partners send that the round trip does
// not produce.
func TestDecodeTolerant(t *testing.T) {
	t.Parallel()
	lenient := iso18626.ParseOptions{Tolerance: iso18626.Lenient()}
	tests := []struct {
		name string
		v    iso18626.Version
		body string
		opts iso18626.ParseOptions
		want func(m *ill.Message) // sets the expected fields on a SAM/RAM of header R1
	}{
		{"v1.2 URL note", iso18626.V1_2, sam12("StatusChange", "CopyCompleted", "Scanned.\nURL: https://files.example.org/x.pdf",
			`<deliveryInfo><dateSent>2025-03-10T09:00:00Z</dateSent><sentVia>URL</sentVia></deliveryInfo>`), iso18626.ParseOptions{},
			func(m *ill.Message) {
				m.Reason, m.Status, m.Note, m.DeliveryURL, m.DeliveredService = "StatusChange", "CopyCompleted", "Scanned.", "https://files.example.org/x.pdf", ill.Copy
			}},
		{"URL-only note", iso18626.V1_2, sam12("StatusChange", "CopyCompleted", "URL: http://files.example.org/y", ""), iso18626.ParseOptions{},
			func(m *ill.Message) {
				m.Reason, m.Status, m.DeliveryURL = "StatusChange", "CopyCompleted", "http://files.example.org/y"
			}},
		{"http itemId", iso18626.V1_2, sam12("StatusChange", "CopyCompleted", "",
			`<deliveryInfo><dateSent>2025-03-10T09:00:00Z</dateSent><itemId>https://dl.example.org/a?b=c</itemId><sentVia>Email</sentVia></deliveryInfo>`),
			iso18626.ParseOptions{}, func(m *ill.Message) {
				m.Reason, m.Status, m.DeliveryURL, m.DeliveryMethod, m.DeliveredService = "StatusChange", "CopyCompleted", "https://dl.example.org/a?b=c", "Email", ill.Copy
			}},
		{"ftp URL line stays in the note", iso18626.V1_2, sam12("Notification", "Loaned", "See URL: ftp://x.example/f", ""), iso18626.ParseOptions{},
			func(m *ill.Message) {
				m.Reason, m.Status, m.Note = "Notification", "Loaned", "See URL: ftp://x.example/f"
			}},
		{"condition line without conditions stays in the note", iso18626.V1_2, sam12("StatusChange", "WillSupply", "Box damaged.\nCondition: worn", ""),
			iso18626.ParseOptions{}, func(m *ill.Message) {
				m.Reason, m.Status, m.Note = "StatusChange", "WillSupply", "Box damaged.\nCondition: worn"
			}},
		{"empty status is no change", iso18626.V1_2, sam12("Notification", "", "Just a note.", ""), lenient,
			func(m *ill.Message) { m.Reason, m.Note = "Notification", "Just a note." }},
		{"awaiting-confirmation marker stripped", iso18626.V1_2, sam12("Notification", "WillSupply", "#ReShareSupplierAwaitingConditionConfirmation# Waiting.", ""),
			iso18626.ParseOptions{}, func(m *ill.Message) { m.Reason, m.Status, m.Note = "Notification", "WillSupply", "Waiting." }},
		{"crosslink LoanCondition retry reason", iso18626.V1_2, withReasonRetry(sam12("RequestResponse", "RetryPossible", "",
			`<deliveryInfo><dateSent>2025-03-10T09:00:00Z</dateSent><loanCondition>NoReproduction</loanCondition></deliveryInfo>`), "LoanCondition"),
			lenient, func(m *ill.Message) {
				m.Reason, m.Status, m.Conditions = "RequestResponse", "RetryPossible", []string{"NoReproduction"}
				m.ReasonRetry = "MustMeetLoanCondition"
			}},
		{"dates with offsets read as UTC", iso18626.V1_2, strings.Replace(sam12("StatusChange", "Loaned", "", ""),
			"<lastChange>", "<dueDate>2025-04-16T23:59:59-05:00</dueDate><lastChange>", 1), iso18626.ParseOptions{},
			func(m *ill.Message) {
				m.Reason, m.Status, m.DueDate = "StatusChange", "Loaned", at("2025-04-17T04:59:59Z")
			}},
		{"v1.2 Interlend Lost marker", iso18626.V1_2, `<requestingAgencyMessage>` + head12 + `<action>Notification</action>` +
			`<note>#Interlend:Lost# Gone.` + "\n" + `Tracking: none</note></requestingAgencyMessage>`, iso18626.ParseOptions{},
			func(m *ill.Message) {
				m.Kind, m.Action, m.Note, m.Shipping = ill.MsgRAM, ill.ActionLost, "Gone.", ill.Shipping{TrackingID: "none"}
			}},
		{"marker on another action is only stripped", iso18626.V1_2, `<requestingAgencyMessage>` + head12 + `<action>Received</action>` +
			`<note>#Interlend:Lost#</note></requestingAgencyMessage>`, iso18626.ParseOptions{},
			func(m *ill.Message) { m.Kind, m.Action = ill.MsgRAM, ill.ActionReceived }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Decode(partnerXML(t, tt.v, tt.body, tt.opts), ISIL{})
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			want := ill.Message{Kind: ill.MsgSAM, Requester: exReq, Supplier: exSup, RequesterRequestID: "R1", Timestamp: at("2025-03-10T09:01:00Z")}
			tt.want(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if got.DueDate.Location() != time.UTC && !got.DueDate.IsZero() {
				t.Errorf("due date in %v, want UTC", got.DueDate.Location())
			}
		})
	}
}

// mapAgencies is a directory-like mapping: only the listed ISILs.
type mapAgencies map[string]ill.AgencyID

func (d mapAgencies) Ref(id ill.AgencyID) iso18626.AgencyID {
	for k, v := range d {
		if v == id {
			return iso18626.ISIL(k)
		}
	}
	return iso18626.ISIL(string(id))
}

func (d mapAgencies) ID(a iso18626.AgencyID) (ill.AgencyID, bool) {
	id, ok := d[a.Value]
	return id, ok && strings.EqualFold(a.Type.Value, "ISIL")
}

func TestDecodeUnknownAgency(t *testing.T) {
	t.Parallel()
	icolc := strings.Replace(sam12("StatusChange", "Loaned", "", ""),
		"<agencyIdType>ISIL</agencyIdType><agencyIdValue>US-EXSUP", "<agencyIdType>ICOLC</agencyIdType><agencyIdValue>XYZ", 1)
	tests := []struct {
		name string
		body string
		ids  Agencies
		want Confirmation
	}{
		{"type ISIL{} does not read", icolc, ISIL{},
			Confirmation{ErrorType: "UnrecognisedDataValue", ErrorValue: `supplyingAgencyId - Value = "ICOLC:XYZ"`}},
		{"requester the directory does not know", sam12("StatusChange", "Loaned", "", ""), mapAgencies{"US-EXSUP": "sup"},
			Confirmation{ErrorType: "UnrecognisedDataValue", ErrorValue: `requestingAgencyId - Value = "US-EXREQ"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := partnerXML(t, iso18626.V1_2, tt.body, iso18626.ParseOptions{})
			_, err := Decode(in, tt.ids)
			if !ill.Is(err, ill.Invalid) {
				t.Fatalf("Decode error %v, want an Invalid *DataError", err)
			}
			got, ok := Refusal(err)
			if !ok || got != tt.want {
				t.Fatalf("Refusal = %+v, %v; want %+v", got, ok, tt.want)
			}
			conf, err := Confirm(in, t0, got)
			if err != nil {
				t.Fatal(err)
			}
			if back, err := ReadConfirmation(emit(t, conf)); err != nil || back != tt.want {
				t.Errorf("confirmation reads back as %+v, %v; want %+v", back, err, tt.want)
			}
		})
	}
	// A mapping that knows both: ids translated.
	m, err := Decode(partnerXML(t, iso18626.V1_2, sam12("StatusChange", "Loaned", "", ""), iso18626.ParseOptions{}),
		mapAgencies{"US-EXSUP": "sup", "US-EXREQ": "req"})
	if err != nil || m.Supplier != "sup" || m.Requester != "req" {
		t.Errorf("Decode with a mapping: %v, %v / %v", err, m.Supplier, m.Requester)
	}
}

func TestDecodeBadCosts(t *testing.T) {
	t.Parallel()
	costs := func(cur, val string) string {
		return `<currencyCode>` + cur + `</currencyCode><monetaryValue>` + val + `</monetaryValue>`
	}
	tests := []struct {
		name string
		v    iso18626.Version
		body string
		want string // errorValue
	}{
		{"offered USD with three decimals", iso18626.V1_2, strings.Replace(sam12("Notification", "WillSupply", "x", ""),
			"</note>", "</note><offeredCosts>"+costs("USD", "25.001")+"</offeredCosts>", 1), `monetaryValue - Value = "25.001"`},
		{"maximum JPY with decimals", iso18626.V2021, `<request>` + head21 + `<bibliographicInfo><title>T</title></bibliographicInfo>` +
			`<serviceInfo><serviceType>Loan</serviceType></serviceInfo><billingInfo><maximumCosts>` + costs("JPY", "1.5") +
			`</maximumCosts></billingInfo></request>`, `monetaryValue - Value = "1.5"`},
		{"insurance bad currency", iso18626.V2021, sam(head21, "StatusChange", "Loaned", "",
			`<shippingInfo><insurance>Y</insurance><insuranceCosts>`+costs("US$", "4.50")+`</insuranceCosts></shippingInfo>`),
			`currencyCode - Value = "US$"`},
		{"negative offered cost", iso18626.V2021, sam(head21, "RequestResponse", "RetryPossible", "",
			`<retryInfo><offeredCosts>`+costs("EUR", "-5.00")+`</offeredCosts></retryInfo>`), `monetaryValue - Value = "-5.00"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Decode(partnerXML(t, tt.v, tt.body, iso18626.ParseOptions{}), ISIL{})
			c, ok := Refusal(err)
			if !ok || c.ErrorType != "UnrecognisedDataValue" || c.ErrorValue != tt.want {
				t.Errorf("Decode error %v; refusal %+v, want UnrecognisedDataValue %s", err, c, tt.want)
			}
		})
	}
}

func TestDecodeOtherInput(t *testing.T) {
	t.Parallel()
	// A 2021 request may leave out the supplier: it is "" (the endpoint knows who it is).
	m, err := Decode(partnerXML(t, iso18626.V2021, `<request><header>`+
		`<requestingAgencyId><agencyIdType>OCLC</agencyIdType><agencyIdValue>ABC</agencyIdValue></requestingAgencyId>`+
		`<timestamp>2025-03-10T09:01:00Z</timestamp><requestingAgencyRequestId>R1</requestingAgencyRequestId></header>`+
		`<bibliographicInfo><title>T</title><subtitle>S</subtitle></bibliographicInfo>`+
		`<serviceInfo><serviceType>Loan</serviceType><anyEdition>N</anyEdition></serviceInfo></request>`, iso18626.ParseOptions{}), ISIL{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Supplier != "" || m.Requester != "OCLC-ABC" || m.Citation.Title != "T: S" || m.Citation.PreferredEdition != "ThisEdition" {
		t.Errorf("got supplier %q requester %q title %q edition %q", m.Supplier, m.Requester, m.Citation.Title, m.Citation.PreferredEdition)
	}
	for _, in := range []*iso18626.Message{nil, {Version: iso18626.V1_2}} {
		if _, err := Decode(in, ISIL{}); !ill.Is(err, ill.Invalid) {
			t.Errorf("Decode(%v) error %v, want Invalid", in, err)
		}
	}
}
