package iso18626

import (
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
)

// ParseOptions adjust Parse for a partner.
type ParseOptions struct {
	// Version forces the schema version; zero detects it (see ParseWith).
	Version Version
	// VersionHint is the version expected from the sender (its directory
	// entry). It decides only what the message cannot: an ill:version
	// that names no version on a structure that fits both. Zero falls
	// back to the structural hints and then v1.2.
	VersionHint Version
	// Tolerance accepts deviations seen from real partners.
	Tolerance Tolerance
}

// Parse reads one ISO 18626 document strictly (zero ParseOptions), detecting
// its version. Warnings are dropped; use ParseWith to see them. The error is
// a *ParseError.
func Parse(data []byte) (*Message, error) {
	m, _, err := ParseWith(data, ParseOptions{})
	return m, err
}

// ParseWith reads one ISO 18626 document.
//
// It checks that the input is well-formed XML without a DTD, that the root
// is ISO18626Message in the ISO 18626 namespace with an ill:version
// attribute, and that every element is one the schema has at that place,
// occurring at most as often as the version allows and with a value of the
// right lexical type (dates, integers, booleans, decimals). Element order is
// not checked. Closed-code values and mandatory elements are left to
// Validate, so that a message with an unknown action can still be parsed and
// answered with the right errorData; the exception is a mandatory element
// the model holds by value with only optional children (a Request's
// bibliographicInfo), whose absence only the reading can see: it is
// refused here, worded as Validate words a missing element.
//
// The version is opts.Version when set. Otherwise it is decided from the
// ill:version attribute (a free string: "1.0", "1.1", "1.2" mean v1.2;
// "2021…" and "1.3" mean 2021) unless the structure contradicts it, and from
// the structure when the attribute names neither version: elements only one
// version has (sentVia vs deliveryMethod, retryInfo, shippingInfo, the v1.2
// SAM header's multipleItemRequestId...) and the order of the children of
// bibliographicItemId; when elements of both versions appear, the version
// whose schema can hold the message wins. When nothing tells, the version
// expected from the sender (opts.VersionHint) is used; without one, a SAM or
// RAM whose header lacks multipleItemRequestId (mandatory in v1.2) is read
// as 2021 and anything else as v1.2. An attribute that names no version, or
// disagrees with the structure, gives a WarnVersion warning.
//
// On failure the error is a *ParseError whose ErrorType and ErrorValue are
// what to answer with; its Partial field has the message type and what was
// read of the header, when known.
func ParseWith(data []byte, opts ParseOptions) (*Message, []Warning, error) {
	d := newDecoder(data, opts.Tolerance)
	if tooManyAttributes(data) {
		return nil, nil, d.badly("an element has more than "+strconv.Itoa(maxAttributes)+" attributes", nil)
	}
	m := new(Message)
	if err := d.document(m); err != nil {
		var pe *ParseError
		if errors.As(err, &pe) && pe.salvage {
			// Wrong or missing namespace, a duplicated attribute: read
			// the rest forgivingly, only to echo the header in the refusal.
			if pe.Partial = salvage(data, pe.foreign, opts); pe.Partial == nil {
				pe.Partial = d.partialOf(m, opts)
			}
			return nil, d.warns, pe
		}
		return nil, d.warns, d.partial(err, m, opts.Version, opts.VersionHint)
	}
	m.Version = d.decide(m, opts.Version, opts.VersionHint)
	normalise(d, m)
	if d.missing != "" {
		// The model holds the element by value: only the reading can
		// tell it was absent. Refused as Validate words a missing element.
		p := strings.TrimPrefix(d.missing, "ISO18626Message/")
		return nil, d.warns, &ParseError{ErrorType: ErrBadlyFormedMessage, ErrorValue: p + " is missing or empty",
			Err: errors.New("a mandatory element is absent"), Partial: m}
	}
	if ps := shape(m, m.Version); len(ps) > 0 {
		p := ps[0]
		return nil, d.warns, &ParseError{ErrorType: p.ErrorType, ErrorValue: p.ErrorValue,
			Err: errors.New("does not fit ISO 18626 " + m.Version.String() + " at " + p.Path), Partial: m}
	}
	return m, d.warns, nil
}

