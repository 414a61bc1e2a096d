package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"interlend/internal/calendar"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/jobs"
	"interlend/internal/store"
)

// Problem workflows (docs/problems.md). A workflow is a kind of problem
// (ill.ProblemKind) with steps in the aging table (ill.ProblemSteps, days
// set per library in AgingSetting). Each workflow registers, from its own
// file:
//
//   - a watch condition (addProblemWatch): a detection timer started with
//     watchProblem fires after the detection row's business days and opens
//     the problem if the condition still holds;
//   - a handler per step (addProblemStep): run when the step is entered
//     (at once for 0 days, else by a timer at its time), in the
//     transaction that enters it; automatic steps act (send a message,
//     ask the patron, reject conditions), staff steps usually only flag
//     the request for attention (the default when no handler is set).
//
// Staff move a problem on with advanceProblem or end it with
// closeProblem, from their workflow's actions.

// KindProblemStep runs a problem workflow's step (or its detection) at
// its time. A step that finds its problem moved on or closed does nothing.
const KindProblemStep = "request.problem"

type problemPayload struct {
	Agency  ill.AgencyID    `json:"agency"`
	Request string          `json:"request"`
	Kind    ill.ProblemKind `json:"kind"`
	Step    string          `json:"step"`
	Problem int64           `json:"problem,omitempty"` // 0 for a detection
	Guard   string          `json:"guard,omitempty"`   // a detection's condition argument
}

// ProblemWatch reports whether a detection's condition still holds for
// the request (guard is what watchProblem was given, e.g. the state or the
// due date it started from).
type ProblemWatch func(a *App, tx *store.Tx, r *ill.Request, guard string) (bool, error)

// ProblemStepFunc runs as a step of a problem is entered, in its
// transaction. p.Step is already the new step.
type ProblemStepFunc func(a *App, tx *store.Tx, r *ill.Request, p *store.Problem) error

var (
	problemWatches = map[ill.ProblemKind]ProblemWatch{}
	problemSteps   = map[ill.ProblemKind]map[string]ProblemStepFunc{}
)

// addProblemWatch registers a kind's detection condition (call from init).
func addProblemWatch(k ill.ProblemKind, w ProblemWatch) { problemWatches[k] = w }

// addProblemStep registers a step's handler (call from init).
func addProblemStep(k ill.ProblemKind, step string, f ProblemStepFunc) {
	if _, ok := ill.StepOf(k, step); !ok {
		panic(fmt.Sprintf("app: problem %s has no step %q", k, step))
	}
	if problemSteps[k] == nil {
		problemSteps[k] = map[string]ProblemStepFunc{}
	}
	problemSteps[k][step] = f
}

func init() {
	addJobs(func(a *App) {
		a.Jobs.Register(jobs.Kind{Name: KindProblemStep, Handler: a.fireProblemStep})
	})
}

// agencySchedule is a hosted library's business calendar.
func agencySchedule(tx *store.Tx, agency ill.AgencyID) (*calendar.Schedule, error) {
	l, ok, err := libraryOf(tx, agency)
	if err != nil {
		return nil, err
	}
	if ok {
		return l.Schedule, nil
	}
	return scheduleFor(tx, directory.Entry{ID: agency, Hosted: true})
}

// problemDue is when a step of days business days, started at from, is
// due: from itself for 0 days, else the end of the days-th open day after
// from's day on the agency's calendar.
func problemDue(tx *store.Tx, agency ill.AgencyID, from time.Time, days int) (time.Time, error) {
	if days <= 0 {
		return from, nil
	}
	sch, err := agencySchedule(tx, agency)
	if err != nil {
		return time.Time{}, err
	}
	return sch.AddBusinessDays(from, days), nil
}

// watchProblem starts a detection timer: after the detection row's days
// from now, if the kind's condition still holds (given guard), the
// problem opens. Returns when it will look.
func (a *App) watchProblem(tx *store.Tx, r *ill.Request, kind ill.ProblemKind, guard string) (time.Time, error) {
	days, err := agingDays(tx, r.Agency, kind, ill.StepDetect)
	if err != nil {
		return time.Time{}, err
	}
	at, err := problemDue(tx, r.Agency, tx.Now(), days)
	if err != nil {
		return at, err
	}
	return at, a.scheduleProblemJob(tx, r, problemPayload{Kind: kind, Step: ill.StepDetect, Guard: guard}, at)
}

