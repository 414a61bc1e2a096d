package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/jobs"
	"interlend/internal/store"
)

// KindSend delivers one outgoing protocol message. Messages of one request
// to one partner share an ordering key, so they arrive in order; a message
// the partner rejected stops the ones after it until staff re-drive it.
const KindSend = "message.send"

type sendPayload struct {
	Agency  ill.AgencyID `json:"agency"`
	Message int64        `json:"message"`
}

func init() {
	addJobs(func(a *App) {
		a.Jobs.Register(jobs.Kind{Name: KindSend, MaxAttempts: 25, Handler: a.deliver})
	})
}

// Transport sends a message to a partner that is not hosted here and
// returns its confirmation. The ISO 18626 feature provides it; without one,
// messages to outside partners are held. The partner's directory entry
// (endpoint, version, credentials) is read with the message.
type Transport interface {
	Send(ctx context.Context, from ill.AgencyID, to directory.Entry, m store.StoredMessage, idempotencyKey string) (Confirmation, error)
}

// Wire writes a message as ISO 18626 XML and reads it back.
type Wire interface {
	Roundtrip(ctx context.Context, m ill.Message) (ill.Message, string, error)
}

// ErrNoEndpoint is returned by a Transport for a partner without an
// endpoint in the directory: the message is held, not retried.
var ErrNoEndpoint = errors.New("the partner has no ISO 18626 endpoint in the directory")

// send stores an outgoing message and queues its delivery. Off-system
// requests record the message instead of sending it.
func (a *App) send(tx *store.Tx, r *ill.Request, o outgoing) (int64, error) {
	m := o.prepared
	if m == nil {
		built := a.buildMessage(tx, r, o)
		m = &built
	}
	sm := &store.StoredMessage{RequestID: r.ID, Direction: store.Outbound, Partner: o.to, Kind: m.Kind, Summary: summarise(*m), Body: *m, Delivery: store.DeliveryQueued}
	if r.Protocol == ProtocolOffSystem {
		sm.Delivery = store.DeliveryRecorded
	}
	if err := tx.Agency().AddMessage(r.Agency, sm); err != nil {
		return 0, err
	}
	if sm.Delivery == store.DeliveryRecorded {
		if err := a.mailPartner(tx, r, *m); err != nil {
			return 0, err
		}
		return sm.ID, a.mailLender(tx, r, *m)
	}
	jobID, err := tx.System().EnqueueJob(store.NewJob{
		Kind: KindSend, Agency: r.Agency, Ref: r.PublicID,
		OrderingKey:    fmt.Sprintf("msg:%s:%s:%s", r.Agency, r.PublicID, o.to),
		IdempotencyKey: fmt.Sprintf("msg:%s:%d", r.Agency, sm.ID),
		Payload:        sendPayload{Agency: r.Agency, Message: sm.ID},
	})
	if err != nil {
		return 0, err
	}
	return sm.ID, tx.Agency().SetMessageJob(r.Agency, sm.ID, jobID)
}

// ProtocolOffSystem marks requests handled outside ISO 18626.
const ProtocolOffSystem = "off-system"

func summarise(m ill.Message) string {
	switch m.Kind {
	case ill.MsgRequest:
		return "request " + orDefault(m.RequestType, ill.RequestNew)
	case ill.MsgSAM:
		s := "SAM " + orDefault(m.Status, "(no change)")
		if m.Reason != "" {
			s += " / " + m.Reason
		}
		if m.Answer != "" {
			s += " " + m.Answer
		}
		return s
	case ill.MsgRAM:
		return "RAM " + m.Action
	}
	return string(m.Kind)
}

