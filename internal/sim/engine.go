package sim

import (
	"container/heap"
	"time"

	"interlend/internal/calendar"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/routing"
	"interlend/internal/stats"
)

// Strategy names how rotas are made.
type Strategy string

// The strategies compared.
const (
	Scored   Strategy = "routing"  // routing.Build with measured scores
	Baseline Strategy = "baseline" // routing.Baseline: five holders, tier, alphabetical
)

type eventKind int

const (
	evArrive eventKind = iota
	evAnswer
	evTimeout
	evSupply
	evDay
)

type event struct {
	at   time.Time
	seq  int
	kind eventKind
	req  int
	try  int
	fill bool
}

type events []event

func (e events) Len() int { return len(e) }
func (e events) Less(i, j int) bool {
	if !e[i].at.Equal(e[j].at) {
		return e[i].at.Before(e[j].at)
	}
	return e[i].seq < e[j].seq
}
func (e events) Swap(i, j int) { e[i], e[j] = e[j], e[i] }
func (e *events) Push(x any)   { *e = append(*e, x.(event)) }
func (e *events) Pop() any {
	old := *e
	x := old[len(old)-1]
	*e = old[:len(old)-1]
	return x
}

// reqState is a request's progress.
type reqState struct {
	rota     []int
	pos      int
	tries    []stats.Try
	libs     []int // library of each try
	filledAt time.Time
	done     bool
}

// tryRef locates a try for the score window.
type tryRef struct{ req, try int }

// run is one strategy's simulation of a world.
type run struct {
	w            *World
	strategy     Strategy
	cfg          routing.Config
	q            events
	seq          int
	reqs         []reqState
	freeAt       []time.Time
	sentOn       []map[calendar.Date]int // per library, by its local date
	sent         []int                   // per library, whole run
	sentAt       []time.Time             // every send, for the degraded lender's share
	sentLib      []int
	today        calendar.Date // UTC day of LoadToday
	load         int
	lendersToday map[int]bool
	lenders      map[ill.AgencyID]*routing.Lender
	index        map[ill.AgencyID]int
	scores       []stats.LenderScore
	allTries     []tryRef
}

func newRun(w *World, s Strategy) *run {
	r := &run{w: w, strategy: s, reqs: make([]reqState, len(w.Requests)), freeAt: make([]time.Time, len(w.Libraries)),
		sentOn: make([]map[calendar.Date]int, len(w.Libraries)), sent: make([]int, len(w.Libraries)),
		lenders: map[ill.AgencyID]*routing.Lender{}, index: map[ill.AgencyID]int{}}
	r.cfg = w.Config.Routing
	r.cfg.MaxLenders = w.Config.Rota
	r.cfg.ResponseDays = w.Config.ResponseDays
	for i, l := range w.Libraries {
		cp := l.Lender
		r.lenders[cp.Entry.ID] = &cp
		r.index[cp.Entry.ID] = i
		r.sentOn[i] = map[calendar.Date]int{}
	}
	return r
}

func (r *run) push(e event) {
	e.seq = r.seq
	r.seq++
	heap.Push(&r.q, e)
}

// simulate runs every request to its end.
func (r *run) simulate() {
	for i := range r.w.Requests {
		r.push(event{at: r.w.Requests[i].At, kind: evArrive, req: i})
	}
	if r.strategy == Scored {
		r.push(event{at: r.w.Start, kind: evDay})
	}
	for r.q.Len() > 0 {
		e := heap.Pop(&r.q).(event)
		switch e.kind {
		case evArrive:
			r.arrive(e)
		case evAnswer:
			r.answer(e)
		case evTimeout:
			r.timeout(e)
		case evSupply:
			r.supply(e)
		case evDay:
			r.rescore(e.at)
			if next := e.at.Add(24 * time.Hour); r.pending() {
				r.push(event{at: next, kind: evDay})
			}
		}
	}
}

// pending reports whether anything but the daily rescoring is queued.
func (r *run) pending() bool {
	for _, e := range r.q {
		if e.kind != evDay {
			return true
		}
	}
	return false
}

