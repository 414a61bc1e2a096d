package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/jobs"
	"interlend/internal/ncip"
	"interlend/internal/store"
)

// A borrowed item may be lent to the patron at the ILS's own desk and come
// back there: NCIP does not tell Interlend, so Interlend looks (LookupItem
// on the temporary item) now and then while the item is on the hold shelf
// or with the patron, and takes the check-out or check-in itself when it
// sees one.
const (
	// watchPickup is how often Interlend looks while the item waits for
	// the patron.
	watchPickup = 30 * time.Minute
	// watchLoan is how often it looks while the patron has the item.
	watchLoan = 6 * time.Hour
)

// Borrowing states in which the item is waiting for the patron, and in
// which the patron has it.
var (
	watchWaiting = []ill.State{ill.BAwaitingPickup, ill.BPickupExpired}
	watchOnLoan  = []ill.State{ill.BCheckedOut, ill.BOverdue, ill.BRecalled, ill.BRenewRequested}
)

type watchPayload struct {
	Agency  ill.AgencyID `json:"agency"`
	Request string       `json:"request"`
}

// scheduleWatch enqueues the next look at a request's temporary item.
func (a *App) scheduleWatch(tx *store.Tx, r *ill.Request, after time.Duration) error {
	at := tx.Now().Add(after)
	_, err := tx.System().EnqueueJob(store.NewJob{Kind: KindILSWatch, Agency: r.Agency, Ref: r.PublicID, RunAt: at, MaxAttempts: ilsLookupAttempts,
		IdempotencyKey: fmt.Sprintf("ils.watch:%s:%s:%d", r.Agency, r.PublicID, at.UnixMicro()),
		Payload:        watchPayload{Agency: r.Agency, Request: r.PublicID}})
	return err
}

// watchILS is the job that looks at a temporary item in the ILS.
func (a *App) watchILS(ctx context.Context, run *jobs.Run) error {
	var p watchPayload
	if err := run.Job.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	var c *stepContext
	if err := a.read(ctx, func(tx *store.Tx) (err error) { c, err = a.readStepContext(tx, p.Agency, p.Request); return }); err != nil {
		if ill.Is(err, ill.NotFound) {
			return nil
		}
		return err
	}
	item := c.tempItem()
	if item == "" || !slices.Contains(watchWaiting, c.r.State) && !slices.Contains(watchOnLoan, c.r.State) {
		return nil // the loan moved on: stop looking
	}
	d, err := a.ILSFor(ctx, p.Agency)
	if err != nil || d.Name() != ils.DriverNCIP || !d.Supports(ils.LookupItem) {
		return nil // nobody to ask (the settings changed)
	}
	it, err := d.LookupItem(ctx, ils.LookupItemInput{ItemID: item})
	switch {
	case ils.Retryable(err):
		// Not now: look again at the next turn rather than hammer the ILS.
		return run.Complete(ctx, func(tx *store.Tx) error { return a.watchAgain(tx, p) })
	case err != nil:
		return nil // the ILS does not know the item (any more): stop
	}
	onLoan := strings.EqualFold(it.Status, ncip.StatusOnLoan)
	return run.Complete(ctx, func(tx *store.Tx) error {
		r, err := tx.Agency().LockRequest(p.Agency, p.Request)
		if err != nil {
			return err
		}
		seen := map[string]any{seenKey: true, "item": item}
		switch {
		case slices.Contains(watchWaiting, r.State) && onLoan:
			if err := a.applyAs(tx, ill.SystemActor(), r, ill.ActCheckOut, seen); err != nil {
				return err
			}
		case slices.Contains(watchOnLoan, r.State) && !onLoan && checkedOutInILS(tx, r):
			if err := a.applyAs(tx, ill.SystemActor(), r, ill.ActCheckIn, seen); err != nil {
				return err
			}
		}
		return a.watchAgain(tx, p)
	})
}

// checkedOutInILS reports whether the ILS is known to have lent the item
// (checked out there, or by Interlend's CheckOutItem): only then does an
// item no longer on loan mean the patron brought it back.
func checkedOutInILS(tx *store.Tx, r *ill.Request) bool {
	s, err := tx.Agency().CirculationStep(r.Agency, r.ID, string(ils.CheckOutItem))
	return err == nil && s.State == store.StepDone && (s.Data["via"] == viaILS || s.Data["via"] == viaSeen)
}

// watchAgain schedules the next look if the request still needs one.
func (a *App) watchAgain(tx *store.Tx, p watchPayload) error {
	r, err := tx.Agency().GetRequest(p.Agency, p.Request)
	if err != nil {
		return err
	}
	switch {
	case slices.Contains(watchWaiting, r.State):
		return a.scheduleWatch(tx, r, watchPickup)
	case slices.Contains(watchOnLoan, r.State):
		return a.scheduleWatch(tx, r, watchLoan)
	}
	return nil
}

// applyAs takes an action of the state tables on a locked request as the
// given actor, without the desk's permission check: the system doing what
// a person did elsewhere (the ILS lent the item), or releasing a request
// it held. The action must be possible in the request's state.
func (a *App) applyAs(tx *store.Tx, actor ill.Actor, r *ill.Request, name ill.ActionName, data map[string]any) error {
	wf := ill.WorkflowFor(r.Side)
	def, ok := wf.Action(name)
	if !ok || !slices.Contains(def.From, r.State) {
		return ill.Errorf(ill.Conflict, "%s is not possible while the request is %s", name, r.State)
	}
	if data == nil {
		data = map[string]any{}
	}
	actor.Agency = r.Agency
	return a.apply(tx, &change{req: r, wf: wf, target: def.To, next: def.Next, actor: actor, event: def.EventType(), name: string(def.Name),
		effects: def.Effects, sends: sendsOf(r, def.Sends), params: Params{}, data: data})
}
