package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"interlend/internal/catalog"
	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/jobs"
	"interlend/internal/marc"
	"interlend/internal/store"
)

// The own-holdings rule: a new borrowing request goes to review as "we
// own this" only when a copy of our own is available and requestable now
// — on the shelf and lendable in our catalog, and, when the ILS answers
// LookupItem, on the shelf there with no holds queued. Otherwise routing
// goes on, and the rota's explanation records why (not held, not
// lendable, on loan, the ILS's answer). Requests placed by staff are not
// held (staff are the mediation) but their explanation shows the check.

// Review reasons of the rule.
const (
	ReviewOwnHoldings = "own_holdings"       // we own an available copy
	ReviewOwnCheck    = "own_holdings_check" // held while the ILS is asked
)

// KindOwnCheck is the job that asks the ILS about our copies of requests
// held for the check.
const KindOwnCheck = "routing.own_check"

// ownCheckAttempts bounds the job's attempts while the ILS is down; after
// the last, the requests go on (the check could not be made).
const ownCheckAttempts = 4

// maxOwnCopies bounds the copies asked about.
const maxOwnCopies = 5

// Own-holdings verdicts.
const (
	OwnNotHeld     = "not_held"     // no matching record in our catalog
	OwnNotLendable = "not_lendable" // records, but no copy may circulate (or no holdings of the issue)
	OwnOnLoan      = "on_loan"      // lendable copies, none on the shelf
	OwnAvailable   = "available"    // a copy on the shelf (catalog): we own this
	OwnLiveYes     = "available_now"
	OwnLiveNo      = "not_available_now"
	OwnLiveUnknown = "ils_unknown"
)

// OwnHoldings is the own-holdings check of a borrowing request.
type OwnHoldings struct {
	Verdict    string     `json:"verdict"`
	Records    int        `json:"records"`   // matching records in our catalog
	Copies     int        `json:"copies"`    // copies that may circulate
	Available  int        `json:"available"` // of those, on the shelf (catalog)
	CallNumber string     `json:"callNumber,omitempty"`
	Barcodes   []string   `json:"barcodes,omitempty"` // on the shelf first
	Live       *LiveCheck `json:"live,omitempty"`
}

// LiveCheck is what the ILS said about our copies.
type LiveCheck struct {
	At      time.Time  `json:"at"`
	Items   []LiveItem `json:"items,omitempty"`
	Problem string     `json:"problem,omitempty"` // the ILS could not answer
}

// LiveItem is one copy as the ILS described it.
type LiveItem struct {
	Barcode   string    `json:"barcode"`
	Available bool      `json:"available"`
	Status    string    `json:"status,omitempty"`
	Due       time.Time `json:"due,omitzero"`
	HoldQueue int       `json:"holdQueue,omitempty"`
	Problem   string    `json:"problem,omitempty"`
}

// ownCatalogCheck looks the request up in the agency's own imported
// catalog.
func ownCatalogCheck(tx *store.Tx, agency ill.AgencyID, r *ill.Request) (OwnHoldings, error) {
	own := OwnHoldings{Verdict: OwnNotHeld}
	hs, err := catalog.Local{Index: txIndex{tx}, Only: []ill.AgencyID{agency}}.Holders(tx.Context(), r.Citation)
	if err != nil {
		return own, err
	}
	var later []string
	for _, h := range hs {
		for _, m := range h.Matches {
			own.Records++
			if own.CallNumber == "" {
				own.CallNumber = m.Record.CallNumber
			}
			if r.ServiceType != ill.Loan && m.Coverage == marc.MatchYes {
				own.Copies++
				own.Available++
			}
			for _, it := range m.Record.Items {
				if !it.Lendable && r.ServiceType == ill.Loan {
					continue
				}
				own.Copies++
				if !it.OnLoan {
					own.Available++
					if it.Barcode != "" {
						own.Barcodes = append(own.Barcodes, it.Barcode)
					}
				} else if it.Barcode != "" {
					later = append(later, it.Barcode)
				}
			}
		}
	}
	own.Barcodes = append(own.Barcodes, later...) // the catalog may be out of date: the ILS is asked about these too
	if len(own.Barcodes) > maxOwnCopies {
		own.Barcodes = own.Barcodes[:maxOwnCopies]
	}
	switch {
	case own.Records == 0:
	case own.Copies == 0:
		own.Verdict = OwnNotLendable
	case own.Available == 0:
		own.Verdict = OwnOnLoan
	default:
		own.Verdict = OwnAvailable
	}
	return own, nil
}

// lookupItemOn reports whether the agency's ILS answers LookupItem.
func lookupItemOn(s ils.Settings) bool {
	return s.Driver == ils.DriverNCIP && (len(s.Services) == 0 || slices.Contains(s.Services, ils.LookupItem))
}

type ownCheckPayload struct {
	Agency ill.AgencyID `json:"agency"`
}

