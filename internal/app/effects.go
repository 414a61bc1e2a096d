package app

import (
	"fmt"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// Policy holds the lifecycle's time figures. Defaults apply until an agency
// sets its own (lending policy and circulation settings).
type Policy struct {
	ResponseWindow time.Duration // how long a lender has to answer before the rota moves on
	LoanPeriod     time.Duration // lending: loan period from shipping
	RenewalPeriod  time.Duration // lending: added by a renewal
	ReturnTransit  time.Duration // borrowing: the patron's due date is this much before the lender's
	PickupPeriod   time.Duration // borrowing: how long the item waits on the hold shelf
	PatronLoan     time.Duration // borrowing: patron loan when the lender gave no due date
	SearchAgain    time.Duration // lending: when to look on the shelf again
}

// DefaultPolicy is used when an agency has not set its own.
var DefaultPolicy = Policy{
	ResponseWindow: 3 * 24 * time.Hour,
	LoanPeriod:     28 * 24 * time.Hour,
	RenewalPeriod:  21 * 24 * time.Hour,
	ReturnTransit:  5 * 24 * time.Hour,
	PickupPeriod:   7 * 24 * time.Hour,
	PatronLoan:     21 * 24 * time.Hour,
	SearchAgain:    2 * 24 * time.Hour,
}

// effectHandlers carry out effects that features register with addEffect
// (the problem workflows' effects, say) instead of a case below.
var effectHandlers = map[ill.Effect]func(a *App, tx *store.Tx, ch *change) error{}

// addEffect registers an effect's handler (call from init).
func addEffect(eff ill.Effect, h func(a *App, tx *store.Tx, ch *change) error) {
	effectHandlers[eff] = h
}

// policyFor returns an agency's lifecycle policy.
func (a *App) policyFor(tx *store.Tx, agency ill.AgencyID) Policy {
	if a.PolicyFor != nil {
		return a.PolicyFor(tx, agency)
	}
	return DefaultPolicy
}

// endOfDay is 23:59:59 UTC of t's day (ISO 18626: due dates are days).
func endOfDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 23, 59, 59, 0, time.UTC)
}

