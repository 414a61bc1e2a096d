package copyright

import (
	"context"
	"fmt"
	"time"
)

// usPublicDomainYears: a work published more than 95 years before the
// request year is in the US public domain (17 U.S.C. §304 as amended), so
// CONTU 1(b)'s "while protected" no longer applies (R7).
const usPublicDomainYears = 95

// Assess decides how a copy request is classed before it is sent: its
// compliance code, whether it counts and against which key and year, whether
// it must be held for staff (and with which options), and flags and reasons.
// The request date (or now, when it is zero) gives the counting year; now
// dates the look-back windows of R8 and R9. Rules must be valid.
//
// It returns an error only when the Counter fails; the decision is then
// unusable and the request must not be sent.
func Assess(ctx context.Context, r Rules, q Request, c Counter, now time.Time) (Decision, error) {
	if q.RequestDate.IsZero() {
		q.RequestDate = now
	}
	d := Decision{Regime: r.Regime, Limit: r.Limit}
	if !q.copy() {
		d.reason("A loan, not a copy: the copyright rules for copies do not apply.")
		d.PatronReason = patronGoAhead
		return d, nil
	}
	d.Applies = true
	d.Key = q.Key(r)
	d.Year = q.RequestDate.Year()
	d.ArticleID = q.ArticleID(r)
	d.IssueID = q.IssueID(r)
	d.State = StateInProcess
	d.PatronReason = patronGoAhead

	var err error
	switch r.Regime {
	case RegimeUS:
		err = assessUS(ctx, r, q, c, &d)
	case RegimeUK:
		err = assessUK(ctx, r, q, c, now, &d)
	case RegimeCA:
		assessCA(q, &d)
	default:
		d.Compliance = Compliance(r.OtherCode)
		d.reason("Recorded as %s. Interlend keeps no copy limits for this library's copyright law; staff apply it.", r.OtherCode)
	}
	if err != nil {
		return Decision{}, err
	}
	if r.Regime == RegimeUS || r.Regime == RegimeUK {
		if err := sameIssueCheck(ctx, r, q, c, now, &d); err != nil {
			return Decision{}, err
		}
		if err := relatedCheck(ctx, r, q, c, now, &d); err != nil {
			return Decision{}, err
		}
	}
	if r.PreferPurchase && d.NeedsClearance {
		d.Options = moveFirst(d.Options, OptionPurchase)
	}
	return d, nil
}

// assessUS applies R1 to R11.
func assessUS(ctx context.Context, r Rules, q Request, c Counter, d *Decision) error {
	d.Compliance = CodeUSCCL
	if q.excluded() {
		d.flag(FlagExcluded, true, "%s: section 108(i) leaves music, pictures, maps and films (other than news) out of library copying for users.", q.PubType)
		d.reason("Held for staff: library copying for users does not cover this kind of material. Send only if fair use or permission covers it.")
		d.hold(patronHeld, OptionApprove, OptionPurchase, OptionDeny)
		return nil
	}
	if q.wholeWork() {
		if !q.FairPriceChecked {
			d.flag(FlagWholeWork, true, "A copy of a whole work or issue is allowed only after staff find no copy can be bought at a fair price (section 108(e)).")
			d.reason("Held for staff: record that no copy can be bought at a fair price, then approve; or buy it; or deny.")
			d.hold(patronHeld, OptionApprove, OptionPurchase, OptionDeny)
			return nil
		}
		d.reason("Whole work: staff found no copy for sale at a fair price, so section 108(e) covers it (CCL, not counted).")
		return nil
	}
	if d.Key == "" {
		d.flag(FlagUnidentified, true, "The request names no ISSN, ISBN, OCLC number or title, so it cannot be counted.")
		d.reason("Held for staff: add the journal's ISSN or title (or the book's ISBN) and check again.")
		d.hold(patronHeld, OptionDeny)
		return nil
	}
	if q.Subscribed {
		d.reason("The library holds this title (%s), so the copy counts as made from its own collection (CONTU guideline 2): CCL, not counted.", sourceWords(q.SubscribedSource))
		return nil
	}
	if q.periodical() {
		in, known := r.InWindow(q.PubDate, q.RequestDate)
		d.InWindow = in
		if !known {
			d.flag(FlagNoPubYear, false, "No publication year: treated as published within the last %d years, so it counts.", r.WindowYears)
		}
		if !in {
			d.reason("Published %s, more than %d years before the request (%s window): outside the CONTU guidelines, so CCL and not counted.",
				q.PubDate, r.WindowYears, r.WindowMode)
			return nil
		}
	} else if q.PubDate.Known() && q.PubDate.Year < d.Year-usPublicDomainYears {
		d.reason("Published %d, more than %d years ago: in the US public domain, so CCL and not counted.", q.PubDate.Year, usPublicDomainYears)
		return nil
	}
	n, err := c.Count(ctx, d.Key, d.Year)
	if err != nil {
		return fmt.Errorf("copyright: count %s in %d: %w", d.Key, d.Year, err)
	}
	d.CountBefore = n
	d.Compliance = CodeUSCCG
	what := "title"
	if !q.periodical() {
		what = "work"
	}
	if n < r.Limit {
		d.Counts = true
		d.reason("Copy %d of %d free copies from this %s in %d (CONTU guidelines): CCG, no fee.", n+1, r.Limit, what, d.Year)
		return nil
	}
	d.NeedsClearance = true
	d.flag(FlagOverLimit, true, "This would be copy %d from this %s in %d; the CONTU guidelines allow %d without permission.", n+1, what, d.Year, r.Limit)
	d.reason("Held for copyright clearance: pay a royalty, buy the article, use a licence or another exception, wait until next year, or deny.")
	d.hold(patronHeld, OptionPayRoyalty, OptionPurchase, OptionLicence, OptionDefer, OptionDeny)
	return nil
}

