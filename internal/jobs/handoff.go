package jobs

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"interlend/internal/store"
)

// handoff takes jobs due now straight from the transactions that enqueue
// them (store.JobHandoff): the job is leased to this node in that
// transaction and runs once it commits, without a claim transaction or a
// wait for the worker loop. Only while Run runs, and only while a worker
// is free; otherwise jobs are queued and claimed as usual.
type handoff struct {
	r       *Runner
	jobCtx  context.Context
	stop    chan struct{}
	mu      sync.Mutex
	stopped bool
	waiting atomic.Int32 // taken, not yet holding a worker slot
}

func (h *handoff) Lease() time.Duration { return h.r.opt.Lease }
func (h *handoff) Node() string         { return h.r.opt.Node }

func (h *handoff) Accepts(kind string) bool {
	if _, ok := h.r.kinds[kind]; !ok {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return !h.stopped && len(h.r.slots)+int(h.waiting.Load()) < cap(h.r.slots)
}

// Take runs a job leased to this node by a committed transaction. It must
// not block: it is called on the committing caller's goroutine.
func (h *handoff) Take(j store.Job) {
	h.mu.Lock()
	if h.stopped {
		h.mu.Unlock()
		h.release(j)
		return
	}
	h.r.wg.Add(1)
	h.waiting.Add(1)
	h.mu.Unlock()
	go func() {
		defer h.r.wg.Done()
		select {
		case h.r.slots <- struct{}{}:
			h.waiting.Add(-1)
		case <-h.stop:
			h.waiting.Add(-1)
			h.release(j)
			return
		}
		defer func() { <-h.r.slots }()
		h.r.execute(h.jobCtx, j)
	}()
}

// release gives back a job taken while the runner stops (best effort: if
// it fails, the lease expires and the job is claimed again).
func (h *handoff) release(j store.Job) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = h.r.db.Transact(ctx, func(tx *store.Tx) error { return tx.System().ReleaseJob(j) })
}

// startHandoff installs the handoff for the duration of Run; the returned
// function removes it (jobs already taken still run, or are released).
func (r *Runner) startHandoff(jobCtx context.Context) (stop func()) {
	h := &handoff{r: r, jobCtx: jobCtx, stop: make(chan struct{})}
	r.db.SetJobHandoff(h)
	return func() {
		r.db.ClearJobHandoff(h)
		h.mu.Lock()
		h.stopped = true
		h.mu.Unlock()
		close(h.stop)
	}
}
