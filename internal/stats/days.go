package stats

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"slices"
	"sort"
	"strings"
	"time"

	"interlend/internal/ill"
)

// Daily aggregates. What Measure computes from journeys can be computed
// as well from each journey's contribution to the days of its life: a
// count per day and cell (received on day D by service Loan, filled on
// day D by partner P, …) and, for the stages and the lenders' tries, the
// exact durations that ended (were sent) on each day. MeasureDays adds
// the cells of a period's days up and gives exactly Measure's figures for
// a period of whole days: medians and percentiles come from the very
// durations, not from buckets. A journey's contribution is taken out
// again (Tally.Add with sign -1) when its facts change.

// Day is a date in an agency's zone, written year*10000 + month*100 + day.
func DayOf(t time.Time, loc *time.Location) int {
	t = t.In(loc)
	return t.Year()*10000 + int(t.Month())*100 + t.Day()
}

// DayStart is the first instant of a day in loc.
func DayStart(day int, loc *time.Location) time.Time {
	return time.Date(day/10000, time.Month(day/100%100), day%100, 0, 0, 0, 0, loc)
}

// Days gives the period's first day and the day after its last, in loc;
// ok is false when either end is not a midnight in loc.
func (p Period) Days(loc *time.Location) (from, to int, ok bool) {
	f, t := p.From.In(loc), p.To.In(loc)
	if !isMidnight(f) || !isMidnight(t) {
		return 0, 0, false
	}
	return DayOf(f, loc), DayOf(t, loc), true
}

// Cell names one line of the daily aggregates: a measure of one side on
// one day, with its key (a service, a partner, a reason; "" for none).
type Cell struct {
	Day     int
	Side    ill.Side
	Measure string
	Key     string
}

// The measures of the daily aggregates.
const (
	DayReceived       = "recv"          // submitted
	DayByService      = "recv.service"  // submitted, by service type
	DayByLevel        = "recv.level"    // … by service level
	DayByCategory     = "recv.category" // … by patron category
	DayByDepartment   = "recv.department"
	DayByPartner      = "recv.partner"
	DayFilled         = "filled"   // filled, by partner
	DayUnfilled       = "unfilled" // closed unfilled, by partner
	DayUnfilledReason = "reason"   // closed unfilled, by UnfilledKey
	DayExcluded       = "excluded" // closed and left out, by close reason
	DayRenewal        = "renewal"
	DayOverdue        = "overdue"
	DayLost           = "lost"
	// DayGoneDecided and DayGoneClosed count a request on the later of the
	// days it was submitted and decided (closed): the running totals of
	// these and of DayReceived before a day give what was undecided (open)
	// at its start.
	DayGoneDecided = "gone.decided"
	DayGoneClosed  = "gone.closed"
	// A lender's tries by the day they were sent, keyed by TryKey.
	DayTries       = "try"
	DayTriesFilled = "try.filled"
	// Durations: "cal."+stage and "biz."+stage by the day the stage ended;
	// the lenders' by the day the try was sent.
	DayTrySupply = "try.supply"
	DayTryAnswer = "try.answer"
)

// TryKey is the key of a lender's cells: the lender and the service type.
func TryKey(lender ill.AgencyID, service ill.ServiceType) string {
	return string(lender) + "\t" + string(service)
}

// Tally is journeys' contribution to the daily aggregates: counts, and
// durations added and taken away, per cell.
type Tally struct {
	Counts  map[Cell]int
	Added   map[Cell][]time.Duration
	Removed map[Cell][]time.Duration
}

// NewTally is an empty Tally.
func NewTally() *Tally {
	return &Tally{Counts: map[Cell]int{}, Added: map[Cell][]time.Duration{}, Removed: map[Cell][]time.Duration{}}
}

func (t *Tally) count(c Cell, sign int) {
	if c.Day != 0 {
		t.Counts[c] += sign
	}
}

func (t *Tally) span(c Cell, d time.Duration, sign int) {
	if sign > 0 {
		t.Added[c] = append(t.Added[c], d)
	} else {
		t.Removed[c] = append(t.Removed[c], d)
	}
}

// Add adds a journey's contribution (sign 1) or takes it away (sign -1),
// its tries included; days are dates in loc.
func (t *Tally) Add(j *Journey, loc *time.Location, sign int) {
	t.AddJourney(j, loc, sign)
	for _, tr := range j.Tries {
		t.AddTry(j.Side, j.Service, tr, loc, sign)
	}
}

