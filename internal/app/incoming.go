package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// Confirmation is the answer to an incoming message: OK, or an ISO 18626
// error (errorType and errorValue in the standard's form). Duplicate marks
// a message recognised as one already received (answered OK, not applied
// again).
type Confirmation struct {
	OK         bool   `json:"ok"`
	ErrorType  string `json:"errorType,omitempty"`
	ErrorValue string `json:"errorValue,omitempty"`
	Duplicate  bool   `json:"duplicate,omitempty"`
	Request    string `json:"request,omitempty"` // our public id of the request concerned
	// Raw is the XML an outgoing message went as (set by a Transport once
	// it wrote the message, even when sending then failed); deliver keeps
	// it with the message in the transaction that records the outcome.
	Raw string `json:"-"`
}

// ISO 18626 error types (XSD spelling).
const (
	ErrUnsupportedAction = "UnsupportedActionType"
	ErrUnsupportedReason = "UnsupportedReasonForMessageType"
	ErrUnrecognisedValue = "UnrecognisedDataValue"
	ErrUnrecognisedElem  = "UnrecognisedDataElement"
	ErrBadlyFormed       = "BadlyFormedMessage"
)

func refuse(errType, value string) Confirmation {
	return Confirmation{ErrorType: errType, ErrorValue: value}
}

// Receive stores and applies a message from a partner to one of our
// agencies, in one transaction: it is confirmed only once durably stored.
// raw is the message as it travelled (XML), kept verbatim.
func (a *App) Receive(ctx context.Context, to, from ill.AgencyID, m ill.Message, raw string) (Confirmation, error) {
	var conf Confirmation
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		err = a.write(ctx, func(tx *store.Tx) error {
			var err error
			conf, err = a.receive(tx, to, from, m, raw)
			return err
		})
		// A copy of the message received at the same moment on another
		// connection may have made the request first (PostgreSQL: the
		// unique key waits for it, then refuses): read it all again, and
		// this copy is answered as the duplicate it is.
		if !ill.Is(err, ill.Conflict) {
			break
		}
	}
	if err == nil && !conf.OK {
		// A refused message changes nothing, but is kept.
		err = a.write(ctx, func(tx *store.Tx) error { return a.recordRejected(tx, to, from, m, conf) })
	}
	return conf, err
}

// DedupeKey identifies a message for duplicate detection: ISO 18626 has no
// message id, so SAMs and RAMs are matched on type, status or action,
// reason, answer, timestamp, request and note (docs/partners.md).
func DedupeKey(m ill.Message) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%s|%s|%s|%s|%s|%s|%s|%s", m.Kind, m.RequestType, m.Status, m.Reason, m.Answer, m.Action,
		m.Timestamp.UTC().Format(time.RFC3339), m.RequesterRequestID, m.SupplierRequestID, m.Note)
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// receive is Receive inside the caller's transaction (in-process delivery
// completes the sender's job in the same transaction).
func (a *App) receive(tx *store.Tx, to, from ill.AgencyID, m ill.Message, raw string) (Confirmation, error) {
	if _, err := tx.System().GetAgency(to); err != nil {
		if ill.Is(err, ill.NotFound) {
			field := "supplyingAgencyId"
			if m.Kind == ill.MsgSAM {
				field = "requestingAgencyId"
			}
			return refuse(ErrUnrecognisedValue, fmt.Sprintf("%s - Value = %q", field, to)), nil
		}
		return Confirmation{}, err
	}
	switch m.Kind {
	case ill.MsgRequest:
		return a.receiveRequest(tx, to, from, m, raw)
	case ill.MsgRAM:
		return a.receiveRAM(tx, to, from, m, raw)
	case ill.MsgSAM:
		return a.receiveSAM(tx, to, from, m, raw)
	}
	return refuse(ErrBadlyFormed, ""), nil
}

// store keeps an incoming message; a duplicate returns the earlier one.
func (a *App) storeIncoming(tx *store.Tx, to, from ill.AgencyID, r *ill.Request, m ill.Message, raw string) (*store.StoredMessage, bool, error) {
	key := DedupeKey(m)
	if prev, ok, err := tx.Agency().MessageByDedupeKey(to, store.Inbound, from, key); err != nil || ok {
		return &prev, ok, err
	}
	sm, err := a.addIncoming(tx, to, from, r, m, raw, key)
	return sm, false, err
}

