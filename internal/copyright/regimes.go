package copyright

import (
	"context"
	"fmt"
	"time"
)

// assessUK applies CDPA s.42A as far as a system can check it: the user's
// declaration, one copy of the same material per person, one article per
// issue (in sameIssueCheck) and a reasonable proportion of other works.
// Anything outside goes to staff for copyright-fee-paid supply.
func assessUK(ctx context.Context, r Rules, q Request, c Counter, now time.Time, d *Decision) error {
	d.Compliance = CodeUKFairDealing
	feePaid := []Option{OptionPayRoyalty, OptionPurchase, OptionDeny}
	if q.Declaration == nil || q.Declaration.SignedAt.IsZero() {
		d.flag(FlagNoDeclaration, true, "The patron has not signed the copyright declaration that section 42A requires.")
		d.reason("Held: once the patron signs the declaration, check again to send it as fair dealing; or supply it copyright-fee-paid, buy it, or deny.")
		d.Compliance = CodeUKFeePaid
		d.hold(patronDeclare, feePaid...)
	}
	if q.wholeWork() {
		d.flag(FlagWholeWork, true, "Section 42A covers one article from an issue or a reasonable proportion of another work, not a whole work.")
		d.reason("Held: a whole work is outside the library exception; supply it copyright-fee-paid, buy it, or deny.")
		d.Compliance = CodeUKFeePaid
		d.hold(patronHeld, feePaid...)
	}
	if d.ArticleID == "" || q.PatronKey == "" {
		d.flag(FlagUnidentified, false, "The article or the patron is not identified well enough to check the one-copy-per-person rule; staff should check it.")
	} else {
		prior, err := c.ArticleCopies(ctx, d.ArticleID, time.Time{})
		if err != nil {
			return fmt.Errorf("copyright: earlier copies of %s: %w", d.ArticleID, err)
		}
		for _, p := range prior {
			if p.PatronKey == q.PatronKey && p.supplied() && (q.ID == "" || p.RequestID != q.ID) {
				d.flag(FlagRepeatCopy, true, "This patron was already supplied a copy of this article (%s); section 42A allows one copy of the same material per person.", p.RequestDate.Format("2 January 2006"))
				d.reason("Held: a second copy for the same person is outside fair dealing; supply it copyright-fee-paid, buy it, or deny.")
				d.Compliance = CodeUKFeePaid
				d.hold(patronRepeat, feePaid...)
				break
			}
		}
	}
	if !d.Hold {
		d.reason("Fair dealing copy for non-commercial research or private study (CDPA s.42A), declaration signed %s.",
			q.Declaration.SignedAt.Format("2 January 2006"))
	}
	return nil
}

// assessCA applies the Canadian Copyright Act s.29 and s.30.2 in brief.
func assessCA(q Request, d *Decision) {
	d.Compliance = CodeCAFairDealing
	d.reason("Copy under fair dealing for research or private study (Copyright Act s.29 and s.30.2; s.30.2(5) for another library's user). Keep the copy record for three years (SOR/99-325 s.4).")
	if q.PubType == PubNewspaper {
		edge := q.RequestDate.AddDate(-1, 0, 0)
		edgeDay := time.Date(edge.Year(), edge.Month(), edge.Day(), 0, 0, 0, 0, time.UTC)
		if !q.PubDate.Known() || !q.PubDate.Latest().Before(edgeDay) {
			d.flag(FlagRecentNews, true, "A newspaper or general periodical may be copied under s.30.2(2) only once it is more than a year old (publication date %s).", pubDateWords(q.PubDate))
			d.reason("Held for staff: the item may be too recent for the library exception; use a licence, pay, buy it, or deny.")
			d.hold(patronHeld, OptionLicence, OptionPayRoyalty, OptionPurchase, OptionDeny)
		}
	}
	if q.wholeWork() {
		d.flag(FlagWholeWork, true, "Fair dealing rarely covers a whole work; staff should check whether a licence applies or the work cannot be bought.")
		d.reason("Held for staff: approve after review, use a licence, pay, buy it, or deny.")
		d.hold(patronHeld, OptionApprove, OptionLicence, OptionPayRoyalty, OptionPurchase, OptionDeny)
	}
	d.reason("If delivered digitally, the supplying library must stop the user making more than one printout, passing it on, or using it more than five business days after first use (s.30.2(5.02)).")
}

func pubDateWords(p PubDate) string {
	if !p.Known() {
		return "not given"
	}
	return p.String()
}
