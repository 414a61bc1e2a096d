package app

import (
	"fmt"
	"strings"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// Borrowing requests tracked in another system (placed in OCLC
// WorldShare, RapidILL, by email: their protocol is off-system). The
// lender's answers never arrive as messages, so staff record them with
// the record_lender action: each becomes the message it stands for and
// goes through the same incoming rules of the state tables, so the
// request, its timers, the patron's emails and the portal's sentences
// move exactly as for a partner that speaks ISO 18626. What we would
// send (Received, ShippedReturn, Cancel) is recorded, not sent.

// recordLender applies a lender's answer recorded by hand.
func (a *App) recordLender(tx *store.Tx, actor ill.Actor, r *ill.Request, p Params) error {
	if r.Protocol != ProtocolOffSystem || r.Partner == "" {
		return ill.E(ill.Invalid, fmt.Sprintf("request %s is not tracked in another system: its lender's answers come as messages", r.PublicID))
	}
	m := ill.Message{Kind: ill.MsgSAM, Timestamp: tx.Now().Truncate(1e9), Requester: r.Agency, Supplier: r.Partner,
		RequesterRequestID: orDefault(r.OurRequestID, r.PublicID), SupplierRequestID: r.PartnerRequestID,
		Status: p.Str("status"), Reason: ill.ReasonStatusChange, Note: p.Str("note"), DueDate: p.Time("dueDate"),
		Shipping: ill.Shipping{Courier: p.Str("courier"), TrackingID: p.Str("trackingId")}, DeliveryURL: p.Str("deliveryUrl")}
	switch m.Status {
	case ill.LenderRenewGranted, ill.LenderRenewRefused:
		m.Reason, m.Answer = ill.ReasonRenewResponse, "N"
		if m.Status == ill.LenderRenewGranted {
			m.Answer = "Y"
		}
		m.Status = ill.StatusLoaned
	case ill.StatusCancelled:
		m.Reason, m.Answer = ill.ReasonCancelResponse, "Y"
	case ill.StatusUnfilled:
		m.ReasonUnfilled = p.Str("reason")
	case ill.StatusRetryPossible:
		m.ReasonRetry = p.Str("reason")
	case ill.StatusLoaned:
		m.DeliveredService = ill.Loan
	}
	if m.Status == ill.StatusLoaned && m.Reason == ill.ReasonStatusChange && m.DueDate.IsZero() {
		return ill.E(ill.Invalid, "the lender's due date is needed", map[string]string{"dueDate": "the due date the lender gave"})
	}
	by := strings.TrimSpace(actor.Name + ", " + orDefault(r.ExternalSystem, "another system"))
	conf, err := a.applyIncomingWith(tx, r, r.Partner, samEvent(r, m), m, "", nil, "recorded by hand: "+by)
	if err != nil {
		return err
	}
	if !conf.OK {
		return ill.E(ill.Conflict, fmt.Sprintf("%s does not fit request %s now (%s)", p.Str("status"), r.PublicID, conf.ErrorValue))
	}
	return nil
}
