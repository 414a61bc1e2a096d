package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"interlend/internal/marc"
)

// Format is a catalog file format.
type Format string

// Formats Import reads, and the source of records fetched live.
const (
	FormatMARC21  Format = "marc21"  // ISO 2709, MARC-8 or UTF-8
	FormatMARCXML Format = "marcxml" // MARC 21 slim, a collection or records embedded in another document
	FormatCSV     Format = "csv"     // the plain catalog of docs/catalog.md
	FormatSRU     Format = "sru"     // fetched from an SRU service (not a file format)
)

// ParseFormat reads a format name as given on the command line.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return "", nil
	case "marc21", "marc", "iso2709", "mrc":
		return FormatMARC21, nil
	case "marcxml", "xml":
		return FormatMARCXML, nil
	case "csv", "tsv":
		return FormatCSV, nil
	}
	return "", fmt.Errorf("unknown catalog format %q: want marc21, marcxml or csv", s)
}

// DetectFormat guesses the format from the file name's extension, else
// from its first bytes: "<" starts MARCXML, five digits and a MARC leader
// start ISO 2709, anything else is read as CSV.
func DetectFormat(name string, head []byte) Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".mrc", ".marc", ".iso", ".iso2709", ".dat", ".out":
		return FormatMARC21
	case ".xml", ".marcxml":
		return FormatMARCXML
	case ".csv", ".tsv":
		return FormatCSV
	}
	h := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case len(h) > 0 && h[0] == '<':
		return FormatMARCXML
	case len(h) >= 24 && isDigits(string(h[:5])) && isDigits(string(h[12:17])):
		return FormatMARC21
	}
	return FormatCSV
}

// source yields holdings one at a time from a catalog file.
type source interface {
	// next returns the next holding with its position and warnings, a
	// *marc.RecordError for a record that could not be read (go on), or
	// io.EOF. Any other error ends the stream.
	next() (*marc.Holding, position, []Problem, error)
}

// position is where a record was in the input.
type position struct {
	ordinal int
	offset  int64 // ISO 2709
	line    int   // MARCXML, CSV
}

func (p position) String() string {
	switch {
	case p.line > 0:
		return fmt.Sprintf("record %d (line %d)", p.ordinal, p.line)
	case p.offset >= 0:
		return fmt.Sprintf("record %d (byte %d)", p.ordinal, p.offset)
	}
	return fmt.Sprintf("record %d", p.ordinal)
}

func newSource(f Format, r io.Reader) (source, []Problem, error) {
	switch f {
	case FormatMARC21:
		return &marcSource{next_: marc.NewReader(r).Next, iso: true}, nil, nil
	case FormatMARCXML:
		return &marcSource{next_: marc.NewXMLReader(r).Next}, nil, nil
	case FormatCSV:
		cr, err := marc.NewCSVReader(r)
		if err != nil {
			return nil, nil, err
		}
		var probs []Problem
		if len(cr.Unknown) > 0 {
			probs = append(probs, Problem{Where: "header", Warning: true, Msg: "columns ignored (not known): " + strings.Join(cr.Unknown, ", ")})
		}
		return &csvSource{r: cr}, probs, nil
	}
	return nil, nil, fmt.Errorf("catalog: cannot import format %q", f)
}

// marcSource reads ISO 2709 or MARCXML records.
type marcSource struct {
	next_   func() (*marc.Record, error)
	iso     bool
	ordinal int
}

func (s *marcSource) next() (*marc.Holding, position, []Problem, error) {
	rec, err := s.next_()
	if err != nil {
		var re *marc.RecordError
		if errors.As(err, &re) {
			s.ordinal = re.Ordinal
		}
		return nil, position{ordinal: s.ordinal + 1, offset: -1}, nil, err
	}
	s.ordinal++
	pos := position{ordinal: s.ordinal, offset: -1}
	if s.iso && len(rec.Warnings) > 0 {
		pos.offset = rec.Warnings[0].Offset
	}
	var probs []Problem
	for _, w := range rec.Warnings {
		probs = append(probs, Problem{Warning: true, Msg: w.String()})
	}
	return marc.ToHolding(rec), pos, probs, nil
}

// csvSource reads the CSV catalog.
type csvSource struct {
	r       *marc.CSVReader
	ordinal int
}

func (s *csvSource) next() (*marc.Holding, position, []Problem, error) {
	h, err := s.r.Next()
	if err != nil {
		return nil, position{ordinal: s.ordinal + 1, offset: -1}, nil, err
	}
	s.ordinal++
	return h, position{ordinal: s.ordinal, offset: -1}, nil, nil
}
