package ill

// Problem workflows (docs/problems.md): what went wrong with a request,
// since when, and what happens next. A problem is opened by a detection
// (a timer that finds the request where it should no longer be, a
// partner's message, a staff report) and moves through steps; each step
// after the first waits a number of business days of the library's own
// calendar, taken from the aging table (settings, defaults below), before
// the next one runs. A step with no automatic successor waits for staff.

// ProblemKind names a problem workflow.
type ProblemKind string

// The problem workflows.
const (
	// ProbNotReceived: a loan shipped to us (Loaned) not received N days
	// later: StatusRequest, then a lost-in-transit claim agreed with the
	// lender, then who pays.
	ProbNotReceived ProblemKind = "not_received"
	// ProbClaimedReturned: we shipped it back; the lender says it never
	// arrived.
	ProbClaimedReturned ProblemKind = "claimed_returned"
	// ProbWrongItem: the wrong item, volume or edition came; flagged at
	// receipt, returned, re-requested.
	ProbWrongItem ProblemKind = "wrong_item"
	// ProbDamagedArrival: damaged when it came (the lender is told before
	// the patron gets it).
	ProbDamagedArrival ProblemKind = "damaged_arrival"
	// ProbDamagedPatron: damaged while with the patron (the patron billed).
	ProbDamagedPatron ProblemKind = "damaged_patron"
	// ProbBadCopy: a bad or incomplete copy after CopyCompleted: a re-send
	// asked of the lender through Notification.
	ProbBadCopy ProblemKind = "bad_copy"
	// ProbSilentCancel, ProbSilentRenew, ProbSilentReturn: the partner has
	// not answered our Cancel or Renew, or confirmed our ShippedReturn
	// (no LoanCompleted): reminders, then staff attention.
	ProbSilentCancel ProblemKind = "silent_cancel"
	ProbSilentRenew  ProblemKind = "silent_renew"
	ProbSilentReturn ProblemKind = "silent_return"
	// ProbNeedBefore: the patron's need-before date passed while the
	// request is still unfilled: the patron is asked whether to go on.
	ProbNeedBefore ProblemKind = "need_before_passed"
	// ProbConditionsUnanswered: a lender's conditions or cost left
	// unanswered: a reminder, then automatic rejection.
	ProbConditionsUnanswered ProblemKind = "conditions_unanswered"
)

// StepDetect is the pseudo-step of a detection timer: when it fires and
// its condition still holds, the problem opens at the kind's first step.
const StepDetect = "detect"

// ProblemStep is one row of the aging table: after Days business days in
// the previous step (for the first step: after the detection's starting
// event), Name runs. Staff steps (Auto false) only show in the queue what
// is due; automatic ones act.
type ProblemStep struct {
	Kind ProblemKind `json:"problem"`
	Name string      `json:"step"`
	Days int         `json:"days"`
	Auto bool        `json:"auto"`
	Doc  string      `json:"doc"`
}

