package ill

import (
	"slices"
	"strings"
)

// Borrowing states.
const (
	BValidated       State = "validated"          // ready to be routed and sent
	BReview          State = "review"             // staff must look first (duplicate, own holdings, patron, citation, rule)
	BAwaitingPatron  State = "awaiting_patron"    // a question to the patron (citation, cost)
	BAwaitingCopyr   State = "awaiting_copyright" // copyright clearance before anything is sent
	BSent            State = "sent"               // request sent to the current lender, no answer yet
	BAnswered        State = "answered"           // the lender expects to supply
	BConditional     State = "conditional"        // the lender set conditions or a cost to accept or reject
	BRetryOffered    State = "retry_offered"      // the lender could supply with changes (RetryPossible)
	BEndOfRota       State = "end_of_rota"        // no lender left: staff decide
	BCancelRequested State = "cancel_requested"   // Cancel sent, waiting for the lender's answer
	BShipped         State = "shipped"            // the lender shipped it (Loaned): in transit
	BReceived        State = "received"           // at the desk, not yet offered to the patron
	BAwaitingPickup  State = "awaiting_pickup"    // on the hold shelf, patron told
	BPickupExpired   State = "pickup_expired"     // not collected in time: to go back early
	BCheckedOut      State = "checked_out"        // with the patron
	BRenewRequested  State = "renew_requested"    // Renew sent, waiting for the answer
	BOverdue         State = "overdue"            // past the patron's due date
	BRecalled        State = "recalled"           // the lender wants it back
	BReturned        State = "returned_by_patron" // back at the desk from the patron
	BReturnShipped   State = "return_shipped"     // on its way back to the lender
	BProblem         State = "problem"            // something went wrong: staff follow up
	BCompleted       State = "completed"          // done: loan back at the lender, or copy delivered
	BCancelled       State = "cancelled"          // withdrawn
	BUnfilled        State = "unfilled"           // closed without being filled
)

// Borrowing incoming events: supplying agency messages as the tables see
// them. A status change is "status:<ISO status>"; answers to our questions
// are "renew:Y", "renew:N", "cancel:Y", "cancel:N"; loan conditions or a cost
// to accept are "conditions"; a message that only carries a note is "note".
const (
	InRequestReceived   IncomingEvent = "status:RequestReceived"
	InExpectToSupply    IncomingEvent = "status:ExpectToSupply"
	InWillSupply        IncomingEvent = "status:WillSupply"
	InLoaned            IncomingEvent = "status:Loaned"
	InOverdue           IncomingEvent = "status:Overdue"
	InRecalled          IncomingEvent = "status:Recalled"
	InRetryPossible     IncomingEvent = "status:RetryPossible"
	InUnfilled          IncomingEvent = "status:Unfilled"
	InCopyCompleted     IncomingEvent = "status:CopyCompleted"
	InLoanCompleted     IncomingEvent = "status:LoanCompleted"
	InCompletedNoReturn IncomingEvent = "status:CompletedWithoutReturn"
	InCancelled         IncomingEvent = "status:Cancelled"
	InHoldReturn        IncomingEvent = "status:HoldReturn"
	InReleaseHoldReturn IncomingEvent = "status:ReleaseHoldReturn"
	InRenewYes          IncomingEvent = "renew:Y"
	InRenewNo           IncomingEvent = "renew:N"
	InCancelYes         IncomingEvent = "cancel:Y"
	InCancelNo          IncomingEvent = "cancel:N"
	InConditions        IncomingEvent = "conditions"
	InNote              IncomingEvent = "note"
)

// Borrowing actions.
const (
	ActSend             ActionName = "send"
	ActApprove          ActionName = "approve"
	ActToReview         ActionName = "to_review"
	ActToCopyright      ActionName = "to_copyright"
	ActAskPatron        ActionName = "ask_patron"
	ActPatronReply      ActionName = "patron_reply"
	ActCopyrightClear   ActionName = "copyright_clear"
	ActCopyrightDeny    ActionName = "copyright_deny"
	ActAcceptConditions ActionName = "accept_conditions"
	ActRejectConditions ActionName = "reject_conditions"
	ActRetry            ActionName = "retry"
	ActNextLender       ActionName = "next_lender"
	ActRoute            ActionName = "route_again"
	ActCloseUnfilled    ActionName = "close_unfilled"
	ActCancel           ActionName = "cancel"
	ActRequestCancel    ActionName = "request_cancel"
	ActCloseDuplicate   ActionName = "close_duplicate"
	ActFilledLocally    ActionName = "filled_locally"
	ActReceive          ActionName = "receive"
	ActReceiveHold      ActionName = "receive_hold"
	ActMakeAvailable    ActionName = "make_available"
	ActCheckOut         ActionName = "check_out"
	ActCheckIn          ActionName = "check_in"
	ActShipReturn       ActionName = "ship_return"
	ActShipForward      ActionName = "ship_forward"
	ActRenew            ActionName = "renew"
	ActHoldReturn       ActionName = "hold_return"
	ActReportLost       ActionName = "report_lost"
	ActReportProblem    ActionName = "report_problem"
	ActResolveProblem   ActionName = "resolve_problem"
	ActStatusRequest    ActionName = "status_request"
	ActSendReminder     ActionName = "send_reminder"
	ActNoteToPartner    ActionName = "note_to_partner"
	ActCompleteCopy     ActionName = "complete_copy"
	ActCloseLost        ActionName = "close_lost"
	ActResponseTimeout  ActionName = "response_timeout"
	ActPickupExpire     ActionName = "pickup_expire"
	ActPatronOverdue    ActionName = "patron_overdue"
	// ActRecordLender records, for a request tracked in another system
	// (off-system), what the lender did there, as if its message had come.
	ActRecordLender ActionName = "record_lender"
)

