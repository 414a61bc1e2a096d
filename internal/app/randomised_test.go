package app_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/config"
	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// chaos drives one borrower/lender pair with random staff actions,
// deliveries of in-flight messages in random order (some delivered twice),
// timer firings and restarts, with no job workers: the test is the network.
type chaos struct {
	w     *world
	rng   *rand.Rand
	pairs []*pair
	// expected events per agency: accepted actions + applied messages +
	// applied timers.
	expect     map[ill.AgencyID]int
	delivered  []store.StoredMessage
	log        []string
	duplicates int
	reordered  int
	restarts   int
	service    ill.ServiceType
}

// pair is one borrowing request and, once it arrived, its lending record.
type pair struct {
	borrowed string
	lent     string
}

// newPair creates a borrowing request sent to the lender.
func (c *chaos) newPair() {
	b, err := c.w.app.CreateRequest(c.w.ctx, staff(libA), app.NewRequest{Citation: ill.Citation{Title: fmt.Sprintf("Chaos %d", len(c.pairs))}, ServiceType: c.service,
		Lenders: []app.RotaChoice{{Lender: libB}}, Send: true})
	if err != nil {
		c.w.t.Fatal(err)
	}
	c.expect[libA] += 2 // submitted, sent to lender
	c.pairs = append(c.pairs, &pair{borrowed: b.PublicID})
}

// allDone reports whether the pairs are all closed and no more will come.
func (c *chaos) allDone() bool {
	if len(c.pairs) < 8 {
		return false
	}
	for _, p := range c.pairs {
		if !ill.BorrowingWorkflow.Terminal(c.w.req(libA, p.borrowed).State) {
			return false
		}
	}
	return true
}

func (c *chaos) pairOf(borrowed string) *pair {
	for _, p := range c.pairs {
		if p.borrowed == borrowed {
			return p
		}
	}
	return nil
}

// pending lists outbound messages whose send job has not been done yet.
func (c *chaos) pending() []store.Job {
	var out []store.Job
	err := c.w.app.DB.Read(c.w.ctx, func(tx *store.Tx) error {
		js, err := tx.System().ListJobs(store.JobFilter{AllAgencies: true, Kind: app.KindSend, States: []store.JobState{store.JobReady}})
		out = js
		return err
	})
	if err != nil {
		c.w.t.Fatal(err)
	}
	return out
}

type sendJob struct {
	Agency  ill.AgencyID `json:"agency"`
	Message int64        `json:"message"`
}

// deliver hands one in-flight message to its partner, as the network
// would, and retires its job when the partner accepted it.
func (c *chaos) deliver(j store.Job) {
	var p sendJob
	if err := j.Decode(&p); err != nil {
		c.w.t.Fatal(err)
	}
	var sm store.StoredMessage
	if err := c.w.app.DB.Read(c.w.ctx, func(tx *store.Tx) (err error) { sm, err = tx.Agency().GetMessage(p.Agency, p.Message); return }); err != nil {
		c.w.t.Fatal(err)
	}
	conf, err := c.w.app.Receive(c.w.ctx, sm.Partner, p.Agency, sm.Body, "")
	if err != nil {
		c.w.t.Fatal(err)
	}
	c.log = append(c.log, fmt.Sprintf("deliver %s→%s %s: %s dup=%v", p.Agency, sm.Partner, sm.Summary, conf, conf.Duplicate))
	if !conf.OK {
		return // e.g. an action about a request the lender has not received yet: stays in flight
	}
	if !conf.Duplicate {
		c.expect[sm.Partner]++
	}
	if sm.Body.Kind == ill.MsgRequest {
		if p := c.pairOf(sm.Body.RequesterRequestID); p != nil && p.lent == "" {
			p.lent = conf.Request
		}
	}
	c.delivered = append(c.delivered, sm)
	if err := c.w.app.DB.Transact(c.w.ctx, func(tx *store.Tx) error {
		_, err := tx.System().CancelJobs(store.JobFilter{AllAgencies: true, IDs: []int64{j.ID}})
		return err
	}); err != nil {
		c.w.t.Fatal(err)
	}
}

// versions sums each side's request versions (a timer that applies bumps one).
func (c *chaos) versions() map[ill.AgencyID]int64 {
	out := map[ill.AgencyID]int64{}
	for _, p := range c.pairs {
		out[libA] += c.w.req(libA, p.borrowed).Version
		if p.lent != "" {
			out[libB] += c.w.req(libB, p.lent).Version
		}
	}
	return out
}

