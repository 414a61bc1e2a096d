package app

import (
	"context"
	"slices"
	"time"

	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/jobs"
	"interlend/internal/store"
)

// patronCheckPayload names whose requests to check: the patron's requests
// created since Since that have no LookupUser step yet (intake), or one
// request (staff asked to try again).
type patronCheckPayload struct {
	Agency   ill.AgencyID `json:"agency"`
	PatronID int64        `json:"patronId"`
	Since    time.Time    `json:"since,omitzero"`
	Request  string       `json:"request,omitempty"`
}

// patronVerdict is what the check came to for the patron's requests.
type patronVerdict struct {
	step    store.CirculationStep // the LookupUser step to record (State, Data, Problem)
	release bool                  // a held request may go on
	review  string                // a held request stays in review, for this reason
	cancel  bool                  // a held request is withdrawn (the agency refuses when the ILS is down)
	flag    bool                  // staff must look
	user    ils.User
}

// checkPatronInILS is the job that looks a patron up in the ILS at intake.
// The ILS's answer decides for every request of the patron waiting on it:
// a held request goes on (approved and sent) when the patron is in good
// standing, stays in review when the ILS refuses the patron; when the ILS
// does not answer after a few tries, the agency's fallback (whenDown)
// decides.
func (a *App) checkPatronInILS(ctx context.Context, run *jobs.Run) error {
	var p patronCheckPayload
	if err := run.Job.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	var pat store.Patron
	var s ils.Settings
	var targets []int64
	err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		if pat, err = tx.Agency().Patron(p.Agency, p.PatronID); err != nil {
			return err
		}
		if s, err = ILSSetting.GetTx(tx, p.Agency); err != nil {
			return err
		}
		targets, err = patronCheckTargets(tx, p)
		return err
	})
	if ill.Is(err, ill.NotFound) {
		return nil // the patron or the request is gone
	}
	if err != nil || len(targets) == 0 {
		return err
	}
	var u ils.User
	d, err := a.ILSFor(ctx, p.Agency)
	if err == nil && d.Name() == ils.DriverNCIP {
		u, err = d.LookupUser(ctx, ils.LookupUserInput{Patron: recordIdent(s, pat)})
	}
	v := patronVerdict{user: u, step: store.CirculationStep{Service: string(ils.LookupUser), Driver: s.Driver, Attempts: run.Job.Attempts}}
	switch class := ils.ClassOf(err); {
	case err == nil && d.Name() != ils.DriverNCIP:
		v.step.State, v.step.Data, v.release = store.StepDone, map[string]string{"via": viaLocal, "why": "no_ils"}, true
	case err == nil:
		v.step.State, v.release = store.StepDone, true
		v.step.Data = map[string]string{"via": viaILS, "patron": u.ID, "category": u.Category}
	case class == ils.NotConfigured:
		v.step.State, v.release = store.StepSkipped, true
		v.step.Data = map[string]string{"why": "switched_off"}
	case class == ils.Refused:
		v.step.State, v.step.Problem, v.review, v.flag = store.StepFailed, ill.UserMessage(err), reviewILSRefused, true
		v.step.Data = map[string]string{"via": viaILS, "category": u.Category}
	case class == 0:
		return err // not the ILS's answer (the database): try again
	case class == ils.Unavailable && run.Job.Attempts < ilsLookupAttempts:
		return err
	default:
		// Down, or the settings are wrong: the agency's fallback decides.
		v = whenILSDown(s.WhenDown, v, ill.UserMessage(err), class == ils.Misconfigured)
	}
	return run.Complete(ctx, func(tx *store.Tx) error {
		for _, id := range targets {
			if err := a.applyPatronVerdict(tx, p.Agency, id, v, p.Request != ""); err != nil {
				return err
			}
		}
		return nil
	})
}

// whenILSDown is the verdict when the ILS cannot check the patron.
func whenILSDown(whenDown string, v patronVerdict, problem string, misconfigured bool) patronVerdict {
	v.step.Problem, v.flag = problem, misconfigured // a settings problem needs someone whatever the fallback
	switch whenDown {
	case ils.WhenDownAccept:
		v.step.State, v.review, v.flag = store.StepFailed, reviewILSDown, true
	case ils.WhenDownRefuse:
		v.step.State, v.cancel = store.StepFailed, true
	default: // local: the patron record was checked at intake
		v.step.State, v.release = store.StepDone, true
		v.step.Data = map[string]string{"via": viaLocal, "why": "ils_down"}
	}
	return v
}

