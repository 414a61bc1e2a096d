package copyright

import (
	"context"
	"fmt"
	"time"
)

// State is where a ledger entry's copy request stands, as far as counting
// is concerned (R3).
type State string

// Ledger states.
const (
	StateAwaiting    State = "awaiting-clearance" // held for staff (R4, R10, R11); sends nothing
	StateInProcess   State = "in-process"         // sent, not yet received
	StateFilled      State = "filled"             // copy received
	StateCancelled   State = "cancelled"
	StateUnfilled    State = "unfilled"
	StateRoyaltyPaid State = "royalty-paid" // sent with a royalty paid: not a free copy
	StatePurchased   State = "purchased"    // bought from a publisher or supplier instead
)

// Counts reports whether an entry in this state uses one of the free
// copies: filled, and in process so that a decision at send time cannot
// overshoot the limit.
func (s State) Counts() bool { return s == StateInProcess || s == StateFilled }

// Valid reports whether s is one of the ledger states.
func (s State) Valid() bool {
	_, ok := transitions[s]
	return ok
}

var transitions = map[State][]State{
	StateAwaiting:    {StateInProcess, StateRoyaltyPaid, StatePurchased, StateCancelled},
	StateInProcess:   {StateFilled, StateCancelled, StateUnfilled},
	StateRoyaltyPaid: {StateCancelled, StateUnfilled},
	StateFilled:      nil,
	StateCancelled:   nil,
	StateUnfilled:    nil,
	StatePurchased:   nil,
}

// Transition checks that a ledger entry may move from one state to another.
// A cancelled or unfilled request takes its count back off simply by no
// longer being in a counting state.
func Transition(from, to State) error {
	next, ok := transitions[from]
	if !ok {
		return fmt.Errorf("copyright ledger: unknown state %q", from)
	}
	for _, s := range next {
		if s == to {
			return nil
		}
	}
	return fmt.Errorf("copyright ledger: cannot move from %s to %s", from, to)
}

// Fee is a royalty paid or recorded for a copy (R4, test case 10).
type Fee struct {
	AmountMinor int64  `json:"amountMinor"` // in the currency's minor unit (cents)
	Currency    string `json:"currency"`    // ISO 4217
}

// Entry is one row of the copyright ledger: one copy request, with no
// patron identity (R2, R14).
type Entry struct {
	RequestID   string     `json:"requestId"`
	Key         Key        `json:"key"`
	Year        int        `json:"year"` // calendar year of RequestDate
	RequestDate time.Time  `json:"requestDate"`
	Title       string     `json:"title,omitempty"` // as cited, for reports
	ISSN        string     `json:"issn,omitempty"`
	PubYear     int        `json:"pubYear,omitempty"`
	Category    Compliance `json:"category"`
	State       State      `json:"state"`
	Fee         *Fee       `json:"fee,omitempty"`
}

// Counted reports whether the entry uses one of the free copies: category
// CCG in a counting state. CCL copies, royalty-paid and purchased copies,
// held, cancelled and unfilled requests never count.
func (e Entry) Counted() bool { return e.Category.Counts() && e.State.Counts() }

// Relevant reports whether the entry is CONTU-relevant, whose records R14
// requires to be kept: it was classed CCG, whether or not it counts now.
func (e Entry) Relevant() bool { return e.Category == CodeUSCCG }

// Count is the number of free copies used for key in year (R3).
func Count(entries []Entry, key Key, year int) int {
	n := 0
	for _, e := range entries {
		if e.Key == key && e.Year == year && e.Counted() {
			n++
		}
	}
	return n
}

// KeyYear is a counter: one key in one calendar year.
type KeyYear struct {
	Key  Key `json:"key"`
	Year int `json:"year"`
}

// Counts totals every counter at once, adding imported prior counts.
func Counts(entries []Entry, prior []PriorCount) map[KeyYear]int {
	m := make(map[KeyYear]int)
	for _, e := range entries {
		if e.Counted() {
			m[KeyYear{e.Key, e.Year}]++
		}
	}
	for _, p := range prior {
		m[KeyYear{p.Key, p.Year}] += p.Count
	}
	return m
}

// PriorCopy is an earlier copy request as the R8, R9 and UK checks see it.
// It comes from the request store, not the ledger, because it carries the
// patron pseudonym; it is gone when the request's patron data is purged.
type PriorCopy struct {
	RequestID   string    `json:"requestId"`
	PatronKey   string    `json:"patronKey"`
	ArticleID   string    `json:"articleId"`
	IssueID     string    `json:"issueId,omitempty"`
	RequestDate time.Time `json:"requestDate"`
	State       State     `json:"state"`
}

// supplied reports whether the earlier copy was (or is being) supplied.
func (p PriorCopy) supplied() bool {
	return p.State.Counts() || p.State == StateRoyaltyPaid || p.State == StateAwaiting
}

// Counter is what Assess reads from storage. The caller's store implements
// it for one borrowing agency; MemoryCounter is an in-memory version. Count
// must not include the request being assessed: assess before recording its
// entry. Two requests for one key assessed at once could both see Limit-1,
// so the caller serialises assessment and recording per agency and key (one
// transaction).
type Counter interface {
	// Count returns the free copies used for key in year (R3 semantics, see
	// Count), plus any imported prior count for that key and year.
	Count(ctx context.Context, key Key, year int) (int, error)
	// ArticleCopies returns copy requests for articleID made on or after since.
	ArticleCopies(ctx context.Context, articleID string, since time.Time) ([]PriorCopy, error)
	// IssueCopies returns the patron's copy requests from issueID made on or after since.
	IssueCopies(ctx context.Context, patronKey, issueID string, since time.Time) ([]PriorCopy, error)
}

// MemoryCounter is a Counter over slices, for tests and for callers that
// load a ledger into memory.
type MemoryCounter struct {
	Entries []Entry
	Prior   []PriorCount
	Copies  []PriorCopy
}

var _ Counter = (*MemoryCounter)(nil)

// Count implements Counter.
func (m *MemoryCounter) Count(_ context.Context, key Key, year int) (int, error) {
	n := Count(m.Entries, key, year)
	for _, p := range m.Prior {
		if p.Key == key && p.Year == year {
			n += p.Count
		}
	}
	return n, nil
}

// ArticleCopies implements Counter.
func (m *MemoryCounter) ArticleCopies(_ context.Context, articleID string, since time.Time) ([]PriorCopy, error) {
	var out []PriorCopy
	for _, c := range m.Copies {
		if c.ArticleID == articleID && !c.RequestDate.Before(since) {
			out = append(out, c)
		}
	}
	return out, nil
}

// IssueCopies implements Counter.
func (m *MemoryCounter) IssueCopies(_ context.Context, patronKey, issueID string, since time.Time) ([]PriorCopy, error) {
	var out []PriorCopy
	for _, c := range m.Copies {
		if c.PatronKey == patronKey && c.IssueID == issueID && !c.RequestDate.Before(since) {
			out = append(out, c)
		}
	}
	return out, nil
}
