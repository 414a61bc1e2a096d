package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/pdf"
	"interlend/internal/store"
)

// The borrowing desk (docs/borrowing.md): its queues with counts, the
// scans of the desk (receive, check out, check in, return to the lender),
// the hold-shelf slip, and editing a citation before a Retry.

// DeskQueue is one queue of the borrowing desk.
type DeskQueue struct {
	Name string
	Spec store.QueueSpec
	// Scan is the action a scan at this queue takes (none: look only).
	Scan ill.ActionName
}

var (
	duplicateReasons = []string{ReviewDuplicate, ReviewPossibleDuplicate}
	ownReasons       = []string{ReviewOwnHoldings, ReviewOwnCheck}
	patronReasons    = []string{reviewILSCheck, reviewILSRefused, reviewILSDown, reviewLimit}
)

// BorrowingQueues are the desk's queues, in the order staff work them.
// Every open borrowing state is in exactly one queue; "messages" cuts
// across them (requests with unread partner notes).
var BorrowingQueues = []DeskQueue{
	{Name: "new", Spec: store.QueueSpec{States: []ill.State{ill.BReview}, NotReasons: slices.Concat(duplicateReasons, ownReasons, patronReasons)}},
	{Name: "duplicates", Spec: store.QueueSpec{States: []ill.State{ill.BReview}, Reasons: duplicateReasons}},
	{Name: "own_holdings", Spec: store.QueueSpec{States: []ill.State{ill.BReview}, Reasons: ownReasons}},
	{Name: "invalid_patron", Spec: store.QueueSpec{States: []ill.State{ill.BReview}, Reasons: patronReasons}},
	{Name: "ready", Spec: store.QueueSpec{States: []ill.State{ill.BValidated}}},
	{Name: "copyright", Spec: store.QueueSpec{States: []ill.State{ill.BAwaitingCopyr}}},
	{Name: "conditions", Spec: store.QueueSpec{States: []ill.State{ill.BConditional, ill.BRetryOffered}}},
	{Name: "awaiting_patron", Spec: store.QueueSpec{States: []ill.State{ill.BAwaitingPatron}}},
	{Name: "end_of_rota", Spec: store.QueueSpec{States: []ill.State{ill.BEndOfRota}}},
	{Name: "with_lenders", Spec: store.QueueSpec{States: []ill.State{ill.BSent, ill.BAnswered, ill.BCancelRequested}}},
	{Name: "in_transit", Spec: store.QueueSpec{States: []ill.State{ill.BShipped}}, Scan: ill.ActReceive},
	{Name: "to_receive", Spec: store.QueueSpec{States: []ill.State{ill.BReceived}}, Scan: ill.ActMakeAvailable},
	{Name: "awaiting_pickup", Spec: store.QueueSpec{States: []ill.State{ill.BAwaitingPickup}}, Scan: ill.ActCheckOut},
	{Name: "pickup_expired", Spec: store.QueueSpec{States: []ill.State{ill.BPickupExpired}}, Scan: ill.ActShipReturn},
	{Name: "checked_out", Spec: store.QueueSpec{States: []ill.State{ill.BCheckedOut, ill.BRenewRequested}}, Scan: ill.ActCheckIn},
	{Name: "overdue", Spec: store.QueueSpec{States: []ill.State{ill.BOverdue, ill.BRecalled}}, Scan: ill.ActCheckIn},
	{Name: "to_return", Spec: store.QueueSpec{States: []ill.State{ill.BReturned}}, Scan: ill.ActShipReturn},
	{Name: "returning", Spec: store.QueueSpec{States: []ill.State{ill.BReturnShipped}}},
	{Name: "problems", Spec: store.QueueSpec{States: []ill.State{ill.BProblem}}},
	{Name: "messages", Spec: store.QueueSpec{Unread: true}},
}

// DeskQueueNamed finds a queue by name.
func DeskQueueNamed(name string) (DeskQueue, bool) {
	for _, q := range BorrowingQueues {
		if q.Name == name {
			return q, true
		}
	}
	return DeskQueue{}, false
}

// QueueCount is a queue with its number of requests.
type QueueCount struct {
	Name  string
	Count int
}

// openBorrowing are the non-terminal borrowing states.
func openBorrowing() []ill.State {
	var out []ill.State
	for _, d := range ill.BorrowingWorkflow.States {
		if !d.Terminal {
			out = append(out, d.Name)
		}
	}
	return out
}

