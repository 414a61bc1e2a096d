package app

import (
	"context"
	"strings"
	"time"

	"interlend/internal/copyright"
	"interlend/internal/ill"
	"interlend/internal/jobs"
	"interlend/internal/store"
)

// copyrightLending checks a new lending copy request: the borrower's
// compliance statement is recorded, and required as the lending policy
// says (L1: answered RetryPossible or Unfilled with the reason, or held
// for staff); then the e-resource licences (L3): a title whose licence
// does not allow ILL is answered Unfilled (NotAvailableForILL) with the
// licence's reason, and conditions of an allowed licence are attached
// for the staff who supply it. Every check is logged for licence audits.
func copyrightLending(a *App, tx *store.Tx, r *ill.Request) error {
	if !copyright.ServiceType(r.ServiceType).IsCopy() {
		return nil
	}
	set, rules, _, err := copyrightRules(tx, r.Agency)
	if err != nil {
		return err
	}
	country := partnerCountry(tx, r.Partner)
	d := copyright.CheckIncoming(rules.Lending, copyright.Incoming{Service: copyright.ServiceType(r.ServiceType), Statement: r.Copyright, BorrowerCountry: country})
	if d.Statement != "" {
		r.Copyright = string(d.Statement)
	}
	// The check is logged (not an event: the timeline records what
	// people, partners and timers did; the answer, if any, is one).
	if err := tx.Agency().AddLicenceLog(r.Agency, &store.LicenceLogEntry{RequestDBID: r.ID, Request: r.PublicID, Event: "statement",
		Allowed: d.Action == copyright.ActionSupply, Data: copyrightJSON(d)}); err != nil {
		return err
	}
	switch d.Action {
	case copyright.ActionAnswer:
		return answerCopyright(a, tx, r, d.Answer)
	case copyright.ActionHold:
		r.Attention, r.AttentionReason = true, "copyright_statement_missing"
		return tx.Agency().UpdateRequest(r.Agency, r, 0)
	}
	if !set.CheckLicences {
		return nil
	}
	ls, err := licenceSet(tx, r.Agency)
	if err != nil || ls == nil {
		return err
	}
	c := r.Citation
	pub, _ := copyright.ParsePubDate(c.PubDate)
	title := c.JournalTitle
	if title == "" {
		title = c.Title
	}
	ld := ls.Check(copyright.LicenceQuery{ISSNs: []string{c.ISSN, c.EISSN, c.ISBN}, Title: title, PubDate: pub, BorrowerCountry: country,
		LenderCountry: rules.Lending.Country, Now: tx.Now()})
	if !ld.Governed {
		return nil
	}
	if err := tx.Agency().AddLicenceLog(r.Agency, &store.LicenceLogEntry{RequestDBID: r.ID, Request: r.PublicID, Event: "checked", Allowed: ld.Allowed,
		PackageID: ld.PackageID, Data: copyrightJSON(ld)}); err != nil {
		return err
	}
	if !ld.Allowed {
		return answerCopyright(a, tx, r, ld.Answer())
	}
	conds := append([]string{}, d.Conditions...)
	conds = append(conds, ld.Conditions...)
	if len(conds) == 0 {
		return nil
	}
	// The conditions go to the staff who supply it: the request needs
	// attention, and the licence log holds the conditions.
	r.Attention, r.AttentionReason = true, "licence_conditions"
	if err := tx.Agency().AddLicenceLog(r.Agency, &store.LicenceLogEntry{RequestDBID: r.ID, Request: r.PublicID, Event: "conditions", Allowed: true,
		PackageID: ld.PackageID, Data: copyrightJSON(map[string]any{"reason": ld.Reason, "conditions": conds})}); err != nil {
		return err
	}
	return tx.Agency().UpdateRequest(r.Agency, r, 0)
}

