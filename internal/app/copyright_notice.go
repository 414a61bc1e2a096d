package app

import (
	"fmt"
	"strings"

	"interlend/internal/copyright"
	"interlend/internal/i18n"
	"interlend/internal/ill"
	"interlend/internal/pdf"
	"interlend/internal/store"
)

// The copyright notice page (L2, §108(a)(3); issue 11 item 7): every copy
// the lending desk delivers as a PDF begins with a page carrying the
// warning of copyright of the law the copy is made under and a legend that
// the work may be protected, followed by the scan's own pages untouched
// (pdf.PrependPages keeps a scanner's text layer).

// copyNoticeRegime picks the law whose notice goes on a copy: the
// borrower's compliance statement says it (US-CCG is US, UK-FairDealing
// UK); a statement of Other or none falls back to the borrower's country
// (Canadian copies travel as Other), then to the lender's own regime.
func copyNoticeRegime(statement, borrowerCountry string, own copyright.Regime) copyright.Regime {
	code, _ := copyright.ParseCompliance(statement)
	switch {
	case code == copyright.CodeCAFairDealing:
		return copyright.RegimeCA
	case strings.HasPrefix(string(code), "US-"):
		return copyright.RegimeUS
	case strings.HasPrefix(string(code), "UK-"):
		return copyright.RegimeUK
	case code != "" && code != copyright.CodeOther:
		return copyright.RegimeOther
	}
	switch strings.ToUpper(borrowerCountry) {
	case "US":
		return copyright.RegimeUS
	case "GB", "UK":
		return copyright.RegimeUK
	case "CA":
		return copyright.RegimeCA
	}
	if own == "" {
		return copyright.RegimeUS
	}
	return own
}

// paragraphs splits a text at blank lines.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// CopyNotice is the notice page of a copy supplied under regime by
// lender to borrower for request id: the law's warning, the legend and a
// line saying who supplied it. The US warning is the 37 CFR 201.14 text
// (copyright.WarningNotice); the other texts are the catalog's.
func CopyNotice(regime copyright.Regime, lender, borrower, requestID string) pdf.Notice {
	cat := i18n.Load()
	t := func(key string, args ...any) string { return cat.Text(i18n.Default, key, args...) }
	n := pdf.Notice{Paper: pdf.A4}
	switch regime {
	case copyright.RegimeUS:
		n.Title, n.Paper = copyright.WarningNoticeTitle, pdf.Letter
		n.Paragraphs = append(paragraphs(copyright.WarningNotice), copyright.CopyLegend)
	case copyright.RegimeUK:
		n.Title = t("copyright.notice.uk.title")
		n.Paragraphs = []string{t("copyright.notice.uk.body"), t("copyright.notice.uk.legend")}
	case copyright.RegimeCA:
		n.Title = t("copyright.notice.ca.title")
		n.Paragraphs = []string{t("copyright.notice.ca.body"), t("copyright.notice.ca.digital")}
	default:
		n.Title = t("copyright.notice.other.title")
		n.Paragraphs = []string{t("copyright.notice.other.body")}
	}
	n.Paragraphs = append(n.Paragraphs, t("copyright.notice.supplied", lender, borrower, requestID))
	return n
}

// libraryName is a library's name from the directory, else its id.
func libraryName(tx *store.Tx, id ill.AgencyID) string {
	if e, err := tx.Network().DirectoryEntry(id); err == nil && strings.TrimSpace(e.Name) != "" {
		return e.Name
	}
	return string(id)
}

// copyNotice is what goes on a delivered copy: the notice page, and the
// legend printed over each of the scan's pages when the lender asks for
// an overlay ("" otherwise).
type copyNotice struct {
	Page    pdf.Notice
	Overlay string
}

// copyNoticeFor is the notice for a lending copy request.
func copyNoticeFor(tx *store.Tx, r *ill.Request) (copyNotice, error) {
	set, rules, _, err := copyrightRules(tx, r.Agency)
	if err != nil {
		return copyNotice{}, err
	}
	regime := copyNoticeRegime(r.Copyright, partnerCountry(tx, r.Partner), rules.Regime)
	lender := libraryName(tx, r.Agency)
	n := copyNotice{Page: CopyNotice(regime, lender, libraryName(tx, r.Partner), r.PublicID)}
	if set.NoticeOverlay {
		n.Overlay = i18n.Load().Text(i18n.Default, "copyright.notice.overlay", lender, r.PublicID)
	}
	return n, nil
}

// withCopyNotice puts the notice page in front of a scan (and the
// overlay on the scan's pages).
func withCopyNotice(n copyNotice, scan []byte) ([]byte, error) {
	page, err := pdf.NoticePDF(n.Page)
	if err != nil {
		return nil, fmt.Errorf("copyright notice page: %w", err)
	}
	notice, err := pdf.PageCount(page)
	if err != nil {
		return nil, fmt.Errorf("copyright notice page: %w", err)
	}
	bad := func(err error) error {
		return ill.E(ill.Invalid, "the copyright notice cannot be put on this scan ("+err.Error()+"); nothing was delivered",
			map[string]string{"file": "damaged PDF"}, err)
	}
	out, err := pdf.PrependPages(page, scan)
	if err != nil {
		return nil, bad(err)
	}
	if n.Overlay != "" {
		if out, err = pdf.StampFooter(out, n.Overlay, notice+1); err != nil {
			return nil, bad(err)
		}
	}
	return out, nil
}
