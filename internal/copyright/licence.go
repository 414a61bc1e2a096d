package copyright

import (
	"fmt"
	"io"
	"strings"
)

// ILLMode is how far a licence lets a copy travel, and also the delivery
// mode a lender means to use. Ordered: none < print < secure-electronic <
// electronic.
type ILLMode string

// ILL modes.
const (
	ILLNone             ILLMode = "none"
	ILLPrint            ILLMode = "print"             // paper copy (printed from the e-version)
	ILLSecureElectronic ILLMode = "secure-electronic" // electronic, by a channel that stops further copying
	ILLElectronic       ILLMode = "electronic"        // any electronic delivery
)

func (m ILLMode) rank() int {
	switch m {
	case ILLPrint:
		return 1
	case ILLSecureElectronic:
		return 2
	case ILLElectronic:
		return 3
	}
	return 0
}

// words describes the mode for staff.
func (m ILLMode) words() string {
	switch m {
	case ILLPrint:
		return "a printed (paper) copy"
	case ILLSecureElectronic:
		return "secure electronic delivery (a system that stops the borrower copying it further)"
	case ILLElectronic:
		return "electronic delivery"
	}
	return "no ILL"
}

// ParseILLMode reads a licence's ILL value; see the LicenceTerm columns.
func ParseILLMode(s string) (ILLMode, bool) {
	switch strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == '_' || r == '-'
	}), "-") {
	case "print", "paper":
		return ILLPrint, true
	case "secure-electronic", "secure":
		return ILLSecureElectronic, true
	case "electronic", "e", "digital":
		return ILLElectronic, true
	case "none", "no", "not-allowed", "prohibited":
		return ILLNone, true
	}
	return "", false
}

// LicenceTerm is one row of the licence-terms CSV: what a package's or a
// title's licence says about ILL.
//
// The CSV has a header row; column names are case-insensitive, and spaces or
// hyphens count as underscores. Columns:
//
//	package_id       the package the terms cover (the id given to ParseKBART)
//	title_id         a KBART title_id, for terms of one title
//	issn             an ISSN (print or online) of one title
//	ill              print | electronic | secure-electronic | none   (required)
//	domestic_only    yes/no: only to borrowers in the lender's country (default no)
//	corporate_ok     yes/no: may supply for-profit borrowers (default yes)
//	coverage_start   YYYY[-MM[-DD]] first publication date the terms cover (default: all)
//	coverage_end     YYYY[-MM[-DD]] last publication date the terms cover (default: all)
//	notes            free text, passed to lending staff as a condition
//
// At least one of package_id, title_id and issn is needed. A row with title_id
// or issn is a title's terms (within package_id when that is also given) and
// wins over the package's terms for that title.
type LicenceTerm struct {
	Line         int     `json:"line"`
	PackageID    string  `json:"packageId,omitempty"`
	TitleID      string  `json:"titleId,omitempty"`
	ISSN         string  `json:"issn,omitempty"` // normalised
	ILL          ILLMode `json:"ill"`
	DomesticOnly bool    `json:"domesticOnly"`
	CorporateOK  bool    `json:"corporateOk"`
	Start        PubDate `json:"start"`
	End          PubDate `json:"end"`
	Notes        string  `json:"notes,omitempty"`
}

func (t LicenceTerm) titleLevel() bool { return t.TitleID != "" || t.ISSN != "" }

// covers reports whether the terms apply to an item published at pub.
func (t LicenceTerm) covers(pub PubDate) bool {
	if !pub.Known() {
		return true
	}
	if t.Start.Known() && pub.Latest().Before(t.Start.Earliest()) {
		return false
	}
	return !t.End.Known() || !pub.Earliest().After(t.End.Latest())
}

// LicenceTermsResult is what ParseLicenceTerms read.
type LicenceTermsResult struct {
	Terms    []LicenceTerm `json:"terms"`
	Problems []LineError   `json:"problems,omitempty"`
}

// ParseLicenceTerms reads the licence-terms CSV described at LicenceTerm
// (comma-separated, or tab or semicolon when the header uses one). Bad rows
// are reported by line and skipped. It fails only on a read error or a
// header without the ill column or any of package_id, title_id, issn.
func ParseLicenceTerms(r io.Reader) (LicenceTermsResult, error) {
	lines, err := readLines(r)
	if err != nil {
		return LicenceTermsResult{}, fmt.Errorf("licence terms: %w", err)
	}
	if len(lines) == 0 {
		return LicenceTermsResult{}, fmt.Errorf("licence terms: empty file")
	}
	recs, problems := splitCSV(lines, sniffDelimiter(lines[0]))
	res := LicenceTermsResult{Problems: problems}
	if len(recs) == 0 || recs[0].line != 1 {
		return res, fmt.Errorf("licence terms: line 1: no header row")
	}
	cols := newColumns(recs[0].fields)
	if !cols.has("ill", "ill_allowed") || !cols.has("package_id", "package", "title_id", "issn") {
		return res, fmt.Errorf("licence terms: line 1: want an ill column and one of package_id, title_id, issn")
	}
	for _, rec := range recs[1:] {
		t, err := licenceRow(cols, rec)
		if err != nil {
			res.Problems = append(res.Problems, LineError{Line: rec.line, Msg: err.Error() + "; row skipped"})
			continue
		}
		res.Terms = append(res.Terms, t)
	}
	sortProblems(res.Problems)
	return res, nil
}

func licenceRow(cols columns, rec record) (LicenceTerm, error) {
	f := rec.fields
	t := LicenceTerm{
		Line:      rec.line,
		PackageID: cols.get(f, "package_id", "package"),
		TitleID:   cols.get(f, "title_id"),
		Notes:     cols.get(f, "notes"),
	}
	if raw := cols.get(f, "issn"); raw != "" {
		n, ok := NormaliseISSN(raw)
		if !ok {
			return t, fmt.Errorf("issn %q is not a valid ISSN", raw)
		}
		t.ISSN = n
	}
	if t.PackageID == "" && t.TitleID == "" && t.ISSN == "" {
		return t, fmt.Errorf("no package_id, title_id or issn")
	}
	raw := cols.get(f, "ill", "ill_allowed")
	mode, ok := ParseILLMode(raw)
	if !ok {
		return t, fmt.Errorf("ill %q: want print, electronic, secure-electronic or none", raw)
	}
	t.ILL = mode
	var err error
	if t.DomesticOnly, err = parseYesNo(cols.get(f, "domestic_only"), false); err != nil {
		return t, fmt.Errorf("domestic_only: %w", err)
	}
	if t.CorporateOK, err = parseYesNo(cols.get(f, "corporate_ok"), true); err != nil {
		return t, fmt.Errorf("corporate_ok: %w", err)
	}
	if t.Start, err = kbartDate(cols.get(f, "coverage_start")); err != nil {
		return t, fmt.Errorf("coverage_start: %w", err)
	}
	if t.End, err = kbartDate(cols.get(f, "coverage_end")); err != nil {
		return t, fmt.Errorf("coverage_end: %w", err)
	}
	if t.Start.Known() && t.End.Known() && t.Start.Earliest().After(t.End.Latest()) {
		return t, fmt.Errorf("coverage_start %s is after coverage_end %s", t.Start, t.End)
	}
	return t, nil
}

func parseYesNo(s string, def bool) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return def, nil
	case "yes", "y", "true", "1":
		return true, nil
	case "no", "n", "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("%q: want yes or no", s)
}