// effect carries out one side effect of a change.
func (a *App) effect(tx *store.Tx, ch *change, eff ill.Effect) error {
	r := ch.req
	now := tx.Now()
	pol := a.policyFor(tx, r.Agency)
	switch eff {
	case ill.EffAdvanceRota:
		return a.advanceRota(tx, ch)
	case ill.EffResponseTimer:
		return a.scheduleResponseTimer(tx, r, now.Add(pol.ResponseWindow))
	case ill.EffPickupTimer:
		r.PickupDeadline = endOfDay(now.Add(pol.PickupPeriod))
		return a.scheduleTimer(tx, r, ill.ActPickupExpire, r.PickupDeadline, "")
	case ill.EffPatronDueTimer:
		due := endOfDay(now.Add(pol.PatronLoan))
		if !r.LenderDue.IsZero() {
			due = endOfDay(r.LenderDue.Add(-pol.ReturnTransit))
			if due.Before(now) {
				due = endOfDay(now)
			}
		}
		r.PatronDue = due
		return a.scheduleTimer(tx, r, ill.ActPatronOverdue, due, dueGuard(due))
	case ill.EffLenderDueTimer:
		if r.LenderDue.IsZero() {
			return nil
		}
		return a.scheduleTimer(tx, r, ill.ActMarkOverdue, r.LenderDue, dueGuard(r.LenderDue))
	case ill.EffSearchAgainTimer:
		at := ch.params.Time("searchAgain")
		if at.IsZero() {
			at = now.Add(pol.SearchAgain)
		}
		return a.scheduleTimer(tx, r, ill.ActSearchAgain, at, "")
	case ill.EffCancelTimers:
		return a.cancelTimers(tx, r)
	case ill.EffSetLenderDue:
		switch {
		case ch.in != nil && !ch.in.DueDate.IsZero():
			r.LenderDue = ch.in.DueDate
		case !ch.params.Time("dueDate").IsZero():
			r.LenderDue = endOfDay(ch.params.Time("dueDate"))
		case r.Side == ill.Lending && r.LenderDue.IsZero():
			r.LenderDue = endOfDay(now.Add(pol.LoanPeriod))
		}
		if r.Side == ill.Lending {
			if c := ch.params.Str("courier"); c != "" {
				r.Shipping.Courier = c
			}
			if t := ch.params.Str("trackingId"); t != "" {
				r.Shipping.TrackingID = t
			}
			if b := ch.params.Str("barcode"); b != "" && !hasBarcode(r.Items, b) {
				r.Items = append(r.Items, ill.Item{Barcode: b})
			}
		}
	case ill.EffRenewed:
		r.RenewalCount++
		switch {
		case ch.in != nil && !ch.in.DueDate.IsZero():
			r.LenderDue = ch.in.DueDate
		case !ch.params.Time("dueDate").IsZero():
			r.LenderDue = endOfDay(ch.params.Time("dueDate"))
		case r.Side == ill.Lending:
			base := r.LenderDue
			if base.Before(now) {
				base = now
			}
			r.LenderDue = endOfDay(base.Add(pol.RenewalPeriod))
		}
	case ill.EffHoldReturnOn:
		r.HoldReturn = true
	case ill.EffHoldReturnOff:
		r.HoldReturn = false
	case ill.EffNotifyPatron:
		return a.notifyPatron(tx, r, ch.event)
	case ill.EffAttention:
		r.Attention, r.AttentionReason = true, ch.event
	case ill.EffClearAttention:
		r.Attention, r.AttentionReason = false, ""
	case ill.EffConditions:
		if ch.in != nil {
			r.Conditions, r.OfferedCost = ch.in.Conditions, ch.in.OfferedCost
			ch.data["reasonRetry"], ch.data["retryAfter"] = ch.in.ReasonRetry, ch.in.RetryAfter
		}
	case ill.EffAcceptCost:
		if !r.OfferedCost.IsZero() && r.OfferedCost.Minor > 0 {
			c := &store.Charge{RequestID: r.ID, Type: store.ChargeLender, Amount: r.OfferedCost, Payer: string(r.Agency), Payee: string(r.Partner),
				BillingMethod: r.BillingMethod, PaymentMethod: r.PaymentMethod, Status: store.ChargeAccepted, CreatedBy: ch.actor.UserID, Note: "cost accepted with the lender's conditions"}
			if err := tx.Agency().AddCharge(r.Agency, c); err != nil {
				return err
			}
			ch.data["charge"] = c.ID
		}
	case ill.EffReplacementCost:
		cost := ch.params.Money("cost")
		if cost.Minor <= 0 {
			return nil
		}
		payer, payee := string(r.Agency), string(r.Partner)
		if r.Side == ill.Lending {
			payer, payee = string(r.Partner), string(r.Agency)
		}
		c := &store.Charge{RequestID: r.ID, Type: store.ChargeReplacement, Amount: cost, Payer: payer, Payee: payee, Status: store.ChargeQuoted, CreatedBy: ch.actor.UserID, Note: ch.params.Str("note")}
		if err := tx.Agency().AddCharge(r.Agency, c); err != nil {
			return err
		}
		ch.data["charge"] = c.ID
	case ill.EffUnread:
		r.UnreadMessages++
	case ill.EffRecordDelivery:
		if m := ch.in; m != nil && r.Side == ill.Lending {
			// A ShippedReturn or ShippedForward: how the item travels back
			// (the courier and tracking lines of the RAM's note).
			if m.Shipping != (ill.Shipping{}) {
				r.ReturnShipping = m.Shipping
			}
		} else if m != nil {
			if m.DeliveryURL != "" {
				r.DeliveryURL = m.DeliveryURL
				// The file is fetched into our store by a job, in this
				// transaction: the patron is served by our own link.
				if err := a.scheduleDeliveryFetch(tx, r.Agency, m.Supplier, r.PublicID, m.DeliveryURL); err != nil {
					return err
				}
			}
			if len(m.Items) > 0 {
				r.Items = m.Items
			}
			if m.Shipping != (ill.Shipping{}) {
				r.Shipping = m.Shipping
			}
			if len(m.Conditions) > 0 {
				r.Conditions = m.Conditions
			}
		}
	case ill.EffChooseService:
		if r.ServiceType == ill.CopyOrLoan && ch.in != nil {
			switch {
			case ch.in.DeliveredService == ill.Copy || ch.in.DeliveredService == ill.Loan:
				r.ServiceType = ch.in.DeliveredService
			case ch.in.Status == ill.StatusCopyCompleted:
				r.ServiceType = ill.Copy
			case ch.in.Status == ill.StatusLoaned:
				r.ServiceType = ill.Loan
			}
		}
	case ill.EffLateLender:
		// Handled before classification (see incoming.go).
	default:
		if h := effectHandlers[eff]; h != nil {
			return h(a, tx, ch)
		}
		return fmt.Errorf("app: unknown effect %q", eff)
	}
	return nil
}

func hasBarcode(items []ill.Item, b string) bool {
	for _, it := range items {
		if it.Barcode == b {
			return true
		}
	}
	return false
}

func dueGuard(t time.Time) string { return "due=" + t.UTC().Format(time.RFC3339) }
