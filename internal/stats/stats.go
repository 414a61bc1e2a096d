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
	Request      string
	Side         ill.Side
	Agency       ill.AgencyID
	Partner      ill.AgencyID // the lender that filled it (borrowing) or the borrower (lending)
	Service      ill.ServiceType
	ServiceLevel string
	Category     string // patron category (borrowing)
	Department   string // the patron's department or home library (borrowing)
	CloseReason  ill.CloseReason
	Open         bool
	// UnfilledReason is the ISO 18626 reasonUnfilled (or reasonRetry) code:
	// the last lender's (borrowing) or ours (lending).
	UnfilledReason string

	// What was asked for (the collection report reads these).
	Title, Container, Author, PubType, PubDate string
	ISBN, ISSN, OCLC, TitleKey                 string
	Subject                                    string // LC class letters, from the catalog

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
	Renewals      []time.Time // each renewal granted
	Overdue       time.Time   // first time it was overdue
	Lost          time.Time   // reported lost (or closed as lost)

	// Cost is what this library paid for the request (minor units of
	// Currency), from the charges ledger; the caller fills it in.
	Cost     int64
	Currency string

	// Business holds each stage's length in the agency's business hours
	// when the caller measured them (HasBusiness); otherwise Measure
	// computes them with the Hours it is given.
	Business    [NumStages]time.Duration
	HasBusiness bool

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

// FilledAt is when the request was filled: the first of shipped and
// delivered (zero when it was not).
func (j Journey) FilledAt() time.Time {
	switch {
	case j.Shipped.IsZero():
		return j.Delivered
	case j.Delivered.IsZero() || j.Shipped.Before(j.Delivered):
		return j.Shipped
	}
	return j.Delivered
}

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

// DecidedAt is when the request's outcome became known: when it was
// filled, else when it closed; zero while it is undecided.
func (j Journey) DecidedAt() time.Time {
	if j.Filled() {
		return j.FilledAt()
	}
	if j.Open {
		return time.Time{}
	}
	return j.Closed
}

// Outcome names the decided outcome: filled, unfilled, excluded, or ""
// while undecided. Lending requests are never excluded.
func (j Journey) Outcome() string {
	switch {
	case j.Filled():
		return OutcomeFilled
	case j.Open:
		return ""
	case j.Side == ill.Borrowing && j.Excluded():
		return OutcomeExcluded
	}
	return OutcomeUnfilled
}

// The outcomes.
const (
	OutcomeFilled   = "filled"
	OutcomeUnfilled = "unfilled"
	OutcomeExcluded = "excluded"
)

// OpenAt reports whether the request had been submitted and was not yet
// closed at t.
func (j Journey) OpenAt(t time.Time) bool {
	return j.Submitted.Before(t) && (j.Closed.IsZero() || !j.Closed.Before(t))
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

// NumStages is the number of stages.
const NumStages = 9

// Index is the stage's position in Stages (-1 for an unknown stage).
func (s Stage) Index() int {
	for i, x := range Stages {
		if x == s {
			return i
		}
	}
	return -1
}

// BorrowingStages and LendingStages are the stages each side measures.
var (
	BorrowingStages = []Stage{SubmittedToSent, SentToShipped, ShippedToReceived, ReceivedToPickedUp, SubmittedToFilled, SubmittedToDeliver, ReturnTransit}
	LendingStages   = []Stage{LenderAnswer, LenderShip, ReturnTransit}
)

func span(from, to time.Time) (time.Duration, bool) {
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return 0, false
	}
	return to.Sub(from), true
}

// Interval is when a stage started and ended.
type Interval struct {
	From, To time.Time
}

// Valid reports whether both ends are known and in order.
func (iv Interval) Valid() bool {
	return !iv.From.IsZero() && !iv.To.IsZero() && !iv.To.Before(iv.From)
}

// Intervals gives each stage's start and end, indexed like Stages; a stage
// the journey did not complete is the zero Interval.
func (j Journey) Intervals() [NumStages]Interval {
	var out [NumStages]Interval
	put := func(s Stage, from, to time.Time) {
		if iv := (Interval{from, to}); iv.Valid() {
			out[s.Index()] = iv
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
		put(LenderShip, j.Submitted, j.FilledAt())
	}
	put(ReturnTransit, j.ReturnShipped, j.CheckedIn)
	return out
}

// Durations measures a journey's stages (only those it completed).
func (j Journey) Durations() map[Stage]time.Duration {
	out := map[Stage]time.Duration{}
	for i, iv := range j.Intervals() {
		if iv.Valid() {
			out[Stages[i]] = iv.To.Sub(iv.From)
		}
	}
	return out
}

// Hours measures business time: the agency's opening hours between two
// instants (calendar.Schedule is one).
type Hours interface {
	BusinessDuration(a, b time.Time) time.Duration
}

// MeasureBusiness fills in Business with h (each completed stage's length
// in business hours) and sets HasBusiness.
func (j *Journey) MeasureBusiness(h Hours) {
	j.Business = [NumStages]time.Duration{}
	for i, iv := range j.Intervals() {
		if iv.Valid() {
			j.Business[i] = h.BusinessDuration(iv.From, iv.To)
		}
	}
	j.HasBusiness = true
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
	return lenderScores(js, func(Try) bool { return true })
}

// lenderScores scores the tries keep accepts.
func lenderScores(js []Journey, keep func(Try) bool) []LenderScore {
	type key struct {
		l ill.AgencyID
		s ill.ServiceType
	}
	acc := map[key]*LenderScore{}
	turn := map[key][]time.Duration{}
	ans := map[key][]time.Duration{}
	for i := range js {
		j := &js[i]
		for _, t := range j.Tries {
			if t.Outcome == "pending" || t.Outcome == "" || !keep(t) {
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
