package ill

import "strings"

// Problems found at receipt (docs/problems.md): the wrong item, damaged
// on arrival, damaged by the patron, a bad or incomplete copy. Staff flag
// them with the actions below; the partner is told with an ISO 18626
// Notification whose note starts with a marker (ReShare-style "#...#"),
// so that an Interlend lender files the problem in its own queue while
// any other system's staff simply read the note.

// Borrowing actions of the receipt problems.
const (
	// ActReceiveWrongItem: what came is not what was asked for (item,
	// volume, edition). The lender is told; the item goes back.
	ActReceiveWrongItem ActionName = "receive_wrong_item"
	// ActReturnWrongItem ships the wrong item (or a damaged one the lender
	// wants back) to the lender: ShippedReturn.
	ActReturnWrongItem ActionName = "return_problem_item"
	// ActRerequest asks again for the right item in a new request (the
	// same lender first, or the rest of the rota).
	ActRerequest ActionName = "rerequest"
	// ActReceiveDamaged: damaged on arrival; held back from the patron
	// until the lender decides.
	ActReceiveDamaged ActionName = "receive_damaged"
	// ActDamageLendOn: the lender lets it be lent as it is: to the hold
	// shelf (Received to the lender, the pickup notice to the patron).
	ActDamageLendOn ActionName = "damaged_lend_on"
	// ActCheckInDamaged: back from the patron, damaged.
	ActCheckInDamaged ActionName = "check_in_damaged"
	// ActRecordDamageCharge records the lender's repair or replacement
	// charge and bills the patron.
	ActRecordDamageCharge ActionName = "record_damage_charge"
	// ActReportBadCopy: the delivered copy is bad or incomplete: a re-send
	// is asked of the lender. Staff take it, or the patron from the portal
	// (app.PortalReportBadCopy).
	ActReportBadCopy ActionName = "report_bad_copy"
	// ActAnswerDamage (lending): the lender's decision on an item the
	// borrower found damaged on arrival: lend it on as it is, or return it.
	ActAnswerDamage ActionName = "answer_damage"
)

// EffReceiptProblem carries out the receipt problems' side of an action
// or message (open, move on or close the problem; mark the note).
const EffReceiptProblem Effect = "problem.receipt"

// Note markers of the receipt problems' Notifications.
const (
	MarkWrongItem       = "#WrongItem#"
	MarkDamagedArrival  = "#DamagedOnArrival#"
	MarkDamagedPatron   = "#DamagedByPatron#"
	MarkResendCopy      = "#ResendCopy#"
	MarkDamageLendOn    = "#DamagedLendOn#"
	MarkDamageReturn    = "#DamagedReturn#"
	DecisionLendOn      = "lend_on"
	DecisionReturn      = "return"
	RerequestSameLender = "same"
	RerequestNextLender = "next"
)

// receiptMarks are the markers a note may start with.
var receiptMarks = []string{MarkWrongItem, MarkDamagedArrival, MarkDamagedPatron, MarkResendCopy, MarkDamageLendOn, MarkDamageReturn}

// ReceiptMark splits a note into its receipt-problem marker (if it starts
// with one) and the rest.
func ReceiptMark(note string) (mark, rest string) {
	n := strings.TrimSpace(note)
	for _, m := range receiptMarks {
		if strings.HasPrefix(n, m) {
			return m, strings.TrimSpace(n[len(m):])
		}
	}
	return "", note
}

// received is where an item can be flagged at receipt.
var receiptStates = []State{BShipped, BAnswered, BSent, BReceived}
