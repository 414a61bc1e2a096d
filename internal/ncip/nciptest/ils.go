package nciptest

import (
	"slices"
	"strings"
	"time"

	"interlend/internal/ncip"
)

// User is a patron (or institutional account) in the in-memory ILS.
type User struct {
	ID          string // the identifier value (barcode)
	GivenName   string
	Surname     string
	Email       string
	Category    string    // patron group, sent as AgencyUserPrivilegeType
	Expires     time.Time // privilege end; zero means none
	Blocked     bool
	BlockReason string // BlockOrTrapType; "" means "Blocked"
	// PIN, if set, must match a PIN or Password AuthenticationInput when
	// the user is identified by AuthenticationInput.
	PIN string
}

// Item is a copy in the in-memory ILS.
type Item struct {
	Barcode    string
	BibID      string // record id, matched by BibliographicRecordId
	ISBN       string // matched by BibliographicItemId
	Title      string
	Author     string
	CallNumber string
	Location   string
	// Status is an ncip.Status* value; "" means Available On Shelf. Lost,
	// Missing, Not Available and Claimed Returned items cannot be lent or
	// requested.
	Status         string
	NonCirculating bool
	// Temporary marks an item created by AcceptItem, for RequestID.
	Temporary bool
	RequestID string
}

// Loan is an item checked out to a user.
type Loan struct {
	ItemBarcode string
	UserID      string
	Due         time.Time
	Renewals    int
}

// RequestState is the life of a Request.
type RequestState string

// Request states.
const (
	RequestOpen      RequestState = "open"
	RequestCancelled RequestState = "cancelled"
	RequestFilled    RequestState = "filled" // the user checked the item out
)

// Request is a hold or page placed by RequestItem (or by AcceptItem with a
// Hold For Pickup action).
type Request struct {
	ID             string
	UserID         string
	ItemBarcode    string // the copy chosen (for title-level requests too)
	BibID          string
	Type           string
	Scope          string
	PickupLocation string
	NeedBefore     time.Time
	State          RequestState
}

// unavailableStatuses cannot be lent or requested.
var unavailableStatuses = []string{ncip.StatusLost, ncip.StatusMissing, ncip.StatusNotAvailable, ncip.StatusClaimedReturned}

func (it *Item) status() string {
	if it.Status == "" {
		return ncip.StatusAvailableOnShelf
	}
	return it.Status
}

func (it *Item) lendable() bool {
	return !it.NonCirculating && !slices.ContainsFunc(unavailableStatuses, func(s string) bool { return strings.EqualFold(s, it.status()) })
}

// AddUser adds or replaces a user.
func (r *Responder) AddUser(u User) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.users[u.ID] = &u
}

// AddItem adds or replaces an item.
func (r *Responder) AddItem(it Item) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.items[it.Barcode] = &it
}

// SetLoan puts an item on loan to a user directly (test set-up).
func (r *Responder) SetLoan(l Loan) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.loans[l.ItemBarcode] = &l
	if it := r.items[l.ItemBarcode]; it != nil {
		it.Status = ncip.StatusOnLoan
	}
}

// User is a copy of the user with the id.
func (r *Responder) User(id string) (User, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	u, ok := r.users[id]
	if !ok {
		return User{}, false
	}
	return *u, true
}

// Item is a copy of the item with the barcode.
func (r *Responder) Item(barcode string) (Item, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	it, ok := r.items[barcode]
	if !ok {
		return Item{}, false
	}
	return *it, true
}

// Items is a copy of all items, in barcode order.
func (r *Responder) Items() []Item {
	r.mu.Lock()
	defer r.mu.Unlock()
	items := r.sortedItems()
	out := make([]Item, len(items))
	for i, it := range items {
		out[i] = *it
	}
	return out
}

// sortedItems is the items in barcode order; the caller holds the lock.
func (r *Responder) sortedItems() []*Item {
	out := make([]*Item, 0, len(r.items))
	for _, it := range r.items {
		out = append(out, it)
	}
	slices.SortFunc(out, func(a, b *Item) int { return strings.Compare(a.Barcode, b.Barcode) })
	return out
}

// Loan is a copy of the loan of the item, if it is on loan.
func (r *Responder) Loan(barcode string) (Loan, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	l, ok := r.loans[barcode]
	if !ok {
		return Loan{}, false
	}
	return *l, true
}

// Request is a copy of the request with the id.
func (r *Responder) Request(id string) (Request, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, q := range r.requests {
		if q.ID == id {
			return *q, true
		}
	}
	return Request{}, false
}

// Requests is a copy of all requests, oldest first.
func (r *Responder) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Request, len(r.requests))
	for i, q := range r.requests {
		out[i] = *q
	}
	return out
}

// openRequests are the open requests on the item, oldest first.
func (r *Responder) openRequests(barcode string) []*Request {
	var out []*Request
	for _, q := range r.requests {
		if q.State == RequestOpen && q.ItemBarcode == barcode {
			out = append(out, q)
		}
	}
	return out
}

func (r *Responder) findRequest(id string) *Request {
	for _, q := range r.requests {
		if q.ID == id {
			return q
		}
	}
	return nil
}

func (r *Responder) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Responder) loanPeriod() time.Duration {
	if r.LoanPeriod > 0 {
		return r.LoanPeriod
	}
	return 28 * 24 * time.Hour
}
