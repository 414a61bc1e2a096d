package app

import (
	"encoding/json"
	"fmt"
	"strings"

	"interlend/internal/billing"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// Problems found at receipt (docs/problems.md): the wrong item, damaged
// on arrival, damaged by the patron, a bad or incomplete copy.
//
// Staff flag each with a table action (ill/problems_receipt.go) that
// tells the lender with a Notification whose note starts with a marker.
// The action's effect (EffReceiptProblem) does what must happen before
// the message is built (the marker, the charges, the new request of a
// re-request); a transition hook then opens, moves on or closes the
// problem and tells the patron, once the transition is saved. An
// Interlend lender reads the markers of the notes it receives: a bad
// copy goes to its queue to be scanned again, an item damaged on arrival
// waits for its decision.

func init() {
	addEffect(ill.EffReceiptProblem, receiptEffect)
	addTransitionHook(receiptHook)
	addProblemStep(ill.ProbDamagedArrival, "lender_decides", func(a *App, tx *store.Tx, r *ill.Request, p *store.Problem) error {
		if r.Side == ill.Lending {
			return a.flagProblem(tx, r, p) // the lender's queue: decide
		}
		return nil // the borrower waits for the answer
	})
	addProblemStep(ill.ProbBadCopy, "resend_asked", func(a *App, tx *store.Tx, r *ill.Request, p *store.Problem) error {
		if r.Side == ill.Lending {
			return a.flagProblem(tx, r, p) // the lender's queue: scan again
		}
		return a.problemNotice(tx, r, noticeCopyComing, "")
	})
	addProblemStep(ill.ProbBadCopy, "reminder", func(a *App, tx *store.Tx, r *ill.Request, p *store.Problem) error {
		if r.Side == ill.Lending {
			return a.flagProblem(tx, r, p)
		}
		return a.remindResend(tx, r, p)
	})
}

// markedNote is a Notification's note with its marker in front.
func markedNote(mark, note string) string {
	if note = strings.TrimSpace(note); note == "" {
		return mark
	}
	return mark + " " + note
}

// receiptEffect runs in the change, before its messages are built.
func receiptEffect(a *App, tx *store.Tx, ch *change) error {
	r := ch.req
	p := ch.params
	switch ill.ActionName(ch.name) {
	case ill.ActReceiveWrongItem:
		p["note"] = markedNote(ill.MarkWrongItem, "Wrong item received: "+p.Str("note")+" We are sending it back and will ask again.")
	case ill.ActReceiveDamaged:
		p["note"] = markedNote(ill.MarkDamagedArrival, "Damaged on arrival: "+p.Str("note")+" May we lend it to our patron as it is, or do you want it back?")
	case ill.ActCheckInDamaged:
		p["note"] = markedNote(ill.MarkDamagedPatron, "Damaged while with our patron: "+p.Str("note")+" Please tell us your repair or replacement charge.")
	case ill.ActReportBadCopy:
		if err := patronReportsOnce(tx, ch); err != nil {
			return err
		}
		p["note"] = markedNote(ill.MarkResendCopy, "The copy is bad or incomplete: "+p.Str("note")+" Please send it again.")
	case ill.ActAnswerDamage:
		mark := ill.MarkDamageLendOn
		if p.Str("decision") == ill.DecisionReturn {
			mark = ill.MarkDamageReturn
		}
		ch.data["decision"] = p.Str("decision")
		p["note"] = markedNote(mark, p.Str("note"))
	case ill.ActReturnWrongItem:
		r.ReturnShipping = ill.Shipping{Courier: p.Str("courier"), TrackingID: p.Str("trackingId")}
	case ill.ActRecordDamageCharge:
		return recordDamageCharge(a, tx, ch)
	case ill.ActRerequest:
		n, err := a.rerequest(tx, r, p.Str("lender"), p.Str("note"))
		if err != nil {
			return err
		}
		ch.data["rerequest"] = n.PublicID
	}
	return nil
}

// recordDamageCharge writes the lender's repair or replacement charge
// (we pay the lender) and, when given, the patron's bill (the patron pays
// us) on the ledger.
func recordDamageCharge(a *App, tx *store.Tx, ch *change) error {
	r, p := ch.req, ch.params
	note := p.Str("note")
	if cost := p.Money("cost"); cost.Minor > 0 {
		c := &store.Charge{RequestID: r.ID, Type: store.ChargeReplacement, Amount: cost, Payer: string(r.Agency), Payee: string(r.Partner),
			Status: store.ChargeAccepted, CreatedBy: ch.actor.UserID, Note: "damaged by the patron" + noteSuffix(note)}
		if err := tx.Agency().AddCharge(r.Agency, c); err != nil {
			return err
		}
		ch.data["charge"], ch.data["amount"] = c.ID, billing.Format(cost)
	}
	if fee := p.Money("patronFee"); fee.Minor > 0 {
		c := &store.Charge{RequestID: r.ID, Type: store.ChargePatronFee, Amount: fee, Payer: billing.Patron, Payee: string(r.Agency),
			Status: store.ChargeAccepted, CreatedBy: ch.actor.UserID, Note: string(FeeDamage) + noteSuffix(note)}
		if err := tx.Agency().AddCharge(r.Agency, c); err != nil {
			return err
		}
		ch.data["patronCharge"], ch.data["patronFee"] = c.ID, billing.Format(fee)
	}
	return nil
}

// FeeDamage is the patron fee kind of a bill for damage (the note of
// the patron's charge starts with it, like the other kinds).
const FeeDamage PatronFeeKind = "damage"

// receiptHook opens, moves on and closes the receipt problems once a
// transition is saved.
func receiptHook(a *App, tx *store.Tx, r *ill.Request, ev *ill.Event) error {
	switch ill.ActionName(ev.Name) {
	case ill.ActReceiveWrongItem:
		if _, err := a.openProblem(tx, r, ill.ProbWrongItem, eventString(ev, "note")); err != nil {
			return err
		}
		return a.problemNotice(tx, r, noticeDelayed, "")
	case ill.ActReceiveDamaged:
		_, err := a.openProblem(tx, r, ill.ProbDamagedArrival, eventString(ev, "note"))
		return err
	case ill.ActReturnWrongItem:
		if has, err := hasOpenProblem(tx, r, ill.ProbWrongItem); err != nil || has {
			if err == nil {
				_, err = a.advanceProblem(tx, r, ill.ProbWrongItem, "rerequest")
			}
			return err
		}
		if has, err := hasOpenProblem(tx, r, ill.ProbDamagedArrival); err != nil || !has {
			return err
		}
		if err := a.closeProblem(tx, r, ill.ProbDamagedArrival, "returned", "shipped back to the lender"); err != nil {
			return err
		}
		return a.problemNotice(tx, r, noticeDamagedReturned, "")
	case ill.ActDamageLendOn:
		return a.closeProblem(tx, r, ill.ProbDamagedArrival, "lent_on", "lent to the patron as it is")
	case ill.ActRerequest:
		return a.closeProblem(tx, r, ill.ProbWrongItem, "rerequested", "asked again as "+eventString(ev, "rerequest"))
	case ill.ActCheckInDamaged:
		_, err := a.openProblem(tx, r, ill.ProbDamagedPatron, eventString(ev, "note"))
		return err
	case ill.ActRecordDamageCharge:
		if err := a.closeProblem(tx, r, ill.ProbDamagedPatron, "billed", strings.TrimSpace(eventString(ev, "amount")+" "+eventString(ev, "patronFee"))); err != nil {
			return err
		}
		if fee := eventString(ev, "patronFee"); fee != "" {
			return a.problemNotice(tx, r, noticeDamageBill, fee)
		}
		return nil
	case ill.ActReportBadCopy:
		_, err := a.openProblem(tx, r, ill.ProbBadCopy, eventString(ev, "note"))
		return err
	case ill.ActAnswerDamage:
		return a.closeProblem(tx, r, ill.ProbDamagedArrival, "answered", eventString(ev, "decision"))
	}
	switch ev.Type {
	case "received_by_borrower", "return_shipped": // lending: the borrower decided without waiting for our answer
		if r.Side == ill.Lending {
			return a.closeProblem(tx, r, ill.ProbDamagedArrival, "answered", "the borrower "+strings.ReplaceAll(ev.Type, "_", " "))
		}
	case "problem_resolved": // staff resolved it another way
		for _, k := range []ill.ProblemKind{ill.ProbWrongItem, ill.ProbDamagedArrival} {
			if err := a.closeProblem(tx, r, k, "resolved", eventString(ev, "note")); err != nil {
				return err
			}
		}
	case "copy_resent": // the lender sent it again, or we received it again
		has, err := hasOpenProblem(tx, r, ill.ProbBadCopy)
		if err != nil || !has {
			return err
		}
		if err := a.closeProblem(tx, r, ill.ProbBadCopy, "resent", "a new copy was delivered"); err != nil {
			return err
		}
		if r.Side == ill.Borrowing {
			return a.problemNotice(tx, r, noticeCopyReady, "")
		}
	case "note_received":
		if r.Side == ill.Borrowing && ev.MessageID != 0 {
			if done, err := a.copyResent(tx, r, ev.MessageID); err != nil || done {
				return err
			}
		}
		return a.receiptNote(tx, r, eventString(ev, "partnerNote"))
	}
	return nil
}

// copyResent takes a copy the lender sent again: a CopyCompleted that
// only notifies (the status was CopyCompleted already, so the tables read
// it as a note) with a new delivery URL. The file is fetched and served
// to the patron like the first one; an open bad-copy problem closes and
// the patron is told. Reports whether the message was such a copy.
func (a *App) copyResent(tx *store.Tx, r *ill.Request, msgID int64) (bool, error) {
	m, err := tx.Agency().GetMessage(r.Agency, msgID)
	if err != nil {
		return false, err
	}
	in := m.Body
	if in.Status != ill.StatusCopyCompleted || in.DeliveryURL == "" || r.State != ill.BCompleted {
		return false, nil
	}
	r.DeliveryURL = in.DeliveryURL
	if err := tx.Agency().UpdateRequest(r.Agency, r, 0); err != nil {
		return true, err
	}
	if err := a.scheduleDeliveryFetch(tx, r.Agency, in.Supplier, r.PublicID, in.DeliveryURL); err != nil {
		return true, err
	}
	if err := a.event(tx, r, ill.Actor{Kind: ill.ActorPartner, Partner: m.Partner}, "copy_resent", "delivery", map[string]any{"note": in.Note}, msgID); err != nil {
		return true, err
	}
	has, err := hasOpenProblem(tx, r, ill.ProbBadCopy)
	if err != nil || !has {
		return true, err
	}
	if err := a.closeProblem(tx, r, ill.ProbBadCopy, "resent", "a new copy was delivered"); err != nil {
		return true, err
	}
	return true, a.problemNotice(tx, r, noticeCopyReady, "")
}

// receiptNote acts on a partner's note that starts with a receipt
// problem's marker.
func (a *App) receiptNote(tx *store.Tx, r *ill.Request, note string) error {
	mark, rest := ill.ReceiptMark(note)
	switch {
	case mark == "":
		return nil
	case r.Side == ill.Lending && mark == ill.MarkResendCopy:
		_, err := a.openProblem(tx, r, ill.ProbBadCopy, rest)
		return err
	case r.Side == ill.Lending && mark == ill.MarkDamagedArrival:
		_, err := a.openProblem(tx, r, ill.ProbDamagedArrival, rest)
		return err
	case r.Side == ill.Borrowing && (mark == ill.MarkDamageLendOn || mark == ill.MarkDamageReturn):
		has, err := hasOpenProblem(tx, r, ill.ProbDamagedArrival)
		if err != nil || !has {
			return err
		}
		decision := ill.DecisionLendOn
		if mark == ill.MarkDamageReturn {
			decision = ill.DecisionReturn
		}
		if err := a.event(tx, r, ill.Actor{Kind: ill.ActorPartner, Partner: r.Partner}, "damage_answered", "note", map[string]any{"decision": decision, "note": rest}, 0); err != nil {
			return err
		}
		if _, err := a.advanceProblem(tx, r, ill.ProbDamagedArrival, "attention"); err != nil {
			return err
		}
		// The request says what the lender decided.
		r.Attention, r.AttentionReason = true, "problem:"+string(ill.ProbDamagedArrival)+":decided:"+decision
		return tx.Agency().UpdateRequest(r.Agency, r, 0)
	}
	return nil
}

// remindResend sends the bad-copy Notification again (the reminder step).
func (a *App) remindResend(tx *store.Tx, r *ill.Request, p *store.Problem) error {
	if r.Partner == "" {
		return nil
	}
	note := markedNote(ill.MarkResendCopy, "Reminder: the copy we reported bad or incomplete has not come again. "+p.Note)
	id, err := a.send(tx, r, outgoing{to: r.Partner, spec: ill.MessageSpec{Kind: ill.MsgRAM, Action: ill.ActionNotification}, params: Params{"note": note}})
	if err != nil {
		return err
	}
	return a.event(tx, r, ill.SystemActor(), "note_sent", "problem_reminder", map[string]any{"note": note, "sent": []int64{id}}, 0)
}

func hasOpenProblem(tx *store.Tx, r *ill.Request, kind ill.ProblemKind) (bool, error) {
	_, err := tx.Agency().OpenProblemOf(r.Agency, r.ID, kind)
	if ill.Is(err, ill.NotFound) {
		return false, nil
	}
	return err == nil, err
}

// eventString reads a text field of an event's data.
func eventString(ev *ill.Event, key string) string {
	var m map[string]any
	if len(ev.Data) == 0 || json.Unmarshal(ev.Data, &m) != nil {
		return ""
	}
	switch v := m[key].(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}
