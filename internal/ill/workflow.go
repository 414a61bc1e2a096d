package ill

import (
	"fmt"
	"slices"
)

// The workflow is data. For each side, StateDefs name every state,
// ActionDefs every action a person or a timer may take, and IncomingRules
// what every incoming ISO 18626 message does in every state. The web desks'
// buttons, the API's "available actions", docs/workflow.md and the
// completeness tests all read these tables; behaviour that is not in them
// does not exist.

// State is a local state of a request on one side.
type State string

// Previous in an action or rule's To means "back to the state the request
// was in before the question was asked" (cancel, renew, problem).
const Previous State = "(previous)"

// Stay means the state does not change.
const Stay State = ""

// StateDef describes one state.
type StateDef struct {
	Side     Side
	Name     State
	Terminal bool
	// ISO is the ISO 18626 status the state goes with: for lending, the
	// status we report; for borrowing, the lender status we expect.
	ISO string
	// Queue is the desk queue the state appears in.
	Queue string
	// Problem marks states that need staff and are aged (issue: discrepancies).
	Problem bool
	// Patron marks states in which the patron is waiting on us (for the
	// patron-facing status texts).
	Doc string
}

// Effect is a side effect of a transition, carried out by the app layer in
// the same transaction.
type Effect string

// Effects.
const (
	EffResponseTimer    Effect = "timer.response_window" // start the current lender's response window
	EffAdvanceRota      Effect = "rota.advance"          // move to the next lender (Cancel to the superseded one), or end of rota
	EffPickupTimer      Effect = "timer.pickup"          // start the pickup deadline
	EffPatronDueTimer   Effect = "timer.patron_due"      // the patron's due date
	EffLenderDueTimer   Effect = "timer.lender_due"      // lending: our due date (Overdue when it passes)
	EffCancelTimers     Effect = "timer.cancel"          // stop every pending timer of the request
	EffSetLenderDue     Effect = "loan.set_due"          // take the due date from the message or the action
	EffRenewed          Effect = "loan.renewed"          // count a renewal and take the new due date
	EffHoldReturnOn     Effect = "loan.hold_return_on"   // returns on hold
	EffHoldReturnOff    Effect = "loan.hold_return_off"  // returns released
	EffNotifyPatron     Effect = "notify.patron"         // email the patron (template named by the event)
	EffAttention        Effect = "attention"             // needs attention
	EffClearAttention   Effect = "attention.clear"
	EffConditions       Effect = "conditions.record"  // record offered conditions and costs
	EffAcceptCost       Effect = "ledger.accept_cost" // write an accepted lender charge
	EffReplacementCost  Effect = "ledger.replacement" // write a replacement charge
	EffLateLender       Effect = "rota.late_lender"   // a superseded lender shipped after all: keep it, cancel the newer one
	EffUnread           Effect = "messages.unread"    // a note from the partner to read
	EffRecordDelivery   Effect = "delivery.record"    // keep the delivery URL / items / shipping from the message
	EffChooseService    Effect = "service.chosen"     // CopyOrLoan: the lender's choice decides Copy or Loan
	EffSearchAgainTimer Effect = "timer.search_again" // lending: look on the shelf again later
)

// MessageSpec says which protocol message a transition sends. The zero
// value sends nothing.
type MessageSpec struct {
	Kind        MessageKind
	RequestType string // request: New, Retry, Reminder
	Status      string // SAM: status ("" = current status unchanged)
	Reason      string // SAM: reasonForMessage ("" = RequestResponse for the first answer, else StatusChange)
	Answer      string // SAM: Y or N for renew and cancel responses
	Action      string // RAM: action
}

// IsZero reports whether nothing is sent.
func (m MessageSpec) IsZero() bool { return m.Kind == "" }

func (m MessageSpec) String() string {
	switch m.Kind {
	case MsgRequest:
		return "request(" + m.RequestType + ")"
	case MsgSAM:
		s := "SAM " + m.Status
		if m.Reason != "" {
			s += "/" + m.Reason
		}
		if m.Answer != "" {
			s += " " + m.Answer
		}
		return s
	case MsgRAM:
		return "RAM " + m.Action
	}
	return "—"
}

// Param is an input an action needs.
type Param struct {
	Name     string // JSON field name
	Kind     string // text, date, money, barcode, reason, choice, list
	Required bool
	Choices  []string
}

// ActionName names an action.
type ActionName string

// ActionDef is something a person, a patron or a timer may do.
type ActionDef struct {
	Side   Side
	Name   ActionName
	Actors []ActorKind // who may take it
	Perm   Permission  // staff permission needed
	From   []State
	// To is the next state; Stay keeps it; Previous restores. When Effects
	// decide (rota advance), Next lists every state it may lead to.
	To      State
	Next    []State
	Sends   MessageSpec
	Effects []Effect
	Params  []Param
	// Event is the event it records (default: the action's name).
	Event string
	// Shortcut is the desk keyboard key.
	Shortcut string
	// ServiceOnly limits the action to loans or copies ("" both).
	ServiceOnly ServiceType
	// OffSystemOnly offers the action only on requests tracked in another
	// system (their protocol is off-system).
	OffSystemOnly bool
}

