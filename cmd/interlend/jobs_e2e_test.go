package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
	"interlend/internal/testenv"
)

// receiver is an external HTTP endpoint that counts deliveries by
// idempotency key. gate, when set, holds the first request until closed.
type receiver struct {
	mu         sync.Mutex
	deliveries int
	keys       map[string]int
	gate       chan struct{}
	entered    chan struct{}
	gated      bool
}

func newReceiver(t *testing.T) (*receiver, string) {
	r := &receiver{keys: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		hold := r.gate != nil && !r.gated
		if hold {
			r.gated = true
		}
		gate, entered := r.gate, r.entered
		r.mu.Unlock()
		if hold {
			close(entered)
			select {
			case <-gate:
			case <-req.Context().Done():
				return
			}
		}
		r.mu.Lock()
		r.deliveries++
		r.keys[req.Header.Get("Idempotency-Key")]++
		r.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return r, srv.URL
}

func (r *receiver) counts() (deliveries, keys int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.deliveries, len(r.keys)
}

// enqueueDiag opens the database directly and enqueues n diagnostic jobs.
func enqueueDiag(t *testing.T, opts store.Options, n int, url string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	kind := app.KindDiagNoop
	if url != "" {
		kind = app.KindDiagPost
	}
	err = db.Transact(ctx, func(tx *store.Tx) error {
		for range n {
			if _, err := tx.System().EnqueueJob(store.NewJob{Kind: kind, Payload: app.DiagPayload{URL: url}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// jobSummary reads job states and effect counts.
func jobSummary(t *testing.T, opts store.Options) (done int, effects map[int64]int, jobs []store.Job) {
	t.Helper()
	ctx := context.Background()
	opts.ReadOnly = opts.DSN == ""
	db, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if jobs, err = tx.System().ListJobs(store.JobFilter{AllAgencies: true}); err != nil {
			return err
		}
		effects, err = tx.System().DiagEffectCounts()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		// Only the diagnostic jobs: the server also schedules its own
		// recurring jobs (housekeeping, statistics), which finish too.
		if j.State == store.JobDone && strings.HasPrefix(j.Kind, "diag.") {
			done++
		}
	}
	return done, effects, jobs
}

func waitUntil(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSIGKILLMidBatch kills the worker process three times while it works
// through a batch of jobs that each call an external receiver and write a
// database effect; after restarts every job is done, each effect is written
// exactly once, and the receiver saw every idempotency key with at most one
// extra delivery per kill.
func TestSIGKILLMidBatch(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			const jobs, kills = 300, 3
			rec, url := newReceiver(t)
			opts, args := engineArgs(t, engine)
			enqueueDiag(t, opts, jobs, url)
			serve := func() *testenv.Proc {
				p := testenv.Start(t, []string{"INTERLEND_JOB_LEASE=1s", "INTERLEND_JOB_POLL=50ms"}, append([]string{"serve", "--workers", "1"}, args...)...)
				p.WaitReady(30 * time.Second)
				return p
			}
			for k := 1; k <= kills; k++ {
				p := serve()
				target := k * jobs / (kills + 1)
				waitUntil(t, fmt.Sprintf("%d deliveries", target), 60*time.Second, func() bool { d, _ := rec.counts(); return d >= target })
				p.Kill()
			}
			p := serve()
			waitUntil(t, "every job done", 90*time.Second, func() bool { done, _, _ := jobSummary(t, opts); return done == jobs })
			p.Stop()
			_, effects, _ := jobSummary(t, opts)
			if len(effects) != jobs {
				t.Errorf("%d jobs wrote effects, want %d", len(effects), jobs)
			}
			for id, n := range effects {
				if n != 1 {
					t.Errorf("job %d wrote its effect %d times", id, n)
				}
			}
			deliveries, keys := rec.counts()
			t.Logf("%s: %d jobs, %d kills, %d deliveries, %d distinct keys", engine, jobs, kills, deliveries, keys)
			if keys != jobs {
				t.Errorf("receiver saw %d distinct idempotency keys, want %d", keys, jobs)
			}
			if deliveries > jobs+kills {
				// One worker: each kill interrupts at most one call in flight.
				t.Errorf("%d deliveries for %d jobs and %d kills", deliveries, jobs, kills)
			}
		})
	}
}

// engineArgs gives store options and serve flags for a fresh database.
func engineArgs(t *testing.T, engine store.Engine) (store.Options, []string) {
	t.Helper()
	if engine == store.Postgres {
		dsn := storetest.NewEmptyPostgresDatabase(t)
		return store.Options{DSN: dsn}, []string{"--db", dsn, "--data-dir", t.TempDir()}
	}
	dir := t.TempDir()
	return store.Options{SQLitePath: filepath.Join(dir, "interlend.db")}, []string{"--data-dir", dir}
}

// TestTwoNodesShareJobsOnPostgres: two serve processes on one PostgreSQL
// work through 1,000 jobs; none is lost and none runs twice at once.
func TestTwoNodesShareJobsOnPostgres(t *testing.T) {
	t.Parallel()
	dsn := storetest.NewEmptyPostgresDatabase(t)
	opts := store.Options{DSN: dsn}
	enqueueDiag(t, opts, 1000, "")
	var nodes []*testenv.Proc
	for i := range 2 {
		p := testenv.Start(t, []string{"INTERLEND_JOB_POLL=50ms"}, "serve", "--db", dsn, "--data-dir", t.TempDir(), "--workers", "4", "--node-name", fmt.Sprintf("node%d", i))
		nodes = append(nodes, p)
	}
	for _, p := range nodes {
		p.WaitReady(30 * time.Second)
	}
	waitUntil(t, "1000 jobs done", 90*time.Second, func() bool { done, _, _ := jobSummary(t, opts); return done == 1000 })
	for _, p := range nodes {
		p.Stop()
	}
	_, effects, jobs := jobSummary(t, opts)
	byNode := map[string]int{}
	for _, j := range jobs {
		if j.Kind != app.KindDiagNoop {
			continue
		}
		byNode[j.LockedBy]++
		if j.Attempts != 1 {
			t.Errorf("job %d took %d attempts, want 1 (a second node must never take a leased job)", j.ID, j.Attempts)
		}
		if effects[j.ID] != 1 {
			t.Errorf("job %d effects %d, want 1", j.ID, effects[j.ID])
		}
	}
	t.Logf("jobs per node: %v", byNode)
	if byNode["node0"] == 0 || byNode["node1"] == 0 {
		t.Errorf("work was not shared: %v", byNode)
	}
}

// TestPausedNodeIsFencedOut: a node stopped (SIGSTOP) while it holds a job
// loses the lease to another node; when it resumes, its completion is
// refused and the effect is written once, by the other node.
func TestPausedNodeIsFencedOut(t *testing.T) {
	t.Parallel()
	dsn := storetest.NewEmptyPostgresDatabase(t)
	opts := store.Options{DSN: dsn}
	rec, url := newReceiver(t)
	rec.gate, rec.entered = make(chan struct{}), make(chan struct{})
	enqueueDiag(t, opts, 1, url)
	env := []string{"INTERLEND_JOB_LEASE=1s", "INTERLEND_JOB_POLL=50ms"}
	a := testenv.Start(t, env, "serve", "--db", dsn, "--data-dir", t.TempDir(), "--workers", "1", "--node-name", "paused")
	a.WaitReady(30 * time.Second)
	select {
	case <-rec.entered:
	case <-time.After(30 * time.Second):
		t.Fatal("node a never called the receiver")
	}
	if err := a.Cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	b := testenv.Start(t, env, "serve", "--db", dsn, "--data-dir", t.TempDir(), "--workers", "1", "--node-name", "healthy")
	b.WaitReady(30 * time.Second)
	waitUntil(t, "node b completes the job", 30*time.Second, func() bool { done, _, _ := jobSummary(t, opts); return done == 1 })
	close(rec.gate) // node a's call returns...
	if err := a.Cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "node a to notice its lost lease", 30*time.Second, func() bool { return strings.Contains(a.Stderr.String(), "lease lost") })
	a.Stop()
	b.Stop()
	_, effects, jobs := jobSummary(t, opts)
	var diag []store.Job
	for _, j := range jobs {
		if j.Kind == app.KindDiagPost {
			diag = append(diag, j)
		}
	}
	if len(diag) != 1 || diag[0].LockedBy != "healthy" || diag[0].State != store.JobDone || effects[diag[0].ID] != 1 {
		t.Errorf("jobs %+v effects %v: want the one job done once by the healthy node", diag, effects)
	}
}