// answerCopyright sends the lending answer of a copyright or licence check.
func answerCopyright(a *App, tx *store.Tx, r *ill.Request, ans *copyright.Answer) error {
	if ans == nil {
		return nil
	}
	if ans.Status == copyright.StatusRetryPossible {
		return a.performSystem(tx, r, ill.ActAnswerRetry, map[string]any{"reason": "NotCurrentAvailableForILL", "note": ans.Note})
	}
	reason := ans.ReasonUnfilled
	if reason == "" {
		reason = copyright.ReasonPolicyProblem
	}
	return a.performSystem(tx, r, ill.ActAnswerUnfilled, map[string]any{"reason": reason, "note": ans.Note})
}

// partnerCountry is a library's country: its directory entry's first
// address with one, else the ISIL prefix of its id ("US-XYZ" -> "US").
func partnerCountry(tx *store.Tx, id ill.AgencyID) string {
	if e, err := tx.Network().DirectoryEntry(id); err == nil {
		for _, ad := range e.Addresses {
			if ad.Country != "" {
				return strings.ToUpper(ad.Country)
			}
		}
	}
	if p, _, ok := strings.Cut(string(id), "-"); ok && len(p) == 2 {
		return strings.ToUpper(p)
	}
	return ""
}

// licenceSet loads an agency's e-holdings and licence terms (nil when
// there are none).
func licenceSet(tx *store.Tx, agency ill.AgencyID) (*copyright.LicenceSet, error) {
	ts, err := tx.Agency().CopyrightTitles(agency, store.TitleEHoldings, 0)
	if err != nil || len(ts) == 0 {
		return nil, err
	}
	terms, err := tx.Agency().CopyrightLicenceTerms(agency)
	if err != nil {
		return nil, err
	}
	titles := make([]copyright.KBARTTitle, len(ts))
	for i, t := range ts {
		titles[i] = t.KBART
		titles[i].PackageID = t.PackageID
	}
	return copyright.NewLicenceSet(titles, terms), nil
}

// KindCopyrightPurge deletes ledger rows whose retention has run out
// (R14), every night.
const KindCopyrightPurge = "copyright.purge"

func (a *App) registerCopyrightJobs() {
	a.Jobs.Register(jobs.Kind{Name: KindCopyrightPurge, Handler: func(ctx context.Context, run *jobs.Run) error {
		return run.Complete(ctx, func(tx *store.Tx) error {
			if _, err := a.purgeCopyright(tx); err != nil {
				return err
			}
			return scheduleCopyrightPurge(tx, tx.Now().Add(24*time.Hour))
		})
	}})
}

// purgeCopyright runs the purge for every agency; it returns the rows gone.
func (a *App) purgeCopyright(tx *store.Tx) (int, error) {
	ags, err := tx.System().Agencies()
	if err != nil {
		return 0, err
	}
	total := 0
	for _, ag := range ags {
		n, err := tx.Agency().PurgeCopyrightEntries(ag.ID, tx.Now())
		if err != nil {
			return total, err
		}
		// Canadian copy records past their three years (copyright_ca.go).
		recs, err := purgeCopyRecords(tx, ag.ID)
		if err != nil {
			return total, err
		}
		n += recs
		if n > 0 {
			a.Log.Info("copyright ledger purged", "agency", ag.ID, "rows", n)
		}
		total += n
	}
	return total, nil
}

// scheduleCopyrightPurge enqueues the purge for 03:00 UTC after at.
func scheduleCopyrightPurge(tx *store.Tx, at time.Time) error {
	at = at.UTC()
	next := time.Date(at.Year(), at.Month(), at.Day(), 3, 0, 0, 0, time.UTC)
	if !next.After(at) {
		next = next.AddDate(0, 0, 1)
	}
	_, err := tx.System().EnqueueJob(store.NewJob{Kind: KindCopyrightPurge, RunAt: next, IdempotencyKey: KindCopyrightPurge + ":" + next.Format("2006-01-02")})
	return err
}

// PurgeCopyright runs the retention purge now (operators and tests).
func (a *App) PurgeCopyright(ctx context.Context) (int, error) {
	var n int
	err := a.write(ctx, func(tx *store.Tx) (err error) { n, err = a.purgeCopyright(tx); return })
	return n, err
}