// borrowingActive are states in which the request is at a lender, before shipment.
var borrowingActive = []State{BSent, BAnswered, BConditional}

// borrowingOnLoan are states in which a borrowed loan is in our hands or the patron's.
var borrowingOnLoan = []State{BReceived, BAwaitingPickup, BPickupExpired, BCheckedOut, BRenewRequested, BOverdue, BRecalled, BReturned}

// routed lists where routing to the next lender can lead.
var routed = []State{BSent, BEndOfRota}

// BorrowingWorkflow is the borrowing side's table.
var BorrowingWorkflow = &Workflow{
	Side:    Borrowing,
	Initial: []State{BValidated, BReview, BAwaitingCopyr, BSent, BEndOfRota, BShipped},
	States: []StateDef{
		{Side: Borrowing, Name: BValidated, Queue: "ready", Doc: "Accepted and ready to be sent to a lender."},
		{Side: Borrowing, Name: BReview, Queue: "review", Doc: "Staff check it first: a possible duplicate, a title we own, a patron problem, an incomplete citation, or an automation rule."},
		{Side: Borrowing, Name: BAwaitingPatron, Queue: "awaiting_patron", Doc: "A question to the patron (the citation, a cost) awaits an answer."},
		{Side: Borrowing, Name: BAwaitingCopyr, Queue: "copyright", Doc: "Copyright clearance is needed before the request may leave."},
		{Side: Borrowing, Name: BSent, ISO: StatusRequestReceived, Queue: "in_progress", Doc: "Sent to the current lender; its answer is awaited within the lender's response window."},
		{Side: Borrowing, Name: BAnswered, ISO: StatusWillSupply, Queue: "in_progress", Doc: "The lender expects to supply."},
		{Side: Borrowing, Name: BConditional, ISO: StatusExpectToSupply, Queue: "conditions", Doc: "The lender set conditions or a cost: accept or reject them."},
		{Side: Borrowing, Name: BRetryOffered, ISO: StatusRetryPossible, Queue: "retry", Doc: "The lender could supply with changes; retry with them or move on."},
		{Side: Borrowing, Name: BEndOfRota, Queue: "end_of_rota", Doc: "Every lender tried: add lenders or close it."},
		{Side: Borrowing, Name: BCancelRequested, Queue: "in_progress", Doc: "Cancel asked of the lender; its answer is awaited."},
		{Side: Borrowing, Name: BShipped, ISO: StatusLoaned, Queue: "in_transit", Doc: "Shipped by the lender, on its way here."},
		{Side: Borrowing, Name: BReceived, ISO: StatusLoaned, Queue: "to_receive", Doc: "Received at the desk and being processed."},
		{Side: Borrowing, Name: BAwaitingPickup, ISO: StatusLoaned, Queue: "awaiting_pickup", Doc: "On the hold shelf; the patron has been told."},
		{Side: Borrowing, Name: BPickupExpired, ISO: StatusLoaned, Queue: "pickup_expired", Doc: "Not collected by the pickup deadline; goes back early."},
		{Side: Borrowing, Name: BCheckedOut, ISO: StatusLoaned, Queue: "checked_out", Doc: "With the patron."},
		{Side: Borrowing, Name: BRenewRequested, ISO: StatusLoaned, Queue: "checked_out", Doc: "Renewal asked of the lender; its answer is awaited."},
		{Side: Borrowing, Name: BOverdue, ISO: StatusOverdue, Queue: "overdue", Doc: "Past the patron's due date."},
		{Side: Borrowing, Name: BRecalled, ISO: StatusRecalled, Queue: "overdue", Doc: "The lender recalled it; the patron must bring it back."},
		{Side: Borrowing, Name: BReturned, ISO: StatusLoaned, Queue: "to_return", Doc: "Back from the patron, to be shipped to the lender."},
		{Side: Borrowing, Name: BReturnShipped, ISO: StatusLoaned, Queue: "returned", Doc: "On its way back to the lender."},
		{Side: Borrowing, Name: BProblem, Queue: "problems", Problem: true, Doc: "Something went wrong (lost, damaged, wrong item); staff follow up."},
		{Side: Borrowing, Name: BCompleted, Terminal: true, Doc: "Done: the loan is back at the lender, or the copy was delivered."},
		{Side: Borrowing, Name: BCancelled, Terminal: true, Doc: "Withdrawn."},
		{Side: Borrowing, Name: BUnfilled, Terminal: true, Doc: "Closed without being filled."},
	},
	Events: []IncomingEvent{InRequestReceived, InExpectToSupply, InWillSupply, InLoaned, InOverdue, InRecalled,
		InRetryPossible, InUnfilled, InCopyCompleted, InLoanCompleted, InCompletedNoReturn, InCancelled,
		InHoldReturn, InReleaseHoldReturn, InRenewYes, InRenewNo, InCancelYes, InCancelNo, InConditions, InNote},
	Actions: []ActionDef{
		// Intake and routing.
		{Side: Borrowing, Name: ActSend, Actors: staffSystem, Perm: PermBorrowAct, From: []State{BValidated}, Next: routed, Effects: []Effect{EffAdvanceRota}, Event: "sent_to_lender", Shortcut: "s"},
		{Side: Borrowing, Name: ActApprove, Actors: staff, Perm: PermBorrowAct, From: []State{BReview}, To: BValidated, Effects: []Effect{EffClearAttention}, Shortcut: "a"},
		{Side: Borrowing, Name: ActToReview, Actors: staffSystem, Perm: PermBorrowAct, From: []State{BValidated, BEndOfRota, BRetryOffered}, To: BReview, Params: []Param{{Name: "reason", Kind: "text"}}},
		{Side: Borrowing, Name: ActToCopyright, Actors: staffSystem, Perm: PermCopyright, From: []State{BValidated, BReview}, To: BAwaitingCopyr, Params: []Param{{Name: "note", Kind: "text"}}, Event: "to_review"},
		{Side: Borrowing, Name: ActAskPatron, Actors: staff, Perm: PermBorrowAct, From: []State{BReview, BValidated, BConditional, BRetryOffered, BEndOfRota}, To: BAwaitingPatron, Effects: []Effect{EffNotifyPatron}, Params: []Param{{Name: "note", Kind: "text", Required: true}}},
		{Side: Borrowing, Name: ActPatronReply, Actors: staffPatron, Perm: PermBorrowAct, From: []State{BAwaitingPatron}, To: Previous, Params: []Param{{Name: "note", Kind: "text"}}},
		{Side: Borrowing, Name: ActCopyrightClear, Actors: staffSystem, Perm: PermCopyright, From: []State{BAwaitingCopyr}, To: BValidated, Params: []Param{{Name: "decision", Kind: "choice", Required: true, Choices: []string{"royalty", "licence", "purchase"}}, {Name: "note", Kind: "text"}}},
		{Side: Borrowing, Name: ActCopyrightDeny, Actors: staff, Perm: PermCopyright, From: []State{BAwaitingCopyr}, To: BCancelled, Effects: []Effect{EffNotifyPatron, EffCancelTimers}, Params: []Param{{Name: "note", Kind: "text", Required: true}}},
		// Answers from the lender that need a decision.
		{Side: Borrowing, Name: ActAcceptConditions, Actors: staffPatron, Perm: PermFees, From: []State{BConditional}, To: BAnswered, Sends: MessageSpec{Kind: MsgRAM, Action: ActionNotification}, Effects: []Effect{EffAcceptCost, EffClearAttention}, Event: "conditions_accepted", Shortcut: "y"},
		{Side: Borrowing, Name: ActRejectConditions, Actors: staffPatron, Perm: PermBorrowAct, From: []State{BConditional}, Next: routed, Effects: []Effect{EffAdvanceRota, EffClearAttention}, Event: "conditions_rejected", Shortcut: "n"},
		{Side: Borrowing, Name: ActRetry, Actors: staff, Perm: PermBorrowAct, From: []State{BRetryOffered}, To: BSent, Sends: sendRetry, Effects: []Effect{EffResponseTimer}, Params: []Param{{Name: "note", Kind: "text"}}, Event: "retry_sent"},
		{Side: Borrowing, Name: ActNextLender, Actors: staff, Perm: PermBorrowAct, From: []State{BSent, BAnswered, BRetryOffered}, Next: routed, Effects: []Effect{EffAdvanceRota}, Event: "moved_on", Shortcut: "x"},
		{Side: Borrowing, Name: ActRoute, Actors: staffSystem, Perm: PermBorrowAct, From: []State{BEndOfRota}, Next: routed, Effects: []Effect{EffAdvanceRota, EffClearAttention}, Event: "sent_to_lender"},
		{Side: Borrowing, Name: ActCloseUnfilled, Actors: staffSystem, Perm: PermBorrowAct, From: []State{BEndOfRota, BRetryOffered, BReview, BValidated}, To: BUnfilled, Effects: []Effect{EffNotifyPatron, EffCancelTimers}, Params: []Param{{Name: "note", Kind: "text"}}, Event: "closed"},
		// Withdrawing.
		{Side: Borrowing, Name: ActCancel, Actors: staffPatron, Perm: PermBorrowAct, From: []State{BValidated, BReview, BAwaitingPatron, BAwaitingCopyr, BRetryOffered, BEndOfRota}, To: BCancelled, Effects: []Effect{EffNotifyPatron, EffCancelTimers}, Event: "cancelled"},
		{Side: Borrowing, Name: ActRequestCancel, Actors: staffPatron, Perm: PermBorrowAct, From: borrowingActive, To: BCancelRequested, Sends: ram(ActionCancel), Event: "cancel_requested"},
		{Side: Borrowing, Name: ActCloseDuplicate, Actors: staff, Perm: PermBorrowAct, From: []State{BReview, BValidated}, To: BCancelled, Effects: []Effect{EffNotifyPatron, EffCancelTimers}, Event: "closed"},
		{Side: Borrowing, Name: ActFilledLocally, Actors: staff, Perm: PermBorrowAct, From: []State{BReview, BValidated, BEndOfRota}, To: BCancelled, Effects: []Effect{EffNotifyPatron, EffCancelTimers}, Event: "closed"},
		// Receipt and circulation.
		{Side: Borrowing, Name: ActReceive, Actors: staff, Perm: PermScan, From: []State{BShipped, BAnswered, BSent, BReceived}, To: BAwaitingPickup, Sends: ram(ActionReceived), Effects: []Effect{EffPickupTimer, EffNotifyPatron}, Params: []Param{{Name: "barcode", Kind: "barcode"}}, Event: "received", Shortcut: "r", ServiceOnly: Loan},
		{Side: Borrowing, Name: ActReceiveHold, Actors: staff, Perm: PermScan, From: []State{BShipped, BAnswered, BSent}, To: BReceived, Sends: ram(ActionReceived), Params: []Param{{Name: "barcode", Kind: "barcode"}}, Event: "received", ServiceOnly: Loan},
		{Side: Borrowing, Name: ActMakeAvailable, Actors: staff, Perm: PermScan, From: []State{BReceived}, To: BAwaitingPickup, Effects: []Effect{EffPickupTimer, EffNotifyPatron}, Event: "available_to_patron", ServiceOnly: Loan},
		{Side: Borrowing, Name: ActCheckOut, Actors: staff, Perm: PermScan, From: []State{BAwaitingPickup, BPickupExpired}, To: BCheckedOut, Effects: []Effect{EffPatronDueTimer}, Event: "picked_up", Shortcut: "o", ServiceOnly: Loan},
		{Side: Borrowing, Name: ActCheckIn, Actors: staff, Perm: PermScan, From: []State{BCheckedOut, BOverdue, BRecalled, BRenewRequested}, To: BReturned, Event: "returned_by_patron", Shortcut: "i", ServiceOnly: Loan},
		{Side: Borrowing, Name: ActShipReturn, Actors: staff, Perm: PermScan, From: []State{BReturned, BPickupExpired, BAwaitingPickup, BReceived}, To: BReturnShipped, Sends: ram(ActionShippedReturn), Params: []Param{{Name: "courier", Kind: "text"}, {Name: "trackingId", Kind: "text"}}, Event: "return_shipped", Shortcut: "t", ServiceOnly: Loan},
		{Side: Borrowing, Name: ActShipForward, Actors: staff, Perm: PermScan, From: []State{BReturned}, To: BReturnShipped, Sends: ram(ActionShippedForward), Params: []Param{{Name: "courier", Kind: "text"}, {Name: "trackingId", Kind: "text"}}, Event: "return_shipped", ServiceOnly: Loan},
		{Side: Borrowing, Name: ActRenew, Actors: staffPatron, Perm: PermBorrowAct, From: []State{BCheckedOut, BOverdue}, To: BRenewRequested, Sends: ram(ActionRenew), Event: "renew_requested", ServiceOnly: Loan},
		{Side: Borrowing, Name: ActHoldReturn, Actors: staff, Perm: PermBorrowAct, From: []State{BCheckedOut, BOverdue, BReturned}, To: Stay, Sends: ram(ActionHoldReturn), Params: []Param{{Name: "note", Kind: "text"}}, ServiceOnly: Loan},
		{Side: Borrowing, Name: ActCompleteCopy, Actors: staff, Perm: PermScan, From: []State{BShipped, BAnswered, BSent}, To: BCompleted, Sends: ram(ActionReceived), Effects: []Effect{EffNotifyPatron, EffCancelTimers}, Event: "delivered", ServiceOnly: Copy},
		// Problems.
		{Side: Borrowing, Name: ActReportLost, Actors: staff, Perm: PermBorrowAct, From: []State{BShipped, BReceived, BAwaitingPickup, BCheckedOut, BOverdue, BRecalled, BReturned, BReturnShipped, BPickupExpired}, To: BProblem, Sends: ram(ActionLost), Effects: []Effect{EffAttention}, Params: []Param{{Name: "note", Kind: "text"}}, Event: "lost", ServiceOnly: Loan},
		{Side: Borrowing, Name: ActReportProblem, Actors: staff, Perm: PermBorrowAct, From: []State{BShipped, BReceived, BAwaitingPickup, BCheckedOut, BOverdue, BRecalled, BReturned, BReturnShipped, BPickupExpired, BAnswered, BSent}, To: BProblem, Effects: []Effect{EffAttention}, Params: []Param{{Name: "note", Kind: "text", Required: true}}, Event: "problem_reported"},
		{Side: Borrowing, Name: ActResolveProblem, Actors: staff, Perm: PermBorrowAct, From: []State{BProblem}, To: Previous, Effects: []Effect{EffClearAttention}, Params: []Param{{Name: "note", Kind: "text"}}, Event: "problem_resolved"},
		{Side: Borrowing, Name: ActCloseLost, Actors: staff, Perm: PermFees, From: []State{BProblem}, To: BCompleted, Effects: []Effect{EffReplacementCost, EffCancelTimers}, Params: []Param{{Name: "note", Kind: "text"}}, Event: "closed"},
		// Problems found at receipt (problems_receipt.go).
		{Side: Borrowing, Name: ActReceiveWrongItem, Actors: staff, Perm: PermScan, From: receiptStates, To: BProblem, Sends: ram(ActionNotification), Effects: []Effect{EffReceiptProblem}, Params: []Param{{Name: "note", Kind: "text", Required: true}}, Event: "wrong_item_received", ServiceOnly: Loan},
		{Side: Borrowing, Name: ActReceiveDamaged, Actors: staff, Perm: PermScan, From: receiptStates, To: BProblem, Sends: ram(ActionNotification), Effects: []Effect{EffReceiptProblem}, Params: []Param{{Name: "note", Kind: "text", Required: true}}, Event: "damaged_on_arrival", ServiceOnly: Loan},
		{Side: Borrowing, Name: ActReturnWrongItem, Actors: staff, Perm: PermScan, From: []State{BProblem}, To: BReturnShipped, Sends: ram(ActionShippedReturn), Effects: []Effect{EffReceiptProblem, EffClearAttention}, Params: []Param{{Name: "courier", Kind: "text"}, {Name: "trackingId", Kind: "text"}}, Event: "return_shipped", ServiceOnly: Loan},
		{Side: Borrowing, Name: ActDamageLendOn, Actors: staffSystem, Perm: PermScan, From: []State{BProblem}, To: BAwaitingPickup, Sends: ram(ActionReceived), Effects: []Effect{EffReceiptProblem, EffClearAttention, EffPickupTimer, EffNotifyPatron}, Params: []Param{{Name: "note", Kind: "text"}}, Event: "available_to_patron", ServiceOnly: Loan},
		{Side: Borrowing, Name: ActRerequest, Actors: staff, Perm: PermBorrowAct, From: []State{BReturnShipped, BCompleted, BProblem}, To: Stay, Effects: []Effect{EffReceiptProblem}, Params: []Param{{Name: "lender", Kind: "choice", Choices: []string{RerequestSameLender, RerequestNextLender}}, {Name: "note", Kind: "text"}}, Event: "rerequested"},
		{Side: Borrowing, Name: ActCheckInDamaged, Actors: staff, Perm: PermScan, From: []State{BCheckedOut, BOverdue, BRecalled, BRenewRequested}, To: BReturned, Sends: ram(ActionNotification), Effects: []Effect{EffReceiptProblem}, Params: []Param{{Name: "note", Kind: "text", Required: true}}, Event: "returned_by_patron", ServiceOnly: Loan},
		{Side: Borrowing, Name: ActRecordDamageCharge, Actors: staff, Perm: PermFees, From: []State{BReturned, BReturnShipped, BCompleted, BProblem}, To: Stay, Effects: []Effect{EffReceiptProblem}, Params: []Param{{Name: "cost", Kind: "money", Required: true}, {Name: "patronFee", Kind: "money"}, {Name: "note", Kind: "text"}}, Event: "damage_charged", ServiceOnly: Loan},
		{Side: Borrowing, Name: ActReportBadCopy, Actors: staffPatron, Perm: PermBorrowAct, From: []State{BCompleted}, To: Stay, Sends: ram(ActionNotification), Effects: []Effect{EffReceiptProblem}, Params: []Param{{Name: "note", Kind: "text", Required: true}}, Event: "bad_copy_reported", ServiceOnly: Copy},
		// Conversation.
		// Off-system requests only: the lender's answer, recorded by hand,
		// goes through the incoming rules as its message would.
		{Side: Borrowing, Name: ActRecordLender, Actors: staff, Perm: PermBorrowAct, From: []State{BSent, BAnswered, BConditional, BRetryOffered, BCancelRequested, BShipped, BReceived, BAwaitingPickup, BPickupExpired, BCheckedOut, BRenewRequested, BOverdue, BRecalled, BReturned, BReturnShipped, BProblem}, To: Stay, Params: []Param{{Name: "status", Kind: "choice", Required: true, Choices: LenderAnswers}, {Name: "dueDate", Kind: "date"}, {Name: "reason", Kind: "text"}, {Name: "courier", Kind: "text"}, {Name: "trackingId", Kind: "text"}, {Name: "deliveryUrl", Kind: "text"}, {Name: "note", Kind: "text"}}, Event: "external_update", OffSystemOnly: true},
		{Side: Borrowing, Name: ActStatusRequest, Actors: staffSystem, Perm: PermBorrowAct, From: []State{BSent, BAnswered, BConditional, BCancelRequested, BShipped, BReceived, BAwaitingPickup, BPickupExpired, BCheckedOut, BRenewRequested, BOverdue, BRecalled, BReturned, BReturnShipped, BProblem}, To: Stay, Sends: ram(ActionStatusRequest)},
		{Side: Borrowing, Name: ActSendReminder, Actors: staffSystem, Perm: PermBorrowAct, From: []State{BSent}, To: Stay, Sends: sendReminder},
		{Side: Borrowing, Name: ActNoteToPartner, Actors: staff, Perm: PermBorrowAct, From: []State{BSent, BAnswered, BConditional, BRetryOffered, BCancelRequested, BShipped, BReceived, BAwaitingPickup, BPickupExpired, BCheckedOut, BRenewRequested, BOverdue, BRecalled, BReturned, BReturnShipped, BProblem}, To: Stay, Sends: ram(ActionNotification), Params: []Param{{Name: "note", Kind: "text", Required: true}}, Event: "note_sent"},
		// Timers.
		{Side: Borrowing, Name: ActResponseTimeout, Actors: system, From: []State{BSent}, Next: routed, Effects: []Effect{EffAdvanceRota}, Event: "response_timeout"},
		{Side: Borrowing, Name: ActPickupExpire, Actors: system, From: []State{BAwaitingPickup}, To: BPickupExpired, Effects: []Effect{EffNotifyPatron}, Event: "pickup_expired"},
		{Side: Borrowing, Name: ActPatronOverdue, Actors: system, From: []State{BCheckedOut}, To: BOverdue, Effects: []Effect{EffNotifyPatron}, Event: "overdue"},
	},
	Incoming: []IncomingRule{
		// Answers before shipment.
		{Side: Borrowing, Event: InRequestReceived, From: []State{BSent, BAnswered}, Outcome: Transition, To: BAnswered, Record: "answered"},
		{Side: Borrowing, Event: InRequestReceived, Outcome: AcceptFlag, Doc: "a late or backward status"},
		{Side: Borrowing, Event: InExpectToSupply, From: []State{BSent, BAnswered}, Outcome: Transition, To: BAnswered, Record: "answered"},
		{Side: Borrowing, Event: InExpectToSupply, Outcome: AcceptFlag},
		{Side: Borrowing, Event: InWillSupply, From: []State{BSent, BAnswered}, Outcome: Transition, To: BAnswered, Record: "answered"},
		{Side: Borrowing, Event: InWillSupply, From: []State{BConditional}, Outcome: Transition, To: Stay, Record: "answered", Doc: "conditions still stand"},
		{Side: Borrowing, Event: InWillSupply, Outcome: AcceptFlag},
		{Side: Borrowing, Event: InConditions, From: []State{BSent, BAnswered, BConditional}, Outcome: Transition, To: BConditional, Effects: []Effect{EffConditions, EffAttention}, Record: "conditions_offered"},
		{Side: Borrowing, Event: InConditions, Outcome: AcceptFlag},
		{Side: Borrowing, Event: InRetryPossible, From: []State{BSent, BAnswered, BConditional}, Outcome: Transition, To: BRetryOffered, Effects: []Effect{EffConditions, EffAttention}, Record: "retry_offered"},
		{Side: Borrowing, Event: InRetryPossible, From: []State{BCancelRequested}, Outcome: Transition, To: BCancelled, Effects: []Effect{EffNotifyPatron, EffCancelTimers}, Record: "cancelled", Doc: "the lender ended the request: cancel done"},
		{Side: Borrowing, Event: InRetryPossible, Outcome: AcceptFlag},
		{Side: Borrowing, Event: InUnfilled, From: []State{BSent, BAnswered, BConditional, BRetryOffered}, Outcome: Transition, Next: routed, Effects: []Effect{EffAdvanceRota}, Record: "unfilled_by_lender"},
		{Side: Borrowing, Event: InUnfilled, From: []State{BCancelRequested}, Outcome: Transition, To: BCancelled, Effects: []Effect{EffNotifyPatron, EffCancelTimers}, Record: "cancelled"},
		{Side: Borrowing, Event: InUnfilled, Outcome: AcceptFlag},
		// Shipment.
		{Side: Borrowing, Event: InLoaned, From: []State{BSent, BAnswered, BConditional}, Outcome: Transition, To: BShipped, Effects: []Effect{EffSetLenderDue, EffRecordDelivery, EffChooseService, EffClearAttention}, Record: "shipped"},
		{Side: Borrowing, Event: InLoaned, From: []State{BCancelRequested}, Outcome: Transition, To: BShipped, Effects: []Effect{EffSetLenderDue, EffRecordDelivery, EffChooseService, EffAttention}, Record: "shipped", Doc: "shipped before our cancel arrived: it comes anyway"},
		{Side: Borrowing, Event: InLoaned, From: []State{BShipped, BReceived, BAwaitingPickup, BCheckedOut, BRenewRequested, BOverdue}, Outcome: Transition, To: Stay, Effects: []Effect{EffSetLenderDue}, Record: "loan_updated", Doc: "a repeated Loaned (e.g. after a renewal) updates the due date"},
		{Side: Borrowing, Event: InLoaned, Outcome: AcceptFlag},
		{Side: Borrowing, Event: InCopyCompleted, From: []State{BSent, BAnswered, BConditional, BShipped, BCancelRequested}, Outcome: Transition, To: BCompleted, Effects: []Effect{EffRecordDelivery, EffChooseService, EffNotifyPatron, EffCancelTimers}, Record: "delivered"},
		{Side: Borrowing, Event: InCopyCompleted, From: []State{BCompleted}, Outcome: Transition, To: Stay, Effects: []Effect{EffRecordDelivery, EffReceiptProblem}, Record: "copy_resent", Doc: "the copy sent again (a bad-copy report): fetched and served to the patron again"},
		{Side: Borrowing, Event: InCopyCompleted, Outcome: AcceptFlag},
		// During the loan.
		{Side: Borrowing, Event: InOverdue, From: []State{BCheckedOut}, Outcome: Transition, To: BOverdue, Effects: []Effect{EffNotifyPatron}, Record: "overdue"},
		{Side: Borrowing, Event: InOverdue, From: []State{BShipped, BReceived, BAwaitingPickup, BPickupExpired, BRenewRequested, BOverdue, BRecalled, BReturned, BReturnShipped, BProblem}, Outcome: Transition, To: Stay, Record: "lender_overdue"},
		{Side: Borrowing, Event: InOverdue, Outcome: AcceptFlag},
		{Side: Borrowing, Event: InRecalled, From: []State{BCheckedOut, BOverdue, BRenewRequested}, Outcome: Transition, To: BRecalled, Effects: []Effect{EffNotifyPatron, EffAttention}, Record: "recalled"},
		{Side: Borrowing, Event: InRecalled, From: []State{BShipped, BReceived, BAwaitingPickup, BPickupExpired, BRecalled, BReturned, BReturnShipped, BProblem}, Outcome: Transition, To: Stay, Effects: []Effect{EffAttention}, Record: "recalled"},
		{Side: Borrowing, Event: InRecalled, Outcome: AcceptFlag},
		{Side: Borrowing, Event: InRenewYes, From: []State{BRenewRequested}, Outcome: Transition, To: BCheckedOut, Effects: []Effect{EffRenewed, EffPatronDueTimer, EffNotifyPatron}, Record: "renewed"},
		{Side: Borrowing, Event: InRenewYes, From: []State{BCheckedOut, BOverdue}, Outcome: Transition, To: BCheckedOut, Effects: []Effect{EffRenewed, EffPatronDueTimer}, Record: "renewed", Doc: "a renewal granted unasked (or its answer came twice)"},
		{Side: Borrowing, Event: InRenewYes, Outcome: AcceptFlag, Doc: "a RenewResponse with no Renew pending"},
		{Side: Borrowing, Event: InRenewNo, From: []State{BRenewRequested}, Outcome: Transition, To: Previous, Effects: []Effect{EffNotifyPatron}, Record: "renewal_refused"},
		{Side: Borrowing, Event: InRenewNo, Outcome: AcceptFlag, Doc: "a RenewResponse with no Renew pending"},
		{Side: Borrowing, Event: InHoldReturn, From: append(append([]State{}, borrowingOnLoan...), BShipped, BProblem), Outcome: Transition, To: Stay, Effects: []Effect{EffHoldReturnOn, EffAttention}, Record: "returns_on_hold"},
		{Side: Borrowing, Event: InHoldReturn, Outcome: AcceptFlag},
		{Side: Borrowing, Event: InReleaseHoldReturn, From: append(append([]State{}, borrowingOnLoan...), BShipped, BProblem), Outcome: Transition, To: Stay, Effects: []Effect{EffHoldReturnOff, EffAttention}, Record: "returns_released"},
		{Side: Borrowing, Event: InReleaseHoldReturn, Outcome: AcceptFlag},
		// Completion.
		{Side: Borrowing, Event: InLoanCompleted, From: []State{BReturnShipped}, Outcome: Transition, To: BCompleted, Effects: []Effect{EffCancelTimers, EffClearAttention}, Record: "checked_in"},
		{Side: Borrowing, Event: InLoanCompleted, Outcome: AcceptFlag, Doc: "LoanCompleted before ShippedReturn: the lender closed early"},
		{Side: Borrowing, Event: InCompletedNoReturn, From: []State{BProblem}, Outcome: Transition, To: BCompleted, Effects: []Effect{EffCancelTimers}, Record: "closed"},
		{Side: Borrowing, Event: InCompletedNoReturn, Outcome: AcceptFlag},
		// Cancellation.
		{Side: Borrowing, Event: InCancelYes, From: []State{BCancelRequested}, Outcome: Transition, To: BCancelled, Effects: []Effect{EffNotifyPatron, EffCancelTimers}, Record: "cancelled"},
		{Side: Borrowing, Event: InCancelYes, Outcome: AcceptFlag},
		{Side: Borrowing, Event: InCancelNo, From: []State{BCancelRequested}, Outcome: Transition, To: Previous, Effects: []Effect{EffAttention}, Record: "cancel_refused"},
		{Side: Borrowing, Event: InCancelNo, Outcome: AcceptFlag, Doc: "CancelResponse N after Loaned: the item comes anyway"},
		{Side: Borrowing, Event: InCancelled, From: []State{BCancelRequested}, Outcome: Transition, To: BCancelled, Effects: []Effect{EffNotifyPatron, EffCancelTimers}, Record: "cancelled"},
		{Side: Borrowing, Event: InCancelled, Outcome: AcceptFlag},
		// Notes.
		{Side: Borrowing, Event: InNote, Outcome: Transition, To: Stay, Effects: []Effect{EffUnread}, Record: "note_received"},
	},
}