// AddJourney is Add without the tries.
func (t *Tally) AddJourney(j *Journey, loc *time.Location, sign int) {
	day := func(at time.Time) int {
		if at.IsZero() {
			return 0
		}
		return DayOf(at, loc)
	}
	cell := func(at time.Time, m, k string) Cell { return Cell{day(at), j.Side, m, k} }
	sub := j.Submitted
	t.count(cell(sub, DayReceived, ""), sign)
	t.count(cell(sub, DayByService, string(j.Service)), sign)
	t.count(cell(sub, DayByLevel, j.ServiceLevel), sign)
	t.count(cell(sub, DayByCategory, j.Category), sign)
	t.count(cell(sub, DayByDepartment, j.Department), sign)
	t.count(cell(sub, DayByPartner, string(j.Partner)), sign)
	later := func(a, b time.Time) time.Time {
		if b.After(a) {
			return b
		}
		return a
	}
	if d := j.DecidedAt(); !d.IsZero() {
		switch j.Outcome() {
		case OutcomeExcluded:
			t.count(cell(d, DayExcluded, string(j.CloseReason)), sign)
		case OutcomeFilled:
			t.count(cell(d, DayFilled, string(j.Partner)), sign)
		default:
			t.count(cell(d, DayUnfilled, string(j.Partner)), sign)
			t.count(cell(d, DayUnfilledReason, j.UnfilledKey()), sign)
		}
		t.count(cell(later(sub, d), DayGoneDecided, ""), sign)
	}
	if !j.Closed.IsZero() {
		t.count(cell(later(sub, j.Closed), DayGoneClosed, ""), sign)
	}
	for _, r := range j.Renewals {
		t.count(cell(r, DayRenewal, ""), sign)
	}
	t.count(cell(j.Overdue, DayOverdue, ""), sign)
	t.count(cell(j.Lost, DayLost, ""), sign)
	for i, iv := range j.Intervals() {
		if !iv.Valid() {
			continue
		}
		t.span(cell(iv.To, "cal."+string(Stages[i]), ""), iv.To.Sub(iv.From), sign)
		if j.HasBusiness {
			t.span(cell(iv.To, "biz."+string(Stages[i]), ""), j.Business[i], sign)
		}
	}
}

// AddTry adds (or takes away) one lender's try with a request of the
// given side and service; pending tries count for nothing.
func (t *Tally) AddTry(side ill.Side, service ill.ServiceType, tr Try, loc *time.Location, sign int) {
	if tr.Outcome == "pending" || tr.Outcome == "" || tr.Sent.IsZero() {
		return
	}
	k := TryKey(tr.Lender, service)
	day := DayOf(tr.Sent, loc)
	t.count(Cell{day, side, DayTries, k}, sign)
	if tr.Outcome == "filled" {
		t.count(Cell{day, side, DayTriesFilled, k}, sign)
		if d, ok := span(tr.Sent, tr.Filled); ok {
			t.span(Cell{day, side, DayTrySupply, k}, d, sign)
		}
	}
	if d, ok := span(tr.Sent, tr.Answered); ok {
		t.span(Cell{day, side, DayTryAnswer, k}, d, sign)
	}
}

// DayCount is a count of the daily aggregates.
type DayCount struct {
	Cell
	N int
}

// DaySpans are the durations of one cell of the daily aggregates.
type DaySpans struct {
	Cell
	Values []time.Duration // sorted
}

// DayTotals are a side's running totals before a day: requests received,
// and of those, decided and closed.
type DayTotals struct {
	Received, Decided, Closed int
}

// MeasureDays computes the figures of period p from the daily aggregates
// of its days (cells of other days are passed over) and the running
// totals before its end; the figures equal Measure's over the journeys
// the aggregates were tallied from (Money is left to the caller). ok is
// false when p is not made of whole days in loc.
func MeasureDays(counts []DayCount, spans []DaySpans, totals map[ill.Side]DayTotals, p Period, loc *time.Location) (Measures, bool) {
	from, to, ok := p.Days(loc)
	if !ok {
		return Measures{}, false
	}
	in := func(c Cell) bool { return c.Day >= from && c.Day < to }
	m := Measures{Period: p}
	m.Borrowing = measureSideDays(ill.Borrowing, counts, spans, totals[ill.Borrowing], in)
	m.Lending = measureSideDays(ill.Lending, counts, spans, totals[ill.Lending], in)
	m.Scores = scoresDays(counts, spans, in)
	acc := map[ill.AgencyID]*PartnerBalance{}
	for _, c := range counts {
		if c.Measure != DayFilled || c.Key == "" || !in(c.Cell) {
			continue
		}
		b := acc[ill.AgencyID(c.Key)]
		if b == nil {
			b = &PartnerBalance{Partner: ill.AgencyID(c.Key)}
			acc[b.Partner] = b
		}
		if c.Side == ill.Lending {
			b.Lent += c.N
		} else {
			b.Borrowed += c.N
		}
	}
	m.Balance = sortBalance(acc)
	return m, true
}

