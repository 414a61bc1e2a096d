package ncip

import (
	"encoding/xml"
	"fmt"
	"strings"
	"time"
)

// Namespace is the XML namespace of NCIP 2.x messages (the same for 2.0,
// 2.01 and 2.02).
const Namespace = "http://www.niso.org/2008/ncip"

// Version is the value of the ncip:version attribute. The schema types it as
// a free string; by convention it is the URL of the schema in use.
type Version string

// The versions this package emits.
const (
	// V2_02 is NCIP 2.02 (2012), the default.
	V2_02 Version = "http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd"
	// V2_0 is NCIP 2.0 (2008), as the eXtensibleCatalog toolkit and many
	// ILS responders announce it.
	V2_0 Version = "http://www.niso.org/schemas/ncip/v2_0/imp1/xsd/ncip_v2_0.xsd"
)

// Is20 reports whether v is NCIP 2.0, whose schema is narrower than 2.02 in
// a few places (RequestItem takes one ItemId or one BibliographicId;
// ItemOptionalFields has no DateDue).
func (v Version) Is20() bool {
	s := strings.TrimSpace(string(v))
	return strings.HasSuffix(s, "ncip_v2_0.xsd") || s == "2.0"
}

// SchemeValuePair is the XSD type of every coded NCIP value: a string with
// an optional ncip:Scheme attribute naming the value list it comes from.
// The zero value is omitted when marshalled, so optional coded elements can
// be left unset.
type SchemeValuePair struct {
	Scheme string
	Value  string
}

// Value is a SchemeValuePair without a scheme.
func Value(v string) SchemeValuePair { return SchemeValuePair{Value: v} }

// IsZero reports whether neither scheme nor value is set.
func (s SchemeValuePair) IsZero() bool { return s.Scheme == "" && s.Value == "" }

// Is reports whether the value equals v, ignoring case, surrounding space
// and the scheme (ILSs differ in capitalisation and often omit schemes).
func (s SchemeValuePair) Is(v string) bool {
	return strings.EqualFold(strings.TrimSpace(s.Value), strings.TrimSpace(v))
}

// String is the value.
func (s SchemeValuePair) String() string { return s.Value }

// MarshalXML writes the value with a namespace-qualified Scheme attribute
// (the schema's attributeFormDefault is "qualified").
func (s SchemeValuePair) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if s.IsZero() {
		return nil
	}
	if s.Scheme != "" {
		start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Space: Namespace, Local: "Scheme"}, Value: s.Scheme})
	}
	return e.EncodeElement(s.Value, start)
}

// UnmarshalXML reads the value and a Scheme attribute in any namespace (or
// none, as some ILSs send it), trimming surrounding white space.
func (s *SchemeValuePair) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	*s = SchemeValuePair{}
	for _, a := range start.Attr {
		if a.Name.Local == "Scheme" {
			s.Scheme = strings.TrimSpace(a.Value)
		}
	}
	var v string
	if err := d.DecodeElement(&v, &start); err != nil {
		return err
	}
	s.Value = strings.TrimSpace(v)
	return nil
}

// DateTime is an xs:dateTime. The zero DateTime is omitted when marshalled.
// It marshals as RFC 3339 without fractions and parses RFC 3339 with or
// without fractions or zone (no zone means UTC) and a bare date.
type DateTime struct{ time.Time }

// At wraps t as a DateTime.
func At(t time.Time) DateTime { return DateTime{Time: t} }

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02Z07:00",
	"2006-01-02",
}

// ParseDateTime parses an xs:dateTime leniently, as DateTime does.
func ParseDateTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("ncip: %q is not an xs:dateTime", s)
}

// MarshalXML writes the time in RFC 3339, omitting a zero time.
func (t DateTime) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if t.IsZero() {
		return nil
	}
	return e.EncodeElement(t.Format(time.RFC3339), start)
}

// UnmarshalXML parses the element leniently; an empty element is the zero
// time.
func (t *DateTime) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var s string
	if err := d.DecodeElement(&s, &start); err != nil {
		return err
	}
	if strings.TrimSpace(s) == "" {
		t.Time = time.Time{}
		return nil
	}
	v, err := ParseDateTime(s)
	if err != nil {
		return fmt.Errorf("%s: %w", start.Name.Local, err)
	}
	t.Time = v
	return nil
}

// Flag is an NCIP flag element (an empty element whose presence means true,
// such as RenewalNotPermitted). False is omitted when marshalled.
type Flag bool

// MarshalXML writes an empty element when the flag is set.
func (f Flag) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if !f {
		return nil
	}
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	return e.EncodeToken(start.End())
}

// UnmarshalXML sets the flag; the element's content is ignored.
func (f *Flag) UnmarshalXML(d *xml.Decoder, _ xml.StartElement) error {
	*f = true
	return d.Skip()
}

// InitiationHeader opens every initiation message. The Client fills it from
// its own settings when a request leaves it nil.
type InitiationHeader struct {
	FromSystemID             SchemeValuePair  `xml:"FromSystemId"`
	FromSystemAuthentication string           `xml:"FromSystemAuthentication,omitempty"`
	FromAgencyID             SchemeValuePair  `xml:"FromAgencyId>AgencyId"`
	FromAgencyAuthentication string           `xml:"FromAgencyAuthentication,omitempty"`
	OnBehalfOfAgency         *SchemeValuePair `xml:"OnBehalfOfAgency>AgencyId,omitempty"`
	ToSystemID               SchemeValuePair  `xml:"ToSystemId"`
	ToAgencyID               SchemeValuePair  `xml:"ToAgencyId>AgencyId"`
	// ApplicationProfileType names the profile the responder should apply;
	// some ILSs (Alma) use it to identify the ILL partner.
	ApplicationProfileType SchemeValuePair `xml:"ApplicationProfileType"`
}

// String names the agencies only (never the authentication secrets).
func (h *InitiationHeader) String() string {
	if h == nil {
		return "<no header>"
	}
	return fmt.Sprintf("from %s to %s", h.FromAgencyID.Value, h.ToAgencyID.Value)
}

// GoString is String, so that %#v does not print secrets either.
func (h *InitiationHeader) GoString() string { return h.String() }

// ResponseHeader opens every response message.
type ResponseHeader struct {
	FromSystemID             SchemeValuePair `xml:"FromSystemId"`
	FromSystemAuthentication string          `xml:"FromSystemAuthentication,omitempty"`
	FromAgencyID             SchemeValuePair `xml:"FromAgencyId>AgencyId"`
	FromAgencyAuthentication string          `xml:"FromAgencyAuthentication,omitempty"`
	ToSystemID               SchemeValuePair `xml:"ToSystemId"`
	ToAgencyID               SchemeValuePair `xml:"ToAgencyId>AgencyId"`
}

// MandatedAction tells the responder that the action already happened
// (at DateEventOccurred) and must be recorded rather than refused.
type MandatedAction struct {
	DateEventOccurred DateTime `xml:"DateEventOccurred"`
}

func (h *InitiationHeader) validate() error {
	if h == nil {
		return nil // the schema allows it; the Client always sends one
	}
	if h.FromAgencyID.Value == "" || h.ToAgencyID.Value == "" {
		return invalid("InitiationHeader needs FromAgencyId and ToAgencyId")
	}
	return nil
}
