package stats

import (
	"sort"
	"time"

	"interlend/internal/ill"
)

// Measures are every figure of one period, for one agency or several
// (their journeys together). Each event is counted in the period in which
// it happened (see Measure).
type Measures struct {
	Period    Period           `json:"period"`
	Borrowing SideMeasures     `json:"borrowing"`
	Lending   SideMeasures     `json:"lending"`
	Scores    []LenderScore    `json:"scores"`  // lenders' scorecards: tries sent in the period
	Balance   []PartnerBalance `json:"balance"` // lent to and borrowed from each partner
	Money     MoneyMeasures    `json:"money"`
}

// SideMeasures are one side's figures for a period.
type SideMeasures struct {
	Side ill.Side `json:"side"`
	// Received counts requests submitted in the period (borrowing: placed
	// by our patrons; lending: arrived from borrowers), with breakdowns.
	Received     int     `json:"received"`
	ByService    []Count `json:"byService"`
	ByLevel      []Count `json:"byLevel"`
	ByCategory   []Count `json:"byCategory"`
	ByDepartment []Count `json:"byDepartment"`
	ByPartner    []Count `json:"byPartner"`
	// Rate counts outcomes decided in the period (filled when shipped or
	// delivered, otherwise when closed); Rate.Open counts requests
	// submitted before the period's end and still undecided at it.
	Rate Rate `json:"rate"`
	// OpenAtEnd counts requests submitted before the period's end and not
	// closed at it (loans still out included).
	OpenAtEnd int              `json:"openAtEnd"`
	Excluded  []Count          `json:"excluded"` // borrowing: excluded from the rate, by close reason
	Unfilled  []Count          `json:"unfilled"` // by reason (see UnfilledKey)
	Outcomes  []PartnerOutcome `json:"outcomes"` // decided in the period, by partner
	// Turnaround and Business summarise each stage that ended in the
	// period, in calendar time and in the agency's business hours.
	Turnaround map[Stage]Summary `json:"turnaround"`
	Business   map[Stage]Summary `json:"business"`
	// Renewals granted, requests that fell overdue, and items lost, in the
	// period.
	Renewals int `json:"renewals"`
	Overdue  int `json:"overdue"`
	Lost     int `json:"lost"`
	// Wait is a histogram (by WaitBuckets) of the patron's wait for
	// borrowing requests filled in the period (submitted to available or
	// delivered), or of the time to supply for lending ones (received to
	// shipped or delivered).
	Wait []int `json:"wait"`
}

// Count is one line of a breakdown.
type Count struct {
	Key string `json:"key"`
	N   int    `json:"n"`
}

// PartnerOutcome is what one partner's requests came to in the period.
type PartnerOutcome struct {
	Partner  ill.AgencyID `json:"partner"`
	Filled   int          `json:"filled"`
	Unfilled int          `json:"unfilled"`
}

// PartnerBalance compares, for one partner, the requests it filled for us
// with those we filled for it in the period.
type PartnerBalance struct {
	Partner  ill.AgencyID `json:"partner"`
	Borrowed int          `json:"borrowed"` // our borrowing requests it filled
	Lent     int          `json:"lent"`     // its requests we filled
}

// Net is lent minus borrowed: positive when we supply more than we get.
func (b PartnerBalance) Net() int { return b.Lent - b.Borrowed }

// WaitBuckets are the upper bounds of the wait histogram's buckets (the
// last bucket has no bound).
var WaitBuckets = []time.Duration{24 * time.Hour, 48 * time.Hour, 72 * time.Hour, 5 * 24 * time.Hour, 7 * 24 * time.Hour,
	10 * 24 * time.Hour, 14 * 24 * time.Hour, 21 * 24 * time.Hour}

func waitBucket(d time.Duration) int {
	for i, b := range WaitBuckets {
		if d < b {
			return i
		}
	}
	return len(WaitBuckets)
}

// UnfilledKey is how an unfilled request is counted among the reasons:
// its close reason, and for requests a lender (or we) answered Unfilled
// with a reason, the ISO 18626 code ("unfilled:NotHeld").
func (j Journey) UnfilledKey() string {
	key := string(j.CloseReason)
	if key == "" {
		key = "unknown"
	}
	if j.UnfilledReason != "" && (j.CloseReason == ill.ClosedUnfilled || j.CloseReason == ill.ClosedRetryOffered) {
		key += ":" + j.UnfilledReason
	}
	return key
}

// Measure computes the figures of period p from journeys of one or more
// agencies. Every figure counts events in the period in which they
// happened: a request is received when it was submitted, filled when it
// was shipped or delivered, unfilled or excluded when it closed without
// being filled, a stage is measured when it ended, a renewal when it was
// granted. A closed period's figures therefore never change. Journeys
// without business times are measured with h (nil: no business figures).
func Measure(js []Journey, p Period, h Hours) Measures {
	m := Measures{Period: p}
	m.Borrowing = measureSide(ill.Borrowing, js, p, h)
	m.Lending = measureSide(ill.Lending, js, p, h)
	m.Scores = LenderScoresIn(js, p)
	m.Balance = balance(js, p)
	return m
}

