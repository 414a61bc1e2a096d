package app

import (
	"interlend/internal/ill"
	"interlend/internal/store"
)

// Re-requesting after the wrong item (docs/problems.md). Once a lender
// has shipped (Loaned) and had the item back (ShippedReturn), its
// transaction is over in ISO 18626: there is no message that asks the
// same lender to supply again under the same request. A real ILL office
// does what WorldShare and ILLiad do: a new request for the same
// citation and patron (linked to the first), sent to the same lender
// again with a note saying what went wrong, or on to the rest of the
// first request's rota. The first request completes as usual when the
// lender checks the wrong item in (LoanCompleted).

// rerequest creates and sends the new request for orig. which is
// ill.RerequestSameLender (the default) or ill.RerequestNextLender.
// The intake checks are not run again: the patron and the citation were
// accepted with the first request.
func (a *App) rerequest(tx *store.Tx, orig *ill.Request, which, note string) (*ill.Request, error) {
	n := &ill.Request{Side: ill.Borrowing, State: ill.BValidated, Citation: orig.Citation, ServiceType: orig.ServiceType, ServiceLevel: orig.ServiceLevel,
		NeedBefore: orig.NeedBefore, MaxCost: orig.MaxCost, PatronID: orig.PatronID, PatronCategory: orig.PatronCategory, PickupLocation: orig.PickupLocation,
		DeliveryMethod: orig.DeliveryMethod, DeliveryAddr: orig.DeliveryAddr, BillingMethod: orig.BillingMethod, PaymentMethod: orig.PaymentMethod,
		Copyright: orig.Copyright, OwnerUserID: orig.OwnerUserID, PatronRef: orig.PatronRef}
	n.NoteToPartner = "Asked again: the item sent for our request " + orig.PublicID + " was not the one asked for."
	if note != "" {
		n.NoteToPartner += " " + note
	}
	if err := tx.Agency().CreateRequest(orig.Agency, n); err != nil {
		return nil, err
	}
	actor := ill.SystemActor()
	actor.Agency = orig.Agency
	for _, step := range createdSteps {
		if err := step(a, tx, actor, n); err != nil {
			return nil, err
		}
	}
	if n.PatronRef == "" {
		n.PatronRef = "P-" + n.PublicID
	}
	lenders, err := rerequestRota(tx, orig, which)
	if err != nil {
		return nil, err
	}
	if len(lenders) == 0 && a.Route != nil {
		routed, err := a.Route(tx, n)
		if err != nil {
			return nil, err
		}
		for _, l := range routed {
			if l.Lender != orig.Partner {
				lenders = append(lenders, l)
			}
		}
	}
	if err := a.setRota(tx, n, lenders); err != nil {
		return nil, err
	}
	if err := tx.Agency().UpdateRequest(n.Agency, n, 0); err != nil {
		return nil, err
	}
	if err := a.event(tx, n, actor, "submitted", "rerequest", map[string]any{"serviceType": n.ServiceType, "lenders": len(lenders), "rerequestOf": orig.PublicID}, 0); err != nil {
		return nil, err
	}
	if len(lenders) == 0 {
		return n, nil
	}
	def, _ := ill.BorrowingWorkflow.Action(ill.ActSend)
	ch := &change{req: n, wf: ill.BorrowingWorkflow, next: def.Next, actor: actor, event: def.EventType(), name: string(def.Name), effects: def.Effects, params: Params{}}
	return n, a.apply(tx, ch)
}

// rerequestRota is the new request's rota: the lender that sent the
// wrong item first (same) or not at all (next), then the first request's
// lenders not yet tried.
func rerequestRota(tx *store.Tx, orig *ill.Request, which string) ([]RotaChoice, error) {
	var out []RotaChoice
	if which != ill.RerequestNextLender && orig.Partner != "" {
		out = append(out, RotaChoice{Lender: orig.Partner, Reason: "sent the wrong item for " + orig.PublicID + "; asked again"})
	}
	rota, err := tx.Agency().Rota(orig.Agency, orig.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range rota {
		if e.State == store.RotaPending && e.Lender != orig.Partner {
			out = append(out, RotaChoice{Lender: e.Lender, Reason: e.Reason, Score: e.Score})
		}
	}
	return out, nil
}
