package demo

import (
	"context"
	"fmt"

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
	cases := []struct {
		cite  ill.Citation
		moves []move
	}{
		{ill.Citation{Title: "The postal age", Author: "Henkin, David M.", ISBN: "9780226327204"}, claim},
		{ill.Citation{Title: "Neither snow nor rain: a history of the United States Postal Service", Author: "Gallagher, Devin", ISBN: "9780802124586"},
			append(append([]move{}, claim...), lp(ill.ActCloseLostLend, map[string]any{"cost": "65.00 USD", "note": "Agreed: lost in transit."}))},
		{ill.Citation{Title: "The undoing project", Author: "Lewis, Michael", ISBN: "9780393254594"}, back},
		{ill.Citation{Title: "Thinking in systems", Author: "Meadows, Donella", ISBN: "9781603580557"},
			append(append([]move{}, back...), bp(ill.ActAnswerReturnClaim, note("We shipped it back on time; see the tracking.")), lp(ill.ActCloseLostLend, map[string]any{"cost": "40.00 USD"}))},
	}
	st := manager(borrower)
	for _, c := range cases {
		r, err := a.CreateRequest(ctx, st, app.NewRequest{PatronID: patron, Citation: c.cite, ServiceType: ill.Loan, Send: true, PickupLocation: "Main desk",
			Lenders: []app.RotaChoice{{Lender: lender, Reason: "demo: holds the title"}}})
		if err != nil {
			return fmt.Errorf("demo transit problem %q: %w", c.cite.DisplayTitle(), err)
		}
		if r.State != ill.BSent {
			return fmt.Errorf("demo transit problem %q: %s (%s)", c.cite.DisplayTitle(), r.State, r.ReviewReason)
		}
		if _, err := runDue(ctx, a); err != nil {
			return err
		}
		lid := ""
		for _, m := range c.moves {
			ag, rid := borrower, r.PublicID
			if m.lender {
				if lid == "" {
					if lid, err = a.LendingIDFor(ctx, lender, borrower, r.PublicID); err != nil {
						return err
					}
				}
				ag, rid = lender, lid
			}
			if _, err := a.Perform(ctx, manager(ag), rid, m.action, m.params, 0); err != nil {
				return fmt.Errorf("demo transit problem %q: %s: %w", c.cite.DisplayTitle(), m.action, err)
			}
			if _, err := runDue(ctx, a); err != nil {
				return err
			}
		}
	}
	return nil
}

// demoPatron is the id of a hosted library's n-th demo patron.
func demoPatron(ctx context.Context, a *app.App, lib ill.AgencyID, n int) (int64, error) {
	libIdx := -1
	for i, h := range hosted {
		if h.id == lib {
			libIdx = i
		}
	}
	if libIdx < 0 {
		return 0, fmt.Errorf("demo: %s is not hosted", lib)
	}
	found, err := a.SearchPatrons(ctx, ill.SystemActor(), lib, demoBarcode(libIdx, n), 1)
	if err != nil || len(found) != 1 {
		return 0, fmt.Errorf("demo patron %d of %s: %v", n, lib, err)
	}
	return found[0].ID, nil
}
