package app

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/pdf"
	"interlend/internal/store"
)

// More of the borrowing desk and the portal (docs/borrowing.md,
// docs/patrons.md): the return label to the lender's returns address,
// messages between a patron and staff about a request, and the desk's
// panel on a request's page (possible duplicates, patron messages).

// attentionPatronMessage marks a request whose patron wrote to staff.
const attentionPatronMessage = "patron_message"

// Event types of messages between a patron and staff.
const (
	evPatronMessage = "patron_message"
	evStaffMessage  = "staff_message"
)

func init() {
	// The portal's history shows both sides of the conversation.
	patronHistory[evPatronMessage] = true
	patronHistory[evStaffMessage] = true
}

// returnLabelStates are the states in which a loan goes back to its lender.
var returnLabelStates = []ill.State{ill.BReturned, ill.BPickupExpired, ill.BReturnShipped}

// ReturnLabel prints the label for a borrowed loan going back: to the
// lender's returns address from the directory (its shipping address when
// it has none), from our own returns (or shipping) address, with the
// customs line when the countries differ. Returns NotFound, Invalid (not
// a loan on its way back) or Forbidden.
func (a *App) ReturnLabel(ctx context.Context, actor ill.Actor, publicID string, o PrintOptions) (Printed, error) {
	if err := actor.Require(actor.Agency, ill.PermScan); err != nil {
		return Printed{}, err
	}
	batch := pdf.ShippingLabelBatch{Stock: o.Stock, Labels: o.Labels}
	var out Printed
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		if r.Side != ill.Borrowing || r.ServiceType != ill.Loan || r.Partner == "" || !containsState(returnLabelStates, r.State) {
			return ill.E(ill.Invalid, "a return label is printed for a loan going back to its lender")
		}
		set, err := LendingOpsSetting.GetTx(tx, actor.Agency)
		if err != nil {
			return err
		}
		if batch.Stock == "" {
			batch.Stock = pdf.LabelStock(set.LabelStock)
		}
		lenderName, to, okTo := libraryAddress(tx, r.Partner, directory.AddressReturns, directory.AddressShipping)
		ourName, ours, okOurs := libraryAddress(tx, r.Agency, directory.AddressReturns, directory.AddressShipping)
		l := pdf.ShippingLabel{RequestID: r.PublicID, ShipTo: addressLines(lenderName, to), ReturnTo: []string{ourName},
			Due: dayText(r.LenderDue, o.Date)}
		if !okTo {
			l.ShipTo = []string{lenderName}
		}
		if okOurs {
			l.ReturnTo = addressLines(ourName, ours)
		}
		if okTo && okOurs && to.Country != "" && ours.Country != "" && !strings.EqualFold(to.Country, ours.Country) {
			l.Customs = set.CustomsLine
		}
		var note []string
		for _, it := range r.Items {
			if it.Barcode != "" {
				note = append(note, it.Barcode)
			}
		}
		if r.PartnerRequestID != "" {
			note = append(note, r.PartnerRequestID)
		}
		l.Note = strings.Join(note, " · ")
		batch.Items = append(batch.Items, l)
		out.Requests = append(out.Requests, r.PublicID)
		return nil
	})
	if err != nil {
		return Printed{}, err
	}
	doc, err := pdf.ShippingLabels(batch)
	if err != nil {
		return Printed{}, ill.E(ill.Invalid, "the label cannot be printed: "+err.Error(), map[string]string{"stock": err.Error()})
	}
	out.PDF = doc
	return out, nil
}

func containsState(ss []ill.State, s ill.State) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// maxMessage bounds a message between a patron and staff.
const maxMessage = 2000

func messageText(note string) (string, error) {
	note = strings.TrimSpace(note)
	if note == "" || utf8.RuneCountInString(note) > maxMessage {
		return "", ill.E(ill.Invalid, "Write your message (up to 2000 characters).", map[string]string{"note": "portal.err.message"})
	}
	return note, nil
}

