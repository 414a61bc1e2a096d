package ill

// Lending states.
const (
	LNew             State = "new"                // arrived; not yet answered
	LAwaitingSlip    State = "awaiting_pull_slip" // we expect to supply; pull slip to print
	LPulled          State = "pulled"             // slip printed; a shelver is fetching it
	LNotOnShelf      State = "not_on_shelf"       // not found; search again on a date
	LConditional     State = "conditional"        // we set conditions; waiting for the borrower
	LAwaitingScan    State = "awaiting_scan"      // copy: to scan and deliver
	LAwaitingShip    State = "awaiting_shipping"  // loan: found, to ship
	LShipped         State = "shipped"            // Loaned: on its way to the borrower
	LOnLoan          State = "on_loan"            // the borrower has it
	LRenewRequested  State = "renew_requested"    // the borrower asked to renew
	LCancelRequested State = "cancel_requested"   // the borrower asked to cancel
	LOverdue         State = "overdue"            // past our due date
	LRecalled        State = "recalled"           // we want it back
	LReturnReceived  State = "return_received"    // on its way back or arrived: to check in
	LProblem         State = "problem"            // something went wrong (lost, damaged)
	LCompleted       State = "completed"          // LoanCompleted, CopyCompleted or CompletedWithoutReturn
	LUnfilled        State = "unfilled"           // we answered Unfilled
	LRetryOffered    State = "retry_offered"      // we answered RetryPossible: the borrower may retry
	LCancelled       State = "cancelled"          // cancelled as the borrower asked
)

// Lending incoming events: requesting agency messages ("action:<ISO
// action>"), an agreement to our conditions, and a reminder.
const (
	InStatusRequest  IncomingEvent = "action:StatusRequest"
	InReceived       IncomingEvent = "action:Received"
	InCancel         IncomingEvent = "action:Cancel"
	InRenew          IncomingEvent = "action:Renew"
	InShippedReturn  IncomingEvent = "action:ShippedReturn"
	InShippedForward IncomingEvent = "action:ShippedForward"
	InNotification   IncomingEvent = "action:Notification"
	InHoldReturnAct  IncomingEvent = "action:HoldReturn"
	InLost           IncomingEvent = "action:Lost"
	InAgree          IncomingEvent = "conditions:agreed"
	InReminder       IncomingEvent = "request:Reminder"
)

// Lending actions.
const (
	ActExpectToSupply ActionName = "expect_to_supply"
	ActWillSupply     ActionName = "will_supply"
	ActAnswerUnfilled ActionName = "answer_unfilled"
	ActAnswerRetry    ActionName = "answer_retry"
	ActOfferConds     ActionName = "offer_conditions"
	ActPrintSlip      ActionName = "print_slip"
	ActFound          ActionName = "found"
	ActNotOnShelf     ActionName = "not_on_shelf"
	ActSearchAgain    ActionName = "search_again"
	ActShip           ActionName = "ship"
	ActDeliver        ActionName = "deliver"
	ActLendCheckIn    ActionName = "check_in_return"
	ActApproveRenew   ActionName = "approve_renewal"
	ActRefuseRenew    ActionName = "refuse_renewal"
	ActAcceptCancel   ActionName = "accept_cancel"
	ActRefuseCancel   ActionName = "refuse_cancel"
	ActRecall         ActionName = "recall"
	ActMarkOverdue    ActionName = "mark_overdue"
	ActHoldReturns    ActionName = "hold_returns"
	ActReleaseReturns ActionName = "release_returns"
	ActCloseLostLend  ActionName = "close_lost_loan"
	ActResendCopy     ActionName = "resend_copy"
)

var lendingBeforeAnswer = []State{LNew, LAwaitingSlip, LPulled, LNotOnShelf}
var lendingUnshipped = []State{LNew, LAwaitingSlip, LPulled, LNotOnShelf, LConditional, LAwaitingScan, LAwaitingShip}
var lendingOut = []State{LShipped, LOnLoan, LOverdue, LRecalled, LRenewRequested}
var foundNext = []State{LAwaitingShip, LAwaitingScan}

// serviceChoice is the lender's choice for a CopyOrLoan request when it
// answers or finds the item: lend it (the default) or send a copy.
var serviceChoice = Param{Name: "service", Kind: "choice", Choices: []string{string(Loan), string(Copy)}}