// ofSide is measureSide's choice of journeys: lending ones for the
// lending side, every other for the borrowing side.
func ofSide(side, s ill.Side) bool {
	return s == side || (side != ill.Lending && s != ill.Lending)
}

func measureSideDays(side ill.Side, counts []DayCount, spans []DaySpans, tot DayTotals, in func(Cell) bool) SideMeasures {
	sm := SideMeasures{Side: side, Wait: make([]int, len(WaitBuckets)+1)}
	service, level, category, department, partner := counter{}, counter{}, counter{}, counter{}, counter{}
	excluded, unfilled := counter{}, counter{}
	outcomes := map[ill.AgencyID]*PartnerOutcome{}
	outcome := func(k string) *PartnerOutcome {
		o := outcomes[ill.AgencyID(k)]
		if o == nil {
			o = &PartnerOutcome{Partner: ill.AgencyID(k)}
			outcomes[o.Partner] = o
		}
		return o
	}
	for _, c := range counts {
		if !ofSide(side, c.Side) || !in(c.Cell) || c.N == 0 {
			continue
		}
		switch c.Measure {
		case DayReceived:
			sm.Received += c.N
		case DayByService:
			service.addN(c.Key, c.N)
		case DayByLevel:
			level.addN(c.Key, c.N)
		case DayByCategory:
			category.addN(c.Key, c.N)
		case DayByDepartment:
			department.addN(c.Key, c.N)
		case DayByPartner:
			partner.addN(c.Key, c.N)
		case DayFilled:
			sm.Rate.Filled += c.N
			outcome(c.Key).Filled += c.N
		case DayUnfilled:
			sm.Rate.Unfilled += c.N
			outcome(c.Key).Unfilled += c.N
		case DayUnfilledReason:
			unfilled.addN(c.Key, c.N)
		case DayExcluded:
			sm.Rate.Excluded += c.N
			excluded.addN(c.Key, c.N)
		case DayRenewal:
			sm.Renewals += c.N
		case DayOverdue:
			sm.Overdue += c.N
		case DayLost:
			sm.Lost += c.N
		}
	}
	sm.Rate.Open = tot.Received - tot.Decided
	sm.OpenAtEnd = tot.Received - tot.Closed
	sm.Rate.Value = ratio(sm.Rate.Filled, sm.Rate.Filled+sm.Rate.Unfilled)
	sm.ByService, sm.ByLevel, sm.ByCategory, sm.ByDepartment, sm.ByPartner = service.list(), level.list(), category.list(), department.list(), partner.list()
	sm.Excluded, sm.Unfilled = excluded.list(), unfilled.list()
	for _, o := range outcomes {
		if o.Filled+o.Unfilled > 0 {
			sm.Outcomes = append(sm.Outcomes, *o)
		}
	}
	sort.Slice(sm.Outcomes, func(a, b int) bool {
		x, y := sm.Outcomes[a], sm.Outcomes[b]
		if x.Filled+x.Unfilled != y.Filled+y.Unfilled {
			return x.Filled+x.Unfilled > y.Filled+y.Unfilled
		}
		return x.Partner < y.Partner
	})
	cal, biz := map[Stage][]time.Duration{}, map[Stage][]time.Duration{}
	for _, s := range spans {
		if !ofSide(side, s.Side) || !in(s.Cell) {
			continue
		}
		switch {
		case strings.HasPrefix(s.Measure, "cal."):
			st := Stage(strings.TrimPrefix(s.Measure, "cal."))
			cal[st] = append(cal[st], s.Values...)
			switch st {
			case SubmittedToFilled, SubmittedToDeliver, LenderShip:
				for _, d := range s.Values {
					sm.Wait[waitBucket(d)]++
				}
			}
		case strings.HasPrefix(s.Measure, "biz."):
			st := Stage(strings.TrimPrefix(s.Measure, "biz."))
			biz[st] = append(biz[st], s.Values...)
		}
	}
	sm.Turnaround, sm.Business = map[Stage]Summary{}, map[Stage]Summary{}
	for _, s := range Stages {
		if len(cal[s]) > 0 {
			sm.Turnaround[s] = summariseInPlace(cal[s])
		}
		if len(biz[s]) > 0 {
			sm.Business[s] = summariseInPlace(biz[s])
		}
	}
	return sm
}