// partial attaches what was read to a parse error.
func (d *decoder) partial(err error, m *Message, forced, hint Version) error {
	var pe *ParseError
	if !errors.As(err, &pe) {
		pe = d.badly("cannot read message", err)
	}
	if m.Kind() != 0 {
		m.Version = d.decide(m, forced, hint)
		pe.Partial = m
	}
	return pe
}

// salvage reads a message whose root is in namespace ns (not ISO 18626's,
// or none) leniently as if it were ISO 18626, for the header its refusal
// echoes. It returns nil when even that fails to find the message type.
func salvage(data []byte, ns string, opts ParseOptions) *Message {
	d := newDecoder(data, Lenient())
	d.alien, d.dupsOK = ns, true
	m := new(Message)
	err := d.document(m)
	if m.Kind() == 0 || m.Header() == nil {
		return nil
	}
	if err == nil {
		m.Version = d.decide(m, opts.Version, opts.VersionHint)
	} else {
		_ = d.partial(err, m, opts.Version, opts.VersionHint)
	}
	return m
}

// partialOf is what the failed reading itself found, when it found the
// message type.
func (d *decoder) partialOf(m *Message, opts ParseOptions) *Message {
	if m.Kind() == 0 || m.Header() == nil {
		return nil
	}
	m.Version = d.decide(m, opts.Version, opts.VersionHint)
	return m
}

// document reads the prolog, the root element and the epilog.
func (d *decoder) document(m *Message) error {
	var root xml.StartElement
prolog:
	for {
		tok, err := d.token()
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, io.EOF) {
				pe.ErrorValue = "empty document"
			}
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			root = t
			break prolog
		case xml.CharData:
			if !isBlank(t) {
				return d.badly("text before the root element", nil)
			}
		}
	}
	if root.Name.Local != "ISO18626Message" {
		return d.badly("root element must be ISO18626Message, not "+quote(root.Name.Local), nil)
	}
	if root.Name.Space != Namespace && (d.alien == "" || root.Name.Space != d.alien) {
		if root.Name.Space != "" || !d.tol.NoNamespace {
			// The element is not ISO 18626's ISO18626Message: an element
			// the receiver does not know, named as the standard's
			// errorValue for UnrecognisedDataElement asks (the element
			// name). Err says which namespace came.
			return &ParseError{ErrorType: ErrUnrecognisedDataElement, ErrorValue: "ISO18626Message",
				Line: 1, Err: errors.New("ISO18626Message must be in namespace " + Namespace + ", not " + orNone(root.Name.Space)),
				salvage: true, foreign: root.Name.Space}
		}
		d.warn(WarnNamespace, "", "message without the ISO 18626 namespace accepted")
	}
	d.push("ISO18626Message")
	if err := d.rootAttrs(root, m); err != nil {
		return err
	}
	if err := readChildren(d, &rootTable, m); err != nil {
		return err
	}
	d.pop()
	if n := m.count(); n != 1 {
		return d.badly("ISO18626Message must hold exactly one message", nil)
	}
	for {
		tok, err := d.x.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return d.syntax(err)
		}
		switch t := tok.(type) {
		case xml.StartElement, xml.Directive:
			return d.badly("content after the root element", nil)
		case xml.CharData:
			if !isBlank(t) {
				return d.badly("text after the root element", nil)
			}
		}
	}
}

