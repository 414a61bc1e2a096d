package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/jobs"
	"interlend/internal/store"
)

// KindTimer fires a system action of the state tables at a set time
// (response windows, pickup deadlines, due dates). A timer that finds its
// request moved on does nothing.
const KindTimer = "request.timer"

type timerPayload struct {
	Agency  ill.AgencyID   `json:"agency"`
	Request string         `json:"request"`
	Action  ill.ActionName `json:"action"`
	// Guard is a condition that must still hold: "pos=N" (the rota is
	// still at lender N), "due=<time>" (the due date is unchanged).
	Guard string `json:"guard,omitempty"`
}

func init() {
	addJobs(func(a *App) {
		a.Jobs.Register(jobs.Kind{Name: KindTimer, Handler: a.fireTimer})
	})
}

// requestByID loads (and locks) a request by row id.
func (a *App) requestByID(tx *store.Tx, agency ill.AgencyID, id int64) (*ill.Request, error) {
	return tx.Agency().LockRequestByID(agency, id)
}

// scheduleTimer enqueues a timer for a request. Timers never share the
// request's message ordering key (a timer due next week must not hold
// back today's messages); they are found by their ref instead.
func (a *App) scheduleTimer(tx *store.Tx, r *ill.Request, action ill.ActionName, at time.Time, guard string) error {
	_, err := tx.System().EnqueueJob(store.NewJob{
		Kind: KindTimer, Agency: r.Agency, Ref: r.PublicID, RunAt: at,
		IdempotencyKey: fmt.Sprintf("timer:%s:%s:%s:%d", r.PublicID, action, guard, at.UnixMicro()),
		Payload:        timerPayload{Agency: r.Agency, Request: r.PublicID, Action: action, Guard: guard},
	})
	return err
}

// scheduleResponseTimer starts the current lender's response window.
func (a *App) scheduleResponseTimer(tx *store.Tx, r *ill.Request, at time.Time) error {
	return a.scheduleTimer(tx, r, ill.ActResponseTimeout, at, "pos="+strconv.Itoa(r.RotaPos))
}

// cancelTimers cancels every pending timer of a request.
func (a *App) cancelTimers(tx *store.Tx, r *ill.Request) error {
	_, err := tx.System().CancelJobs(store.JobFilter{Agency: r.Agency, Kind: KindTimer, Ref: r.PublicID})
	return err
}

func (a *App) fireTimer(ctx context.Context, run *jobs.Run) error {
	var p timerPayload
	if err := run.Job.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	return run.Complete(ctx, func(tx *store.Tx) error {
		r, err := tx.Agency().LockRequest(p.Agency, p.Request)
		if err != nil {
			return err
		}
		wf := ill.WorkflowFor(r.Side)
		def, ok := wf.Action(p.Action)
		if !ok || !slices.Contains(def.From, r.State) || !guardHolds(r, p.Guard) {
			return nil // the request moved on: nothing to do
		}
		return a.apply(tx, &change{req: r, wf: wf, target: def.To, next: def.Next, actor: ill.SystemActor(),
			event: def.EventType(), name: string(def.Name), effects: def.Effects, sends: sendsOf(r, def.Sends), params: Params{}})
	})
}

func guardHolds(r *ill.Request, guard string) bool {
	k, v, ok := strings.Cut(guard, "=")
	if !ok {
		return true
	}
	switch k {
	case "pos":
		return strconv.Itoa(r.RotaPos) == v
	case "due":
		return dueGuard(r.LenderDue) == guard || dueGuard(r.PatronDue) == guard
	}
	return true
}

// sendsOf is the outgoing message of a table entry, addressed to the
// request's partner.
func sendsOf(r *ill.Request, spec ill.MessageSpec) []outgoing {
	if spec.IsZero() || r.Partner == "" {
		return nil
	}
	return []outgoing{{to: r.Partner, spec: spec}}
}
