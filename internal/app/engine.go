package app

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// change is one transition of one request, whatever caused it: a person's
// action, a timer, or a partner's message. apply carries it out in the
// caller's transaction: effects, outgoing messages, the new state, the
// event, and the version bump — all or nothing.
type change struct {
	req     *ill.Request
	wf      *ill.Workflow
	from    ill.State
	target  ill.State   // from the table: a state, Stay, Previous, or "" with next
	next    []ill.State // possible targets decided by effects
	to      ill.State   // resolved
	actor   ill.Actor
	event   string // event type recorded
	name    string // action or incoming event name
	effects []ill.Effect
	sends   []outgoing
	params  Params
	data    map[string]any
	in      *ill.Message // the incoming message, if any
	inID    int64        // its stored id
	expect  int64        // version a staff member saw (0: no check)
	// closeReason overrides the close reason derived from the event.
	closeReason ill.CloseReason
}

// outgoing is a message to send once the change commits.
type outgoing struct {
	to   ill.AgencyID // the partner
	spec ill.MessageSpec
	// prepared overrides what is built from spec (a Cancel to a superseded
	// lender carries that lender's ids).
	prepared *ill.Message
	// params are the action's inputs (note, reasons, dates) for the message.
	params Params
	// accept marks a RAM that accepts the lender's conditions.
	accept bool
}

// Params are an action's inputs, already validated.
type Params map[string]any

// Str returns a text parameter.
func (p Params) Str(name string) string {
	s, _ := p[name].(string)
	return s
}

// Time returns a date parameter.
func (p Params) Time(name string) time.Time {
	t, _ := p[name].(time.Time)
	return t
}

// Money returns a money parameter.
func (p Params) Money(name string) ill.Money {
	m, _ := p[name].(ill.Money)
	return m
}

// List returns a list parameter.
func (p Params) List(name string) []string {
	l, _ := p[name].([]string)
	return l
}

