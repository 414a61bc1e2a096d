package directory

import (
	"fmt"
	"slices"
	"strings"

	"interlend/internal/iso18626"
)

// Tolerance is a tolerance profile: the names of the deviations from the
// ISO 18626 schema we accept in a partner's messages, or "lenient" for
// all of them. The names are those of iso18626.Tolerance's fields with a
// lower-case first letter (emptyStatus, zeroDates, ...).
type Tolerance []string

// ToleranceLenient names every deviation at once.
const ToleranceLenient = "lenient"

// toleranceFlags maps each name to the field of iso18626.Tolerance it sets.
var toleranceFlags = []struct {
	name string
	set  func(*iso18626.Tolerance)
}{
	{"emptyStatus", func(t *iso18626.Tolerance) { t.EmptyStatus = true }},
	{"unqualifiedVersion", func(t *iso18626.Tolerance) { t.UnqualifiedVersion = true }},
	{"unqualifiedScheme", func(t *iso18626.Tolerance) { t.UnqualifiedScheme = true }},
	{"zeroDates", func(t *iso18626.Tolerance) { t.ZeroDates = true }},
	{"mapReasonForMessage", func(t *iso18626.Tolerance) { t.MapReasonForMessage = true }},
	{"nonStandardCodes", func(t *iso18626.Tolerance) { t.NonStandardCodes = true }},
	{"noNamespace", func(t *iso18626.Tolerance) { t.NoNamespace = true }},
	{"unknownElements", func(t *iso18626.Tolerance) { t.UnknownElements = true }},
}

// ToleranceNames lists the deviation names in display order.
func ToleranceNames() []string {
	out := make([]string, len(toleranceFlags))
	for i, f := range toleranceFlags {
		out[i] = f.name
	}
	return out
}

// Has reports whether the profile accepts the named deviation.
func (t Tolerance) Has(name string) bool {
	return slices.ContainsFunc(t, func(s string) bool {
		return strings.EqualFold(s, name) || strings.EqualFold(s, ToleranceLenient)
	})
}

// Parse turns the profile into the parser's Tolerance. Unknown names are
// an error.
func (t Tolerance) Parse() (iso18626.Tolerance, error) {
	var out iso18626.Tolerance
	for _, name := range t {
		if strings.EqualFold(name, ToleranceLenient) {
			return iso18626.Lenient(), nil
		}
		i := slices.IndexFunc(toleranceFlags, func(f struct {
			name string
			set  func(*iso18626.Tolerance)
		}) bool {
			return strings.EqualFold(f.name, name)
		})
		if i < 0 {
			return iso18626.Tolerance{}, fmt.Errorf("unknown tolerance %q (known: %s, or %s)", name, strings.Join(ToleranceNames(), ", "), ToleranceLenient)
		}
		toleranceFlags[i].set(&out)
	}
	return out, nil
}

// ISO18626 is Parse for a profile already validated: unknown names are
// ignored.
func (t Tolerance) ISO18626() iso18626.Tolerance {
	out, err := t.Parse()
	if err != nil {
		var partial iso18626.Tolerance
		for _, f := range toleranceFlags {
			if t.Has(f.name) {
				f.set(&partial)
			}
		}
		return partial
	}
	return out
}

// normalise writes known names in their canonical spelling, once each,
// in display order ("lenient" alone when it is given).
func (t Tolerance) normalise() Tolerance {
	if slices.ContainsFunc(t, func(s string) bool { return strings.EqualFold(strings.TrimSpace(s), ToleranceLenient) }) {
		return Tolerance{ToleranceLenient}
	}
	var out Tolerance
	for _, f := range toleranceFlags {
		if slices.ContainsFunc(t, func(s string) bool { return strings.EqualFold(strings.TrimSpace(s), f.name) }) {
			out = append(out, f.name)
		}
	}
	for _, s := range t {
		s = strings.TrimSpace(s)
		if s != "" && !out.Has(s) {
			out = append(out, s) // unknown: kept so that Validate reports it
		}
	}
	return out
}
