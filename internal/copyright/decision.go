package copyright

import (
	"fmt"
	"slices"
	"time"
)

// FlagCode names a rule that raised a flag on a request.
type FlagCode string

// Flags. Blocking flags hold the request for staff; the others warn.
const (
	FlagOverLimit     FlagCode = "R4-over-limit"          // copy Limit+1 from a title or work this year
	FlagNoPubYear     FlagCode = "R1-no-publication-year" // read as within the window
	FlagSameIssue     FlagCode = "R8-same-issue"          // more than one article from one issue, one patron
	FlagRelated       FlagCode = "R9-related-copying"     // same article for several patrons
	FlagExcluded      FlagCode = "R10-excluded-material"  // music, images, film (§108(i))
	FlagWholeWork     FlagCode = "R11-whole-work"         // whole book or issue (§108(e))
	FlagUnidentified  FlagCode = "R2-unidentified"        // no ISSN, ISBN, OCLC number or title
	FlagNoDeclaration FlagCode = "UK-no-declaration"      // s.42A needs the user's declaration
	FlagRepeatCopy    FlagCode = "UK-repeat-copy"         // same person, same material again
	FlagRecentNews    FlagCode = "CA-recent-periodical"   // s.30.2(2): newspaper under a year old
)

// Flag is one rule's finding, explained for staff.
type Flag struct {
	Code     FlagCode `json:"code"`
	Blocking bool     `json:"blocking"`
	Message  string   `json:"message"`
}

// Option is a choice staff may make for a held request.
type Option string

// Clearance options (R4 and the holds of R10, R11 and the UK rules).
const (
	OptionPayRoyalty Option = "pay-royalty"       // pay the rights holder, then send
	OptionPurchase   Option = "purchase"          // buy the article instead; no ILL
	OptionLicence    Option = "licence-exception" // another provision or a licence covers it; send as CCL
	OptionApprove    Option = "approve"           // staff reviewed it (fair use, fair price search); send
	OptionDefer      Option = "defer"             // wait for the next calendar year's count
	OptionDeny       Option = "deny"              // cancel the request
)

// Label is the option as staff read it on the clearance screen.
func (o Option) Label() string {
	switch o {
	case OptionPayRoyalty:
		return "Pay a royalty and send"
	case OptionPurchase:
		return "Buy the article instead"
	case OptionLicence:
		return "Send under a licence or another exception"
	case OptionApprove:
		return "Reviewed: send it"
	case OptionDefer:
		return "Wait until 1 January"
	case OptionDeny:
		return "Deny the request"
	}
	return string(o)
}

// Decision is Assess's answer for one request.
type Decision struct {
	// Applies is false when copyright rules for copies do not apply (a loan).
	Applies bool   `json:"applies"`
	Regime  Regime `json:"regime"`
	// Compliance is the category to record and send (provisional while held).
	Compliance Compliance `json:"compliance,omitempty"`
	// Key and Year name the counter (R2, R7); Key is set even when the copy
	// does not count, so the ledger can report every title.
	Key  Key `json:"key,omitempty"`
	Year int `json:"year,omitempty"`
	// Counts: this copy uses one of the Limit free copies of Key in Year.
	Counts bool `json:"counts"`
	// CountBefore is the count found for Key and Year (US counting only).
	CountBefore int `json:"countBefore"`
	Limit       int `json:"limit,omitempty"`
	// InWindow: a periodical article published within the window (R1).
	InWindow bool `json:"inWindow"`
	// Hold: send nothing until staff choose one of Options.
	Hold bool `json:"hold"`
	// NeedsClearance: held because this would be copy Limit+1 (R4).
	NeedsClearance bool     `json:"needsClearance"`
	Options        []Option `json:"options,omitempty"`
	Flags          []Flag   `json:"flags,omitempty"`
	// Reasons explain the decision to staff, in plain English.
	Reasons []string `json:"reasons"`
	// PatronReason is one short sentence for the patron.
	PatronReason string `json:"patronReason"`
	ArticleID    string `json:"articleId,omitempty"`
	IssueID      string `json:"issueId,omitempty"`
	// State is the ledger state to record: awaiting-clearance when held,
	// else in-process.
	State State `json:"state,omitempty"`
}

// Patron-facing sentences.
const (
	patronGoAhead  = "Your request can go ahead."
	patronHeld     = "Library staff need to check copyright before we can order this. We will let you know."
	patronDeclare  = "Please sign the copyright declaration so that we can order this copy for you."
	patronRepeat   = "Copyright law lets us give you only one copy of this. Staff will tell you about other ways to get it."
	patronDenied   = "We cannot order this for you because of copyright limits. Please ask library staff about other ways to get it."
	patronPurchase = "We are getting this article for you from the publisher instead."
	patronDeferred = "Because of copyright limits we will order this after 1 January. We will let you know."
)

func (d *Decision) reason(format string, args ...any) {
	d.Reasons = append(d.Reasons, fmt.Sprintf(format, args...))
}

func (d *Decision) flag(code FlagCode, blocking bool, format string, args ...any) {
	d.Flags = append(d.Flags, Flag{Code: code, Blocking: blocking, Message: fmt.Sprintf(format, args...)})
}