func (r *run) localDay(lib int, t time.Time) calendar.Date {
	return calendar.DateOf(t.In(r.w.Libraries[lib].Lender.Schedule.Location()))
}

func (r *run) arrive(e event) {
	req := &r.w.Requests[e.req]
	borrower := r.w.Libraries[req.Borrower]
	hs := r.w.holdings(req)
	var rota []ill.AgencyID
	switch r.strategy {
	case Scored:
		for _, h := range hs {
			if i, ok := r.index[h.Agency]; ok {
				r.lenders[h.Agency].SentToday = r.sentOn[i][r.localDay(i, e.at)]
			}
		}
		r.newDay(e.at)
		in := routing.Input{
			Request:  routing.Request{Borrower: borrower.Lender.Entry.ID, Service: req.Service, Citation: r.w.citation(req), MaxCost: req.MaxCost},
			Borrower: &borrower.Lender.Entry, Holdings: hs, Lenders: r.lenders, Scores: r.scores, Rates: r.w.Rates,
			LoadToday: r.load, Routable: len(r.lendersToday), Now: e.at, Config: r.cfg,
		}
		rota = routing.Build(in).Lenders()
	default:
		rota = routing.Baseline(hs, r.lenders, &borrower.Lender.Entry, borrower.Lender.Entry.ID, r.w.Config.Rota)
	}
	st := &r.reqs[e.req]
	for _, id := range rota {
		st.rota = append(st.rota, r.index[id])
	}
	r.sendNext(e.req, e.at)
}

// sendNext sends the request to the next lender of its rota that is not
// at its daily cap, or ends it unfilled.
func (r *run) sendNext(ri int, now time.Time) {
	st := &r.reqs[ri]
	req := &r.w.Requests[ri]
	for st.pos < len(st.rota) {
		li := st.rota[st.pos]
		st.pos++
		lib := r.w.Libraries[li]
		day := r.localDay(li, now)
		if limit := lib.Lender.Entry.Policy.DailyCap; limit > 0 && r.sentOn[li][day] >= limit {
			continue // the send gate skips it, as the app does
		}
		r.sentOn[li][day]++
		r.sent[li]++
		r.sentAt, r.sentLib = append(r.sentAt, now), append(r.sentLib, li)
		r.newDay(now)
		r.load++
		r.lendersToday[li] = true
		ti := len(st.tries)
		st.tries = append(st.tries, stats.Try{Lender: lib.Lender.Entry.ID, Sent: now, Outcome: "pending"})
		st.libs = append(st.libs, li)
		r.allTries = append(r.allTries, tryRef{ri, ti})

		sch := lib.Lender.Schedule
		beh := lib.behaviour(req.Service, now)
		deadline := routing.Deadline(sch, now, r.w.Config.ResponseDays)
		start := now
		if r.freeAt[li].After(start) {
			start = r.freeAt[li]
		}
		r.freeAt[li] = start.Add(time.Duration(float64(24*time.Hour) / lib.Capacity))
		answerAt := addBusinessHours(sch, start, time.Duration(beh.AnswerHours*(0.5+r.w.u(ri, li, saltAnswer))*float64(time.Hour)))
		if r.w.u(ri, li, saltSilence) < beh.Silence || answerAt.After(deadline) {
			r.push(event{at: deadline, kind: evTimeout, req: ri, try: ti})
			return
		}
		fill := r.canSupply(req, li, beh) && r.w.u(ri, li, saltFill) < beh.Fill
		r.push(event{at: answerAt, kind: evAnswer, req: ri, try: ti, fill: fill})
		return
	}
	st.done = true
}

// newDay starts a new day's load count at UTC midnight.
func (r *run) newDay(t time.Time) {
	if d := calendar.DateOf(t.UTC()); d != r.today || r.lendersToday == nil {
		r.today, r.load, r.lendersToday = d, 0, map[int]bool{}
	}
}

