package iso18626

import (
	"encoding/xml"
	"strconv"
)

// The schema of both versions is described once, as tables of fields per
// element, in XSD order. The order of every element sequence is the same in
// both XSDs once the elements only one version has are left out (checked
// for every element); the exceptions are bibliographicItemId, whose two
// children swap, and the v1.2 retry data that lives in messageInfo. The
// reader, the writer and the checker (shape and validation) all walk these
// tables, so the three cannot drift apart.

// vmask is a set of versions.
type vmask uint8

const (
	none   vmask = 0
	only12 vmask = 1 << V1_2
	only21 vmask = 1 << V2021
	both         = only12 | only21
)

func (m vmask) has(v Version) bool { return m&(1<<v) != 0 }

// field describes one child element of T.
type field[T any] struct {
	name   string // element name (2021 spelling)
	name12 string // v1.2 name when it differs
	in     vmask  // versions that have the element
	req    vmask  // versions where it is mandatory (written even when empty)
	evid   vmask  // version the element's presence is evidence for; defaults to in when in is one version
	multi  bool   // may repeat
	max12  int    // most occurrences allowed in v1.2 (0: no limit beyond multi)

	emptyOK bool // mandatory but may be empty (v1.2 multipleItemRequestId): never reported missing
	tolZero bool // Tolerance.ZeroDates accepts a zero value (dateSent)
	tolEmpt bool // Tolerance.EmptyStatus accepts an empty value (status)

	read  func(d *decoder, se xml.StartElement, t *T) error
	write func(w *writer, name string, t *T, required bool)
	count func(t *T) int // occurrences in the model
	// present: a mandatory element held by value whose children are all
	// optional, so that an empty value cannot tell "absent" from "empty":
	// the decoder notes its absence (Parse refuses the message).
	present bool
	check   func(c *checker, name string, t *T) // value and nested checks, called when count > 0
}

func (f field[T]) nameFor(v Version) string {
	if v == V1_2 && f.name12 != "" {
		return f.name12
	}
	return f.name
}

func (f field[T]) as12(name string) field[T] { f.name12 = name; return f }
func (f field[T]) max(n int) field[T]        { f.max12 = n; return f }
func (f field[T]) evidence(m vmask) field[T] { f.evid = m; return f }
func (f field[T]) mayBeEmpty() field[T]      { f.emptyOK = true; return f }
func (f field[T]) zeroTolerable() field[T]   { f.tolZero = true; return f }
func (f field[T]) emptyTolerable() field[T]  { f.tolEmpt = true; return f }

// mustAppear marks a by-value mandatory element whose absence the
// decoder must notice (see field.present).
func (f field[T]) mustAppear() field[T] { f.present = true; return f }

// table is the description of an element with child elements.
type table[T any] struct {
	fields []field[T]
	check  func(c *checker, t *T) // element-level rule (e.g. a choice), may be nil
}

func (tb *table[T]) lookup(name string) (i int, as12 bool) {
	for i := range tb.fields {
		f := &tb.fields[i]
		if f.name == name {
			return i, false
		}
		if f.name12 == name {
			return i, true
		}
	}
	return -1, false
}

// ---- field constructors ----

func fText[T any](name string, in, req vmask, get func(*T) *string) field[T] {
	return field[T]{name: name, in: in, req: req,
		read: func(d *decoder, se xml.StartElement, t *T) error {
			s, err := d.text(se, false)
			*get(t) = s
			return err
		},
		write: func(w *writer, name string, t *T, required bool) {
			if s := *get(t); s != "" || required {
				w.text(name, s)
			}
		},
		count: func(t *T) int { return b2i(*get(t) != "") },
	}
}

func fTexts[T any](name string, in vmask, get func(*T) *[]string) field[T] {
	return field[T]{name: name, in: in, multi: true,
		read: func(d *decoder, se xml.StartElement, t *T) error {
			s, err := d.text(se, false)
			*get(t) = append(*get(t), s)
			return err
		},
		write: func(w *writer, name string, t *T, _ bool) {
			for _, s := range *get(t) {
				w.text(name, s)
			}
		},
		count: func(t *T) int { return len(*get(t)) },
	}
}

