package nciptest

import (
	"fmt"

	"interlend/internal/ncip"
)

func (r *Responder) checkOutItem(x *exchange, m *ncip.CheckOutItem) (ncip.Body, *ncip.Problem) {
	u, p := r.resolveUser(x, m.UserID, m.AuthenticationInput)
	if p != nil {
		return nil, p
	}
	if p := x.blocked(u); p != nil {
		return nil, p
	}
	it, p := r.findItem(x, &m.ItemID)
	if p != nil {
		return nil, p
	}
	l := r.loans[it.Barcode]
	switch {
	case l != nil && l.UserID == u.ID:
		// Checking out again to the same user is a no-op, so that a
		// retried call succeeds.
	case l != nil:
		return nil, x.fail(ncip.ResourceCannotBeProvided, "ItemIdentifierValue", it.Barcode, "item is on loan to another user")
	case it.NonCirculating:
		return nil, x.fail(ncip.ItemDoesNotCirculate, "ItemIdentifierValue", it.Barcode, "")
	case !it.lendable():
		return nil, x.fail(ncip.ResourceCannotBeProvided, "ItemIdentifierValue", it.Barcode, "status "+it.status())
	default:
		due := m.DesiredDateDue.Time
		if due.IsZero() {
			due = r.now().Add(r.loanPeriod())
		}
		l = &Loan{ItemBarcode: it.Barcode, UserID: u.ID, Due: due}
		r.loans[it.Barcode] = l
		it.Status = ncip.StatusOnLoan
		for _, q := range r.openRequests(it.Barcode) {
			if q.UserID == u.ID {
				q.State = RequestFilled
			}
		}
	}
	renewals := l.Renewals
	return &ncip.CheckOutItemResponse{
		ResponseHeader:     x.h,
		ItemID:             itemID(&m.ItemID, it.Barcode),
		UserID:             userID(m.UserID, u),
		DateDue:            ncip.At(l.Due),
		RenewalCount:       &renewals,
		ItemOptionalFields: r.itemFields(x, it, m.ItemElementType),
		UserOptionalFields: r.userFields(u, m.UserElementType),
	}, nil
}

func (r *Responder) checkInItem(x *exchange, m *ncip.CheckInItem) (ncip.Body, *ncip.Problem) {
	it, p := r.findItem(x, &m.ItemID)
	if p != nil {
		return nil, p
	}
	l := r.loans[it.Barcode]
	if l == nil {
		return nil, x.fail(ncip.ItemNotCheckedOut, "ItemIdentifierValue", it.Barcode, "")
	}
	delete(r.loans, it.Barcode)
	it.Status = ncip.StatusAvailableOnShelf
	u := r.users[l.UserID]
	return &ncip.CheckInItemResponse{
		ResponseHeader:     x.h,
		ItemID:             itemID(&m.ItemID, it.Barcode),
		UserID:             ncip.UserBarcode(l.UserID),
		ItemOptionalFields: r.itemFields(x, it, m.ItemElementType),
		UserOptionalFields: r.userFields(u, m.UserElementType),
	}, nil
}

func (r *Responder) renewItem(x *exchange, m *ncip.RenewItem) (ncip.Body, *ncip.Problem) {
	u, p := r.resolveUser(x, m.UserID, m.AuthenticationInput)
	if p != nil {
		return nil, p
	}
	it, p := r.findItem(x, &m.ItemID)
	if p != nil {
		return nil, p
	}
	l := r.loans[it.Barcode]
	if l == nil || l.UserID != u.ID {
		return nil, x.fail(ncip.ItemNotCheckedOut, "ItemIdentifierValue", it.Barcode, "not on loan to this user")
	}
	if p := x.blocked(u); p != nil {
		return nil, p
	}
	if r.MaxRenewals > 0 && l.Renewals >= r.MaxRenewals {
		return nil, x.fail(ncip.MaximumRenewalsExceeded, "ItemIdentifierValue", it.Barcode, fmt.Sprintf("%d renewals allowed", r.MaxRenewals))
	}
	for _, q := range r.openRequests(it.Barcode) {
		if q.UserID != u.ID {
			return nil, x.fail(ncip.RenewalNotAllowedOutstandingRequests, "ItemIdentifierValue", it.Barcode, "")
		}
	}
	due := m.DesiredDateDue.Time
	if due.IsZero() {
		from := l.Due
		if now := r.now(); now.After(from) {
			from = now
		}
		due = from.Add(r.loanPeriod())
	}
	l.Due = due
	l.Renewals++
	renewals := l.Renewals
	return &ncip.RenewItemResponse{
		ResponseHeader:     x.h,
		ItemID:             itemID(&m.ItemID, it.Barcode),
		UserID:             userID(m.UserID, u),
		DateDue:            ncip.At(due),
		RenewalCount:       &renewals,
		ItemOptionalFields: r.itemFields(x, it, m.ItemElementType),
		UserOptionalFields: r.userFields(u, m.UserElementType),
	}, nil
}
