package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// NewRequest is what it takes to create a borrowing request (from the
// patron form, a staff member, the API or an import).
type NewRequest struct {
	Citation       ill.Citation    `json:"citation"`
	ServiceType    ill.ServiceType `json:"serviceType"`
	ServiceLevel   string          `json:"serviceLevel,omitempty"`
	NeedBefore     time.Time       `json:"needBefore,omitzero"`
	MaxCost        ill.Money       `json:"maxCost,omitzero"`
	PatronID       int64           `json:"patronId,omitempty"`
	PatronCategory string          `json:"patronCategory,omitempty"`
	PickupLocation string          `json:"pickupLocation,omitempty"`
	DeliveryMethod string          `json:"deliveryMethod,omitempty"`
	DeliveryAddr   ill.Address     `json:"deliveryAddress,omitzero"`
	NoteToPartner  string          `json:"noteToPartner,omitempty"`
	BillingMethod  string          `json:"billingMethod,omitempty"`
	PaymentMethod  string          `json:"paymentMethod,omitempty"`
	Copyright      string          `json:"copyrightCompliance,omitempty"`
	// Lenders is a rota chosen by hand; without it, routing builds one.
	Lenders []RotaChoice `json:"lenders,omitempty"`
	// Send sends the request to the first lender at once (default for
	// unmediated requests).
	Send bool `json:"send,omitempty"`
	// ExternalSystem and ExternalNumber mark a request handled outside ISO
	// 18626 (an OCLC WorldShare request, say): messages are recorded, not sent.
	ExternalSystem string `json:"externalSystem,omitempty"`
	ExternalNumber string `json:"externalNumber,omitempty"`
	// CopyrightDeclaration is the patron's signed UK copyright declaration
	// (copyright_uk.go), stored with the request before it is assessed.
	CopyrightDeclaration *DeclarationInput `json:"copyrightDeclaration,omitempty"`
}

// IntakeStep checks or enriches a new borrowing request in the creating
// transaction: it may send it to review (setting State and ReviewReason),
// refuse it with an error, or hold it for copyright. Features register
// steps with addIntake (patron limits, duplicates, own holdings, copyright).
type IntakeStep func(tx *store.Tx, actor ill.Actor, r *ill.Request) error

var intakeSteps []IntakeStep

// addIntake registers an intake step (call from init).
func addIntake(s IntakeStep) { intakeSteps = append(intakeSteps, s) }

// CreatedStep runs in the creating transaction right after a new
// borrowing request is stored (it has its ids) and before it is routed
// and sent; like an IntakeStep it may change the request's State (the
// copyright feature records the request in its ledger and may hold it).
type CreatedStep func(a *App, tx *store.Tx, actor ill.Actor, r *ill.Request) error

var createdSteps []CreatedStep

// addCreated registers a created step (call from init).
func addCreated(s CreatedStep) { createdSteps = append(createdSteps, s) }

// LendingStep runs in the transaction that creates a lending request from
// a partner's request, in registration order: copyright statements,
// licence checks, auto-answer rules. It may take actions on the request
// with a.performSystem.
type LendingStep func(a *App, tx *store.Tx, r *ill.Request) error

var lendingIntake []LendingStep

// addLendingIntake registers a lending intake step (call from init).
func addLendingIntake(s LendingStep) { lendingIntake = append(lendingIntake, s) }

// performSystem takes an action of the tables as the system, inside tx
// (automation: auto-answers, rules).
func (a *App) performSystem(tx *store.Tx, r *ill.Request, name ill.ActionName, params map[string]any) error {
	actor := ill.SystemActor()
	actor.Agency = r.Agency
	return a.perform(tx, actor, r, name, params, 0)
}

// Router builds a rota for a request (the routing feature sets it).
type Router func(tx *store.Tx, r *ill.Request) ([]RotaChoice, error)

