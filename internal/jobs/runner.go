// Package jobs runs Interlend's durable jobs: outgoing protocol messages,
// timers, mail, NCIP calls. Jobs live in the database (store.Tx.System().
// EnqueueJob, in the same transaction as the change that causes them);
// workers in any number of processes claim them with leases. A job's
// database effects are written in the transaction that completes it, which
// checks the lease (fencing), so they happen exactly once; external effects
// (HTTP, SMTP) happen at least once and carry the job's idempotency key.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// Handler does one job. It may call run.Complete to write its effects in
// the completing transaction; if it returns nil without doing so, the job is
// completed with no further effect. An error means "try again later" unless
// it is Permanent (dead at once) or Hold (parked until released).
type Handler func(ctx context.Context, run *Run) error

// Kind describes one kind of job.
type Kind struct {
	Name        string
	Handler     Handler
	MaxAttempts int           // 0: store.DefaultMaxAttempts
	Timeout     time.Duration // per attempt; 0: 30s
	// Backoff gives the wait before attempt n+1 after n failures; nil uses
	// exponential backoff from 2s, doubling to at most 1h, with ±25% jitter.
	Backoff func(failures int) time.Duration
}

// Options configure a Runner.
type Options struct {
	Node    string        // names this process in leases
	Workers int           // concurrent jobs; 0 disables the runner
	Lease   time.Duration // lease per claim; renewed while the job runs; 0: 30s
	Poll    time.Duration // longest idle wait between checks; 0: 1s
	Clock   ill.Clock
	Logger  *slog.Logger
	Metrics *Metrics
}

// Runner claims and runs jobs.
type Runner struct {
	db    *store.DB
	opt   Options
	kinds map[string]Kind
	wake  chan struct{}
	slots chan struct{}
	wg    sync.WaitGroup
}

// New makes a runner. Register kinds before Run.
func New(db *store.DB, o Options) *Runner {
	if o.Lease <= 0 {
		o.Lease = 30 * time.Second
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.Clock == nil {
		o.Clock = db.Clock()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Node == "" {
		o.Node = "node"
	}
	r := &Runner{db: db, opt: o, kinds: map[string]Kind{}, wake: make(chan struct{}, 1), slots: make(chan struct{}, max(o.Workers, 1))}
	db.OnCommit(r.Kick)
	if fc, ok := o.Clock.(*ill.FakeClock); ok {
		fc.OnChange(func(time.Time) { r.Kick() })
	}
	return r
}

// Register adds a job kind. It panics on a duplicate (a wiring bug).
func (r *Runner) Register(k Kind) {
	if _, dup := r.kinds[k.Name]; dup {
		panic("jobs: kind registered twice: " + k.Name)
	}
	if k.Timeout <= 0 {
		k.Timeout = 30 * time.Second
	}
	r.kinds[k.Name] = k
}

// Kinds lists the registered kind names.
func (r *Runner) Kinds() []string {
	out := make([]string, 0, len(r.kinds))
	for n := range r.kinds {
		out = append(out, n)
	}
	return out
}

// Kick asks the runner to look for work now.
func (r *Runner) Kick() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run claims and runs jobs until ctx ends, then waits for running jobs to
// finish (they get their own context, cancelled after grace).
func (r *Runner) Run(ctx context.Context, grace time.Duration) error {
	if r.opt.Workers <= 0 {
		<-ctx.Done()
		return nil
	}
	jobCtx, cancelJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelJobs()
	listenCtx, stopListen := context.WithCancel(ctx)
	defer stopListen()
	go r.db.ListenJobs(listenCtx, r.Kick)
	stopHandoff := r.startHandoff(jobCtx)

	for ctx.Err() == nil {
		claimed, err := r.claimAndDispatch(ctx, jobCtx)
		if err != nil && ctx.Err() == nil {
			r.opt.Logger.Warn("job claim failed", "err", err)
		}
		if claimed != 0 {
			continue // there may be more (or a worker just became free)
		}
		r.sleep(ctx)
	}
	stopHandoff()
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		cancelJobs()
		<-done
	}
	return nil
}

// sleep waits for a wake-up, the next due timer or the poll interval.
func (r *Runner) sleep(ctx context.Context) {
	wait := r.opt.Poll
	var next time.Time
	_ = r.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		next, err = tx.System().NextJobDue()
		return err
	})
	// A timer due later than now shortens the wait. Jobs already due but not
	// claimed (blocked behind an earlier job of their key, or of a kind this
	// node does not run) must not make us spin: they wait for a wake-up.
	if d := next.Sub(r.opt.Clock.Now()); !next.IsZero() && d > 0 && d < wait {
		wait = d
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-r.wake:
	case <-t.C:
	}
}

