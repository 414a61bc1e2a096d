package ils

import (
	"context"
	"errors"
	"slices"
	"strings"

	"interlend/internal/ncip"
)

// LookupItem reads an item by id, or by the request it fills.
func (d *NCIP) LookupItem(ctx context.Context, in LookupItemInput) (Item, error) {
	if err := d.check(LookupItem); err != nil {
		return Item{}, err
	}
	req := &ncip.LookupItem{ItemElementType: append(slices.Clone(itemElements), ncip.NewItemElementType(ncip.ItemElementHoldQueueLength))}
	switch {
	case strings.TrimSpace(in.ItemID) != "":
		req.ItemID = d.itemID(in.ItemID)
	case strings.TrimSpace(in.RequestID) != "":
		req.RequestID = d.requestID(in.RequestID)
	default:
		return Item{}, misconfigured(LookupItem, "no item id or request id given", nil)
	}
	resp, err := d.client.LookupItem(ctx, req)
	if err != nil {
		return Item{}, fromNCIP(LookupItem, err)
	}
	it := itemOf(resp.ItemID, resp.ItemOptionalFields)
	if it.ID == "" {
		it.ID = in.ItemID
	}
	return it, nil
}

// RequestItem places the hold or page, keyed by our request id. A
// Duplicate Request about that id means the ILS already has it (a retry):
// that is a success with Duplicate set.
func (d *NCIP) RequestItem(ctx context.Context, in RequestItemInput) (Hold, error) {
	if err := d.check(RequestItem, "request id", in.RequestID, "patron id", in.Patron); err != nil {
		return Hold{}, err
	}
	req := &ncip.RequestItem{
		UserID:          d.userID(in.Patron),
		RequestID:       d.requestID(in.RequestID),
		RequestType:     ncip.NewRequestType(or(d.s.RequestType, DefaultRequestType)),
		NeedBeforeDate:  ncip.At(in.NeedBefore),
		PickupLocation:  d.pickup(in.PickupLocation),
		ItemElementType: itemElements,
	}
	scope := ncip.ScopeBibliographicItem
	switch {
	case strings.TrimSpace(in.ItemID) != "":
		req.ItemID = []ncip.ItemID{*d.itemID(in.ItemID)}
		scope = ncip.ScopeItem
	case strings.TrimSpace(in.BibID) != "":
		req.BibliographicID = []ncip.BibliographicID{ncip.BibRecord(d.s.ToAgency, strings.TrimSpace(in.BibID))}
	case strings.TrimSpace(in.ISBN) != "":
		req.BibliographicID = []ncip.BibliographicID{ncip.BibNumber(ncip.BibCodeISBN, strings.TrimSpace(in.ISBN))}
	default:
		return Hold{}, misconfigured(RequestItem, "no item id, record id or ISBN given", nil)
	}
	req.RequestScopeType = ncip.NewRequestScopeType(or(d.s.RequestScope, scope))
	resp, err := d.client.RequestItem(ctx, req)
	var p *ncip.Problem
	if errors.As(err, &p) && p.Type.Is(string(ncip.DuplicateRequest)) && (p.Value == req.RequestID.Value || p.Element == "RequestIdentifierValue") {
		return d.existingHold(ctx, in.RequestID), nil
	}
	if err != nil {
		return Hold{}, fromNCIP(RequestItem, err)
	}
	h := Hold{RequestID: in.RequestID, Available: resp.DateAvailable.Time}
	if resp.RequestID != nil && resp.RequestID.Value != "" {
		h.RequestID = resp.RequestID.Value
	}
	h.Item = itemOf(resp.ItemID, resp.ItemOptionalFields)
	if h.Item.ID == "" {
		h.Item.ID = in.ItemID
	}
	if h.Item.ID == "" {
		// A title-level request: ask which copy the ILS chose, if it says.
		if found := d.existingHold(ctx, in.RequestID); found.ItemID != "" {
			h.Item = found.Item
		}
	}
	h.ItemID = h.Item.ID
	return h, nil
}

// existingHold describes a request the ILS has, as far as LookupItem by
// request id (if switched on) tells; a failed lookup leaves the copy
// unknown.
func (d *NCIP) existingHold(ctx context.Context, requestID string) Hold {
	h := Hold{RequestID: requestID, Duplicate: true}
	if !d.s.enabled(LookupItem) {
		return h
	}
	if it, err := d.LookupItem(ctx, LookupItemInput{RequestID: requestID}); err == nil {
		h.Item, h.ItemID = it, it.ID
	}
	return h
}

// CancelRequestItem withdraws the hold; Request Already Processed is a
// success with AlreadyProcessed.
func (d *NCIP) CancelRequestItem(ctx context.Context, in CancelRequestItemInput) (Cancelled, error) {
	if err := d.check(CancelRequestItem, "request id", in.RequestID, "patron id", in.Patron); err != nil {
		return Cancelled{}, err
	}
	req := &ncip.CancelRequestItem{
		UserID:      d.userID(in.Patron),
		RequestID:   d.requestID(in.RequestID),
		RequestType: ncip.NewRequestType(or(d.s.RequestType, DefaultRequestType)),
	}
	if in.ItemID != "" {
		req.ItemID = d.itemID(in.ItemID)
	}
	_, err := d.client.CancelRequestItem(ctx, req)
	if errors.Is(err, ncip.RequestAlreadyProcessed) {
		return Cancelled{AlreadyProcessed: true}, nil
	}
	if err != nil {
		return Cancelled{}, fromNCIP(CancelRequestItem, err)
	}
	return Cancelled{}, nil
}