// validate checks a new request's fields.
func (n *NewRequest) validate() error {
	f := map[string]string{}
	c := &n.Citation
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	for _, s := range []*string{&c.Title, &c.Author, &c.ArticleTitle, &c.JournalTitle, &c.ISBN, &c.ISSN, &c.OCLCNumber, &c.DOI, &c.PMID, &c.LCCN} {
		trim(s)
		if len(*s) > 2000 {
			*s = (*s)[:2000]
			f["citation"] = "a field is longer than 2000 characters"
		}
	}
	if n.ServiceType == "" {
		n.ServiceType = ill.Loan
		if c.IsCopy() {
			n.ServiceType = ill.Copy
		}
	}
	if !n.ServiceType.Valid() {
		f["serviceType"] = "use Loan, Copy or CopyOrLoan"
	}
	if n.MaxCost.Minor < 0 {
		f["maxCost"] = "cannot be negative"
	}
	if n.MaxCost.Minor > 0 && len(n.MaxCost.Currency) != 3 {
		f["maxCost.currency"] = "an ISO 4217 code such as USD"
	}
	if len(n.NoteToPartner) > 4000 {
		f["noteToPartner"] = "at most 4000 characters"
	}
	if len(f) > 0 {
		return ill.E(ill.Invalid, "the request needs correcting", f)
	}
	return nil
}

// CreateRequest creates a borrowing request for the actor's agency, runs
// the intake checks, builds or takes the rota, and sends it when asked.
// Returns Invalid (field messages), Forbidden, or an intake refusal.
func (a *App) CreateRequest(ctx context.Context, actor ill.Actor, n NewRequest) (*ill.Request, error) {
	if actor.Kind == ill.ActorPatron {
		if err := actor.Require(actor.Agency, ill.PermPatronSelf); err != nil {
			return nil, err
		}
		n.Lenders, n.ExternalSystem, n.ExternalNumber = nil, "", ""
	} else if err := actor.Require(actor.Agency, ill.PermBorrowAct); err != nil {
		return nil, err
	}
	if err := n.validate(); err != nil {
		return nil, err
	}
	var out *ill.Request
	err := a.write(ctx, func(tx *store.Tx) error {
		r := &ill.Request{Side: ill.Borrowing, State: ill.BValidated, Citation: n.Citation, ServiceType: n.ServiceType, ServiceLevel: n.ServiceLevel,
			NeedBefore: n.NeedBefore, MaxCost: n.MaxCost, PatronID: n.PatronID, PatronCategory: n.PatronCategory, PickupLocation: n.PickupLocation,
			DeliveryMethod: n.DeliveryMethod, DeliveryAddr: n.DeliveryAddr, NoteToPartner: n.NoteToPartner, BillingMethod: n.BillingMethod,
			PaymentMethod: n.PaymentMethod, Copyright: n.Copyright, ExternalSystem: n.ExternalSystem, ExternalNumber: n.ExternalNumber}
		if actor.Kind == ill.ActorPatron {
			r.OwnerUserID = actor.UserID
		} else if n.PatronID != 0 {
			// Placed by staff for a patron (phone, walk-in): a patron with
			// a login sees it in the portal like one of their own.
			if p, err := tx.Agency().Patron(actor.Agency, n.PatronID); err == nil {
				r.OwnerUserID = p.UserID
			} else if !ill.Is(err, ill.NotFound) {
				return err
			}
		}
		if n.ExternalSystem != "" {
			r.Protocol = ProtocolOffSystem
		}
		c := r.Citation
		if c.DisplayTitle() == "" && c.OCLCNumber == "" && c.ISBN == "" && c.ISSN == "" && c.DOI == "" && c.PMID == "" {
			r.State, r.ReviewReason = ill.BReview, "incomplete_citation"
		}
		for _, step := range intakeSteps {
			if err := step(tx, actor, r); err != nil {
				return err
			}
		}
		if err := tx.Agency().CreateRequest(actor.Agency, r); err != nil {
			return err
		}
		if err := addDeclaration(tx, r, n.CopyrightDeclaration); err != nil {
			return err
		}
		for _, step := range createdSteps {
			if err := step(a, tx, actor, r); err != nil {
				return err
			}
		}
		if r.PatronRef == "" {
			r.PatronRef = "P-" + r.PublicID // a pseudonym for partners: never the patron's name
		}
		lenders := n.Lenders
		if len(lenders) == 0 && a.Route != nil && r.State == ill.BValidated {
			var err error
			if lenders, err = a.Route(tx, r); err != nil {
				return err
			}
		}
		if err := a.setRota(tx, r, lenders); err != nil {
			return err
		}
		if err := tx.Agency().UpdateRequest(actor.Agency, r, 0); err != nil {
			return err
		}
		data := map[string]any{"serviceType": r.ServiceType, "lenders": len(lenders)}
		if r.ReviewReason != "" {
			data["review"] = r.ReviewReason
		}
		if err := a.event(tx, r, actor, "submitted", "create", data, 0); err != nil {
			return err
		}
		if (n.Send || actor.Kind == ill.ActorPatron) && r.State == ill.BValidated && len(lenders) > 0 {
			def, _ := ill.BorrowingWorkflow.Action(ill.ActSend)
			sender := actor
			if actor.Kind == ill.ActorPatron {
				sender = ill.Actor{Kind: ill.ActorSystem, Name: "Interlend", Agency: actor.Agency, Grants: ill.Grants{{Role: ill.RoleOperator}}}
			}
			ch := &change{req: r, wf: ill.BorrowingWorkflow, next: def.Next, actor: sender, event: def.EventType(), name: string(def.Name), effects: def.Effects, params: Params{}}
			if err := a.apply(tx, ch); err != nil {
				return err
			}
		}
		out = r
		return nil
	})
	return out, err
}

