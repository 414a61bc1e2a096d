package app

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/store"
)

// RetryILSStep tries a failed ILS step again now (after someone fixed the
// settings, the patron or the item in the ILS). Its job runs again in its
// place, so the request's later steps still wait for it. Returns NotFound,
// Forbidden, or Conflict (the step has not failed).
func (a *App) RetryILSStep(ctx context.Context, actor ill.Actor, publicID string, service ils.Service) error {
	return a.write(ctx, func(tx *store.Tx) error {
		r, st, err := a.loadStep(tx, actor, publicID, service)
		if err != nil {
			return err
		}
		if st.State != store.StepFailed {
			return ill.Errorf(ill.Conflict, "the %s step has not failed: there is nothing to retry", service)
		}
		switch {
		case service == ils.LookupUser:
			if r.PatronID == 0 {
				return ill.E(ill.Conflict, "the request names no patron record to look up")
			}
			if r.State == ill.BReview && (r.ReviewReason == reviewILSRefused || r.ReviewReason == reviewILSDown) {
				r.ReviewReason = reviewILSCheck // held again until the ILS answers
				if err := tx.Agency().UpdateRequest(r.Agency, r, 0); err != nil {
					return err
				}
			}
			st.JobID, err = tx.System().EnqueueJob(store.NewJob{Kind: KindILSPatron, Agency: r.Agency, Ref: r.PublicID, MaxAttempts: ilsLookupAttempts,
				IdempotencyKey: fmt.Sprintf("ils.patron:%s:%s:%d", r.Agency, r.PublicID, tx.Now().UnixMicro()),
				Payload:        patronCheckPayload{Agency: r.Agency, PatronID: r.PatronID, Request: r.PublicID}})
		case st.JobID != 0:
			var n int64
			if n, err = tx.System().RedriveJobs(store.JobFilter{Agency: r.Agency, IDs: []int64{st.JobID}}); err == nil && n == 0 {
				st.JobID, err = a.enqueueStep(tx, r, service) // the job was cancelled or purged
			}
		default:
			st.JobID, err = a.enqueueStep(tx, r, service)
		}
		if err != nil {
			return err
		}
		st.State, st.Attempts = store.StepPending, 0
		if err := tx.Agency().UpdateCirculationStep(r.Agency, st, store.StepFailed); err != nil {
			return err
		}
		return a.event(tx, r, actor, "external_update", "ils."+string(service)+".retry", map[string]any{"state": st.State}, 0)
	})
}

// CompleteILSStep records that staff did an ILS step by hand (in the ILS
// itself), so that Interlend stops trying and the request's later steps
// go on. itemID is the ILS's item id when the step made or used one (the
// temporary item made by hand), note what was done. Completing the
// patron check releases a request held for it. Returns NotFound,
// Forbidden, Invalid (item or note too long) or Conflict (the step is not
// open).
func (a *App) CompleteILSStep(ctx context.Context, actor ill.Actor, publicID string, service ils.Service, itemID, note string) error {
	itemID, note = strings.TrimSpace(itemID), strings.TrimSpace(note)
	fields := map[string]string{}
	if utf8.RuneCountInString(itemID) > 200 || strings.ContainsAny(itemID, "\r\n\t") {
		fields["item"] = "an item id of at most 200 characters, on one line"
	}
	if utf8.RuneCountInString(note) > 1000 {
		fields["note"] = "at most 1000 characters"
	}
	if len(fields) > 0 {
		return ill.E(ill.Invalid, "the details need correcting", fields)
	}
	return a.write(ctx, func(tx *store.Tx) error {
		r, st, err := a.loadStep(tx, actor, publicID, service)
		if err != nil {
			return err
		}
		if !st.State.Open() {
			return ill.Errorf(ill.Conflict, "the %s step is already %s", service, strings.ReplaceAll(string(st.State), "_", " "))
		}
		if st.JobID != 0 {
			if _, err := tx.System().CancelJobs(store.JobFilter{Agency: r.Agency, IDs: []int64{st.JobID}}); err != nil {
				return err
			}
		}
		st.State, st.DoneBy, st.Data = store.StepByHand, actor.UserID, withData(st.Data, "via", "hand")
		if itemID != "" {
			st.ItemID = itemID
		}
		if note != "" {
			st.Data["note"] = note
		}
		if st.ID == 0 { // the patron check had not run yet
			if _, _, err := tx.Agency().AddCirculationStep(r.Agency, st); err != nil {
				return err
			}
		} else if err := tx.Agency().UpdateCirculationStep(r.Agency, st, store.StepPending, store.StepRetrying, store.StepFailed); err != nil {
			return err
		}
		if err := a.event(tx, r, actor, "external_update", "ils."+string(service)+".by_hand", map[string]any{"state": st.State, "item": st.ItemID}, 0); err != nil {
			return err
		}
		if service == ils.LookupUser && r.State == ill.BReview && (r.ReviewReason == reviewILSCheck || r.ReviewReason == reviewILSRefused || r.ReviewReason == reviewILSDown) {
			r.ReviewReason = reviewILSCheck
			if err := a.releaseHeld(tx, actor, r); err != nil {
				return err
			}
		}
		return a.clearILSAttention(tx, r)
	})
}

// loadStep locks a request the actor may work on and reads one of its
// steps (a patron check not run yet is a pending step without an id).
func (a *App) loadStep(tx *store.Tx, actor ill.Actor, publicID string, service ils.Service) (*ill.Request, store.CirculationStep, error) {
	if actor.Kind == ill.ActorPatron {
		return nil, store.CirculationStep{}, ill.E(ill.Forbidden, "the library system's steps are for staff")
	}
	r, err := a.loadForActor(tx, actor, publicID, true)
	if err != nil {
		return nil, store.CirculationStep{}, err
	}
	if err := mayWorkSteps(actor, r); err != nil {
		return nil, store.CirculationStep{}, err
	}
	st, err := tx.Agency().CirculationStep(r.Agency, r.ID, string(service))
	if ill.Is(err, ill.NotFound) && service == ils.LookupUser && r.State == ill.BReview && r.ReviewReason == reviewILSCheck {
		return r, store.CirculationStep{RequestID: r.ID, Service: string(service), State: store.StepPending, Driver: ils.DriverNCIP}, nil
	}
	if ill.Is(err, ill.NotFound) {
		return nil, st, ill.Errorf(ill.NotFound, "request %s has no %s step", publicID, service)
	}
	return r, st, err
}
