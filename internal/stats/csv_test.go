package stats_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"interlend/internal/stats"
)

// Cells a spreadsheet would run as formulas come out as text; the file
// starts with a byte order mark; everything else is untouched.
func TestCSVIsSpreadsheetSafe(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"=HYPERLINK(\"http://evil.example\",\"click\")", "'=HYPERLINK(\"http://evil.example\",\"click\")"},
		{"+1+1", "'+1+1"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'=1+1"}, // encoding/csv drops a lone CR in CRLF mode
		{"-5", "'-5"},
		{"Silent spring", "Silent spring"},
		{"a=b", "a=b"},
		{"", ""},
		{"图书馆学导论", "图书馆学导论"},
		{"'already quoted", "'already quoted"},
	}
	var buf bytes.Buffer
	flushed := 0
	w := stats.NewCSV(&buf, func() { flushed++ })
	for _, c := range cases {
		if err := w.Write(c.in, "x"); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if flushed != 1 || w.Rows() != len(cases) {
		t.Errorf("flushed %d times, %d rows", flushed, w.Rows())
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\ufeff") {
		t.Fatalf("no byte order mark: %q", out[:10])
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		if got := rows[i][0]; got != c.want {
			t.Errorf("cell %q came out as %q, want %q", c.in, got, c.want)
		}
	}
}

// Rows are flushed as they go: what the writer holds stays small however
// many rows pass through it.
func TestCSVStreams(t *testing.T) {
	t.Parallel()
	var sink countingWriter
	w := stats.NewCSV(&sink, nil)
	for i := range 20000 {
		if err := w.Write("row", strings.Repeat("x", 50), string(rune('a'+i%26))); err != nil {
			t.Fatal(err)
		}
		if i > 1000 && sink.n < int64(i)*50 {
			t.Fatalf("after %d rows only %d bytes reached the destination", i, sink.n)
		}
	}
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
