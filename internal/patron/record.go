package patron

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Record is one patron as a file (or a form) gives it. Only the fields
// named in the accompanying Fields are meant; the others are zero.
type Record struct {
	Barcode        string
	ILSID          string // the patron's id in the ILS, if not the barcode
	FirstName      string
	LastName       string
	Name           string // the full name as given; see DisplayName
	Email          string
	Category       string
	HomeLibrary    string
	PickupLocation string
	Expires        time.Time // last valid day, 00:00 UTC; zero: does not expire
	Blocked        bool
	BlockReason    string
	Notes          string
}

// Fields is a set of Record fields: the columns a file has, or the fields
// a form edits. The barcode is always given.
type Fields uint16

// The fields of a Record that can be given separately.
const (
	FieldILSID Fields = 1 << iota
	FieldFirstName
	FieldLastName
	FieldFullName
	FieldEmail
	FieldCategory
	FieldHomeLibrary
	FieldPickup
	FieldExpires
	FieldBlock // blocked and the block reason
	FieldNotes
)

// FieldName is every part of the name.
const FieldName = FieldFirstName | FieldLastName | FieldFullName

// AllFields is every field.
const AllFields = FieldILSID | FieldName | FieldEmail | FieldCategory | FieldHomeLibrary | FieldPickup | FieldExpires | FieldBlock | FieldNotes

// DisplayName is the full name given, or the first and last name joined.
func (r Record) DisplayName() string {
	if n := strings.TrimSpace(r.Name); n != "" {
		return n
	}
	return strings.TrimSpace(strings.TrimSpace(r.FirstName) + " " + strings.TrimSpace(r.LastName))
}

// Has reports whether f includes every field of g.
func (f Fields) Has(g Fields) bool { return f&g == g }

// Field size limits, in bytes.
const (
	maxBarcode = 64
	maxShort   = 200
	maxEmail   = 254
	maxNotes   = 4000
)

// Problem is something wrong with one field of a Record: the field's
// column name (as in Columns) and a sentence that quotes no personal data
// (names, emails, notes), so that it can be logged and audited.
type Problem struct {
	Field string
	Msg   string
}

// Normalize trims the fields of f and checks them.
func (r *Record) Normalize(f Fields) []Problem {
	var problems []Problem
	text := func(field, label string, s *string, limit int, oneLine bool) {
		*s = strings.TrimSpace(*s)
		switch {
		case !utf8.ValidString(*s):
			problems = append(problems, Problem{field, label + " is not UTF-8 text (save the file as CSV UTF-8)"})
		case len(*s) > limit:
			problems = append(problems, Problem{field, fmt.Sprintf("%s is longer than %d characters", label, limit)})
		case oneLine && strings.ContainsFunc(*s, isControl):
			problems = append(problems, Problem{field, label + " holds a line break or control character"})
		}
	}
	text("barcode", "the barcode", &r.Barcode, maxBarcode, true)
	if r.Barcode == "" && len(problems) == 0 {
		problems = append(problems, Problem{"barcode", "the barcode is empty"})
	}
	if f.Has(FieldILSID) {
		text("id", "the ILS id", &r.ILSID, maxShort, true)
	}
	if f.Has(FieldFirstName) {
		text("first_name", "the first name", &r.FirstName, maxShort, true)
	}
	if f.Has(FieldLastName) {
		text("last_name", "the last name", &r.LastName, maxShort, true)
	}
	if f.Has(FieldFullName) {
		text("name", "the name", &r.Name, maxShort, true)
	}
	if f.Has(FieldEmail) {
		text("email", "the email", &r.Email, maxEmail, true)
		if r.Email != "" && !validEmail(r.Email) {
			problems = append(problems, Problem{"email", "the email is not an address like name@example.edu"})
		}
	}
	if f.Has(FieldCategory) {
		text("category", "the category", &r.Category, 64, true)
	}
	if f.Has(FieldHomeLibrary) {
		text("home_library", "the home library", &r.HomeLibrary, maxShort, true)
	}
	if f.Has(FieldPickup) {
		text("pickup_location", "the pickup location", &r.PickupLocation, maxShort, true)
	}
	if f.Has(FieldBlock) {
		text("block_reason", "the block reason", &r.BlockReason, maxShort, true)
		if !r.Blocked {
			r.BlockReason = ""
		}
	}
	if f.Has(FieldNotes) {
		text("notes", "the notes", &r.Notes, maxNotes, false)
	}
	return problems
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == "" && strings.Count(s, "@") == 1
}

// ParseDate reads an expiry date: YYYY-MM-DD (also YYYY/MM/DD, YYYYMMDD,
// or an ISO 8601 date-time, whose date is kept). "" is the zero time
// (no expiry). Day-first and month-first forms are refused: 03/04/2026
// means different days in different countries.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	for _, layout := range []string{"2006-01-02", "2006/01/02", "20060102"} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 1900 || t.Year() > 2999 {
				break
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", clip(s, 20))
}

// ParseBool reads a yes/no cell: yes, y, true, t, 1, x, blocked mean yes;
// no, n, false, f, 0 and "" mean no.
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "y", "true", "t", "1", "x", "blocked":
		return true, nil
	case "no", "n", "false", "f", "0", "":
		return false, nil
	}
	return false, fmt.Errorf("%q is not yes or no", clip(s, 20))
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