// claimAndDispatch claims as many jobs as there are free workers. It
// returns the number claimed, or -1 when it only waited for a busy worker
// to finish (the caller should then claim again at once, not sleep).
func (r *Runner) claimAndDispatch(ctx, jobCtx context.Context) (int, error) {
	free := cap(r.slots) - len(r.slots)
	if free == 0 {
		select {
		case r.slots <- struct{}{}:
			<-r.slots
			return -1, nil
		case <-ctx.Done():
			return 0, nil
		}
	}
	var claimed []store.Job
	err := r.db.Transact(ctx, func(tx *store.Tx) error {
		var err error
		claimed, err = tx.System().ClaimJobs(r.opt.Node, free, r.opt.Lease, r.Kinds())
		return err
	})
	if err != nil {
		return 0, err
	}
	for _, j := range claimed {
		r.slots <- struct{}{}
		r.wg.Add(1)
		go func() {
			defer func() { <-r.slots; r.wg.Done() }()
			r.execute(jobCtx, j)
		}()
	}
	return len(claimed), nil
}

// Run is one attempt at a job, handed to its handler.
type Run struct {
	Job      store.Job
	r        *Runner
	finished bool
	mu       sync.Mutex
}

// IdempotencyKey is the key an external receiver should deduplicate on.
func (run *Run) IdempotencyKey() string { return run.Job.IdempotencyKey }

// Complete writes fn's effects and marks the job done in one transaction,
// if this attempt still holds the lease; otherwise nothing is written and
// store.ErrLeaseLost is returned.
func (run *Run) Complete(ctx context.Context, fn func(tx *store.Tx) error) error {
	run.mu.Lock()
	defer run.mu.Unlock()
	if run.finished {
		return errors.New("jobs: job already finished")
	}
	err := run.r.db.Transact(ctx, func(tx *store.Tx) error {
		if fn != nil {
			if err := fn(tx); err != nil {
				return err
			}
		}
		return tx.System().CompleteJob(run.Job)
	})
	if err == nil {
		run.finished = true
	}
	return err
}

// permanent marks an error that retrying cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent wraps err so that the job goes straight to dead.
func Permanent(err error) error { return permanent{err} }

// holdError parks the job.
type holdError struct{ reason string }

func (h holdError) Error() string { return "held: " + h.reason }

// Hold returns an error that parks the job until someone releases it.
func Hold(reason string) error { return holdError{reason} }

// retryAt marks an error with an explicit time for the next attempt.
type retryAt struct {
	err error
	at  time.Time
}

func (e retryAt) Error() string { return e.err.Error() }
func (e retryAt) Unwrap() error { return e.err }

// RetryAt wraps err so that the next attempt is at t (not the backoff).
func RetryAt(err error, t time.Time) error { return retryAt{err, t} }

