package app

import (
	"context"
	"fmt"
	"time"

	"interlend/internal/ill"
	"interlend/internal/jobs"
	"interlend/internal/store"
)

// Returns and follow-up on the lending side: a damaged return's charge,
// the automatic approval of a first renewal, and the escalating overdue
// notices. The check-in itself is a return scan (lending_ship.go); a
// recall and a loan written off as lost are actions of the state tables
// (recall, close_lost_loan with its replacement charge).

// Job kinds.
const (
	// KindAutoRenew answers a borrower's renewal request by the agency's
	// rule (approve the first when no other library waits for the item).
	KindAutoRenew = "lending.auto_renew"
	// KindOverdueNotices sends the second and final overdue notices of
	// every hosted library, once a day.
	KindOverdueNotices = "lending.overdue_notices"
)

// Event types recorded here.
const (
	evOverdueNotice   = "overdue_notice"
	evAutoRenewRefuse = "auto_renewal_skipped"
	evDamaged         = "returned_damaged"
	attentionOverdue  = "overdue_final_notice"
)

type autoRenewPayload struct {
	Agency  ill.AgencyID `json:"agency"`
	Request string       `json:"request"`
}

func init() {
	addJobs(func(a *App) {
		a.Jobs.Register(jobs.Kind{Name: KindAutoRenew, MaxAttempts: 5, Handler: a.runAutoRenew})
		a.Jobs.Register(jobs.Kind{Name: KindOverdueNotices, Timeout: 10 * time.Minute, Handler: a.runOverdueNotices})
	})
	addSchedule(func(a *App, tx *store.Tx) error { return scheduleOverdueNotices(tx, tx.Now()) })
	addTransitionHook(autoRenewHook)
}

// autoRenewHook queues the renewal rule when a borrower asks to renew.
func autoRenewHook(a *App, tx *store.Tx, r *ill.Request, ev *ill.Event) error {
	if r.Side != ill.Lending || ev.Type != "renew_requested" || ev.From == ev.To {
		return nil
	}
	_, err := tx.System().EnqueueJob(store.NewJob{Kind: KindAutoRenew, Agency: r.Agency, Ref: r.PublicID,
		IdempotencyKey: fmt.Sprintf("%s:%s:%s:%d", KindAutoRenew, r.Agency, r.PublicID, r.RenewalCount),
		Payload:        autoRenewPayload{Agency: r.Agency, Request: r.PublicID}})
	return err
}

// runAutoRenew approves the renewal when the rule allows it; otherwise it
// records why it left the question to staff.
func (a *App) runAutoRenew(ctx context.Context, run *jobs.Run) error {
	var p autoRenewPayload
	if err := run.Job.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	return run.Complete(ctx, func(tx *store.Tx) error {
		r, err := tx.Agency().LockRequest(p.Agency, p.Request)
		if ill.Is(err, ill.NotFound) {
			return nil
		}
		if err != nil || r.State != ill.LRenewRequested {
			return err
		}
		set, err := LendingOpsSetting.GetTx(tx, p.Agency)
		if err != nil {
			return err
		}
		actor := lendingSystemActor(p.Agency)
		why := ""
		switch {
		case !set.AutoRenewFirst:
			return nil // staff answer every renewal
		case r.RenewalCount > 0:
			why = "not the first renewal"
		case r.HoldReturn:
			why = "returns are on hold"
		default:
			waiting, err := a.waitingFor(tx, r)
			if err != nil {
				return err
			}
			if waiting != "" {
				why = "another library is waiting for the item (" + waiting + ")"
			}
		}
		if why != "" {
			return a.event(tx, r, actor, evAutoRenewRefuse, "auto_renew", map[string]any{"why": why}, 0)
		}
		return a.perform(tx, actor, r, ill.ActApproveRenew, nil, 0)
	})
}

func lendingSystemActor(ag ill.AgencyID) ill.Actor {
	a := ill.SystemActor()
	a.Agency = ag
	return a
}

// waitingStates are lending states of a request waiting for the item.
var waitingStates = []ill.State{ill.LNew, ill.LAwaitingSlip, ill.LPulled, ill.LNotOnShelf, ill.LConditional}

