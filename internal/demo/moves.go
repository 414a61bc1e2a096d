package demo

import (
	"context"
	"fmt"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
)

// playMoves walks borrowing request id of borrower (and the lending
// request lender made of it, found at its first lender move) through
// moves, running what falls due after each.
func playMoves(ctx context.Context, a *app.App, borrower, lender ill.AgencyID, id string, moves []move) error {
	lendingID := ""
	for _, m := range moves {
		ag, rid := borrower, id
		if m.lender {
			if lendingID == "" {
				var err error
				if lendingID, err = a.LendingIDFor(ctx, lender, borrower, id); err != nil {
					return err
				}
			}
			ag, rid = lender, lendingID
		}
		actor := manager(ag)
		if m.system {
			actor = ill.SystemActor()
			actor.Agency = ag
		}
		if m.upload {
			if err := deliverDemoScan(ctx, a, actor, rid); err != nil {
				return err
			}
		} else if _, err := a.Perform(ctx, actor, rid, m.action, m.params, 0); err != nil {
			return fmt.Errorf("%s: %w", m.action, err)
		}
		if _, err := runDue(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// problemCase is a request a problem seed walks into its problem state.
type problemCase struct {
	cite  ill.Citation
	svc   ill.ServiceType // Loan when empty
	need  time.Time       // need-before date, if any
	moves []move
}

// seedProblemCases makes one request per case, from patron of borrower to
// lender, and plays its moves. what names the seed in errors.
func seedProblemCases(ctx context.Context, a *app.App, what string, borrower, lender ill.AgencyID, patron int64, cases []problemCase) error {
	for _, c := range cases {
		svc := c.svc
		if svc == "" {
			svc = ill.Loan
		}
		r, err := a.CreateRequest(ctx, manager(borrower), app.NewRequest{PatronID: patron, Citation: c.cite, ServiceType: svc, Send: true, PickupLocation: "Main desk",
			NeedBefore: c.need, Lenders: []app.RotaChoice{{Lender: lender, Reason: "demo: holds the title"}}})
		if err != nil {
			return fmt.Errorf("demo %s %q: %w", what, c.cite.DisplayTitle(), err)
		}
		if r.State != ill.BSent {
			return fmt.Errorf("demo %s %q: %s (%s)", what, c.cite.DisplayTitle(), r.State, r.ReviewReason)
		}
		if _, err := runDue(ctx, a); err != nil {
			return err
		}
		if err := playMoves(ctx, a, borrower, lender, r.PublicID, c.moves); err != nil {
			return fmt.Errorf("demo %s %q: %w", what, c.cite.DisplayTitle(), err)
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