// PortalMessage is a patron writing to staff about one of their requests
// (open or closed): it goes on the request's timeline and flags the
// request for the borrowing desk. Returns NotFound, Invalid or Forbidden.
func (a *App) PortalMessage(ctx context.Context, actor ill.Actor, publicID, note string) (*ill.Request, error) {
	if err := requirePatron(actor); err != nil {
		return nil, err
	}
	note, err := messageText(note)
	if err != nil {
		return nil, err
	}
	var out *ill.Request
	err = a.write(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, true)
		if err != nil {
			return err
		}
		if err := a.event(tx, r, actor, evPatronMessage, evPatronMessage, map[string]any{"note": note}, 0); err != nil {
			return err
		}
		r.Attention, r.AttentionReason = true, attentionPatronMessage
		if err := tx.Agency().UpdateRequest(r.Agency, r, 0); err != nil {
			return err
		}
		out = r
		return nil
	})
	return out, err
}

// StaffMessage is staff writing to the patron about a request (an answer
// to the patron's message, or news): it shows in the portal's history,
// the patron is emailed ("patron.message", unless they turned it off),
// and a patron's message waiting for staff counts as answered. Returns
// NotFound, Invalid or Forbidden.
func (a *App) StaffMessage(ctx context.Context, actor ill.Actor, publicID, note string) (*ill.Request, error) {
	if err := actor.Require(actor.Agency, ill.PermBorrowAct); err != nil {
		return nil, err
	}
	note, err := messageText(note)
	if err != nil {
		return nil, err
	}
	var out *ill.Request
	err = a.write(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, true)
		if err != nil {
			return err
		}
		if r.Side != ill.Borrowing || (r.PatronID == 0 && r.OwnerUserID == 0) {
			return ill.E(ill.Invalid, "this request has no patron to write to")
		}
		evs, err := tx.Agency().Events(r.Agency, r.ID)
		if err != nil {
			return err
		}
		n := 1
		for _, e := range evs {
			if e.Type == evStaffMessage {
				n++
			}
		}
		if err := a.event(tx, r, actor, evStaffMessage, evStaffMessage, map[string]any{"note": note}, 0); err != nil {
			return err
		}
		if r.AttentionReason == attentionPatronMessage {
			r.Attention, r.AttentionReason = false, ""
			if err := tx.Agency().UpdateRequest(r.Agency, r, 0); err != nil {
				return err
			}
		}
		out = r
		return a.notifyPatron(tx, r, fmt.Sprintf("%s#%d", evStaffMessage, n)) // one mail per message
	})
	return out, err
}

// ConversationLine is one message between the patron and staff.
type ConversationLine struct {
	At      time.Time
	ByStaff bool
	Note    string
}

// BorrowingPanel is what the desk shows on a borrowing request's page
// besides the request itself.
type BorrowingPanel struct {
	Request      *ill.Request
	Duplicates   []DuplicateMatch
	Conversation []ConversationLine
	// PatronWaiting is set while a patron's message awaits staff.
	PatronWaiting bool
	ReturnLabel   bool // a return label can be printed now
	CanWrite      bool // staff may write to the patron
}

// BorrowingPanelFor gathers a borrowing request's panel. Returns NotFound
// or Forbidden.
func (a *App) BorrowingPanelFor(ctx context.Context, actor ill.Actor, publicID string) (BorrowingPanel, error) {
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return BorrowingPanel{}, err
	}
	var p BorrowingPanel
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		if r.Side != ill.Borrowing {
			return notFound(publicID)
		}
		p.Request = r
		if p.Duplicates, err = findDuplicates(tx, r.Agency, r.PatronID, r); err != nil {
			return err
		}
		evs, err := tx.Agency().Events(r.Agency, r.ID)
		if err != nil {
			return err
		}
		for _, e := range evs {
			if e.Type == evPatronMessage || e.Type == evStaffMessage || e.Type == "ask_patron" || e.Type == "patron_reply" {
				p.Conversation = append(p.Conversation, ConversationLine{At: e.At, ByStaff: e.ActorKind != ill.ActorPatron, Note: eventNote(e)})
			}
		}
		return nil
	})
	p.PatronWaiting = p.Request != nil && p.Request.AttentionReason == attentionPatronMessage
	p.ReturnLabel = p.Request != nil && p.Request.ServiceType == ill.Loan && containsState(returnLabelStates, p.Request.State) && actor.Can(ill.PermScan)
	p.CanWrite = p.Request != nil && (p.Request.PatronID != 0 || p.Request.OwnerUserID != 0) && actor.Can(ill.PermBorrowAct)
	return p, err
}
