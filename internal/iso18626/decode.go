package iso18626

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

const (
	xsiNamespace = "http://www.w3.org/2001/XMLSchema-instance"
	xmlNamespace = "http://www.w3.org/XML/1998/namespace"
	// maxSkipDepth bounds the nesting of an element skipped under
	// Tolerance.UnknownElements. Known elements cannot nest deeper than
	// the schema allows: an unexpected child stops the parse at once.
	maxSkipDepth = 64
	// maxValueQuote is how much of a bad value an errorValue quotes.
	maxValueQuote = 80
	// maxWarnings bounds the warnings of one parse (a hostile message could
	// carry millions of ignored attributes).
	maxWarnings = 100
)

// decoder reads tokens of one document into the model.
type decoder struct {
	x     *xml.Decoder
	tol   Tolerance
	warns []Warning
	stack []string // element path, for warnings and messages

	ev    [3]int    // strong structural evidence per version
	evWhy [3]string // first element that gave evidence for each version

	// alien is a foreign namespace read as ISO 18626's, only to salvage
	// the header of a message in the wrong namespace for its refusal.
	alien  string
	dupsOK bool // salvaging: duplicated attributes are read (the last wins)
	// missing is the path of the first mandatory element found absent
	// that Validate cannot see (field.present).
	missing string
}

func newDecoder(data []byte, tol Tolerance) *decoder {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // UTF-8 byte order mark
	x := xml.NewDecoder(bytes.NewReader(data))
	x.Strict = true // undefined entities are errors; no DTD is ever read
	return &decoder{x: x, tol: tol, stack: make([]string, 0, 8)}
}

func (d *decoder) push(name string) { d.stack = append(d.stack, name) }
func (d *decoder) pop()             { d.stack = d.stack[:len(d.stack)-1] }
func (d *decoder) path() string     { return strings.Join(d.stack, "/") }

func (d *decoder) warn(kind WarningKind, value, msg string) {
	d.warnAt(kind, d.path(), value, msg)
}

func (d *decoder) warnAt(kind WarningKind, path, value, msg string) {
	switch {
	case len(d.warns) < maxWarnings:
		d.warns = append(d.warns, Warning{Kind: kind, Path: path, Value: quote(value), Message: msg})
	case len(d.warns) == maxWarnings:
		d.warns = append(d.warns, Warning{Kind: kind, Path: path, Message: "too many warnings; the rest are dropped"})
	}
}

// vote records structural evidence for a version.
func (d *decoder) vote(m vmask, why string) {
	for _, v := range []Version{V1_2, V2021} {
		if m == 1<<v {
			if d.ev[v] == 0 {
				d.evWhy[v] = why
			}
			d.ev[v]++
		}
	}
}

// fail builds a ParseError at the current input position.
func (d *decoder) fail(t ErrorType, value string, err error) *ParseError {
	line, _ := d.x.InputPos()
	return &ParseError{ErrorType: t, ErrorValue: value, Line: line, Err: err}
}

func (d *decoder) badly(msg string, err error) *ParseError {
	return d.fail(ErrBadlyFormedMessage, msg, err)
}

// syntax maps a token error to BadlyFormedMessage.
func (d *decoder) syntax(err error) error {
	if errors.Is(err, io.EOF) {
		return d.badly("unexpected end of document", err)
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return d.fail(ErrBadlyFormedMessage, "not well-formed XML: "+quote(se.Msg), err)
	}
	return d.badly("not well-formed XML", err)
}

func (d *decoder) valueErr(se xml.StartElement, value string, err error) error {
	return d.fail(ErrUnrecognisedDataValue, ValueError(se.Name.Local, quote(value)), err)
}

func (d *decoder) duplicate(se xml.StartElement) error {
	return d.badly(se.Name.Local+" may occur only once in "+d.path(), nil)
}