// buildMessage turns a send spec into a message about r.
func (a *App) buildMessage(tx *store.Tx, r *ill.Request, o outgoing) ill.Message {
	now := tx.Now().Truncate(1e9)
	m := ill.Message{Kind: o.spec.Kind, Timestamp: now}
	if r.Side == ill.Borrowing {
		m.Requester, m.Supplier = r.Agency, o.to
		m.RequesterRequestID, m.SupplierRequestID = orDefault(r.OurRequestID, r.PublicID), r.PartnerRequestID
	} else {
		m.Requester, m.Supplier = r.Partner, r.Agency
		m.RequesterRequestID, m.SupplierRequestID = r.PartnerRequestID, r.PublicID
	}
	switch o.spec.Kind {
	case ill.MsgRequest:
		c := r.Citation
		m.RequestType, m.Citation = o.spec.RequestType, &c
		m.ServiceType, m.ServiceLevel, m.NeedBefore, m.MaxCost = r.ServiceType, r.ServiceLevel, r.NeedBefore, r.MaxCost
		m.BillingMethod, m.PaymentMethod, m.Copyright = r.BillingMethod, r.PaymentMethod, r.Copyright
		m.PatronRef, m.PatronCategory = r.PatronRef, r.PatronCategory
		m.DeliveryMethod, m.DeliveryAddress = r.DeliveryMethod, r.DeliveryAddr
		m.Note = r.NoteToPartner
		if o.spec.RequestType == ill.RequestRetry {
			m.PreviousRequestID = m.RequesterRequestID
			m.RequesterRequestID = nextRetryID(m.RequesterRequestID)
			r.OurRequestID = m.RequesterRequestID
			m.SupplierRequestID = ""
			m.Conditions, m.AcceptConditions = r.Conditions, len(r.Conditions) > 0
		}
	case ill.MsgSAM:
		m.Status = o.spec.Status
		if m.Status == "" {
			m.Status = r.PartnerStatus
		}
		if m.Status == "" {
			m.Status = ill.StatusRequestReceived
		}
		m.Reason = o.spec.Reason
		if m.Reason == "" {
			if r.SAMsSent == 0 {
				m.Reason = ill.ReasonRequestResponse
			} else {
				m.Reason = ill.ReasonStatusChange
			}
		}
		r.SAMsSent++
		m.Answer = o.spec.Answer
		if m.Status == ill.StatusLoaned || m.Status == ill.StatusOverdue || m.Status == ill.StatusRecalled || m.Reason == ill.ReasonRenewResponse {
			m.DueDate = r.LenderDue
		}
		if m.Status == ill.StatusLoaned && m.Reason != ill.ReasonRenewResponse {
			m.Items, m.Shipping = r.Items, r.Shipping
			m.DeliveredService = ill.Loan
		}
		if m.Status == ill.StatusCopyCompleted {
			m.DeliveryURL, m.DeliveredService = r.DeliveryURL, ill.Copy
		}
		if len(r.Conditions) > 0 && r.State == ill.LConditional || o.spec.Status == "" && o.spec.Reason == "" {
			m.Conditions, m.OfferedCost = r.Conditions, r.OfferedCost
		} else if m.DeliveredService != "" && len(r.Conditions) > 0 {
			// The item (or copy) goes with the conditions agreed on:
			// deliveryInfo/loanCondition of the Loaned or CopyCompleted.
			m.Conditions = r.Conditions
		}
		r.PartnerStatus = m.Status
	case ill.MsgRAM:
		m.Action = o.spec.Action
		if m.Action == ill.ActionShippedReturn || m.Action == ill.ActionShippedForward {
			m.Shipping = r.ReturnShipping
		}
		if o.accept {
			m.AcceptConditions, m.Conditions, m.OfferedCost = true, r.Conditions, r.OfferedCost
		}
	}
	p := o.params
	if note := p.Str("note"); note != "" {
		m.Note = note
	}
	switch m.Status {
	case ill.StatusUnfilled:
		m.ReasonUnfilled = p.Str("reason")
	case ill.StatusRetryPossible:
		m.ReasonRetry, m.RetryAfter = p.Str("reason"), p.Time("retryAfter")
	}
	if u := p.Str("deliveryUrl"); u != "" && m.Status == ill.StatusCopyCompleted {
		m.DeliveryURL = u
	}
	return m
}

