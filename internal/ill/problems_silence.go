package ill

// Timer-driven problems (docs/problems.md): a partner silent on our
// Cancel, Renew or ShippedReturn (ProbSilentCancel, ProbSilentRenew,
// ProbSilentReturn), the patron's need-before date passed while the
// request is unfilled (ProbNeedBefore), and a lender's conditions left
// unanswered (ProbConditionsUnanswered).
//
// Silent partner: the reminder is the question itself asked again (the
// Cancel or the Renew sent once more, with a note saying it is a
// reminder): the answer we wait for is a CancelResponse or RenewResponse,
// which a StatusRequest would not bring. For a ShippedReturn nothing is
// asked, so the reminder is a StatusRequest: its answer tells whether the
// lender has checked the item in (LoanCompleted). Then staff follow up
// and close it with the actions below.

// Borrowing actions of the timer-driven problems.
const (
	// ActRemindCancel sends our Cancel again (a reminder).
	ActRemindCancel ActionName = "remind_cancel"
	// ActRemindRenew sends our Renew again (a reminder).
	ActRemindRenew ActionName = "remind_renew"
	// ActGiveUpCancel withdraws our unanswered Cancel: the request goes
	// back to where it was, and the lender is told by Notification.
	ActGiveUpCancel ActionName = "give_up_cancel"
	// ActCancelUnconfirmed closes the request as cancelled although the
	// lender never answered (it is told by Notification).
	ActCancelUnconfirmed ActionName = "cancel_unconfirmed"
	// ActRenewAsRefused treats an unanswered renewal as refused: the loan
	// goes back to where it was and the patron is told.
	ActRenewAsRefused ActionName = "renew_as_refused"
	// ActCloseReturned closes a loan shipped back whose return the lender
	// never confirmed (no LoanCompleted): returned and done.
	ActCloseReturned ActionName = "close_returned"
	// ActNeedBeforeGoOn records the patron's answer "go on" to the
	// need-before question, with a new date or none.
	ActNeedBeforeGoOn ActionName = "need_before_go_on"
	// ActConditionsExpire rejects a lender's conditions left unanswered
	// (the system, after the aging table's time): like reject_conditions,
	// the lender gets a Cancel and the request moves to the next lender.
	ActConditionsExpire ActionName = "conditions_expire"
)

// EffNeedBefore sets (or clears) the request's need-before date from the
// action's "needBefore" parameter.
const EffNeedBefore Effect = "problem.need_before"

// NeedBeforeStates are the states of a borrowing request not yet filled
// (nothing shipped or delivered), in which a passed need-before date
// matters.
var NeedBeforeStates = []State{BValidated, BReview, BAwaitingPatron, BAwaitingCopyr, BSent, BAnswered, BConditional, BRetryOffered, BEndOfRota}

func init() {
	BorrowingWorkflow.Actions = append(BorrowingWorkflow.Actions,
		ActionDef{Side: Borrowing, Name: ActRemindCancel, Actors: staffSystem, Perm: PermBorrowAct, From: []State{BCancelRequested}, To: Stay, Sends: ram(ActionCancel), Params: []Param{{Name: "note", Kind: "text"}}, Event: "partner_reminded"},
		ActionDef{Side: Borrowing, Name: ActRemindRenew, Actors: staffSystem, Perm: PermBorrowAct, From: []State{BRenewRequested}, To: Stay, Sends: ram(ActionRenew), Params: []Param{{Name: "note", Kind: "text"}}, Event: "partner_reminded", ServiceOnly: Loan},
		ActionDef{Side: Borrowing, Name: ActGiveUpCancel, Actors: staff, Perm: PermBorrowAct, From: []State{BCancelRequested}, To: Previous, Sends: ram(ActionNotification), Effects: []Effect{EffClearAttention}, Params: []Param{{Name: "note", Kind: "text"}}, Event: "cancel_given_up"},
		ActionDef{Side: Borrowing, Name: ActCancelUnconfirmed, Actors: staff, Perm: PermBorrowAct, From: []State{BCancelRequested}, To: BCancelled, Sends: ram(ActionNotification), Effects: []Effect{EffNotifyPatron, EffCancelTimers, EffClearAttention}, Params: []Param{{Name: "note", Kind: "text"}}, Event: "cancelled"},
		ActionDef{Side: Borrowing, Name: ActRenewAsRefused, Actors: staff, Perm: PermBorrowAct, From: []State{BRenewRequested}, To: Previous, Effects: []Effect{EffNotifyPatron, EffClearAttention}, Params: []Param{{Name: "note", Kind: "text"}}, Event: "renewal_refused", ServiceOnly: Loan},
		ActionDef{Side: Borrowing, Name: ActCloseReturned, Actors: staff, Perm: PermBorrowAct, From: []State{BReturnShipped}, To: BCompleted, Effects: []Effect{EffCancelTimers, EffClearAttention}, Params: []Param{{Name: "note", Kind: "text"}}, Event: "return_closed_unconfirmed", ServiceOnly: Loan},
		ActionDef{Side: Borrowing, Name: ActNeedBeforeGoOn, Actors: staffPatron, Perm: PermBorrowAct, From: NeedBeforeStates, To: Stay, Effects: []Effect{EffNeedBefore}, Params: []Param{{Name: "needBefore", Kind: "date"}, {Name: "note", Kind: "text"}}, Event: "need_before_answered"},
		ActionDef{Side: Borrowing, Name: ActConditionsExpire, Actors: system, From: []State{BConditional, BAwaitingPatron}, Next: routed, Effects: []Effect{EffAdvanceRota, EffClearAttention}, Event: "conditions_rejected"},
	)
	// A Cancel repeated while the first waits for staff (a borrower's
	// reminder) is not "nothing left to cancel": it waits with the first.
	LendingWorkflow.Incoming = insertBefore(LendingWorkflow.Incoming, InCancel,
		IncomingRule{Side: Lending, Event: InCancel, From: []State{LCancelRequested}, Outcome: Transition, To: Stay, Effects: []Effect{EffAttention}, Record: "cancel_repeated", Doc: "a reminder of a Cancel still waiting for our answer"})
}