// ours reports whether an element name space is the ISO 18626 namespace.
func (d *decoder) ours(space string) bool {
	return space == Namespace || (space == "" && d.tol.NoNamespace) || (d.alien != "" && space == d.alien)
}

// token returns the next token, mapping errors and refusing directives
// (<!DOCTYPE ...>): no DTD, so no entity expansion and no external entity.
func (d *decoder) token() (xml.Token, error) {
	tok, err := d.x.Token()
	if err != nil {
		return nil, d.syntax(err)
	}
	switch t := tok.(type) {
	case xml.Directive:
		return nil, d.badly("DTD and other <! directives are not allowed", nil)
	case xml.StartElement:
		if a, ok := duplicateAttr(t.Attr); ok && !d.dupsOK {
			// Not well-formed XML (Unique Att Spec; Namespaces in XML:
			// no two attributes with the same expanded name), which
			// encoding/xml does not check: refused, never first-wins.
			pe := d.badly("attribute "+quote(a)+" occurs twice in "+t.Name.Local, nil)
			pe.salvage = true
			return nil, pe
		}
	}
	return tok, nil
}

// duplicateAttr finds an attribute whose expanded name (namespace and
// local name) occurs twice in attrs. Elements carry at most maxAttributes
// attributes (checked before decoding), so pairwise is cheap.
func duplicateAttr(attrs []xml.Attr) (string, bool) {
	for i := 1; i < len(attrs); i++ {
		for j := range i {
			if attrs[i].Name == attrs[j].Name {
				name := attrs[i].Name.Local
				if sp := attrs[i].Name.Space; sp == Namespace {
					name = Prefix + ":" + name
				} else if sp != "" {
					name = sp + ":" + name
				}
				return name, true
			}
		}
	}
	return "", false
}

// next returns the next child element of the element being read, or
// ok=false at its end tag. Text other than white space is an error.
func (d *decoder) next() (se xml.StartElement, ok bool, err error) {
	for {
		tok, err := d.token()
		if err != nil {
			return se, false, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if d.ours(t.Name.Space) {
				return t, true, nil
			}
			if err := d.unknown(t); err != nil {
				return se, false, err
			}
		case xml.EndElement:
			return se, false, nil
		case xml.CharData:
			if !isBlank(t) {
				return se, false, d.badly("text is not allowed directly in "+d.path(), nil)
			}
		}
	}
}

