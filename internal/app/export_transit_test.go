package app

import (
	"context"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// SendOverdueForTest sends the borrower an Overdue status for a lending
// request without moving it (what a lender that is not Interlend may do
// after the item was shipped back).
func (a *App) SendOverdueForTest(ctx context.Context, agency ill.AgencyID, publicID string) error {
	return a.write(ctx, func(tx *store.Tx) error {
		r, err := tx.Agency().LockRequest(agency, publicID)
		if err != nil {
			return err
		}
		_, err = a.send(tx, r, outgoing{to: r.Partner, spec: ill.MessageSpec{Kind: ill.MsgSAM, Status: ill.StatusOverdue, Reason: ill.ReasonStatusChange},
			params: Params{"note": "Please return it."}})
		if err != nil {
			return err
		}
		return tx.Agency().UpdateRequest(r.Agency, r, 0)
	})
}
