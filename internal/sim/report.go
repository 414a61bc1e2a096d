package sim

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
	"text/tabwriter"
	"time"
)

// Result is one strategy's outcome on one seed.
type Result struct {
	Strategy Strategy `json:"strategy"`
	Seed     uint64   `json:"seed"`
	Requests int      `json:"requests"`
	Filled   int      `json:"filled"`
	FillRate float64  `json:"fillRate"`
	// Turnaround of filled requests, submitted to shipped or delivered,
	// in days.
	Median float64 `json:"median"`
	P90    float64 `json:"p90"`
	Sent   int     `json:"sent"` // requests sent to lenders (all tries)
	// Busiest is the lender that was sent the most; Share its share of
	// everything sent, Fair its fair share, Ratio Share / Fair.
	Busiest string  `json:"busiest"`
	Share   float64 `json:"share"`
	Fair    float64 `json:"fair"`
	Ratio   float64 `json:"ratio"`
	// DegradedBefore and DegradedShare are the degraded lender's shares of
	// the requests sent first to it, of those submitted before and after it
	// degraded (DegradedFair its fair share of everything sent).
	DegradedBefore float64 `json:"degradedBefore"`
	DegradedShare  float64 `json:"degradedShare"`
	DegradedFair   float64 `json:"degradedFair"`
}

// Report is a whole run: every seed, both strategies.
type Report struct {
	Config  string        `json:"config"`
	World   string        `json:"world"`
	Results []Result      `json:"results"`
	Took    time.Duration `json:"took"`
}

// Options adjust a run.
type Options struct {
	Seeds    []uint64 // override the configuration's
	Requests int      // override the configuration's (0: keep)
	Parallel int      // seeds run at once (0: 2)
}

// Run simulates every seed with both strategies.
func Run(ctx context.Context, c Config, o Options) (*Report, error) {
	if len(o.Seeds) > 0 {
		c.Seeds = o.Seeds
	}
	if o.Requests > 0 {
		c.Requests = o.Requests
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	par := o.Parallel
	if par <= 0 {
		par = 2
	}
	start := time.Now()
	rep := &Report{Config: c.Name}
	results := make([][]Result, len(c.Seeds))
	errs := make([]error, len(c.Seeds))
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	var once sync.Once
	for i, seed := range c.Seeds {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				errs[i] = ctx.Err()
				return
			}
			w, err := NewWorld(c, seed)
			if err != nil {
				errs[i] = err
				return
			}
			once.Do(func() {
				rep.World = fmt.Sprintf("%d libraries (seed %d: %s), %d titles, %d requests over %d days", len(w.Libraries), seed, w.describe(), len(w.Titles), len(w.Requests), c.Days)
			})
			for _, s := range []Strategy{Scored, Baseline} {
				results[i] = append(results[i], Simulate(w, s))
			}
		})
	}
	wg.Wait()
	for i := range results {
		if errs[i] != nil {
			return nil, errs[i]
		}
		rep.Results = append(rep.Results, results[i]...)
	}
	rep.Took = time.Since(start)
	return rep, nil
}

// Simulate runs one strategy on a world.
func Simulate(w *World, s Strategy) Result {
	r := newRun(w, s)
	r.simulate()
	res := Result{Strategy: s, Seed: w.Seed, Requests: len(w.Requests)}
	var turns []float64
	for i, st := range r.reqs {
		if !st.filledAt.IsZero() {
			res.Filled++
			turns = append(turns, st.filledAt.Sub(w.Requests[i].At).Hours()/24)
		}
	}
	res.FillRate = float64(res.Filled) / float64(max(res.Requests, 1))
	slices.Sort(turns)
	res.Median, res.P90 = quantile(turns, 0.5), quantile(turns, 0.9)
	fair := w.fairShares()
	busiest := 0
	for i, n := range r.sent {
		res.Sent += n
		if n > r.sent[busiest] {
			busiest = i
		}
	}
	if res.Sent > 0 {
		res.Busiest = string(w.Libraries[busiest].Lender.Entry.ID)
		res.Share = float64(r.sent[busiest]) / float64(res.Sent)
		res.Fair = fair[busiest]
		if res.Fair > 0 {
			res.Ratio = res.Share / res.Fair
		}
	}
	if w.Degraded >= 0 {
		var n, to [2]int // before, after
		at := w.Libraries[w.Degraded].DegradeAt
		for i, st := range r.reqs {
			if len(st.libs) == 0 {
				continue
			}
			k := 0
			if !w.Requests[i].At.Before(at) {
				k = 1
			}
			n[k]++
			if st.libs[0] == w.Degraded {
				to[k]++
			}
		}
		if n[0] > 0 {
			res.DegradedBefore = float64(to[0]) / float64(n[0])
		}
		if n[1] > 0 {
			res.DegradedShare = float64(to[1]) / float64(n[1])
		}
		res.DegradedFair = fair[w.Degraded]
	}
	return res
}

