package app

// Circulation: the steps Interlend takes in the library's own system (the
// ILS) as a request moves through its life.
//
// Borrowing: LookupUser when a patron asks (circulation_intake.go),
// AcceptItem when the loan arrives (a temporary item held for the patron
// at the pickup location until the patron's due date), CheckOutItem and
// CheckInItem when staff lend and take it back in Interlend (or recognised
// when the ILS did it: circulation_watch.go), DeleteItem when the loan
// ends. Lending: LookupItem when a partner's request arrives (live
// availability), RequestItem when we accept it, CheckOutItem to the
// borrowing library's account when we ship, CheckInItem when it is back,
// CancelRequestItem when it ends unshipped.
//
// Each step is a row (store.CirculationStep) written in the transaction of
// the change that calls for it (a transition hook), and a durable job
// (ils.step) that calls the ILS. Steps of one request run in order (one
// ordering key); a step that fails for good stops the ones after it and
// puts the request in "needs attention" with the ILS's own problem text,
// until staff retry it or complete it by hand. With the none driver the
// steps are recorded as done at once: Interlend keeps the loan itself.

import (
	"context"
	"fmt"
	"slices"
	"time"

	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/jobs"
	"interlend/internal/store"
)

// Job kinds of the ILS steps.
const (
	// KindILSStep calls the ILS for one step of a request.
	KindILSStep = "ils.step"
	// KindILSPatron looks a patron up in the ILS for the requests they
	// just placed (intake), and releases or holds them.
	KindILSPatron = "ils.patron"
	// KindILSWatch looks at a temporary item in the ILS, to recognise a
	// check-out or check-in done there.
	KindILSWatch = "ils.watch"
)

const (
	// ilsStepAttempts bounds the tries of a circulation step the ILS does
	// not answer (down, slow): with the default backoff, about 17 minutes.
	ilsStepAttempts = 10
	// ilsLookupAttempts bounds the tries of the intake lookups (LookupUser,
	// LookupItem): a request should not wait long for them.
	ilsLookupAttempts = 3
	// ilsCallTimeout bounds one attempt; the driver's own timeout
	// (timeoutSeconds, at most 300) is shorter.
	ilsCallTimeout = 6 * time.Minute
	// attentionILS is the attention reason of a request whose ILS step
	// failed.
	attentionILS = "ils_step_failed"
)

// How a step was done (the "via" of its data).
const (
	viaILS       = "ils"       // the ILS answered
	viaInterlend = "interlend" // the none driver: Interlend keeps the loan itself
	viaSeen      = "seen"      // recognised in the ILS (done there by its staff)
	viaLocal     = "local"     // LookupUser fell back to Interlend's patron record
)

type ilsStepPayload struct {
	Agency  ill.AgencyID `json:"agency"`
	Request string       `json:"request"`
	Service ils.Service  `json:"service"`
}

func init() {
	addJobs(func(a *App) {
		a.Jobs.Register(jobs.Kind{Name: KindILSStep, MaxAttempts: ilsStepAttempts, Timeout: ilsCallTimeout, Handler: a.runILSStep})
		a.Jobs.Register(jobs.Kind{Name: KindILSPatron, MaxAttempts: ilsLookupAttempts, Timeout: ilsCallTimeout, Handler: a.checkPatronInILS})
		a.Jobs.Register(jobs.Kind{Name: KindILSWatch, MaxAttempts: ilsLookupAttempts, Timeout: ilsCallTimeout, Handler: a.watchILS})
	})
	addTransitionHook(circulationHook)
	addIntake(patronIntake)
	addLendingIntake(lendingIntakeILS)
}

// serviceOn reports whether the ncip settings switch service on.
func serviceOn(s ils.Settings, service ils.Service) bool {
	return s.Driver == ils.DriverNCIP && (len(s.Services) == 0 || slices.Contains(s.Services, service))
}

// stepOrderingKey makes the ILS steps of one request run one at a time, in
// order: CheckInItem never overtakes the AcceptItem that made the item.
func stepOrderingKey(r *ill.Request) string { return fmt.Sprintf("ils:%s:%s", r.Agency, r.PublicID) }

// queueStep records a step for the request and, for a step the ILS must
// do, enqueues its job; a step the request already has is left alone
// (except a renewal, which is taken again for every renewal granted).
// done, if not nil, records the step as done at once instead (the none
// driver, or a step the ILS did itself).
func (a *App) queueStep(tx *store.Tx, r *ill.Request, service ils.Service, driver string, done map[string]string) error {
	old, err := tx.Agency().CirculationStep(r.Agency, r.ID, string(service))
	if err != nil && !ill.Is(err, ill.NotFound) {
		return err
	}
	return a.queueStepAfter(tx, r, service, driver, done, old, err == nil)
}

