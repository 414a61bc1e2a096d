package iso18626

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"sort"
	"strings"
	"testing"
)

// canonical renders an XML document in a form where two documents with the
// same information compare equal: names resolved to {namespace}local,
// attributes sorted (namespace declarations dropped), comments, processing
// instructions and white-space-only text dropped, adjacent text joined.
func canonical(t testing.TB, doc []byte) string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	var out strings.Builder
	var text strings.Builder
	flush := func() {
		if s := text.String(); strings.TrimSpace(s) != "" {
			out.WriteString(strings.ReplaceAll(s, "\n", `\n`))
			out.WriteByte('\n')
		}
		text.Reset()
	}
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("canonical: %v", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			flush()
			var attrs []string
			for _, a := range tk.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue
				}
				attrs = append(attrs, "{"+a.Name.Space+"}"+a.Name.Local+"="+a.Value)
			}
			sort.Strings(attrs)
			out.WriteString(strings.Repeat("  ", depth) + "<{" + tk.Name.Space + "}" + tk.Name.Local)
			for _, a := range attrs {
				out.WriteString(" " + a)
			}
			out.WriteString(">\n")
			depth++
		case xml.EndElement:
			flush()
			depth--
			out.WriteString(strings.Repeat("  ", depth) + "</>\n")
		case xml.CharData:
			text.Write(tk)
		}
	}
	return out.String()
}

func TestCanonicalIgnoresPresentation(t *testing.T) {
	t.Parallel()
	a := `<?xml version="1.0"?><!-- c --><r xmlns="urn:x" xmlns:p="urn:x" p:b="2" p:a="1">
	  <c>text</c><c/>
	</r>`
	b := `<p:r xmlns:p="urn:x" p:a="1" p:b="2"><p:c>te<!-- split -->xt</p:c><p:c></p:c></p:r>`
	if ca, cb := canonical(t, []byte(a)), canonical(t, []byte(b)); ca != cb {
		t.Errorf("canonical forms differ:\n%s\n---\n%s", ca, cb)
	}
	c := `<r xmlns="urn:x" xmlns:p="urn:x" p:a="1" p:b="3"><c>text</c><c/></r>`
	if ca, cc := canonical(t, []byte(a)), canonical(t, []byte(c)); ca == cc {
		t.Errorf("canonical forms of documents with different attribute values are equal:\n%s", ca)
	}
}
