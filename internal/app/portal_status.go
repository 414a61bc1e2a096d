package app

import (
	"context"
	"sync"
	"time"

	"interlend/internal/ill"
	"interlend/internal/stats"
	"interlend/internal/store"
)

// PatronStatus is what a patron is told about a request: one sentence
// from the table below (a catalog key taking the lender's name as {0}
// and a date as {1}), never a state code.
type PatronStatus struct {
	Key    string    // catalog key of the sentence
	Lender string    // the current lender's name ("" before one is asked)
	Date   time.Time // the date the sentence names
	// ETA is the estimated arrival, when the request is on its way.
	ETA time.Time
}

// dateOf says which date a patron sentence names.
type dateOf int

const (
	dateChanged   dateOf = iota // when the request last changed state
	dateCreated                 // when it was submitted
	dateETA                     // the estimated arrival
	datePickup                  // the pickup deadline
	datePatronDue               // due back from the patron
	dateClosed                  // when it closed
)

// patronSentences is the one table of patron-facing texts: for each
// borrowing state, the sentence and the date it names. Keys are
// "portal.status.<state>"; completed copies use "portal.status.completed_copy".
var patronSentences = map[ill.State]dateOf{
	ill.BValidated:       dateCreated,
	ill.BReview:          dateCreated,
	ill.BAwaitingPatron:  dateChanged,
	ill.BAwaitingCopyr:   dateCreated,
	ill.BSent:            dateETA,
	ill.BAnswered:        dateETA,
	ill.BConditional:     dateChanged,
	ill.BRetryOffered:    dateChanged,
	ill.BEndOfRota:       dateChanged,
	ill.BCancelRequested: dateChanged,
	ill.BShipped:         dateETA,
	ill.BReceived:        dateChanged,
	ill.BAwaitingPickup:  datePickup,
	ill.BPickupExpired:   datePickup,
	ill.BCheckedOut:      datePatronDue,
	ill.BRenewRequested:  datePatronDue,
	ill.BOverdue:         datePatronDue,
	ill.BRecalled:        datePatronDue,
	ill.BReturned:        dateChanged,
	ill.BReturnShipped:   dateChanged,
	ill.BProblem:         dateChanged,
	ill.BCompleted:       dateClosed,
	ill.BCancelled:       dateClosed,
	ill.BUnfilled:        dateClosed,
}

// PatronSentenceKeys lists every sentence key (tests walk them).
func PatronSentenceKeys() map[ill.State]string {
	out := map[ill.State]string{}
	for s := range patronSentences {
		out[s] = "portal.status." + string(s)
	}
	return out
}

// etaStates are the states in which the item is on its way to us.
var etaStates = map[ill.State]bool{ill.BSent: true, ill.BAnswered: true, ill.BConditional: true, ill.BShipped: true}

// patronStatus builds the sentence for r. changed is when r last changed
// state; turnaround is the current lender's median for the service
// (0: unknown, the prior is used).
func patronStatus(r *ill.Request, lender string, changed, now time.Time, turnaround time.Duration, ps PortalSettings) PatronStatus {
	st := PatronStatus{Key: "portal.status." + string(r.State), Lender: lender}
	if r.State == ill.BCompleted && r.ServiceType == ill.Copy {
		st.Key = "portal.status.completed_copy"
	}
	if etaStates[r.State] {
		st.ETA = estimateArrival(r, changed, now, turnaround, ps)
	}
	switch patronSentences[r.State] {
	case dateCreated:
		st.Date = r.CreatedAt
	case dateETA:
		st.Date = st.ETA
	case datePickup:
		st.Date = r.PickupDeadline
	case datePatronDue:
		st.Date = r.PatronDue
	case dateClosed:
		st.Date = r.ClosedAt
	default:
		st.Date = changed
	}
	if st.Date.IsZero() {
		st.Date = changed
	}
	return st
}