// summariseInPlace is Summarise on a slice it may reorder.
func summariseInPlace(ds []time.Duration) Summary {
	slices.Sort(ds)
	var total time.Duration
	for _, d := range ds {
		total += d
	}
	return Summary{N: len(ds), Median: percentile(ds, 0.5), P90: percentile(ds, 0.9), Mean: total / time.Duration(len(ds))}
}

func scoresDays(counts []DayCount, spans []DaySpans, in func(Cell) bool) []LenderScore {
	acc := map[string]*LenderScore{}
	for _, c := range counts {
		if (c.Measure != DayTries && c.Measure != DayTriesFilled) || !in(c.Cell) || c.N == 0 {
			continue
		}
		sc := acc[c.Key]
		if sc == nil {
			lender, service, _ := strings.Cut(c.Key, "\t")
			sc = &LenderScore{Lender: ill.AgencyID(lender), Service: ill.ServiceType(service)}
			acc[c.Key] = sc
		}
		if c.Measure == DayTries {
			sc.Tries += c.N
		} else {
			sc.Filled += c.N
		}
	}
	turn, ans := map[string][]time.Duration{}, map[string][]time.Duration{}
	for _, s := range spans {
		if !in(s.Cell) {
			continue
		}
		switch s.Measure {
		case DayTrySupply:
			turn[s.Key] = append(turn[s.Key], s.Values...)
		case DayTryAnswer:
			ans[s.Key] = append(ans[s.Key], s.Values...)
		}
	}
	out := make([]LenderScore, 0, len(acc))
	for k, sc := range acc {
		if sc.Tries == 0 {
			continue
		}
		sc.FillRate = ratio(sc.Filled, sc.Tries)
		if len(turn[k]) > 0 {
			sc.Turnaround = summariseInPlace(turn[k])
		}
		if len(ans[k]) > 0 {
			sc.Answer = summariseInPlace(ans[k])
		}
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

// addN counts a key n times ("" counts as "(none)").
func (c counter) addN(k string, n int) {
	if k == "" {
		k = None
	}
	c[k] += n
}

// EncodeDurations writes sorted durations compactly: each the difference
// from the one before, as varints, in unpadded base64 (text both
// databases store alike).
func EncodeDurations(sorted []time.Duration) string {
	buf := make([]byte, 0, len(sorted)*5)
	var prev int64
	for _, d := range sorted {
		buf = binary.AppendVarint(buf, int64(d)-prev)
		prev = int64(d)
	}
	return base64.RawStdEncoding.EncodeToString(buf)
}

// DecodeDurations reads what EncodeDurations wrote.
func DecodeDurations(s string, n int) ([]time.Duration, error) {
	buf, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	out := make([]time.Duration, 0, n)
	var prev int64
	for len(buf) > 0 {
		v, k := binary.Varint(buf)
		if k <= 0 {
			return nil, errors.New("stats: bad durations")
		}
		prev += v
		out = append(out, time.Duration(prev))
		buf = buf[k:]
	}
	return out, nil
}

// MergeDurations adds durations to a sorted list and takes others away
// (each once; one not there is ignored), keeping it sorted.
func MergeDurations(sorted, add, remove []time.Duration) []time.Duration {
	out := append(slices.Clone(sorted), add...)
	slices.Sort(out)
	for _, d := range remove {
		if i, ok := slices.BinarySearch(out, d); ok {
			out = slices.Delete(out, i, i+1)
		}
	}
	return out
}

// TotalsBefore adds up the running totals of each side before a day from
// the counts (what the store's running totals give).
func TotalsBefore(counts []DayCount, day int) map[ill.Side]DayTotals {
	out := map[ill.Side]DayTotals{}
	for _, c := range counts {
		if c.Day >= day {
			continue
		}
		t := out[c.Side]
		switch c.Measure {
		case DayReceived:
			t.Received += c.N
		case DayGoneDecided:
			t.Decided += c.N
		case DayGoneClosed:
			t.Closed += c.N
		}
		out[c.Side] = t
	}
	return out
}

// Rows lists a tally's counts (zero ones left out) and added durations,
// sorted, as the store would hold them for a tally of journeys added once.
func (t *Tally) Rows() ([]DayCount, []DaySpans) {
	var counts []DayCount
	for c, n := range t.Counts {
		if n != 0 {
			counts = append(counts, DayCount{c, n})
		}
	}
	var spans []DaySpans
	for c, ds := range t.Added {
		if v := MergeDurations(nil, ds, t.Removed[c]); len(v) > 0 {
			spans = append(spans, DaySpans{c, v})
		}
	}
	return counts, spans
}