// patronCheckTargets lists the row ids of the requests the check is for.
func patronCheckTargets(tx *store.Tx, p patronCheckPayload) ([]int64, error) {
	if p.Request != "" {
		r, err := tx.Agency().GetRequest(p.Agency, p.Request)
		if err != nil {
			return nil, err
		}
		return []int64{r.ID}, nil
	}
	rs, _, err := tx.Agency().ListRequests(p.Agency, store.RequestFilter{Side: ill.Borrowing, PatronID: p.PatronID, Open: true, Sort: "created", Limit: 200})
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, r := range rs {
		if r.CreatedAt.Before(p.Since) {
			continue
		}
		if _, err := tx.Agency().CirculationStep(p.Agency, r.ID, string(ils.LookupUser)); ill.Is(err, ill.NotFound) {
			out = append(out, r.ID)
		} else if err != nil {
			return nil, err
		}
	}
	slices.Sort(out)
	return out, nil
}

// applyPatronVerdict records the check on one request and releases,
// keeps, withdraws or flags it. again is set when staff asked for the
// check again: the step is updated rather than added.
func (a *App) applyPatronVerdict(tx *store.Tx, agency ill.AgencyID, id int64, v patronVerdict, again bool) error {
	r, err := a.requestByID(tx, agency, id)
	if err != nil {
		return err
	}
	st := v.step
	st.RequestID = r.ID
	if again {
		if err := tx.Agency().UpdateCirculationStep(agency, st, store.StepPending, store.StepFailed); err != nil {
			if ill.Is(err, ill.Conflict) {
				return nil // completed by hand meanwhile
			}
			return err
		}
	} else if _, added, err := tx.Agency().AddCirculationStep(agency, st); err != nil || !added {
		return err
	}
	if err := a.event(tx, r, ill.SystemActor(), "external_update", "ils."+string(ils.LookupUser), map[string]any{"state": st.State, "via": st.Data["via"]}, 0); err != nil {
		return err
	}
	held := r.State == ill.BReview && r.ReviewReason == reviewILSCheck
	if v.release && r.PatronCategory == "" && v.user.Category != "" {
		r.PatronCategory = v.user.Category
	}
	switch {
	case held && v.release:
		if err := a.releaseHeld(tx, ill.SystemActor(), r); err != nil {
			return err
		}
	case held && v.cancel:
		return a.applyAs(tx, ill.SystemActor(), r, ill.ActCancel, map[string]any{"reason": reviewILSDown,
			"note": "The library system could not check the patron's account; the patron was asked to try again later."})
	case held && v.review != "":
		r.ReviewReason = v.review
		if err := tx.Agency().UpdateRequest(agency, r, 0); err != nil {
			return err
		}
	}
	if v.flag {
		return a.flagRequest(tx, agency, r.ID, attentionILS, map[string]any{"service": st.Service, "problem": st.Problem})
	}
	if v.release {
		return a.clearILSAttention(tx, r)
	}
	return nil
}

// releaseHeld lets a request held for the patron check go on: approved,
// given a rota if routing makes one, and sent to the first lender (a
// patron's request is always sent at once).
func (a *App) releaseHeld(tx *store.Tx, actor ill.Actor, r *ill.Request) error {
	if err := a.applyAs(tx, actor, r, ill.ActApprove, nil); err != nil {
		return err
	}
	rota, err := tx.Agency().Rota(r.Agency, r.ID)
	if err != nil {
		return err
	}
	if len(rota) == 0 && a.Route != nil {
		lenders, err := a.Route(tx, r)
		if err != nil {
			return err
		}
		if err := a.setRota(tx, r, lenders); err != nil {
			return err
		}
		if rota, err = tx.Agency().Rota(r.Agency, r.ID); err != nil {
			return err
		}
	}
	if !slices.ContainsFunc(rota, func(e store.RotaEntry) bool { return e.State == store.RotaPending }) {
		return nil // staff choose lenders
	}
	return a.applyAs(tx, actor, r, ill.ActSend, nil)
}
