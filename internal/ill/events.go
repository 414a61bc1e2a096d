package ill

import (
	"encoding/json"
	"time"
)

// Event is one entry of a request's append-only log: who did what, when,
// from which state to which, and which protocol message it came with. The
// log is the audit trail, the timeline and the source of the statistics.
type Event struct {
	ID           int64           `json:"-"`
	RequestID    int64           `json:"-"`
	Seq          int             `json:"seq"`
	Type         string          `json:"type"` // from the vocabulary below
	Name         string          `json:"name"` // the action or incoming event that caused it
	ActorKind    ActorKind       `json:"actorKind"`
	ActorUser    int64           `json:"actorUser,omitempty"`
	ActorPartner AgencyID        `json:"actorPartner,omitempty"`
	From         State           `json:"from,omitempty"`
	To           State           `json:"to,omitempty"`
	MessageID    int64           `json:"messageId,omitempty"`
	Data         json.RawMessage `json:"data,omitempty"`
	At           time.Time       `json:"at"`
}

// The event vocabulary. Statistics read these types; the tables' actions
// and incoming rules record them (a test checks every name is listed).
var EventTypes = []string{
	// Milestones the statistics package measures between.
	"submitted", "sent_to_lender", "answered", "shipped", "received", "available_to_patron",
	"picked_up", "returned_by_patron", "return_shipped", "checked_in", "delivered", "closed",
	"cancelled", "unfilled_by_lender", "response_timeout", "moved_on", "end_of_rota",
	// Borrowing decisions and conversation.
	"approve", "to_review", "ask_patron", "patron_reply", "copyright_clear", "copyright_deny",
	"conditions_offered", "conditions_accepted", "conditions_rejected", "retry_offered", "retry_sent",
	"cancel_requested", "cancel_refused", "renew_requested", "renewed", "renewal_refused",
	"overdue", "lender_overdue", "recalled", "pickup_expired", "loan_updated",
	"returns_on_hold", "returns_released", "hold_return", "lost", "problem_reported", "problem_resolved",
	"status_request", "send_reminder", "note_sent", "note_received", "mark_read",
	"late_lender_kept", "lender_cancelled",
	// Lending.
	"pull_slip_printed", "found", "not_on_shelf", "search_again", "copy_resent", "status_requested",
	"received_by_borrower", "cancel_repeated", "renew_repeated", "shipped_forward",
	"borrower_holds_return", "reminder_received",
	// Bookkeeping.
	"message_flagged", "message_duplicate", "message_stale", "rota_changed", "note_added",
	"charge_added", "edited", "external_update",
	// Problem workflows (docs/problems.md).
	"problem_opened", "problem_step", "problem_closed",
	"lost_claimed", "lost_agreed", "lost_settled", "return_not_received", // problems in transit
	"wrong_item_received", "damaged_on_arrival", "damage_answered", "rerequested", "damage_charged", "bad_copy_reported", // problems at receipt
	"partner_reminded", "cancel_given_up", "return_closed_unconfirmed", "need_before_answered", // timer-driven problems (silent partner, need-before, conditions)
}
