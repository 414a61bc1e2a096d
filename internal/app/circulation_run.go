package app

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/jobs"
	"interlend/internal/store"
)

// runILSStep is the job of one step: it calls the ILS and records what
// happened. The ILS's answer is written in the transaction that completes
// the job; an ILS that does not answer is tried again with backoff; a
// refusal (or running out of tries) fails the step, flags the request and
// leaves the job dead, holding back the request's later steps until staff
// retry or complete the step.
func (a *App) runILSStep(ctx context.Context, run *jobs.Run) error {
	var p ilsStepPayload
	if err := run.Job.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	var c *stepContext
	err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = a.readStepContext(tx, p.Agency, p.Request); err != nil {
			return err
		}
		if c.r.Side == ill.Lending && p.Service == ils.LookupItem {
			c.copies, err = findCopies(tx, p.Agency, c.r.Citation)
		}
		return err
	})
	if ill.Is(err, ill.NotFound) {
		return jobs.Permanent(err)
	}
	if err != nil {
		return err
	}
	st, ok := findStep(c.steps, p.Service)
	if !ok || !st.State.Open() {
		return nil // done by hand, or never recorded: nothing to do
	}
	var out stepOutcome
	d, err := a.ILSFor(ctx, p.Agency)
	if err != nil {
		out.err = err
	} else {
		out = callStep(ctx, d, c, p.Service)
	}
	st.Attempts = run.Job.Attempts
	return a.finishStep(ctx, run, c.r, st, out)
}

// finishStep records the outcome of a step's attempt.
func (a *App) finishStep(ctx context.Context, run *jobs.Run, r *ill.Request, st store.CirculationStep, out stepOutcome) error {
	var ie *ils.Error
	switch {
	case out.err == nil && out.skipped != "":
		st.State, st.Data = store.StepSkipped, map[string]string{"why": out.skipped}
		return run.Complete(ctx, func(tx *store.Tx) error { return a.settleStep(tx, r, st, ill.SystemActor()) })
	case out.err == nil:
		st.State, st.ItemID, st.Data, st.Problem = store.StepDone, out.itemID, out.data, ""
		return run.Complete(ctx, func(tx *store.Tx) error { return a.settleStep(tx, r, st, ill.SystemActor()) })
	case !errors.As(out.err, &ie):
		return out.err // the database, say: try again
	case ie.Class == ils.NotConfigured:
		st.State, st.Data = store.StepSkipped, map[string]string{"why": "switched_off"}
		return run.Complete(ctx, func(tx *store.Tx) error { return a.settleStep(tx, r, st, ill.SystemActor()) })
	}
	st.Problem = ie.StaffMessage()
	lookup := ils.Service(st.Service) == ils.LookupItem
	if ie.Retryable() && run.Job.Attempts < run.Job.MaxAttempts && !(lookup && run.Job.Attempts >= ilsLookupAttempts) {
		st.State = store.StepRetrying
		if err := a.write(ctx, func(tx *store.Tx) error {
			return tx.Agency().UpdateCirculationStep(r.Agency, st, store.StepPending, store.StepRetrying, store.StepFailed)
		}); err != nil && !ill.Is(err, ill.Conflict) {
			return err
		}
		return out.err
	}
	if lookup && ie.Class != ils.Misconfigured {
		// Availability is advice for the lending desk: without it the
		// request goes on (RequestItem asks by title).
		st.State, st.Data = store.StepSkipped, map[string]string{"why": "ils_down"}
		return run.Complete(ctx, func(tx *store.Tx) error { return a.settleStep(tx, r, st, ill.SystemActor()) })
	}
	st.State = store.StepFailed
	if err := a.write(ctx, func(tx *store.Tx) error { return a.failStep(tx, r, st) }); err != nil {
		return err
	}
	return jobs.Permanent(fmt.Errorf("%s of %s: %w", st.Service, r.PublicID, out.err))
}

// failStep records a failed step and flags its request for staff, with the
// ILS's problem text. A step someone finished meanwhile stays finished.
func (a *App) failStep(tx *store.Tx, r *ill.Request, st store.CirculationStep) error {
	err := tx.Agency().UpdateCirculationStep(r.Agency, st, store.StepPending, store.StepRetrying, store.StepFailed)
	if ill.Is(err, ill.Conflict) {
		return nil
	}
	if err != nil {
		return err
	}
	return a.flagRequest(tx, r.Agency, r.ID, attentionILS, map[string]any{"service": st.Service, "problem": st.Problem})
}

// settleStep records a step as finished (done, skipped, or completed by
// staff) unless it was finished meanwhile, with an event, and does what
// follows from it.
func (a *App) settleStep(tx *store.Tx, r *ill.Request, st store.CirculationStep, actor ill.Actor) error {
	if err := tx.Agency().UpdateCirculationStep(r.Agency, st, store.StepPending, store.StepRetrying, store.StepFailed); err != nil {
		if ill.Is(err, ill.Conflict) {
			return nil
		}
		return err
	}
	locked, err := a.requestByID(tx, r.Agency, r.ID)
	if err != nil {
		return err
	}
	data := map[string]any{"state": st.State}
	if st.ItemID != "" {
		data["item"] = st.ItemID
	}
	if v := st.Data["via"]; v != "" {
		data["via"] = v
	}
	if err := a.event(tx, locked, actor, "external_update", "ils."+st.Service, data, 0); err != nil {
		return err
	}
	if err := a.clearILSAttention(tx, locked); err != nil {
		return err
	}
	if ils.Service(st.Service) == ils.AcceptItem && st.State == store.StepDone && st.Data["via"] == viaILS && st.ItemID != "" {
		// Watch the item at the ILS's own desk, if the ILS can be asked.
		s, err := ILSSetting.GetTx(tx, r.Agency)
		if err != nil || !serviceOn(s, ils.LookupItem) {
			return err
		}
		return a.scheduleWatch(tx, locked, watchPickup)
	}
	return nil
}

// clearILSAttention lifts the attention flag an ILS failure raised once no
// step of the request is failed any more.
func (a *App) clearILSAttention(tx *store.Tx, r *ill.Request) error {
	if !r.Attention || r.AttentionReason != attentionILS {
		return nil
	}
	steps, err := tx.Agency().CirculationSteps(r.Agency, r.ID)
	if err != nil {
		return err
	}
	for _, s := range steps {
		if s.State == store.StepFailed {
			return nil
		}
	}
	r.Attention, r.AttentionReason = false, ""
	return tx.Agency().UpdateRequest(r.Agency, r, 0)
}

// withData is d plus the key and value (d is not changed).
func withData(d map[string]string, k, v string) map[string]string {
	out := maps.Clone(d)
	if out == nil {
		out = map[string]string{}
	}
	out[k] = v
	return out
}