// rootAttrs reads ill:version and xsi:schemaLocation.
func (d *decoder) rootAttrs(root xml.StartElement, m *Message) error {
	haveVersion := false
	for _, a := range root.Attr {
		switch {
		case a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns"):
		case a.Name.Space == xsiNamespace && a.Name.Local == "schemaLocation":
			m.SchemaLocation = a.Value
		case a.Name.Space == xsiNamespace, a.Name.Space == xmlNamespace:
		case a.Name.Local == "version" && (a.Name.Space == Namespace || (root.Name.Space == "" && a.Name.Space == "")):
			m.VersionAttr, haveVersion = a.Value, true
		case a.Name.Local == "version" && (a.Name.Space == "" || a.Name.Space == Prefix):
			if !d.tol.UnqualifiedVersion {
				return d.badly("the version attribute must be namespace-qualified (ill:version)", nil)
			}
			d.warn(WarnUnqualifiedAttribute, a.Value, "unqualified version attribute accepted")
			m.VersionAttr, haveVersion = a.Value, true
		default:
			d.warn(WarnIgnoredAttribute, a.Name.Local, "attribute ignored")
		}
	}
	if !haveVersion {
		if !d.tol.UnqualifiedVersion {
			return d.badly("the ill:version attribute is missing", nil)
		}
		d.warn(WarnVersion, "", "version attribute missing")
	}
	return nil
}

// decide picks the version of m (see ParseWith).
func (d *decoder) decide(m *Message, forced, hint Version) Version {
	if forced.valid() {
		return forced
	}
	attr, attrOK := VersionFromAttr(m.VersionAttr)
	e12, e21 := d.ev[V1_2] > 0, d.ev[V2021] > 0
	var v Version
	why := ""
	switch {
	case attrOK && !(attr == V1_2 && e21 && !e12) && !(attr == V2021 && e12 && !e21):
		v = attr // the attribute, unless only the other version's structure is present
	case e12 && !e21:
		v, why = V1_2, d.evWhy[V1_2]
	case e21 && !e12:
		v, why = V2021, d.evWhy[V2021]
	default:
		v, why = d.fitting(m, attr, attrOK, hint)
	}
	switch {
	case attrOK && v != attr:
		d.warnAt(WarnVersion, "ISO18626Message", m.VersionAttr, "version attribute says "+attr.String()+
			" but the structure is "+v.String()+" ("+why+")")
	case !attrOK:
		d.warnAt(WarnVersion, "ISO18626Message", m.VersionAttr, "version attribute not recognised; read as "+
			v.String()+" ("+why+")")
	}
	if e12 && e21 {
		d.warnAt(WarnVersion, "ISO18626Message", m.VersionAttr, "message mixes v1.2 ("+d.evWhy[V1_2]+") and 2021 ("+
			d.evWhy[V2021]+") elements; read as "+v.String())
	}
	return v
}

// fitting decides when the evidence is absent or mixed: the version whose
// shape accepts the message, preferring the attribute's, then the stronger
// evidence, then weak hints, then v1.2. It also says why.
func (d *decoder) fitting(m *Message, attr Version, attrOK bool, hint Version) (Version, string) {
	fits12, fits21 := len(shape(m, V1_2)) == 0, len(shape(m, V2021)) == 0
	switch {
	case fits12 && !fits21:
		return V1_2, "only v1.2 fits"
	case fits21 && !fits12:
		return V2021, "only 2021 fits"
	case attrOK:
		return attr, "attribute"
	case d.ev[V2021] > d.ev[V1_2]:
		return V2021, "more 2021 elements"
	case d.ev[V1_2] > d.ev[V2021]:
		return V1_2, "more v1.2 elements"
	case hint.valid():
		return hint, "the version expected from this sender"
	}
	// No evidence at all. A SAM or RAM header without multipleItemRequestId
	// (mandatory in v1.2) hints at 2021.
	if k := m.Kind(); k == KindSupplyingAgencyMessage || k == KindRequestingAgencyMessage {
		return V2021, "no multipleItemRequestId in the header"
	}
	return V1_2, "structure fits both; v1.2 assumed"
}

// orNone names a namespace for a message, "none" when there is none.
func orNone(ns string) string {
	if ns == "" {
		return "none"
	}
	return quote(ns)
}
