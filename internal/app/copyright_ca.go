package app

import (
	"context"
	"time"

	"interlend/internal/copyright"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// Canadian copy records (standards/copyright.md §2; SOR/99-325 s.4): a
// library whose regime is Canada records every copy it obtains for a user
// or supplies to another library — who asked (a patron pseudonym, never a
// name, or the borrowing library's id), the request date, the
// bibliographic details and the pages — and keeps the record three years
// from the request. A borrowing copy request is recorded when it is made
// and dated when the copy arrives; a lending copy is recorded when it is
// delivered. The nightly copyright purge deletes records past their date.
func init() {
	addCreated(copyRecordCreated)
	addTransitionHook(copyRecordHook)
}

// caRegime reports whether the agency works under the Canadian regime,
// and its time zone.
func caRegime(tx *store.Tx, agency ill.AgencyID) (bool, *time.Location, error) {
	_, rules, loc, err := copyrightRules(tx, agency)
	if err != nil {
		return false, nil, err
	}
	return rules.Regime == copyright.RegimeCA, loc, nil
}

// copyRecordCreated records a new borrowing copy request of a Canadian
// library.
func copyRecordCreated(a *App, tx *store.Tx, actor ill.Actor, r *ill.Request) error {
	if r.Side != ill.Borrowing || !copyright.ServiceType(r.ServiceType).IsCopy() {
		return nil
	}
	ca, loc, err := caRegime(tx, r.Agency)
	if err != nil || !ca {
		return err
	}
	rec := copyright.NewCARecord(copyrightRequest(r, tx.Now().In(loc)))
	return tx.Agency().AddCopyRecord(r.Agency, &store.CopyRecord{RequestDBID: r.ID, Side: store.CopyRecordBorrowing, CARecord: rec})
}

// copyRecordHook dates the borrowing record when the copy arrives, and
// records a copy a Canadian lender delivers.
func copyRecordHook(a *App, tx *store.Tx, r *ill.Request, ev *ill.Event) error {
	if ev.From == ev.To || !copyright.ServiceType(r.ServiceType).IsCopy() {
		return nil
	}
	switch {
	case r.Side == ill.Borrowing && ev.To == ill.BCompleted && r.CloseReason == ill.ClosedFilled:
		err := tx.Agency().MarkCopyRecordSupplied(r.Agency, r.ID, tx.Now())
		if ill.Is(err, ill.NotFound) {
			return nil // not a Canadian library, or recorded before the regime was chosen
		}
		return err
	case r.Side == ill.Lending && ev.To == ill.LCompleted && ev.Name == string(ill.ActDeliver):
		ca, loc, err := caRegime(tx, r.Agency)
		if err != nil || !ca {
			return err
		}
		rec := copyright.NewCARecord(copyrightRequest(r, r.CreatedAt.In(loc)))
		rec.RequesterKey = string(r.Partner) // the library that asked (s.4: the requesting library)
		err = tx.Agency().AddCopyRecord(r.Agency, &store.CopyRecord{RequestDBID: r.ID, Side: store.CopyRecordLending, CARecord: rec, SuppliedAt: tx.Now()})
		if ill.Is(err, ill.Conflict) {
			return nil // delivered again: the first delivery is the record
		}
		return err
	}
	return nil
}

// CopyRecords lists the agency's Canadian copy records of a calendar year
// (in its time zone), for the auditor.
func (a *App) CopyRecords(ctx context.Context, actor ill.Actor, year int) ([]store.CopyRecord, error) {
	if err := actor.Require(actor.Agency, ill.PermCopyright); err != nil {
		return nil, err
	}
	if year < 1900 || year > 9999 {
		return nil, ill.E(ill.Invalid, "choose a year", map[string]string{"year": "a year such as 2026"})
	}
	var out []store.CopyRecord
	err := a.read(ctx, func(tx *store.Tx) error {
		_, _, loc, err := copyrightRules(tx, actor.Agency)
		if err != nil {
			return err
		}
		from := time.Date(year, 1, 1, 0, 0, 0, 0, loc)
		out, err = tx.Agency().CopyRecords(actor.Agency, from, from.AddDate(1, 0, 0))
		return err
	})
	return out, err
}

// purgeCopyRecords deletes an agency's copy records past their date.
func purgeCopyRecords(tx *store.Tx, agency ill.AgencyID) (int, error) {
	return tx.Agency().PurgeCopyRecords(agency, tx.Now())
}
