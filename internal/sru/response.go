package sru

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"interlend/internal/marc"
)

// Response namespaces.
const (
	NS12 = "http://www.loc.gov/zing/srw/"                        // SRU 1.1 and 1.2
	NS20 = "http://docs.oasis-open.org/ns/search-ws/sruResponse" // SRU 2.0
)

// Result is a parsed searchRetrieveResponse.
type Result struct {
	Version            string // "1.2", "1.1" or "2.0", from <version> or the namespace
	NumberOfRecords    int    // hits on the server, not the records returned
	NextRecordPosition int    // 0 when there are no more records
	Records            []Record
	// Diagnostics are non-fatal diagnostics sent along with records.
	Diagnostics []Diagnostic
}

// Record is one record of the response.
type Record struct {
	Position int    // recordPosition, 0 when not given
	Schema   string // recordSchema as sent, e.g. info:srw/schema/1/marcxml-v1.1
	Packing  string // "xml" or "string" (1.2 recordPacking, 2.0 recordXMLEscaping)
	// MARC is the record when it is MARCXML; nil for a surrogate diagnostic,
	// another schema or a record that could not be read (see Err).
	MARC *marc.Record
	// Diagnostic is set when the server sent a surrogate diagnostic in
	// place of this record (e.g. "record not available in this schema").
	Diagnostic *Diagnostic
	// Err is set when the record data was there but not readable MARCXML.
	Err error
}

// MARCRecords returns the MARC records of the result, skipping surrogates.
func (r *Result) MARCRecords() []*marc.Record {
	var out []*marc.Record
	for _, rec := range r.Records {
		if rec.MARC != nil {
			out = append(out, rec.MARC)
		}
	}
	return out
}

// ParseResponse reads an SRU 1.1, 1.2 or 2.0 searchRetrieveResponse.
// Records packed as XML or as escaped strings are both read. It returns a
// *DiagnosticError when the response carries diagnostics and no records,
// and an error wrapping ErrBadResponse when the input is not an SRU
// response (an HTML page, not XML, another root element).
func ParseResponse(r io.Reader) (*Result, error) {
	br := bufio.NewReader(r)
	if err := sniff(br); err != nil {
		return nil, err
	}
	d := xml.NewDecoder(br)
	root, err := firstElement(d)
	if err != nil {
		return nil, err
	}
	if root.Name.Local != "searchRetrieveResponse" {
		if strings.EqualFold(root.Name.Local, "html") {
			return nil, badResponse("answered with an HTML page")
		}
		return nil, badResponse("root element <%s> is not a searchRetrieveResponse", root.Name.Local)
	}
	res := &Result{}
	switch root.Name.Space {
	case NS12:
		res.Version = "1.2"
	case NS20:
		res.Version = "2.0"
	}
	var fatal []Diagnostic
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, syntaxError(d, err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if len(fatal) > 0 && len(res.Records) == 0 {
				return nil, &DiagnosticError{Diagnostics: fatal}
			}
			res.Diagnostics = append(res.Diagnostics, fatal...)
			return res, nil
		case xml.StartElement:
			switch t.Name.Local {
			case "version":
				v, err := text(d)
				if err != nil {
					return nil, syntaxError(d, err)
				}
				if v != "" {
					res.Version = v
				}
			case "numberOfRecords", "nextRecordPosition":
				v, err := text(d)
				if err != nil {
					return nil, syntaxError(d, err)
				}
				n, convErr := strconv.Atoi(v)
				if convErr != nil && v != "" {
					return nil, badResponse("%s %q is not a number", t.Name.Local, v)
				}
				if t.Name.Local == "numberOfRecords" {
					res.NumberOfRecords = n
				} else {
					res.NextRecordPosition = n
				}
			case "records":
				if err := readRecords(d, res); err != nil {
					return nil, err
				}
			case "diagnostics":
				diags, err := readDiagnostics(d)
				if err != nil {
					return nil, err
				}
				fatal = append(fatal, diags...)
			default:
				if err := d.Skip(); err != nil {
					return nil, syntaxError(d, err)
				}
			}
		}
	}
}

// sniff rejects HTML pages and binary garbage before the XML parser gives a
// less helpful error.
func sniff(br *bufio.Reader) error {
	head, _ := br.Peek(512)
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(trimmed) == 0 {
		return badResponse("empty body")
	}
	lower := bytes.ToLower(trimmed)
	if bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<html")) {
		return badResponse("answered with an HTML page%s", htmlTitle(head))
	}
	if trimmed[0] != '<' {
		return badResponse("body is not XML (starts %q)", snippet(trimmed))
	}
	return nil
}

func htmlTitle(b []byte) string {
	lower := bytes.ToLower(b)
	i := bytes.Index(lower, []byte("<title>"))
	if i < 0 {
		return ""
	}
	rest := b[i+len("<title>"):]
	j := bytes.Index(bytes.ToLower(rest), []byte("</title>"))
	if j < 0 {
		return ""
	}
	return fmt.Sprintf(" (%q)", strings.TrimSpace(string(rest[:j])))
}

func snippet(b []byte) string {
	if len(b) > 40 {
		b = b[:40]
	}
	return string(b)
}

func syntaxError(d *xml.Decoder, err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	line, _ := d.InputPos()
	return fmt.Errorf("%w: malformed XML near line %d: %w", ErrBadResponse, line, err)
}

