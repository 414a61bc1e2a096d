package demo

import (
	"context"
	"fmt"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
)

func init() {
	register(Step{Order: 63, Name: "lending desk: a request in every lending state", Run: seedLending})
	register(Step{Order: 95, Name: "lending desk: automatic answers on", Run: seedLendingAuto})
}

// demoLender's desk gets a request in every lending state (from
// demoBorrower; "renewal requested" comes from the requests step, as the
// renewal rule may grant a first renewal at once), with service levels, need-before dates, a note from the
// borrower not yet read, and a request entered by hand.
const (
	demoLender   = ill.AgencyID("US-EXSUP")
	demoBorrower = ill.AgencyID("US-EXCOL")
)

var lendingScenarios = []struct {
	state   ill.State
	service ill.ServiceType
	level   string
	moves   []move
}{
	{ill.LNew, ill.Loan, "Urgent", nil},
	{ill.LNew, ill.Loan, "", nil},
	{ill.LAwaitingSlip, ill.Loan, "Rush", []move{l(ill.ActExpectToSupply)}},
	{ill.LPulled, ill.Loan, "", []move{l(ill.ActExpectToSupply), l(ill.ActPrintSlip), bp(ill.ActNoteToPartner, map[string]any{"note": "Our patron needs it for a thesis defence on the 12th; could you check the reserve shelf too?"})}},
	{ill.LNotOnShelf, ill.Loan, "", []move{l(ill.ActExpectToSupply), l(ill.ActPrintSlip), lp(ill.ActNotOnShelf, map[string]any{"searchAgain": "2027-01-08"})}},
	{ill.LConditional, ill.Loan, "", []move{lp(ill.ActOfferConds, map[string]any{"conditions": "LibraryUseOnly", "note": "Special collections: library use only."})}},
	{ill.LAwaitingScan, ill.Copy, "Express", []move{l(ill.ActWillSupply)}},
	{ill.LAwaitingShip, ill.Loan, "", []move{l(ill.ActExpectToSupply), l(ill.ActPrintSlip), l(ill.ActFound)}},
	{ill.LShipped, ill.Loan, "", toShipped},
	{ill.LOnLoan, ill.Loan, "", append(append([]move{}, toShipped...), b(ill.ActReceive))},
	{ill.LCancelRequested, ill.Loan, "", []move{b(ill.ActRequestCancel)}},
	{ill.LOverdue, ill.Loan, "", append(append([]move{}, toCheckedOut...), sysL(ill.ActMarkOverdue))},
	{ill.LRecalled, ill.Loan, "", append(append([]move{}, toCheckedOut...), lp(ill.ActRecall, map[string]any{"note": "Needed for a course reserve."}))},
	{ill.LReturnReceived, ill.Loan, "", append(append([]move{}, toCheckedOut...), b(ill.ActCheckIn), b(ill.ActShipReturn))},
	{ill.LProblem, ill.Loan, "", append(append([]move{}, toShipped...), lp(ill.ActReportProblem, map[string]any{"note": "The parcel came back to us undelivered."}))},
	{ill.LCompleted, ill.Loan, "", append(append([]move{}, toCheckedOut...), b(ill.ActCheckIn), b(ill.ActShipReturn), l(ill.ActLendCheckIn))},
	{ill.LUnfilled, ill.Loan, "", []move{lp(ill.ActAnswerUnfilled, map[string]any{"reason": "NonCirculating"})}},
	{ill.LRetryOffered, ill.Loan, "", []move{lp(ill.ActAnswerRetry, map[string]any{"reason": "MultiVolAvail", "note": "We hold volumes 1 to 3: which one?"})}},
	{ill.LCancelled, ill.Loan, "", []move{b(ill.ActRequestCancel), l(ill.ActAcceptCancel)}},
}

func seedLending(ctx context.Context, a *app.App, w *World) error {
	now := a.Clock.Now()
	for i, sc := range lendingScenarios {
		cit := demoTitles[(i+3)%len(demoTitles)]
		if sc.service == ill.Copy {
			cit = demoTitles[2]
		}
		var need time.Time
		if i%3 != 2 {
			need = now.AddDate(0, 0, 5+i*2)
		}
		r, err := a.CreateRequest(ctx, manager(demoBorrower), app.NewRequest{Citation: cit, ServiceType: sc.service, ServiceLevel: sc.level, NeedBefore: need,
			Send: true, Lenders: []app.RotaChoice{{Lender: demoLender, Reason: "demo: holds the title"}}, PickupLocation: "Main desk"})
		if err != nil {
			return fmt.Errorf("lending %s: %w", sc.state, err)
		}
		if _, err := runDue(ctx, a); err != nil {
			return err
		}
		lid, err := a.LendingIDFor(ctx, demoLender, demoBorrower, r.PublicID)
		if err != nil {
			return fmt.Errorf("lending %s: %w", sc.state, err)
		}
		for _, m := range sc.moves {
			ag, id := demoBorrower, r.PublicID
			if m.lender {
				ag, id = demoLender, lid
			}
			actor := manager(ag)
			if m.system {
				actor = ill.SystemActor()
				actor.Agency = ag
			}
			if _, err := a.Perform(ctx, actor, id, m.action, m.params, 0); err != nil {
				return fmt.Errorf("lending %s: %s: %w", sc.state, m.action, err)
			}
			if _, err := runDue(ctx, a); err != nil {
				return err
			}
		}
		got, err := a.GetRequest(ctx, manager(demoLender), lid)
		if err != nil {
			return err
		}
		if got.State != sc.state {
			return fmt.Errorf("lending scenario ended in %s, want %s", got.State, sc.state)
		}
	}
	// A request that came by email, entered by hand.
	_, err := a.EnterLendingRequest(ctx, manager(demoLender), app.NewLendingRequest{Borrower: "US-EXPUB", BorrowerRequestID: "EMAIL-2291",
		Citation: ill.Citation{Title: "Библиотечное дело", Author: "Иванова, Н. А.", PubDate: "2015"}, ServiceLevel: "Rush",
		NeedBefore: now.AddDate(0, 0, 3), ExternalSystem: "email", Note: "Sent by email: our ISO 18626 link is down this week."})
	return err
}

// seedLendingAuto switches the automatic answers on at the demo lender,
// once every other step has sent its requests (the scenarios above start
// from "new"), with Special Collections lent for library use only.
func seedLendingAuto(ctx context.Context, a *app.App, w *World) error {
	s := app.LendingAutoSetting
	cur, err := s.Get(ctx, a.DB, demoLender)
	if err != nil {
		return err
	}
	cur.Enabled = true
	cur.Conditions = []app.ConditionRule{{Location: "Special Collections", Condition: "LibraryUseOnly"}}
	return a.PutSetting(ctx, ill.SystemActor(), demoLender, "lending.auto", cur)
}
