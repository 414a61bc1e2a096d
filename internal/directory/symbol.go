package directory

import (
	"fmt"
	"strings"
	"unicode"
)

// Symbol is an agency id of a library: a type (ISIL, OCLC, ...) and a
// value. It is written "TYPE:VALUE" ("ISIL:US-EXSUP", "OCLC:EXS") and
// compared case-insensitively.
type Symbol struct {
	Type  string
	Value string
}

// ParseSymbol reads "TYPE:VALUE". The type is upper-cased; the value is
// kept as given. The first colon separates them, as an ISIL's value may
// itself contain colons.
func ParseSymbol(s string) (Symbol, error) {
	s = strings.TrimSpace(s)
	typ, val, ok := strings.Cut(s, ":")
	typ, val = strings.TrimSpace(typ), strings.TrimSpace(val)
	if !ok || typ == "" || val == "" {
		return Symbol{}, fmt.Errorf("symbol %q: want TYPE:VALUE such as ISIL:US-EXSUP or OCLC:EXS", s)
	}
	for _, r := range typ {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return Symbol{}, fmt.Errorf("symbol %q: the type %q may hold only letters, digits, - and _", s, typ)
		}
	}
	for _, r := range val {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return Symbol{}, fmt.Errorf("symbol %q: the value may not contain spaces", s)
		}
	}
	return Symbol{Type: strings.ToUpper(typ), Value: val}, nil
}

// ISIL returns the symbol ISIL:value.
func ISIL(value string) Symbol { return Symbol{Type: "ISIL", Value: value} }

// String writes "TYPE:VALUE".
func (s Symbol) String() string { return s.Type + ":" + s.Value }

// Key is the case-folded form used for lookups.
func (s Symbol) Key() string { return strings.ToUpper(s.Type) + ":" + strings.ToUpper(s.Value) }

// ValueKey is the case-folded value alone (lookups by a bare value).
func (s Symbol) ValueKey() string { return strings.ToUpper(s.Value) }

// MarshalText writes "TYPE:VALUE".
func (s Symbol) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads "TYPE:VALUE".
func (s *Symbol) UnmarshalText(b []byte) error {
	v, err := ParseSymbol(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// LookupKeys returns the keys under which a symbol typed by a person or
// found in a message may be looked up: as a full symbol when it has the
// TYPE:VALUE form, and as a bare value (always).
func LookupKeys(s string) (symbolKey, valueKey string) {
	s = strings.TrimSpace(s)
	if sym, err := ParseSymbol(s); err == nil {
		symbolKey = sym.Key()
	}
	return symbolKey, strings.ToUpper(s)
}