func (a *App) scheduleProblemJob(tx *store.Tx, r *ill.Request, p problemPayload, at time.Time) error {
	p.Agency, p.Request = r.Agency, r.PublicID
	_, err := tx.System().EnqueueJob(store.NewJob{
		Kind: KindProblemStep, Agency: r.Agency, Ref: r.PublicID, RunAt: at,
		IdempotencyKey: fmt.Sprintf("problem:%s:%s:%s:%d:%s:%d", r.PublicID, p.Kind, p.Step, p.Problem, p.Guard, at.UnixMicro()),
		Payload:        p,
	})
	return err
}

func (a *App) fireProblemStep(ctx context.Context, run *jobs.Run) error {
	var p problemPayload
	if err := run.Job.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	return run.Complete(ctx, func(tx *store.Tx) error {
		r, err := tx.Agency().LockRequest(p.Agency, p.Request)
		if err != nil {
			return err
		}
		if p.Step == ill.StepDetect {
			w := problemWatches[p.Kind]
			if w == nil {
				return nil
			}
			holds, err := w(a, tx, r, p.Guard)
			if err != nil || !holds {
				return err
			}
			_, err = a.openProblem(tx, r, p.Kind, "")
			return err
		}
		pr, err := tx.Agency().Problem(p.Agency, p.Problem)
		if ill.Is(err, ill.NotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if !pr.Open() || pr.NextStep != p.Step {
			return nil // staff moved it on or closed it
		}
		return a.enterProblemStep(tx, r, &pr, p.Step)
	})
}

// openProblem opens a problem of kind on r (if one of that kind is not
// already open) and enters its first step. note goes on the problem and
// its event. Returns the problem (the open one if it was open already).
func (a *App) openProblem(tx *store.Tx, r *ill.Request, kind ill.ProblemKind, note string) (*store.Problem, error) {
	steps := ill.StepsOf(kind)
	if len(steps) < 2 {
		return nil, fmt.Errorf("app: problem %s has no steps", kind)
	}
	p := &store.Problem{RequestID: r.ID, Kind: kind, Step: ill.StepDetect, Note: note}
	created, err := tx.Agency().OpenProblem(r.Agency, p)
	if err != nil || !created {
		return p, err
	}
	p.Request = r.PublicID
	if err := a.event(tx, r, ill.SystemActor(), "problem_opened", string(kind), map[string]any{"problem": p.ID, "kind": kind, "note": note}, 0); err != nil {
		return p, err
	}
	return p, a.enterProblemStep(tx, r, p, steps[1].Name)
}

// enterProblemStep moves p to step now, runs the step's handler (staff
// steps without one flag the request for attention) and schedules the
// step after it. r is saved if the handler or the flag changed it.
func (a *App) enterProblemStep(tx *store.Tx, r *ill.Request, p *store.Problem, step string) error {
	def, ok := ill.StepOf(p.Kind, step)
	if !ok {
		return fmt.Errorf("app: problem %s has no step %q", p.Kind, step)
	}
	p.Step, p.StepAt, p.NextStep, p.NextAt = step, tx.Now(), "", time.Time{}
	if err := tx.Agency().SetProblemStep(r.Agency, p.ID, step, "", time.Time{}); err != nil {
		return err
	}
	if err := a.event(tx, r, ill.SystemActor(), "problem_step", string(p.Kind), map[string]any{"problem": p.ID, "kind": p.Kind, "step": step}, 0); err != nil {
		return err
	}
	if f := problemSteps[p.Kind][step]; f != nil {
		if err := f(a, tx, r, p); err != nil {
			return err
		}
	} else if !def.Auto {
		if err := a.flagProblem(tx, r, p); err != nil {
			return err
		}
	}
	cur, err := tx.Agency().Problem(r.Agency, p.ID)
	if err != nil {
		return err
	}
	if !cur.Open() || cur.Step != step {
		*p = cur
		return nil // the handler closed it or moved it on
	}
	next, ok := ill.NextStep(p.Kind, step)
	if !ok {
		return nil
	}
	days, err := agingDays(tx, r.Agency, p.Kind, next.Name)
	if err != nil {
		return err
	}
	at, err := problemDue(tx, r.Agency, tx.Now(), days)
	if err != nil {
		return err
	}
	if days <= 0 && next.Auto {
		return a.enterProblemStep(tx, r, p, next.Name)
	}
	p.NextStep, p.NextAt = next.Name, at
	if err := tx.Agency().SetProblemStep(r.Agency, p.ID, step, next.Name, at); err != nil {
		return err
	}
	return a.scheduleProblemJob(tx, r, problemPayload{Kind: p.Kind, Step: next.Name, Problem: p.ID}, at)
}

// flagProblem marks the request for staff attention with the problem as
// its reason, and saves it.
func (a *App) flagProblem(tx *store.Tx, r *ill.Request, p *store.Problem) error {
	reason := "problem:" + string(p.Kind) + ":" + p.Step
	if r.Attention && r.AttentionReason == reason {
		return nil
	}
	r.Attention, r.AttentionReason = true, reason
	return tx.Agency().UpdateRequest(r.Agency, r, 0)
}

// advanceProblem moves an open problem to a later step by a staff or
// partner decision (the step's handler runs, then its successor is
// scheduled).
func (a *App) advanceProblem(tx *store.Tx, r *ill.Request, kind ill.ProblemKind, step string) (*store.Problem, error) {
	p, err := tx.Agency().OpenProblemOf(r.Agency, r.ID, kind)
	if err != nil {
		return nil, err
	}
	return &p, a.enterProblemStep(tx, r, &p, step)
}

// closeProblem ends a request's open problem of kind (if any) with an
// outcome ("resolved", "lost", "returned", "rejected", ...) and clears
// the attention flag the problem set. Its pending timers find it closed
// and do nothing.
func (a *App) closeProblem(tx *store.Tx, r *ill.Request, kind ill.ProblemKind, outcome, note string) error {
	p, err := tx.Agency().OpenProblemOf(r.Agency, r.ID, kind)
	if ill.Is(err, ill.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := tx.Agency().CloseProblem(r.Agency, p.ID, outcome, note); err != nil {
		return err
	}
	if err := a.event(tx, r, ill.SystemActor(), "problem_closed", string(kind), map[string]any{"problem": p.ID, "kind": kind, "outcome": outcome, "note": note}, 0); err != nil {
		return err
	}
	if strings.HasPrefix(r.AttentionReason, "problem:"+string(kind)+":") {
		r.Attention, r.AttentionReason = false, ""
		return tx.Agency().UpdateRequest(r.Agency, r, 0)
	}
	return nil
}

// cancelProblemTimers cancels r's pending timers of a problem kind (its
// detection and its next step), or only those of step when it is not "".
func (a *App) cancelProblemTimers(tx *store.Tx, r *ill.Request, kind ill.ProblemKind, step string) error {
	js, err := tx.System().ListJobs(store.JobFilter{Agency: r.Agency, Ref: r.PublicID, Kind: KindProblemStep, States: []store.JobState{store.JobReady}})
	if err != nil {
		return err
	}
	var ids []int64
	for _, j := range js {
		var p problemPayload
		if j.Decode(&p) == nil && p.Kind == kind && (step == "" || p.Step == step) {
			ids = append(ids, j.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	_, err = tx.System().CancelJobs(store.JobFilter{Agency: r.Agency, IDs: ids})
	return err
}

// RequestProblems lists a request's problems, open and closed, for its
// page: since when and what happens next. Returns NotFound.
func (a *App) RequestProblems(ctx context.Context, actor ill.Actor, publicID string) ([]store.Problem, error) {
	var out []store.Problem
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		out, err = tx.Agency().RequestProblems(r.Agency, r.ID)
		return err
	})
	return out, err
}

// Problems is the problems queue: the agency's open (or closed) problems,
// oldest first. Returns Forbidden.
func (a *App) Problems(ctx context.Context, actor ill.Actor, f store.ProblemFilter) ([]store.Problem, error) {
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return nil, err
	}
	var out []store.Problem
	err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.Agency().Problems(actor.Agency, f)
		return err
	})
	return out, err
}
