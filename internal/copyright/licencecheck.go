package copyright

import (
	"fmt"
	"strings"
	"time"
)

// LicenceSet indexes e-holdings (KBART titles, each with its package) and
// licence terms for CheckLicence-style look-ups (L3). Build it once per
// import with NewLicenceSet; it is read-only and safe for concurrent use.
type LicenceSet struct {
	titles     []KBARTTitle
	terms      []LicenceTerm
	titleByID  map[string][]int // ISSN/ISBN, title_id, "t:"+normalised title -> titles
	termByID   map[string][]int // ISSN, title_id -> title-level terms
	termByPkg  map[string][]int // package_id -> package-level terms
	pkgHasTerm map[string]bool  // package_id -> any terms at all
}

// NewLicenceSet indexes titles and terms.
func NewLicenceSet(titles []KBARTTitle, terms []LicenceTerm) *LicenceSet {
	s := &LicenceSet{
		titles:     titles,
		terms:      terms,
		titleByID:  map[string][]int{},
		termByID:   map[string][]int{},
		termByPkg:  map[string][]int{},
		pkgHasTerm: map[string]bool{},
	}
	for i, t := range titles {
		for _, id := range []string{t.PrintID, t.OnlineID, titleIDKey(t.TitleID)} {
			if id != "" {
				s.titleByID[id] = append(s.titleByID[id], i)
			}
		}
		if n := NormaliseTitle(t.Title); n != "" {
			s.titleByID["t:"+n] = append(s.titleByID["t:"+n], i)
		}
	}
	for i, t := range terms {
		if t.PackageID != "" {
			s.pkgHasTerm[t.PackageID] = true
		}
		if !t.titleLevel() {
			s.termByPkg[t.PackageID] = append(s.termByPkg[t.PackageID], i)
			continue
		}
		for _, id := range []string{t.ISSN, titleIDKey(t.TitleID)} {
			if id != "" {
				s.termByID[id] = append(s.termByID[id], i)
			}
		}
	}
	return s
}

func titleIDKey(id string) string {
	if id == "" {
		return ""
	}
	return "id:" + id
}

// LicenceQuery describes a copy a lender means to supply.
type LicenceQuery struct {
	ISSNs   []string `json:"issns,omitempty"`   // any ISSNs or ISBNs of the title, as cited
	TitleID string   `json:"titleId,omitempty"` // a KBART title_id, if known
	Title   string   `json:"title,omitempty"`   // used only when no identifier matches
	PubDate PubDate  `json:"pubDate"`
	// BorrowerCountry and LenderCountry are ISO 3166-1 alpha-2 codes.
	BorrowerCountry   string `json:"borrowerCountry,omitempty"`
	LenderCountry     string `json:"lenderCountry,omitempty"`
	BorrowerCorporate bool   `json:"borrowerCorporate,omitempty"`
	// Delivery is how the lender means to send the copy ("" = not decided).
	Delivery ILLMode `json:"delivery,omitempty"`
	// Now is the time for embargo calculations.
	Now time.Time `json:"now"`
}

// LicenceDecision is the answer of LicenceSet.Check.
type LicenceDecision struct {
	// Governed: the item is licensed e-content, so a licence decides.
	Governed bool `json:"governed"`
	Allowed  bool `json:"allowed"`
	// Mode is the most the licence allows (when Allowed and terms are known).
	Mode       ILLMode  `json:"mode,omitempty"`
	Conditions []string `json:"conditions,omitempty"`
	Reason     string   `json:"reason"`
	PackageID  string   `json:"packageId,omitempty"`
	TermLine   int      `json:"termLine,omitempty"` // line of the deciding term in its CSV
}

// Answer is the ISO 18626 answer for a refusal (Unfilled,
// NotAvailableForILL, with the reason as note); nil when allowed.
func (d LicenceDecision) Answer() *Answer {
	if d.Allowed {
		return nil
	}
	return &Answer{Status: StatusUnfilled, ReasonUnfilled: ReasonNotAvailableForILL, Note: d.Reason}
}

// Check applies the licence terms to a copy (L3). When the title is held
// in several packages, the most permissive licence that covers the
// publication date decides. An item not in the e-holdings is not governed
// (lend from print as usual); a held item without recorded terms is allowed
// with a condition to check the licence.
func (s *LicenceSet) Check(q LicenceQuery) LicenceDecision {
	held := s.findTitles(q)
	var covering []int
	for _, i := range held {
		if s.titles[i].Covers(q.PubDate, q.Now) {
			covering = append(covering, i)
		}
	}
	type cand struct {
		term int
		pkg  string
	}
	var cands []cand
	seen := map[int]bool{}
	add := func(ti int, pkg string) {
		if !seen[ti] && s.terms[ti].covers(q.PubDate) {
			seen[ti] = true
			cands = append(cands, cand{ti, pkg})
		}
	}
	var unlicensedPkgs []string
	for _, i := range covering {
		t := s.titles[i]
		before := len(cands)
		for _, ti := range s.titleTerms(t.PrintID, t.OnlineID, titleIDKey(t.TitleID)) {
			if p := s.terms[ti].PackageID; p == "" || p == t.PackageID {
				add(ti, t.PackageID)
			}
		}
		if len(cands) == before {
			for _, ti := range s.termByPkg[t.PackageID] {
				add(ti, t.PackageID)
			}
		}
		if len(cands) == before && !s.pkgHasTerm[t.PackageID] {
			unlicensedPkgs = append(unlicensedPkgs, t.PackageID)
		}
	}
	if len(held) == 0 {
		// Title-level terms may name an ISSN that no KBART file lists.
		ids := append([]string{titleIDKey(q.TitleID)}, normaliseIDs(q.ISSNs)...)
		for _, ti := range s.titleTerms(ids...) {
			add(ti, s.terms[ti].PackageID)
		}
	}

	var decisions []LicenceDecision
	for _, c := range cands {
		decisions = append(decisions, evalTerm(s.terms[c.term], c.pkg, q))
	}
	for _, p := range unlicensedPkgs {
		decisions = append(decisions, LicenceDecision{Governed: true, Allowed: true, PackageID: p,
			Conditions: []string{"No licence terms are recorded for package " + p + "; check the licence before supplying from the electronic copy."},
			Reason:     "Held electronically in package " + p + ", but no licence terms are recorded."})
	}
	if len(decisions) == 0 {
		switch {
		case len(covering) > 0:
			return LicenceDecision{Governed: true, Allowed: true, PackageID: s.titles[covering[0]].PackageID,
				Conditions: []string{"The recorded licence terms do not cover this publication date; check the licence before supplying from the electronic copy."},
				Reason:     "Held electronically, but no licence terms cover this publication date."}
		case len(held) > 0:
			return LicenceDecision{Allowed: true, Reason: "Held electronically, but not for this date (outside the coverage or embargoed): the licence does not apply; supply from print if held."}
		}
		return LicenceDecision{Allowed: true, Reason: "Not in the licensed e-holdings: no licence applies; supply from print if held."}
	}
	return mostPermissive(decisions)
}