func (c *chaos) act(ag ill.AgencyID, id string) {
	actor := staff(ag)
	defs, err := c.w.app.AvailableActions(c.w.ctx, actor, id)
	if err != nil {
		c.w.t.Fatal(err)
	}
	defs = slices.DeleteFunc(defs, func(d ill.ActionDef) bool { return problemActions[d.Name] })
	if len(defs) == 0 {
		return
	}
	def := defs[c.rng.IntN(len(defs))]
	c.w.clock.Advance(time.Duration(1+c.rng.IntN(3600)) * time.Second)
	before := c.countEvents(ag)
	r, err := c.w.app.Perform(c.w.ctx, actor, id, def.Name, sampleParams(def), 0)
	if err != nil {
		c.w.t.Fatalf("%s %s on %s: %v\n%s", ag, def.Name, id, err, c.trail())
	}
	c.log = append(c.log, fmt.Sprintf("%s %s → %s", ag, def.Name, r.State))
	// An action records its event; a problem workflow's automatic step
	// (a StatusRequest sent at once, a request asked again) may add more.
	d := c.countEvents(ag) - before
	if d < 1 {
		c.w.t.Fatalf("%s %s on %s recorded no event\n%s", ag, def.Name, id, c.trail())
	}
	c.expect[ag] += d
}

// problemActions are the problem workflows' own actions (docs/problems.md),
// left out here: they end requests on one side by agreement outside the
// protocol (a claim settled, an item asked for again), which this pairing
// invariant does not model; their own tests drive them between processes.
var problemActions = map[ill.ActionName]bool{}

func init() {
	for _, n := range []string{"answer_damage", "answer_return_claim", "cancel_unconfirmed", "check_in_damaged", "claim_lost_transit",
		"close_returned", "conditions_expire", "damaged_lend_on", "give_up_cancel", "lost_agreed", "need_before_go_on", "receive_damaged",
		"receive_wrong_item", "record_damage_charge", "remind_cancel", "remind_renew", "renew_as_refused", "report_bad_copy", "rerequest",
		"return_not_received", "return_problem_item", "settle_lost"} {
		problemActions[ill.ActionName(n)] = true
	}
}

// problemBookkeeping reports the events problem workflows add beside a
// transition: their own steps, and the note that a message was a copy
// sent again (recorded with that message's own event).
func problemBookkeeping(e ill.Event) bool {
	switch e.Type {
	case "problem_opened", "problem_step", "problem_closed":
		return true
	}
	return e.Type == "copy_resent" && e.Name == "delivery"
}

// countEvents counts an agency's lifecycle events, the problem
// workflows' bookkeeping left out.
func (c *chaos) countEvents(ag ill.AgencyID) int {
	rs, _, err := c.w.app.ListRequests(c.w.ctx, staff(ag), store.RequestFilter{Limit: 10000})
	if err != nil {
		c.w.t.Fatal(err)
	}
	n := 0
	for _, r := range rs {
		evs, _, err := c.w.app.Timeline(c.w.ctx, staff(ag), r.PublicID)
		if err != nil {
			c.w.t.Fatal(err)
		}
		for _, e := range evs {
			if !problemBookkeeping(e) {
				n++
			}
		}
	}
	return n
}

func (c *chaos) fireTimers() {
	c.w.clock.Advance(time.Duration(c.rng.IntN(10*24)) * time.Hour)
	before := c.versions()
	events := map[ill.AgencyID]int{libA: c.countEvents(libA), libB: c.countEvents(libB)}
	if _, err := c.w.app.Jobs.RunDue(c.w.ctx, app.KindTimer); err != nil {
		c.w.t.Fatal(err)
	}
	for ag, v := range c.versions() {
		if d := v - before[ag]; d > 0 {
			// A timer that applies records one event or more (a problem
			// workflow's step at once): each one bumps its request.
			got := c.countEvents(ag) - events[ag]
			if got < int(d) {
				c.w.t.Fatalf("timers applied %d at %s but recorded %d events\n%s", d, ag, got, c.trail())
			}
			c.expect[ag] += got
			c.log = append(c.log, fmt.Sprintf("timers applied %d at %s", d, ag))
		}
	}
}

