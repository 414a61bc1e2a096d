package app

import (
	"context"
	"slices"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// scanActions are, in order of preference, the actions a scan at a desk
// performs next: receiving, checking out and in, shipping and returns.
var scanActions = []ill.ActionName{
	ill.ActReceive, ill.ActCheckOut, ill.ActCheckIn, ill.ActShipReturn, ill.ActCompleteCopy,
	ill.ActFound, ill.ActShip, ill.ActLendCheckIn, ill.ActPrintSlip,
}

// ScanMatch is a request a scanned code belongs to, with the action the
// scan most likely means now.
type ScanMatch struct {
	Request *ill.Request
	Next    ill.ActionName
}

// Scan finds what a scanned code (a request id, a partner's request id, an
// item barcode) refers to, on both desks of the actor's agency, preferring
// open requests.
func (a *App) Scan(ctx context.Context, actor ill.Actor, code string) ([]ScanMatch, error) {
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return nil, err
	}
	var out []ScanMatch
	err := a.read(ctx, func(tx *store.Tx) error {
		rs, _, err := tx.Agency().ListRequests(actor.Agency, store.RequestFilter{Query: code, Open: true, Limit: 20})
		if err != nil {
			return err
		}
		if len(rs) == 0 {
			if rs, _, err = tx.Agency().ListRequests(actor.Agency, store.RequestFilter{Query: code, Limit: 20}); err != nil {
				return err
			}
		}
		for _, r := range rs {
			if !exactCode(r, code) && len(rs) > 1 {
				continue
			}
			m := ScanMatch{Request: r}
			avail := availableFor(actor, r)
			for _, name := range scanActions {
				if slices.ContainsFunc(avail, func(d ill.ActionDef) bool { return d.Name == name }) {
					m.Next = name
					break
				}
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// exactCode reports whether code is the request's id, its partner's id or
// one of its items' barcodes (not just a title match).
func exactCode(r *ill.Request, code string) bool {
	if r.PublicID == code || r.PartnerRequestID == code {
		return true
	}
	for _, it := range r.Items {
		if it.Barcode == code {
			return true
		}
	}
	return false
}

// Search finds requests on both desks by id, barcode, identifier or
// title words.
func (a *App) Search(ctx context.Context, actor ill.Actor, q string, limit int) ([]*ill.Request, int, error) {
	return a.ListRequests(ctx, actor, store.RequestFilter{Query: q, Limit: limit})
}

// QueueCounts counts a desk's open requests per state and those needing
// attention.
func (a *App) QueueCounts(ctx context.Context, actor ill.Actor, side ill.Side) (map[ill.State]int, int, error) {
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return nil, 0, err
	}
	var counts map[ill.State]int
	var attention int
	err := a.read(ctx, func(tx *store.Tx) (err error) {
		counts, attention, err = tx.Agency().QueueCounts(actor.Agency, side)
		return
	})
	return counts, attention, err
}
