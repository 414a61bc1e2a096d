package ils

import (
	"context"
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/patron"
)

// PatronSource finds local patron records for the none driver.
type PatronSource interface {
	// FindPatron returns the patron with this barcode or ILS id, or an
	// error of kind ill.NotFound.
	FindPatron(ctx context.Context, ident string) (User, error)
}

// None is the driver for a library whose ILS Interlend does not talk to:
// LookupUser checks the local patron records, the circulation steps
// succeed without effect (Interlend keeps the loans itself), and the
// lending-side ILS steps are NotConfigured.
type None struct {
	Patrons PatronSource
	Clock   ill.Clock
}

var _ Driver = (*None)(nil)

// Name is "none".
func (*None) Name() string { return DriverNone }

// Supports reports the borrowing-side services.
func (*None) Supports(s Service) bool {
	switch s {
	case LookupItem, RequestItem, CancelRequestItem:
		return false
	}
	return true
}

// LookupUser checks the local record: known, not blocked, not expired.
func (n *None) LookupUser(ctx context.Context, in LookupUserInput) (User, error) {
	ident := strings.TrimSpace(in.Patron)
	if ident == "" {
		return User{}, misconfigured(LookupUser, "no patron id given", nil)
	}
	u, err := n.Patrons.FindPatron(ctx, ident)
	switch {
	case ill.Is(err, ill.NotFound):
		return User{}, refused(LookupUser, ReasonUnknownUser, "no patron record with this barcode or id", err)
	case err != nil:
		return User{}, &Error{Service: LookupUser, Class: Unavailable, Reason: "patron records unavailable", Err: err}
	}
	return u, judge(u, n.now())
}

// judge refuses a blocked or expired patron (the User is still returned).
func judge(u User, now time.Time) error {
	if len(u.Blocks) > 0 {
		return refused(LookupUser, ReasonUserBlocked, strings.Join(u.Blocks, "; "), nil)
	}
	if u.Expired || patron.Expired(u.Expires, now) {
		detail := ""
		if !u.Expires.IsZero() {
			detail = "expired on " + u.Expires.Format(time.DateOnly)
		}
		return refused(LookupUser, ReasonUserExpired, detail, nil)
	}
	return nil
}

func (n *None) now() time.Time {
	if n.Clock == nil {
		return time.Now()
	}
	return n.Clock.Now()
}

// AcceptItem succeeds; the item keeps the barcode given.
func (*None) AcceptItem(_ context.Context, in AcceptItemInput) (AcceptedItem, error) {
	return AcceptedItem{ItemID: in.ItemBarcode, RequestID: in.RequestID}, nil
}

// CheckOutItem succeeds with the due date asked for.
func (*None) CheckOutItem(_ context.Context, in CheckOutItemInput) (Loan, error) {
	return Loan{ItemID: in.ItemID, Due: in.DueDate, Indeterminate: in.DueDate.IsZero()}, nil
}

// CheckInItem succeeds.
func (*None) CheckInItem(_ context.Context, in CheckInItemInput) (CheckIn, error) {
	return CheckIn{ItemID: in.ItemID}, nil
}

// DeleteItem succeeds.
func (*None) DeleteItem(_ context.Context, in DeleteItemInput) (Deleted, error) {
	return Deleted{ItemID: in.ItemID}, nil
}

// RenewItem succeeds with the due date asked for.
func (*None) RenewItem(_ context.Context, in RenewItemInput) (Loan, error) {
	return Loan{ItemID: in.ItemID, Due: in.DesiredDue, Indeterminate: in.DesiredDue.IsZero()}, nil
}

// LookupItem is NotConfigured: there is no ILS to ask.
func (*None) LookupItem(context.Context, LookupItemInput) (Item, error) {
	return Item{}, notConfigured(LookupItem)
}

// RequestItem is NotConfigured: Interlend prints its own pull slips.
func (*None) RequestItem(context.Context, RequestItemInput) (Hold, error) {
	return Hold{}, notConfigured(RequestItem)
}

// CancelRequestItem is NotConfigured.
func (*None) CancelRequestItem(context.Context, CancelRequestItemInput) (Cancelled, error) {
	return Cancelled{}, notConfigured(CancelRequestItem)
}
