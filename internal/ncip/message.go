package ncip

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/htmlindex"
)

// Errors of Marshal, Unmarshal and the Client's request checks.
var (
	// ErrInvalidRequest: a message breaks a rule of the schema (a missing
	// required element, both sides of a choice), or the Client is
	// misconfigured. Nothing was sent.
	ErrInvalidRequest = errors.New("ncip: invalid message")
	// ErrNotNCIP: the document is not well-formed XML, its root is not an
	// NCIPMessage, or an element in it cannot be read (a bad date).
	ErrNotNCIP = errors.New("ncip: not an NCIP message")
	// ErrUnsupportedService: the NCIPMessage holds a service this package
	// does not implement.
	ErrUnsupportedService = errors.New("ncip: unsupported service")
)

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidRequest, fmt.Sprintf(format, args...))
}

// countTrue counts the true values.
func countTrue(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// Body is the one service element inside an NCIPMessage: a pointer to one
// of the initiation or response types of this package.
type Body interface {
	// ElementName is the XML element name, e.g. "LookupUser".
	ElementName() string
}

// Initiation is an initiation message: a request to the ILS.
type Initiation interface {
	Body
	// Header is the message's InitiationHeader (nil if unset).
	Header() *InitiationHeader
	// Validate checks the rules of the schema of version v that the Go
	// types cannot express; the error wraps ErrInvalidRequest.
	Validate(v Version) error
	// withHeader is a shallow copy with h as its header; it also seals the
	// interface to this package's types.
	withHeader(h *InitiationHeader) Initiation
}

// response is a response message.
type response interface {
	Body
	problems() []Problem
}

// Message is an NCIPMessage: a version and either one service Body or, for
// a message the responder could not parse at all, only Problems.
type Message struct {
	Version  Version
	Body     Body
	Problems []Problem
}

// bodies makes an empty Body for each service element this package reads.
var bodies = map[string]func() Body{
	"LookupUser":                func() Body { return new(LookupUser) },
	"LookupUserResponse":        func() Body { return new(LookupUserResponse) },
	"LookupItem":                func() Body { return new(LookupItem) },
	"LookupItemResponse":        func() Body { return new(LookupItemResponse) },
	"AcceptItem":                func() Body { return new(AcceptItem) },
	"AcceptItemResponse":        func() Body { return new(AcceptItemResponse) },
	"RequestItem":               func() Body { return new(RequestItem) },
	"RequestItemResponse":       func() Body { return new(RequestItemResponse) },
	"CancelRequestItem":         func() Body { return new(CancelRequestItem) },
	"CancelRequestItemResponse": func() Body { return new(CancelRequestItemResponse) },
	"CheckOutItem":              func() Body { return new(CheckOutItem) },
	"CheckOutItemResponse":      func() Body { return new(CheckOutItemResponse) },
	"CheckInItem":               func() Body { return new(CheckInItem) },
	"CheckInItemResponse":       func() Body { return new(CheckInItemResponse) },
	"DeleteItem":                func() Body { return new(DeleteItem) },
	"DeleteItemResponse":        func() Body { return new(DeleteItemResponse) },
	"RenewItem":                 func() Body { return new(RenewItem) },
	"RenewItemResponse":         func() Body { return new(RenewItemResponse) },
}

// Marshal writes m as an XML document (declaration, indented body). The
// version defaults to V2_02. It does not run Validate.
func Marshal(m *Message) ([]byte, error) {
	if (m.Body == nil) == (len(m.Problems) == 0) {
		return nil, invalid("an NCIPMessage holds one service element or only Problems")
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("ncip: marshal %s: %w", m.name(), err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("ncip: marshal %s: %w", m.name(), err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

func (m *Message) name() string {
	if m.Body == nil {
		return "Problem"
	}
	return m.Body.ElementName()
}

// MarshalXML writes the NCIPMessage element with the default namespace and
// a qualified ncip:version attribute.
func (m *Message) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	v := m.Version
	if v == "" {
		v = V2_02
	}
	start := xml.StartElement{
		Name: xml.Name{Space: Namespace, Local: "NCIPMessage"},
		Attr: []xml.Attr{{Name: xml.Name{Space: Namespace, Local: "version"}, Value: string(v)}},
	}
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if m.Body != nil {
		if err := e.EncodeElement(m.Body, xml.StartElement{Name: xml.Name{Local: m.Body.ElementName()}}); err != nil {
			return err
		}
	}
	for _, p := range m.Problems {
		if err := e.EncodeElement(p, xml.StartElement{Name: xml.Name{Local: "Problem"}}); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// Unmarshal parses an NCIPMessage. It is lenient where real ILSs differ
// from the schema: the version attribute may be unqualified, elements may
// use any prefix for the NCIP namespace (or none), unknown elements are
// skipped, and a non-UTF-8 encoding declaration is honoured. Problems in a
// response body are returned in the body (the Client turns them into
// errors); message-level Problems are in Message.Problems. Errors wrap
// ErrNotNCIP or ErrUnsupportedService.
func Unmarshal(data []byte) (*Message, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = charsetReader
	root, err := rootElement(d)
	if err != nil {
		return nil, err
	}
	m := &Message{}
	for _, a := range root.Attr {
		if a.Name.Local == "version" {
			m.Version = Version(strings.TrimSpace(a.Value))
		}
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrNotNCIP, err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if m.Body == nil && len(m.Problems) == 0 {
				return nil, fmt.Errorf("%w: empty NCIPMessage", ErrNotNCIP)
			}
			return m, nil
		case xml.StartElement:
			if err := m.decodeChild(d, t); err != nil {
				return nil, err
			}
		}
	}
}

func (m *Message) decodeChild(d *xml.Decoder, t xml.StartElement) error {
	name := t.Name.Local
	switch {
	case name == "Problem":
		var p Problem
		if err := d.DecodeElement(&p, &t); err != nil {
			return fmt.Errorf("%w: Problem: %w", ErrNotNCIP, err)
		}
		m.Problems = append(m.Problems, p)
		return nil
	case name == "Ext":
		return d.Skip()
	case m.Body != nil:
		return fmt.Errorf("%w: second service element %s after %s", ErrNotNCIP, name, m.Body.ElementName())
	}
	newBody, ok := bodies[name]
	if !ok {
		return fmt.Errorf("%w: %s", ErrUnsupportedService, name)
	}
	b := newBody()
	if err := d.DecodeElement(b, &t); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrNotNCIP, name, err)
	}
	m.Body = b
	return nil
}

func rootElement(d *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if err != nil {
			return xml.StartElement{}, fmt.Errorf("%w: %w", ErrNotNCIP, err)
		}
		if t, ok := tok.(xml.StartElement); ok {
			if t.Name.Local != "NCIPMessage" || (t.Name.Space != Namespace && t.Name.Space != "") {
				return xml.StartElement{}, fmt.Errorf("%w: root element is {%s}%s", ErrNotNCIP, t.Name.Space, t.Name.Local)
			}
			return t, nil
		}
	}
}

// charsetReader decodes the few non-UTF-8 encodings old ILSs declare
// (ISO-8859-1, windows-1252, ...).
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, fmt.Errorf("ncip: unsupported encoding %q: %w", label, err)
	}
	return enc.NewDecoder().Reader(input), nil
}
