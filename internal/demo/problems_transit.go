package demo

import (
	"context"

	"interlend/internal/app"
	"interlend/internal/ill"
)

func init() {
	register(Step{Order: 64, Name: "problems in transit: not received, claimed returned", Run: seedTransitProblems})
}

// seedTransitProblems gives Example College Library (borrowing from
// US-EXSUP) one request in each staff step of the problems in transit
// (docs/problems.md): a loan claimed lost in transit and waiting for the
// lender, one the lender agreed is lost waiting to be settled, a return
// the lender says never came (to trace), and one to settle. The lender's
// queue holds its side of the claimed returns.
func seedTransitProblems(ctx context.Context, a *app.App, w *World) error {
	const borrower, lender = ill.AgencyID("US-EXCOL"), ill.AgencyID("US-EXSUP")
	patron, err := demoPatron(ctx, a, borrower, 3)
	if err != nil {
		return err
	}
	note := func(n string) map[string]any { return map[string]any{"note": n} }
	claim := append(append([]move{}, toShipped...), bp(ill.ActClaimLostTransit, note("Tracking shows nothing since it left your building.")))
	back := append(append([]move{}, toCheckedOut...), b(ill.ActCheckIn), bp(ill.ActShipReturn, map[string]any{"courier": "USPS", "trackingId": "9400100000000000000077"}),
		lp(ill.ActReturnNotReceived, note("Nothing has come to our dock.")))
	cases := []problemCase{
		{cite: ill.Citation{Title: "The postal age", Author: "Henkin, David M.", ISBN: "9780226327204"}, moves: claim},
		{cite: ill.Citation{Title: "Neither snow nor rain: a history of the United States Postal Service", Author: "Gallagher, Devin", ISBN: "9780802124586"}, moves: append(append([]move{}, claim...), lp(ill.ActCloseLostLend, map[string]any{"cost": "65.00 USD", "note": "Agreed: lost in transit."}))},
		{cite: ill.Citation{Title: "The undoing project", Author: "Lewis, Michael", ISBN: "9780393254594"}, moves: back},
		{cite: ill.Citation{Title: "Thinking in systems", Author: "Meadows, Donella", ISBN: "9781603580557"}, moves: append(append([]move{}, back...), bp(ill.ActAnswerReturnClaim, note("We shipped it back on time; see the tracking.")), lp(ill.ActCloseLostLend, map[string]any{"cost": "40.00 USD"}))},
	}
	return seedProblemCases(ctx, a, "transit problem", borrower, lender, patron, cases)
}