// BorrowingQueueCounts counts every queue of the actor's borrowing desk.
func (a *App) BorrowingQueueCounts(ctx context.Context, actor ill.Actor) ([]QueueCount, error) {
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return nil, err
	}
	var out []QueueCount
	err := a.read(ctx, func(tx *store.Tx) error {
		out = out[:0]
		states, reasons, unread, err := tx.Agency().BorrowingStateCounts(actor.Agency, openBorrowing())
		if err != nil {
			return err
		}
		counts := queueCountsFrom(states, reasons, unread)
		for _, q := range BorrowingQueues {
			out = append(out, QueueCount{Name: q.Name, Count: counts[q.Name]})
		}
		return nil
	})
	return out, err
}

// BorrowingQueueList lists a queue's requests (paged).
func (a *App) BorrowingQueueList(ctx context.Context, actor ill.Actor, queue string, limit, offset int) ([]*ill.Request, int, error) {
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return nil, 0, err
	}
	q, ok := DeskQueueNamed(queue)
	if !ok {
		return nil, 0, ill.E(ill.NotFound, "there is no such queue", map[string]string{"queue": queue})
	}
	var out []*ill.Request
	var total int
	err := a.read(ctx, func(tx *store.Tx) (err error) {
		out, total, err = tx.Agency().BorrowingQueue(actor.Agency, q.Spec, limit, offset)
		return err
	})
	return out, total, err
}

// DeskScan takes a desk action on the borrowing request a scanned code
// names (its id, the lender's id for it, or an item barcode). Receiving
// takes the barcode scanned as the item's; a copy is received as
// delivered. Returns NotFound when nothing matches, Conflict when the
// request is not where the action applies (the message names its state),
// or Invalid when the code matches several requests.
func (a *App) DeskScan(ctx context.Context, actor ill.Actor, code string, action ill.ActionName, params map[string]any) (*ill.Request, error) {
	code = strings.TrimSpace(code)
	if code == "" || utf8.RuneCountInString(code) > 200 {
		return nil, ill.E(ill.Invalid, "scan or type a request id or an item barcode", map[string]string{"code": "required, at most 200 characters"})
	}
	if !slices.Contains([]ill.ActionName{ill.ActReceive, ill.ActCheckOut, ill.ActCheckIn, ill.ActShipReturn, ill.ActMakeAvailable}, action) {
		return nil, ill.E(ill.Invalid, "not a desk scan action", map[string]string{"action": string(action)})
	}
	if err := actor.Require(actor.Agency, ill.PermScan); err != nil {
		return nil, err
	}
	matches, err := a.Scan(ctx, actor, code)
	if err != nil {
		return nil, err
	}
	var found []*ill.Request
	for _, m := range matches {
		if m.Request.Side == ill.Borrowing && exactCode(m.Request, code) {
			found = append(found, m.Request)
		}
	}
	switch len(found) {
	case 0:
		return nil, ill.E(ill.NotFound, fmt.Sprintf("No borrowing request has the code %s.", code))
	case 1:
	default:
		return nil, ill.E(ill.Invalid, fmt.Sprintf("The code %s matches %d requests: scan the request id instead.", code, len(found)))
	}
	r := found[0]
	if params == nil {
		params = map[string]any{}
	}
	if action == ill.ActReceive {
		if r.ServiceType == ill.Copy {
			action = ill.ActCompleteCopy
		} else if _, ok := params["barcode"]; !ok && code != r.PublicID && code != r.PartnerRequestID {
			params["barcode"] = code
		}
		if action == ill.ActCompleteCopy {
			delete(params, "barcode")
		}
	}
	def, _ := ill.BorrowingWorkflow.Action(action)
	if !slices.Contains(def.From, r.State) {
		return r, ill.E(ill.Conflict, fmt.Sprintf("Request %s is %s: it cannot be %s now.", r.PublicID,
			strings.ReplaceAll(string(r.State), "_", " "), strings.ReplaceAll(string(action), "_", " ")))
	}
	return a.Perform(ctx, actor, r.PublicID, action, params, 0)
}

// DeskCirculates reports whether the desk checks items out and in itself:
// true unless the agency's ILS does (NCIP CheckOutItem), in which case the
// ILS circulates the temporary item and the desk only receives and returns.
func (a *App) DeskCirculates(ctx context.Context, actor ill.Actor) (bool, error) {
	var on bool
	err := a.read(ctx, func(tx *store.Tx) error {
		s, err := ILSSetting.GetTx(tx, actor.Agency)
		on = err == nil && serviceOn(s, ils.CheckOutItem)
		return err
	})
	return !on, err
}