// addIncoming keeps an incoming message known not to be a duplicate (the
// Request that has just made its lending request: a copy of it would have
// found that request).
func (a *App) addIncoming(tx *store.Tx, to, from ill.AgencyID, r *ill.Request, m ill.Message, raw, key string) (*store.StoredMessage, error) {
	sm := &store.StoredMessage{Direction: store.Inbound, Partner: from, Kind: m.Kind, Summary: summarise(m), DedupeKey: key, Body: m, Raw: raw, Delivery: "applied"}
	if r != nil {
		sm.RequestID = r.ID
	}
	return sm, tx.Agency().AddMessage(to, sm)
}

// recordRejected keeps a refused message (verbatim storage before acting
// applies to refusals too) with the error it was answered with.
func (a *App) recordRejected(tx *store.Tx, to, from ill.AgencyID, m ill.Message, conf Confirmation) error {
	if _, err := tx.System().GetAgency(to); err != nil {
		return nil // not ours: nothing to keep it under
	}
	sm := &store.StoredMessage{Direction: store.Inbound, Partner: from, Kind: m.Kind, Summary: summarise(m), Body: m, Delivery: "rejected", Confirmation: conf.String(), Error: conf.ErrorValue}
	return tx.Agency().AddMessage(to, sm)
}

func (a *App) receiveRequest(tx *store.Tx, to, from ill.AgencyID, m ill.Message, raw string) (Confirmation, error) {
	if m.RequesterRequestID == "" {
		return refuse(ErrUnrecognisedElem, "requestingAgencyRequestId"), nil
	}
	existing, err := tx.Agency().LockLendingRequest(to, from, m.RequesterRequestID)
	switch {
	case err == nil && m.RequestType == ill.RequestReminder:
		return a.applyIncoming(tx, existing, from, ill.InReminder, m, raw)
	case err == nil:
		// The same request key again: answer as the first time, change nothing.
		return Confirmation{OK: true, Duplicate: true, Request: existing.PublicID}, nil
	case !ill.Is(err, ill.NotFound):
		return Confirmation{}, err
	case m.RequestType == ill.RequestReminder:
		return refuse(ErrUnrecognisedValue, fmt.Sprintf("requestingAgencyRequestId - Value = %q", m.RequesterRequestID)), nil
	case m.RequestType == ill.RequestRetry && m.PreviousRequestID != "":
		if conf, ok, err := a.receiveAgreement(tx, to, from, m, raw); ok || err != nil {
			return conf, err
		}
	}
	if m.Citation == nil || (m.Citation.DisplayTitle() == "" && m.Citation.OCLCNumber == "" && m.Citation.ISBN == "" && m.Citation.ISSN == "") {
		return refuse(ErrUnrecognisedElem, "bibliographicInfo"), nil
	}
	service := m.ServiceType
	if !service.Valid() {
		service = ill.Loan
	}
	r := &ill.Request{Side: ill.Lending, State: ill.LNew, Partner: from, PartnerRequestID: m.RequesterRequestID,
		Citation: *m.Citation, ServiceType: service, ServiceLevel: m.ServiceLevel, NeedBefore: m.NeedBefore, MaxCost: m.MaxCost,
		BillingMethod: m.BillingMethod, PaymentMethod: m.PaymentMethod, Copyright: m.Copyright, PatronRef: m.PatronRef,
		PatronCategory: m.PatronCategory, DeliveryMethod: m.DeliveryMethod, DeliveryAddr: m.DeliveryAddress, NoteToPartner: m.Note,
		Conditions: m.Conditions, RetryOf: m.PreviousRequestID, LastMessageAt: m.Timestamp}
	if err := tx.Agency().CreateRequest(to, r); err != nil {
		return Confirmation{}, err
	}
	sm, err := a.addIncoming(tx, to, from, r, m, raw, DedupeKey(m))
	if err != nil {
		return Confirmation{}, err
	}
	actor := ill.Actor{Kind: ill.ActorPartner, Partner: from}
	data := map[string]any{"requestType": orDefault(m.RequestType, ill.RequestNew)}
	if m.PreviousRequestID != "" {
		data["retryOf"] = m.PreviousRequestID
	}
	if err := a.event(tx, r, actor, "submitted", "request", data, sm.ID); err != nil {
		return Confirmation{}, err
	}
	for _, step := range lendingIntake {
		if err := step(a, tx, r); err != nil {
			return Confirmation{}, err
		}
	}
	return Confirmation{OK: true, Request: r.PublicID}, nil
}

