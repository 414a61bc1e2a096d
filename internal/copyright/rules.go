package copyright

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Regime is the copyright law a borrowing library works under.
type Regime string

// Regimes: the US is implemented in full, the UK and Canada in the parts an
// ILL system can check, and any other regime only records a compliance code.
const (
	RegimeUS    Regime = "US"
	RegimeUK    Regime = "UK"
	RegimeCA    Regime = "CA"
	RegimeOther Regime = "Other"
)

// WindowMode says how "published within N years before the request" is read (R1).
type WindowMode string

// Window modes. Calendar is what ILLiad and Tipasa do and is the default.
const (
	// WindowCalendar: in the window iff pubYear > requestYear - N.
	WindowCalendar WindowMode = "calendar"
	// WindowRolling: in the window iff the publication date is on or after
	// the request date minus N years; an incomplete publication date is read
	// as the last day it could mean (year only: 31 December), which is the
	// conservative choice.
	WindowRolling WindowMode = "rolling"
)

// Rules are the copyright parameters one library's ILL manager may edit.
// The zero value is not usable; start from DefaultRules or ParseRules.
type Rules struct {
	Regime Regime `json:"regime"`
	// WindowYears is N, the CONTU window in years (default 5).
	WindowYears int `json:"windowYears"`
	// WindowMode is calendar (default) or rolling.
	WindowMode WindowMode `json:"windowMode"`
	// Limit is the number of free copies per title (or work) per calendar
	// year (default 5); copy Limit+1 needs clearance.
	Limit int `json:"limit"`
	// MergeISSNL keys a periodical on its ISSN-L when known, so that the print
	// and electronic ISSNs share one counter (R2; default true).
	MergeISSNL bool `json:"mergeIssnL"`
	// RelatedCopies and RelatedDays set the R9 warning: RelatedCopies or more
	// patrons asking for the same article within RelatedDays (default 3 in 30).
	RelatedCopies int `json:"relatedCopies"`
	RelatedDays   int `json:"relatedDays"`
	// SameIssueDays is how far back R8 looks for another article from the same
	// issue asked for by the same patron (default 7): "effectively one request".
	SameIssueDays int `json:"sameIssueDays"`
	// KeepAllCopyRequests keeps every copy request's ledger row for the R14
	// period, not only the CONTU-relevant ones.
	KeepAllCopyRequests bool `json:"keepAllCopyRequests"`
	// PreferPurchase puts "buy the article" first among the clearance options
	// (R4's auto-route to a purchase option); the caller may act on it alone.
	PreferPurchase bool `json:"preferPurchase"`
	// OtherCode is the ISO 18626 copyrightCompliance code recorded and sent
	// under RegimeOther (for example AU-CopyrightActS49; default "Other").
	OtherCode string `json:"otherCode"`
	// Lending is the lending side's policy (L1, L3, L4).
	Lending LendingPolicy `json:"lending"`
}

// DefaultRules returns the documented defaults for a regime.
func DefaultRules(r Regime) Rules {
	return Rules{
		Regime:        r,
		WindowYears:   5,
		WindowMode:    WindowCalendar,
		Limit:         5,
		MergeISSNL:    true,
		RelatedCopies: 3,
		RelatedDays:   30,
		SameIssueDays: 7,
		OtherCode:     string(CodeOther),
		Lending:       DefaultLendingPolicy(),
	}
}

// ParseRules reads rules from JSON. Fields left out keep the defaults of the
// regime named in the document (US when none is named). Unknown fields are an
// error, so that a misspelt setting is not silently ignored.
func ParseRules(data []byte) (Rules, error) {
	var head struct {
		Regime Regime `json:"regime"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return Rules{}, fmt.Errorf("copyright rules: %w", err)
	}
	if head.Regime == "" {
		head.Regime = RegimeUS
	}
	r := DefaultRules(head.Regime)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return Rules{}, fmt.Errorf("copyright rules: %w", err)
	}
	if err := r.Validate(); err != nil {
		return Rules{}, err
	}
	return r, nil
}

// Validate reports every invalid parameter at once.
func (r Rules) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch r.Regime {
	case RegimeUS, RegimeUK, RegimeCA, RegimeOther:
	default:
		bad("regime %q: want US, UK, CA or Other", r.Regime)
	}
	if r.WindowYears < 1 || r.WindowYears > 50 {
		bad("windowYears %d: want 1 to 50", r.WindowYears)
	}
	switch r.WindowMode {
	case WindowCalendar, WindowRolling:
	default:
		bad("windowMode %q: want calendar or rolling", r.WindowMode)
	}
	if r.Limit < 1 || r.Limit > 1000 {
		bad("limit %d: want 1 to 1000", r.Limit)
	}
	if r.RelatedCopies < 2 {
		bad("relatedCopies %d: want 2 or more", r.RelatedCopies)
	}
	if r.RelatedDays < 1 || r.RelatedDays > 366 {
		bad("relatedDays %d: want 1 to 366", r.RelatedDays)
	}
	if r.SameIssueDays < 0 || r.SameIssueDays > 366 {
		bad("sameIssueDays %d: want 0 to 366", r.SameIssueDays)
	}
	if r.Regime == RegimeOther && !validCodeToken(r.OtherCode) {
		bad("otherCode %q: want a code such as Other or AU-CopyrightActS49", r.OtherCode)
	}
	if err := r.Lending.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("copyright rules: %w", errors.Join(errs...))
	}
	return nil
}

// validCodeToken accepts an ISO 18626 open-code value: 1 to 50 printable
// characters without spaces.
func validCodeToken(s string) bool {
	if s == "" || len(s) > 50 {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f })
}
