package app

import (
	"context"
	"fmt"
	"slices"

	"interlend/internal/ill"
)

// BorrowingBatchActions are the actions the borrowing desk offers for a
// selection of requests, in its order: none needs a value typed for each
// request (a barcode, a cost), so one choice fits every request selected.
var BorrowingBatchActions = []ill.ActionName{ill.ActApprove, ill.ActSend, ill.ActCloseDuplicate, ill.ActAcceptConditions,
	ill.ActRejectConditions, ill.ActNextLender, ill.ActRoute, ill.ActStatusRequest, ill.ActSendReminder, ill.ActMakeAvailable,
	ill.ActShipReturn, ill.ActCloseUnfilled, ill.ActCancel, ill.ActRequestCancel}

// BorrowingBatchActionsFor lists the batch actions the actor may take on
// a desk queue's requests (those whose states the queue holds; every
// batch action for a queue that cuts across states).
func BorrowingBatchActionsFor(queue string, actor ill.Actor) []ill.ActionName {
	var states []ill.State
	if q, ok := DeskQueueNamed(queue); ok {
		states = q.Spec.States
	}
	var out []ill.ActionName
	for _, name := range BorrowingBatchActions {
		def, ok := ill.BorrowingWorkflow.Action(name)
		if !ok || !slices.Contains(def.Actors, ill.ActorStaff) || def.Perm != "" && !actor.Can(def.Perm) {
			continue
		}
		if slices.ContainsFunc(def.Params, func(p ill.Param) bool { return p.Required }) {
			continue
		}
		if len(states) > 0 && !slices.ContainsFunc(def.From, func(s ill.State) bool { return slices.Contains(states, s) }) {
			continue
		}
		out = append(out, name)
	}
	return out
}

// BorrowingBatch takes one action on several borrowing requests, each in
// its own transaction, like LendingBatch: a request someone else changed
// meanwhile (its version differs), or one the action does not fit, is
// left as it was and reported; the others go on. Returns Invalid for an
// empty or oversized batch or an action the desk does not batch.
func (a *App) BorrowingBatch(ctx context.Context, actor ill.Actor, items []BatchItem, action ill.ActionName, params map[string]any) ([]BatchResult, error) {
	if len(items) > 0 && len(items) <= MaxBatch && !slices.Contains(BorrowingBatchActions, action) {
		return nil, ill.E(ill.Invalid, fmt.Sprintf("the desk does not take %q for a selection", action), map[string]string{"action": "unknown action"})
	}
	return a.batch(ctx, actor, ill.Borrowing, items, action, params)
}