// ownHoldingsIntake applies the rule to a new request (see above): held
// for review when our catalog shows a copy on the shelf and no ILS can be
// asked, held for the check when one can.
func ownHoldingsIntake(tx *store.Tx, actor ill.Actor, r *ill.Request) error {
	if r.Side != ill.Borrowing || r.State != ill.BValidated || actor.Kind == ill.ActorStaff {
		return nil
	}
	own, err := ownCatalogCheck(tx, actor.Agency, r)
	if err != nil || own.Verdict != OwnAvailable {
		return err
	}
	s, err := ILSSetting.GetTx(tx, actor.Agency)
	if err != nil {
		return err
	}
	if !lookupItemOn(s) || len(own.Barcodes) == 0 {
		r.State, r.ReviewReason = ill.BReview, ReviewOwnHoldings
		return nil
	}
	r.State, r.ReviewReason = ill.BReview, ReviewOwnCheck
	_, err = tx.System().EnqueueJob(store.NewJob{Kind: KindOwnCheck, Agency: actor.Agency, MaxAttempts: ownCheckAttempts,
		IdempotencyKey: fmt.Sprintf("%s:%s:%d", KindOwnCheck, actor.Agency, tx.Now().UnixMicro()),
		Payload:        ownCheckPayload{Agency: actor.Agency}})
	return err
}

func (a *App) registerOwnHoldingsJob() {
	a.Jobs.Register(jobs.Kind{Name: KindOwnCheck, MaxAttempts: ownCheckAttempts, Timeout: time.Minute, Handler: a.checkOwnHoldings})
}

// checkOwnHoldings asks the ILS about our copies of every request of the
// agency held for the check, and decides each: review as "we own this",
// or on to routing (and, for a patron's request, to the first lender).
func (a *App) checkOwnHoldings(ctx context.Context, run *jobs.Run) error {
	var p ownCheckPayload
	if err := run.Job.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	var held []*ill.Request
	err := a.read(ctx, func(tx *store.Tx) error {
		rs, _, err := tx.Agency().ListRequests(p.Agency, store.RequestFilter{Side: ill.Borrowing, States: []ill.State{ill.BReview}, Limit: 500, Sort: "created"})
		for _, r := range rs {
			if r.ReviewReason == ReviewOwnCheck {
				held = append(held, r)
			}
		}
		return err
	})
	if err != nil || len(held) == 0 {
		return err
	}
	d, derr := a.ILSFor(ctx, p.Agency)
	last := run.Job.Attempts >= ownCheckAttempts
	for _, r := range held {
		var own OwnHoldings
		if err := a.read(ctx, func(tx *store.Tx) (err error) { own, err = ownCatalogCheck(tx, p.Agency, r); return }); err != nil {
			return err
		}
		live := &LiveCheck{At: a.Clock.Now()}
		down := derr
		if derr == nil {
			for _, b := range own.Barcodes {
				it, err := d.LookupItem(ctx, ils.LookupItemInput{ItemID: b})
				li := LiveItem{Barcode: b, Available: err == nil && it.Available, Status: it.Status, Due: it.Due, HoldQueue: it.HoldQueue}
				if err != nil {
					li.Problem = ill.UserMessage(err)
					if ils.ClassOf(err) == ils.Unavailable || ils.ClassOf(err) == 0 {
						down = err
					}
				}
				live.Items = append(live.Items, li)
			}
		}
		own.Live = live
		switch {
		case slices.ContainsFunc(live.Items, func(i LiveItem) bool { return i.Available && i.HoldQueue == 0 }):
			own.Verdict = OwnLiveYes
		case down != nil && !last:
			return down // try again: nothing written for this request
		case down != nil:
			own.Verdict, live.Problem = OwnLiveUnknown, ill.UserMessage(down)
		default:
			own.Verdict = OwnLiveNo
		}
		if err := a.write(ctx, func(tx *store.Tx) error { return a.decideOwnCheck(tx, r.Agency, r.PublicID, own) }); err != nil {
			return err
		}
	}
	return nil
}

// decideOwnCheck applies the live check's verdict to a request still held
// for it.
func (a *App) decideOwnCheck(tx *store.Tx, agency ill.AgencyID, publicID string, own OwnHoldings) error {
	r, err := tx.Agency().LockRequest(agency, publicID)
	if err != nil || r.State != ill.BReview || r.ReviewReason != ReviewOwnCheck {
		return err // gone, or decided by staff meanwhile
	}
	sys := ill.SystemActor()
	sys.Agency = agency
	data := map[string]any{"ownHoldings": own.Verdict, "live": own.Live}
	if own.Verdict == OwnLiveYes {
		r.ReviewReason = ReviewOwnHoldings
		if err := tx.Agency().UpdateRequest(agency, r, 0); err != nil {
			return err
		}
		return a.event(tx, r, sys, "external_update", "routing.own_holdings", data, 0)
	}
	def, _ := ill.BorrowingWorkflow.Action(ill.ActApprove)
	ch := &change{req: r, wf: ill.BorrowingWorkflow, target: def.To, actor: sys, event: def.EventType(), name: "own_holdings_cleared",
		effects: def.Effects, params: Params{}, data: data}
	if err := a.apply(tx, ch); err != nil {
		return err
	}
	// routeWhenValidated gave it a rota; a patron's request goes at once.
	if r.OwnerUserID == 0 {
		return nil
	}
	rota, err := tx.Agency().Rota(agency, r.ID)
	if err != nil || !slices.ContainsFunc(rota, func(e store.RotaEntry) bool { return e.State == store.RotaPending }) {
		return err
	}
	send, _ := ill.BorrowingWorkflow.Action(ill.ActSend)
	return a.apply(tx, &change{req: r, wf: ill.BorrowingWorkflow, next: send.Next, actor: sys, event: send.EventType(), name: string(send.Name),
		effects: send.Effects, params: Params{}})
}