// estimateArrival is when the item should reach the patron: from the
// last status change, the lender's median turnaround for this service
// (the library's prior for a lender without history) plus transit for
// loans; once shipped, transit alone. Never in the past: an estimate that
// has passed becomes tomorrow.
func estimateArrival(r *ill.Request, changed, now time.Time, turnaround time.Duration, ps PortalSettings) time.Time {
	day := 24 * time.Hour
	transit := time.Duration(ps.TransitDays) * day
	if r.ServiceType == ill.Copy {
		transit = 0
	}
	if turnaround <= 0 {
		turnaround = time.Duration(ps.LoanDays) * day
		if r.ServiceType == ill.Copy {
			turnaround = time.Duration(ps.CopyDays) * day
		}
	}
	var eta time.Time
	if r.State == ill.BShipped {
		eta = changed.Add(transit)
		if r.ServiceType == ill.Copy {
			eta = changed.Add(day)
		}
	} else {
		eta = changed.Add(turnaround + transit)
	}
	if !eta.After(now) {
		eta = now.Add(day)
	}
	return eta
}

// turnarounds caches the lenders' median turnaround per agency (the
// statistics are read at most every few minutes per agency).
type turnarounds struct {
	mu   sync.Mutex
	byAg map[ill.AgencyID]turnaroundEntry
}

type turnaroundEntry struct {
	at     time.Time
	median map[string]time.Duration // lender|service
}

var lenderTurnarounds = &turnarounds{byAg: map[ill.AgencyID]turnaroundEntry{}}

const turnaroundCacheTTL = 10 * time.Minute

// LenderTurnaround is the median time from sending to a lender to its
// shipping or delivering, over the last year of the agency's requests,
// for a service type; 0 when the lender has no history.
func (a *App) LenderTurnaround(ctx context.Context, agency, lender ill.AgencyID, service ill.ServiceType) time.Duration {
	now := a.Clock.Now()
	lenderTurnarounds.mu.Lock()
	e, ok := lenderTurnarounds.byAg[agency]
	lenderTurnarounds.mu.Unlock()
	if !ok || now.Sub(e.at) > turnaroundCacheTTL || now.Before(e.at) {
		scores, err := a.LenderScores(ctx, agency, stats.Period{From: now.AddDate(-1, 0, 0), To: now.Add(time.Minute)})
		if err != nil {
			return 0
		}
		e = turnaroundEntry{at: now, median: map[string]time.Duration{}}
		for _, s := range scores {
			if s.Turnaround.N > 0 {
				e.median[string(s.Lender)+"|"+string(s.Service)] = s.Turnaround.Median
			}
		}
		lenderTurnarounds.mu.Lock()
		lenderTurnarounds.byAg[agency] = e
		lenderTurnarounds.mu.Unlock()
	}
	return e.median[string(lender)+"|"+string(service)]
}

// forgetTurnarounds drops the cache (tests that change the statistics).
func forgetTurnarounds() {
	lenderTurnarounds.mu.Lock()
	lenderTurnarounds.byAg = map[ill.AgencyID]turnaroundEntry{}
	lenderTurnarounds.mu.Unlock()
}

// lenderName is the display name of a partner: its directory entry, the
// hosted agency's name, or its id.
func lenderName(tx *store.Tx, id ill.AgencyID) string {
	if id == "" {
		return ""
	}
	if e, err := tx.Network().DirectoryEntry(id); err == nil && e.Name != "" {
		return e.Name
	}
	if ag, err := tx.System().GetAgency(id); err == nil && ag.Name != "" {
		return ag.Name
	}
	return string(id)
}

// lastChange is when the request last changed state (its newest event
// that moved it), or when it was created.
func lastChange(evs []ill.Event, r *ill.Request) time.Time {
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].From != evs[i].To && evs[i].To == r.State {
			return evs[i].At
		}
	}
	if !r.UpdatedAt.IsZero() {
		return r.UpdatedAt
	}
	return r.CreatedAt
}