// waitingFor names another open lending request of the agency waiting for
// the same item (its barcode) or title (ISBN, OCLC number): a hold. "" if
// none.
func (a *App) waitingFor(tx *store.Tx, r *ill.Request) (string, error) {
	var queries []string
	for _, it := range r.Items {
		if it.Barcode != "" {
			queries = append(queries, it.Barcode)
		}
	}
	if r.Citation.ISBN != "" {
		queries = append(queries, r.Citation.ISBN)
	}
	if r.Citation.OCLCNumber != "" {
		queries = append(queries, r.Citation.OCLCNumber)
	}
	for _, q := range queries {
		rs, _, err := tx.Agency().ListRequests(r.Agency, store.RequestFilter{Side: ill.Lending, Open: true, States: waitingStates, Query: q, Limit: 20})
		if err != nil {
			return "", err
		}
		for _, o := range rs {
			if o.ID == r.ID {
				continue
			}
			same := hasBarcode(o.Items, q) || r.Citation.ISBN != "" && o.Citation.ISBN == r.Citation.ISBN ||
				r.Citation.OCLCNumber != "" && o.Citation.OCLCNumber == r.Citation.OCLCNumber
			if same {
				return o.PublicID, nil
			}
		}
	}
	return "", nil
}

// recordDamage records a return that came back damaged: an event, a
// note to the borrowing library, and a charge (when one is given) to its
// account in the charges ledger.
func (a *App) recordDamage(tx *store.Tx, actor ill.Actor, r *ill.Request, cost ill.Money, note string) (int64, error) {
	text := "Returned damaged"
	if note != "" {
		text += ": " + note
	}
	var chargeID int64
	if cost.Minor > 0 {
		c := &store.Charge{RequestID: r.ID, Type: store.ChargeReplacement, Amount: cost, Payer: string(r.Partner), Payee: string(r.Agency),
			Status: store.ChargeQuoted, CreatedBy: actor.UserID, Note: text}
		if err := tx.Agency().AddCharge(r.Agency, c); err != nil {
			return 0, err
		}
		chargeID = c.ID
	}
	data := map[string]any{"note": text}
	if chargeID != 0 {
		data["charge"] = chargeID
	}
	if r.Partner != "" {
		id, err := a.send(tx, r, outgoing{to: r.Partner, spec: ill.MessageSpec{Kind: ill.MsgSAM, Reason: ill.ReasonNotification},
			params: Params{"note": text}})
		if err != nil {
			return 0, err
		}
		data["sent"] = []int64{id}
		if err := tx.Agency().UpdateRequest(r.Agency, r, 0); err != nil {
			return 0, err
		}
	}
	return chargeID, a.event(tx, r, actor, evDamaged, "check_in_return", data, 0)
}

// scheduleOverdueNotices enqueues the daily overdue run at the next 06:00
// UTC after at (once per day whichever node asks).
func scheduleOverdueNotices(tx *store.Tx, at time.Time) error {
	next := time.Date(at.Year(), at.Month(), at.Day(), 6, 0, 0, 0, time.UTC)
	if !next.After(at) {
		next = next.Add(24 * time.Hour)
	}
	_, err := tx.System().EnqueueJob(store.NewJob{Kind: KindOverdueNotices, RunAt: next, OrderingKey: KindOverdueNotices,
		IdempotencyKey: KindOverdueNotices + ":" + next.Format(time.RFC3339)})
	return err
}

// runOverdueNotices is the daily job: notices for every hosted library,
// then the next run.
func (a *App) runOverdueNotices(ctx context.Context, run *jobs.Run) error {
	if _, err := a.SendOverdueNotices(ctx); err != nil {
		return err
	}
	return run.Complete(ctx, func(tx *store.Tx) error { return scheduleOverdueNotices(tx, tx.Now()) })
}

// OverdueNotice is one notice sent by SendOverdueNotices.
type OverdueNotice struct {
	Agency  ill.AgencyID
	Request string
	Level   int // 2: second notice, 3: final notice
	Days    int // days overdue
}

