package nciptest

import "interlend/internal/ncip"

// candidates are the items a RequestItem names, by item id or title.
func (r *Responder) candidates(x *exchange, m *ncip.RequestItem) ([]*Item, string, *ncip.Problem) {
	var out []*Item
	bibID := ""
	for i := range m.ItemID {
		it, p := r.findItem(x, &m.ItemID[i])
		if p != nil {
			return nil, "", p
		}
		out = append(out, it)
	}
	for _, b := range m.BibliographicID {
		key := bibKey(b)
		bibID = key
		found := false
		for _, it := range r.sortedItems() {
			if (b.BibliographicRecordID != nil && it.BibID == key) || (b.BibliographicItemID != nil && it.ISBN == key) {
				out = append(out, it)
				found = true
			}
		}
		if !found {
			return nil, "", x.fail(ncip.UnknownItem, "BibliographicId", key, "no item of this title")
		}
	}
	return out, bibID, nil
}

func (r *Responder) requestItem(x *exchange, m *ncip.RequestItem) (ncip.Body, *ncip.Problem) {
	u, p := r.resolveUser(x, m.UserID, m.AuthenticationInput)
	if p != nil {
		return nil, p
	}
	if p := x.blocked(u); p != nil {
		return nil, p
	}
	if m.RequestID != nil && r.findRequest(m.RequestID.Value) != nil {
		return nil, x.fail(ncip.DuplicateRequest, "RequestIdentifierValue", m.RequestID.Value, "")
	}
	items, bibID, p := r.candidates(x, m)
	if p != nil {
		return nil, p
	}
	for _, it := range items {
		for _, q := range r.openRequests(it.Barcode) {
			if q.UserID == u.ID {
				return nil, x.fail(ncip.DuplicateRequest, "UserIdentifierValue", u.ID, "the user already has a request for this item")
			}
		}
	}
	chosen, p := r.choose(x, items, m)
	if p != nil {
		return nil, p
	}
	id := m.RequestID
	if id == nil {
		id = ncip.NewRequestID(r.agency(), r.nextID("REQ"))
	}
	r.requests = append(r.requests, &Request{
		ID: id.Value, UserID: u.ID, ItemBarcode: chosen.Barcode, BibID: bibID,
		Type: m.RequestType.Value, Scope: m.RequestScopeType.Value,
		PickupLocation: m.PickupLocation.Value, NeedBefore: m.NeedBeforeDate.Time, State: RequestOpen,
	})
	resp := &ncip.RequestItemResponse{
		ResponseHeader:     x.h,
		RequestID:          id,
		UserID:             userID(m.UserID, u),
		RequestType:        m.RequestType,
		RequestScopeType:   m.RequestScopeType,
		ItemOptionalFields: r.itemFields(x, chosen, m.ItemElementType),
		UserOptionalFields: r.userFields(u, m.UserElementType),
	}
	if m.RequestScopeType.Is(ncip.ScopeItem) {
		resp.ItemID = ncip.ItemBarcode(chosen.Barcode)
	}
	if r.loans[chosen.Barcode] == nil {
		resp.DateAvailable = ncip.At(r.now())
	}
	return resp, nil
}

// choose picks the copy to fill a request with: one on the shelf if any,
// else one on loan that comes back before the need-before date.
func (r *Responder) choose(x *exchange, items []*Item, m *ncip.RequestItem) (*Item, *ncip.Problem) {
	var onLoan *Item
	for _, it := range items {
		if !it.lendable() {
			continue
		}
		l := r.loans[it.Barcode]
		if l == nil {
			return it, nil
		}
		if onLoan == nil && (m.NeedBeforeDate.IsZero() || !l.Due.After(m.NeedBeforeDate.Time)) {
			onLoan = it
		}
	}
	if onLoan != nil {
		return onLoan, nil
	}
	for _, it := range items {
		if it.lendable() {
			return nil, x.fail(ncip.ItemNotAvailableByNeedBeforeDate, "NeedBeforeDate", m.NeedBeforeDate.Format("2006-01-02"), "")
		}
	}
	return nil, x.fail(ncip.ItemDoesNotCirculate, "ItemIdentifierValue", items[0].Barcode, "status "+items[0].status())
}

func (r *Responder) cancelRequestItem(x *exchange, m *ncip.CancelRequestItem) (ncip.Body, *ncip.Problem) {
	u, p := r.resolveUser(x, m.UserID, m.AuthenticationInput)
	if p != nil {
		return nil, p
	}
	var q *Request
	if m.RequestID != nil {
		q = r.findRequest(m.RequestID.Value)
	} else {
		for _, c := range r.openRequests(m.ItemID.Value) {
			if c.UserID == u.ID {
				q = c
				break
			}
		}
	}
	switch {
	case q == nil, q.UserID != u.ID:
		value := ""
		if m.RequestID != nil {
			value = m.RequestID.Value
		}
		return nil, x.fail(ncip.UnknownRequest, "RequestIdentifierValue", value, "")
	case q.State != RequestOpen:
		return nil, x.fail(ncip.RequestAlreadyProcessed, "RequestIdentifierValue", q.ID, "request is "+string(q.State))
	}
	q.State = RequestCancelled
	resp := &ncip.CancelRequestItemResponse{
		ResponseHeader:     x.h,
		RequestID:          m.RequestID,
		UserID:             userID(m.UserID, u),
		ItemOptionalFields: r.itemFields(x, r.items[q.ItemBarcode], m.ItemElementType),
		UserOptionalFields: r.userFields(u, m.UserElementType),
	}
	if m.ItemID != nil || m.RequestID == nil {
		resp.ItemID = ncip.ItemBarcode(q.ItemBarcode)
	}
	return resp, nil
}
