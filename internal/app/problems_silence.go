package app

import (
	"fmt"
	"slices"
	"time"

	"interlend/internal/i18n"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// Timer-driven problems (docs/problems.md), all on the borrowing side:
//
// A partner silent on our Cancel, Renew or ShippedReturn
// (ill.ProbSilentCancel, ProbSilentRenew, ProbSilentReturn). Entering
// cancel_requested, renew_requested or return_shipped starts a detection
// timer (the aging table's detect row, business days of our calendar).
// If the request is still there when it fires (the same entry: a later
// cancel has its own timer), the problem opens: a reminder goes to the
// lender at once (the Cancel or the Renew sent again with a note; for the
// return a StatusRequest, whose answer carries LoanCompleted when the
// lender has it), the patron is told for a cancel or a renewal, and after
// the attention row's days staff are asked to follow up. Staff close it
// with give_up_cancel, cancel_unconfirmed, renew_as_refused or
// close_returned; any answer from the lender that moves the request on
// closes it as "answered".
//
// Need-before date passed (ill.ProbNeedBefore). A borrowing request with
// a need-before date has a detection timer at the end of that day (in the
// library's time zone) plus the detect row's business days; if the
// request is still unfilled then, the patron is asked by email, and in
// the portal, whether to go on (optionally with a new date: need_before_go_on)
// or cancel (a Cancel to the lender when one holds it). No answer after
// the attention row's days: staff decide.
//
// Conditions unanswered (ill.ProbConditionsUnanswered). A lender's
// conditions (conditional) start a detection timer; when it fires with
// the offer still open, staff are reminded (and the patron, if the
// question was put to them: awaiting_patron from conditional); after the
// auto_reject row's days the conditions are rejected as the system
// (conditions_expire: a Cancel to that lender, on to the next one).

// The timer-driven problems' patron notices.
const (
	noticeCancelWaiting   = "patron.problem_cancel_waiting"   // our Cancel unanswered: asked again
	noticeRenewWaiting    = "patron.problem_renew_waiting"    // our Renew unanswered: asked again
	noticeNeedBefore      = "patron.problem_need_before"      // the need-before date passed: go on?
	noticeConditionsAgain = "patron.problem_conditions_again" // the lender's conditions still wait for you
)

// SilenceNotices lists the timer-driven problems' patron notices.
var SilenceNotices = []PatronNotice{
	{Key: noticeCancelWaiting, Event: "problem_cancel_waiting"},
	{Key: noticeRenewWaiting, Event: "problem_renew_waiting"},
	{Key: noticeNeedBefore, Event: "problem_need_before"},
	{Key: noticeConditionsAgain, Event: "problem_conditions_again"},
}

func init() {
	registerPatronNotices(SilenceNotices, "")
	addEffect(ill.EffNeedBefore, needBeforeEffect)
	addTransitionHook(silenceHook)
	addCreated(func(a *App, tx *store.Tx, actor ill.Actor, r *ill.Request) error { return a.watchNeedBefore(tx, r) })

	for kind, state := range silentStates {
		addProblemWatch(kind, func(a *App, tx *store.Tx, r *ill.Request, guard string) (bool, error) {
			if r.Side != ill.Borrowing || r.State != state {
				return false, nil
			}
			n, err := entries(tx, r, state)
			if err != nil || guard != fmt.Sprint(n) {
				return false, err
			}
			if kind == ill.ProbSilentReturn { // the lender said it never came: that problem covers it
				claimed, err := hasOpenProblem(tx, r, ill.ProbClaimedReturned)
				return !claimed, err
			}
			return true, nil
		})
	}
	addProblemStep(ill.ProbSilentCancel, "reminder", func(a *App, tx *store.Tx, r *ill.Request, p *store.Problem) error {
		if r.State != ill.BCancelRequested || r.Partner == "" {
			return nil
		}
		if err := a.performSystem(tx, r, ill.ActRemindCancel, map[string]any{"note": "Reminder: we asked you to cancel this request and have had no answer. Please answer our Cancel."}); err != nil {
			return err
		}
		return a.problemNotice(tx, r, noticeCancelWaiting, "")
	})
	addProblemStep(ill.ProbSilentRenew, "reminder", func(a *App, tx *store.Tx, r *ill.Request, p *store.Problem) error {
		if r.State != ill.BRenewRequested || r.Partner == "" {
			return nil
		}
		if err := a.performSystem(tx, r, ill.ActRemindRenew, map[string]any{"note": "Reminder: we asked you to renew this loan and have had no answer. Please answer our Renew."}); err != nil {
			return err
		}
		return a.problemNotice(tx, r, noticeRenewWaiting, a.localDate(tx, r, r.PatronDue))
	})
	addProblemStep(ill.ProbSilentReturn, "reminder", func(a *App, tx *store.Tx, r *ill.Request, p *store.Problem) error {
		if r.State != ill.BReturnShipped || r.Partner == "" {
			return nil
		}
		return a.performSystem(tx, r, ill.ActStatusRequest, nil)
	})

	addProblemWatch(ill.ProbNeedBefore, func(a *App, tx *store.Tx, r *ill.Request, guard string) (bool, error) {
		return r.Side == ill.Borrowing && !r.NeedBefore.IsZero() && needBeforeKey(r.NeedBefore) == guard &&
			slices.Contains(ill.NeedBeforeStates, r.State), nil
	})
	addProblemStep(ill.ProbNeedBefore, "ask_patron", func(a *App, tx *store.Tx, r *ill.Request, p *store.Problem) error {
		return a.problemNotice(tx, r, noticeNeedBefore, a.localDate(tx, r, r.NeedBefore))
	})

	addProblemWatch(ill.ProbConditionsUnanswered, func(a *App, tx *store.Tx, r *ill.Request, guard string) (bool, error) {
		return r.Side == ill.Borrowing && conditionsOpen(r) && fmt.Sprint(r.RotaPos) == guard, nil
	})
	addProblemStep(ill.ProbConditionsUnanswered, "reminder", func(a *App, tx *store.Tx, r *ill.Request, p *store.Problem) error {
		if !conditionsOpen(r) {
			return nil
		}
		if err := a.flagProblem(tx, r, p); err != nil {
			return err
		}
		if r.State == ill.BAwaitingPatron { // the question was put to the patron
			return a.problemNotice(tx, r, noticeConditionsAgain, "")
		}
		return nil
	})
	addProblemStep(ill.ProbConditionsUnanswered, "auto_reject", func(a *App, tx *store.Tx, r *ill.Request, p *store.Problem) error {
		if !conditionsOpen(r) {
			return a.closeProblem(tx, r, ill.ProbConditionsUnanswered, "answered", "")
		}
		return a.performSystem(tx, r, ill.ActConditionsExpire, nil)
	})
}

// silentStates are the states our question waits in, per silent kind.
var silentStates = map[ill.ProblemKind]ill.State{
	ill.ProbSilentCancel: ill.BCancelRequested,
	ill.ProbSilentRenew:  ill.BRenewRequested,
	ill.ProbSilentReturn: ill.BReturnShipped,
}

// silentClosers are the staff actions that end a silent problem, with
// the outcome they record.
var silentClosers = map[ill.ActionName]string{
	ill.ActGiveUpCancel:      "given_up",
	ill.ActCancelUnconfirmed: "cancelled_unconfirmed",
	ill.ActRenewAsRefused:    "treated_refused",
	ill.ActCloseReturned:     "closed_returned",
}

// conditionsOpen reports whether a lender's conditions still wait for an
// answer (from staff, or from the patron they were put to).
func conditionsOpen(r *ill.Request) bool {
	return r.State == ill.BConditional || r.State == ill.BAwaitingPatron && r.Previous == ill.BConditional
}

// entries counts the transitions of r into state: a detection started on
// the n-th entry holds only while the request is still in that entry.
func entries(tx *store.Tx, r *ill.Request, state ill.State) (int, error) {
	evs, err := tx.Agency().Events(r.Agency, r.ID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range evs {
		if e.To == state && e.From != state {
			n++
		}
	}
	return n, nil
}

// silenceHook starts, and closes, the timer-driven problems as requests
// move.
func silenceHook(a *App, tx *store.Tx, r *ill.Request, ev *ill.Event) error {
	if r.Side != ill.Borrowing {
		return nil
	}
	name := ill.ActionName(ev.Name)
	if ev.From != ev.To {
		for kind, state := range silentStates {
			if ev.From == state {
				outcome := silentClosers[name]
				if outcome == "" {
					outcome = "answered"
				}
				if err := a.endProblem(tx, r, kind, outcome, ev.Type); err != nil {
					return err
				}
			}
			if ev.To == state && (kind != ill.ProbSilentReturn || r.ServiceType != ill.Copy) {
				n, err := entries(tx, r, state)
				if err != nil {
					return err
				}
				if _, err := a.watchProblem(tx, r, kind, fmt.Sprint(n)); err != nil {
					return err
				}
			}
		}
		if err := a.conditionsMoved(tx, r, ev); err != nil {
			return err
		}
		if slices.Contains(ill.NeedBeforeStates, ev.From) && !slices.Contains(ill.NeedBeforeStates, ev.To) {
			outcome := "filled"
			switch ev.To {
			case ill.BCancelled, ill.BCancelRequested:
				outcome = "cancelled"
			case ill.BUnfilled:
				outcome = "unfilled"
			}
			if err := a.endProblem(tx, r, ill.ProbNeedBefore, outcome, ev.Type); err != nil {
				return err
			}
		}
	}
	if name == ill.ActNeedBeforeGoOn {
		note := "go on without a date"
		if !r.NeedBefore.IsZero() {
			note = "go on until " + needBeforeKey(r.NeedBefore)
		}
		if err := a.endProblem(tx, r, ill.ProbNeedBefore, "go_on", note); err != nil {
			return err
		}
	}
	return a.watchNeedBefore(tx, r)
}

// conditionsMoved starts the conditions' watch when a lender's offer
// arrives and closes the problem when the offer is answered.
func (a *App) conditionsMoved(tx *store.Tx, r *ill.Request, ev *ill.Event) error {
	if ev.To == ill.BConditional && ev.From != ill.BAwaitingPatron {
		_, err := a.watchProblem(tx, r, ill.ProbConditionsUnanswered, fmt.Sprint(r.RotaPos))
		return err
	}
	if conditionsOpen(r) || ev.From != ill.BConditional && ev.From != ill.BAwaitingPatron {
		return nil
	}
	outcome := "answered"
	switch {
	case ill.ActionName(ev.Name) == ill.ActConditionsExpire:
		outcome = "auto_rejected"
	case ev.Type == "conditions_accepted":
		outcome = "accepted"
	case ev.Type == "conditions_rejected":
		outcome = "rejected"
	}
	return a.endProblem(tx, r, ill.ProbConditionsUnanswered, outcome, ev.Type)
}

// endProblem closes r's problem of kind (if open) and cancels the kind's
// pending timers for r (its detection, its next step): a request that
// moved on keeps no work for a problem that no longer applies.
func (a *App) endProblem(tx *store.Tx, r *ill.Request, kind ill.ProblemKind, outcome, note string) error {
	if err := a.closeProblem(tx, r, kind, outcome, note); err != nil {
		return err
	}
	return a.cancelProblemTimers(tx, r, kind, "")
}

// watchNeedBefore starts the need-before detection of an unfilled
// borrowing request with a date: at the end of that day in the library's
// time zone, plus the detect row's business days. Starting it again for
// the same date is a no-op (the job's idempotency key).
func (a *App) watchNeedBefore(tx *store.Tx, r *ill.Request) error {
	if r.Side != ill.Borrowing || r.NeedBefore.IsZero() || !slices.Contains(ill.NeedBeforeStates, r.State) {
		return nil
	}
	at, err := needBeforeDue(tx, r)
	if err != nil {
		return err
	}
	return a.scheduleProblemJob(tx, r, problemPayload{Kind: ill.ProbNeedBefore, Step: ill.StepDetect, Guard: needBeforeKey(r.NeedBefore)}, at)
}

// needBeforeDue is when a request's need-before date counts as passed:
// the start of the day after it (library time), plus the detect row's
// business days.
func needBeforeDue(tx *store.Tx, r *ill.Request) (time.Time, error) {
	sch, err := agencySchedule(tx, r.Agency)
	if err != nil {
		return time.Time{}, err
	}
	loc := sch.Location()
	d := r.NeedBefore.In(loc)
	end := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
	days, err := agingDays(tx, r.Agency, ill.ProbNeedBefore, ill.StepDetect)
	if err != nil {
		return time.Time{}, err
	}
	return problemDue(tx, r.Agency, end, days)
}

// needBeforeKey names a need-before date (the detection's guard).
func needBeforeKey(t time.Time) string { return t.UTC().Format("2006-01-02T15:04") }

// needBeforeEffect sets the request's need-before date from the action's
// "needBefore" (the end of that day, library time), or clears it.
func needBeforeEffect(a *App, tx *store.Tx, ch *change) error {
	d := ch.params.Time("needBefore")
	if d.IsZero() {
		ch.req.NeedBefore = time.Time{}
		return nil
	}
	sch, err := agencySchedule(tx, ch.req.Agency)
	if err != nil {
		return err
	}
	loc := sch.Location()
	nb := time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, loc)
	if nb.Before(tx.Now()) {
		return ill.E(ill.Invalid, "the new date has passed already", map[string]string{"needBefore": "portal.err.past"})
	}
	ch.req.NeedBefore = nb
	ch.data["needBefore"] = nb.Format("2006-01-02")
	return nil
}

// localDate writes a date for a patron notice in the library's time zone.
func (a *App) localDate(tx *store.Tx, r *ill.Request, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	loc := time.UTC
	if c, err := calendarLocation(tx, r.Agency); err == nil && c != nil {
		loc = c
	}
	return i18n.NewFormatter(i18n.Default).Date(t, loc)
}

// needBeforeAsked reports whether the patron is being asked whether to go
// on with r (its need-before problem is open).
func needBeforeAsked(tx *store.Tx, r *ill.Request) (bool, error) {
	return hasOpenProblem(tx, r, ill.ProbNeedBefore)
}
