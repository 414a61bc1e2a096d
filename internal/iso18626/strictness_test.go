package iso18626

import (
	"strings"
	"testing"
	"time"
)

// A small request that fits both schema versions (no element tells them
// apart), with the version attribute and root attributes as given.
func plainRequest(rootAttrs, bib string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<ISO18626Message ` + rootAttrs + `>
  <request>
    <header>
      <supplyingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>US-EXSUP</agencyIdValue></supplyingAgencyId>
      <requestingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>US-EXREQ</agencyIdValue></requestingAgencyId>
      <timestamp>2025-06-02T08:15:00Z</timestamp>
      <requestingAgencyRequestId>EXREQ-1</requestingAgencyRequestId>
    </header>
    ` + bib + `
    <serviceInfo><requestType>New</requestType><serviceType>Loan</serviceType></serviceInfo>
  </request>
</ISO18626Message>`)
}

const (
	nsDecl  = `xmlns="` + Namespace + `" xmlns:ill="` + Namespace + `"`
	bibInfo = `<bibliographicInfo><title>Silent spring</title></bibliographicInfo>`
)

// The refusals a strict reading owes the sender, each with the errorData
// it is answered with and the header still echoed (Partial).
func TestParseRefusesWithStandardErrorData(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        []byte
		opts      ParseOptions
		wantType  ErrorType
		wantValue string // exact errorValue
	}{
		{"duplicated ill:version", plainRequest(nsDecl+` ill:version="1.2" ill:version="2021-2"`, bibInfo), ParseOptions{},
			ErrBadlyFormedMessage, `attribute ill:version occurs twice in ISO18626Message`},
		{"ill:version twice through two prefixes", plainRequest(nsDecl+` xmlns:x="`+Namespace+`" ill:version="1.2" x:version="2021-2"`, bibInfo), ParseOptions{},
			ErrBadlyFormedMessage, `attribute ill:version occurs twice in ISO18626Message`},
		{"duplicated version even when tolerated unqualified", plainRequest(nsDecl+` version="1.2" version="2021-2"`, bibInfo), ParseOptions{Tolerance: Lenient()},
			ErrBadlyFormedMessage, `attribute version occurs twice in ISO18626Message`},
		{"duplicated ill:scheme on a code", plainRequest(nsDecl+` ill:version="1.2"`,
			`<bibliographicInfo><bibliographicItemId><bibliographicItemIdentifier>1</bibliographicItemIdentifier><bibliographicItemIdentifierCode ill:scheme="a" ill:scheme="b">ISBN</bibliographicItemIdentifierCode></bibliographicItemId></bibliographicInfo>`),
			ParseOptions{}, ErrBadlyFormedMessage, `attribute ill:scheme occurs twice in bibliographicItemIdentifierCode`},
		{"request without bibliographicInfo", plainRequest(nsDecl+` ill:version="2021-2"`, ""), ParseOptions{},
			ErrBadlyFormedMessage, "request/bibliographicInfo is missing or empty"},
		{"request without bibliographicInfo, leniently", plainRequest(nsDecl+` ill:version="1.2"`, ""), ParseOptions{Tolerance: Lenient()},
			ErrBadlyFormedMessage, "request/bibliographicInfo is missing or empty"},
		{"no namespace from a strict partner", plainRequest(`xmlns:ill="`+Namespace+`" ill:version="2021-2"`, bibInfo), ParseOptions{},
			ErrUnrecognisedDataElement, "ISO18626Message"},
		{"another namespace", plainRequest(`xmlns="urn:other" xmlns:ill="urn:other" ill:version="2021-2"`, bibInfo), ParseOptions{Tolerance: Lenient()},
			ErrUnrecognisedDataElement, "ISO18626Message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, _, err := ParseWith(tt.in, tt.opts)
			if err == nil {
				t.Fatalf("accepted: %+v", m)
			}
			pe := parseError(t, err)
			if pe.ErrorType != tt.wantType || pe.ErrorValue != tt.wantValue {
				t.Errorf("got %s %q, want %s %q (%v)", pe.ErrorType, pe.ErrorValue, tt.wantType, tt.wantValue, err)
			}
			// The refusal is a confirmation echoing the request's ids, valid
			// in the version read.
			cm, err := ConfirmParseError(pe, time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatalf("no confirmation: %v", err)
			}
			c := cm.RequestConfirmation
			if c == nil || c.Header.RequestingAgencyRequestID != "EXREQ-1" || c.Header.MessageStatus != MessageError ||
				len(c.ErrorData) != 1 || c.ErrorData[0].ErrorValue != tt.wantValue {
				t.Errorf("confirmation %+v", cm)
			}
			if _, err := Marshal(cm); err != nil {
				t.Errorf("the confirmation does not marshal: %v", err)
			}
		})
	}
}

// An empty bibliographicInfo is what the schema allows (every child is
// optional): read; what to make of it is the receiver's business.
func TestParseEmptyBibliographicInfo(t *testing.T) {
	t.Parallel()
	m, err := Parse(plainRequest(nsDecl+` ill:version="1.2"`, `<bibliographicInfo/>`))
	if err != nil {
		t.Fatal(err)
	}
	if ps := Validate(m); len(ps) > 0 {
		t.Errorf("problems %v", ps)
	}
}

// An ill:version naming no version on a structure both versions fit is
// read in the version expected from the sender (its directory entry),
// and only without one by the structural hints (v1.2 for a request).
func TestParseVersionHint(t *testing.T) {
	t.Parallel()
	unknown := plainRequest(nsDecl+` ill:version="9.9"`, bibInfo)
	tests := []struct {
		name string
		in   []byte
		hint Version
		want Version
	}{
		{"unknown attribute, 2021 partner", unknown, V2021, V2021},
		{"unknown attribute, v1.2 partner", unknown, V1_2, V1_2},
		{"unknown attribute, no hint", unknown, 0, V1_2},
		{"the attribute wins over the hint", plainRequest(nsDecl+` ill:version="1.2"`, bibInfo), V2021, V1_2},
		{"2021 structure wins over the hint", []byte(strings.Replace(string(unknown), "<requestType>New</requestType>",
			"<requestType>New</requestType><preferredEdition>AnyEdition</preferredEdition>", 1)), V1_2, V2021},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, ws, err := ParseWith(tt.in, ParseOptions{VersionHint: tt.hint})
			if err != nil {
				t.Fatal(err)
			}
			if m.Version != tt.want {
				t.Errorf("read as %s, want %s (warnings %v)", m.Version, tt.want, ws)
			}
		})
	}
	// A refusal of such a message is answered in the hinted version too.
	bad := []byte(strings.Replace(string(unknown), "<serviceType>Loan</serviceType>", "<serviceType>Loan</serviceType><serviceType>Copy</serviceType>", 1))
	_, _, err := ParseWith(bad, ParseOptions{VersionHint: V2021})
	if pe := parseError(t, err); pe.Partial == nil || pe.Partial.Version != V2021 {
		t.Errorf("refusal read as %+v", pe.Partial)
	}
}