// GetRequest returns a request the actor may see. Returns NotFound.
func (a *App) GetRequest(ctx context.Context, actor ill.Actor, publicID string) (*ill.Request, error) {
	var out *ill.Request
	err := a.read(ctx, func(tx *store.Tx) (err error) { out, err = a.loadForActor(tx, actor, publicID, false); return })
	return out, err
}

// ListRequests lists the actor's agency's requests (a patron's own only).
func (a *App) ListRequests(ctx context.Context, actor ill.Actor, f store.RequestFilter) ([]*ill.Request, int, error) {
	if actor.Kind == ill.ActorPatron {
		f.Side, f.Owner = ill.Borrowing, actor.UserID // the login's own, by index (requests_owner)
	} else if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return nil, 0, err
	}
	var out []*ill.Request
	var total int
	err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		out, total, err = tx.Agency().ListRequests(actor.Agency, f)
		if err != nil || actor.Kind != ill.ActorPatron {
			return err
		}
		// Patrons: only their own (filtered here, so counts stay honest).
		mine := out[:0]
		for _, r := range out {
			if canSee(actor, r) {
				mine = append(mine, r)
			}
		}
		out, total = mine, len(mine)
		return nil
	})
	return out, total, err
}

// TimelineEntry is one line of a request's timeline: an event, with the
// protocol message it came with or sent.
type TimelineEntry struct {
	Event    ill.Event             `json:"event"`
	Messages []store.StoredMessage `json:"-"`
}

// Timeline returns a request's events and messages (staff see protocol
// messages; patrons get their events only). Returns NotFound.
func (a *App) Timeline(ctx context.Context, actor ill.Actor, publicID string) ([]ill.Event, []store.StoredMessage, error) {
	var evs []ill.Event
	var msgs []store.StoredMessage
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		if evs, err = tx.Agency().Events(r.Agency, r.ID); err != nil {
			return err
		}
		if actor.Kind == ill.ActorPatron {
			return nil
		}
		msgs, err = tx.Agency().Messages(r.Agency, r.ID)
		return err
	})
	return evs, msgs, err
}

// Rota returns a request's lenders with their reasons. Returns NotFound.
func (a *App) Rota(ctx context.Context, actor ill.Actor, publicID string) ([]store.RotaEntry, error) {
	var out []store.RotaEntry
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		if actor.Kind == ill.ActorPatron {
			return ill.E(ill.Forbidden, "the lender list is for staff")
		}
		out, err = tx.Agency().Rota(r.Agency, r.ID)
		return err
	})
	return out, err
}

// AddLender adds a lender to a borrowing request's rota (at a position, or
// last). Returns NotFound, Forbidden or Invalid.
func (a *App) AddLender(ctx context.Context, actor ill.Actor, publicID string, c RotaChoice, position int) error {
	if err := actor.Require(actor.Agency, ill.PermBorrowAct); err != nil {
		return err
	}
	return a.write(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, true)
		if err != nil {
			return err
		}
		if r.Side != ill.Borrowing || ill.BorrowingWorkflow.Terminal(r.State) {
			return ill.E(ill.Conflict, "lenders can be added only to open borrowing requests")
		}
		if c.Lender == "" || c.Lender == r.Agency {
			return ill.E(ill.Invalid, "choose another library", map[string]string{"lender": "required, and not this library"})
		}
		if c.Reason == "" {
			c.Reason = "added by staff"
		}
		if err := tx.Agency().AddRotaEntry(r.Agency, r.ID, store.RotaEntry{Lender: c.Lender, Reason: c.Reason, Score: c.Score, Position: position}); err != nil {
			return err
		}
		if position > 0 && position <= r.RotaPos {
			r.RotaPos++
			if err := tx.Agency().UpdateRequest(r.Agency, r, 0); err != nil {
				return err
			}
		}
		return a.event(tx, r, actor, "rota_changed", "add_lender", map[string]any{"lender": c.Lender, "position": position}, 0)
	})
}

