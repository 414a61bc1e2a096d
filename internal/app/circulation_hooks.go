package app

import (
	"encoding/json"
	"slices"

	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/store"
)

// seenKey marks a change applied because the ILS was seen to have done it
// (a check-out at the ILS desk): its step is recorded, not called.
const seenKey = "seenInILS"

// lendingAccepted are the lending states in which we have said yes: the
// copy is to be fetched, shipped or scanned.
var lendingAccepted = []ill.State{ill.LAwaitingSlip, ill.LPulled, ill.LAwaitingShip, ill.LAwaitingScan}

// stepsFor lists the ILS steps a change calls for (before looking at the
// settings or the steps the request already has).
func stepsFor(r *ill.Request, ev *ill.Event) []ils.Service {
	name := ill.ActionName(ev.Name)
	terminal := ev.From != ev.To && ill.WorkflowFor(r.Side).Terminal(ev.To)
	if r.Side == ill.Borrowing {
		switch {
		case name == ill.ActReceive || name == ill.ActReceiveHold:
			return []ils.Service{ils.AcceptItem}
		case name == ill.ActCheckOut:
			return []ils.Service{ils.CheckOutItem}
		case name == ill.ActCheckIn:
			return []ils.Service{ils.CheckInItem}
		case ev.Type == "renewed":
			return []ils.Service{ils.RenewItem}
		case terminal:
			return []ils.Service{ils.DeleteItem}
		}
		return nil
	}
	switch {
	case name == ill.ActShip:
		return []ils.Service{ils.CheckOutItem}
	case name == ill.ActLendCheckIn:
		return []ils.Service{ils.CheckInItem}
	case terminal:
		return []ils.Service{ils.CancelRequestItem}
	case ev.From != ev.To && slices.Contains(lendingAccepted, ev.To):
		return []ils.Service{ils.RequestItem}
	}
	return nil
}

// circulationHook records the ILS steps a change calls for, in the
// change's transaction: a step and its job for an ILS reached by NCIP, a
// step done at once for the none driver (borrowing; on the lending side
// there is nothing to do without an ILS), the step as seen when the ILS
// did the work itself.
func circulationHook(a *App, tx *store.Tx, r *ill.Request, ev *ill.Event) error {
	services := stepsFor(r, ev)
	if ev.From != ev.To && ill.WorkflowFor(r.Side).Terminal(ev.To) {
		if _, err := tx.System().CancelJobs(store.JobFilter{Agency: r.Agency, Kind: KindILSWatch, Ref: r.PublicID}); err != nil {
			return err
		}
	}
	if len(services) == 0 {
		return nil
	}
	s, err := ILSSetting.GetTx(tx, r.Agency)
	if err != nil {
		return err
	}
	if s.Driver != ils.DriverNCIP && r.Side == ill.Lending {
		return nil
	}
	steps, err := tx.Agency().CirculationSteps(r.Agency, r.ID)
	if err != nil {
		return err
	}
	for _, svc := range services {
		if !stepNeeded(r, svc, steps) || (s.Driver == ils.DriverNCIP && !serviceOn(s, svc)) {
			continue
		}
		var done map[string]string
		switch {
		case s.Driver != ils.DriverNCIP:
			done = map[string]string{"via": viaInterlend}
		case seenInILS(ev):
			done = map[string]string{"via": viaSeen}
		}
		old, found := findStep(steps, svc)
		if err := a.queueStepAfter(tx, r, svc, s.Driver, done, old, found); err != nil {
			return err
		}
	}
	return nil
}

// stepNeeded says whether a step follows from the ones before it: the
// temporary item's steps need AcceptItem, the lending check-in a
// check-out, CancelRequestItem a hold and no check-out.
func stepNeeded(r *ill.Request, svc ils.Service, steps []store.CirculationStep) bool {
	has := func(s ils.Service) bool {
		st, ok := findStep(steps, s)
		return ok && st.State != store.StepSkipped
	}
	if r.Side == ill.Borrowing {
		switch svc {
		case ils.CheckOutItem, ils.CheckInItem, ils.DeleteItem:
			return has(ils.AcceptItem)
		case ils.RenewItem:
			return has(ils.CheckOutItem) // the ILS has a loan to extend
		}
		return true
	}
	switch svc {
	case ils.CheckInItem:
		return has(ils.CheckOutItem)
	case ils.CancelRequestItem:
		return has(ils.RequestItem) && !has(ils.CheckOutItem)
	}
	return true
}

func seenInILS(ev *ill.Event) bool {
	if len(ev.Data) == 0 {
		return false
	}
	var d map[string]any
	if json.Unmarshal(ev.Data, &d) != nil {
		return false
	}
	return d[seenKey] == true
}
