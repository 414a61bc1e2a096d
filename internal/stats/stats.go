// Package stats defines, once, every figure Interlend reports: fill rates,
// turnaround per stage, lender scores. It reads a request's event log (the
// event vocabulary of internal/ill) into a Journey and computes from
// journeys; routing, the patron's estimated arrival and the reports all go
// through it, so one number means one thing everywhere.
package stats

import (
	"math"
	"slices"
	"sort"
	"time"

	"interlend/internal/ill"
)

// Journey is a request's life as the statistics see it.
type Journey struct {
	Request     string
	Side        ill.Side
	Agency      ill.AgencyID
	Partner     ill.AgencyID // the lender that filled it (borrowing) or the borrower (lending)
	Service     ill.ServiceType
	Category    string // patron category (borrowing)
	CloseReason ill.CloseReason
	Open        bool

	Submitted     time.Time
	FirstSent     time.Time // borrowing: first request sent to a lender
	Answered      time.Time // first answer (borrowing: received; lending: sent)
	Shipped       time.Time // Loaned
	Received      time.Time // borrowing: received at the desk
	Available     time.Time // borrowing: offered to the patron
	PickedUp      time.Time // borrowing: checked out to the patron
	Delivered     time.Time // copy delivered
	ReturnShipped time.Time
	CheckedIn     time.Time // back at the lender
	Closed        time.Time

	// Tries are the lenders a borrowing request went to, in order.
	Tries []Try
}

// Try is one lender's turn with a borrowing request.
type Try struct {
	Lender   ill.AgencyID
	Sent     time.Time
	Answered time.Time
	Filled   time.Time // shipped or delivered by this lender
	Outcome  string    // filled, unfilled, timed_out, cancelled, retry, pending
}

// Filled reports whether the request was filled: shipped on loan or copy
// completed (a loan later lost still counts as filled).
func (j Journey) Filled() bool { return !j.Shipped.IsZero() || !j.Delivered.IsZero() }

// Excluded reports whether a closed borrowing request stays out of the
// borrowing fill rate: withdrawn by the patron, a duplicate, or filled from
// our own collection (these are reported separately).
func (j Journey) Excluded() bool {
	switch j.CloseReason {
	case ill.ClosedPatronCancelled, ill.ClosedDuplicate, ill.ClosedFilledLocally:
		return !j.Filled()
	}
	return false
}

// Rate is a fill rate with its parts.
type Rate struct {
	Filled   int     `json:"filled"`
	Unfilled int     `json:"unfilled"`
	Excluded int     `json:"excluded"` // borrowing: patron-cancelled, duplicates, filled locally
	Open     int     `json:"open"`     // not yet decided
	Value    float64 `json:"value"`    // filled / (filled + unfilled); NaN when nothing decided
}

// BorrowingFillRate is filled / (filled + unfilled) over borrowing
// journeys, leaving out patron-cancelled, duplicate and filled-locally
// requests (counted in Excluded) and requests still open and unfilled.
func BorrowingFillRate(js []Journey) Rate {
	var r Rate
	for _, j := range js {
		switch {
		case j.Filled():
			r.Filled++
		case j.Open:
			r.Open++
		case j.Excluded():
			r.Excluded++
		default:
			r.Unfilled++
		}
	}
	r.Value = ratio(r.Filled, r.Filled+r.Unfilled)
	return r
}

// LendingFillRate is filled / received over lending journeys (requests
// received in the period, whatever became of them; open ones count as
// received and not filled until they are).
func LendingFillRate(js []Journey) Rate {
	var r Rate
	for _, j := range js {
		switch {
		case j.Filled():
			r.Filled++
		case j.Open:
			r.Open++
		default:
			r.Unfilled++
		}
	}
	r.Value = ratio(r.Filled, len(js))
	return r
}

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// Stage is a measured stretch of a request's life.
type Stage string

// The stages.
const (
	SubmittedToSent    Stage = "submitted_to_sent"      // borrowing: intake and routing
	SentToShipped      Stage = "sent_to_shipped"        // borrowing: first request to Loaned
	ShippedToReceived  Stage = "shipped_to_received"    // borrowing: transit
	ReceivedToPickedUp Stage = "received_to_picked_up"  // borrowing: hold shelf
	SubmittedToFilled  Stage = "submitted_to_available" // borrowing: the patron's wait for a loan
	SubmittedToDeliver Stage = "submitted_to_delivered" // borrowing: the patron's wait for a copy
	LenderAnswer       Stage = "lender_answer"          // lending: request received to first answer
	LenderShip         Stage = "lender_ship"            // lending: request received to shipped or delivered
	ReturnTransit      Stage = "return_transit"         // return shipped to checked in
)

