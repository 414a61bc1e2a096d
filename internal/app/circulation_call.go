package app

import (
	"context"
	"strconv"

	"interlend/internal/ill"
	"interlend/internal/ils"
)

// stepOutcome is what calling the ILS for a step came to.
type stepOutcome struct {
	itemID  string
	data    map[string]string
	skipped string // why the step was not needed, a code ("" when it ran)
	err     error  // an *ils.Error, or another error (retried)
}

func skip(why string) stepOutcome { return stepOutcome{skipped: why} }

// callStep calls the ILS for one step with inputs built from c.
func callStep(ctx context.Context, d ils.Driver, c *stepContext, service ils.Service) stepOutcome {
	if d.Name() != ils.DriverNCIP {
		if c.r.Side == ill.Lending {
			return skip("no_ils")
		}
		return stepOutcome{data: map[string]string{"via": viaInterlend}}
	}
	if !d.Supports(service) {
		return skip("switched_off")
	}
	r := c.r
	out := stepOutcome{data: map[string]string{"via": viaILS}}
	switch {
	case r.Side == ill.Borrowing && service == ils.AcceptItem:
		due := c.patronDue()
		res, err := d.AcceptItem(ctx, ils.AcceptItemInput{RequestID: r.PublicID, Patron: c.patronIdent(), ItemBarcode: c.receivedBarcode(),
			Citation: r.Citation, DueDate: due, PickupLocation: c.pickup()})
		out.itemID, out.err = res.ItemID, err
		out.data["due"], out.data["pickup"] = day(due), c.pickup()
		if out.data["pickup"] == "" {
			out.data["pickup"] = c.settings.PickupLocation // what the driver sent
		}
	case r.Side == ill.Borrowing && service == ils.CheckOutItem:
		item := c.tempItem()
		if item == "" {
			return skip("no_temporary_item")
		}
		loan, err := d.CheckOutItem(ctx, ils.CheckOutItemInput{Patron: c.patronIdent(), ItemID: item, RequestID: r.PublicID, DueDate: c.patronDue()})
		out.itemID, out.err, out.data["due"] = item, err, day(loan.Due)
	case r.Side == ill.Borrowing && service == ils.RenewItem:
		item := c.tempItem()
		if item == "" {
			return skip("no_temporary_item")
		}
		due := c.patronDue()
		loan, err := d.RenewItem(ctx, ils.RenewItemInput{Patron: c.patronIdent(), ItemID: item, DesiredDue: due})
		out.itemID, out.err, out.data["due"] = item, err, day(loan.Due)
		if loan.Pending {
			out.data["due"], out.data["why"] = day(due), "renewal_pending"
		}
	case r.Side == ill.Borrowing && service == ils.CheckInItem:
		item := c.tempItem()
		if item == "" {
			return skip("no_temporary_item")
		}
		in, err := d.CheckInItem(ctx, ils.CheckInItemInput{ItemID: item})
		out.itemID, out.err = item, err
		if in.NotOnLoan {
			out.data["why"] = "already_checked_in"
		}
	case r.Side == ill.Borrowing && service == ils.DeleteItem:
		item := c.tempItem()
		if item == "" {
			return skip("no_temporary_item")
		}
		del, err := d.DeleteItem(ctx, ils.DeleteItemInput{ItemID: item})
		out.itemID, out.err = item, err
		if del.AlreadyGone {
			out.data["why"] = "already_deleted"
		}
	case r.Side == ill.Lending && service == ils.LookupItem:
		return lookupCopies(ctx, d, c)
	case r.Side == ill.Lending && service == ils.RequestItem:
		in := ils.RequestItemInput{RequestID: r.PublicID, Patron: c.institution(), NeedBefore: r.NeedBefore}
		if s, ok := findStep(c.steps, ils.LookupItem); ok && s.Data["available"] == "yes" {
			in.ItemID = s.ItemID
		} else if s.Data["bib"] != "" {
			in.BibID = s.Data["bib"]
		} else {
			in.ISBN = r.Citation.ISBN
		}
		if in.ItemID == "" && in.BibID == "" && in.ISBN == "" {
			return skip("nothing_to_ask_for")
		}
		h, err := d.RequestItem(ctx, in)
		out.itemID, out.err = h.ItemID, err
		out.data["callNumber"], out.data["location"] = h.Item.CallNumber, h.Item.Location
		if h.Duplicate {
			out.data["why"] = "already_requested"
		}
	case r.Side == ill.Lending && service == ils.CheckOutItem:
		item := c.lentItem()
		if item == "" {
			return skip("no_barcode_shipped")
		}
		in := ils.CheckOutItemInput{Patron: c.institution(), ItemID: item, DueDate: r.LenderDue}
		if c.holdPlaced() {
			in.RequestID = r.PublicID
		}
		loan, err := d.CheckOutItem(ctx, in)
		out.itemID, out.err, out.data["due"] = item, err, day(loan.Due)
	case r.Side == ill.Lending && service == ils.CheckInItem:
		s, ok := findStep(c.steps, ils.CheckOutItem)
		if !ok || s.ItemID == "" || !s.State.Completed() {
			return skip("not_checked_out")
		}
		in, err := d.CheckInItem(ctx, ils.CheckInItemInput{ItemID: s.ItemID})
		out.itemID, out.err = s.ItemID, err
		if in.NotOnLoan {
			out.data["why"] = "already_checked_in"
		}
	case r.Side == ill.Lending && service == ils.CancelRequestItem:
		if !c.holdPlaced() {
			return skip("no_hold")
		}
		hold, _ := findStep(c.steps, ils.RequestItem)
		res, err := d.CancelRequestItem(ctx, ils.CancelRequestItemInput{RequestID: r.PublicID, Patron: c.institution(), ItemID: hold.ItemID})
		out.err = err
		if res.AlreadyProcessed {
			out.data["why"] = "hold_closed_already"
		}
	default:
		return skip("not_this_side")
	}
	return out
}

// lookupCopies asks the ILS about the copies the local catalog lists, up
// to the first on the shelf. A copy the ILS does not know is passed over;
// none found at all is a result ("no copy"), not a failure.
func lookupCopies(ctx context.Context, d ils.Driver, c *stepContext) stepOutcome {
	if len(c.copies.barcodes) == 0 {
		return skip("no_catalog_copy")
	}
	out := stepOutcome{data: map[string]string{"via": viaILS, "available": "no", "bib": c.copies.bibID}}
	checked := 0
	for _, b := range c.copies.barcodes {
		it, err := d.LookupItem(ctx, ils.LookupItemInput{ItemID: b})
		if ils.ClassOf(err) == ils.Refused {
			continue // the catalog knows a copy the ILS does not
		}
		if err != nil {
			return stepOutcome{err: err}
		}
		checked++
		if out.itemID == "" || it.Available {
			out.itemID = it.ID
			out.data["status"], out.data["callNumber"], out.data["location"] = it.Status, it.CallNumber, it.Location
			out.data["due"] = day(it.Due)
		}
		if it.Available {
			out.data["available"] = "yes"
			break
		}
	}
	out.data["checked"] = strconv.Itoa(checked)
	if checked == 0 {
		out.data["why"] = "copies_unknown"
	}
	return out
}
