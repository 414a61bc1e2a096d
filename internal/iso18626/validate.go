package iso18626

import (
	"fmt"
	"strings"
)

// checker walks a message against the tables of its version.
type checker struct {
	v         Version
	tol       Tolerance
	shapeOnly bool // only what the version can represent (used by Parse)
	stack     []string
	out       Problems
	visit     func(element string, c Code) // called for every open code (CheckOpenCodes)
}

func (c *checker) push(name string) { c.stack = append(c.stack, name) }
func (c *checker) pop()             { c.stack = c.stack[:len(c.stack)-1] }

func (c *checker) add(t ErrorType, value string) {
	c.out = append(c.out, Problem{Path: strings.Join(c.stack, "/"), ErrorType: t, ErrorValue: value})
}

func checkTable[T any](c *checker, tb *table[T], t *T) {
	for i := range tb.fields {
		f := &tb.fields[i]
		name := f.nameFor(c.v)
		n := f.count(t)
		c.push(name)
		switch {
		case !f.in.has(c.v):
			if n > 0 {
				c.add(ErrUnrecognisedDataElement, name)
			}
		case n == 0:
			if !c.shapeOnly && f.req.has(c.v) && !f.emptyOK &&
				!(f.tolZero && c.tol.ZeroDates) && !(f.tolEmpt && c.tol.EmptyStatus) {
				c.add(ErrBadlyFormedMessage, strings.Join(c.stack, "/")+" is missing or empty")
			}
		default:
			if c.v == V1_2 && f.max12 > 0 && n > f.max12 {
				c.add(ErrBadlyFormedMessage, fmt.Sprintf("%s may occur at most %d time(s) in v1.2, found %d", name, f.max12, n))
			}
			if f.check != nil {
				f.check(c, name, t)
			}
		}
		c.pop()
	}
	if tb.check != nil {
		tb.check(c, t)
	}
}

// check runs the checker over the whole message.
func (c *checker) message(m *Message) Problems {
	if !m.Version.valid() {
		c.add(ErrBadlyFormedMessage, "message version not set")
		return c.out
	}
	if n := m.count(); n != 1 {
		c.add(ErrBadlyFormedMessage, fmt.Sprintf("ISO18626Message must hold exactly one message, found %d", n))
		return c.out
	}
	checkTable(c, &rootTable, m)
	return c.out
}

// shape lists what m holds that its version cannot represent: elements of
// the other version, too many repetitions. Parse refuses such input;
// Validate includes these problems.
func shape(m *Message, v Version) Problems {
	c := &checker{v: v, shapeOnly: true}
	return c.message(m)
}

// Validate checks m against the schema of m.Version: mandatory elements
// present and non-empty, closed codes in the version's lists, elements and
// repetitions the version allows, xs:decimal and integer ranges, the address
// choice. Each problem is in errorData form, ready for a confirmation with
// messageStatus ERROR. A nil result means m is valid and Marshal will write it.
//
// Values outside a closed list are reported as UnrecognisedDataValue, except
// action (UnsupportedActionType) and reasonForMessage
// (UnsupportedReasonForMessageType), always with the Annex B errorValue
// `element - Value = "x"`. Open codes are not checked here; see
// CheckOpenCodes.
func Validate(m *Message) Problems { return Tolerance{}.Validate(m) }

// Validate is Validate with this tolerance: an empty status (EmptyStatus)
// and a zero dateSent (ZeroDates) are not problems. Use it on incoming
// messages from a partner whose profile allows them; Marshal always uses
// the strict Validate.
func (t Tolerance) Validate(m *Message) Problems {
	if m == nil {
		return Problems{{ErrorType: ErrBadlyFormedMessage, ErrorValue: "no message"}}
	}
	c := &checker{v: m.Version, tol: t}
	return c.message(m)
}

// CheckOpenCodes reports open-code values that are not in the element's
// Annex B default list (when the code has no scheme or the default scheme),
// and schemes other than the default ones, as UnrecognisedDataValue. ISO
// 18626 asks a receiver to answer so when it cannot handle a value; whether
// to do so is the caller's policy, so Validate does not call this.
func CheckOpenCodes(m *Message) Problems {
	var out Problems
	visitCodes(m, func(path, element string, c Code) {
		l, ok := OpenLists[element]
		switch {
		case !ok:
		case c.Scheme != "" && c.Scheme != l.Scheme:
			out = append(out, Problem{Path: path, ErrorType: ErrUnrecognisedDataValue, ErrorValue: SchemeError(element, c.Scheme)})
		case !in(c.Value, l.Values):
			out = append(out, UnrecognisedValue(path, element, c))
		}
	})
	return out
}

// visitCodes calls fn for every open code set in m, with its path.
func visitCodes(m *Message, fn func(path, element string, c Code)) {
	c := &checker{v: m.Version, shapeOnly: true}
	c.visit = func(name string, code Code) { fn(strings.Join(c.stack, "/"), name, code) }
	c.message(m)
}