// questionStates are states a request leaves with To=Previous: entering one
// remembers where it came from.
func questionStates(wf *ill.Workflow) []ill.State {
	var out []ill.State
	add := func(from []ill.State) {
		for _, s := range from {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	for _, a := range wf.Actions {
		if a.To == ill.Previous {
			add(a.From)
		}
	}
	for _, r := range wf.Incoming {
		if r.To == ill.Previous {
			add(r.From)
		}
	}
	return out
}

// apply carries out a change in tx.
func (a *App) apply(tx *store.Tx, ch *change) error {
	r := ch.req
	ch.from = r.State
	switch {
	case ch.target == ill.Stay && len(ch.next) == 0:
		ch.to = ch.from
	case ch.target == ill.Previous:
		ch.to = r.Previous
		if ch.to == "" {
			ch.to = ch.from
		}
	case ch.target != "":
		ch.to = ch.target
	case len(ch.next) > 0 && r.Side == ill.Lending:
		ch.to = a.chooseFound(r, ch)
	}
	if ch.data == nil {
		ch.data = map[string]any{}
	}
	for _, eff := range ch.effects {
		if err := a.effect(tx, ch, eff); err != nil {
			return err
		}
	}
	if ch.to == "" {
		return fmt.Errorf("app: %s on %s in %s left no target state", ch.name, r.PublicID, ch.from)
	}
	if ch.to != ch.from {
		if slices.Contains(questionStates(ch.wf), ch.to) && !slices.Contains(questionStates(ch.wf), ch.from) {
			r.Previous = ch.from
		}
		if ch.target == ill.Previous {
			r.Previous = ""
		}
	}
	r.State = ch.to
	if ch.wf.Terminal(ch.to) && r.ClosedAt.IsZero() {
		r.ClosedAt = tx.Now()
		if ch.closeReason != "" {
			r.CloseReason = ch.closeReason
		} else if r.CloseReason == "" {
			r.CloseReason = closeReasonFor(ch)
		}
		if err := a.cancelTimers(tx, r); err != nil {
			return err
		}
	}
	var msgIDs []int64
	for _, o := range ch.sends {
		id, err := a.send(tx, r, o)
		if err != nil {
			return err
		}
		msgIDs = append(msgIDs, id)
	}
	if len(msgIDs) > 0 {
		ch.data["sent"] = msgIDs
	}
	// The version staff saw was checked when the locked row was loaded;
	// an effect that saved the request since (a problem workflow flagging
	// it, say) moved the version on legitimately.
	expect := ch.expect
	if expect > 0 && r.Version != expect {
		expect = 0
	}
	if err := tx.Agency().UpdateRequest(r.Agency, r, expect); err != nil {
		return err
	}
	data, _ := json.Marshal(ch.data)
	ev := &ill.Event{Type: ch.event, Name: ch.name, ActorKind: ch.actor.Kind, ActorUser: ch.actor.UserID, ActorPartner: ch.actor.Partner,
		From: ch.from, To: ch.to, MessageID: ch.inID, Data: data}
	if err := tx.Agency().AppendEvent(r.Agency, r.ID, ev); err != nil {
		return err
	}
	for _, h := range transitionHooks {
		if err := h(a, tx, r, ev); err != nil {
			return err
		}
	}
	return nil
}

// TransitionHook runs in the transaction of every applied change (staff
// action, partner message, timer), after its event is recorded. Features
// that follow the lifecycle (the ILS steps, copyright records, notices)
// register one with addTransitionHook and usually enqueue a job from it.
// ev.From and ev.To tell the transition (equal when the state stayed).
type TransitionHook func(a *App, tx *store.Tx, r *ill.Request, ev *ill.Event) error

var transitionHooks []TransitionHook

// addTransitionHook registers a hook; call it from an init function.
func addTransitionHook(h TransitionHook) { transitionHooks = append(transitionHooks, h) }

// chooseFound picks the lending state after "found": scanning for copies,
// shipping for loans; for CopyOrLoan the lender's choice (param "service").
func (a *App) chooseFound(r *ill.Request, ch *change) ill.State {
	service := r.ServiceType
	if service == ill.CopyOrLoan {
		if s := ill.ServiceType(ch.params.Str("service")); s == ill.Copy || s == ill.Loan {
			service = s
		} else {
			service = ill.Loan
		}
		r.ServiceType = service
	}
	if service == ill.Copy {
		return ill.LAwaitingScan
	}
	return ill.LAwaitingShip
}

// closeReasonFor derives why a request ended from what ended it.
func closeReasonFor(ch *change) ill.CloseReason {
	switch ill.ActionName(ch.name) {
	case ill.ActCancel:
		if ch.actor.Kind == ill.ActorPatron {
			return ill.ClosedPatronCancelled
		}
		return ill.ClosedStaffCancelled
	case ill.ActCopyrightDeny:
		return ill.ClosedCopyrightDenied
	case ill.ActCloseDuplicate:
		return ill.ClosedDuplicate
	case ill.ActFilledLocally:
		return ill.ClosedFilledLocally
	case ill.ActCloseUnfilled, ill.ActAnswerUnfilled:
		return ill.ClosedUnfilled
	case ill.ActAnswerRetry:
		return ill.ClosedRetryOffered
	case ill.ActAcceptCancel:
		return ill.ClosedCancelled
	case ill.ActCloseLost, ill.ActCloseLostLend:
		return ill.ClosedLost
	}
	switch ch.to { // the same names on both sides
	case ill.BCancelled:
		if ch.req.Side == ill.Lending {
			return ill.ClosedCancelled
		}
		return ill.ClosedStaffCancelled
	case ill.BUnfilled:
		return ill.ClosedUnfilled
	}
	if ch.in != nil && ch.in.Status == ill.StatusCompletedWithoutReturn {
		return ill.ClosedLost
	}
	return ill.ClosedFilled
}

// event records an event that is not a transition (a note, a rota change).
func (a *App) event(tx *store.Tx, r *ill.Request, actor ill.Actor, typ, name string, data map[string]any, msgID int64) error {
	b, _ := json.Marshal(data)
	return tx.Agency().AppendEvent(r.Agency, r.ID, &ill.Event{Type: typ, Name: name, ActorKind: actor.Kind, ActorUser: actor.UserID,
		ActorPartner: actor.Partner, From: r.State, To: r.State, MessageID: msgID, Data: b})
}
