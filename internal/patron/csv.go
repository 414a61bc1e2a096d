package patron

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"interlend/internal/ill"
)

// Columns lists the columns a patron file may have, each with the names
// accepted for it (compared without case, with spaces, dots and hyphens
// read as underscores). docs/patrons-import.md documents them.
var Columns = []struct {
	Name    string   // the documented name
	Aliases []string // other accepted names
	Field   Fields   // 0 for the barcode
}{
	{"barcode", []string{"patron_barcode", "user_barcode", "card_number", "library_card"}, 0},
	{"id", []string{"ils_id", "patron_id", "user_id", "external_id", "primary_id"}, FieldILSID},
	{"first_name", []string{"firstname", "given_name", "forename"}, FieldFirstName},
	{"last_name", []string{"lastname", "surname", "family_name"}, FieldLastName},
	{"name", []string{"full_name", "display_name"}, FieldFullName},
	{"email", []string{"e_mail", "email_address", "mail"}, FieldEmail},
	{"category", []string{"patron_category", "patron_type", "patron_group", "user_group", "group", "ptype"}, FieldCategory},
	{"home_library", []string{"library", "branch", "home_branch", "campus"}, FieldHomeLibrary},
	{"pickup_location", []string{"pickup", "default_pickup", "pickup_library"}, FieldPickup},
	{"expiry_date", []string{"expiry", "expires", "expires_on", "expiration_date", "expiration"}, FieldExpires},
	{"blocked", []string{"block", "is_blocked"}, FieldBlock},
	{"block_reason", []string{"blocked_reason", "block_note"}, FieldBlock},
	{"notes", []string{"note", "comment", "comments"}, FieldNotes},
}

// LineError is a problem with one line of a file; the import reports it
// and goes on with the next line.
type LineError struct {
	Line int    `json:"line"`
	Msg  string `json:"message"`
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Row is one patron read from a file.
type Row struct {
	Line int // the line the record starts on (the header is line 1)
	Record
}

// MaxRecordBytes bounds one record of a file. A longer one (usually a
// quote that is never closed, swallowing the lines after it) stops the
// import instead of filling memory.
const MaxRecordBytes = 1 << 20

// Reader reads patron rows from a CSV file one at a time, in constant
// memory. The first line names the columns; comma, semicolon and tab
// separated files are told apart by the header. A UTF-8 byte-order mark is
// skipped.
type Reader struct {
	cr      *csv.Reader
	lim     *limitedReader
	cols    []int // column index -> index into Columns, or -1
	fields  Fields
	ignored []string
	width   int
	hasFlag bool // the file has a "blocked" column
	last    int  // line of the last record read
}

// NewReader reads the header line. It returns an Invalid error when the
// file has no header with a barcode column, or names a column twice.
func NewReader(r io.Reader) (*Reader, error) {
	lim := &limitedReader{r: r, left: MaxRecordBytes}
	br := bufio.NewReaderSize(lim, 64<<10)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	head, _ := br.Peek(br.Size())
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	cr := csv.NewReader(br)
	cr.Comma = sniffDelimiter(string(head))
	cr.ReuseRecord = true
	cr.FieldsPerRecord = 0
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, ill.E(ill.Invalid, "the file is empty: its first line must name the columns (barcode, name, email, ...)")
	}
	if err != nil {
		return nil, ill.E(ill.Invalid, "the header line cannot be read as CSV: "+err.Error())
	}
	rd := &Reader{cr: cr, lim: lim, width: len(header)}
	seen := map[int]string{}
	barcode := false
	for _, h := range header {
		name := normHeader(h)
		idx := columnIndex(name)
		rd.cols = append(rd.cols, idx)
		if idx < 0 {
			if name != "" {
				rd.ignored = append(rd.ignored, strings.TrimSpace(h))
			}
			continue
		}
		if prev, dup := seen[idx]; dup {
			return nil, ill.E(ill.Invalid, fmt.Sprintf("the header names the %s column twice (%q and %q)", Columns[idx].Name, prev, strings.TrimSpace(h)))
		}
		seen[idx] = strings.TrimSpace(h)
		rd.fields |= Columns[idx].Field
		if idx == 0 {
			barcode = true
		}
		if Columns[idx].Name == "blocked" {
			rd.hasFlag = true
		}
	}
	if !barcode {
		return nil, ill.E(ill.Invalid, "the file has no barcode column: its first line must name the columns (barcode, name, email, ...)")
	}
	lim.reset()
	return rd, nil
}

// Fields is the set of fields the file's columns give.
func (rd *Reader) Fields() Fields { return rd.fields }

