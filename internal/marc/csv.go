package marc

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"interlend/internal/bibid"
)

// CSV catalog columns. See CSVFormatDoc for their meaning. Header names are
// matched case-insensitively; spaces and hyphens count as underscores.
const (
	ColID         = "id"
	ColISBN       = "isbn"
	ColISSN       = "issn"
	ColOCLC       = "oclc"
	ColLCCN       = "lccn"
	ColTitle      = "title"
	ColAuthor     = "author"
	ColEdition    = "edition"
	ColPublisher  = "publisher"
	ColPlace      = "place"
	ColYear       = "year"
	ColLanguage   = "language"
	ColFormat     = "format"
	ColCallNumber = "call_number"
	ColLocation   = "location"
	ColBranch     = "branch"
	ColBarcode    = "barcode"
	ColLendable   = "lendable"
	ColStatus     = "status"
	ColHoldings   = "holdings"
)

// CSVRequiredColumns must be in the header; every other column is optional.
var CSVRequiredColumns = []string{ColID, ColTitle}

// csvKnownColumns lists every column the reader understands.
var csvKnownColumns = []string{
	ColID, ColISBN, ColISSN, ColOCLC, ColLCCN, ColTitle, ColAuthor, ColEdition,
	ColPublisher, ColPlace, ColYear, ColLanguage, ColFormat, ColCallNumber,
	ColLocation, ColBranch, ColBarcode, ColLendable, ColStatus, ColHoldings,
}

// ErrMissingColumns is wrapped by NewCSVReader when the header lacks a
// required column.
var ErrMissingColumns = errors.New("marc: CSV catalog header lacks required columns")

// CSVReader reads a CSV catalog into Holdings, one per distinct id.
//
// Columns (header names, any order, case-insensitive; CSVFormatDoc has the
// full description): id and title are required; isbn, issn and oclc may
// hold several values separated by "|" or ";"; lccn, author, edition,
// publisher, place, year, language, format, call_number, location, branch,
// barcode (several copies separated by "|" or ";"), lendable (yes/no, empty
// is yes), status (ILS wording; "missing", "reference" and the like make
// the copy not lendable) and holdings (a serial holdings statement such as
// "v.1(1990)-v.16(2005)") are optional.
//
// Consecutive rows with the same id are one title with several items and
// are merged. A bad row is reported as a *RecordError with its line number;
// reading goes on with the next row.
type CSVReader struct {
	r       *csv.Reader
	col     map[string]int
	width   int
	pending *Holding
	ordinal int
	eof     bool
	// Unknown lists header columns the reader ignores, so an import can
	// warn about misspelt names.
	Unknown []string
}

// NewCSVReader reads the header and checks the required columns. The
// delimiter is detected from the header line: comma, semicolon or tab.
func NewCSVReader(r io.Reader) (*CSVReader, error) {
	br := bufio.NewReader(r)
	peek, _ := br.Peek(4096)
	if i := bytes.IndexByte(peek, '\n'); i >= 0 {
		peek = peek[:i]
	}
	cr := csv.NewReader(br)
	cr.Comma = detectDelimiter(peek)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return nil, fmt.Errorf("marc: CSV catalog is empty")
		}
		return nil, fmt.Errorf("marc: CSV catalog header: %w", err)
	}
	c := &CSVReader{r: cr, col: make(map[string]int), width: len(header)}
	for i, h := range header {
		name := normaliseColumn(h)
		if _, dup := c.col[name]; dup {
			return nil, fmt.Errorf("marc: CSV catalog header: column %q appears twice", name)
		}
		c.col[name] = i
		if !contains(csvKnownColumns, name) {
			c.Unknown = append(c.Unknown, h)
		}
	}
	var missing []string
	for _, req := range CSVRequiredColumns {
		if _, ok := c.col[req]; !ok {
			missing = append(missing, req)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: %s (header has: %s)", ErrMissingColumns, strings.Join(missing, ", "), strings.Join(header, ", "))
	}
	return c, nil
}

func detectDelimiter(line []byte) rune {
	counts := map[rune]int{',': bytes.Count(line, []byte(",")), ';': bytes.Count(line, []byte(";")), '\t': bytes.Count(line, []byte("\t"))}
	best := ','
	for _, d := range []rune{';', '\t'} {
		if counts[d] > counts[best] {
			best = d
		}
	}
	return best
}

func normaliseColumn(h string) string {
	h = strings.TrimPrefix(h, "\ufeff") // byte-order mark from spreadsheet exports
	h = strings.ToLower(strings.TrimSpace(h))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(h)
}

// Next returns the next title, a *RecordError for a bad row (go on calling
// Next), or io.EOF.
func (c *CSVReader) Next() (*Holding, error) {
	for {
		if c.eof {
			if c.pending != nil {
				h := c.pending
				c.pending = nil
				return h, nil
			}
			return nil, io.EOF
		}
		row, err := c.r.Read()
		if err == io.EOF {
			c.eof = true
			continue
		}
		c.ordinal++
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &RecordError{Ordinal: c.ordinal, Line: pe.StartLine, Err: pe.Err}
			}
			return nil, fmt.Errorf("marc: read CSV catalog: %w", err)
		}
		line, _ := c.r.FieldPos(0)
		h, err := c.parseRow(row)
		if err != nil {
			return nil, &RecordError{Ordinal: c.ordinal, Line: line, Err: err}
		}
		if c.pending != nil && c.pending.ID == h.ID {
			mergeHolding(c.pending, h)
			continue
		}
		prev := c.pending
		c.pending = h
		if prev != nil {
			return prev, nil
		}
	}
}