// LenderAnswers are what staff may record a lender did for an off-system
// request: ISO 18626 statuses, and the two answers to a renewal.
var LenderAnswers = []string{StatusExpectToSupply, StatusWillSupply, StatusLoaned, StatusCopyCompleted, StatusUnfilled, StatusRetryPossible,
	StatusOverdue, StatusRecalled, StatusLoanCompleted, StatusCompletedWithoutReturn, StatusCancelled, LenderRenewGranted, LenderRenewRefused}

// The renewal answers of LenderAnswers.
const (
	LenderRenewGranted = "RenewGranted"
	LenderRenewRefused = "RenewRefused"
)

// RecordedAnswerTargets lists the states a lender's answer recorded by
// hand (ActRecordLender, whose own To is Stay) may lead to: those the
// status, cancel and renewal rules lead to from any of the states from,
// staying put included (a flagged or recorded-only answer changes nothing).
func RecordedAnswerTargets(w *Workflow, from []State) []State {
	out := append([]State(nil), from...)
	add := func(s State) {
		if s != Stay && s != Previous && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, r := range w.Incoming {
		ev := string(r.Event)
		if !strings.HasPrefix(ev, "status:") && !strings.HasPrefix(ev, "cancel:") && !strings.HasPrefix(ev, "renew:") && r.Event != InConditions {
			continue
		}
		if r.Outcome != Transition || len(r.From) > 0 && !slices.ContainsFunc(r.From, func(s State) bool { return slices.Contains(from, s) }) {
			continue
		}
		add(r.To)
		for _, n := range r.Next {
			add(n)
		}
	}
	return out
}