// mostPermissive picks an allowed decision with the fewest conditions (then
// the widest mode), or the first refusal when none allows.
func mostPermissive(ds []LicenceDecision) LicenceDecision {
	best := -1
	for i, d := range ds {
		if !d.Allowed {
			continue
		}
		if best < 0 || len(d.Conditions) < len(ds[best].Conditions) ||
			len(d.Conditions) == len(ds[best].Conditions) && d.Mode.rank() > ds[best].Mode.rank() {
			best = i
		}
	}
	if best < 0 {
		return ds[0]
	}
	return ds[best]
}

// Holds reports whether the e-holdings include the title for an item
// published at pub (seen at now): the e-holdings source of "we subscribe"
// for R6 (Request.Subscribed with SourceEHoldings).
func (s *LicenceSet) Holds(issns []string, title string, pub PubDate, now time.Time) bool {
	for _, i := range s.findTitles(LicenceQuery{ISSNs: issns, Title: title}) {
		if s.titles[i].Covers(pub, now) {
			return true
		}
	}
	return false
}

func (s *LicenceSet) findTitles(q LicenceQuery) []int {
	var out []int
	seen := map[int]bool{}
	for _, id := range append(normaliseIDs(q.ISSNs), titleIDKey(q.TitleID)) {
		for _, i := range s.titleByID[id] {
			if id != "" && !seen[i] {
				seen[i] = true
				out = append(out, i)
			}
		}
	}
	if len(out) == 0 {
		if n := NormaliseTitle(q.Title); n != "" {
			out = append(out, s.titleByID["t:"+n]...)
		}
	}
	return out
}

func (s *LicenceSet) titleTerms(ids ...string) []int {
	var out []int
	for _, id := range ids {
		if id != "" {
			out = append(out, s.termByID[id]...)
		}
	}
	return out
}

// normaliseIDs normalises cited ISSNs and ISBNs, dropping invalid ones.
func normaliseIDs(raw []string) []string {
	var out []string
	for _, r := range raw {
		if n, ok := NormaliseISSN(r); ok {
			out = append(out, n)
		} else if n, ok := NormaliseISBN(r); ok {
			out = append(out, n)
		}
	}
	return out
}

// evalTerm applies one licence term to the query.
func evalTerm(t LicenceTerm, pkg string, q LicenceQuery) LicenceDecision {
	where := "the licence"
	if pkg != "" {
		where = "the licence for package " + pkg
	}
	d := LicenceDecision{Governed: true, PackageID: pkg, TermLine: t.Line, Mode: t.ILL}
	refuse := func(format string, args ...any) LicenceDecision {
		d.Allowed, d.Mode = false, ""
		d.Reason = fmt.Sprintf(format, args...)
		return d
	}
	if t.ILL == ILLNone {
		return refuse("Not available for ILL: %s does not allow interlibrary loan.", where)
	}
	if t.DomesticOnly {
		b := strings.ToUpper(strings.TrimSpace(q.BorrowerCountry))
		l := strings.ToUpper(strings.TrimSpace(q.LenderCountry))
		switch {
		case l == "":
			return refuse("Not available for ILL: %s allows domestic borrowers only, and this library's country is not set.", where)
		case b == "":
			return refuse("Not available for ILL: %s allows domestic borrowers only, and the borrower's country is not known.", where)
		case b != l:
			return refuse("Not available for ILL: %s allows borrowers in %s only; this borrower is in %s.", where, l, b)
		}
	}
	if q.BorrowerCorporate && !t.CorporateOK {
		return refuse("Not available for ILL: %s does not allow supply to commercial borrowers.", where)
	}
	d.Allowed = true
	d.Reason = fmt.Sprintf("Allowed by %s: up to %s.", where, t.ILL.words())
	if q.Delivery != "" && q.Delivery.rank() > t.ILL.rank() {
		d.Conditions = append(d.Conditions, fmt.Sprintf("Supply as %s only; the licence does not allow %s.", t.ILL.words(), q.Delivery.words()))
	} else if q.Delivery == "" && t.ILL != ILLElectronic {
		d.Conditions = append(d.Conditions, fmt.Sprintf("Supply as %s at most.", t.ILL.words()))
	}
	if t.Notes != "" {
		d.Conditions = append(d.Conditions, "Licence note: "+t.Notes)
	}
	return d
}
