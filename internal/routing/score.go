package routing

import (
	"slices"
	"time"

	"interlend/internal/ill"
	"interlend/internal/stats"
)

// Prior is what routing assumes of a lender it has no measurements for:
// the median of the established lenders (Config.Established decided
// requests or more) for the service type, or Config's defaults while there
// are none. It counts as Config.PriorWeight requests in every lender's
// estimate, so a new lender starts at the network median and a lender's
// own record takes over as it grows.
type Prior struct {
	FillRate     float64       `json:"fillRate"`
	Turnaround   time.Duration `json:"turnaround"`   // request sent to it → shipped or delivered
	Answer       time.Duration `json:"answer"`       // request sent to it → first answer
	TimeoutShare float64       `json:"timeoutShare"` // requests it never answered
	Lenders      int           `json:"lenders"`      // established lenders the medians are taken over
}

// measured is one lender's record for the service type asked for.
type measured struct {
	tries, filled   int
	turnN, answerN  int
	turn, answer    time.Duration // medians
	timeouts        int           // tries without an answer
	fillRateMeasure float64
}

// scoreIndex holds the scores of one service type by lender.
type scoreIndex map[ill.AgencyID][]stats.LenderScore

func indexScores(scores []stats.LenderScore, svc ill.ServiceType) scoreIndex {
	x := scoreIndex{}
	for _, s := range scores {
		if serviceMatches(s.Service, svc) {
			x[s.Lender] = append(x[s.Lender], s)
		}
	}
	return x
}

// scoreFor merges a lender's scores for the service type: for CopyOrLoan,
// its Loan and Copy records together (medians weighted by their counts).
func (x scoreIndex) scoreFor(lender ill.AgencyID) (measured, bool) {
	var m measured
	var turnSum, ansSum float64
	found := false
	for _, s := range x[lender] {
		found = true
		m.tries += s.Tries
		m.filled += s.Filled
		m.turnN += s.Turnaround.N
		m.answerN += s.Answer.N
		turnSum += float64(s.Turnaround.N) * float64(s.Turnaround.Median)
		ansSum += float64(s.Answer.N) * float64(s.Answer.Median)
		m.timeouts += max(0, s.Tries-s.Answer.N)
	}
	if m.turnN > 0 {
		m.turn = time.Duration(turnSum / float64(m.turnN))
	}
	if m.answerN > 0 {
		m.answer = time.Duration(ansSum / float64(m.answerN))
	}
	if m.tries > 0 {
		m.fillRateMeasure = float64(m.filled) / float64(m.tries)
	}
	return m, found && m.tries > 0
}

func serviceMatches(have, want ill.ServiceType) bool {
	if want == ill.CopyOrLoan {
		return have == ill.Loan || have == ill.Copy || have == ill.CopyOrLoan
	}
	return have == want
}

// PriorOf computes the prior for a service type from every lender's scores.
func PriorOf(scores []stats.LenderScore, svc ill.ServiceType, c Config) Prior {
	return indexScores(scores, svc).prior(c.WithDefaults())
}

func (x scoreIndex) prior(c Config) Prior {
	var fills, timeouts []float64
	var turns, answers []time.Duration
	for l := range x {
		m, ok := x.scoreFor(l)
		if !ok || m.tries < c.Established {
			continue
		}
		fills = append(fills, m.fillRateMeasure)
		timeouts = append(timeouts, float64(m.timeouts)/float64(m.tries))
		if m.turnN > 0 {
			turns = append(turns, m.turn)
		}
		if m.answerN > 0 {
			answers = append(answers, m.answer)
		}
	}
	p := Prior{FillRate: c.DefaultFillRate, Turnaround: c.DefaultTurnaround, Answer: c.DefaultAnswer, Lenders: len(fills)}
	if len(fills) > 0 {
		p.FillRate, p.TimeoutShare = median(fills), median(timeouts)
	}
	if len(turns) > 0 {
		p.Turnaround = medianDuration(turns)
	}
	if len(answers) > 0 {
		p.Answer = medianDuration(answers)
	}
	return p
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func medianDuration(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Estimate is a lender's expected performance: its own record shrunk
// towards the prior, which weighs PriorWeight requests.
type Estimate struct {
	Tries      int           `json:"tries"`
	Filled     int           `json:"filled"`
	FillRate   float64       `json:"fillRate"`
	Turnaround time.Duration `json:"turnaround"`
	Answer     time.Duration `json:"answer"`
	Timeouts   float64       `json:"timeouts"` // share of requests it never answers
	New        bool          `json:"new"`      // no record for the service type
	// Measured values, without the prior (zero when New).
	MeasuredFill       float64       `json:"measuredFill"`
	MeasuredTurnaround time.Duration `json:"measuredTurnaround"`
}

// EstimateOf computes a lender's estimate for the service type:
//
//	fill rate  = (filled + k·prior fill rate) / (tries + k)
//	turnaround = (n·median + k·prior turnaround) / (n + k)   n = filled requests timed
//	answer     = (n·median + k·prior answer) / (n + k)       n = answered requests
//	timeouts   = (unanswered + k·prior share) / (tries + k)
//
// with k = Config.PriorWeight.
func EstimateOf(scores []stats.LenderScore, lender ill.AgencyID, svc ill.ServiceType, p Prior, c Config) Estimate {
	return indexScores(scores, svc).estimate(lender, p, c.WithDefaults())
}

func (x scoreIndex) estimate(lender ill.AgencyID, p Prior, c Config) Estimate {
	k := c.PriorWeight
	m, ok := x.scoreFor(lender)
	e := Estimate{Tries: m.tries, Filled: m.filled, New: !ok, MeasuredFill: m.fillRateMeasure, MeasuredTurnaround: m.turn}
	e.FillRate = (float64(m.filled) + k*p.FillRate) / (float64(m.tries) + k)
	e.Turnaround = time.Duration((float64(m.turnN)*float64(m.turn) + k*float64(p.Turnaround)) / (float64(m.turnN) + k))
	e.Answer = time.Duration((float64(m.answerN)*float64(m.answer) + k*float64(p.Answer)) / (float64(m.answerN) + k))
	e.Timeouts = (float64(m.timeouts) + k*p.TimeoutShare) / (float64(m.tries) + k)
	return e
}

// expectedDays is the expected time, in days, a request spends with the
// lender: its turnaround when it fills, else the time to a no (the
// response window when it never answers), plus open days lost to closures.
func (e Estimate) expectedDays(window time.Duration, lost int) float64 {
	d := func(t time.Duration) float64 { return t.Hours() / 24 }
	fail := e.Timeouts*d(window) + (1-e.Timeouts)*min(d(e.Answer), d(window))
	return e.FillRate*d(e.Turnaround) + (1-e.FillRate)*fail + float64(lost)
}

// Speed is the heart of the score: expected fills per day of waiting,
// fill rate / expected days. Sorting lenders by it minimises the expected
// time to a fill when each is tried in turn.
func (e Estimate) Speed(window time.Duration, lost int) float64 {
	return e.FillRate / max(e.expectedDays(window, lost), 0.05)
}