// deliver is the job that sends one message. To a partner hosted here it
// is applied in the same transaction that completes the job (exactly
// once); to others it goes through the Transport.
func (a *App) deliver(ctx context.Context, run *jobs.Run) error {
	var p sendPayload
	if err := run.Job.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	// The message, whether its partner is hosted here and, if not, the
	// partner's directory entry, in one read.
	var sm store.StoredMessage
	var entry directory.Entry
	var hosted, found, listed bool
	err := a.read(ctx, func(tx *store.Tx) (err error) {
		if sm, err = tx.Agency().GetMessage(p.Agency, p.Message); err != nil {
			return err
		}
		found = true
		if hosted, err = isHostedIn(tx, sm.Partner); err != nil || hosted {
			return err
		}
		entry, err = tx.Network().LookupLibrary(string(sm.Partner))
		if ill.Is(err, ill.NotFound) {
			return nil
		}
		listed = err == nil
		return err
	})
	if err != nil && !found {
		return jobs.Permanent(err)
	}
	if err != nil {
		return err
	}
	var conf Confirmation
	if hosted {
		body, raw := sm.Body, ""
		if a.Wire != nil {
			if body, raw, err = a.Wire.Roundtrip(ctx, sm.Body); err != nil {
				return jobs.Permanent(fmt.Errorf("cannot write %s as ISO 18626: %w", sm.Summary, err))
			}
		}
		err = run.Complete(ctx, func(tx *store.Tx) error {
			var err error
			if conf, err = a.receive(tx, sm.Partner, p.Agency, body, raw); err != nil {
				return err
			}
			if !conf.OK {
				if raw != "" {
					if err := tx.Agency().SetMessageRaw(p.Agency, sm.ID, raw); err != nil {
						return err
					}
				}
				return errRejected
			}
			return tx.Agency().SetMessageSent(p.Agency, sm.ID, raw, store.DeliveryDelivered, "OK")
		})
		if !errors.Is(err, errRejected) {
			return err
		}
	} else {
		if a.Transport == nil {
			return a.holdMessage(ctx, run, sm, ErrNoEndpoint.Error())
		}
		if !listed {
			return a.holdMessage(ctx, run, sm, fmt.Sprintf("%s (%s is not in the directory)", ErrNoEndpoint, sm.Partner))
		}
		conf, err = a.Transport.Send(ctx, p.Agency, entry, sm, run.IdempotencyKey())
		if errors.Is(err, ErrNoEndpoint) {
			return a.holdMessage(ctx, run, sm, err.Error())
		}
		if err != nil {
			if conf.Raw != "" {
				// Kept even when the partner was not reached.
				if rerr := a.SetMessageRaw(ctx, p.Agency, sm.ID, conf.Raw); rerr != nil {
					return errors.Join(err, rerr)
				}
			}
			return err // transport failure: retry with backoff
		}
		if conf.OK {
			// The XML it went as and the outcome in the transaction that
			// completes the job: one write per message sent.
			return run.Complete(ctx, func(tx *store.Tx) error {
				return tx.Agency().SetMessageSent(p.Agency, sm.ID, conf.Raw, store.DeliverySent, conf.String())
			})
		}
	}
	// The partner refused the message: record it, flag the request, and
	// stop this request's later messages to the partner (dead job) until
	// someone re-drives it.
	if err := a.write(ctx, func(tx *store.Tx) error {
		if hosted {
			if err := a.recordRejected(tx, sm.Partner, p.Agency, sm.Body, conf); err != nil {
				return err
			}
		} else if conf.Raw != "" {
			if err := tx.Agency().SetMessageRaw(p.Agency, sm.ID, conf.Raw); err != nil {
				return err
			}
		}
		if err := tx.Agency().SetMessageDelivery(p.Agency, sm.ID, store.DeliveryError, conf.String(), conf.ErrorValue); err != nil {
			return err
		}
		return a.flagRequest(tx, p.Agency, sm.RequestID, "message_rejected", map[string]any{"message": sm.ID, "error": conf.String()})
	}); err != nil {
		return err
	}
	return jobs.Permanent(fmt.Errorf("%s refused %s: %s", sm.Partner, sm.Summary, conf))
}

var errRejected = errors.New("message rejected by the partner")

// holdMessage parks a message for a partner without an endpoint.
func (a *App) holdMessage(ctx context.Context, run *jobs.Run, sm store.StoredMessage, reason string) error {
	if err := a.write(ctx, func(tx *store.Tx) error {
		return tx.Agency().SetMessageDelivery(sm.Agency, sm.ID, store.DeliveryHeld, "", reason)
	}); err != nil {
		return err
	}
	return jobs.Hold(reason)
}

// flagRequest marks a request for attention with an event.
func (a *App) flagRequest(tx *store.Tx, agency ill.AgencyID, requestID int64, reason string, data map[string]any) error {
	if requestID == 0 {
		return nil
	}
	r, err := a.requestByID(tx, agency, requestID)
	if err != nil {
		return err
	}
	r.Attention, r.AttentionReason = true, reason
	if err := tx.Agency().UpdateRequest(agency, r, 0); err != nil {
		return err
	}
	return a.event(tx, r, ill.SystemActor(), "message_flagged", reason, data, 0)
}

// isHostedIn reports whether an agency is hosted by this deployment.
func isHostedIn(tx *store.Tx, agency ill.AgencyID) (bool, error) {
	_, err := tx.System().GetAgency(agency)
	if ill.Is(err, ill.NotFound) {
		return false, nil
	}
	return err == nil, err
}

func (c Confirmation) String() string {
	if c.OK {
		return "OK"
	}
	return strings.TrimSpace("ERROR " + c.ErrorType + " " + c.ErrorValue)
}

// SetMessageRaw keeps the XML an outgoing message travelled as.
func (a *App) SetMessageRaw(ctx context.Context, agency ill.AgencyID, id int64, raw string) error {
	return a.write(ctx, func(tx *store.Tx) error { return tx.Agency().SetMessageRaw(agency, id, raw) })
}
