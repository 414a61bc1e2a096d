package app

import (
	"slices"
	"strings"

	"interlend/internal/billing"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// Problems in transit (docs/problems.md):
//
// Not received (ill.ProbNotReceived). When the lender's Loaned moves a
// borrowing request to shipped, a detection timer starts (the aging
// table's detect row, business days of our calendar). If the request is
// still shipped when it fires, the problem opens: a StatusRequest goes to
// the lender and the patron is told the item is delayed; the "claim" step
// then waits for staff, who claim it lost in transit (the Lost action of
// ISO 18626 2021, a marked Notification in v1.2). The lender agrees with
// CompletedWithoutReturn (or staff record its answer), which moves the
// problem to "settle": staff record a replacement charge to the lender on
// the ledger, or that it was waived; the patron is told the item is lost.
// If the item turns up (received) the problem closes as resolved.
//
// Claimed returned (ill.ProbClaimedReturned). After our ShippedReturn the
// lender says it never came: an Overdue status, or a Notification whose
// note starts with ill.MarkReturnNotReceived (an Interlend lender's
// return_not_received action sends both). The problem opens at "trace":
// staff look up the return's courier and tracking (shown on the request)
// and answer the lender with them. LoanCompleted (found) closes it; the
// lender's CompletedWithoutReturn, staff's record of its answer or the
// step's time move it to "settle", as above. The lender's own side opens
// the same kind of problem in its queue and closes it when it checks the
// item in or closes the loan as lost.

// The transit problems' patron notices.
const (
	noticeTransitDelayed = "patron.problem_transit_delayed" // not received yet: asked the lender
	noticeTransitLost    = "patron.problem_transit_lost"    // lost in transit: the request is closed
)

// TransitNotices lists the transit problems' patron notices.
var TransitNotices = []PatronNotice{
	{Key: noticeTransitDelayed, Event: "problem_transit_delayed"},
	{Key: noticeTransitLost, Event: "problem_transit_lost"},
}

func init() {
	registerPatronNotices(TransitNotices, "")
	addEffect(ill.EffTransitProblem, transitEffect)
	addTransitionHook(transitHook)
	addProblemWatch(ill.ProbNotReceived, func(a *App, tx *store.Tx, r *ill.Request, guard string) (bool, error) {
		return r.Side == ill.Borrowing && r.State == ill.BShipped, nil
	})
	addProblemStep(ill.ProbNotReceived, "status_request", func(a *App, tx *store.Tx, r *ill.Request, p *store.Problem) error {
		if r.Partner != "" && r.State == ill.BShipped {
			if err := a.performSystem(tx, r, ill.ActStatusRequest, nil); err != nil {
				return err
			}
		}
		return a.problemNotice(tx, r, noticeTransitDelayed, "")
	})
	addProblemStep(ill.ProbClaimedReturned, "trace", func(a *App, tx *store.Tx, r *ill.Request, p *store.Problem) error {
		if r.Side == ill.Lending {
			return nil // the lender waits for the borrower's trace
		}
		return a.flagProblem(tx, r, p)
	})
}

// transitEffect runs in the change, before its messages are built.
func transitEffect(a *App, tx *store.Tx, ch *change) error {
	r, p := ch.req, ch.params
	switch ill.ActionName(ch.name) {
	case ill.ActClaimLostTransit:
		p["note"] = strings.TrimSpace(claimPrefix + " the item you shipped for this request has not arrived. We claim it lost in transit; please agree (CompletedWithoutReturn) and tell us your replacement charge. " + p.Str("note"))
	case ill.ActAnswerReturnClaim:
		p["note"] = strings.TrimSpace(p.Str("note") + returnTrace(r))
	case ill.ActReturnNotReceived:
		p["note"] = markedNote(ill.MarkReturnNotReceived, "You told us you shipped the item back; it has not arrived. Please trace the shipment. "+p.Str("note"))
	case ill.ActSettleLost:
		ch.data["outcome"] = p.Str("outcome")
		cost := p.Money("cost")
		if p.Str("outcome") != ill.SettleCharge {
			return nil
		}
		if cost.Minor <= 0 {
			return ill.E(ill.Invalid, "a replacement charge needs an amount (or settle it as waived)")
		}
		what := "lost in transit"
		if has, err := hasOpenProblem(tx, r, ill.ProbClaimedReturned); err != nil {
			return err
		} else if has {
			what = "return lost in transit"
		}
		c := &store.Charge{RequestID: r.ID, Type: store.ChargeReplacement, Amount: cost, Payer: string(r.Agency), Payee: string(r.Partner),
			Status: store.ChargeAccepted, CreatedBy: ch.actor.UserID, Note: what + noteSuffix(p.Str("note"))}
		if err := tx.Agency().AddCharge(r.Agency, c); err != nil {
			return err
		}
		ch.data["charge"], ch.data["amount"] = c.ID, billing.Format(cost)
	}
	return nil
}

// returnTrace is what we know of the return shipment, for the lender.
func returnTrace(r *ill.Request) string {
	s := r.ReturnShipping
	if s.Courier == "" && s.TrackingID == "" {
		return ""
	}
	out := "\nOur return shipment:"
	if s.Courier != "" {
		out += " courier " + s.Courier
	}
	if s.TrackingID != "" {
		out += ", tracking " + s.TrackingID
	}
	return strings.TrimPrefix(out, "\n") + "."
}

// transitHook opens, moves on and closes the transit problems once a
// transition is saved.
func transitHook(a *App, tx *store.Tx, r *ill.Request, ev *ill.Event) error {
	if r.ServiceType == ill.Copy {
		return nil
	}
	if r.Side == ill.Lending {
		return transitLendingHook(a, tx, r, ev)
	}
	switch ill.ActionName(ev.Name) {
	case ill.ActClaimLostTransit:
		if err := a.unwatchNotReceived(tx, r); err != nil {
			return err
		}
		return a.openProblemAt(tx, r, ill.ProbNotReceived, "claim", eventString(ev, "note"))
	case ill.ActLostAgreed:
		return a.transitAgreed(tx, r)
	case ill.ActResolveProblem:
		return a.closeProblem(tx, r, ill.ProbNotReceived, "resolved", eventString(ev, "note"))
	case ill.ActSettleLost:
		outcome := eventString(ev, "outcome")
		note := eventString(ev, "amount")
		if outcome == ill.SettleWaived {
			note = "waived by the lender"
		}
		if has, err := hasOpenProblem(tx, r, ill.ProbNotReceived); err != nil {
			return err
		} else if has {
			if err := a.closeProblem(tx, r, ill.ProbNotReceived, outcome, note); err != nil {
				return err
			}
			return a.problemNotice(tx, r, noticeTransitLost, "")
		}
		return a.closeProblem(tx, r, ill.ProbClaimedReturned, outcome, note)
	}
	switch {
	case ev.Type == "shipped" && ev.To == ill.BShipped && ev.From != ev.To:
		_, err := a.watchProblem(tx, r, ill.ProbNotReceived, "")
		return err
	case ev.From != ev.To && slices.Contains([]ill.State{ill.BShipped, ill.BProblem}, ev.From) &&
		slices.Contains([]ill.State{ill.BReceived, ill.BAwaitingPickup, ill.BCheckedOut}, ev.To):
		if err := a.unwatchNotReceived(tx, r); err != nil {
			return err
		}
		return a.closeProblem(tx, r, ill.ProbNotReceived, "resolved", "received after all")
	case ev.From == ill.BShipped && ev.To != ill.BShipped:
		return a.unwatchNotReceived(tx, r) // received, claimed, reported, closed: nothing left to detect
	case ill.IncomingEvent(ev.Name) == ill.InCompletedNoReturn:
		return a.transitAgreed(tx, r)
	case ev.Type == "lender_overdue" && r.State == ill.BReturnShipped:
		_, err := a.openProblem(tx, r, ill.ProbClaimedReturned, "the lender says our return has not arrived (Overdue)")
		return err
	case ev.Type == "note_received" && r.State == ill.BReturnShipped:
		note := eventString(ev, "partnerNote")
		if rest, ok := strings.CutPrefix(strings.TrimSpace(note), ill.MarkReturnNotReceived); ok {
			_, err := a.openProblem(tx, r, ill.ProbClaimedReturned, strings.TrimSpace(rest))
			return err
		}
	case ev.Type == "checked_in" && ev.From == ill.BReturnShipped:
		return a.closeProblem(tx, r, ill.ProbClaimedReturned, "found", "the lender checked it in")
	}
	return nil
}

// unwatchNotReceived cancels a pending "not received" detection of r
// (the request left shipped: the item came, or the request ended), so
// that a finished request keeps no job.
func (a *App) unwatchNotReceived(tx *store.Tx, r *ill.Request) error {
	return a.cancelProblemTimers(tx, r, ill.ProbNotReceived, ill.StepDetect)
}

// transitAgreed moves an open transit problem to "settle": the lender
// agreed the item is lost.
func (a *App) transitAgreed(tx *store.Tx, r *ill.Request) error {
	for _, k := range []ill.ProblemKind{ill.ProbNotReceived, ill.ProbClaimedReturned} {
		p, err := tx.Agency().OpenProblemOf(r.Agency, r.ID, k)
		if ill.Is(err, ill.NotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if p.Step == "settle" {
			return nil
		}
		_, err = a.advanceProblem(tx, r, k, "settle")
		return err
	}
	return nil
}

// claimPrefix starts the note of our claim that a loan was lost in
// transit: an Interlend lender files the Lost under "not received".
const claimPrefix = "Not received:"

// openProblemAt opens a problem of kind on r (if none is open) straight
// at step, or moves the open one there: a staff claim or a partner's word
// that comes before the detection would have.
func (a *App) openProblemAt(tx *store.Tx, r *ill.Request, kind ill.ProblemKind, step, note string) error {
	p := &store.Problem{RequestID: r.ID, Kind: kind, Step: ill.StepDetect, Note: note}
	created, err := tx.Agency().OpenProblem(r.Agency, p)
	if err != nil {
		return err
	}
	if created {
		if err := a.event(tx, r, ill.SystemActor(), "problem_opened", string(kind), map[string]any{"problem": p.ID, "kind": kind, "note": note}, 0); err != nil {
			return err
		}
	}
	if p.Step == step {
		return nil
	}
	return a.enterProblemStep(tx, r, p, step)
}

// transitLendingHook follows the transit problems on the lender's side:
// the borrower's claim that a loan never came (a Lost whose note starts
// with claimPrefix), our own word that its return never came.
func transitLendingHook(a *App, tx *store.Tx, r *ill.Request, ev *ill.Event) error {
	switch {
	case ill.ActionName(ev.Name) == ill.ActReturnNotReceived:
		_, err := a.openProblem(tx, r, ill.ProbClaimedReturned, eventString(ev, "note"))
		return err
	case ill.IncomingEvent(ev.Name) == ill.InLost && ev.Type == "lost" && strings.HasPrefix(eventString(ev, "partnerNote"), claimPrefix):
		return a.openProblemAt(tx, r, ill.ProbNotReceived, "claim", eventString(ev, "partnerNote"))
	case ev.Type == "checked_in":
		if err := a.closeProblem(tx, r, ill.ProbNotReceived, "found", "checked in"); err != nil {
			return err
		}
		return a.closeProblem(tx, r, ill.ProbClaimedReturned, "found", "checked in")
	case ill.ActionName(ev.Name) == ill.ActCloseLostLend:
		if err := a.closeProblem(tx, r, ill.ProbNotReceived, "lost", eventString(ev, "note")); err != nil {
			return err
		}
		return a.closeProblem(tx, r, ill.ProbClaimedReturned, "lost", eventString(ev, "note"))
	case ill.ActionName(ev.Name) == ill.ActResolveProblem:
		return a.closeProblem(tx, r, ill.ProbNotReceived, "resolved", eventString(ev, "note"))
	}
	return nil
}