// fairShares is each library's fair share of the requests sent: the
// share it would get if every request went to one of its eligible
// holders chosen at random.
func (w *World) fairShares() []float64 {
	out := make([]float64, len(w.Libraries))
	n := 0
	for i := range w.Requests {
		el := w.eligible(&w.Requests[i])
		if len(el) == 0 {
			continue
		}
		n++
		for _, l := range el {
			out[l] += 1 / float64(len(el))
		}
	}
	for i := range out {
		out[i] /= float64(max(n, 1))
	}
	return out
}

// quantile by nearest rank on sorted data (the median of an even count is
// the mean of the middle two).
func quantile(s []float64, p float64) float64 {
	n := len(s)
	if n == 0 {
		return math.NaN()
	}
	if p == 0.5 {
		if n%2 == 1 {
			return s[n/2]
		}
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[max(int(math.Ceil(p*float64(n)))-1, 0)]
}

// Of returns the results of one strategy, in seed order.
func (r *Report) Of(s Strategy) []Result {
	var out []Result
	for _, x := range r.Results {
		if x.Strategy == s {
			out = append(out, x)
		}
	}
	return out
}

// Spread summarises a figure over seeds.
type Spread struct {
	Mean, SD, Min, Max float64
}

// SpreadOf summarises f over results.
func SpreadOf(rs []Result, f func(Result) float64) Spread {
	if len(rs) == 0 {
		return Spread{}
	}
	s := Spread{Min: math.Inf(1), Max: math.Inf(-1)}
	for _, r := range rs {
		v := f(r)
		s.Mean += v
		s.Min, s.Max = min(s.Min, v), max(s.Max, v)
	}
	s.Mean /= float64(len(rs))
	for _, r := range rs {
		d := f(r) - s.Mean
		s.SD += d * d
	}
	if len(rs) > 1 {
		s.SD = math.Sqrt(s.SD / float64(len(rs)-1))
	}
	return s
}

// Wins counts the seeds on which routing beat the baseline on fill rate
// and on median turnaround, and those on which the busiest lender stayed
// within twice its fair share under routing.
func (r *Report) Wins() (fill, median, balanced, seeds int) {
	sc, bl := r.Of(Scored), r.Of(Baseline)
	for i := range sc {
		if sc[i].FillRate > bl[i].FillRate {
			fill++
		}
		if sc[i].Median < bl[i].Median {
			median++
		}
		if sc[i].Ratio <= 2 {
			balanced++
		}
	}
	return fill, median, balanced, len(sc)
}

// Write prints the report: a line per seed and strategy, then the spread.
func (r *Report) Write(out io.Writer) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(out, "world: %s (%s)\n\n", r.World, r.Config)
	fmt.Fprintln(w, "seed\tstrategy\tfill rate\tmedian days\tp90 days\tsent\tbusiest lender\tshare\tfair share\tratio\tdegrading lender first before → after\t")
	for _, x := range r.Results {
		fmt.Fprintf(w, "%d\t%s\t%.1f%%\t%.2f\t%.2f\t%d\t%s\t%.1f%%\t%.1f%%\t%.2f\t%.1f%% → %.1f%% (fair %.1f%%)\t\n",
			x.Seed, x.Strategy, 100*x.FillRate, x.Median, x.P90, x.Sent, x.Busiest, 100*x.Share, 100*x.Fair, x.Ratio, 100*x.DegradedBefore, 100*x.DegradedShare, 100*x.DegradedFair)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(out)
	w = tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "over seeds\tstrategy\tfill rate\tmedian days\tp90 days\tbusiest/fair\t")
	for _, s := range []Strategy{Scored, Baseline} {
		rs := r.Of(s)
		f := SpreadOf(rs, func(x Result) float64 { return 100 * x.FillRate })
		m := SpreadOf(rs, func(x Result) float64 { return x.Median })
		p := SpreadOf(rs, func(x Result) float64 { return x.P90 })
		b := SpreadOf(rs, func(x Result) float64 { return x.Ratio })
		fmt.Fprintf(w, "mean ± sd [min–max]\t%s\t%.1f%% ± %.1f [%.1f–%.1f]\t%.2f ± %.2f [%.2f–%.2f]\t%.2f ± %.2f [%.2f–%.2f]\t%.2f ± %.2f [%.2f–%.2f]\t\n",
			s, f.Mean, f.SD, f.Min, f.Max, m.Mean, m.SD, m.Min, m.Max, p.Mean, p.SD, p.Min, p.Max, b.Mean, b.SD, b.Min, b.Max)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fill, med, bal, n := r.Wins()
	_, err := fmt.Fprintf(out, "\nrouting beats the baseline on fill rate in %d of %d seeds, on median turnaround in %d of %d; busiest lender within twice its fair share in %d of %d. (%s)\n",
		fill, n, med, n, bal, n, r.Took.Round(time.Millisecond))
	return err
}
