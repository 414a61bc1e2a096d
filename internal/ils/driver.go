package ils

import (
	"context"
	"time"

	"interlend/internal/ill"
)

// Service names one step a Driver offers; the names are those of the NCIP
// services.
type Service string

// The services.
const (
	LookupUser        Service = "LookupUser"
	AcceptItem        Service = "AcceptItem"
	CheckOutItem      Service = "CheckOutItem"
	CheckInItem       Service = "CheckInItem"
	DeleteItem        Service = "DeleteItem"
	RenewItem         Service = "RenewItem"
	LookupItem        Service = "LookupItem"
	RequestItem       Service = "RequestItem"
	CancelRequestItem Service = "CancelRequestItem"
)

// Services lists every service: borrowing side first, then lending.
var Services = []Service{LookupUser, AcceptItem, CheckOutItem, CheckInItem, DeleteItem, RenewItem, LookupItem, RequestItem, CancelRequestItem}

// Driver talks to one agency's ILS. Methods are safe for concurrent use
// and return an *Error (see the package documentation for its classes).
type Driver interface {
	// Name is the driver's name: "none" or "ncip".
	Name() string
	// Supports reports whether the service is available (a disabled
	// service answers NotConfigured).
	Supports(s Service) bool

	// LookupUser checks a patron at intake. The User is filled whenever
	// the ILS knows the patron, also with a Refused error for a blocked
	// or expired patron (reasons UserBlocked, UserExpired), so that
	// intake can show both. An unknown patron is Refused, UnknownUser.
	LookupUser(ctx context.Context, in LookupUserInput) (User, error)
	// AcceptItem creates the temporary item for a loan that arrived.
	AcceptItem(ctx context.Context, in AcceptItemInput) (AcceptedItem, error)
	// CheckOutItem lends an item: the temporary item to the patron
	// (borrowing), or a shipped item to the borrowing library's account
	// (lending).
	CheckOutItem(ctx context.Context, in CheckOutItemInput) (Loan, error)
	// CheckInItem returns an item; an item that was not on loan is a
	// success with NotOnLoan set.
	CheckInItem(ctx context.Context, in CheckInItemInput) (CheckIn, error)
	// DeleteItem removes the temporary item; an item already gone is a
	// success with AlreadyGone set.
	DeleteItem(ctx context.Context, in DeleteItemInput) (Deleted, error)
	// RenewItem extends a loan in the ILS.
	RenewItem(ctx context.Context, in RenewItemInput) (Loan, error)
	// LookupItem reads an item (lending: is it there, where, call number).
	LookupItem(ctx context.Context, in LookupItemInput) (Item, error)
	// RequestItem places a hold or page for the borrowing library so that
	// staff get a pull slip.
	RequestItem(ctx context.Context, in RequestItemInput) (Hold, error)
	// CancelRequestItem withdraws a RequestItem; one already cancelled or
	// filled is a success with AlreadyProcessed set.
	CancelRequestItem(ctx context.Context, in CancelRequestItemInput) (Cancelled, error)
}

// LookupUserInput names a patron.
type LookupUserInput struct {
	Patron string // barcode or ILS id, as the agency's settings say
	PIN    string // optional: sent with the id as authentication input
}

// User is a patron as the ILS knows them. Personal data: never log it.
type User struct {
	ID       string
	Name     string
	Email    string
	Category string
	// Expires is the last valid day (zero: unknown or never); Expired is
	// the ILS's own verdict when it gives one.
	Expires time.Time
	Expired bool
	Blocks  []string // the blocks in force, as the ILS words them
}

// AcceptItemInput describes a loan that arrived at the borrowing library.
type AcceptItemInput struct {
	// RequestID is Interlend's request id, sent as the NCIP RequestId so
	// that a retry does not create a second item.
	RequestID string
	Patron    string // the patron's barcode or ILS id
	// ItemBarcode is the temporary item's barcode; "" lets the ILS assign one.
	ItemBarcode         string
	Citation            ill.Citation // title, author, ISBN for the temporary record
	DueDate             time.Time    // the lender's due date; zero: none given
	PickupLocation      string       // "" uses the settings' default
	RenewalNotPermitted bool
}

// AcceptedItem is the temporary item the ILS created (or already had).
type AcceptedItem struct {
	ItemID    string // the item's id in the ILS (its barcode)
	RequestID string
}

// CheckOutItemInput lends an item to a patron or a library's account.
type CheckOutItemInput struct {
	Patron    string
	ItemID    string
	RequestID string    // optional: Interlend's request id
	DueDate   time.Time // wished; the ILS decides
}

// Loan is a loan as the ILS set it.
type Loan struct {
	ItemID        string
	Due           time.Time // zero with Indeterminate or Pending
	Indeterminate bool      // no due date
	RenewalCount  int
	Pending       bool // RenewItem: staff at the ILS will decide
}

// CheckInItemInput names the item returned.
type CheckInItemInput struct{ ItemID string }

// CheckIn is the result of a check-in.
type CheckIn struct {
	ItemID    string
	Patron    string // who had it, when the ILS says
	NotOnLoan bool   // it was not checked out: a retried or duplicate check-in
}

// DeleteItemInput names the item to delete.
type DeleteItemInput struct{ ItemID string }

// Deleted is the result of DeleteItem.
type Deleted struct {
	ItemID      string
	AlreadyGone bool // the ILS did not know the item (deleted before)
}

// RenewItemInput asks for a longer loan.
type RenewItemInput struct {
	Patron     string
	ItemID     string
	DesiredDue time.Time
}

// LookupItemInput names an item: by id, or by the request it fills.
type LookupItemInput struct {
	ItemID    string
	RequestID string
}

// Item is a copy as the ILS describes it.
type Item struct {
	ID         string
	Title      string
	Author     string
	ISBN       string
	CallNumber string
	Location   string
	Status     string // the ILS's circulation status, e.g. "Available On Shelf"
	Available  bool   // on the shelf, ready to lend
	Due        time.Time
	HoldQueue  int
}

// RequestItemInput places a hold or page in the lending library's ILS.
type RequestItemInput struct {
	// RequestID is Interlend's request id, sent as the NCIP RequestId so
	// that a retry is recognised.
	RequestID string
	// Patron is who the request is for: on the lending side the borrowing
	// library's account (see NCIPSettings.InstitutionalUser).
	Patron string
	// One of ItemID (a copy), BibID (the ILS's record id) or ISBN.
	ItemID         string
	BibID          string
	ISBN           string
	NeedBefore     time.Time
	PickupLocation string // "" uses the settings' default
}

// Hold is the request the ILS placed, with the copy it chose.
type Hold struct {
	RequestID string
	ItemID    string
	Item      Item      // call number, location, title of the copy, when the ILS says
	Available time.Time // when the copy is expected to be available
	Duplicate bool      // the ILS already had this request: a retry
}

// CancelRequestItemInput withdraws a hold placed by RequestItem.
type CancelRequestItemInput struct {
	RequestID string // Interlend's request id (as sent with RequestItem)
	Patron    string
	ItemID    string // optional
}

// Cancelled is the result of CancelRequestItem.
type Cancelled struct {
	AlreadyProcessed bool // the ILS had already cancelled or filled it
}
