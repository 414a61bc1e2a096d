package ill

// Problems in transit (docs/problems.md): a loan shipped to us that never
// arrives (ProbNotReceived), and a loan we shipped back that the lender
// says never arrived (ProbClaimedReturned).
//
// Not received: the detection starts when the lender's Loaned moves the
// request to shipped; a StatusRequest asks where it is; staff then claim
// it lost in transit (ISO 18626 2021: the Lost action; v1.2: a
// Notification with the Lost marker, see peer/wire); the lender agrees
// (CompletedWithoutReturn, or staff record its answer by hand); staff
// settle who pays (a replacement charge on the ledger, or waived).
//
// Claimed returned: after our ShippedReturn the lender says the item never
// came (an Overdue status, or a Notification whose note starts with
// MarkReturnNotReceived: what an Interlend lender sends with
// ActReturnNotReceived); staff trace the return shipment and answer the
// lender; it is found (LoanCompleted) or settled like the claim above.

// Borrowing actions of the transit problems.
const (
	// ActClaimLostTransit claims a loan lost in transit with the lender.
	ActClaimLostTransit ActionName = "claim_lost_transit"
	// ActLostAgreed records that the lender agreed the item is lost (its
	// answer came another way than CompletedWithoutReturn).
	ActLostAgreed ActionName = "lost_agreed"
	// ActSettleLost settles a transit problem: a replacement charge to the
	// lender on the ledger, or none (waived). Closes the request.
	ActSettleLost ActionName = "settle_lost"
	// ActAnswerReturnClaim answers a lender that says our return never
	// came: a Notification with the return's courier and tracking.
	ActAnswerReturnClaim ActionName = "answer_return_claim"
)

// Lending action of the transit problems.
const (
	// ActReturnNotReceived (lending): the borrower says it shipped the item
	// back and it has not come: tell the borrower (Overdue, with a marked
	// note) and follow it up as a problem.
	ActReturnNotReceived ActionName = "return_not_received"
)

// EffTransitProblem carries out the transit problems' side of an action
// or message (mark the note, open, move on or close the problem).
const EffTransitProblem Effect = "problem.transit"

// MarkReturnNotReceived starts the note of a lender's message saying the
// return never arrived.
const MarkReturnNotReceived = "#ReturnNotReceived#"

// Settle outcomes (ActSettleLost's "outcome" parameter).
const (
	SettleCharge = "charge" // a replacement charge is owed to the lender
	SettleWaived = "waived" // the lender waived it
)

func init() {
	BorrowingWorkflow.Actions = append(BorrowingWorkflow.Actions,
		ActionDef{Side: Borrowing, Name: ActClaimLostTransit, Actors: staff, Perm: PermBorrowAct, From: []State{BShipped}, To: BProblem, Sends: ram(ActionLost), Effects: []Effect{EffTransitProblem}, Params: []Param{{Name: "note", Kind: "text"}}, Event: "lost_claimed", ServiceOnly: Loan},
		ActionDef{Side: Borrowing, Name: ActLostAgreed, Actors: staff, Perm: PermBorrowAct, From: []State{BProblem, BReturnShipped}, To: Stay, Effects: []Effect{EffTransitProblem}, Params: []Param{{Name: "note", Kind: "text"}}, Event: "lost_agreed", ServiceOnly: Loan},
		ActionDef{Side: Borrowing, Name: ActSettleLost, Actors: staff, Perm: PermFees, From: []State{BProblem, BReturnShipped, BCompleted}, To: BCompleted, Effects: []Effect{EffTransitProblem, EffCancelTimers, EffClearAttention},
			Params: []Param{{Name: "outcome", Kind: "choice", Required: true, Choices: []string{SettleCharge, SettleWaived}}, {Name: "cost", Kind: "money"}, {Name: "note", Kind: "text"}}, Event: "lost_settled", ServiceOnly: Loan},
		ActionDef{Side: Borrowing, Name: ActAnswerReturnClaim, Actors: staff, Perm: PermBorrowAct, From: []State{BReturnShipped, BProblem}, To: Stay, Sends: ram(ActionNotification), Effects: []Effect{EffTransitProblem}, Params: []Param{{Name: "note", Kind: "text", Required: true}}, Event: "note_sent", ServiceOnly: Loan},
	)
	LendingWorkflow.Actions = append(LendingWorkflow.Actions,
		ActionDef{Side: Lending, Name: ActReturnNotReceived, Actors: staff, Perm: PermLendAct, From: []State{LReturnReceived, LOverdue, LRecalled}, To: LProblem, Sends: sam(StatusOverdue, ReasonStatusChange, ""), Effects: []Effect{EffTransitProblem, EffAttention}, Params: []Param{{Name: "note", Kind: "text"}}, Event: "return_not_received", ServiceOnly: Loan},
	)
	// Incoming: before the catch-all rules of the same events.
	BorrowingWorkflow.Incoming = insertBefore(BorrowingWorkflow.Incoming, InCompletedNoReturn,
		IncomingRule{Side: Borrowing, Event: InCompletedNoReturn, From: []State{BReturnShipped}, Outcome: Transition, To: Stay, Effects: []Effect{EffTransitProblem}, Record: "lost_agreed", Doc: "after a claim that our return never came: the lender closed it as lost; staff settle who pays"})
}
