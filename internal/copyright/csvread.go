package copyright

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
)

// LineError is a problem with one line of an imported file. Importers report
// it and carry on with the next line.
type LineError struct {
	Line int    `json:"line"`
	Msg  string `json:"message"`
}

func (e LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// sortProblems orders problems by line, keeping the order within a line.
func sortProblems(ps []LineError) {
	slices.SortStableFunc(ps, func(a, b LineError) int { return cmp.Compare(a.Line, b.Line) })
}

// maxFileLine bounds one physical line of an imported file.
const maxFileLine = 1 << 20

// maxQuotedLines bounds how many physical lines one quoted field may span
// before the record is declared broken; it stops one stray quote from
// swallowing the rest of the file.
const maxQuotedLines = 20

// record is one delimited record and the line it starts on.
type record struct {
	line   int
	fields []string
}

// readLines splits r into physical lines without their line ends, dropping
// a UTF-8 byte-order mark.
func readLines(r io.Reader) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxFileLine)
	var lines []string
	for sc.Scan() {
		l := strings.TrimSuffix(sc.Text(), "\r")
		if len(lines) == 0 {
			l = strings.TrimPrefix(l, "\ufeff")
		}
		lines = append(lines, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read line %d: %w", len(lines)+1, err)
	}
	return lines, nil
}

// sniffDelimiter picks tab or semicolon when the header line uses it and
// has no commas, else comma.
func sniffDelimiter(header string) byte {
	switch {
	case strings.Contains(header, ","):
		return ','
	case strings.Contains(header, "\t"):
		return '\t'
	case strings.Contains(header, ";"):
		return ';'
	}
	return ','
}

// splitCSV parses delimited records with RFC 4180 quoting, leniently: a
// quote inside an unquoted field is kept as text, and a quoted field left
// open for more than maxQuotedLines lines (or to the end of the file) is a
// LineError for its first line only, after which parsing resumes on the next
// line. Blank lines are skipped.
func splitCSV(lines []string, delim byte) ([]record, []LineError) {
	var recs []record
	var problems []LineError
	for i := 0; i < len(lines); {
		if strings.TrimSpace(lines[i]) == "" {
			i++
			continue
		}
		fields, used, ok := parseRecord(lines[i:], delim)
		if !ok {
			problems = append(problems, LineError{Line: i + 1, Msg: "unterminated quoted field; line skipped"})
			i++
			continue
		}
		recs = append(recs, record{line: i + 1, fields: fields})
		i += used
	}
	return recs, problems
}

// parseRecord parses one record starting at lines[0]; used is the number of
// physical lines it took.
func parseRecord(lines []string, delim byte) (fields []string, used int, ok bool) {
	var f strings.Builder
	line := lines[0]
	used = 1
	pos := 0
	for {
		// Start of a field.
		f.Reset()
		if pos < len(line) && line[pos] == '"' {
			pos++
			for {
				if pos >= len(line) {
					if used >= len(lines) || used > maxQuotedLines {
						return nil, 0, false
					}
					f.WriteByte('\n')
					line = lines[used]
					used++
					pos = 0
					continue
				}
				c := line[pos]
				if c == '"' {
					if pos+1 < len(line) && line[pos+1] == '"' {
						f.WriteByte('"')
						pos += 2
						continue
					}
					if pos+1 >= len(line) || line[pos+1] == delim {
						pos++
						break
					}
					// A lone quote inside a quoted field: keep it.
					f.WriteByte('"')
					pos++
					continue
				}
				f.WriteByte(c)
				pos++
			}
		} else {
			end := strings.IndexByte(line[pos:], delim)
			if end < 0 {
				end = len(line) - pos
			}
			f.WriteString(line[pos : pos+end])
			pos += end
		}
		fields = append(fields, f.String())
		if pos >= len(line) {
			return fields, used, true
		}
		pos++ // the delimiter
		if pos == len(line) {
			return append(fields, ""), used, true
		}
	}
}

// columns maps normalised header names to field positions.
type columns map[string]int

// headerKey normalises a column name: lower case, spaces and hyphens as
// underscores ("Journal Title" -> "journal_title").
func headerKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.Trim(strings.TrimSpace(s), `"`)))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(s)
}

func newColumns(header []string) columns {
	c := columns{}
	for i, h := range header {
		if k := headerKey(h); k != "" {
			if _, dup := c[k]; !dup {
				c[k] = i
			}
		}
	}
	return c
}

// has reports whether any of the names is a column.
func (c columns) has(names ...string) bool {
	for _, n := range names {
		if _, ok := c[n]; ok {
			return true
		}
	}
	return false
}

// get returns the trimmed value of the first named column present.
func (c columns) get(rec []string, names ...string) string {
	for _, n := range names {
		if i, ok := c[n]; ok {
			if i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
	}
	return ""
}
