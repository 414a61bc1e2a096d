package stats

import (
	"encoding/csv"
	"io"
	"strings"
)

// CSV writes spreadsheet-safe CSV as it goes, in constant memory:
//   - it starts with a UTF-8 byte order mark, so that Excel reads the file
//     as UTF-8 (names in any script survive a double click);
//   - a cell that starts with =, +, -, @, a tab or a carriage return gets
//     an apostrophe in front, so that a spreadsheet shows it as text and
//     never runs it as a formula ("=HYPERLINK(…)" typed into a citation
//     stays harmless). Negative numbers therefore arrive as text; the
//     exports write none.
//
// Rows go through a small buffer that is flushed every flushEvery rows.
type CSV struct {
	w    *csv.Writer
	n    int
	err  error
	sync func() // flushes the destination too (an HTTP response), if set
}

const flushEvery = 500

// bom is the UTF-8 byte order mark.
const bom = "\ufeff"

// NewCSV starts a CSV on w; flush, when not nil, is called after each
// buffer flush (http.Flusher.Flush streams an HTTP response).
func NewCSV(w io.Writer, flush func()) *CSV {
	c := &CSV{w: csv.NewWriter(w), sync: flush}
	_, c.err = io.WriteString(w, bom)
	c.w.UseCRLF = true
	return c
}

// SafeCell escapes a cell that a spreadsheet would read as a formula.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Write writes one row (cells escaped with SafeCell).
func (c *CSV) Write(cells ...string) error {
	if c.err != nil {
		return c.err
	}
	for i, s := range cells {
		cells[i] = SafeCell(s)
	}
	if c.err = c.w.Write(cells); c.err != nil {
		return c.err
	}
	c.n++
	if c.n%flushEvery == 0 {
		return c.Flush()
	}
	return nil
}

// Rows is the number of rows written.
func (c *CSV) Rows() int { return c.n }

// Flush writes out what is buffered.
func (c *CSV) Flush() error {
	if c.err != nil {
		return c.err
	}
	c.w.Flush()
	if c.err = c.w.Error(); c.err == nil && c.sync != nil {
		c.sync()
	}
	return c.err
}
