package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"interlend/internal/jobs"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// Jobs due now go straight from the enqueuing transaction to a free
// worker, and the next job of an ordering key straight from the
// transaction that completes the one before: with a poll interval of an
// hour, nothing else would run them within the test's deadline.
func TestHandoffRunsJobsWithoutPolling(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		var mu sync.Mutex
		var ran []string
		startRunner(t, db, jobs.Options{Node: "n1", Workers: 2, Poll: time.Hour}, jobs.Kind{Name: "t.hand", Handler: func(ctx context.Context, run *jobs.Run) error {
			mu.Lock()
			ran = append(ran, run.Job.IdempotencyKey)
			mu.Unlock()
			return run.Complete(ctx, func(tx *store.Tx) error { return effect(tx, run.Job) })
		}})
		batch := []store.NewJob{{Kind: "t.hand", IdempotencyKey: "free"}}
		for _, k := range []string{"k1", "k2", "k3", "k4", "k5"} {
			batch = append(batch, store.NewJob{Kind: "t.hand", OrderingKey: "key", IdempotencyKey: k})
		}
		ids := enqueue(t, db, batch...)
		waitFor(t, "every job done", func() bool { return countStates(t, db, store.JobDone) == len(ids) })
		var keyed []string
		mu.Lock()
		for _, k := range ran {
			if k != "free" {
				keyed = append(keyed, k)
			}
		}
		mu.Unlock()
		if want := []string{"k1", "k2", "k3", "k4", "k5"}; len(keyed) != len(want) {
			t.Fatalf("ran %v, want %v", keyed, want)
		} else {
			for i := range want {
				if keyed[i] != want[i] {
					t.Fatalf("ran %v, want %v in order", keyed, want)
				}
			}
		}
		mustRead(t, db, func(tx *store.Tx) error {
			js, err := tx.System().ListJobs(store.JobFilter{AllAgencies: true, Kind: "t.hand"})
			for _, j := range js {
				if j.Attempts != 1 || j.LockedBy != "n1" {
					t.Errorf("job %s: %d attempts by %q, want 1 by n1", j.IdempotencyKey, j.Attempts, j.LockedBy)
				}
			}
			return err
		})
		for id, n := range effects(t, db) {
			if n != 1 {
				t.Errorf("job %s: effect written %d times", id, n)
			}
		}
	})
}

// A stopped runner takes nothing: jobs enqueued after it stopped wait,
// ready, for a worker to claim them.
func TestHandoffEndsWithRunner(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		r := jobs.New(db, jobs.Options{Node: "n1", Workers: 2, Poll: time.Hour})
		r.Register(jobs.Kind{Name: "t.late", Handler: func(context.Context, *jobs.Run) error { return nil }})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { r.Run(ctx, time.Second); close(done) }()
		// Running: a job is taken and done.
		enqueue(t, db, store.NewJob{Kind: "t.late"})
		waitFor(t, "the first job done", func() bool { return countStates(t, db, store.JobDone) == 1 })
		cancel()
		<-done
		enqueue(t, db, store.NewJob{Kind: "t.late"})
		if n := countStates(t, db, store.JobReady); n != 1 {
			t.Errorf("%d ready jobs after the runner stopped, want 1", n)
		}
		if n, err := r.RunDue(context.Background()); err != nil || n != 1 {
			t.Errorf("RunDue ran %d (%v), want 1", n, err)
		}
	})
}

// A job the transaction that enqueued it also cancels is cancelled, not
// handed to the worker it was leased to.
func TestHandoffCancelledInTheSameTransaction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		var ran sync.Map
		startRunner(t, db, jobs.Options{Node: "n1", Workers: 2, Poll: time.Hour}, jobs.Kind{Name: "t.cancel", Handler: func(ctx context.Context, run *jobs.Run) error {
			ran.Store(run.Job.Ref, true)
			return nil
		}})
		mustWrite(t, db, func(tx *store.Tx) error {
			for _, ref := range []string{"gone", "kept"} {
				if _, err := tx.System().EnqueueJob(store.NewJob{Kind: "t.cancel", Ref: ref}); err != nil {
					return err
				}
			}
			n, err := tx.System().CancelJobs(store.JobFilter{AllAgencies: true, Ref: "gone"})
			if err == nil && n != 1 {
				t.Errorf("cancelled %d jobs, want 1", n)
			}
			return err
		})
		waitFor(t, "the kept job done", func() bool { return countStates(t, db, store.JobDone) == 1 })
		if n := countStates(t, db, store.JobCancelled); n != 1 {
			t.Errorf("%d cancelled jobs, want 1", n)
		}
		if _, ok := ran.Load("gone"); ok {
			t.Error("the cancelled job ran")
		}
	})
}