// Event returns the event type the action records.
func (a ActionDef) EventType() string {
	if a.Event != "" {
		return a.Event
	}
	return string(a.Name)
}

// Targets lists every state the action may lead to from state s.
func (a ActionDef) Targets(s State, previous State) []State {
	switch {
	case len(a.Next) > 0:
		return a.Next
	case a.To == Stay:
		return []State{s}
	case a.To == Previous:
		return []State{previous}
	}
	return []State{a.To}
}

// Outcome classifies what an incoming message does in a state.
type Outcome string

// The three outcomes.
const (
	Transition Outcome = "transition"  // apply it (possibly staying in the same state)
	AcceptFlag Outcome = "accept_flag" // confirm OK, record it, mark the request for attention
	Reject     Outcome = "reject"      // answer with an ISO 18626 error confirmation
)

// IncomingEvent names an incoming message as the tables see it.
type IncomingEvent string

// IncomingRule says what an incoming event does in some states. A rule
// with no From is the fallback for every state no other rule of the event
// covers; each event has exactly one fallback.
type IncomingRule struct {
	Side    Side
	Event   IncomingEvent
	From    []State
	Outcome Outcome
	To      State
	Next    []State
	Effects []Effect
	// Reply is an automatic answer (e.g. StatusRequestResponse, a refused
	// renewal when recalled).
	Reply MessageSpec
	// ErrorType and ErrorValue for Reject (ISO 18626 errorData).
	ErrorType  string
	ErrorValue string
	// Event recorded (default: "message.<event>").
	Record string
	Doc    string
}

// Workflow is the complete table of one side.
type Workflow struct {
	Side     Side
	States   []StateDef
	Actions  []ActionDef
	Incoming []IncomingRule
	// Events lists every incoming event this side classifies.
	Events []IncomingEvent
	// Initial lists the states a new request may start in.
	Initial []State
}

// Workflows returns both sides' tables.
func Workflows() []*Workflow { return []*Workflow{BorrowingWorkflow, LendingWorkflow} }

// WorkflowFor returns a side's table.
func WorkflowFor(s Side) *Workflow {
	if s == Lending {
		return LendingWorkflow
	}
	return BorrowingWorkflow
}

// State finds a state's definition.
func (w *Workflow) State(s State) (StateDef, bool) {
	for _, d := range w.States {
		if d.Name == s {
			return d, true
		}
	}
	return StateDef{}, false
}

// Terminal reports whether s ends the request.
func (w *Workflow) Terminal(s State) bool {
	d, ok := w.State(s)
	return ok && d.Terminal
}

// Action finds an action by name.
func (w *Workflow) Action(name ActionName) (ActionDef, bool) {
	for _, a := range w.Actions {
		if a.Name == name {
			return a, true
		}
	}
	return ActionDef{}, false
}

// Available lists the actions an actor of the given kind may take in
// state s, for a request of the given service type (permissions are
// checked by the caller with the actor's grants).
func (w *Workflow) Available(s State, kind ActorKind, service ServiceType) []ActionDef {
	var out []ActionDef
	for _, a := range w.Actions {
		if !slices.Contains(a.From, s) || !slices.Contains(a.Actors, kind) {
			continue
		}
		if a.ServiceOnly != "" && service != "" && service != CopyOrLoan && a.ServiceOnly != service {
			continue
		}
		out = append(out, a)
	}
	return out
}

// Classify finds the rule for an incoming event in state s: the specific
// rule whose From includes s, else the event's fallback.
func (w *Workflow) Classify(s State, ev IncomingEvent) (IncomingRule, error) {
	var fallback *IncomingRule
	for i := range w.Incoming {
		r := &w.Incoming[i]
		if r.Event != ev {
			continue
		}
		if len(r.From) == 0 {
			fallback = r
			continue
		}
		if slices.Contains(r.From, s) {
			return *r, nil
		}
	}
	if fallback != nil {
		return *fallback, nil
	}
	return IncomingRule{}, fmt.Errorf("workflow: %s side has no rule for %s in %s", w.Side, ev, s)
}

// nonTerminal lists the side's non-terminal states.
func (w *Workflow) nonTerminal() []State {
	var out []State
	for _, d := range w.States {
		if !d.Terminal {
			out = append(out, d.Name)
		}
	}
	return out
}

// without returns list minus the given states.
func without(list []State, drop ...State) []State {
	var out []State
	for _, s := range list {
		if !slices.Contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}

var (
	staff        = []ActorKind{ActorStaff}
	staffPatron  = []ActorKind{ActorStaff, ActorPatron}
	system       = []ActorKind{ActorSystem}
	staffSystem  = []ActorKind{ActorStaff, ActorSystem}
	staffAll     = []ActorKind{ActorStaff, ActorPatron, ActorSystem}
	sendRequest  = MessageSpec{Kind: MsgRequest, RequestType: RequestNew}
	sendRetry    = MessageSpec{Kind: MsgRequest, RequestType: RequestRetry}
	sendReminder = MessageSpec{Kind: MsgRequest, RequestType: RequestReminder}
)

func ram(action string) MessageSpec { return MessageSpec{Kind: MsgRAM, Action: action} }

func sam(status, reason, answer string) MessageSpec {
	return MessageSpec{Kind: MsgSAM, Status: status, Reason: reason, Answer: answer}
}
