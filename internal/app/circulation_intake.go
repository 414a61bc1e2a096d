package app

import (
	"fmt"
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/patron"
	"interlend/internal/store"
)

// Review reasons set by the patron checks at intake.
const (
	reviewILSCheck   = "ils_patron_check"   // held until the ILS has checked the patron
	reviewILSRefused = "ils_patron_refused" // the ILS refused the patron (unknown, blocked, expired)
	reviewILSDown    = "ils_unavailable"    // the ILS did not answer; the agency takes such requests for review
	reviewLimit      = "patron_limit"       // staff placed a request over the patron's limits
)

// patronIntake checks the patron of a new borrowing request against the
// agency's patron records: blocks, expiry and the category's limits (open
// requests, requests today). A patron over a limit, blocked or expired is
// refused with a message for them; staff placing a request for a patron
// over a limit send it to review instead (they may override a limit, not a
// block). When the agency's ILS answers LookupUser, the patron is looked
// up there too, by a job (no transaction waits on the network): a patron's
// own request is held in review until the ILS has answered.
func patronIntake(tx *store.Tx, actor ill.Actor, r *ill.Request) error {
	agency := actor.Agency
	p, ok, err := intakePatron(tx, agency, actor, r)
	if err != nil || !ok {
		return err
	}
	r.PatronID = p.ID
	if r.PatronCategory == "" {
		r.PatronCategory = p.Category
	}
	if r.PickupLocation == "" {
		r.PickupLocation = p.PickupLocation
	}
	now := tx.Now()
	open, today, err := tx.Agency().PatronRequestCounts(agency, p.ID, startOfDay(now))
	if err != nil {
		return err
	}
	pol, err := patronPolicy(tx, agency)
	if err != nil {
		return err
	}
	if err := pol.Check(p.Standing(), open, today, now); err != nil {
		if err := staffOverride(actor, p, err); err != nil {
			return err
		}
		if r.State == ill.BValidated {
			r.State, r.ReviewReason = ill.BReview, reviewLimit
		}
	}
	s, err := ILSSetting.GetTx(tx, agency)
	if err != nil || !serviceOn(s, ils.LookupUser) || recordIdent(s, p) == "" {
		return err
	}
	if actor.Kind == ill.ActorPatron && r.State == ill.BValidated {
		r.State, r.ReviewReason = ill.BReview, reviewILSCheck
	}
	_, err = tx.System().EnqueueJob(store.NewJob{Kind: KindILSPatron, Agency: agency, MaxAttempts: ilsLookupAttempts,
		IdempotencyKey: fmt.Sprintf("ils.patron:%s:%d:%d", agency, p.ID, now.UnixMicro()),
		Payload:        patronCheckPayload{Agency: agency, PatronID: p.ID, Since: now}})
	return err
}

// intakePatron finds the patron record of a new request: the one named,
// or the one linked to the patron's own login. ok is false when there is
// none (a request for the library itself, or a login without a record).
func intakePatron(tx *store.Tx, agency ill.AgencyID, actor ill.Actor, r *ill.Request) (store.Patron, bool, error) {
	var p store.Patron
	var err error
	switch {
	case r.Side != ill.Borrowing:
		return p, false, nil
	case r.PatronID != 0:
		p, err = tx.Agency().Patron(agency, r.PatronID)
		if ill.Is(err, ill.NotFound) {
			return p, false, ill.E(ill.Invalid, "there is no such patron here", map[string]string{"patronId": "not a patron of this library"})
		}
	case actor.Kind == ill.ActorPatron && actor.UserID != 0:
		p, err = tx.Agency().PatronByUser(agency, actor.UserID)
		if ill.Is(err, ill.NotFound) {
			return p, false, nil
		}
	default:
		return p, false, nil
	}
	return p, err == nil, err
}

// staffOverride decides what a refusal of the patron check means for the
// actor: the refusal itself for a patron; for staff, nil (send to review)
// when it is a limit, or a refusal worded for staff when the account is
// blocked or expired.
func staffOverride(actor ill.Actor, p store.Patron, err error) error {
	ref, ok := patron.RefusalOf(err)
	if actor.Kind == ill.ActorPatron || !ok {
		return err
	}
	switch ref.Reason {
	case patron.ReasonBlocked:
		var reasons []string
		for _, b := range p.Blocks {
			if b.Reason != "" {
				reasons = append(reasons, b.Reason)
			}
		}
		msg := "This patron's account is blocked"
		if len(reasons) > 0 {
			msg += " (" + strings.Join(reasons, "; ") + ")"
		}
		return ill.E(ill.Forbidden, msg+": lift the block on the patron's page before placing a request.", ref)
	case patron.ReasonExpired:
		return ill.E(ill.Forbidden, fmt.Sprintf("This patron's account expired on %s: renew it on the patron's page before placing a request.",
			p.Expires.UTC().Format("2 January 2006")), ref)
	}
	return nil
}

func startOfDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// lendingIntakeILS asks the ILS, by a job, whether the copies the catalog
// lists are on the shelf, so that staff answer knowing (the partner's
// request is confirmed without waiting for it).
func lendingIntakeILS(a *App, tx *store.Tx, r *ill.Request) error {
	s, err := ILSSetting.GetTx(tx, r.Agency)
	if err != nil || !serviceOn(s, ils.LookupItem) {
		return err
	}
	return a.queueStep(tx, r, ils.LookupItem, s.Driver, nil)
}
