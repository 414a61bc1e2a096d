package iso18626

import (
	"strings"
	"time"
)

// Note markers of the ReShare (mod-rs) conventions for conditional supply
// in v1.2, which has no dedicated elements for it. A marker starts the note
// and is followed by a space and free text, or by nothing.
const (
	// ReShareAddLoanCondition starts the note of a supplier's SAM that adds
	// loan conditions (carried in deliveryInfo/loanCondition).
	ReShareAddLoanCondition = "#ReShareAddLoanCondition#"
	// ReShareLoanConditionAgreeResponse starts the note of the requester's
	// RAM Notification accepting the conditions.
	ReShareLoanConditionAgreeResponse = "#ReShareLoanConditionAgreeResponse#"
	// ReShareSupplierAwaitingConditionConfirmation starts the note of a
	// supplier's SAM that holds the request until the conditions are agreed.
	ReShareSupplierAwaitingConditionConfirmation = "#ReShareSupplierAwaitingConditionConfirmation#"
	// ReShareSupplierConditionsAssumedAgreed starts the note of a supplier's
	// SAM that goes ahead assuming the conditions are agreed.
	ReShareSupplierConditionsAssumedAgreed = "#ReShareSupplierConditionsAssumedAgreed#"
)

// NoteMarker splits a note that starts with one of the ReShare markers into
// the marker and the rest (without the separating space). marker is empty
// when the note starts with none of them.
func NoteMarker(note string) (marker, rest string) {
	trimmed := strings.TrimLeft(note, " \t\r\n")
	for _, mk := range []string{ReShareAddLoanCondition, ReShareLoanConditionAgreeResponse,
		ReShareSupplierAwaitingConditionConfirmation, ReShareSupplierConditionsAssumedAgreed} {
		if r, ok := strings.CutPrefix(trimmed, mk); ok {
			return mk, strings.TrimPrefix(r, " ")
		}
	}
	return "", note
}

func withMarker(marker, text string) string {
	if text == "" {
		return marker
	}
	return marker + " " + text
}

// LoanConditionOffer is a supplier's offer to supply under conditions.
type LoanConditionOffer struct {
	Conditions []Code
	Note       string // the note without any ReShare marker
	// ReShare is true for the v1.2 ReShare convention (note marker, conditions
	// in deliveryInfo), false for the 2021 standard form (RetryPossible with
	// reasonRetry MustMeetLoanCondition and retryInfo/loanCondition).
	ReShare bool
}

// LoanConditionOfferOf detects a conditional-supply offer in a SAM, in
// either form, and reports whether there is one.
func LoanConditionOfferOf(s *SupplyingAgencyMessage) (LoanConditionOffer, bool) {
	if s == nil {
		return LoanConditionOffer{}, false
	}
	if mk, rest := NoteMarker(s.MessageInfo.Note); mk == ReShareAddLoanCondition {
		o := LoanConditionOffer{Note: rest, ReShare: true}
		if s.DeliveryInfo != nil {
			o.Conditions = append(o.Conditions, s.DeliveryInfo.LoanCondition...)
		}
		return o, true
	}
	if s.StatusInfo.Status == StatusRetryPossible &&
		s.MessageInfo.ReasonRetry.Value == ReasonRetryMustMeetLoanCondition {
		o := LoanConditionOffer{Note: s.MessageInfo.Note}
		if s.RetryInfo != nil {
			o.Conditions = append(o.Conditions, s.RetryInfo.LoanCondition...)
		}
		return o, true
	}
	return LoanConditionOffer{}, false
}

// AddReShareLoanCondition makes s a ReShare v1.2 condition offer: the note
// gets the #ReShareAddLoanCondition# marker, the conditions go to
// deliveryInfo/loanCondition (v1.2 allows one; pass one condition per SAM
// for v1.2 partners), and deliveryInfo/dateSent, mandatory in the XSD
// although nothing was shipped, is set to now when empty.
func AddReShareLoanCondition(s *SupplyingAgencyMessage, now time.Time, note string, conditions ...Code) {
	s.MessageInfo.Note = withMarker(ReShareAddLoanCondition, note)
	if s.DeliveryInfo == nil {
		s.DeliveryInfo = new(DeliveryInfo)
	}
	if s.DeliveryInfo.DateSent.IsZero() {
		s.DeliveryInfo.DateSent = At(now)
	}
	s.DeliveryInfo.LoanCondition = append(s.DeliveryInfo.LoanCondition, conditions...)
}

// ReShareConditionAgreement reports whether r is a ReShare acceptance of
// loan conditions (action Notification, note starting with
// #ReShareLoanConditionAgreeResponse#) and returns the rest of the note.
func ReShareConditionAgreement(r *RequestingAgencyMessage) (note string, ok bool) {
	if r == nil || r.Action != ActionNotification {
		return "", false
	}
	mk, rest := NoteMarker(r.Note)
	return rest, mk == ReShareLoanConditionAgreeResponse
}

// AgreeReShareLoanConditions makes r the ReShare acceptance of loan
// conditions: action Notification, note with the agree marker.
func AgreeReShareLoanConditions(r *RequestingAgencyMessage, note string) {
	r.Action = ActionNotification
	r.Note = withMarker(ReShareLoanConditionAgreeResponse, note)
}
