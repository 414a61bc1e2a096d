package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// RedriveMessage sends a refused or given-up message again, with fresh
// attempts. Only the first message of its request to the partner that is
// not through can be re-driven: the ones after it wait for it and follow
// it in order once it is delivered. Returns NotFound, Forbidden or
// Conflict (the message is not refused or failed, or an earlier one of
// its request must go first).
func (a *App) RedriveMessage(ctx context.Context, actor ill.Actor, id int64) (MessageView, error) {
	if err := requireStaffView(actor); err != nil {
		return MessageView{}, err
	}
	var out MessageView
	err := a.write(ctx, func(tx *store.Tx) error {
		ds, err := tx.Agency().MessageDeliveries(actor.Agency, store.MessageQuery{IDs: []int64{id}, Direction: store.Outbound})
		if err != nil {
			return err
		}
		if len(ds) == 0 || ds[0].RequestID == 0 || ds[0].JobID == 0 {
			return ill.Errorf(ill.NotFound, "no outgoing message %d here", id)
		}
		r, err := tx.Agency().LockRequestByID(actor.Agency, ds[0].RequestID)
		if err != nil {
			return err
		}
		if !mayRedriveMsgs(actor, r.Side) {
			return ill.E(ill.Forbidden, "re-driving messages needs the jobs permission or the desk's")
		}
		vs, err := requestMsgViews(tx, actor.Agency, []int64{r.ID})
		if err != nil {
			return err
		}
		i := slices.IndexFunc(vs, func(v MessageView) bool { return v.ID == id })
		if i < 0 {
			return ill.Errorf(ill.NotFound, "no outgoing message %d here", id)
		}
		v := vs[i]
		switch {
		case v.State != MsgRefused && v.State != MsgFailed:
			return ill.Errorf(ill.Conflict, "message %d is %s: only refused or failed messages can be re-driven", id, v.State)
		case !v.Redrive:
			return ill.Errorf(ill.Conflict, "an earlier message of request %s to %s must go first: re-drive that one", r.PublicID, v.Partner)
		}
		n, err := tx.System().RedriveJobs(store.JobFilter{Agency: actor.Agency, IDs: []int64{ds[0].JobID}})
		if err != nil {
			return err
		}
		if n == 0 {
			return ill.Errorf(ill.Conflict, "message %d is being sent now", id)
		}
		if err := tx.Agency().SetMessageDelivery(actor.Agency, id, store.DeliveryQueued, "", ""); err != nil {
			return err
		}
		if err := tx.System().SystemAudit(store.AuditRecord{Agency: actor.Agency, Actor: actor.UserID, Action: "jobs.redrive",
			Target: "job " + strconv.FormatInt(ds[0].JobID, 10), Before: string(ds[0].JobState),
			After: fmt.Sprintf("%s message %d of %s to %s", KindSend, id, r.PublicID, v.Partner)}); err != nil {
			return err
		}
		vs, err = requestMsgViews(tx, actor.Agency, []int64{r.ID})
		if err != nil {
			return err
		}
		out = vs[slices.IndexFunc(vs, func(v MessageView) bool { return v.ID == id })]
		return nil
	})
	return out, err
}

// ReleaseHeld sends again the actor's agency's messages held for a
// partner that had no endpoint, now that it has one (saving the
// directory entry does this by itself; this is for staff who want it
// now). Returns how many were released, or NotFound, Forbidden or
// Conflict (the partner still has no endpoint).
func (a *App) ReleaseHeld(ctx context.Context, actor ill.Actor, partner ill.AgencyID) (int, error) {
	if err := requireStaffView(actor); err != nil {
		return 0, err
	}
	if !mayRedriveMsgs(actor, ill.Borrowing) && !mayRedriveMsgs(actor, ill.Lending) {
		return 0, ill.E(ill.Forbidden, "releasing messages needs the jobs permission or a desk's")
	}
	var n int
	err := a.write(ctx, func(tx *store.Tx) error {
		e, err := partnerEntry(tx, partner)
		switch {
		case err != nil:
			return err
		case e.Hosted:
			return ill.Errorf(ill.Conflict, "%s is hosted here: its messages are delivered in-process and never held", e.ID)
		case e.UpdatedAt.IsZero():
			return ill.Errorf(ill.NotFound, "%s is not in the directory", partner)
		case e.Endpoint.URL == "":
			return ill.Errorf(ill.Conflict, "%s still has no ISO 18626 endpoint: add one to its directory entry first", e.ID)
		}
		n, err = a.releaseHeldMessages(tx, e, actor.Agency, actor.UserID)
		return err
	})
	return n, err
}

// endpointSaved releases the messages held for a library, in every
// agency, when its directory entry is saved with an endpoint. It runs in
// the transaction that saves the entry (see putEntry), so the messages go
// as soon as the new endpoint is committed, in their order: each
// request's first held message is released, and the ones behind it follow
// it.
func (a *App) endpointSaved(tx *store.Tx, e directory.Entry) error {
	if e.Endpoint.URL == "" || e.Hosted {
		return nil
	}
	_, err := a.releaseHeldMessages(tx, e, "", 0)
	return err
}

// releaseHeldMessages re-queues the held messages to a library: of one agency,
// or of every agency when agency is "". Returns how many.
func (a *App) releaseHeldMessages(tx *store.Tx, e directory.Entry, agency ill.AgencyID, by int64) (int, error) {
	f := store.JobFilter{Agency: agency, AllAgencies: agency == "", Kind: KindSend, States: []store.JobState{store.JobHeld}}
	js, err := tx.System().ListJobs(f)
	if err != nil || len(js) == 0 {
		return 0, err
	}
	ids := partnerIDs(e)
	byAgency := map[ill.AgencyID][]int64{} // agency → held message ids
	var agencies []ill.AgencyID
	for _, j := range js {
		var p sendPayload
		if json.Unmarshal(j.Payload, &p) != nil || p.Message == 0 {
			continue
		}
		if _, ok := byAgency[j.Agency]; !ok {
			agencies = append(agencies, j.Agency)
		}
		byAgency[j.Agency] = append(byAgency[j.Agency], p.Message)
	}
	total := 0
	for _, ag := range agencies {
		var jobs, msgs []int64
		for chunk := range slices.Chunk(byAgency[ag], 500) {
			ds, err := tx.Agency().MessageDeliveries(ag, store.MessageQuery{IDs: chunk, Partners: ids, Direction: store.Outbound})
			if err != nil {
				return 0, err
			}
			for _, d := range ds {
				if d.JobState == store.JobHeld {
					jobs, msgs = append(jobs, d.JobID), append(msgs, d.ID)
				}
			}
		}
		if len(jobs) == 0 {
			continue
		}
		n := int64(0)
		for chunk := range slices.Chunk(jobs, 500) {
			m, err := tx.System().RedriveJobs(store.JobFilter{Agency: ag, IDs: chunk})
			if err != nil {
				return 0, err
			}
			n += m
		}
		for _, id := range msgs {
			if err := tx.Agency().SetMessageDelivery(ag, id, store.DeliveryQueued, "", ""); err != nil {
				return 0, err
			}
		}
		if err := tx.System().SystemAudit(store.AuditRecord{Agency: ag, Actor: by, Action: "jobs.release",
			Target: string(e.ID), After: fmt.Sprintf("%d held messages released to %s", n, e.Endpoint.URL)}); err != nil {
			return 0, err
		}
		total += int(n)
	}
	return total, nil
}