// Columns lists the patron columns the file has, by their documented
// names, in the file's order.
func (rd *Reader) Columns() []string {
	var out []string
	for _, idx := range rd.cols {
		if idx >= 0 {
			out = append(out, Columns[idx].Name)
		}
	}
	return out
}

// Ignored lists header names that are not patron columns (they are
// skipped).
func (rd *Reader) Ignored() []string { return rd.ignored }

// Next reads the next row. At the end it returns io.EOF. A bad line gives
// a *LineError: report it and call Next again. Any other error (an
// unreadable file, a record over MaxRecordBytes) ends the file.
func (rd *Reader) Next() (Row, error) {
	for {
		rd.lim.reset()
		rec, err := rd.cr.Read()
		var pe *csv.ParseError
		switch {
		case errors.Is(err, io.EOF):
			return Row{}, io.EOF
		case errors.Is(err, errRecordTooLong):
			return Row{}, ill.E(ill.Invalid, fmt.Sprintf("a record after line %d is longer than %d bytes (is a quote never closed?); the import stopped there", rd.last, MaxRecordBytes))
		case errors.As(err, &pe) && errors.Is(err, csv.ErrFieldCount):
			rd.last = pe.Line
			return Row{}, &LineError{Line: pe.StartLine, Msg: fmt.Sprintf("has %d fields, the header has %d", len(rec), rd.width)}
		case errors.As(err, &pe):
			rd.last = pe.Line
			return Row{}, &LineError{Line: pe.StartLine, Msg: "cannot be read as CSV: " + pe.Err.Error()}
		case err != nil:
			return Row{}, fmt.Errorf("patron file: %w", err)
		}
		line, _ := rd.cr.FieldPos(0)
		rd.last = line
		if isBlankRecord(rec) {
			continue // a line of empty cells is not a row
		}
		return rd.row(line, rec)
	}
}

func (rd *Reader) row(line int, rec []string) (Row, error) {
	row := Row{Line: line}
	var problems []string
	blockedCell := false
	for i, v := range rec {
		idx := rd.cols[i]
		if idx < 0 {
			continue
		}
		switch Columns[idx].Name {
		case "barcode":
			row.Barcode = v
		case "id":
			row.ILSID = v
		case "first_name":
			row.FirstName = v
		case "last_name":
			row.LastName = v
		case "name":
			row.Name = v
		case "email":
			row.Email = v
		case "category":
			row.Category = v
		case "home_library":
			row.HomeLibrary = v
		case "pickup_location":
			row.PickupLocation = v
		case "expiry_date":
			t, err := ParseDate(v)
			if err != nil {
				problems = append(problems, "the expiry date "+err.Error())
			}
			row.Expires = t
		case "blocked":
			b, err := ParseBool(v)
			if err != nil {
				problems = append(problems, "blocked "+err.Error())
			}
			blockedCell = b
		case "block_reason":
			row.BlockReason = v
		case "notes":
			row.Notes = v
		}
	}
	if rd.hasFlag {
		row.Blocked = blockedCell
	} else {
		row.Blocked = strings.TrimSpace(row.BlockReason) != ""
	}
	var msgs []string
	for _, p := range row.Record.Normalize(rd.fields) {
		msgs = append(msgs, p.Msg)
	}
	problems = append(msgs, problems...)
	if len(problems) > 0 {
		return Row{}, &LineError{Line: line, Msg: strings.Join(problems, "; ")}
	}
	return row, nil
}

func isBlankRecord(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

func normHeader(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.':
			return '_'
		}
		return r
	}, h)
}

func columnIndex(name string) int {
	for i, c := range Columns {
		if c.Name == name {
			return i
		}
		for _, a := range c.Aliases {
			if a == name {
				return i
			}
		}
	}
	return -1
}

// sniffDelimiter picks the separator the header uses: comma unless the
// header has none and has semicolons or tabs.
func sniffDelimiter(header string) rune {
	switch {
	case strings.Contains(header, ","):
		return ','
	case strings.Contains(header, ";"):
		return ';'
	case strings.Contains(header, "\t"):
		return '\t'
	}
	return ','
}

var errRecordTooLong = errors.New("record too long")

// limitedReader fails once more than left bytes are read since the last
// reset. Reset after every record, it bounds the memory one record can
// take (a little read-ahead of the buffered reader counts too).
type limitedReader struct {
	r    io.Reader
	left int
}

func (l *limitedReader) reset() { l.left = MaxRecordBytes }

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, errRecordTooLong
	}
	if len(p) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= n
	return n, err
}