func (c *chaos) step() {
	open := 0
	for _, p := range c.pairs {
		if !ill.BorrowingWorkflow.Terminal(c.w.req(libA, p.borrowed).State) {
			open++
		}
	}
	if open == 0 && len(c.pairs) < 8 {
		c.newPair()
	}
	p := c.pairs[c.rng.IntN(len(c.pairs))]
	switch k := c.rng.IntN(100); {
	case k < 35:
		c.act(libA, p.borrowed)
	case k < 65 && p.lent != "":
		c.act(libB, p.lent)
	case k < 85:
		js := c.pending()
		if len(js) == 0 {
			return
		}
		i := 0
		if c.rng.IntN(3) == 0 {
			i = c.rng.IntN(len(js)) // out of order
			if i > 0 {
				c.reordered++
			}
		}
		c.deliver(js[i])
	case k < 90 && len(c.delivered) > 0:
		sm := c.delivered[c.rng.IntN(len(c.delivered))]
		conf, err := c.w.app.Receive(c.w.ctx, sm.Partner, sm.Agency, sm.Body, "")
		if err != nil {
			c.w.t.Fatal(err)
		}
		if !conf.Duplicate {
			c.w.t.Fatalf("a second delivery of %s was not recognised as a duplicate: %+v", sm.Summary, conf)
		}
		c.duplicates++
	case k < 98:
		c.fireTimers()
	default:
		c.w.restart()
		c.restarts++
		c.log = append(c.log, "restart")
	}
}

// quiesce delivers everything in flight, in order, until nothing is left.
func (c *chaos) quiesce() {
	for range 200 {
		js := c.pending()
		if len(js) == 0 {
			return
		}
		progress := false
		for _, j := range js {
			before := len(c.delivered)
			c.deliver(j)
			progress = progress || len(c.delivered) > before
		}
		if !progress {
			c.w.t.Fatalf("messages stuck in flight:\n%s", c.trail())
		}
	}
}

func (c *chaos) trail() string {
	n := len(c.log)
	return fmt.Sprint(c.log[max(0, n-40):])
}

func (c *chaos) check(when string) {
	t := c.w.t
	for _, p := range c.pairs {
		b := c.w.req(libA, p.borrowed)
		if p.lent == "" {
			continue
		}
		l := c.w.req(libB, p.lent)
		if b.PartnerStatus != l.PartnerStatus && b.Partner == libB {
			t.Fatalf("%s: %s: borrower (%s) sees lender status %q, lender (%s) reported %q\n%s", when, p.borrowed, b.State, b.PartnerStatus, l.State, l.PartnerStatus, c.trail())
		}
	}
	for _, ag := range []ill.AgencyID{libA, libB} {
		var n int
		n = c.countEvents(ag)
		if n != c.expect[ag] {
			t.Fatalf("%s: %s has %d events, want %d (accepted actions + applied messages + timers)\n%s", when, ag, n, c.expect[ag], c.trail())
		}
	}
}

func TestRandomisedPairKeepsInvariants(t *testing.T) {
	t.Parallel()
	seeds := 12
	if testing.Short() {
		seeds = 4
	}
	for _, e := range storetest.Engines(t) {
		for seed := range seeds {
			if e == store.Postgres && seed >= 4 {
				break
			}
			t.Run(fmt.Sprintf("%s/seed%d", e, seed), func(t *testing.T) {
				t.Parallel()
				cfg := config.Defaults()
				cfg.DataDir = t.TempDir()
				cfg.Workers = 0
				if e == store.Postgres {
					cfg.DB = storetest.NewPostgresDatabase(t)
				}
				w := openWorld(t, cfg, ill.NewFakeClock(t0))
				for _, ag := range []ill.AgencyID{libA, libB} {
					if err := w.app.CreateAgency(w.ctx, ill.SystemActor(), ag, string(ag)); err != nil {
						t.Fatal(err)
					}
				}
				rng := rand.New(rand.NewPCG(uint64(seed), 7))
				service := []ill.ServiceType{ill.Loan, ill.Copy, ill.CopyOrLoan}[seed%3]
				c := &chaos{w: w, rng: rng, service: service, expect: map[ill.AgencyID]int{}}
				c.newPair()
				for i := range 600 {
					if c.allDone() {
						break
					}
					c.step()
					if i%50 == 49 {
						c.quiesce()
						c.check(fmt.Sprintf("step %d", i))
					}
				}
				c.quiesce()
				c.check("end")
				for _, p := range c.pairs {
					if r := w.req(libA, p.borrowed); ill.BorrowingWorkflow.Terminal(r.State) {
						w.noTimers(libA, p.borrowed)
					}
					if p.lent != "" {
						if r := w.req(libB, p.lent); ill.LendingWorkflow.Terminal(r.State) {
							w.noTimers(libB, p.lent)
						}
					}
				}
				if c.restarts == 0 && c.reordered == 0 {
					t.Log("no restart or reordering happened in this seed")
				}
				states := map[ill.State]int{}
				for _, p := range c.pairs {
					states[w.req(libA, p.borrowed).State]++
				}
				t.Logf("%d pairs (ended %v), %d+%d events, %d duplicates, %d reordered, %d restarts", len(c.pairs), states, c.expect[libA], c.expect[libB], c.duplicates, c.reordered, c.restarts)
			})
		}
	}
}
