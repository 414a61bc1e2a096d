package iso18626

import (
	"errors"
	"fmt"
	"strings"
)

// AgencyID identifies a library (XSD type_agencyId): an open-code type such
// as ISIL and a value such as US-EXREQ. It is used for the supplying,
// requesting and consortial ids, supplierCode and returnAgencyId.
type AgencyID struct {
	Type  Code
	Value string
}

// ISIL returns the agency id of type ISIL with the given value.
func ISIL(value string) AgencyID { return AgencyID{Type: C(AgencyTypeISIL), Value: value} }

// IsZero reports whether neither type nor value is set.
func (a AgencyID) IsZero() bool { return a.Type.IsZero() && a.Value == "" }

// String is the symbol form used by ReShare and crosslink to key peers:
// type, colon, value ("ISIL:US-EXREQ"). The type's scheme is not shown.
func (a AgencyID) String() string { return a.Type.Value + ":" + a.Value }

// Equal compares two agency ids the way the identifiers are defined: type
// and value case-insensitively (ISIL uniqueness is case-insensitive), scheme
// ignored.
func (a AgencyID) Equal(b AgencyID) bool {
	return strings.EqualFold(a.Type.Value, b.Type.Value) && strings.EqualFold(a.Value, b.Value)
}

// ErrAgencySymbol is returned (wrapped) by ParseAgencyID for a malformed symbol.
var ErrAgencySymbol = errors.New("iso18626: agency symbol must be TYPE:VALUE")

// ParseAgencyID reads the symbol form "TYPE:VALUE" (e.g. "ISIL:US-EXREQ",
// "OCLC:AVL"). The first colon separates type and value, since an ISIL unit
// identifier may itself contain colons. The type is upper-cased (the
// recommended normal form); the value is kept as given.
func ParseAgencyID(s string) (AgencyID, error) {
	s = strings.TrimSpace(s)
	typ, val, ok := strings.Cut(s, ":")
	typ, val = strings.TrimSpace(typ), strings.TrimSpace(val)
	if !ok || typ == "" || val == "" || strings.ContainsAny(typ, " \t") {
		return AgencyID{}, fmt.Errorf("%w: %q", ErrAgencySymbol, s)
	}
	return AgencyID{Type: C(strings.ToUpper(typ)), Value: val}, nil
}