// MoveLender moves an untried lender in a rota. Returns NotFound, Conflict, Invalid.
func (a *App) MoveLender(ctx context.Context, actor ill.Actor, publicID string, from, to int) error {
	if err := actor.Require(actor.Agency, ill.PermBorrowAct); err != nil {
		return err
	}
	return a.write(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, true)
		if err != nil {
			return err
		}
		if to <= r.RotaPos || from <= r.RotaPos {
			return ill.E(ill.Conflict, "only lenders after the current one can move")
		}
		if err := tx.Agency().MoveRotaEntry(r.Agency, r.ID, from, to); err != nil {
			return err
		}
		return a.event(tx, r, actor, "rota_changed", "move_lender", map[string]any{"from": from, "to": to}, 0)
	})
}

// AddNote adds an internal note (staff only; never sent). Returns NotFound.
func (a *App) AddNote(ctx context.Context, actor ill.Actor, publicID, note string) error {
	note = strings.TrimSpace(note)
	if note == "" || len(note) > 4000 {
		return ill.E(ill.Invalid, "write a note of up to 4000 characters", map[string]string{"note": "1 to 4000 characters"})
	}
	if actor.Kind != ill.ActorStaff {
		return ill.E(ill.Forbidden, "internal notes are for staff")
	}
	return a.write(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, true)
		if err != nil {
			return err
		}
		return a.event(tx, r, actor, "note_added", "internal_note", map[string]any{"note": note}, 0)
	})
}

// MarkRead clears a request's unread partner messages and attention flag.
func (a *App) MarkRead(ctx context.Context, actor ill.Actor, publicID string) error {
	return a.write(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, true)
		if err != nil {
			return err
		}
		if r.UnreadMessages == 0 && !r.Attention {
			return nil
		}
		r.UnreadMessages, r.Attention, r.AttentionReason = 0, false, ""
		if err := tx.Agency().UpdateRequest(r.Agency, r, 0); err != nil {
			return err
		}
		if err := syncLendingUnread(tx, r); err != nil { // lending desk (issue 8): the "messages from partners" queue
			return err
		}
		return a.event(tx, r, actor, "mark_read", "mark_read", nil, 0)
	})
}

// Ledger returns a request's charges. Returns NotFound.
func (a *App) Ledger(ctx context.Context, actor ill.Actor, publicID string) ([]store.Charge, error) {
	var out []store.Charge
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		out, err = tx.Agency().Charges(r.Agency, r.ID)
		return err
	})
	return out, err
}

// AddCharge writes a charge on a request's ledger. Returns Forbidden,
// Invalid, NotFound.
func (a *App) AddCharge(ctx context.Context, actor ill.Actor, publicID string, c store.Charge) (store.Charge, error) {
	if err := actor.Require(actor.Agency, ill.PermFees); err != nil {
		return c, err
	}
	if c.Amount.Minor < 0 || len(c.Amount.Currency) != 3 || c.Type == "" {
		return c, ill.E(ill.Invalid, "a charge needs a type, an amount and a currency", map[string]string{"amount": "0 or more, with an ISO 4217 currency"})
	}
	if c.Status == "" {
		c.Status = store.ChargeQuoted
	}
	err := a.write(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, true)
		if err != nil {
			return err
		}
		c.RequestID, c.CreatedBy = r.ID, actor.UserID
		if err := tx.Agency().AddCharge(r.Agency, &c); err != nil {
			return err
		}
		return a.event(tx, r, actor, "charge_added", "add_charge", map[string]any{"charge": c.ID, "amount": fmt.Sprintf("%d %s", c.Amount.Minor, c.Amount.Currency)}, 0)
	})
	return c, err
}

// LendingIDFor finds the lending request a borrower's request became at a
// lender hosted here. Returns NotFound.
func (a *App) LendingIDFor(ctx context.Context, lender, borrower ill.AgencyID, borrowerRequestID string) (string, error) {
	var id string
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := tx.Agency().GetLendingRequest(lender, borrower, borrowerRequestID)
		if err == nil {
			id = r.PublicID
		}
		return err
	})
	return id, err
}
