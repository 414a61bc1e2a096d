package wire

import (
	"strings"

	"interlend/internal/ill"
	"interlend/internal/iso18626"
)

// Agencies maps between Interlend's agency ids and the agency ids of the
// wire (agencyIdType + agencyIdValue). The directory provides the real
// mapping; ISIL is the default.
type Agencies interface {
	// Ref is the wire id of an agency.
	Ref(ill.AgencyID) iso18626.AgencyID
	// ID is the agency a wire id names, and false when it names none
	// Interlend knows (Decode then fails with a *DataError).
	ID(iso18626.AgencyID) (ill.AgencyID, bool)
}

// ISIL treats every Interlend agency id as an ISIL (ISO 15511), which is
// what they usually are ("US-EXREQ"):
//
//   - Ref writes agencyIdType ISIL (no scheme: the default list) with the id
//     as value.
//   - ID reads an ISIL-typed id (type compared case-insensitively, scheme
//     ignored) as its value, trimmed, in the case received.
//   - ID also reads agencyIdType OCLC, which some partners use for OCLC
//     symbols: OCLC symbols have the ISIL form "OCLC-<symbol>" (OCLC is a
//     registered non-country ISIL prefix), so type OCLC value "XYZ" and type
//     ISIL value "OCLC-XYZ" both name the agency "OCLC-XYZ"; a value that
//     already starts with "OCLC-" is not prefixed twice. Ref always writes
//     the ISIL form.
//   - Any other type (ICOLC, DNUCNI, private schemes) and empty values are
//     not recognised.
type ISIL struct{}

var _ Agencies = ISIL{}

// Ref returns the ISIL-typed wire id of id.
func (ISIL) Ref(id ill.AgencyID) iso18626.AgencyID { return iso18626.ISIL(string(id)) }

// ID returns the agency an ISIL- or OCLC-typed wire id names.
func (ISIL) ID(a iso18626.AgencyID) (ill.AgencyID, bool) {
	v := strings.TrimSpace(a.Value)
	if v == "" {
		return "", false
	}
	switch strings.ToUpper(strings.TrimSpace(a.Type.Value)) {
	case iso18626.AgencyTypeISIL:
		return ill.AgencyID(v), true
	case "OCLC":
		if len(v) > 5 && strings.EqualFold(v[:5], "OCLC-") {
			return ill.AgencyID(v), true
		}
		return ill.AgencyID("OCLC-" + v), true
	}
	return "", false
}

// agency decodes the agency id in header element field. A missing id is
// "" (the 2021 request header may omit supplyingAgencyId); an id the
// mapping does not know is a *DataError naming the field.
func agency(ids Agencies, field string, a iso18626.AgencyID) (ill.AgencyID, error) {
	if a.IsZero() {
		return "", nil
	}
	if id, ok := ids.ID(a); ok {
		return id, nil
	}
	value := a.Value
	if !strings.EqualFold(a.Type.Value, iso18626.AgencyTypeISIL) {
		value = a.String() // TYPE:VALUE, so the partner sees which type we refused
	}
	return "", newDataError(iso18626.ErrUnrecognisedDataValue, iso18626.ValueError(field, value),
		"unknown agency "+a.String()+" in "+field)
}