func sourceWords(s SubscriptionSource) string {
	switch s {
	case SourceEHoldings:
		return "in the e-holdings"
	case SourceCatalog:
		return "in the catalogue"
	case SourceStaff:
		return "staff said so"
	}
	return "source not given"
}

// sameIssueCheck is R8 (and the UK's one article per issue): the same
// patron asking for another article from the same issue within
// SameIssueDays. It warns in the US and holds in the UK.
func sameIssueCheck(ctx context.Context, r Rules, q Request, c Counter, now time.Time, d *Decision) error {
	if d.IssueID == "" || q.PatronKey == "" {
		return nil
	}
	since := now.AddDate(0, 0, -r.SameIssueDays)
	prior, err := c.IssueCopies(ctx, q.PatronKey, d.IssueID, since)
	if err != nil {
		return fmt.Errorf("copyright: same-issue copies: %w", err)
	}
	others := map[string]bool{}
	for _, p := range prior {
		if (q.ID != "" && p.RequestID == q.ID) || p.ArticleID == d.ArticleID || !p.supplied() {
			continue
		}
		others[p.ArticleID] = true
	}
	if len(others) == 0 {
		return nil
	}
	if r.Regime == RegimeUK {
		d.flag(FlagSameIssue, true, "The patron already has %d other article(s) from this issue; section 42A allows one article per issue.", len(others))
		d.reason("Held for staff: a second article from one issue is outside fair dealing; supply it copyright-fee-paid, buy it, or deny.")
		d.Compliance = CodeUKFeePaid
		d.hold(patronHeld, OptionPayRoyalty, OptionPurchase, OptionDeny)
		return nil
	}
	d.flag(FlagSameIssue, false, "The patron asked for %d other article(s) from this issue in the last %d days; section 108(d) covers one article per issue, so the rest need a fair-use judgement or permission.", len(others), r.SameIssueDays)
	return nil
}

// relatedCheck is R9 (and the UK's related-copying rule): RelatedCopies or
// more patrons asking for the same article within RelatedDays. It warns.
func relatedCheck(ctx context.Context, r Rules, q Request, c Counter, now time.Time, d *Decision) error {
	if d.ArticleID == "" {
		return nil
	}
	since := now.AddDate(0, 0, -r.RelatedDays)
	prior, err := c.ArticleCopies(ctx, d.ArticleID, since)
	if err != nil {
		return fmt.Errorf("copyright: same-article copies: %w", err)
	}
	patrons := map[string]bool{}
	if q.PatronKey != "" {
		patrons[q.PatronKey] = true
	} else {
		patrons["this request"] = true
	}
	for _, p := range prior {
		if (q.ID != "" && p.RequestID == q.ID) || p.State == StateCancelled {
			continue
		}
		who := p.PatronKey
		if who == "" {
			who = "request " + p.RequestID
		}
		patrons[who] = true
	}
	if len(patrons) < r.RelatedCopies {
		return nil
	}
	law := "section 108(g)(1) does not cover related or concerted copying"
	if r.Regime == RegimeUK {
		law = "section 42A does not cover copies for people with similar requirements at the same time"
	}
	d.flag(FlagRelated, false, "%d patrons asked for this article in the last %d days: %s (a class set or reserve reading?); check before sending.", len(patrons), r.RelatedDays, law)
	return nil
}

func moveFirst(opts []Option, o Option) []Option {
	out := []Option{o}
	found := false
	for _, x := range opts {
		if x == o {
			found = true
			continue
		}
		out = append(out, x)
	}
	if !found {
		return opts
	}
	return out
}