// receiveAgreement takes a Retry about a request we answered with
// conditions (2021: RetryPossible, MustMeetLoanCondition or
// CostExceedsMaxCost) as the requester's agreement: the same lending
// record goes on under the retry's id, ready to ship, instead of a second
// request to decide again. ok is false when the retry is not such an
// agreement (then it is a new request).
func (a *App) receiveAgreement(tx *store.Tx, to, from ill.AgencyID, m ill.Message, raw string) (Confirmation, bool, error) {
	prev, err := tx.Agency().LockLendingRequest(to, from, m.PreviousRequestID)
	if ill.Is(err, ill.NotFound) {
		return Confirmation{}, false, nil
	}
	if err != nil || prev.State != ill.LConditional {
		return Confirmation{}, false, err
	}
	if len(prev.Conditions) > 0 && !sameConditions(prev.Conditions, m.Conditions) {
		return Confirmation{}, false, nil
	}
	prev.PartnerRequestID = m.RequesterRequestID
	conf, err := a.applyIncoming(tx, prev, from, ill.InAgree, m, raw)
	return conf, true, err
}

func sameConditions(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

func (a *App) receiveRAM(tx *store.Tx, to, from ill.AgencyID, m ill.Message, raw string) (Confirmation, error) {
	r, err := tx.Agency().LockLendingRequest(to, from, m.RequesterRequestID)
	if ill.Is(err, ill.NotFound) {
		return refuse(ErrUnrecognisedValue, fmt.Sprintf("requestingAgencyRequestId - Value = %q", m.RequesterRequestID)), nil
	}
	if err != nil {
		return Confirmation{}, err
	}
	ev := ill.IncomingEvent("action:" + m.Action)
	if m.Action == ill.ActionNotification && m.AcceptConditions {
		ev = ill.InAgree
	}
	if !containsEvent(ill.LendingWorkflow.Events, ev) {
		return refuse(ErrUnsupportedAction, fmt.Sprintf("action - Value = %q", m.Action)), nil
	}
	return a.applyIncoming(tx, r, from, ev, m, raw)
}

func containsEvent(list []ill.IncomingEvent, ev ill.IncomingEvent) bool {
	for _, e := range list {
		if e == ev {
			return true
		}
	}
	return false
}

// statusRank orders statuses along a loan's life, to recognise a message
// that arrived after a later one (reordered delivery).
var statusRank = map[string]int{
	ill.StatusRequestReceived: 1, ill.StatusExpectToSupply: 2, ill.StatusWillSupply: 3, ill.StatusLoaned: 4,
	ill.StatusOverdue: 5, ill.StatusRecalled: 5, ill.StatusHoldReturn: 5, ill.StatusReleaseHoldReturn: 5,
	ill.StatusRetryPossible: 9, ill.StatusUnfilled: 9, ill.StatusCopyCompleted: 9, ill.StatusLoanCompleted: 9,
	ill.StatusCompletedWithoutReturn: 9, ill.StatusCancelled: 9,
}

// samEvent says what a supplying agency message means to the tables.
func samEvent(r *ill.Request, m ill.Message) ill.IncomingEvent {
	switch m.Reason {
	case ill.ReasonRenewResponse:
		return ill.IncomingEvent("renew:" + yesNo(m.Answer))
	case ill.ReasonCancelResponse:
		return ill.IncomingEvent("cancel:" + yesNo(m.Answer))
	}
	conditional := len(m.Conditions) > 0 || m.OfferedCost.Minor > 0
	switch {
	case m.Status == ill.StatusRetryPossible && isConditionRetry(m.ReasonRetry):
		return ill.InConditions
	case conditional && (m.Status == "" || m.Status == ill.StatusRequestReceived || m.Status == ill.StatusExpectToSupply || m.Status == ill.StatusWillSupply):
		return ill.InConditions
	case m.Status == "" || (m.Reason == ill.ReasonNotification && m.Status == r.PartnerStatus):
		return ill.InNote
	}
	return ill.IncomingEvent("status:" + m.Status)
}

func isConditionRetry(reason string) bool {
	switch reason {
	case "MustMeetLoanCondition", "LoanCondition", "CostExceedsMaxCost":
		return true
	}
	return false
}

func yesNo(s string) string {
	if strings.EqualFold(strings.TrimSpace(s), "Y") {
		return "Y"
	}
	return "N"
}

func (a *App) receiveSAM(tx *store.Tx, to, from ill.AgencyID, m ill.Message, raw string) (Confirmation, error) {
	r, err := tx.Agency().LockRequest(to, basePublicID(m.RequesterRequestID))
	if ill.Is(err, ill.NotFound) || err == nil && r.Side != ill.Borrowing {
		return refuse(ErrUnrecognisedValue, fmt.Sprintf("requestingAgencyRequestId - Value = %q", m.RequesterRequestID)), nil
	}
	if err != nil {
		return Confirmation{}, err
	}
	if m.Status != "" && !containsEvent(ill.BorrowingWorkflow.Events, ill.IncomingEvent("status:"+m.Status)) {
		return refuse(ErrUnrecognisedValue, fmt.Sprintf("status - Value = %q", m.Status)), nil
	}
	if from != r.Partner || !a.isCurrentLender(tx, r, from) {
		return a.otherLender(tx, r, from, m, raw)
	}
	if m.SupplierRequestID != "" {
		r.PartnerRequestID = m.SupplierRequestID
	}
	// A status reply that tells us nothing new is recorded, not applied.
	if m.Reason == ill.ReasonStatusRequestResponse && m.Status == r.PartnerStatus {
		return a.recordOnly(tx, r, from, m, raw, "status_request")
	}
	// A status older than what we know, arriving late (reordered
	// delivery), changes nothing: earlier timestamp, or the same second and
	// an earlier stage of the loan.
	if m.Reason != ill.ReasonNotification && m.Status != "" && !r.LastMessageAt.IsZero() {
		if m.Timestamp.Before(r.LastMessageAt) || m.Timestamp.Equal(r.LastMessageAt) && statusRank[m.Status] < statusRank[r.PartnerStatus] {
			return a.recordOnly(tx, r, from, m, raw, "message_stale")
		}
	}
	return a.applyIncoming(tx, r, from, samEvent(r, m), m, raw)
}

// isCurrentLender reports whether from's rota entry is the current one
// (a lender we cancelled or timed out is not, even if no other has it).
func (a *App) isCurrentLender(tx *store.Tx, r *ill.Request, from ill.AgencyID) bool {
	entries, err := tx.Agency().Rota(r.Agency, r.ID)
	if err != nil || r.RotaPos <= 0 || r.RotaPos > len(entries) {
		return true
	}
	e := entries[r.RotaPos-1]
	if e.Lender != from {
		return false
	}
	return e.State == store.RotaCurrent || e.State == store.RotaFilled
}

// otherLender handles a SAM from a lender that is not the current one: a
// superseded lender that ships after all is kept (and the newer lender
// cancelled); anything else is recorded on its rota entry.
func (a *App) otherLender(tx *store.Tx, r *ill.Request, from ill.AgencyID, m ill.Message, raw string) (Confirmation, error) {
	entries, err := tx.Agency().Rota(r.Agency, r.ID)
	if err != nil {
		return Confirmation{}, err
	}
	var late *store.RotaEntry
	for i := range entries {
		if entries[i].Lender == from {
			late = &entries[i]
		}
	}
	if late == nil {
		return refuse(ErrUnrecognisedValue, fmt.Sprintf("supplyingAgencyId - Value = %q", from)), nil
	}
	late.LastStatus = orDefault(m.Status, late.LastStatus)
	if m.SupplierRequestID != "" {
		late.SupplierRequestID = m.SupplierRequestID
	}
	if late.State == store.RotaPending {
		// We never asked this lender: it should not be answering.
		return a.applyFlag(tx, r, from, samEvent(r, m), m, raw, "message_from_untried_lender")
	}
	ships := m.Status == ill.StatusLoaned || m.Status == ill.StatusCopyCompleted
	adoptable := r.State == ill.BSent || r.State == ill.BAnswered || r.State == ill.BConditional || r.State == ill.BRetryOffered || r.State == ill.BEndOfRota
	if !ships || !adoptable {
		if err := tx.Agency().UpdateRotaEntry(r.Agency, r.ID, *late); err != nil {
			return Confirmation{}, err
		}
		if ships {
			// A second lender shipped: someone must sort it out.
			return a.applyFlag(tx, r, from, ill.IncomingEvent("status:"+m.Status), m, raw, "second_lender_shipped")
		}
		return a.recordOnly(tx, r, from, m, raw, "lender_cancelled")
	}
	// Keep the late lender; cancel the newer one.
	var sends []outgoing
	if r.RotaPos > 0 && r.RotaPos <= len(entries) {
		cur := entries[r.RotaPos-1]
		if cur.State == store.RotaCurrent && cur.Lender != from {
			cur.State, cur.ClosedAt = store.RotaCancelled, tx.Now()
			if err := tx.Agency().UpdateRotaEntry(r.Agency, r.ID, cur); err != nil {
				return Confirmation{}, err
			}
			cm := a.buildMessage(tx, r, outgoing{to: cur.Lender, spec: ill.MessageSpec{Kind: ill.MsgRAM, Action: ill.ActionCancel}})
			cm.RequesterRequestID, cm.SupplierRequestID = orDefault(cur.OurRequestID, r.PublicID), cur.SupplierRequestID
			cm.Note = "Cancelled: an earlier lender supplied the item."
			sends = append(sends, outgoing{to: cur.Lender, spec: ill.MessageSpec{Kind: ill.MsgRAM, Action: ill.ActionCancel}, prepared: &cm})
		}
	}
	late.State = store.RotaCurrent
	if err := tx.Agency().UpdateRotaEntry(r.Agency, r.ID, *late); err != nil {
		return Confirmation{}, err
	}
	r.RotaPos, r.Partner, r.PartnerRequestID, r.OurRequestID = late.Position, from, late.SupplierRequestID, orDefault(late.OurRequestID, r.PublicID)
	if r.State == ill.BRetryOffered || r.State == ill.BEndOfRota {
		r.State = ill.BAnswered
	}
	if err := a.cancelTimers(tx, r); err != nil {
		return Confirmation{}, err
	}
	conf, err := a.applyIncomingWith(tx, r, from, ill.IncomingEvent("status:"+m.Status), m, raw, sends, "late_lender_kept")
	return conf, err
}

// recordOnly keeps a message and records an event without changing state.
func (a *App) recordOnly(tx *store.Tx, r *ill.Request, from ill.AgencyID, m ill.Message, raw, typ string) (Confirmation, error) {
	sm, dup, err := a.storeIncoming(tx, r.Agency, from, r, m, raw)
	if err != nil || dup {
		return Confirmation{OK: true, Duplicate: dup, Request: r.PublicID}, err
	}
	if m.Status != "" && r.Side == ill.Borrowing && from == r.Partner && typ != "message_stale" {
		r.PartnerStatus = m.Status
	}
	if err := tx.Agency().UpdateRequest(r.Agency, r, 0); err != nil {
		return Confirmation{}, err
	}
	return Confirmation{OK: true, Request: r.PublicID}, a.event(tx, r, ill.Actor{Kind: ill.ActorPartner, Partner: from}, typ, string(m.Kind), map[string]any{"summary": summarise(m)}, sm.ID)
}

// applyFlag accepts a message that does not fit the request's state:
// confirm OK, record it, and mark the request for attention.
func (a *App) applyFlag(tx *store.Tx, r *ill.Request, from ill.AgencyID, ev ill.IncomingEvent, m ill.Message, raw, reason string) (Confirmation, error) {
	sm, dup, err := a.storeIncoming(tx, r.Agency, from, r, m, raw)
	if err != nil || dup {
		return Confirmation{OK: true, Duplicate: dup, Request: r.PublicID}, err
	}
	if r.Side == ill.Borrowing && m.Status != "" && from == r.Partner {
		r.PartnerStatus = m.Status
	}
	r.Attention, r.AttentionReason = true, reason
	if m.Timestamp.After(r.LastMessageAt) {
		r.LastMessageAt = m.Timestamp
	}
	if err := tx.Agency().UpdateRequest(r.Agency, r, 0); err != nil {
		return Confirmation{}, err
	}
	return Confirmation{OK: true, Request: r.PublicID}, a.event(tx, r, ill.Actor{Kind: ill.ActorPartner, Partner: from}, "message_flagged", string(ev),
		map[string]any{"summary": summarise(m), "reason": reason}, sm.ID)
}

// applyIncoming classifies an incoming event through the state tables and
// carries it out.
func (a *App) applyIncoming(tx *store.Tx, r *ill.Request, from ill.AgencyID, ev ill.IncomingEvent, m ill.Message, raw string) (Confirmation, error) {
	return a.applyIncomingWith(tx, r, from, ev, m, raw, nil, "")
}

func (a *App) applyIncomingWith(tx *store.Tx, r *ill.Request, from ill.AgencyID, ev ill.IncomingEvent, m ill.Message, raw string, extra []outgoing, note string) (Confirmation, error) {
	// A duplicate is answered as the original was, whatever the request's
	// state is now (the original may have moved it on).
	if _, dup, err := tx.Agency().MessageByDedupeKey(r.Agency, store.Inbound, from, DedupeKey(m)); err != nil || dup {
		return Confirmation{OK: true, Duplicate: dup, Request: r.PublicID}, err
	}
	wf := ill.WorkflowFor(r.Side)
	rule, err := wf.Classify(r.State, ev)
	if err != nil {
		return Confirmation{}, err
	}
	switch rule.Outcome {
	case ill.Reject:
		return refuse(rule.ErrorType, rule.ErrorValue), nil
	case ill.AcceptFlag:
		return a.applyFlag(tx, r, from, ev, m, raw, "unexpected_"+string(ev))
	}
	sm, dup, err := a.storeIncoming(tx, r.Agency, from, r, m, raw)
	if err != nil || dup {
		return Confirmation{OK: true, Duplicate: dup, Request: r.PublicID}, err
	}
	if r.Side == ill.Borrowing && m.Status != "" {
		r.PartnerStatus = m.Status
	}
	if m.Timestamp.After(r.LastMessageAt) {
		r.LastMessageAt = m.Timestamp
	}
	if r.Side == ill.Borrowing && rule.Record != "" {
		a.noteRotaAnswer(tx, r, m)
	}
	record := rule.Record
	if record == "" {
		record = "message_" + string(ev)
	}
	ch := &change{req: r, wf: wf, target: rule.To, next: rule.Next, actor: ill.Actor{Kind: ill.ActorPartner, Partner: from},
		event: record, name: string(ev), effects: rule.Effects, sends: extra, in: &m, inID: sm.ID, params: Params{},
		data: map[string]any{"summary": summarise(m)}}
	if note != "" {
		ch.data["note"] = note
	}
	if m.Note != "" {
		ch.data["partnerNote"] = m.Note
	}
	if !rule.Reply.IsZero() {
		ch.sends = append(ch.sends, outgoing{to: from, spec: rule.Reply})
	}
	if err := a.apply(tx, ch); err != nil {
		return Confirmation{}, err
	}
	return Confirmation{OK: true, Request: r.PublicID}, nil
}

// noteRotaAnswer records the current lender's answer on its rota entry.
func (a *App) noteRotaAnswer(tx *store.Tx, r *ill.Request, m ill.Message) {
	entries, err := tx.Agency().Rota(r.Agency, r.ID)
	if err != nil || r.RotaPos <= 0 || r.RotaPos > len(entries) {
		return
	}
	e := entries[r.RotaPos-1]
	if e.AnsweredAt.IsZero() {
		e.AnsweredAt = tx.Now()
	}
	if m.Status != "" {
		e.LastStatus = m.Status
	}
	if m.SupplierRequestID != "" {
		e.SupplierRequestID = m.SupplierRequestID
	}
	if m.Status == ill.StatusLoaned || m.Status == ill.StatusCopyCompleted {
		e.State = store.RotaFilled
	}
	_ = tx.Agency().UpdateRotaEntry(r.Agency, r.ID, e)
}
