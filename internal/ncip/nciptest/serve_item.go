package nciptest

import (
	"strings"

	"interlend/internal/ncip"
)

// itemID is the ItemId to answer with: the type the initiator used, or
// Barcode.
func itemID(sent *ncip.ItemID, barcode string) *ncip.ItemID {
	if sent != nil {
		return &ncip.ItemID{AgencyID: sent.AgencyID, Type: sent.Type, Value: barcode}
	}
	return ncip.ItemBarcode(barcode)
}

func (r *Responder) findItem(x *exchange, id *ncip.ItemID) (*Item, *ncip.Problem) {
	it := r.items[id.Value]
	if it == nil {
		return nil, x.fail(ncip.UnknownItem, "ItemIdentifierValue", id.Value, "no item with this identifier")
	}
	return it, nil
}

func (r *Responder) lookupItem(x *exchange, m *ncip.LookupItem) (ncip.Body, *ncip.Problem) {
	resp := &ncip.LookupItemResponse{ResponseHeader: x.h}
	var it *Item
	if m.RequestID != nil {
		q := r.findRequest(m.RequestID.Value)
		if q == nil {
			if barcode, ok := r.acceptedItem(m.RequestID); ok {
				it = r.items[barcode]
			}
			if it == nil {
				return nil, x.fail(ncip.UnknownRequest, "RequestIdentifierValue", m.RequestID.Value, "")
			}
		} else if it = r.items[q.ItemBarcode]; it == nil {
			return nil, x.fail(ncip.UnknownItem, "RequestIdentifierValue", m.RequestID.Value, "the request has no item")
		}
		resp.RequestID = m.RequestID
	} else {
		var p *ncip.Problem
		if it, p = r.findItem(x, m.ItemID); p != nil {
			return nil, p
		}
	}
	resp.ItemID = itemID(m.ItemID, it.Barcode)
	resp.ItemOptionalFields = r.itemFields(x, it, m.ItemElementType)
	var tx ncip.ItemTransaction
	if l := r.loans[it.Barcode]; l != nil && m.CurrentBorrowerDesired {
		tx.CurrentBorrower = &ncip.CurrentUser{UserID: *ncip.UserBarcode(l.UserID)}
	}
	if m.CurrentRequestersDesired {
		for _, q := range r.openRequests(it.Barcode) {
			tx.CurrentRequester = append(tx.CurrentRequester, ncip.CurrentUser{UserID: *ncip.UserBarcode(q.UserID)})
		}
	}
	if tx.CurrentBorrower != nil || len(tx.CurrentRequester) > 0 {
		resp.ItemTransaction = &tx
	}
	return resp, nil
}

// itemFields is what the element types ask to know about it, or nil.
func (r *Responder) itemFields(x *exchange, it *Item, types []ncip.SchemeValuePair) *ncip.ItemOptionalFields {
	if it == nil || len(types) == 0 {
		return nil
	}
	f := &ncip.ItemOptionalFields{}
	found := false
	if wants(types, ncip.ItemElementBibliographicDescription) {
		b := &ncip.BibliographicDescription{Author: it.Author, Title: it.Title}
		if it.ISBN != "" {
			b.BibliographicItemID = &ncip.BibliographicItemID{Identifier: it.ISBN, Code: ncip.NewBibliographicItemIdentifierCode(ncip.BibCodeISBN)}
		}
		if it.BibID != "" {
			b.BibliographicRecordID = []ncip.BibliographicRecordID{{Identifier: it.BibID, AgencyID: ncip.Value(r.agency())}}
		}
		f.BibliographicDescription = b
		found = true
	}
	if wants(types, ncip.ItemElementCirculationStatus) {
		f.CirculationStatus = ncip.NewCirculationStatus(it.status())
		// DateDue in ItemOptionalFields is new in 2.02.
		if l := r.loans[it.Barcode]; l != nil && !x.v.Is20() {
			f.DateDue = ncip.At(l.Due)
		}
		found = true
	}
	if wants(types, ncip.ItemElementHoldQueueLength) {
		n := len(r.openRequests(it.Barcode))
		f.HoldQueueLength = &n
		found = true
	}
	if wants(types, ncip.ItemElementItemDescription) && it.CallNumber != "" {
		f.ItemDescription = &ncip.ItemDescription{CallNumber: it.CallNumber}
		found = true
	}
	if wants(types, ncip.ItemElementLocation) && it.Location != "" {
		f.Location = []ncip.Location{ncip.NewLocation("Permanent Location", strings.Split(it.Location, " / ")...)}
		found = true
	}
	if !found {
		return nil
	}
	return f
}