// ProblemSteps is the default aging table: per kind, its steps in order.
// The detection row (StepDetect) says how many business days after the
// starting event a problem is suspected. Libraries change Days in their
// settings; names and order are fixed.
var ProblemSteps = []ProblemStep{
	{ProbNotReceived, StepDetect, 10, true, "Loaned, not received this many business days after shipping."},
	{ProbNotReceived, "status_request", 0, true, "A StatusRequest asks the lender where the item is."},
	{ProbNotReceived, "claim", 5, false, "No answer or no trace: staff claim it lost in transit with the lender."},
	{ProbNotReceived, "settle", 10, false, "The claim is agreed: who pays (replacement charge or waived)."},

	{ProbClaimedReturned, StepDetect, 0, true, "The lender says the item we shipped back never arrived."},
	{ProbClaimedReturned, "trace", 0, false, "Staff trace the return shipment (courier, tracking) and answer the lender."},
	{ProbClaimedReturned, "settle", 10, false, "Not found: agree who pays."},

	{ProbWrongItem, StepDetect, 0, true, "The item received is not the one asked for (item, volume or edition); the lender is told (Notification), the patron that it is delayed."},
	{ProbWrongItem, "return", 0, false, "Ship the wrong item back to the lender (ShippedReturn)."},
	{ProbWrongItem, "rerequest", 2, false, "Shipped back (at once), or this many business days after the flag at the latest: ask again for the right item in a new request (the same lender or the next)."},
	{ProbWrongItem, "attention", 5, false, "Not asked again this many business days after that: staff follow up."},

	{ProbDamagedArrival, StepDetect, 0, true, "Damaged on arrival: held back from the patron; the lender is told (Notification)."},
	{ProbDamagedArrival, "lender_decides", 0, true, "The lender says whether to lend it on as it is or have it back."},
	{ProbDamagedArrival, "attention", 3, false, "No decision from the lender this many business days later (staff ask again), or the lender answered (staff put it on the hold shelf or ship it back, as it said)."},

	{ProbDamagedPatron, StepDetect, 0, true, "Damaged while with the patron: the lender is told at check-in (Notification)."},
	{ProbDamagedPatron, "bill", 0, false, "The lender's repair or replacement charge is recorded and the patron billed."},
	{ProbDamagedPatron, "attention", 10, false, "No charge recorded this many business days later: staff ask the lender again."},

	{ProbBadCopy, StepDetect, 0, true, "The delivered copy is bad or incomplete."},
	{ProbBadCopy, "resend_asked", 0, true, "A Notification asks the lender to send it again; the patron is told a new copy is coming."},
	{ProbBadCopy, "reminder", 3, true, "No new copy yet: a reminder (the Notification again)."},
	{ProbBadCopy, "attention", 3, false, "Still no new copy: staff follow up."},

	{ProbSilentCancel, StepDetect, 2, true, "Cancel sent, no answer this many business days later."},
	{ProbSilentCancel, "reminder", 0, true, "A reminder: the Cancel sent again (with a note); the patron is told."},
	{ProbSilentCancel, "attention", 3, false, "Still no answer: staff follow up."},
	{ProbSilentRenew, StepDetect, 2, true, "Renew sent, no answer this many business days later."},
	{ProbSilentRenew, "reminder", 0, true, "A reminder: the Renew sent again (with a note); the patron is told."},
	{ProbSilentRenew, "attention", 3, false, "Still no answer: staff follow up."},
	{ProbSilentReturn, StepDetect, 10, true, "Shipped back, no LoanCompleted this many business days later."},
	{ProbSilentReturn, "reminder", 0, true, "A StatusRequest asks the lender whether it arrived."},
	{ProbSilentReturn, "attention", 5, false, "Still no answer: staff follow up."},

	{ProbNeedBefore, StepDetect, 0, true, "The patron's need-before date passed (its end, library time) this many business days ago and the request is not filled."},
	{ProbNeedBefore, "ask_patron", 0, true, "The patron is asked (email and portal) whether to go on, with a new date or none, or cancel."},
	{ProbNeedBefore, "attention", 5, false, "No answer from the patron: staff decide."},

	{ProbConditionsUnanswered, StepDetect, 2, true, "The lender's conditions have waited this many business days."},
	{ProbConditionsUnanswered, "reminder", 0, true, "Staff (and the patron, if asked) are reminded."},
	{ProbConditionsUnanswered, "auto_reject", 3, true, "Still unanswered: the conditions are rejected (a Cancel to that lender) and the request moves on."},
}

// ProblemKinds lists the kinds in the table's order.
func ProblemKinds() []ProblemKind {
	var out []ProblemKind
	for _, s := range ProblemSteps {
		if len(out) == 0 || out[len(out)-1] != s.Kind {
			out = append(out, s.Kind)
		}
	}
	return out
}

// StepsOf returns a kind's steps in order, detection first.
func StepsOf(k ProblemKind) []ProblemStep {
	var out []ProblemStep
	for _, s := range ProblemSteps {
		if s.Kind == k {
			out = append(out, s)
		}
	}
	return out
}

// StepOf returns a kind's step by name.
func StepOf(k ProblemKind, name string) (ProblemStep, bool) {
	for _, s := range ProblemSteps {
		if s.Kind == k && s.Name == name {
			return s, true
		}
	}
	return ProblemStep{}, false
}

// NextStep returns the step after name, if any.
func NextStep(k ProblemKind, name string) (ProblemStep, bool) {
	steps := StepsOf(k)
	for i, s := range steps {
		if s.Name == name && i+1 < len(steps) {
			return steps[i+1], true
		}
	}
	return ProblemStep{}, false
}

// insertBefore puts rule before the first rule of the same event (the
// problem workflows add rules ahead of the catch-alls).
func insertBefore(rules []IncomingRule, ev IncomingEvent, rule IncomingRule) []IncomingRule {
	for i, r := range rules {
		if r.Event == ev {
			out := append([]IncomingRule{}, rules[:i]...)
			out = append(out, rule)
			return append(out, rules[i:]...)
		}
	}
	return append(rules, rule)
}
