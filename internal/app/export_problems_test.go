package app

import (
	"context"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// OpenProblemForTest opens a problem on a request as a detection would.
func (a *App) OpenProblemForTest(ctx context.Context, agency ill.AgencyID, publicID string, kind ill.ProblemKind, note string) (store.Problem, error) {
	var p *store.Problem
	err := a.write(ctx, func(tx *store.Tx) error {
		r, err := tx.Agency().LockRequest(agency, publicID)
		if err != nil {
			return err
		}
		p, err = a.openProblem(tx, r, kind, note)
		return err
	})
	if p == nil {
		return store.Problem{}, err
	}
	return *p, err
}