// LendingWorkflow is the lending side's table.
var LendingWorkflow = &Workflow{
	Side:    Lending,
	Initial: []State{LNew},
	States: []StateDef{
		{Side: Lending, Name: LNew, ISO: StatusRequestReceived, Queue: "new", Doc: "A partner's request, not yet answered."},
		{Side: Lending, Name: LAwaitingSlip, ISO: StatusExpectToSupply, Queue: "pull_slips", Doc: "We expect to supply; the pull slip is to be printed."},
		{Side: Lending, Name: LPulled, ISO: StatusExpectToSupply, Queue: "pulled", Doc: "Pull slip printed; a shelver is fetching the item."},
		{Side: Lending, Name: LNotOnShelf, ISO: StatusExpectToSupply, Queue: "not_on_shelf", Doc: "Not on the shelf; to be searched again."},
		{Side: Lending, Name: LConditional, ISO: StatusExpectToSupply, Queue: "conditional", Doc: "We set conditions; the borrower must agree."},
		{Side: Lending, Name: LAwaitingScan, ISO: StatusWillSupply, Queue: "awaiting_scan", Doc: "A copy to scan and deliver."},
		{Side: Lending, Name: LAwaitingShip, ISO: StatusWillSupply, Queue: "awaiting_shipping", Doc: "Found; to ship."},
		{Side: Lending, Name: LShipped, ISO: StatusLoaned, Queue: "on_loan", Doc: "Shipped to the borrower."},
		{Side: Lending, Name: LOnLoan, ISO: StatusLoaned, Queue: "on_loan", Doc: "The borrower has received it."},
		{Side: Lending, Name: LRenewRequested, ISO: StatusLoaned, Queue: "renewals", Doc: "The borrower asks for more time."},
		{Side: Lending, Name: LCancelRequested, Queue: "cancel_requested", Doc: "The borrower asks to cancel."},
		{Side: Lending, Name: LOverdue, ISO: StatusOverdue, Queue: "overdue", Doc: "Past our due date."},
		{Side: Lending, Name: LRecalled, ISO: StatusRecalled, Queue: "overdue", Doc: "Recalled: we want it back."},
		{Side: Lending, Name: LReturnReceived, ISO: StatusLoaned, Queue: "returned", Doc: "Shipped back (or arrived); to check in."},
		{Side: Lending, Name: LProblem, Queue: "problems", Problem: true, Doc: "Something went wrong (lost, damaged); staff follow up."},
		{Side: Lending, Name: LCompleted, Terminal: true, Doc: "Done: back on our shelf, the copy delivered, or written off."},
		{Side: Lending, Name: LUnfilled, ISO: StatusUnfilled, Terminal: true, Doc: "We could not supply it."},
		{Side: Lending, Name: LRetryOffered, ISO: StatusRetryPossible, Terminal: true, Doc: "We could supply it with changes; the borrower may send a retry."},
		{Side: Lending, Name: LCancelled, ISO: StatusCancelled, Terminal: true, Doc: "Cancelled as the borrower asked."},
	},
	Events: []IncomingEvent{InStatusRequest, InReceived, InCancel, InRenew, InShippedReturn, InShippedForward,
		InNotification, InHoldReturnAct, InLost, InAgree, InReminder},
	Actions: []ActionDef{
		// Answering.
		{Side: Lending, Name: ActExpectToSupply, Actors: staffSystem, Perm: PermLendAct, From: []State{LNew}, To: LAwaitingSlip, Sends: sam(StatusExpectToSupply, "", ""), Event: "answered", Shortcut: "e"},
		{Side: Lending, Name: ActWillSupply, Actors: staffSystem, Perm: PermLendAct, From: []State{LNew, LAwaitingSlip, LPulled}, Next: foundNext, Sends: sam(StatusWillSupply, "", ""), Params: []Param{serviceChoice}, Event: "answered", Shortcut: "w"},
		{Side: Lending, Name: ActAnswerUnfilled, Actors: staffSystem, Perm: PermLendAct, From: lendingBeforeAnswer, To: LUnfilled, Sends: sam(StatusUnfilled, "", ""), Effects: []Effect{EffCancelTimers}, Params: []Param{{Name: "reason", Kind: "choice", Required: true, Choices: []string{"NotHeld", "NotOnShelf", "NonCirculating", "NotAvailableForILL", "PolicyProblem", "PoorCondition"}}, {Name: "note", Kind: "text"}}, Event: "closed", Shortcut: "u"},
		{Side: Lending, Name: ActAnswerRetry, Actors: staffSystem, Perm: PermLendAct, From: lendingBeforeAnswer, To: LRetryOffered, Sends: sam(StatusRetryPossible, "", ""), Effects: []Effect{EffCancelTimers}, Params: []Param{{Name: "reason", Kind: "choice", Required: true, Choices: []string{"OnLoan", "OnOrder", "AtBindery", "NotCurrentAvailableForILL", "NotFoundAsCited", "MultiVolAvail", "ReqDelDateNotPossible", "ReqDelMethodNotSupp", "ReqEditionNotPossible", "ReqFormatNotPossible", "ReqPayMethodNotSupported", "ReqServLevelNotSupp", "ReqServTypeNotPossible", "CostExceedsMaxCost", "CourierNotSupp"}}, {Name: "retryAfter", Kind: "date"}, {Name: "note", Kind: "text"}}, Event: "closed"},
		{Side: Lending, Name: ActOfferConds, Actors: staffSystem, Perm: PermLendAct, From: lendingBeforeAnswer, To: LConditional, Sends: sam("", "", ""), Params: []Param{{Name: "conditions", Kind: "list"}, {Name: "cost", Kind: "money"}, {Name: "note", Kind: "text"}}, Event: "conditions_offered"},
		// Pulling.
		{Side: Lending, Name: ActPrintSlip, Actors: staffSystem, Perm: PermScan, From: []State{LAwaitingSlip}, To: LPulled, Event: "pull_slip_printed", Shortcut: "p"},
		{Side: Lending, Name: ActFound, Actors: staff, Perm: PermScan, From: []State{LPulled, LNotOnShelf, LAwaitingSlip}, Next: foundNext, Sends: sam(StatusWillSupply, "", ""), Effects: []Effect{EffCancelTimers}, Params: []Param{serviceChoice}, Event: "found", Shortcut: "f"},
		{Side: Lending, Name: ActNotOnShelf, Actors: staff, Perm: PermScan, From: []State{LPulled, LAwaitingSlip}, To: LNotOnShelf, Effects: []Effect{EffSearchAgainTimer}, Params: []Param{{Name: "searchAgain", Kind: "date"}}, Event: "not_on_shelf"},
		{Side: Lending, Name: ActSearchAgain, Actors: system, From: []State{LNotOnShelf}, To: LPulled, Event: "search_again"},
		// Supplying.
		{Side: Lending, Name: ActShip, Actors: staff, Perm: PermScan, From: []State{LAwaitingShip}, To: LShipped, Sends: sam(StatusLoaned, "", ""), Effects: []Effect{EffSetLenderDue, EffLenderDueTimer}, Params: []Param{{Name: "dueDate", Kind: "date"}, {Name: "courier", Kind: "text"}, {Name: "trackingId", Kind: "text"}, {Name: "barcode", Kind: "barcode"}}, Event: "shipped", Shortcut: "s", ServiceOnly: Loan},
		{Side: Lending, Name: ActDeliver, Actors: staff, Perm: PermScan, From: []State{LAwaitingScan}, To: LCompleted, Sends: sam(StatusCopyCompleted, "", ""), Effects: []Effect{EffCancelTimers}, Params: []Param{{Name: "deliveryUrl", Kind: "text"}, {Name: "fileId", Kind: "text"}}, Event: "delivered", ServiceOnly: Copy},
		// During the loan.
		{Side: Lending, Name: ActLendCheckIn, Actors: staff, Perm: PermScan, From: []State{LReturnReceived, LOnLoan, LOverdue, LRecalled, LShipped, LRenewRequested, LProblem}, To: LCompleted, Sends: sam(StatusLoanCompleted, ReasonStatusChange, ""), Effects: []Effect{EffCancelTimers, EffClearAttention}, Params: []Param{{Name: "barcode", Kind: "barcode"}}, Event: "checked_in", Shortcut: "i", ServiceOnly: Loan},
		{Side: Lending, Name: ActApproveRenew, Actors: staffSystem, Perm: PermLendAct, From: []State{LRenewRequested}, To: LOnLoan, Sends: sam(StatusLoaned, ReasonRenewResponse, "Y"), Effects: []Effect{EffRenewed, EffLenderDueTimer}, Params: []Param{{Name: "dueDate", Kind: "date"}}, Event: "renewed"},
		{Side: Lending, Name: ActRefuseRenew, Actors: staffSystem, Perm: PermLendAct, From: []State{LRenewRequested}, To: Previous, Sends: sam("", ReasonRenewResponse, "N"), Params: []Param{{Name: "note", Kind: "text"}}, Event: "renewal_refused"},
		{Side: Lending, Name: ActAcceptCancel, Actors: staffSystem, Perm: PermLendAct, From: []State{LCancelRequested}, To: LCancelled, Sends: sam(StatusCancelled, ReasonCancelResponse, "Y"), Effects: []Effect{EffCancelTimers}, Event: "cancelled"},
		{Side: Lending, Name: ActRefuseCancel, Actors: staffSystem, Perm: PermLendAct, From: []State{LCancelRequested}, To: Previous, Sends: sam("", ReasonCancelResponse, "N"), Event: "cancel_refused"},
		{Side: Lending, Name: ActRecall, Actors: staff, Perm: PermLendAct, From: []State{LShipped, LOnLoan, LOverdue, LRenewRequested}, To: LRecalled, Sends: sam(StatusRecalled, ReasonStatusChange, ""), Params: []Param{{Name: "note", Kind: "text"}}, Event: "recalled"},
		{Side: Lending, Name: ActMarkOverdue, Actors: system, From: []State{LShipped, LOnLoan}, To: LOverdue, Sends: sam(StatusOverdue, ReasonStatusChange, ""), Event: "overdue"},
		{Side: Lending, Name: ActHoldReturns, Actors: staff, Perm: PermLendAct, From: []State{LShipped, LOnLoan, LOverdue, LRecalled}, To: Stay, Sends: sam(StatusHoldReturn, ReasonStatusChange, ""), Params: []Param{{Name: "note", Kind: "text"}}, Event: "returns_on_hold"},
		{Side: Lending, Name: ActReleaseReturns, Actors: staff, Perm: PermLendAct, From: []State{LShipped, LOnLoan, LOverdue, LRecalled}, To: Stay, Sends: sam(StatusReleaseHoldReturn, ReasonStatusChange, ""), Event: "returns_released"},
		{Side: Lending, Name: ActResendCopy, Actors: staff, Perm: PermScan, From: []State{LCompleted}, To: Stay, Sends: sam(StatusCopyCompleted, ReasonNotification, ""), Params: []Param{{Name: "deliveryUrl", Kind: "text"}, {Name: "note", Kind: "text"}}, Event: "copy_resent", ServiceOnly: Copy},
		// Problems.
		{Side: Lending, Name: ActAnswerDamage, Actors: staff, Perm: PermLendAct, From: append(append([]State{}, lendingOut...), LProblem), To: Stay, Sends: sam("", ReasonNotification, ""), Effects: []Effect{EffReceiptProblem}, Params: []Param{{Name: "decision", Kind: "choice", Required: true, Choices: []string{DecisionLendOn, DecisionReturn}}, {Name: "note", Kind: "text"}}, Event: "damage_answered"},
		{Side: Lending, Name: ActReportProblem, Actors: staff, Perm: PermLendAct, From: append(append([]State{}, lendingUnshipped...), lendingOut...), To: LProblem, Effects: []Effect{EffAttention}, Params: []Param{{Name: "note", Kind: "text", Required: true}}, Event: "problem_reported"},
		{Side: Lending, Name: ActResolveProblem, Actors: staff, Perm: PermLendAct, From: []State{LProblem}, To: Previous, Effects: []Effect{EffClearAttention}, Params: []Param{{Name: "note", Kind: "text"}}, Event: "problem_resolved"},
		{Side: Lending, Name: ActCloseLostLend, Actors: staff, Perm: PermFees, From: []State{LProblem, LShipped, LOnLoan, LOverdue, LRecalled}, To: LCompleted, Sends: sam(StatusCompletedWithoutReturn, ReasonStatusChange, ""), Effects: []Effect{EffReplacementCost, EffCancelTimers}, Params: []Param{{Name: "cost", Kind: "money"}, {Name: "note", Kind: "text"}}, Event: "closed"},
		// Conversation.
		{Side: Lending, Name: ActNoteToPartner, Actors: staff, Perm: PermLendAct, From: append(append(append([]State{}, lendingUnshipped...), lendingOut...), LCancelRequested, LReturnReceived, LProblem), To: Stay, Sends: sam("", ReasonNotification, ""), Params: []Param{{Name: "note", Kind: "text", Required: true}}, Event: "note_sent"},
	},
	Incoming: []IncomingRule{
		{Side: Lending, Event: InStatusRequest, Outcome: Transition, To: Stay, Reply: sam("", ReasonStatusRequestResponse, ""), Record: "status_requested"},
		{Side: Lending, Event: InReceived, From: []State{LShipped}, Outcome: Transition, To: LOnLoan, Record: "received_by_borrower"},
		{Side: Lending, Event: InReceived, From: []State{LOnLoan, LOverdue, LRecalled, LRenewRequested, LReturnReceived, LCompleted}, Outcome: Transition, To: Stay, Record: "received_by_borrower", Doc: "repeated or late: nothing changes"},
		{Side: Lending, Event: InReceived, Outcome: AcceptFlag},
		{Side: Lending, Event: InCancel, From: lendingUnshipped, Outcome: Transition, To: LCancelRequested, Effects: []Effect{EffAttention}, Record: "cancel_requested"},
		{Side: Lending, Event: InCancel, From: append(append([]State{}, lendingOut...), LReturnReceived, LProblem, LCompleted), Outcome: Transition, To: Stay, Reply: sam("", ReasonCancelResponse, "N"), Record: "cancel_refused", Doc: "already shipped: the answer is no"},
		{Side: Lending, Event: InCancel, From: []State{LCancelled}, Outcome: Transition, To: Stay, Reply: sam(StatusCancelled, ReasonCancelResponse, "Y"), Record: "cancel_repeated"},
		{Side: Lending, Event: InCancel, Outcome: Transition, To: Stay, Reply: sam("", ReasonCancelResponse, "N"), Record: "cancel_refused", Doc: "nothing left to cancel"},
		{Side: Lending, Event: InRenew, From: []State{LOnLoan, LOverdue, LShipped}, Outcome: Transition, To: LRenewRequested, Effects: []Effect{EffAttention}, Record: "renew_requested"},
		{Side: Lending, Event: InRenew, From: []State{LRenewRequested}, Outcome: Transition, To: Stay, Record: "renew_repeated"},
		{Side: Lending, Event: InRenew, Outcome: Transition, To: Stay, Reply: sam("", ReasonRenewResponse, "N"), Record: "renewal_refused", Doc: "recalled or not on loan: the answer is no"},
		{Side: Lending, Event: InShippedReturn, From: append(append([]State{}, lendingOut...), LProblem), Outcome: Transition, To: LReturnReceived, Effects: []Effect{EffHoldReturnOff, EffRecordDelivery}, Record: "return_shipped"},
		{Side: Lending, Event: InShippedReturn, From: []State{LReturnReceived}, Outcome: Transition, To: Stay, Effects: []Effect{EffRecordDelivery}, Record: "return_shipped"},
		{Side: Lending, Event: InShippedReturn, Outcome: AcceptFlag},
		{Side: Lending, Event: InShippedForward, From: append(append([]State{}, lendingOut...), LProblem), Outcome: Transition, To: LReturnReceived, Effects: []Effect{EffAttention, EffRecordDelivery}, Record: "shipped_forward"},
		{Side: Lending, Event: InShippedForward, Outcome: AcceptFlag},
		{Side: Lending, Event: InNotification, Outcome: Transition, To: Stay, Effects: []Effect{EffUnread}, Record: "note_received"},
		{Side: Lending, Event: InHoldReturnAct, From: lendingOut, Outcome: Transition, To: Stay, Effects: []Effect{EffHoldReturnOn, EffAttention}, Record: "borrower_holds_return"},
		{Side: Lending, Event: InHoldReturnAct, Outcome: AcceptFlag},
		{Side: Lending, Event: InLost, From: append(append([]State{}, lendingOut...), LReturnReceived), Outcome: Transition, To: LProblem, Effects: []Effect{EffAttention}, Record: "lost"},
		{Side: Lending, Event: InLost, Outcome: AcceptFlag},
		{Side: Lending, Event: InAgree, From: []State{LConditional}, Outcome: Transition, Next: foundNext, Effects: []Effect{EffClearAttention}, Record: "conditions_accepted"},
		{Side: Lending, Event: InAgree, Outcome: AcceptFlag},
		{Side: Lending, Event: InReminder, From: lendingUnshipped, Outcome: Transition, To: Stay, Effects: []Effect{EffAttention}, Record: "reminder_received"},
		{Side: Lending, Event: InReminder, Outcome: Transition, To: Stay, Reply: sam("", ReasonStatusRequestResponse, ""), Record: "reminder_received", Doc: "answered with our current status"},
	},
}
