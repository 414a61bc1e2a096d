package demo

import (
	"context"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
)

func init() {
	register(Step{Order: 66, Name: "problems on timers: silent partner, need-before passed, conditions unanswered, not received", Run: seedSilenceProblems})
}

// seedSilenceProblems gives Example College Library (borrowing from
// US-EXSUP, whose staff have not answered) one request in each of the
// timer-driven problems (docs/problems.md): a Cancel, a Renew and a
// ShippedReturn the lender is silent on (each reminded, staff follow-up
// next), a need-before date passed (the patron asked), and conditions
// left unanswered (staff reminded, automatic rejection next), and a loan
// shipped but not received (the lender asked where it is). The
// detections are made due at once by setting their aging rows to 0 for
// the seeding, then the library's table is put back.
func seedSilenceProblems(ctx context.Context, a *app.App, w *World) error {
	const borrower, lender = ill.AgencyID("US-EXCOL"), ill.AgencyID("US-EXSUP")
	patron, err := demoPatron(ctx, a, borrower, 3)
	if err != nil {
		return err
	}
	st := manager(borrower)
	saved, err := app.AgingSetting.Get(ctx, a.DB, borrower)
	if err != nil {
		return err
	}
	now := app.AgingTable{Rows: append([]app.AgingRow{}, saved.Rows...)}
	for i, r := range now.Rows {
		if r.Step == ill.StepDetect {
			now.Rows[i].Days = 0
		}
	}
	if err := a.PutSetting(ctx, st, borrower, "problems.aging", now); err != nil {
		return err
	}
	defer func() { _ = a.PutSetting(ctx, st, borrower, "problems.aging", saved) }()

	cases := []problemCase{
		{cite: ill.Citation{Title: "The art of waiting", Author: "Boyd, Belinda", ISBN: "9781910702253"},
			moves: []move{l(ill.ActExpectToSupply), b(ill.ActRequestCancel)}},
		{cite: ill.Citation{Title: "In praise of slowness", Author: "Honoré, Carl", ISBN: "9780060750510"},
			moves: append(append([]move{}, toCheckedOut...), b(ill.ActRenew))},
		{cite: ill.Citation{Title: "Silence: in the age of noise", Author: "Kagge, Erling", ISBN: "9781524733230"},
			moves: append(append([]move{}, toCheckedOut...), b(ill.ActCheckIn), bp(ill.ActShipReturn, map[string]any{"courier": "USPS", "trackingId": "9400100000000000000123"}))},
		{cite: ill.Citation{Title: "Deadline: a novel about project management", Author: "DeMarco, Tom", ISBN: "9780932633392"},
			need: time.Now().AddDate(0, 0, -2), moves: []move{l(ill.ActExpectToSupply)}},
		{cite: ill.Citation{Title: "The fine print", Author: "Ellis, Ruth", ISBN: "9780316399630"},
			moves: []move{lp(ill.ActOfferConds, map[string]any{"conditions": []string{"LibraryUseOnly"}, "cost": "12.00 USD", "note": "Library use only, and our fee."})}},
		// Shipped and not received: the StatusRequest is asked at once
		// (the lender answers Loaned), the claim is next.
		{cite: ill.Citation{Title: "Lost in the mail: a history of the dead letter office", Author: "Fuller, Wayne E.", ISBN: "9780252027383"},
			moves: append([]move{}, toShipped...)},
	}
	return seedProblemCases(ctx, a, "timer problem", borrower, lender, patron, cases)
}