// canSupply is the truth the lender finds: it offers the service, has the
// year (serials) or a copy on the shelf that may circulate (books), and
// its charge is within the request's maximum.
func (r *run) canSupply(req *Request, li int, beh Behaviour) bool {
	if !beh.Offers {
		return false
	}
	var h *Holder
	for i := range r.w.Titles[req.Title].Holders {
		if x := &r.w.Titles[req.Title].Holders[i]; x.Lib == li {
			h = x
		}
	}
	if h == nil {
		return false
	}
	if req.Service == ill.Copy && !h.covers(req.Year) || req.Service == ill.Loan && (h.Reference || r.w.onLoan(req, li)) {
		return false
	}
	if req.MaxCost.Minor > 0 {
		lender, borrower := &r.w.Libraries[li].Lender.Entry, &r.w.Libraries[req.Borrower].Lender.Entry
		t := directory.TermsFor(lender, borrower, directory.ServiceType(req.Service))
		if t.Known && t.Charge.Minor > 0 {
			conv, _, err := r.w.Rates.Convert(ill.Money{Minor: t.Charge.Minor, Currency: t.Charge.Currency}, req.MaxCost.Currency, req.At)
			if err != nil || conv.Minor > req.MaxCost.Minor {
				return false // the borrower declines the cost
			}
		}
	}
	return true
}

func (r *run) answer(e event) {
	st := &r.reqs[e.req]
	t := &st.tries[e.try]
	t.Answered = e.at
	if !e.fill {
		t.Outcome = "unfilled"
		r.sendNext(e.req, e.at)
		return
	}
	li := st.libs[e.try]
	lib := r.w.Libraries[li]
	beh := lib.behaviour(r.w.Requests[e.req].Service, t.Sent)
	at := addBusinessHours(lib.Lender.Schedule, e.at, time.Duration(beh.SupplyDays*(0.5+r.w.u(e.req, li, saltSupply))*8*float64(time.Hour)))
	r.push(event{at: at, kind: evSupply, req: e.req, try: e.try})
}

func (r *run) timeout(e event) {
	st := &r.reqs[e.req]
	st.tries[e.try].Outcome = "timed_out"
	r.sendNext(e.req, e.at)
}

func (r *run) supply(e event) {
	st := &r.reqs[e.req]
	t := &st.tries[e.try]
	t.Filled, t.Outcome = e.at, "filled"
	st.filledAt, st.done = e.at, true
}

// rescore recomputes the lender scores over the tries sent in the score
// window before now (decided ones: stats.LenderScores leaves pending out).
func (r *run) rescore(now time.Time) {
	from := now.AddDate(0, 0, -r.w.Config.ScoreWindowDays)
	byReq := map[int]*stats.Journey{}
	var js []*stats.Journey
	for _, ref := range r.allTries {
		t := r.reqs[ref.req].tries[ref.try]
		if t.Sent.Before(from) || !t.Sent.Before(now) {
			continue
		}
		// A try decided after now is still pending as of now.
		switch {
		case t.Outcome == "filled" && t.Filled.After(now), t.Outcome == "unfilled" && t.Answered.After(now):
			t.Outcome = "pending"
		case t.Outcome == "timed_out" && routing.Deadline(r.w.Libraries[r.reqs[ref.req].libs[ref.try]].Lender.Schedule, t.Sent, r.w.Config.ResponseDays).After(now):
			t.Outcome = "pending"
		}
		if t.Answered.After(now) {
			t.Answered = time.Time{}
		}
		j := byReq[ref.req]
		if j == nil {
			j = &stats.Journey{Request: "", Side: ill.Borrowing, Service: r.w.Requests[ref.req].Service}
			byReq[ref.req] = j
			js = append(js, j)
		}
		j.Tries = append(j.Tries, t)
	}
	flat := make([]stats.Journey, len(js))
	for i, j := range js {
		flat[i] = *j
	}
	r.scores = stats.LenderScores(flat)
}

// addBusinessHours adds d of the library's opening hours to t.
func addBusinessHours(s *calendar.Schedule, t time.Time, d time.Duration) time.Time {
	for range 3660 {
		t = s.NextReopening(t)
		_, closing, ok := s.OpenHours(calendar.DateOf(t.In(s.Location())))
		if !ok {
			return t.Add(d)
		}
		left := closing.Sub(t)
		if d <= left {
			return t.Add(d)
		}
		d -= left
		t = closing
	}
	return t
}