func (c *CSVReader) get(row []string, name string) string {
	i, ok := c.col[name]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

// multi splits a cell holding several values ("a | b ; c").
func multi(v string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(v, func(r rune) bool { return r == '|' || r == ';' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (c *CSVReader) parseRow(row []string) (*Holding, error) {
	if len(row) != c.width {
		return nil, fmt.Errorf("row has %d fields, header has %d", len(row), c.width)
	}
	h := &Holding{ID: c.get(row, ColID), Title: c.get(row, ColTitle)}
	if h.ID == "" {
		return nil, errors.New("id is empty")
	}
	if h.Title == "" {
		return nil, fmt.Errorf("id %q: title is empty", h.ID)
	}
	h.Author = c.get(row, ColAuthor)
	h.Edition = c.get(row, ColEdition)
	h.Publisher = c.get(row, ColPublisher)
	h.Place = c.get(row, ColPlace)
	h.Language = strings.ToLower(c.get(row, ColLanguage))
	h.CallNumber = c.get(row, ColCallNumber)
	h.Location = c.get(row, ColLocation)
	h.Branch = c.get(row, ColBranch)
	if y := c.get(row, ColYear); y != "" {
		if h.Year = yearIn(y); h.Year == 0 {
			return nil, fmt.Errorf("id %q: year %q is not a year", h.ID, y)
		}
	}
	for _, v := range multi(c.get(row, ColISBN)) {
		if isbn, ok := bibid.NormaliseISBN(v); ok {
			h.ISBNs = appendUnique(h.ISBNs, isbn)
		} else {
			h.Problems = append(h.Problems, fmt.Sprintf("isbn %q is not a valid ISBN", v))
		}
	}
	for _, v := range multi(c.get(row, ColISSN)) {
		if issn, ok := bibid.NormaliseISSN(v); ok {
			h.ISSNs = appendUnique(h.ISSNs, issn)
		} else {
			h.Problems = append(h.Problems, fmt.Sprintf("issn %q is not a valid ISSN", v))
		}
	}
	for _, v := range multi(c.get(row, ColOCLC)) {
		if n, ok := bibid.NormaliseOCLC(v); ok {
			h.OCLCNumbers = appendUnique(h.OCLCNumbers, n)
		} else {
			h.Problems = append(h.Problems, fmt.Sprintf("oclc %q is not an OCLC number", v))
		}
	}
	if v := c.get(row, ColLCCN); v != "" {
		if lccn, ok := bibid.NormaliseLCCN(v); ok {
			h.LCCN = lccn
		} else {
			h.Problems = append(h.Problems, fmt.Sprintf("lccn %q is not an LCCN", v))
		}
	}
	lendable := true
	if v := c.get(row, ColLendable); v != "" {
		var ok bool
		if lendable, ok = parseBool(v); !ok {
			return nil, fmt.Errorf("id %q: lendable %q is not yes or no", h.ID, v)
		}
	}
	status := c.get(row, ColStatus)
	if status != "" && !lendableStatus(status) {
		lendable = false
	}
	for _, bc := range multi(c.get(row, ColBarcode)) {
		h.Items = append(h.Items, Item{Barcode: bc, CallNumber: h.CallNumber, Location: h.Location, Branch: h.Branch,
			Status: status, Lendable: lendable, OnLoan: onLoanStatus(status), Tag: "csv"})
	}
	if v := c.get(row, ColHoldings); v != "" {
		h.Coverage.Statements = append(h.Coverage.Statements, v)
		h.Coverage.Ranges = append(h.Coverage.Ranges, ParseCoverage(v)...)
	}
	h.Format = Format(strings.ToLower(c.get(row, ColFormat)))
	switch {
	case h.Format != "" && !knownFormat(h.Format):
		return nil, fmt.Errorf("id %q: format %q is not one of %s", h.ID, h.Format, strings.Join(formatNames(), ", "))
	case h.Format != "":
	case len(h.Coverage.Statements) > 0 || (len(h.ISSNs) > 0 && len(h.ISBNs) == 0):
		h.Format = FormatSerial
	default:
		h.Format = FormatBook
	}
	return h, nil
}

// mergeHolding adds a further row of the same title (another copy) to h.
func mergeHolding(h, more *Holding) {
	h.Items = append(h.Items, more.Items...)
	for _, v := range more.ISBNs {
		h.ISBNs = appendUnique(h.ISBNs, v)
	}
	for _, v := range more.ISSNs {
		h.ISSNs = appendUnique(h.ISSNs, v)
	}
	for _, v := range more.OCLCNumbers {
		h.OCLCNumbers = appendUnique(h.OCLCNumbers, v)
	}
	for _, s := range more.Coverage.Statements {
		if !contains(h.Coverage.Statements, s) {
			h.Coverage.Statements = append(h.Coverage.Statements, s)
			h.Coverage.Ranges = append(h.Coverage.Ranges, ParseCoverage(s)...)
		}
	}
	h.Problems = append(h.Problems, more.Problems...)
}

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "yes", "y", "true", "t", "1", "ja", "oui", "si", "sí":
		return true, true
	case "no", "n", "false", "f", "0", "nein", "non":
		return false, true
	}
	return false, false
}

var allFormats = []Format{FormatBook, FormatSerial, FormatArticle, FormatThesis, FormatManuscript, FormatMap,
	FormatScore, FormatAudio, FormatMusic, FormatVideo, FormatImage, FormatComputer, FormatKit, FormatMixed, FormatObject}

func knownFormat(f Format) bool {
	for _, k := range allFormats {
		if k == f {
			return true
		}
	}
	return false
}

func formatNames() []string {
	out := make([]string, len(allFormats))
	for i, f := range allFormats {
		out[i] = string(f)
	}
	return out
}
