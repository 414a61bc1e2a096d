package app

import (
	"context"
	"io"

	"interlend/internal/ill"
	"interlend/internal/routing"
	"interlend/internal/store"
)

// ImportExchangeRates stores the rates of a CSV file (routing.ReadRatesCSV:
// columns from,to,rate,on[,source]) in one transaction, with an audit
// record each: a bad line stores nothing. Returns the rates stored, or
// Invalid (the file's errors, by line) or Forbidden.
func (a *App) ImportExchangeRates(ctx context.Context, actor ill.Actor, in io.Reader) ([]routing.Rate, error) {
	if err := requireRates(actor); err != nil {
		return nil, err
	}
	rs, err := routing.ReadRatesCSV(in)
	if err != nil {
		return nil, ill.E(ill.Invalid, err.Error())
	}
	err = a.write(ctx, func(tx *store.Tx) error {
		for _, r := range rs {
			if err := tx.Network().PutExchangeRate(r, actor.UserID); err != nil {
				return err
			}
			if err := tx.System().SystemAudit(store.AuditRecord{Agency: actor.Agency, Actor: actor.UserID, Action: "routing.rate",
				Target: r.From + "/" + r.To + " " + r.On.String(), After: r.Value + " " + r.Source}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rs, nil
}