// Stages lists every stage in display order.
var Stages = []Stage{SubmittedToSent, SentToShipped, ShippedToReceived, ReceivedToPickedUp, SubmittedToFilled, SubmittedToDeliver, LenderAnswer, LenderShip, ReturnTransit}

func span(from, to time.Time) (time.Duration, bool) {
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return 0, false
	}
	return to.Sub(from), true
}

// Durations measures a journey's stages (only those it completed).
func (j Journey) Durations() map[Stage]time.Duration {
	out := map[Stage]time.Duration{}
	put := func(s Stage, from, to time.Time) {
		if d, ok := span(from, to); ok {
			out[s] = d
		}
	}
	if j.Side == ill.Borrowing {
		put(SubmittedToSent, j.Submitted, j.FirstSent)
		put(SentToShipped, j.FirstSent, j.Shipped)
		put(ShippedToReceived, j.Shipped, j.Received)
		put(ReceivedToPickedUp, j.Received, j.PickedUp)
		available := j.Available
		if available.IsZero() {
			available = j.Received
		}
		put(SubmittedToFilled, j.Submitted, available)
		put(SubmittedToDeliver, j.Submitted, j.Delivered)
	} else {
		put(LenderAnswer, j.Submitted, j.Answered)
		filled := j.Shipped
		if filled.IsZero() {
			filled = j.Delivered
		}
		put(LenderShip, j.Submitted, filled)
	}
	put(ReturnTransit, j.ReturnShipped, j.CheckedIn)
	return out
}

// Summary describes a set of durations.
type Summary struct {
	N      int           `json:"n"`
	Median time.Duration `json:"median"`
	P90    time.Duration `json:"p90"`
	Mean   time.Duration `json:"mean"`
}

// Summarise computes the median, 90th percentile (nearest rank) and mean.
func Summarise(ds []time.Duration) Summary {
	if len(ds) == 0 {
		return Summary{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	var total time.Duration
	for _, d := range s {
		total += d
	}
	return Summary{N: len(s), Median: percentile(s, 0.5), P90: percentile(s, 0.9), Mean: total / time.Duration(len(s))}
}

// percentile by nearest rank on sorted data; the median of an even count is
// the mean of the two middle values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if p == 0.5 {
		if n%2 == 1 {
			return sorted[n/2]
		}
		return (sorted[n/2-1] + sorted[n/2]) / 2
	}
	rank := int(math.Ceil(p * float64(n)))
	return sorted[max(rank-1, 0)]
}

// Turnaround summarises each stage over journeys.
func Turnaround(js []Journey) map[Stage]Summary {
	per := map[Stage][]time.Duration{}
	for _, j := range js {
		for s, d := range j.Durations() {
			per[s] = append(per[s], d)
		}
	}
	out := map[Stage]Summary{}
	for s, ds := range per {
		out[s] = Summarise(ds)
	}
	return out
}

// LenderScore is how a lender has served us for one service type: the
// figures routing ranks by and the scorecards show.
type LenderScore struct {
	Lender     ill.AgencyID    `json:"lender"`
	Service    ill.ServiceType `json:"service"`
	Tries      int             `json:"tries"`  // requests sent to it and decided
	Filled     int             `json:"filled"` // supplied by it
	FillRate   float64         `json:"fillRate"`
	Turnaround Summary         `json:"turnaround"` // sent to it → shipped or delivered by it
	Answer     Summary         `json:"answer"`     // sent to it → its first answer
}

// LenderScores computes every lender's score from borrowing journeys.
// Tries still pending are left out.
func LenderScores(js []Journey) []LenderScore {
	type key struct {
		l ill.AgencyID
		s ill.ServiceType
	}
	acc := map[key]*LenderScore{}
	turn := map[key][]time.Duration{}
	ans := map[key][]time.Duration{}
	for _, j := range js {
		for _, t := range j.Tries {
			if t.Outcome == "pending" || t.Outcome == "" {
				continue
			}
			k := key{t.Lender, j.Service}
			sc := acc[k]
			if sc == nil {
				sc = &LenderScore{Lender: t.Lender, Service: j.Service}
				acc[k] = sc
			}
			sc.Tries++
			if t.Outcome == "filled" {
				sc.Filled++
				if d, ok := span(t.Sent, t.Filled); ok {
					turn[k] = append(turn[k], d)
				}
			}
			if d, ok := span(t.Sent, t.Answered); ok {
				ans[k] = append(ans[k], d)
			}
		}
	}
	out := make([]LenderScore, 0, len(acc))
	for k, sc := range acc {
		sc.FillRate = ratio(sc.Filled, sc.Tries)
		sc.Turnaround, sc.Answer = Summarise(turn[k]), Summarise(ans[k])
		out = append(out, *sc)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Lender != out[j].Lender {
			return out[i].Lender < out[j].Lender
		}
		return out[i].Service < out[j].Service
	})
	return out
}