// measureSide measures the journeys of one side (the others are passed
// over: journeys are large, and copying them costs more than looking).
func measureSide(side ill.Side, js []Journey, p Period, h Hours) SideMeasures {
	sm := SideMeasures{Side: side, Wait: make([]int, len(WaitBuckets)+1)}
	service, level, category, department, partner := counter{}, counter{}, counter{}, counter{}, counter{}
	excluded, unfilled := counter{}, counter{}
	outcomes := map[ill.AgencyID]*PartnerOutcome{}
	cal := make([][]time.Duration, NumStages)
	biz := make([][]time.Duration, NumStages)
	for i := range js {
		j := &js[i]
		if j.Side != side && (side == ill.Lending || j.Side == ill.Lending) {
			continue
		}
		if p.Contains(j.Submitted) {
			sm.Received++
			service.add(string(j.Service))
			level.add(j.ServiceLevel)
			category.add(j.Category)
			department.add(j.Department)
			partner.add(string(j.Partner))
		}
		if d := j.DecidedAt(); p.Contains(d) {
			outcome := j.Outcome()
			if outcome == OutcomeExcluded {
				sm.Rate.Excluded++
				excluded.add(string(j.CloseReason))
			} else {
				o := outcomes[j.Partner]
				if o == nil {
					o = &PartnerOutcome{Partner: j.Partner}
					outcomes[j.Partner] = o
				}
				if outcome == OutcomeFilled {
					sm.Rate.Filled++
					o.Filled++
				} else {
					sm.Rate.Unfilled++
					o.Unfilled++
					unfilled.add(j.UnfilledKey())
				}
			}
		} else if j.Submitted.Before(p.To) && (d.IsZero() || !d.Before(p.To)) {
			sm.Rate.Open++ // undecided at the period's end
		}
		if j.OpenAt(p.To) {
			sm.OpenAtEnd++
		}
		ivs := j.Intervals()
		var bd [NumStages]time.Duration
		switch {
		case j.HasBusiness:
			bd = j.Business
		case h != nil:
			for i, iv := range ivs {
				if iv.Valid() && p.Contains(iv.To) {
					bd[i] = h.BusinessDuration(iv.From, iv.To)
				}
			}
		}
		for i, iv := range ivs {
			if !iv.Valid() || !p.Contains(iv.To) {
				continue
			}
			d := iv.To.Sub(iv.From)
			cal[i] = append(cal[i], d)
			if j.HasBusiness || h != nil {
				biz[i] = append(biz[i], bd[i])
			}
			switch Stages[i] {
			case SubmittedToFilled, SubmittedToDeliver, LenderShip:
				sm.Wait[waitBucket(d)]++
			}
		}
		for _, r := range j.Renewals {
			if p.Contains(r) {
				sm.Renewals++
			}
		}
		if p.Contains(j.Overdue) {
			sm.Overdue++
		}
		if p.Contains(j.Lost) {
			sm.Lost++
		}
	}
	sm.Rate.Value = ratio(sm.Rate.Filled, sm.Rate.Filled+sm.Rate.Unfilled)
	sm.ByService, sm.ByLevel, sm.ByCategory, sm.ByDepartment, sm.ByPartner = service.list(), level.list(), category.list(), department.list(), partner.list()
	sm.Excluded, sm.Unfilled = excluded.list(), unfilled.list()
	for _, o := range outcomes {
		sm.Outcomes = append(sm.Outcomes, *o)
	}
	sort.Slice(sm.Outcomes, func(a, b int) bool {
		x, y := sm.Outcomes[a], sm.Outcomes[b]
		if x.Filled+x.Unfilled != y.Filled+y.Unfilled {
			return x.Filled+x.Unfilled > y.Filled+y.Unfilled
		}
		return x.Partner < y.Partner
	})
	sm.Turnaround, sm.Business = map[Stage]Summary{}, map[Stage]Summary{}
	for i, s := range Stages {
		if len(cal[i]) > 0 {
			sm.Turnaround[s] = Summarise(cal[i])
		}
		if len(biz[i]) > 0 {
			sm.Business[s] = Summarise(biz[i])
		}
	}
	return sm
}

// counter counts keys; "" counts as "(none)".
type counter map[string]int

func (c counter) add(k string) {
	if k == "" {
		k = None
	}
	c[k]++
}

// None is the key of a breakdown line for requests without a value.
const None = "(none)"

// list sorts by count, largest first, then by key.
func (c counter) list() []Count {
	out := make([]Count, 0, len(c))
	for k, n := range c {
		out = append(out, Count{k, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// LenderScoresIn is LenderScores over the tries sent in period p.
func LenderScoresIn(js []Journey, p Period) []LenderScore {
	return lenderScores(js, func(t Try) bool { return p.Contains(t.Sent) })
}

func balance(js []Journey, p Period) []PartnerBalance {
	acc := map[ill.AgencyID]*PartnerBalance{}
	for i := range js {
		j := &js[i]
		if j.Partner == "" || !j.Filled() || !p.Contains(j.FilledAt()) {
			continue
		}
		b := acc[j.Partner]
		if b == nil {
			b = &PartnerBalance{Partner: j.Partner}
			acc[j.Partner] = b
		}
		if j.Side == ill.Lending {
			b.Lent++
		} else {
			b.Borrowed++
		}
	}
	return sortBalance(acc)
}

// sortBalance lists the partners' balances, busiest first.
func sortBalance(acc map[ill.AgencyID]*PartnerBalance) []PartnerBalance {
	out := make([]PartnerBalance, 0, len(acc))
	for _, b := range acc {
		out = append(out, *b)
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x.Borrowed+x.Lent != y.Borrowed+y.Lent {
			return x.Borrowed+x.Lent > y.Borrowed+y.Lent
		}
		return x.Partner < y.Partner
	})
	return out
}