func firstElement(d *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if err != nil {
			if err == io.EOF {
				return xml.StartElement{}, badResponse("no XML element in the body")
			}
			return xml.StartElement{}, syntaxError(d, err)
		}
		if t, ok := tok.(xml.StartElement); ok {
			return t, nil
		}
	}
}

// text returns the character data of the element just started, consuming
// its end, and fails on child elements.
func text(d *xml.Decoder) (string, error) {
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.StartElement:
			if err := d.Skip(); err != nil {
				return "", err
			}
		case xml.EndElement:
			return strings.TrimSpace(b.String()), nil
		}
	}
}

func readDiagnostics(d *xml.Decoder) ([]Diagnostic, error) {
	var out []Diagnostic
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, syntaxError(d, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "diagnostic" {
				if err := d.Skip(); err != nil {
					return nil, syntaxError(d, err)
				}
				continue
			}
			diag, err := readDiagnostic(d)
			if err != nil {
				return nil, err
			}
			out = append(out, diag)
		case xml.EndElement:
			return out, nil
		}
	}
}

// readDiagnostic reads the children of a <diagnostic> just started.
func readDiagnostic(d *xml.Decoder) (Diagnostic, error) {
	var diag Diagnostic
	for {
		tok, err := d.Token()
		if err != nil {
			return diag, syntaxError(d, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			v, err := text(d)
			if err != nil {
				return diag, syntaxError(d, err)
			}
			switch t.Name.Local {
			case "uri":
				diag.URI = v
			case "details":
				diag.Details = v
			case "message":
				diag.Message = v
			}
		case xml.EndElement:
			return diag, nil
		}
	}
}

func readRecords(d *xml.Decoder, res *Result) error {
	for {
		tok, err := d.Token()
		if err != nil {
			return syntaxError(d, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "record" {
				if err := d.Skip(); err != nil {
					return syntaxError(d, err)
				}
				continue
			}
			rec, err := readRecord(d)
			if err != nil {
				return err
			}
			res.Records = append(res.Records, rec)
		case xml.EndElement:
			return nil
		}
	}
}

// readRecord reads the children of an SRU <record> just started.
func readRecord(d *xml.Decoder) (Record, error) {
	var rec Record
	for {
		tok, err := d.Token()
		if err != nil {
			return rec, syntaxError(d, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "recordSchema":
				if rec.Schema, err = text(d); err != nil {
					return rec, syntaxError(d, err)
				}
			case "recordPacking", "recordXMLEscaping":
				v, err := text(d)
				if err != nil {
					return rec, syntaxError(d, err)
				}
				// In 2.0 recordPacking means packed/unpacked; only the
				// escaping values say how the data is written.
				if v == "xml" || v == "string" {
					rec.Packing = v
				}
			case "recordPosition":
				v, err := text(d)
				if err != nil {
					return rec, syntaxError(d, err)
				}
				rec.Position, _ = strconv.Atoi(v)
			case "recordData":
				if err := readRecordData(d, &rec); err != nil {
					return rec, err
				}
			default:
				if err := d.Skip(); err != nil {
					return rec, syntaxError(d, err)
				}
			}
		case xml.EndElement:
			return rec, nil
		}
	}
}

// readRecordData reads a <recordData> just started: a live MARCXML record,
// a surrogate diagnostic, or either one escaped as text (string packing).
func readRecordData(d *xml.Decoder, rec *Record) error {
	var textData strings.Builder
	found := false
	for {
		tok, err := d.Token()
		if err != nil {
			return syntaxError(d, err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if !found {
				textData.Write(t)
			}
		case xml.StartElement:
			switch {
			case found:
				if err := d.Skip(); err != nil {
					return syntaxError(d, err)
				}
			case marc.IsMARCXMLRecord(t.Name):
				found = true
				m, err := marc.DecodeXMLRecord(d, t)
				var se *xml.SyntaxError
				if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) {
					return syntaxError(d, err)
				}
				rec.MARC, rec.Err = m, err
			case t.Name.Local == "diagnostic":
				found = true
				diag, err := readDiagnostic(d)
				if err != nil {
					return err
				}
				rec.Diagnostic = &diag
			default:
				found = true
				rec.Err = fmt.Errorf("sru: record in schema %q is not MARCXML (<%s>)", rec.Schema, t.Name.Local)
				if err := d.Skip(); err != nil {
					return syntaxError(d, err)
				}
			}
		case xml.EndElement:
			if !found {
				parseEscaped(strings.TrimSpace(textData.String()), rec)
			}
			return nil
		}
	}
}

// parseEscaped reads a record sent with string packing: the MARCXML (or a
// diagnostic) is the element's text.
func parseEscaped(s string, rec *Record) {
	if s == "" {
		rec.Err = errors.New("sru: empty recordData")
		return
	}
	d := xml.NewDecoder(strings.NewReader(s))
	start, err := firstElement(d)
	if err != nil {
		rec.Err = fmt.Errorf("sru: string-packed record: %w", err)
		return
	}
	switch {
	case marc.IsMARCXMLRecord(start.Name):
		rec.MARC, rec.Err = marc.DecodeXMLRecord(d, start)
	case start.Name.Local == "diagnostic":
		diag, err := readDiagnostic(d)
		if err != nil {
			rec.Err = err
			return
		}
		rec.Diagnostic = &diag
	default:
		rec.Err = fmt.Errorf("sru: string-packed record in schema %q is not MARCXML (<%s>)", rec.Schema, start.Name.Local)
	}
}
