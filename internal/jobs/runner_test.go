package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/jobs"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// startRunner runs a runner until the test ends.
func startRunner(t *testing.T, db *store.DB, o jobs.Options, kinds ...jobs.Kind) *jobs.Runner {
	t.Helper()
	if o.Workers == 0 {
		o.Workers = 4
	}
	if o.Poll == 0 {
		o.Poll = 20 * time.Millisecond
	}
	r := jobs.New(db, o)
	for _, k := range kinds {
		r.Register(k)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx, time.Second); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return r
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func enqueue(t *testing.T, db *store.DB, jobs ...store.NewJob) []int64 {
	t.Helper()
	var ids []int64
	err := db.Transact(context.Background(), func(tx *store.Tx) error {
		for _, j := range jobs {
			id, err := tx.System().EnqueueJob(j)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func countStates(t *testing.T, db *store.DB, st store.JobState) int {
	t.Helper()
	var n int
	err := db.Read(context.Background(), func(tx *store.Tx) error {
		js, err := tx.System().ListJobs(store.JobFilter{AllAgencies: true, States: []store.JobState{st}})
		n = len(js)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// effect records a job's database effect in the audit log (target = job id).
func effect(tx *store.Tx, j store.Job) error {
	return tx.System().SystemAudit(store.AuditRecord{Action: "test.effect", Target: fmt.Sprint(j.ID)})
}

func effects(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	err := db.Read(context.Background(), func(tx *store.Tx) error {
		recs, err := tx.Agency().AuditLog("", "", 1000)
		for _, r := range recs {
			if r.Action == "test.effect" {
				out[r.Target]++
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestJobsCompleteWithEffectsOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		startRunner(t, db, jobs.Options{Node: "n1", Workers: 8}, jobs.Kind{Name: "t.effect", Handler: func(ctx context.Context, run *jobs.Run) error {
			return run.Complete(ctx, func(tx *store.Tx) error { return effect(tx, run.Job) })
		}})
		var batch []store.NewJob
		for range 300 {
			batch = append(batch, store.NewJob{Kind: "t.effect"})
		}
		ids := enqueue(t, db, batch...)
		waitFor(t, "all jobs done", func() bool { return countStates(t, db, store.JobDone) == len(ids) })
		got := effects(t, db)
		if len(got) != len(ids) {
			t.Errorf("%d jobs had effects, want %d", len(got), len(ids))
		}
		for id, n := range got {
			if n != 1 {
				t.Errorf("job %s: effect written %d times", id, n)
			}
		}
	})
}

func TestIdempotencyKeyDeduplicatesEnqueue(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		a := enqueue(t, db, store.NewJob{Kind: "t.x", IdempotencyKey: "same"})
		b := enqueue(t, db, store.NewJob{Kind: "t.x", IdempotencyKey: "same"})
		if a[0] != b[0] {
			t.Errorf("second enqueue made job %d, want the first, %d", b[0], a[0])
		}
		if n := countStates(t, db, store.JobReady); n != 1 {
			t.Errorf("%d ready jobs, want 1", n)
		}
	})
}

func TestPerKeyOrdering(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		var mu sync.Mutex
		order := map[string][]int{}
		running := map[string]bool{}
		var overlap atomic.Int32
		type payload struct {
			Key string
			Seq int
		}
		startRunner(t, db, jobs.Options{Node: "n1", Workers: 8}, jobs.Kind{Name: "t.ordered", Handler: func(ctx context.Context, run *jobs.Run) error {
			var p payload
			if err := run.Job.Decode(&p); err != nil {
				return jobs.Permanent(err)
			}
			mu.Lock()
			if running[p.Key] {
				overlap.Add(1)
			}
			running[p.Key] = true
			mu.Unlock()
			time.Sleep(time.Millisecond) // widen the window in which a second job of the key could start
			mu.Lock()
			running[p.Key] = false
			order[p.Key] = append(order[p.Key], p.Seq)
			mu.Unlock()
			return nil
		}})
		var batch []store.NewJob
		for seq := range 20 {
			for _, k := range []string{"a", "b", "c"} {
				batch = append(batch, store.NewJob{Kind: "t.ordered", OrderingKey: k, Payload: payload{k, seq}})
			}
		}
		enqueue(t, db, batch...)
		waitFor(t, "all done", func() bool { return countStates(t, db, store.JobDone) == len(batch) })
		if overlap.Load() > 0 {
			t.Errorf("%d times two jobs of one key ran at once", overlap.Load())
		}
		for k, seqs := range order {
			for i, s := range seqs {
				if s != i {
					t.Fatalf("key %s ran in order %v, want 0..19", k, seqs)
				}
			}
		}
	})
}

func TestRetryBackoffDeadLetterAndRedrive(t *testing.T) {
	t.Parallel()
	storetest.EachClocked(t, t0, func(t *testing.T, db *store.DB, clock *ill.FakeClock) {
		var calls atomic.Int32
		fail := atomic.Bool{}
		fail.Store(true)
		startRunner(t, db, jobs.Options{Node: "n1", Clock: clock}, jobs.Kind{Name: "t.flaky", MaxAttempts: 3,
			Backoff: func(n int) time.Duration { return time.Duration(n) * time.Minute },
			Handler: func(ctx context.Context, run *jobs.Run) error {
				calls.Add(1)
				if fail.Load() {
					return errors.New("partner down")
				}
				return nil
			}})
		ids := enqueue(t, db, store.NewJob{Kind: "t.flaky", OrderingKey: "req-1"}, store.NewJob{Kind: "t.flaky", OrderingKey: "req-1"})
		waitFor(t, "first attempt", func() bool { return calls.Load() == 1 })
		// The second job of the key must wait behind the first.
		waitFor(t, "retry scheduled", func() bool { return countStates(t, db, store.JobReady) == 2 })
		if calls.Load() != 1 {
			t.Fatalf("%d calls before the backoff passed, want 1", calls.Load())
		}
		clock.Advance(time.Minute + time.Second)
		waitFor(t, "second attempt", func() bool { return calls.Load() == 2 })
		waitFor(t, "second retry scheduled", func() bool { return countStates(t, db, store.JobReady) == 2 })
		clock.Advance(2*time.Minute + time.Second)
		waitFor(t, "dead letter", func() bool {
			if countStates(t, db, store.JobDead) == 1 {
				return true
			}
			mustRead(t, db, func(tx *store.Tx) error {
				js, _ := tx.System().ListJobs(store.JobFilter{AllAgencies: true})
				for _, j := range js {
					t.Logf("%d %s att=%d run=%v now=%v calls=%d", j.ID, j.State, j.Attempts, j.RunAt, clock.Now(), calls.Load())
				}
				return nil
			})
			return false
		})
		clock.Advance(time.Hour)
		time.Sleep(50 * time.Millisecond) // give a wrongly unblocked second job a chance to run (checked below)
		if calls.Load() != 3 {
			t.Fatalf("%d calls, want 3 (the dead job must block its key)", calls.Load())
		}
		var attempts []store.JobAttempt
		mustRead(t, db, func(tx *store.Tx) (err error) { attempts, err = tx.System().JobAttempts(ids[0]); return })
		if len(attempts) != 3 || attempts[2].Outcome != "dead" || attempts[0].Error != "partner down" {
			t.Errorf("attempts %+v, want 3 recorded with the last dead", attempts)
		}
		fail.Store(false)
		mustWrite(t, db, func(tx *store.Tx) error {
			n, err := tx.System().RedriveJobs(store.JobFilter{AllAgencies: true, OrderingKey: "req-1"})
			if n != 1 {
				t.Errorf("re-drove %d jobs, want 1", n)
			}
			return err
		})
		waitFor(t, "both done after re-drive", func() bool { return countStates(t, db, store.JobDone) == 2 })
	})
}

func TestTimerRunsWhenDue(t *testing.T) {
	t.Parallel()
	storetest.EachClocked(t, t0, func(t *testing.T, db *store.DB, clock *ill.FakeClock) {
		var ran atomic.Int32
		startRunner(t, db, jobs.Options{Node: "n1", Clock: clock}, jobs.Kind{Name: "t.timer", Handler: func(ctx context.Context, run *jobs.Run) error {
			ran.Add(1)
			return nil
		}})
		enqueue(t, db, store.NewJob{Kind: "t.timer", RunAt: t0.Add(3 * 24 * time.Hour)})
		clock.Advance(3*24*time.Hour - time.Second)
		time.Sleep(50 * time.Millisecond) // an early run would show here
		if ran.Load() != 0 {
			t.Fatal("timer ran before it was due")
		}
		clock.Advance(time.Second)
		waitFor(t, "timer", func() bool { return ran.Load() == 1 })
	})
}

func TestHoldAndRelease(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		var endpoint atomic.Bool
		var sent atomic.Int32
		startRunner(t, db, jobs.Options{Node: "n1"}, jobs.Kind{Name: "t.send", Handler: func(ctx context.Context, run *jobs.Run) error {
			if !endpoint.Load() {
				return jobs.Hold("partner has no endpoint")
			}
			sent.Add(1)
			return nil
		}})
		ids := enqueue(t, db, store.NewJob{Kind: "t.send", OrderingKey: "p"}, store.NewJob{Kind: "t.send", OrderingKey: "p"})
		waitFor(t, "held", func() bool { return countStates(t, db, store.JobHeld) == 1 })
		var j store.Job
		mustRead(t, db, func(tx *store.Tx) (err error) { j, err = tx.System().GetJob(ids[0]); return })
		if j.HoldReason != "partner has no endpoint" || j.Attempts != 0 {
			t.Errorf("held job %+v: want the reason and no attempt counted", j)
		}
		endpoint.Store(true)
		mustWrite(t, db, func(tx *store.Tx) error {
			_, err := tx.System().RedriveJobs(store.JobFilter{AllAgencies: true, States: []store.JobState{store.JobHeld}})
			return err
		})
		waitFor(t, "sent after release", func() bool { return sent.Load() == 2 })
	})
}

// TestFencing: a worker that lost its lease (paused past it) cannot
// complete, and its effects are not written.
func TestFencing(t *testing.T) {
	t.Parallel()
	storetest.EachClocked(t, t0, func(t *testing.T, db *store.DB, clock *ill.FakeClock) {
		ctx := context.Background()
		ids := enqueue(t, db, store.NewJob{Kind: "t.slow"})
		claim := func(node string) store.Job {
			var got []store.Job
			mustWrite(t, db, func(tx *store.Tx) (err error) {
				got, err = tx.System().ClaimJobs(node, 1, 30*time.Second, nil)
				return
			})
			if len(got) != 1 || got[0].ID != ids[0] {
				t.Fatalf("%s claimed %+v, want job %d", node, got, ids[0])
			}
			return got[0]
		}
		a := claim("paused")
		clock.Advance(31 * time.Second) // a's lease runs out while it is paused
		b := claim("healthy")
		if b.Attempts != 2 {
			t.Errorf("reclaimed job attempts = %d, want 2", b.Attempts)
		}
		err := db.Transact(ctx, func(tx *store.Tx) error {
			if err := effect(tx, a); err != nil {
				return err
			}
			return tx.System().CompleteJob(a)
		})
		if !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("paused worker completing: got %v, want ErrLeaseLost", err)
		}
		mustWrite(t, db, func(tx *store.Tx) error {
			if err := effect(tx, b); err != nil {
				return err
			}
			return tx.System().CompleteJob(b)
		})
		if got := effects(t, db); got[fmt.Sprint(ids[0])] != 1 {
			t.Errorf("effects %v, want exactly one for job %d", got, ids[0])
		}
	})
}

func mustWrite(t *testing.T, db *store.DB, fn func(*store.Tx) error) {
	t.Helper()
	if err := db.Transact(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func mustRead(t *testing.T, db *store.DB, fn func(*store.Tx) error) {
	t.Helper()
	if err := db.Read(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}