// queueStepAfter is queueStep given the request's step for the service
// (found false: none yet), for callers that have read its steps.
func (a *App) queueStepAfter(tx *store.Tx, r *ill.Request, service ils.Service, driver string, done map[string]string, old store.CirculationStep, found bool) error {
	if found {
		if service != ils.RenewItem || !old.State.Completed() || done != nil {
			return nil
		}
		// Every renewal the lender grants extends the ILS loan again.
		var err error
		if old.JobID, err = a.enqueueStep(tx, r, service); err != nil {
			return err
		}
		old.State, old.Attempts, old.Problem, old.DoneBy = store.StepPending, 0, "", 0
		return tx.Agency().UpdateCirculationStep(r.Agency, old)
	}
	st := store.CirculationStep{RequestID: r.ID, Service: string(service), State: store.StepPending, Driver: driver}
	if done != nil {
		// No event of its own: the change that calls for the step has one.
		st.State, st.Data = store.StepDone, done
		_, _, err := tx.Agency().AddCirculationStep(r.Agency, st)
		return err
	}
	id, err := a.enqueueStep(tx, r, service)
	if err != nil {
		return err
	}
	st.JobID = id
	_, _, err = tx.Agency().AddCirculationStep(r.Agency, st)
	return err
}

// enqueueStep adds the job of a step.
func (a *App) enqueueStep(tx *store.Tx, r *ill.Request, service ils.Service) (int64, error) {
	return tx.System().EnqueueJob(store.NewJob{
		Kind: KindILSStep, Agency: r.Agency, Ref: r.PublicID, OrderingKey: stepOrderingKey(r), MaxAttempts: ilsStepAttempts,
		IdempotencyKey: fmt.Sprintf("ils:%s:%s:%s:%d", r.Agency, r.PublicID, service, tx.Now().UnixMicro()),
		Payload:        ilsStepPayload{Agency: r.Agency, Request: r.PublicID, Service: service},
	})
}

// findStep picks a service's step out of a request's steps.
func findStep(steps []store.CirculationStep, service ils.Service) (store.CirculationStep, bool) {
	for _, s := range steps {
		if s.Service == string(service) {
			return s, true
		}
	}
	return store.CirculationStep{}, false
}

// ILSStep is a circulation step as the request page shows it.
type ILSStep struct {
	store.CirculationStep
	Side ill.Side
	// NextTry is when a retrying step's job runs again; LastError what
	// its last attempt said (without patron data).
	NextTry   time.Time
	LastError string
	// CanRetry and CanComplete say which staff actions the step offers.
	CanRetry    bool
	CanComplete bool
}

// ILSSteps lists a request's ILS steps for staff. A request held for the
// patron check shows its LookupUser as pending before the job has run.
// Returns NotFound or Forbidden (patrons).
func (a *App) ILSSteps(ctx context.Context, actor ill.Actor, publicID string) ([]ILSStep, error) {
	if actor.Kind == ill.ActorPatron {
		return nil, ill.E(ill.Forbidden, "the library system's steps are for staff")
	}
	var out []ILSStep
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		steps, err := tx.Agency().CirculationSteps(r.Agency, r.ID)
		if err != nil {
			return err
		}
		if _, ok := findStep(steps, ils.LookupUser); !ok && r.State == ill.BReview && r.ReviewReason == reviewILSCheck {
			steps = append([]store.CirculationStep{{RequestID: r.ID, Service: string(ils.LookupUser), State: store.StepPending, Driver: ils.DriverNCIP, CreatedAt: r.CreatedAt}}, steps...)
		}
		may := mayWorkSteps(actor, r) == nil
		for _, s := range steps {
			v := ILSStep{CirculationStep: s, Side: r.Side, CanRetry: may && s.State == store.StepFailed, CanComplete: may && s.State.Open()}
			if s.JobID != 0 && s.State.Open() {
				if j, err := tx.System().GetJob(s.JobID); err == nil {
					v.LastError = j.LastError
					if j.State == store.JobReady {
						v.NextTry = j.RunAt
					}
				}
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// mayWorkSteps checks that staff may retry or complete a request's steps:
// the desk's scanning permission or the side's action permission.
func mayWorkSteps(actor ill.Actor, r *ill.Request) error {
	perm := ill.PermBorrowAct
	if r.Side == ill.Lending {
		perm = ill.PermLendAct
	}
	if actor.Kind == ill.ActorSystem || actor.CanIn(r.Agency, ill.PermScan) {
		return nil
	}
	return actor.Require(r.Agency, perm)
}