// unknown handles an element the schema does not have here: an error, or
// skipped with a warning under Tolerance.UnknownElements.
func (d *decoder) unknown(se xml.StartElement) error {
	name := se.Name.Local
	if se.Name.Space != Namespace && se.Name.Space != "" {
		name = "{" + se.Name.Space + "}" + name
	}
	if !d.tol.UnknownElements {
		return d.fail(ErrUnrecognisedDataElement, quote(name), nil)
	}
	d.push(se.Name.Local)
	d.warn(WarnIgnoredElement, name, "unknown element skipped")
	d.pop()
	for depth := 1; depth > 0; {
		tok, err := d.token()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxSkipDepth {
				return d.badly("elements nested too deeply", nil)
			}
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// attrs checks the attributes of an element and returns its scheme when
// allowScheme is set. Namespace declarations, xsi: and xml: attributes are
// ignored silently, other unknown attributes with a warning.
func (d *decoder) attrs(se xml.StartElement, allowScheme bool) (scheme string, err error) {
	for _, a := range se.Attr {
		switch {
		case a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns"),
			a.Name.Space == xsiNamespace, a.Name.Space == xmlNamespace:
		case allowScheme && a.Name.Local == "scheme" && a.Name.Space == Namespace:
			scheme = strings.TrimSpace(a.Value)
		case allowScheme && a.Name.Local == "scheme" && (a.Name.Space == "" || a.Name.Space == Prefix):
			if !d.tol.UnqualifiedScheme && !d.tol.NoNamespace {
				return "", d.badly("the scheme attribute must be namespace-qualified (ill:scheme)", nil)
			}
			d.warn(WarnUnqualifiedAttribute, a.Value, "unqualified scheme attribute accepted")
			scheme = strings.TrimSpace(a.Value)
		default:
			d.warn(WarnIgnoredAttribute, a.Name.Local, "attribute ignored")
		}
	}
	return scheme, nil
}

// text reads the text content of a simple element; trim drops surrounding
// white space (for codes, numbers, dates), otherwise the text is kept as is.
func (d *decoder) text(se xml.StartElement, trim bool) (string, error) {
	if len(se.Attr) > 0 {
		if _, err := d.attrs(se, false); err != nil {
			return "", err
		}
	}
	return d.content(trim)
}

func (d *decoder) content(trim bool) (string, error) {
	var s string
	var buf []byte
	n := 0
	for {
		tok, err := d.token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			switch n {
			case 0:
				s = string(t)
			case 1:
				buf = append(append(buf, s...), t...)
			default:
				buf = append(buf, t...)
			}
			n++
		case xml.EndElement:
			if n > 1 {
				s = string(buf)
			}
			if trim {
				s = strings.TrimSpace(s)
			}
			return s, nil
		case xml.StartElement:
			if err := d.unknown(t); err != nil {
				return "", err
			}
		}
	}
}

// code reads an open-code element: text plus ill:scheme.
func (d *decoder) code(se xml.StartElement) (Code, error) {
	var scheme string
	if len(se.Attr) > 0 {
		var err error
		if scheme, err = d.attrs(se, true); err != nil {
			return Code{}, err
		}
	}
	s, err := d.content(true)
	return Code{Value: s, Scheme: scheme}, err
}

// date reads an xs:dateTime element.
func (d *decoder) date(se xml.StartElement) (DateTime, error) {
	s, err := d.text(se, true)
	if err != nil {
		return DateTime{}, err
	}
	v, perr := ParseDateTime(s)
	if perr != nil {
		if d.tol.ZeroDates && isZeroDateText(s) {
			d.warn(WarnZeroDate, s, "empty or zero date read as not given")
			return DateTime{}, nil
		}
		return DateTime{}, d.valueErr(se, s, perr)
	}
	if v.IsZero() {
		d.warn(WarnZeroDate, s, "zero date read as not given")
	}
	return v, nil
}

// readTable reads an element with child elements into t.
func readTable[T any](d *decoder, se xml.StartElement, tb *table[T], t *T) error {
	if len(se.Attr) > 0 {
		if _, err := d.attrs(se, false); err != nil {
			return err
		}
	}
	return readChildren(d, tb, t)
}

func readChildren[T any](d *decoder, tb *table[T], t *T) error {
	var seen uint64
	for {
		c, ok, err := d.next()
		if err != nil {
			return err
		}
		if !ok {
			for i := range tb.fields {
				if f := &tb.fields[i]; f.present && seen&(1<<i) == 0 && d.missing == "" {
					d.missing = d.path() + "/" + f.name
				}
			}
			return nil
		}
		i, as12 := tb.lookup(c.Name.Local)
		if i < 0 {
			if err := d.unknown(c); err != nil {
				return err
			}
			continue
		}
		f := &tb.fields[i]
		if !f.multi {
			if seen&(1<<i) != 0 {
				return d.duplicate(c)
			}
			seen |= 1 << i
		}
		ev := f.evid
		if ev == none && (f.in == only12 || f.in == only21) {
			ev = f.in
		}
		if f.name12 != "" {
			ev = only21
			if as12 {
				ev = only12
			}
		}
		if ev != none {
			d.vote(ev, c.Name.Local)
		}
		d.push(c.Name.Local)
		err = f.read(d, c, t)
		d.pop()
		if err != nil {
			return err
		}
	}
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// quote shortens a value for an error message or warning.
func quote(s string) string {
	if len(s) <= maxValueQuote {
		return s
	}
	cut := maxValueQuote
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
