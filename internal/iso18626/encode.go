package iso18626

import (
	"unicode/utf8"
)

// writer appends the XML of one message. Element names are written without
// a prefix (the root declares the ISO 18626 namespace as default); the only
// attributes below the root are ill:scheme.
type writer struct {
	b []byte
	v Version
}

func (w *writer) open(name string) {
	w.b = append(w.b, '<')
	w.b = append(w.b, name...)
	w.b = append(w.b, '>')
}

func (w *writer) close(name string) {
	w.b = append(w.b, "</"...)
	w.b = append(w.b, name...)
	w.b = append(w.b, '>')
}

func (w *writer) text(name, s string) {
	if s == "" {
		w.empty(name)
		return
	}
	w.open(name)
	w.b = appendEscaped(w.b, s, false)
	w.close(name)
}

func (w *writer) code(name string, c Code) {
	w.b = append(w.b, '<')
	w.b = append(w.b, name...)
	if c.Scheme != "" {
		w.b = append(w.b, ` `+Prefix+`:scheme="`...)
		w.b = appendEscaped(w.b, c.Scheme, true)
		w.b = append(w.b, '"')
	}
	if c.Value == "" {
		w.b = append(w.b, "/>"...)
		return
	}
	w.b = append(w.b, '>')
	w.b = appendEscaped(w.b, c.Value, false)
	w.close(name)
}

func (w *writer) empty(name string) {
	w.b = append(w.b, '<')
	w.b = append(w.b, name...)
	w.b = append(w.b, "/>"...)
}

func (w *writer) date(name string, d DateTime) {
	w.open(name)
	w.b = d.appendWire(w.b)
	w.close(name)
}

func writeTable[T any](w *writer, tb *table[T], t *T) {
	for i := range tb.fields {
		f := &tb.fields[i]
		if f.in.has(w.v) {
			f.write(w, f.nameFor(w.v), t, f.req.has(w.v))
		}
	}
}

// encode writes m in its version without validating it. The caller
// guarantees that m fits the version (Parse does; Marshal validates first).
func encode(m *Message) []byte {
	w := &writer{b: make([]byte, 0, 2048), v: m.Version}
	w.b = append(w.b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"...)
	w.b = append(w.b, `<ISO18626Message xmlns="`+Namespace+`" xmlns:`+Prefix+`="`+Namespace+`"`...)
	if m.SchemaLocation != "" {
		w.b = append(w.b, ` xmlns:xsi="`+xsiNamespace+`" xsi:schemaLocation="`...)
		w.b = appendEscaped(w.b, m.SchemaLocation, true)
		w.b = append(w.b, '"')
	}
	attr := m.VersionAttr
	if attr == "" {
		attr = m.Version.Attr()
	}
	w.b = append(w.b, ` `+Prefix+`:version="`...)
	w.b = appendEscaped(w.b, attr, true)
	w.b = append(w.b, `">`...)
	writeTable(w, &rootTable, m)
	w.b = append(w.b, "</ISO18626Message>\n"...)
	return w.b
}

// appendEscaped appends s as XML character data (or an attribute value).
// Characters XML cannot carry and invalid UTF-8 become U+FFFD; carriage
// returns (and in attributes tabs and newlines) are written as references
// so that they survive end-of-line and attribute normalisation.
func appendEscaped(b []byte, s string, attr bool) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '&' && c != '<' && c != '>' && c != '"' {
			i++
			continue
		}
		r, width := rune(c), 1
		if c >= utf8.RuneSelf {
			r, width = utf8.DecodeRuneInString(s[i:])
		}
		var esc string
		switch {
		case r == '&':
			esc = "&amp;"
		case r == '<':
			esc = "&lt;"
		case r == '>':
			esc = "&gt;"
		case r == '"' && attr:
			esc = "&quot;"
		case r == '\r':
			esc = "&#xD;"
		case r == '\n' && attr:
			esc = "&#xA;"
		case r == '\t' && attr:
			esc = "&#x9;"
		case r == utf8.RuneError && width == 1, !isXMLChar(r):
			esc = "\uFFFD"
		default:
			i += width
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		i += width
		last = i
	}
	return append(b, s[last:]...)
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}
