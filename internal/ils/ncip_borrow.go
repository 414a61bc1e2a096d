package ils

import (
	"context"
	"errors"

	"interlend/internal/ncip"
)

// LookupUser asks for the patron's name, email, category, expiry and
// blocks.
func (d *NCIP) LookupUser(ctx context.Context, in LookupUserInput) (User, error) {
	if err := d.check(LookupUser, "patron id", in.Patron); err != nil {
		return User{}, err
	}
	req := &ncip.LookupUser{UserElementType: ncip.UserElementTypes(ncip.UserElementNameInformation,
		ncip.UserElementUserAddressInformation, ncip.UserElementUserPrivilege, ncip.UserElementBlockOrTrap)}
	if in.PIN != "" {
		req.AuthenticationInput = []ncip.AuthenticationInput{
			ncip.NewAuthenticationInput(ncip.AuthBarcodeID, in.Patron),
			ncip.NewAuthenticationInput(ncip.AuthPIN, in.PIN),
		}
	} else {
		req.UserID = d.userID(in.Patron)
	}
	resp, err := d.client.LookupUser(ctx, req)
	if err != nil {
		return User{}, fromNCIP(LookupUser, err)
	}
	u := userOf(resp, in.Patron, d.clock.Now())
	return u, judge(u, d.clock.Now())
}

// AcceptItem creates the temporary item, keyed by our request id.
func (d *NCIP) AcceptItem(ctx context.Context, in AcceptItemInput) (AcceptedItem, error) {
	if err := d.check(AcceptItem, "request id", in.RequestID); err != nil {
		return AcceptedItem{}, err
	}
	req := &ncip.AcceptItem{
		RequestID:           *d.requestID(in.RequestID),
		RequestedActionType: ncip.NewRequestedActionType(or(d.s.AcceptAction, DefaultAcceptAction)),
		DateForReturn:       ncip.At(in.DueDate),
		RenewalNotPermitted: ncip.Flag(in.RenewalNotPermitted),
		PickupLocation:      d.pickup(in.PickupLocation),
	}
	if in.Patron != "" {
		req.UserID = d.userID(in.Patron)
	}
	if in.ItemBarcode != "" {
		req.ItemID = d.itemID(in.ItemBarcode)
	}
	c := in.Citation
	fields := &ncip.ItemOptionalFields{}
	if title := c.DisplayTitle(); title != "" || c.Author != "" || c.ISBN != "" {
		b := &ncip.BibliographicDescription{Title: title, Author: c.Author, Publisher: c.Publisher, PublicationDate: c.PubDate, Edition: c.Edition}
		if c.ISBN != "" {
			b.BibliographicItemID = &ncip.BibliographicItemID{Identifier: c.ISBN, Code: ncip.NewBibliographicItemIdentifierCode(ncip.BibCodeISBN)}
		}
		fields.BibliographicDescription = b
	}
	if d.s.ItemLocation != "" {
		fields.Location = []ncip.Location{ncip.NewLocation("Permanent Location", d.s.ItemLocation)}
	}
	if fields.BibliographicDescription != nil || len(fields.Location) > 0 {
		req.ItemOptionalFields = fields
	}
	resp, err := d.client.AcceptItem(ctx, req)
	if err != nil {
		return AcceptedItem{}, fromNCIP(AcceptItem, err)
	}
	out := AcceptedItem{ItemID: in.ItemBarcode, RequestID: in.RequestID}
	if resp.ItemID != nil && resp.ItemID.Value != "" {
		out.ItemID = resp.ItemID.Value
	}
	return out, nil
}

// CheckOutItem lends the item to the patron or library account.
func (d *NCIP) CheckOutItem(ctx context.Context, in CheckOutItemInput) (Loan, error) {
	if err := d.check(CheckOutItem, "patron id", in.Patron, "item id", in.ItemID); err != nil {
		return Loan{}, err
	}
	req := &ncip.CheckOutItem{UserID: d.userID(in.Patron), ItemID: *d.itemID(in.ItemID), DesiredDateDue: ncip.At(in.DueDate)}
	if in.RequestID != "" {
		req.RequestID = d.requestID(in.RequestID)
	}
	resp, err := d.client.CheckOutItem(ctx, req)
	if err != nil {
		return Loan{}, fromNCIP(CheckOutItem, err)
	}
	l := Loan{ItemID: in.ItemID, Due: resp.DateDue.Time, Indeterminate: bool(resp.IndeterminateLoanPeriodFlag || resp.NonReturnableFlag)}
	if resp.RenewalCount != nil {
		l.RenewalCount = *resp.RenewalCount
	}
	return l, nil
}

// CheckInItem returns the item; Item Not Checked Out is a success.
func (d *NCIP) CheckInItem(ctx context.Context, in CheckInItemInput) (CheckIn, error) {
	if err := d.check(CheckInItem, "item id", in.ItemID); err != nil {
		return CheckIn{}, err
	}
	resp, err := d.client.CheckInItem(ctx, &ncip.CheckInItem{ItemID: *d.itemID(in.ItemID)})
	if errors.Is(err, ncip.ItemNotCheckedOut) {
		return CheckIn{ItemID: in.ItemID, NotOnLoan: true}, nil
	}
	if err != nil {
		return CheckIn{}, fromNCIP(CheckInItem, err)
	}
	out := CheckIn{ItemID: in.ItemID}
	if resp.UserID != nil {
		out.Patron = resp.UserID.Value
	}
	return out, nil
}

// DeleteItem removes the temporary item; Unknown Item is a success.
func (d *NCIP) DeleteItem(ctx context.Context, in DeleteItemInput) (Deleted, error) {
	if err := d.check(DeleteItem, "item id", in.ItemID); err != nil {
		return Deleted{}, err
	}
	_, err := d.client.DeleteItem(ctx, &ncip.DeleteItem{ItemID: *d.itemID(in.ItemID)})
	if errors.Is(err, ncip.UnknownItem) {
		return Deleted{ItemID: in.ItemID, AlreadyGone: true}, nil
	}
	if err != nil {
		return Deleted{}, fromNCIP(DeleteItem, err)
	}
	return Deleted{ItemID: in.ItemID}, nil
}

// RenewItem extends the loan; a Pending answer is a success with Pending.
func (d *NCIP) RenewItem(ctx context.Context, in RenewItemInput) (Loan, error) {
	if err := d.check(RenewItem, "patron id", in.Patron, "item id", in.ItemID); err != nil {
		return Loan{}, err
	}
	resp, err := d.client.RenewItem(ctx, &ncip.RenewItem{UserID: d.userID(in.Patron), ItemID: *d.itemID(in.ItemID), DesiredDateDue: ncip.At(in.DesiredDue)})
	if err != nil {
		return Loan{}, fromNCIP(RenewItem, err)
	}
	l := Loan{ItemID: in.ItemID, Due: resp.DateDue.Time, Pending: resp.Pending != nil}
	if resp.RenewalCount != nil {
		l.RenewalCount = *resp.RenewalCount
	}
	return l, nil
}