// HoldSlip prints the hold-shelf slip of a received loan: the patron's
// name and the last digits of their barcode, the pickup place and
// deadline, the title, and the request id as Code128. Returns NotFound,
// or Conflict when the request is not on or for the hold shelf.
func (a *App) HoldSlip(ctx context.Context, actor ill.Actor, publicID string, paper pdf.Paper, labels pdf.Labels, date func(ill.Request) string) ([]byte, error) {
	if err := actor.Require(actor.Agency, ill.PermScan); err != nil {
		return nil, err
	}
	var slip pdf.HoldSlip
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		if r.Side != ill.Borrowing || !slices.Contains([]ill.State{ill.BReceived, ill.BAwaitingPickup, ill.BPickupExpired}, r.State) {
			return ill.E(ill.Conflict, fmt.Sprintf("Request %s is not on the hold shelf.", r.PublicID))
		}
		slip = pdf.HoldSlip{RequestID: r.PublicID, PickupLocation: r.PickupLocation, Title: r.Citation.DisplayTitle(), PickupBy: date(*r)}
		if r.PatronID != 0 {
			p, err := tx.Agency().Patron(r.Agency, r.PatronID)
			if err != nil && !ill.Is(err, ill.NotFound) {
				return err
			}
			slip.PatronName = p.DisplayName()
			if b := p.Barcode; b != "" {
				if n := utf8.RuneCountInString(b); n > 4 {
					b = "…" + string([]rune(b)[n-4:])
				}
				slip.PatronID = b
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pdf.HoldSlips(pdf.HoldSlipBatch{Paper: paper, PerPage: 2, Slips: []pdf.HoldSlip{slip}, Labels: labels})
}

// EditCitation corrects a borrowing request's citation (before a Retry, or
// while in review) and records the change in the timeline. Returns
// Conflict when the request has moved on or changed meanwhile.
func (a *App) EditCitation(ctx context.Context, actor ill.Actor, publicID string, c ill.Citation, version int64) (*ill.Request, error) {
	if err := actor.Require(actor.Agency, ill.PermBorrowAct); err != nil {
		return nil, err
	}
	n := NewRequest{Citation: c, ServiceType: ill.Loan}
	if err := n.validate(); err != nil {
		return nil, err
	}
	c = n.Citation
	if c.DisplayTitle() == "" && c.OCLCNumber == "" && c.ISBN == "" && c.ISSN == "" && c.DOI == "" && c.PMID == "" {
		return nil, ill.E(ill.Invalid, "the citation needs a title or an identifier", map[string]string{"title": "required"})
	}
	var out *ill.Request
	err := a.write(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, true)
		if err != nil {
			return err
		}
		editable := []ill.State{ill.BReview, ill.BValidated, ill.BRetryOffered, ill.BEndOfRota, ill.BAwaitingPatron, ill.BAwaitingCopyr}
		if r.Side != ill.Borrowing || !slices.Contains(editable, r.State) {
			return ill.E(ill.Conflict, fmt.Sprintf("Request %s is with a lender: its citation can be changed only before it is sent, on a Retry, or at the end of the rota.", r.PublicID))
		}
		var changed []string
		old := r.Citation
		for _, f := range []struct {
			name     string
			old, new string
		}{{"title", old.Title, c.Title}, {"author", old.Author, c.Author}, {"articleTitle", old.ArticleTitle, c.ArticleTitle},
			{"journalTitle", old.JournalTitle, c.JournalTitle}, {"volume", old.Volume, c.Volume}, {"issue", old.Issue, c.Issue},
			{"pages", old.Pages, c.Pages}, {"publicationDate", old.PubDate, c.PubDate}, {"edition", old.Edition, c.Edition},
			{"publisher", old.Publisher, c.Publisher}, {"isbn", old.ISBN, c.ISBN}, {"issn", old.ISSN, c.ISSN},
			{"oclcNumber", old.OCLCNumber, c.OCLCNumber}, {"doi", old.DOI, c.DOI}, {"pmid", old.PMID, c.PMID}} {
			if strings.TrimSpace(f.old) != f.new {
				changed = append(changed, f.name)
			}
		}
		if len(changed) == 0 {
			out = r
			return nil
		}
		// Fields the form does not show are kept.
		c.Authors, c.PublicationType, c.PreferredFormat, c.PreferredEdition = old.Authors, old.PublicationType, old.PreferredFormat, old.PreferredEdition
		c.Sponsor, c.Series, c.Language, c.Source, c.EISSN, c.LCCN, c.PlaceOfPub, c.Chapter = old.Sponsor, old.Series, old.Language, old.Source, old.EISSN, old.LCCN, old.PlaceOfPub, old.Chapter
		if len(c.Authors) > 0 && c.Author != old.Author {
			c.Authors = nil
		}
		r.Citation = c
		if err := tx.Agency().UpdateRequest(r.Agency, r, version); err != nil {
			return err
		}
		if err := a.event(tx, r, actor, "citation_edited", "edit_citation", map[string]any{"fields": changed}, 0); err != nil {
			return err
		}
		out = r
		return nil
	})
	return out, err
}
