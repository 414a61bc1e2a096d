package app

import (
	"context"
	"strings"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// The patron's side of the need-before question (problems_silence.go):
// while the request's need-before problem is open, the portal asks
// whether to go on (optionally with a new date) or cancel.

// Need-before answers.
const (
	NeedBeforeGoOn   = "go_on"
	NeedBeforeCancel = "cancel"
)

// PortalNeedBefore answers the need-before question: go on (with the new
// date YYYY-MM-DD, or none) or cancel (withdrawn here, or a Cancel to the
// lender that holds it). Returns NotFound, Invalid, Conflict (no question
// pending, or too late to cancel here) or Forbidden.
func (a *App) PortalNeedBefore(ctx context.Context, actor ill.Actor, publicID, answer, newDate string) (*ill.Request, error) {
	if err := requirePatron(actor); err != nil {
		return nil, err
	}
	var out *ill.Request
	err := a.write(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, true)
		if err != nil {
			return err
		}
		asked, err := needBeforeAsked(tx, r)
		if err != nil {
			return err
		}
		if !asked {
			return ill.E(ill.Conflict, "There is no question waiting for your answer.")
		}
		switch answer {
		case NeedBeforeGoOn:
			params := map[string]any{}
			if d := strings.TrimSpace(newDate); d != "" {
				params["needBefore"] = d
			}
			if err := a.perform(tx, actor, r, ill.ActNeedBeforeGoOn, params, 0); err != nil {
				return err
			}
		case NeedBeforeCancel:
			how, _ := cancelFor(actor, r)
			if how == "" {
				return ill.E(ill.Conflict, "This request can no longer be cancelled here: ask the library.")
			}
			if err := a.perform(tx, actor, r, how, nil, 0); err != nil {
				return err
			}
		default:
			return ill.E(ill.Invalid, "Choose whether to go on or cancel.", map[string]string{"answer": "problems.needbefore.err.answer"})
		}
		out = r
		return nil
	})
	return out, err
}
