package app

import (
	"context"
	"strings"

	"interlend/internal/calendar"
	"interlend/internal/ill"
	"interlend/internal/routing"
	"interlend/internal/store"
)

// ExchangeRates lists the dated exchange rates routing converts charges
// with. Staff of any agency may read them. Returns Forbidden.
func (a *App) ExchangeRates(ctx context.Context, actor ill.Actor) ([]routing.Rate, error) {
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil && !actor.Grants.IsOperator() {
		return nil, err
	}
	var out []routing.Rate
	err := a.read(ctx, func(tx *store.Tx) (err error) { out, err = tx.Network().ExchangeRates(); return })
	return out, err
}

// requireRates checks that the actor may change the network's exchange
// rates: directory administrators and operators.
func requireRates(actor ill.Actor) error {
	if actor.Grants.IsOperator() || actor.Kind == ill.ActorSystem {
		return nil
	}
	return actor.Require(actor.Agency, ill.PermDirectory)
}

// PutExchangeRate stores a rate (replacing the pair's rate of the same
// date) with an audit record. Returns Invalid (nothing changed) or
// Forbidden.
func (a *App) PutExchangeRate(ctx context.Context, actor ill.Actor, r routing.Rate) error {
	if err := requireRates(actor); err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return ill.E(ill.Invalid, err.Error(), map[string]string{"rate": err.Error()})
	}
	return a.write(ctx, func(tx *store.Tx) error {
		if err := tx.Network().PutExchangeRate(r, actor.UserID); err != nil {
			return err
		}
		return tx.System().SystemAudit(store.AuditRecord{Agency: actor.Agency, Actor: actor.UserID, Action: "routing.rate",
			Target: r.From + "/" + r.To + " " + r.On.String(), After: r.Value + " " + r.Source})
	})
}

// DeleteExchangeRate removes the rate of a pair from a date. Returns
// NotFound or Forbidden.
func (a *App) DeleteExchangeRate(ctx context.Context, actor ill.Actor, from, to string, on calendar.Date) error {
	if err := requireRates(actor); err != nil {
		return err
	}
	return a.write(ctx, func(tx *store.Tx) error {
		if err := tx.Network().DeleteExchangeRate(from, to, on); err != nil {
			return err
		}
		return tx.System().SystemAudit(store.AuditRecord{Agency: actor.Agency, Actor: actor.UserID, Action: "routing.rate.delete",
			Target: strings.ToUpper(from) + "/" + strings.ToUpper(to) + " " + on.String()})
	})
}
