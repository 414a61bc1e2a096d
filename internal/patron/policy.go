package patron

import (
	"encoding/json"
	"fmt"
	"strings"

	"interlend/internal/ill"
)

// SettingKey is the agency setting that holds an agency's Policy as JSON.
const SettingKey = "patron.categories"

// Limits bound what one patron may ask for. Zero means no limit.
type Limits struct {
	// MaxOpen is how many requests a patron may have open at once.
	MaxOpen int `json:"maxOpen"`
	// MaxPerDay is how many requests a patron may place in one day.
	MaxPerDay int `json:"maxPerDay"`
	// NoRequests means the patron may not place requests at all.
	NoRequests bool `json:"noRequests"`
}

// Category is a patron category (an ILS patron group such as
// "undergraduate") and its limits.
type Category struct {
	// Code is the category as it appears in patron records; it is matched
	// without regard to case or surrounding space.
	Code string `json:"code"`
	// Name is shown to staff and patrons ("Undergraduate student").
	Name string `json:"name"`
	Limits
}

// Policy is an agency's patron categories. Patrons whose category is
// empty or not listed get the Other limits. (The Other limits are kept as
// top-level fields so that the admin area's form shows them as fields.)
type Policy struct {
	Categories      []Category `json:"categories"`
	OtherMaxOpen    int        `json:"otherMaxOpen"`
	OtherMaxPerDay  int        `json:"otherMaxPerDay"`
	OtherNoRequests bool       `json:"otherNoRequests"`
}

// Other is the limits of patrons whose category is not listed.
func (p Policy) Other() Limits {
	return Limits{MaxOpen: p.OtherMaxOpen, MaxPerDay: p.OtherMaxPerDay, NoRequests: p.OtherNoRequests}
}

// maxLimit is the largest limit accepted: anything higher is a typing
// mistake, and 0 already means "no limit".
const maxLimit = 100000

// DefaultPolicy is used until an agency stores its own: the categories of
// an academic library and a public one, with limits an ILL department
// would start with.
func DefaultPolicy() Policy {
	return Policy{
		Categories: []Category{
			{Code: "undergraduate", Name: "Undergraduate", Limits: Limits{MaxOpen: 10, MaxPerDay: 5}},
			{Code: "graduate", Name: "Graduate", Limits: Limits{MaxOpen: 25, MaxPerDay: 10}},
			{Code: "faculty", Name: "Faculty", Limits: Limits{MaxOpen: 50, MaxPerDay: 20}},
			{Code: "staff", Name: "Staff", Limits: Limits{MaxOpen: 25, MaxPerDay: 10}},
			{Code: "public", Name: "Public", Limits: Limits{MaxOpen: 5, MaxPerDay: 2}},
		},
		OtherMaxOpen:   10,
		OtherMaxPerDay: 5,
	}
}

// ParsePolicy reads a Policy from its JSON form and validates it. Unknown
// fields are refused (a misspelt "maxopen" must not silently mean "no
// limit"). Returns Invalid.
func ParsePolicy(data []byte) (Policy, error) {
	var p Policy
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Policy{}, ill.E(ill.Invalid, "the patron categories are not valid JSON: "+err.Error())
	}
	if dec.More() {
		return Policy{}, ill.E(ill.Invalid, "the patron categories hold more than one JSON value")
	}
	if err := p.Validate(); err != nil {
		return Policy{}, err
	}
	return p, nil
}

// Validate checks codes (present, unique, short) and limits (0 to
// 100000). Returns Invalid with a field per problem, named as the admin
// area's form names them ("categories.2.code", "otherMaxOpen").
func (p Policy) Validate() error {
	fields := map[string]string{}
	seen := map[string]int{}
	for i, c := range p.Categories {
		key := fmt.Sprintf("categories.%d", i)
		code := normCode(c.Code)
		switch {
		case code == "":
			fields[key+".code"] = "a category needs a code"
		case len(code) > 64:
			fields[key+".code"] = "a category code may have at most 64 characters"
		case strings.ContainsFunc(code, isControl):
			fields[key+".code"] = "a category code may not hold control characters"
		default:
			if j, dup := seen[code]; dup {
				fields[key+".code"] = fmt.Sprintf("category %q is listed twice (also in row %d)", c.Code, j+1)
			}
			seen[code] = i
		}
		if len(c.Name) > 200 {
			fields[key+".name"] = "a category name may have at most 200 characters"
		}
		checkLimits(fields, key+".maxOpen", key+".maxPerDay", c.Limits)
	}
	checkLimits(fields, "otherMaxOpen", "otherMaxPerDay", p.Other())
	if len(fields) > 0 {
		return ill.E(ill.Invalid, "the patron categories need correcting", fields)
	}
	return nil
}

func checkLimits(fields map[string]string, openKey, dayKey string, l Limits) {
	if l.MaxOpen < 0 || l.MaxOpen > maxLimit {
		fields[openKey] = fmt.Sprintf("give a number from 0 (no limit) to %d", maxLimit)
	}
	if l.MaxPerDay < 0 || l.MaxPerDay > maxLimit {
		fields[dayKey] = fmt.Sprintf("give a number from 0 (no limit) to %d", maxLimit)
	}
}

// Lookup finds the category with code (case-insensitively). ok is false
// when the code is not listed; the returned Category then has the code,
// no name and the Other limits.
func (p Policy) Lookup(code string) (c Category, ok bool) {
	n := normCode(code)
	for _, c := range p.Categories {
		if normCode(c.Code) == n && n != "" {
			return c, true
		}
	}
	return Category{Code: strings.TrimSpace(code), Limits: p.Other()}, false
}

// Label is the category's name, else its code.
func (c Category) Label() string {
	if s := strings.TrimSpace(c.Name); s != "" {
		return s
	}
	return strings.TrimSpace(c.Code)
}

// JSON is the stored form of the policy.
func (p Policy) JSON() string {
	b, err := json.Marshal(p)
	if err != nil {
		panic(err) // plain structs always marshal
	}
	return string(b)
}

func normCode(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