func fCode[T any](name string, in, req vmask, get func(*T) *Code) field[T] {
	return field[T]{name: name, in: in, req: req,
		read: func(d *decoder, se xml.StartElement, t *T) error {
			c, err := d.code(se)
			*get(t) = c
			return err
		},
		write: func(w *writer, name string, t *T, required bool) {
			if c := *get(t); !c.IsZero() || required {
				w.code(name, c)
			}
		},
		count: func(t *T) int { return b2i(!get(t).IsZero()) },
		check: func(c *checker, name string, t *T) {
			if c.visit != nil {
				c.visit(name, *get(t))
			}
		},
	}
}

func fCodes[T any](name string, in vmask, get func(*T) *[]Code) field[T] {
	return field[T]{name: name, in: in, multi: true,
		read: func(d *decoder, se xml.StartElement, t *T) error {
			c, err := d.code(se)
			*get(t) = append(*get(t), c)
			return err
		},
		write: func(w *writer, name string, t *T, _ bool) {
			for _, c := range *get(t) {
				w.code(name, c)
			}
		},
		count: func(t *T) int { return len(*get(t)) },
		check: func(c *checker, name string, t *T) {
			if c.visit != nil {
				for _, x := range *get(t) {
					c.visit(name, x)
				}
			}
		},
	}
}

// enum is a closed code type.
type enum interface {
	~string
	Valid(Version) bool
}

// fEnum is a closed-code element; bad is the errorType for a value outside
// the list (UnsupportedActionType for action, ...).
func fEnum[T any, E enum](name string, in, req vmask, bad ErrorType, get func(*T) *E) field[T] {
	return field[T]{name: name, in: in, req: req,
		read: func(d *decoder, se xml.StartElement, t *T) error {
			s, err := d.text(se, true)
			*get(t) = E(s)
			return err
		},
		write: func(w *writer, name string, t *T, required bool) {
			if e := *get(t); e != "" || required {
				w.text(name, string(e))
			}
		},
		count: func(t *T) int { return b2i(*get(t) != "") },
		check: func(c *checker, name string, t *T) {
			if e := *get(t); !c.shapeOnly && !e.Valid(c.v) {
				c.add(bad, ValueError(name, string(e)))
			}
		},
	}
}

func fEnums[T any, E enum](name string, in vmask, get func(*T) *[]E) field[T] {
	return field[T]{name: name, in: in, multi: true,
		read: func(d *decoder, se xml.StartElement, t *T) error {
			s, err := d.text(se, true)
			*get(t) = append(*get(t), E(s))
			return err
		},
		write: func(w *writer, name string, t *T, _ bool) {
			for _, e := range *get(t) {
				w.text(name, string(e))
			}
		},
		count: func(t *T) int { return len(*get(t)) },
		check: func(c *checker, name string, t *T) {
			for _, e := range *get(t) {
				if !c.shapeOnly && !e.Valid(c.v) {
					c.add(ErrUnrecognisedDataValue, ValueError(name, string(e)))
				}
			}
		},
	}
}

func fDate[T any](name string, in, req vmask, get func(*T) *DateTime) field[T] {
	return field[T]{name: name, in: in, req: req,
		read: func(d *decoder, se xml.StartElement, t *T) error {
			v, err := d.date(se)
			*get(t) = v
			return err
		},
		write: func(w *writer, name string, t *T, required bool) {
			if v := *get(t); !v.IsZero() || required {
				w.date(name, v)
			}
		},
		count: func(t *T) int { return b2i(!get(t).IsZero()) },
		check: func(c *checker, name string, t *T) {
			if !get(t).writable() {
				c.add(ErrUnrecognisedDataValue, ValueError(name, get(t).Time.String()))
			}
		},
	}
}

// fInt is an optional xs:integer (sortOrder), at least 0 in 2021.
func fInt[T any](name string, in vmask, get func(*T) **int) field[T] {
	return field[T]{name: name, in: in,
		read: func(d *decoder, se xml.StartElement, t *T) error {
			s, err := d.text(se, true)
			if err != nil {
				return err
			}
			n, err := strconv.Atoi(s)
			if err != nil {
				return d.valueErr(se, s, err)
			}
			*get(t) = &n
			return nil
		},
		write: func(w *writer, name string, t *T, _ bool) {
			if p := *get(t); p != nil {
				w.text(name, strconv.Itoa(*p))
			}
		},
		count: func(t *T) int { return b2i(*get(t) != nil) },
		check: func(c *checker, name string, t *T) {
			if n := **get(t); c.v == V2021 && n < 0 && !c.shapeOnly {
				c.add(ErrUnrecognisedDataValue, ValueError(name, strconv.Itoa(n)))
			}
		},
	}
}

