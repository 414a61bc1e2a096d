package marc

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
)

// XMLWriter writes records as a MARCXML <collection>. Call Close to end the
// collection; it does not close the underlying writer.
type XMLWriter struct {
	w       *bufio.Writer
	started bool
	closed  bool
	Indent  bool // one element per line, indented (default true via NewXMLWriter)
}

// NewXMLWriter returns an XMLWriter writing to w.
func NewXMLWriter(w io.Writer) *XMLWriter {
	return &XMLWriter{w: bufio.NewWriter(w), Indent: true}
}

// Write writes one record into the collection.
func (x *XMLWriter) Write(r *Record) error {
	if x.closed {
		return fmt.Errorf("marc: write after Close")
	}
	if !x.started {
		x.started = true
		x.w.WriteString(xml.Header)
		x.w.WriteString(`<collection xmlns="` + NS + `">`)
		x.nl()
	}
	x.writeRecord(r, false)
	return x.flushErr()
}

// Close ends the collection (an empty one when nothing was written).
func (x *XMLWriter) Close() error {
	if x.closed {
		return nil
	}
	if !x.started {
		x.started = true
		x.w.WriteString(xml.Header)
		x.w.WriteString(`<collection xmlns="` + NS + `">`)
	}
	x.closed = true
	x.w.WriteString("</collection>\n")
	return x.flushErr()
}

// MarshalXMLRecord returns r as a standalone MARCXML <record> with the
// namespace declared on it.
func MarshalXMLRecord(r *Record) ([]byte, error) {
	var buf bufferWriter
	x := &XMLWriter{w: bufio.NewWriter(&buf), Indent: true}
	x.writeRecord(r, true)
	if err := x.flushErr(); err != nil {
		return nil, err
	}
	return buf.b, nil
}

type bufferWriter struct{ b []byte }

func (b *bufferWriter) Write(p []byte) (int, error) { b.b = append(b.b, p...); return len(p), nil }

func (x *XMLWriter) nl() {
	if x.Indent {
		x.w.WriteByte('\n')
	}
}

func (x *XMLWriter) indent(n int) {
	if x.Indent {
		for range n {
			x.w.WriteString("  ")
		}
	}
}

func (x *XMLWriter) writeRecord(r *Record, standalone bool) {
	lvl := 1
	if standalone {
		lvl = 0
		x.w.WriteString(`<record xmlns="` + NS + `">`)
	} else {
		x.indent(lvl)
		x.w.WriteString("<record>")
	}
	x.nl()
	x.indent(lvl + 1)
	x.w.WriteString("<leader>")
	x.text(r.Leader)
	x.w.WriteString("</leader>")
	x.nl()
	for i := range r.Fields {
		f := &r.Fields[i]
		x.indent(lvl + 1)
		if f.IsControl() {
			x.w.WriteString(`<controlfield tag="`)
			x.text(f.Tag)
			x.w.WriteString(`">`)
			x.text(f.Value)
			x.w.WriteString("</controlfield>")
			x.nl()
			continue
		}
		x.w.WriteString(`<datafield tag="`)
		x.text(f.Tag)
		x.w.WriteString(`" ind1="`)
		x.text(string(orBlank(f.Ind1)))
		x.w.WriteString(`" ind2="`)
		x.text(string(orBlank(f.Ind2)))
		x.w.WriteString(`">`)
		x.nl()
		for _, sf := range f.Subfields {
			x.indent(lvl + 2)
			x.w.WriteString(`<subfield code="`)
			x.text(string(sf.Code))
			x.w.WriteString(`">`)
			x.text(sf.Value)
			x.w.WriteString("</subfield>")
			x.nl()
		}
		x.indent(lvl + 1)
		x.w.WriteString("</datafield>")
		x.nl()
	}
	x.indent(lvl)
	x.w.WriteString("</record>")
	x.nl()
}

// text writes s escaped; characters XML cannot carry become U+FFFD.
func (x *XMLWriter) text(s string) {
	_ = xml.EscapeText(x.w, []byte(s))
}

func (x *XMLWriter) flushErr() error {
	if err := x.w.Flush(); err != nil {
		return fmt.Errorf("marc: write MARCXML: %w", err)
	}
	return nil
}