// SendOverdueNotices sends, for every overdue lending loan of every hosted
// library, the notice it is due by the library's settings: the second
// notice SecondNoticeDays after the due date, the final one
// FinalNoticeDays after it (flagging the request for staff). The first
// notice is the Overdue status sent on the due date. Each notice is an
// ISO 18626 Overdue status (reason Notification) with a note, sent once.
func (a *App) SendOverdueNotices(ctx context.Context) ([]OverdueNotice, error) {
	ags, err := a.Agencies(ctx)
	if err != nil {
		return nil, err
	}
	var out []OverdueNotice
	for _, ag := range ags {
		err := a.write(ctx, func(tx *store.Tx) error {
			set, err := LendingOpsSetting.GetTx(tx, ag.ID)
			if err != nil {
				return err
			}
			if set.SecondNoticeDays == 0 && set.FinalNoticeDays == 0 {
				return nil
			}
			rs, _, err := tx.Agency().ListRequests(ag.ID, store.RequestFilter{Side: ill.Lending, States: []ill.State{ill.LOverdue}, Sort: "id", Limit: 500})
			if err != nil {
				return err
			}
			now := tx.Now()
			for _, listed := range rs {
				r, err := tx.Agency().LockRequest(ag.ID, listed.PublicID)
				if err != nil {
					return err
				}
				n, err := a.overdueNotice(tx, r, set, now)
				if err != nil {
					return err
				}
				if n.Level > 0 {
					out = append(out, n)
				}
			}
			return nil
		})
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// overdueNotice sends the notice one overdue loan is due, if any.
func (a *App) overdueNotice(tx *store.Tx, r *ill.Request, set LendingOpsSettings, now time.Time) (OverdueNotice, error) {
	if r.State != ill.LOverdue || r.LenderDue.IsZero() || r.Partner == "" {
		return OverdueNotice{}, nil
	}
	days := int(now.Sub(r.LenderDue) / (24 * time.Hour))
	evs, err := tx.Agency().Events(r.Agency, r.ID)
	if err != nil {
		return OverdueNotice{}, err
	}
	sent := 0
	for _, e := range evs {
		if e.Type == evOverdueNotice {
			sent++
		}
	}
	level := 0
	switch {
	case set.FinalNoticeDays > 0 && days >= set.FinalNoticeDays && sent < 2:
		level = 3
	case set.SecondNoticeDays > 0 && days >= set.SecondNoticeDays && sent < 1:
		level = 2
	}
	if level == 0 {
		return OverdueNotice{}, nil
	}
	due := r.LenderDue.UTC().Format("2006-01-02")
	note := fmt.Sprintf("Second overdue notice: %s was due on %s (%d days ago). Please return it.", r.PublicID, due, days)
	if level == 3 {
		note = fmt.Sprintf("Final overdue notice: %s was due on %s (%d days ago). Please return it now or tell us if it is lost; a replacement charge may follow.", r.PublicID, due, days)
		r.Attention, r.AttentionReason = true, attentionOverdue
	}
	id, err := a.send(tx, r, outgoing{to: r.Partner, spec: ill.MessageSpec{Kind: ill.MsgSAM, Status: ill.StatusOverdue, Reason: ill.ReasonNotification},
		params: Params{"note": note}})
	if err != nil {
		return OverdueNotice{}, err
	}
	if err := tx.Agency().UpdateRequest(r.Agency, r, 0); err != nil {
		return OverdueNotice{}, err
	}
	if err := a.event(tx, r, ill.SystemActor(), evOverdueNotice, "overdue_notice", map[string]any{"level": level, "days": days, "note": note, "sent": []int64{id}}, 0); err != nil {
		return OverdueNotice{}, err
	}
	return OverdueNotice{Agency: r.Agency, Request: r.PublicID, Level: level, Days: days}, nil
}

// RenewalRequests lists the renewals waiting for an answer.
func (a *App) RenewalRequests(ctx context.Context, actor ill.Actor) ([]*ill.Request, error) {
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return nil, err
	}
	var out []*ill.Request
	err := a.read(ctx, func(tx *store.Tx) (err error) {
		out, _, err = tx.Agency().ListRequests(actor.Agency, store.RequestFilter{Side: ill.Lending, States: []ill.State{ill.LRenewRequested}, Sort: "oldest", Limit: 200})
		return err
	})
	return out, err
}

// LendingQueue lists the agency's lending requests in some states.
func (a *App) LendingQueue(ctx context.Context, actor ill.Actor, states []ill.State, limit int) ([]*ill.Request, error) {
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return nil, err
	}
	var out []*ill.Request
	err := a.read(ctx, func(tx *store.Tx) (err error) {
		out, _, err = tx.Agency().ListRequests(actor.Agency, store.RequestFilter{Side: ill.Lending, States: states, Sort: "need_before", Limit: limit})
		return err
	})
	return out, err
}