func fBool[T any](name string, in vmask, get func(*T) **bool) field[T] {
	return field[T]{name: name, in: in,
		read: func(d *decoder, se xml.StartElement, t *T) error {
			s, err := d.text(se, true)
			if err != nil {
				return err
			}
			var b bool
			switch s {
			case "true", "1":
				b = true
			case "false", "0":
			default:
				return d.valueErr(se, s, nil)
			}
			*get(t) = &b
			return nil
		},
		write: func(w *writer, name string, t *T, _ bool) {
			if p := *get(t); p != nil {
				w.text(name, strconv.FormatBool(*p))
			}
		},
		count: func(t *T) int { return b2i(*get(t) != nil) },
	}
}

func fDecimal[T any](name string, get func(*T) *Decimal) field[T] {
	return field[T]{name: name, in: both, req: both,
		read: func(d *decoder, se xml.StartElement, t *T) error {
			s, err := d.text(se, true)
			if err != nil {
				return err
			}
			if !Decimal(s).Valid() {
				return d.valueErr(se, s, nil)
			}
			*get(t) = Decimal(s)
			return nil
		},
		write: func(w *writer, name string, t *T, _ bool) { w.text(name, string(*get(t))) },
		count: func(t *T) int { return b2i(*get(t) != "") },
		check: func(c *checker, name string, t *T) {
			if d := *get(t); !d.Valid() {
				c.add(ErrUnrecognisedDataValue, ValueError(name, string(d)))
			}
		},
	}
}

// fStruct is a child element held by value (always present in the model).
func fStruct[T, U any](name string, in, req vmask, tb *table[U], get func(*T) *U) field[T] {
	return field[T]{name: name, in: in, req: req,
		read: func(d *decoder, se xml.StartElement, t *T) error {
			return readTable(d, se, tb, get(t))
		},
		write: func(w *writer, name string, t *T, _ bool) {
			w.open(name)
			writeTable(w, tb, get(t))
			w.close(name)
		},
		count: func(*T) int { return 1 },
		check: func(c *checker, _ string, t *T) { checkTable(c, tb, get(t)) },
	}
}

// fAgency is an agency id held by value: written when set or mandatory.
func fAgency[T any](name string, in, req vmask, get func(*T) *AgencyID) field[T] {
	return field[T]{name: name, in: in, req: req,
		read: func(d *decoder, se xml.StartElement, t *T) error {
			return readTable(d, se, &agencyTable, get(t))
		},
		write: func(w *writer, name string, t *T, required bool) {
			if a := get(t); !a.IsZero() || required {
				w.open(name)
				writeTable(w, &agencyTable, a)
				w.close(name)
			}
		},
		count: func(t *T) int { return b2i(!get(t).IsZero()) },
		check: func(c *checker, _ string, t *T) { checkTable(c, &agencyTable, get(t)) },
	}
}

// fPtr is an optional child element held by pointer.
func fPtr[T, U any](name string, in, req vmask, tb *table[U], get func(*T) **U) field[T] {
	return field[T]{name: name, in: in, req: req,
		read: func(d *decoder, se xml.StartElement, t *T) error {
			u := new(U)
			*get(t) = u
			return readTable(d, se, tb, u)
		},
		write: func(w *writer, name string, t *T, _ bool) {
			if u := *get(t); u != nil {
				w.open(name)
				writeTable(w, tb, u)
				w.close(name)
			}
		},
		count: func(t *T) int { return b2i(*get(t) != nil) },
		check: func(c *checker, _ string, t *T) { checkTable(c, tb, *get(t)) },
	}
}

// fSlice is a repeatable child element.
func fSlice[T, U any](name string, in vmask, tb *table[U], get func(*T) *[]U) field[T] {
	return field[T]{name: name, in: in, multi: true,
		read: func(d *decoder, se xml.StartElement, t *T) error {
			s := get(t)
			*s = append(*s, *new(U))
			return readTable(d, se, tb, &(*s)[len(*s)-1])
		},
		write: func(w *writer, name string, t *T, _ bool) {
			s := *get(t)
			for i := range s {
				w.open(name)
				writeTable(w, tb, &s[i])
				w.close(name)
			}
		},
		count: func(t *T) int { return len(*get(t)) },
		check: func(c *checker, _ string, t *T) {
			s := *get(t)
			for i := range s {
				checkTable(c, tb, &s[i])
			}
		},
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
