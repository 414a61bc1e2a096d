package migrate

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Problem is a row an import cannot map, by line (the header is line 1).
type Problem struct {
	Line   int    `json:"line"`
	Number string `json:"number,omitempty"` // the row's key (transaction number, username, lender), when read
	Reason string `json:"reason"`
}

// Skipped is a row read and deliberately left out (Doc Del, say).
type Skipped = Problem

// row is one data row of a file, read by our field names.
type row struct {
	line int
	get  func(field string) string
}

// table reads a delimited file with a header row, with rows handed out
// by our field names through a mapping. Rows with the wrong number of
// columns become problems.
type table struct {
	rows     []row
	problems []Problem
	missing  []string // mapped columns the header does not have
}

// maxFile bounds an import file.
const maxFile = 256 << 20

func readTable(r io.Reader, m *Mapping, k Kind) (*table, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFile {
		return nil, fmt.Errorf("the file is larger than %d MB", maxFile>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bufio.NewReader(bytes.NewReader(data)))
	if bytes.Count(first, []byte("\t")) > bytes.Count(first, []byte(",")) {
		cr.Comma = '\t'
	}
	cr.FieldsPerRecord, cr.LazyQuotes, cr.ReuseRecord = -1, true, false
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("line 1: no header row: %w", err)
	}
	index := map[string]int{}
	for i, h := range header {
		index[strings.ToLower(strings.TrimSpace(h))] = i
	}
	t := &table{}
	cols := map[string]int{}
	for field, col := range m.Columns[k] {
		if i, ok := index[strings.ToLower(col)]; ok {
			cols[field] = i
		} else {
			t.missing = append(t.missing, col)
		}
	}
	key := Fields[k][0]
	if _, ok := cols[key]; !ok {
		return nil, fmt.Errorf("line 1: no %s column (%s)", m.column(k, key), key)
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				t.problems = append(t.problems, Problem{Line: pe.StartLine, Reason: "unreadable row: " + pe.Err.Error()})
				continue
			}
			return nil, err
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		if len(rec) != len(header) {
			p := Problem{Line: line, Reason: fmt.Sprintf("%d columns where the header has %d", len(rec), len(header))}
			if i, ok := cols[key]; ok && i < len(rec) {
				p.Number = strings.TrimSpace(rec[i])
			}
			t.problems = append(t.problems, p)
			continue
		}
		t.rows = append(t.rows, row{line: line, get: func(field string) string {
			if i, ok := cols[field]; ok {
				v := strings.TrimSpace(rec[i])
				if strings.EqualFold(v, "NULL") {
					return ""
				}
				return v
			}
			return ""
		}})
	}
	return t, nil
}

var dateLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02 15:04",
	"2006-01-02",
	"1/2/2006 3:04:05 PM",
	"1/2/2006 3:04 PM",
	"1/2/2006 15:04:05",
	"1/2/2006 15:04",
	"1/2/2006",
}

// parseDate reads the date formats SQL Server and Excel exports use, as
// times in loc.
func parseDate(s string, loc *time.Location) (time.Time, bool) {
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil && t.Year() >= 1970 && t.Year() < 2200 {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
