package iso18626

import (
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        string
		wantType  ErrorType
		wantValue string // substring of ErrorValue
	}{
		{"empty", "", ErrBadlyFormedMessage, "empty document"},
		{"not xml", "hello", ErrBadlyFormedMessage, "text before the root"},
		{"unclosed", string(wrap("1.2", ram("Received")))[:200], ErrBadlyFormedMessage, "not well-formed"},
		{"mismatched tags", string(wrap("1.2", strings.Replace(ram("Received"), "</action>", "</note>", 1))), ErrBadlyFormedMessage, "not well-formed"},
		{"wrong root", `<Message xmlns="` + Namespace + `"/>`, ErrBadlyFormedMessage, "root element must be ISO18626Message"},
		{"wrong namespace", `<ISO18626Message xmlns="http://example.org/other" version="1.2"/>`, ErrUnrecognisedDataElement, "ISO18626Message"},
		{"no namespace", `<ISO18626Message version="1.2"/>`, ErrUnrecognisedDataElement, "ISO18626Message"},
		{"no version", `<ISO18626Message xmlns="` + Namespace + `">` + ram("Received") + `</ISO18626Message>`,
			ErrBadlyFormedMessage, "ill:version attribute is missing"},
		{"unqualified version", `<ISO18626Message xmlns="` + Namespace + `" version="1.2">` + ram("Received") + `</ISO18626Message>`,
			ErrBadlyFormedMessage, "namespace-qualified (ill:version)"},
		{"no message", string(wrap("1.2", "")), ErrBadlyFormedMessage, "exactly one message"},
		{"two messages", string(wrap("1.2", ram("Received")+ram("Renew"))), ErrBadlyFormedMessage, "only once"},
		{"unknown message type", string(wrap("1.2", "<fooMessage/>")), ErrUnrecognisedDataElement, "fooMessage"},
		{"unknown element", string(wrap("1.2", strings.Replace(ram("Received"), "<action>", "<colour>red</colour><action>", 1))),
			ErrUnrecognisedDataElement, "colour"},
		{"foreign namespace", string(wrap("1.2", strings.Replace(ram("Received"), "<action>", `<x:action xmlns:x="urn:x">Lost</x:action><action>`, 1))),
			ErrUnrecognisedDataElement, "{urn:x}action"},
		{"child in text element", string(wrap("1.2", strings.Replace(ram("Received"), "Received", "<b>Received</b>", 1))),
			ErrUnrecognisedDataElement, "b"},
		{"text in element content", string(wrap("1.2", strings.Replace(ram("Received"), "<action>", "stray<action>", 1))),
			ErrBadlyFormedMessage, "text is not allowed"},
		{"repeated single element", string(wrap("1.2", strings.Replace(ram("Received"), "<action>", "<action>Renew</action><action>", 1))),
			ErrBadlyFormedMessage, "action may occur only once"},
		{"bad timestamp", string(wrap("1.2", strings.Replace(ram("Received"), "2025-03-10T09:01:00Z", "yesterday", 1))),
			ErrUnrecognisedDataValue, `timestamp - Value = "yesterday"`},
		{"empty timestamp", string(wrap("1.2", strings.Replace(ram("Received"), "2025-03-10T09:01:00Z", "", 1))),
			ErrUnrecognisedDataValue, `timestamp - Value = ""`},
		{"bad boolean", string(wrap("1.2", samWith("StatusChange", "Loaned",
			`<deliveryInfo><dateSent>2025-03-05T16:40:00Z</dateSent><sentToPatron>maybe</sentToPatron></deliveryInfo>`))),
			ErrUnrecognisedDataValue, `sentToPatron - Value = "maybe"`},
		{"bad decimal", string(wrap("1.2", samWith("StatusChange", "Loaned",
			`<deliveryInfo><dateSent>2025-03-05T16:40:00Z</dateSent><deliveryCosts><currencyCode>USD</currencyCode><monetaryValue>1,50</monetaryValue></deliveryCosts></deliveryInfo>`))),
			ErrUnrecognisedDataValue, `monetaryValue - Value = "1,50"`},
		{"unqualified scheme", string(wrap("1.2", strings.Replace(ram("Received"), "<agencyIdType>", `<agencyIdType scheme="urn:x">`, 1))),
			ErrBadlyFormedMessage, "ill:scheme"},
		{"doctype", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>` + string(wrap("1.2", ram("Received")))[len(`<?xml version="1.0" encoding="UTF-8"?>`):],
			ErrBadlyFormedMessage, "DTD"},
		{"undefined entity", string(wrap("1.2", ram("&nope;"))), ErrBadlyFormedMessage, "not well-formed"},
		{"content after root", string(wrap("1.2", ram("Received"))) + "<again/>", ErrBadlyFormedMessage, "after the root"},
		{"non-UTF-8 encoding", strings.Replace(string(wrap("1.2", ram("Received"))), "UTF-8", "ISO-8859-1", 1),
			ErrBadlyFormedMessage, "not well-formed"},
		{"2021 element in v1.2 message", string(wrap("1.2", strings.Replace(ram("Received"), "<multipleItemRequestId/>",
			"<multipleItemRequestId/><consortialId><agencyIdType>ISIL</agencyIdType><agencyIdValue>X</agencyIdValue></consortialId>", 1))),
			ErrUnrecognisedDataElement, "consortialId"},
		{"v1.2 repeat limit", string(wrap("1.2", samWith("StatusChange", "Loaned",
			`<deliveryInfo><dateSent>2025-03-05T16:40:00Z</dateSent><itemId>1</itemId><itemId>2</itemId></deliveryInfo>`))),
			ErrBadlyFormedMessage, "itemId may occur at most 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := Parse([]byte(tt.in))
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", m)
			}
			pe := parseError(t, err)
			if pe.ErrorType != tt.wantType || !strings.Contains(pe.ErrorValue, tt.wantValue) {
				t.Errorf("got %s %q, want %s containing %q (error: %v)", pe.ErrorType, pe.ErrorValue, tt.wantType, tt.wantValue, err)
			}
			if !pe.ErrorType.Valid(V1_2) {
				t.Errorf("ErrorType %q is not an XSD errorType", pe.ErrorType)
			}
		})
	}
}

// TestParseErrorPartial: a failure after the header keeps what was read, so
// that the confirmation can echo the ids.
func TestParseErrorPartial(t *testing.T) {
	t.Parallel()
	in := wrap("1.2", strings.Replace(ram("Received"), "<action>", "<colour/><action>", 1))
	_, err := Parse(in)
	pe := parseError(t, err)
	if pe.Partial == nil || pe.Partial.Kind() != KindRequestingAgencyMessage {
		t.Fatalf("Partial = %+v, want a requestingAgencyMessage", pe.Partial)
	}
	h := pe.Partial.Header()
	if h.RequestingAgencyRequestID != "R1" || h.RequestingAgencyID.String() != "ISIL:US-EXREQ" || pe.Partial.Version != V1_2 {
		t.Errorf("Partial header = %+v (version %v), want the ids read before the failure", h, pe.Partial.Version)
	}
	if pe.Line == 0 {
		t.Errorf("Line = 0, want the input line")
	}
	_, err = Parse([]byte("<broken"))
	if pe := parseError(t, err); pe.Partial != nil {
		t.Errorf("Partial = %+v for input without a message type, want nil", pe.Partial)
	}
}

func TestParseVersionDecision(t *testing.T) {
	t.Parallel()
	v12SAM := samWith("StatusChange", "Loaned", "")
	v21SAM := strings.Replace(v12SAM, "<multipleItemRequestId/>", "", 1)
	shipping := `<shippingInfo><trackingId>1Z</trackingId></shippingInfo>`
	tests := []struct {
		name     string
		attr     string
		body     string
		force    Version
		want     Version
		wantWarn bool
	}{
		{"attribute 1.2", "1.2", v12SAM, 0, V1_2, false},
		{"attribute 1.0 is v1.2", "1.0", v12SAM, 0, V1_2, false},
		{"attribute 2021", "2021-2", v21SAM, 0, V2021, false},
		{"attribute beats missing hint", "1.2", v21SAM, 0, V1_2, false},
		{"structure beats attribute", "1.2", strings.Replace(v21SAM, "</supplyingAgencyMessage>", shipping+"</supplyingAgencyMessage>", 1), 0, V2021, true},
		{"structure without attribute", "9.9", v12SAM, 0, V1_2, true},
		{"no hint at all: SAM without multipleItemRequestId", "9.9", v21SAM, 0, V2021, true},
		{"forced", "2021-2", v12SAM, V1_2, V1_2, false},
		{"forced 2021 reads sentVia as deliveryMethod", "1.2", strings.Replace(v21SAM, "</statusInfo>",
			"</statusInfo><deliveryInfo><dateSent>2025-03-05T16:40:00Z</dateSent><sentVia>Mail</sentVia></deliveryInfo>", 1), V2021, V2021, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, warns, err := ParseWith(wrap(tt.attr, tt.body), ParseOptions{Version: tt.force})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if m.Version != tt.want {
				t.Errorf("version %v, want %v", m.Version, tt.want)
			}
			if got := hasWarning(warns, WarnVersion); got != tt.wantWarn {
				t.Errorf("version warning %v, want %v (warnings %v)", got, tt.wantWarn, warns)
			}
			if m.VersionAttr != tt.attr {
				t.Errorf("VersionAttr %q, want %q", m.VersionAttr, tt.attr)
			}
		})
	}
}

func TestParseRenamedElementsShareField(t *testing.T) {
	t.Parallel()
	m := mustParse(t, "v1_2/07-sam-StatusChange-Loaned.xml")
	d := m.SupplyingAgencyMessage.DeliveryInfo
	if d.DeliveryMethod != C("Mail") || d.ItemFormat != C("Printed") {
		t.Errorf("sentVia/deliveredFormat = %v/%v, want Mail/Printed in DeliveryMethod/ItemFormat", d.DeliveryMethod, d.ItemFormat)
	}
	r := mustParse(t, "v1_2/01-request-loan-book.xml").Request
	if r.ServiceInfo.ItemFormat != C("Printed") {
		t.Errorf("preferredFormat = %v, want Printed in ItemFormat", r.ServiceInfo.ItemFormat)
	}
	if got := r.BibliographicInfo.BibliographicItemID; len(got) != 1 || got[0].Identifier != "9780618249060" || got[0].Code.Value != "ISBN" {
		t.Errorf("bibliographicItemId = %+v", got)
	}
	if r.Header.Timestamp != date("2025-03-03T14:05:12Z") {
		t.Errorf("timestamp = %v", r.Header.Timestamp)
	}
}

func TestParseV12RetryDataGoesToRetryInfo(t *testing.T) {
	t.Parallel()
	body := samWith("RequestResponse", "RetryPossible", "")
	body = strings.Replace(body, "</reasonForMessage>", "</reasonForMessage><reasonRetry>CostExceedsMaxCost</reasonRetry>"+
		"<offeredCosts><currencyCode>USD</currencyCode><monetaryValue>65.00</monetaryValue></offeredCosts>"+
		"<retryAfter>2025-04-01T00:00:00Z</retryAfter><retryBefore>2025-05-01T00:00:00Z</retryBefore>", 1)
	m, err := Parse(wrap("1.2", body))
	if err != nil {
		t.Fatal(err)
	}
	r := m.SupplyingAgencyMessage.RetryInfo
	if r == nil || len(r.OfferedCosts) != 1 || r.OfferedCosts[0].MonetaryValue != "65.00" ||
		r.RetryAfter != date("2025-04-01T00:00:00Z") || r.RetryBefore != date("2025-05-01T00:00:00Z") {
		t.Fatalf("RetryInfo = %+v", r)
	}
	out, err := Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	want := "<messageInfo><reasonForMessage>RequestResponse</reasonForMessage><reasonRetry>CostExceedsMaxCost</reasonRetry>" +
		"<offeredCosts><currencyCode>USD</currencyCode><monetaryValue>65.00</monetaryValue></offeredCosts>" +
		"<retryAfter>2025-04-01T00:00:00Z</retryAfter><retryBefore>2025-05-01T00:00:00Z</retryBefore></messageInfo>"
	if !strings.Contains(string(out), want) {
		t.Errorf("v1.2 output lacks the retry data in messageInfo:\n%s", out)
	}
}

func TestParseKeepsTextAndBOM(t *testing.T) {
	t.Parallel()
	in := "\xef\xbb\xbf" + string(wrap("1.2", strings.Replace(ram("Notification"), "</action>",
		"</action><note>  two\nlines &amp; <![CDATA[<cdata>]]>  </note>", 1)))
	m, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.RequestingAgencyMessage.Note, "  two\nlines & <cdata>  "; got != want {
		t.Errorf("note = %q, want %q", got, want)
	}
}