// hold marks the decision as waiting for staff with the given options.
// The first hold's patron reason stands.
func (d *Decision) hold(patron string, opts ...Option) {
	if !d.Hold {
		d.PatronReason = patron
	}
	d.Hold = true
	d.State = StateAwaiting
	for _, o := range opts {
		if !slices.Contains(d.Options, o) {
			d.Options = append(d.Options, o)
		}
	}
}

// HasFlag reports whether a flag with code was raised.
func (d Decision) HasFlag(code FlagCode) bool {
	return slices.ContainsFunc(d.Flags, func(f Flag) bool { return f.Code == code })
}

// NewEntry is the ledger row to record for a copy request and its decision.
// It carries no patron data.
func NewEntry(q Request, d Decision) Entry {
	e := Entry{
		RequestID:   q.ID,
		Key:         d.Key,
		Year:        d.Year,
		RequestDate: q.RequestDate,
		PubYear:     q.PubDate.Year,
		Category:    d.Compliance,
		State:       d.State,
	}
	if q.periodical() {
		e.Title = q.JournalTitle
		for _, s := range []string{q.ISSNL, q.ISSN, q.EISSN} {
			if n, ok := NormaliseISSN(s); ok {
				e.ISSN = n
				break
			}
		}
	} else {
		e.Title = q.WorkTitle
	}
	return e
}

// Choice is what staff chose for a held request.
type Choice struct {
	Option Option `json:"option"`
	Fee    *Fee   `json:"fee,omitempty"` // required for OptionPayRoyalty
	Note   string `json:"note,omitempty"`
}

// Outcome is the result of a staff choice.
type Outcome struct {
	// Send: the request may now go out with Compliance.
	Send       bool       `json:"send"`
	Compliance Compliance `json:"compliance,omitempty"`
	// State is the ledger entry's new state.
	State State `json:"state"`
	Fee   *Fee  `json:"fee,omitempty"`
	// DeferUntil, for OptionDefer: assess the request again from this time,
	// with that day as its request date, so it counts in the new year.
	DeferUntil   time.Time `json:"deferUntil,omitzero"`
	Reason       string    `json:"reason"`
	PatronReason string    `json:"patronReason"`
}

// ApplyClearance turns a staff choice on a held decision into what to do.
// It fails if the decision is not held or the option was not offered, or a
// royalty has no valid fee. now (in the library's time zone) dates a deferral.
func ApplyClearance(r Rules, d Decision, c Choice, now time.Time) (Outcome, error) {
	if !d.Hold {
		return Outcome{}, fmt.Errorf("copyright clearance: request is not held")
	}
	if !slices.Contains(d.Options, c.Option) {
		return Outcome{}, fmt.Errorf("copyright clearance: option %q not offered for this request", c.Option)
	}
	switch c.Option {
	case OptionPayRoyalty:
		if c.Fee == nil || c.Fee.AmountMinor < 0 || !validCurrency(c.Fee.Currency) {
			return Outcome{}, fmt.Errorf("copyright clearance: a royalty needs an amount of 0 or more and a three-letter currency")
		}
		code := map[Regime]Compliance{RegimeUS: CodeUSCCG, RegimeUK: CodeUKFeePaid, RegimeCA: CodeOther}[r.Regime]
		if code == "" {
			code = Compliance(r.OtherCode)
		}
		return Outcome{Send: true, Compliance: code, State: StateRoyaltyPaid, Fee: c.Fee,
			Reason:       "Royalty recorded; sent as " + string(code) + ". It does not use one of the free copies.",
			PatronReason: patronGoAhead}, nil
	case OptionPurchase:
		return Outcome{State: StatePurchased, Reason: "To be bought from the publisher or a document supplier; no ILL request is sent.",
			PatronReason: patronPurchase}, nil
	case OptionLicence, OptionApprove:
		code := CodeUSCCL
		switch r.Regime {
		case RegimeUK:
			code = CodeUKFairDealing
		case RegimeCA:
			code = CodeCAFairDealing
		case RegimeOther:
			code = Compliance(r.OtherCode)
		}
		why := "Staff reviewed the request"
		if c.Option == OptionLicence {
			why = "Staff recorded that a licence or another exception covers it"
		}
		return Outcome{Send: true, Compliance: code, State: StateInProcess,
			Reason:       why + "; sent as " + string(code) + ", which does not count.",
			PatronReason: patronGoAhead}, nil
	case OptionDefer:
		next := time.Date(now.Year()+1, 1, 1, 0, 0, 0, 0, now.Location())
		return Outcome{State: StateAwaiting, DeferUntil: next,
			Reason:       "Held until " + next.Format("2 January 2006") + ", when the count for this title starts again.",
			PatronReason: patronDeferred}, nil
	case OptionDeny:
		return Outcome{State: StateCancelled, Reason: "Denied by staff for copyright reasons.", PatronReason: patronDenied}, nil
	}
	return Outcome{}, fmt.Errorf("copyright clearance: unknown option %q", c.Option)
}

func validCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