// acceptKey identifies an AcceptItem request across calls.
func acceptKey(id *ncip.RequestID) string { return id.AgencyID.Value + "\x00" + id.Value }

func (r *Responder) acceptedItem(id *ncip.RequestID) (string, bool) {
	if b, ok := r.accepted[acceptKey(id)]; ok {
		return b, true
	}
	// A LookupItem by RequestId may omit the agency.
	for k, b := range r.accepted {
		if strings.HasSuffix(k, "\x00"+id.Value) {
			return b, true
		}
	}
	return "", false
}

func (r *Responder) acceptItem(x *exchange, m *ncip.AcceptItem) (ncip.Body, *ncip.Problem) {
	key := acceptKey(&m.RequestID)
	if barcode, ok := r.accepted[key]; ok {
		// Idempotent: the same ILL request arriving again gets the item
		// created the first time.
		x.call.Duplicate = true
		return &ncip.AcceptItemResponse{ResponseHeader: x.h, RequestID: &m.RequestID, ItemID: itemID(m.ItemID, barcode)}, nil
	}
	var u *User
	if m.UserID != nil {
		var p *ncip.Problem
		if u, p = r.resolveUser(x, m.UserID, nil); p != nil {
			return nil, p
		}
	}
	barcode := ""
	if m.ItemID != nil {
		barcode = m.ItemID.Value
		if _, exists := r.items[barcode]; exists {
			return nil, x.fail(ncip.CannotAcceptItem, "ItemIdentifierValue", barcode, "an item with this barcode exists")
		}
	} else {
		barcode = r.nextID("ILL")
	}
	it := &Item{Barcode: barcode, Temporary: true, RequestID: m.RequestID.Value, Location: m.PickupLocation.Value}
	if f := m.ItemOptionalFields; f != nil && f.BibliographicDescription != nil {
		b := f.BibliographicDescription
		it.Title, it.Author = b.Title, b.Author
		if b.BibliographicItemID != nil {
			it.ISBN = b.BibliographicItemID.Identifier
		}
	}
	hold := strings.Contains(strings.ToLower(m.RequestedActionType.Value), "hold")
	switch {
	case u != nil && hold:
		it.Status = ncip.StatusAvailableForPickup
		r.requests = append(r.requests, &Request{
			ID: m.RequestID.Value, UserID: u.ID, ItemBarcode: barcode,
			Type: ncip.RequestTypeHold, Scope: ncip.ScopeItem, PickupLocation: m.PickupLocation.Value, State: RequestOpen,
		})
	case u != nil:
		// Circulate: the item goes straight to the patron.
		due := m.DateForReturn.Time
		if due.IsZero() {
			due = r.now().Add(r.loanPeriod())
		}
		it.Status = ncip.StatusOnLoan
		r.loans[barcode] = &Loan{ItemBarcode: barcode, UserID: u.ID, Due: due}
	default:
		it.Status = ncip.StatusInProcess
	}
	r.items[barcode] = it
	r.accepted[key] = barcode
	return &ncip.AcceptItemResponse{ResponseHeader: x.h, RequestID: &m.RequestID, ItemID: itemID(m.ItemID, barcode)}, nil
}

// deleteItem removes the item, its loan and its open requests.
func (r *Responder) deleteItem(x *exchange, m *ncip.DeleteItem) (ncip.Body, *ncip.Problem) {
	it, p := r.findItem(x, &m.ItemID)
	if p != nil {
		return nil, p
	}
	delete(r.items, it.Barcode)
	delete(r.loans, it.Barcode)
	for _, q := range r.openRequests(it.Barcode) {
		q.State = RequestCancelled
	}
	return &ncip.DeleteItemResponse{ResponseHeader: x.h, ItemID: itemID(&m.ItemID, it.Barcode)}, nil
}