func (r *Runner) execute(ctx context.Context, j store.Job) {
	start := r.opt.Clock.Now()
	kind, ok := r.kinds[j.Kind]
	if !ok {
		r.fail(ctx, j, fmt.Errorf("no handler for job kind %q on node %s", j.Kind, r.opt.Node), time.Time{}, false)
		return
	}
	if kind.MaxAttempts > 0 {
		j.MaxAttempts = kind.MaxAttempts // the kind's limit wins over the stored default
	}
	actx, cancel := context.WithTimeout(ctx, kind.Timeout)
	defer cancel()
	run := &Run{Job: j, r: r}
	stopBeat := r.heartbeat(actx, run)
	err := callHandler(actx, kind.Handler, run)
	stopBeat()
	r.opt.Metrics.observe(j.Kind, err, r.opt.Clock.Now().Sub(start))
	if err == nil {
		run.mu.Lock()
		finished := run.finished
		run.mu.Unlock()
		if finished {
			return
		}
		err = run.Complete(ctx, nil)
		if err == nil {
			return
		}
	}
	if errors.Is(err, store.ErrLeaseLost) {
		r.opt.Logger.Warn("job lease lost; another worker has it", "job", j.ID, "kind", j.Kind)
		return
	}
	var h holdError
	if errors.As(err, &h) {
		if herr := r.db.Transact(ctx, func(tx *store.Tx) error { return tx.System().HoldJob(j, h.reason) }); herr != nil {
			r.opt.Logger.Warn("could not hold job", "job", j.ID, "err", herr)
		}
		return
	}
	var p permanent
	var at retryAt
	next := time.Time{}
	if errors.As(err, &at) {
		next = at.at
	}
	r.fail(ctx, j, err, next, errors.As(err, &p))
}

func (r *Runner) fail(ctx context.Context, j store.Job, err error, next time.Time, dead bool) {
	if next.IsZero() {
		backoff := DefaultBackoff
		if k, ok := r.kinds[j.Kind]; ok && k.Backoff != nil {
			backoff = k.Backoff
		}
		next = r.opt.Clock.Now().Add(backoff(j.Attempts))
	}
	level := slog.LevelWarn
	if dead || j.Attempts >= j.MaxAttempts {
		level = slog.LevelError
	}
	r.opt.Logger.Log(ctx, level, "job attempt failed", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "dead", dead || j.Attempts >= j.MaxAttempts, "err", err)
	if ferr := r.db.Transact(ctx, func(tx *store.Tx) error { return tx.System().FailJob(j, err.Error(), next, dead) }); ferr != nil && !errors.Is(ferr, store.ErrLeaseLost) {
		r.opt.Logger.Error("could not record job failure", "job", j.ID, "err", ferr)
	}
}

// heartbeat renews the lease while the handler runs.
func (r *Runner) heartbeat(ctx context.Context, run *Run) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(r.opt.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				err := r.db.Transact(ctx, func(tx *store.Tx) error {
					return tx.System().ExtendLease(run.Job, r.opt.Clock.Now().Add(r.opt.Lease))
				})
				if errors.Is(err, store.ErrLeaseLost) {
					return
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}

func callHandler(ctx context.Context, h Handler, run *Run) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job handler panicked: %v", p)
		}
	}()
	return h(ctx, run)
}

// DefaultBackoff waits 2s, 4s, 8s ... up to 1h, with ±25% jitter.
func DefaultBackoff(failures int) time.Duration {
	d := 2 * time.Second
	for i := 1; i < failures && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	jitter := time.Duration((rand.Float64() - 0.5) * 0.5 * float64(d))
	return d + jitter
}

// RunDue claims and runs, one at a time in this goroutine, every job of the
// given kinds that is due now, until none is left; it returns how many ran.
// Tests and one-off commands use it instead of the worker loop.
func (r *Runner) RunDue(ctx context.Context, kinds ...string) (int, error) {
	if len(kinds) == 0 {
		kinds = r.Kinds()
	}
	n := 0
	for {
		var claimed []store.Job
		err := r.db.Transact(ctx, func(tx *store.Tx) error {
			var err error
			claimed, err = tx.System().ClaimJobs(r.opt.Node, 1, r.opt.Lease, kinds)
			return err
		})
		if err != nil || len(claimed) == 0 {
			return n, err
		}
		r.execute(ctx, claimed[0])
		n++
	}
}
