package marc

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// XMLReader reads MARCXML records one at a time from a <collection>, a bare
// <record>, or any document that embeds MARCXML records (an SRU response,
// an OAI-PMH page). Only <record> elements in the MARCXML namespace, or in
// no namespace (some servers omit it), are taken; other elements are
// skipped. Memory use is bounded by the largest record.
type XMLReader struct {
	d       *xml.Decoder
	ordinal int
	err     error
}

// NewXMLReader returns an XMLReader reading from r.
func NewXMLReader(r io.Reader) *XMLReader {
	return &XMLReader{d: xml.NewDecoder(r)}
}

// Next returns the next record, a *RecordError for a record that is
// structurally wrong (missing tag, bad indicator; reading can go on), or
// io.EOF after the last one. Malformed XML ends the stream with an error
// that gives the line.
func (x *XMLReader) Next() (*Record, error) {
	if x.err != nil {
		return nil, x.err
	}
	for {
		tok, err := x.d.Token()
		if err == io.EOF {
			x.err = io.EOF
			return nil, io.EOF
		}
		if err != nil {
			line, _ := x.d.InputPos()
			x.err = fmt.Errorf("marc: MARCXML malformed near line %d: %w", line, err)
			return nil, x.err
		}
		start, ok := tok.(xml.StartElement)
		if !ok || !IsMARCXMLRecord(start.Name) {
			continue
		}
		x.ordinal++
		line, _ := x.d.InputPos()
		rec, err := DecodeXMLRecord(x.d, start)
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) {
				x.err = fmt.Errorf("marc: MARCXML malformed in record %d (line %d): %w", x.ordinal, line, err)
				return nil, x.err
			}
			return nil, &RecordError{Ordinal: x.ordinal, Line: line, Err: err}
		}
		return rec, nil
	}
}

// IsMARCXMLRecord reports whether an element name is a MARCXML <record>.
func IsMARCXMLRecord(n xml.Name) bool {
	return n.Local == "record" && (n.Space == NS || n.Space == "")
}

// DecodeXMLRecord reads one MARCXML <record> whose start element has just
// been read from d, consuming up to its end element. It lets other formats
// (SRU) decode records embedded in their own documents. Structural problems
// are returned after the whole element has been consumed, so the caller can
// continue with d.
func DecodeXMLRecord(d *xml.Decoder, start xml.StartElement) (*Record, error) {
	rec := &Record{}
	var firstErr error
	fail := func(err error) {
		if firstErr == nil {
			firstErr = err
		}
	}
	var text strings.Builder
	var cur *Field   // data field being read
	var inSub bool   // inside <subfield>
	var what string  // "leader", "controlfield", "subfield" when collecting text
	var subCode byte // current subfield code
	var ctlTag string
	depth := 1
	for depth > 0 {
		tok, err := d.Token()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 2 && t.Name.Local == "leader":
				what = "leader"
				text.Reset()
			case depth == 2 && t.Name.Local == "controlfield":
				what = "controlfield"
				ctlTag = attr(t, "tag")
				text.Reset()
				if len(ctlTag) != 3 {
					fail(fmt.Errorf("%w: controlfield tag %q", ErrField, ctlTag))
				}
			case depth == 2 && t.Name.Local == "datafield":
				tag := attr(t, "tag")
				if len(tag) != 3 {
					fail(fmt.Errorf("%w: datafield tag %q", ErrField, tag))
				}
				i1, ok1 := indicator(attr(t, "ind1"))
				i2, ok2 := indicator(attr(t, "ind2"))
				if !ok1 || !ok2 {
					fail(fmt.Errorf("%w: datafield %s indicators %q %q", ErrField, tag, attr(t, "ind1"), attr(t, "ind2")))
				}
				rec.Fields = append(rec.Fields, Field{Tag: tag, Ind1: i1, Ind2: i2})
				cur = &rec.Fields[len(rec.Fields)-1]
			case depth == 3 && cur != nil && t.Name.Local == "subfield":
				code := attr(t, "code")
				if len(code) != 1 {
					fail(fmt.Errorf("%w: datafield %s subfield code %q", ErrField, cur.Tag, code))
					code = " "
				}
				subCode = code[0]
				inSub = true
				what = "subfield"
				text.Reset()
			default:
				what = ""
			}
		case xml.CharData:
			if what != "" {
				text.Write(t)
			}
		case xml.EndElement:
			depth--
			switch {
			case what == "leader" && depth == 1:
				rec.Leader = text.String()
			case what == "controlfield" && depth == 1:
				rec.Fields = append(rec.Fields, Field{Tag: ctlTag, Value: text.String()})
				cur = nil
			case inSub && depth == 2:
				// cur points into rec.Fields; appending other fields can move
				// the slice, so re-point it at the last field.
				cur = &rec.Fields[len(rec.Fields)-1]
				cur.Subfields = append(cur.Subfields, Subfield{Code: subCode, Value: text.String()})
				inSub = false
			case depth == 1:
				cur = nil
			}
			if depth <= 2 && !inSub {
				what = ""
			}
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	if len(rec.Leader) != leaderLength {
		if rec.Leader == "" && len(rec.Fields) == 0 {
			return nil, fmt.Errorf("%w: empty record", ErrLeader)
		}
		return nil, fmt.Errorf("%w: leader %q is not 24 characters", ErrLeader, rec.Leader)
	}
	return rec, nil
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// indicator turns an ind1/ind2 attribute into a byte; missing or empty is
// blank.
func indicator(s string) (byte, bool) {
	switch len(s) {
	case 0:
		return ' ', true
	case 1:
		return s[0], true
	}
	return ' ', false
}

// ParseXMLRecord decodes the first MARCXML record in data (a <record>, a
// <collection>, or a document embedding one).
func ParseXMLRecord(data []byte) (*Record, error) {
	rec, err := NewXMLReader(bytes.NewReader(data)).Next()
	if err == io.EOF {
		return nil, fmt.Errorf("marc: no MARCXML record found")
	}
	return rec, err
}
