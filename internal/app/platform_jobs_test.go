package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// receiver is an HTTP endpoint for diag.post jobs that fails until told
// otherwise and records the job ids it accepted, in order.
type receiver struct {
	fail atomic.Bool
	mu   sync.Mutex
	got  []int64
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rc.fail.Load() {
		http.Error(w, "receiver down for the test", http.StatusInternalServerError)
		return
	}
	b, _ := io.ReadAll(r.Body)
	id, _ := strconv.ParseInt(string(b), 10, 64)
	rc.mu.Lock()
	rc.got = append(rc.got, id)
	rc.mu.Unlock()
}

func (rc *receiver) accepted() []int64 {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.got)
}

func enqueue(t *testing.T, w *apptest.World, jobs ...store.NewJob) []int64 {
	t.Helper()
	var ids []int64
	if err := w.App.DB.Transact(context.Background(), func(tx *store.Tx) error {
		for _, nj := range jobs {
			id, err := tx.System().EnqueueJob(nj)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return ids
}

// waitJob polls until the job is in the state, failing after 15 s.
func waitJob(t *testing.T, w *apptest.World, id int64, want store.JobState) store.Job {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var j store.Job
		err := w.App.DB.Read(context.Background(), func(tx *store.Tx) (err error) { j, err = tx.System().GetJob(id); return })
		if err != nil {
			t.Fatal(err)
		}
		if j.State == want {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d is %s after 15s, want %s (last error %q)", id, j.State, want, j.LastError)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRedriveFromTheJobsPageKeepsOrderPerKey(t *testing.T) {
	t.Parallel()
	eachEngine(t, apptest.Options{Workers: 2}, func(t *testing.T, w *apptest.World) {
		ctx := context.Background()
		rc := &receiver{}
		rc.fail.Store(true)
		srv := httptest.NewServer(rc)
		t.Cleanup(srv.Close)
		w.Agency(t, "US-EXA", "A")
		w.Agency(t, "US-EXB", "B")
		mia := app.ActorFor(w.User(t, "mia@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleManager}), "US-EXA")
		post := func(agency ill.AgencyID, key string) store.NewJob {
			return store.NewJob{Kind: app.KindDiagPost, Agency: agency, OrderingKey: key, MaxAttempts: 1, Payload: app.DiagPayload{URL: srv.URL}}
		}
		ids := enqueue(t, w, post("US-EXA", "request-1"), post("US-EXA", "request-1"), post("US-EXB", ""))
		first, second, other := ids[0], ids[1], ids[2]
		dead := waitJob(t, w, first, store.JobDead)
		waitJob(t, w, other, store.JobDead)
		if dead.LastError == "" {
			t.Error("dead job without its last error")
		}

		ov, err := w.App.JobsOverview(ctx, mia, "US-EXA", app.JobsQuery{})
		if err != nil {
			t.Fatal(err)
		}
		counts := map[store.JobState]int{}
		for _, c := range ov.Counts {
			if c.Agency != "US-EXA" {
				t.Errorf("manager of A sees counts of %q", c.Agency)
			}
			counts[c.State] += c.Count
		}
		if counts[store.JobDead] != 1 || counts[store.JobReady] != 1 {
			t.Errorf("counts: %v, want one dead and one waiting behind it", counts)
		}
		if len(ov.Failing) != 1 || ov.Failing[0].ID != first || app.JobStatus(ov.Failing[0]) != "dead" {
			t.Errorf("failures: %+v", ov.Failing)
		}
		if _, _, err := w.App.Job(ctx, mia, "US-EXA", other); !ill.Is(err, ill.NotFound) {
			t.Errorf("another agency's job: %v", err)
		}
		if err := w.App.RedriveJob(ctx, mia, "US-EXA", other); !ill.Is(err, ill.NotFound) {
			t.Errorf("re-driving another agency's job: %v", err)
		}
		if err := w.App.RedriveJob(ctx, mia, "US-EXA", second); !ill.Is(err, ill.Conflict) {
			t.Errorf("re-driving a waiting job: %v", err)
		}
		_, attempts, err := w.App.Job(ctx, mia, "US-EXA", first)
		if err != nil || len(attempts) != 1 || attempts[0].Outcome != "dead" || attempts[0].Error == "" {
			t.Errorf("attempts: %+v %v", attempts, err)
		}

		rc.fail.Store(false)
		n, err := w.App.RedriveDeadJobs(ctx, mia, "US-EXA", "")
		if err != nil || n != 1 {
			t.Fatalf("re-drive all: %d, %v", n, err)
		}
		waitJob(t, w, second, store.JobDone)
		waitJob(t, w, first, store.JobDone)
		if got := rc.accepted(); !slices.Equal(got, []int64{first, second}) {
			t.Errorf("delivered %v, want %v: order per key lost", got, []int64{first, second})
		}
		if j := waitJob(t, w, other, store.JobDead); j.Attempts != 1 {
			t.Errorf("another agency's dead job was touched: %+v", j)
		}
		var audit []store.AuditEntry
		_ = w.App.DB.Read(ctx, func(tx *store.Tx) (err error) {
			audit, err = tx.Agency().AuditTrail("US-EXA", store.AuditQuery{ActionPrefix: "jobs."})
			return err
		})
		if len(audit) != 1 || audit[0].ActorName != "mia" || audit[0].After != "1 jobs" {
			t.Errorf("audit: %+v", audit)
		}

		// The operator sees every agency and cancels B's dead job.
		op := app.ActorFor(w.User(t, "op@example.edu", ill.Grant{Role: ill.RoleOperator}), "")
		all, err := w.App.JobsOverview(ctx, op, "", app.JobsQuery{State: "dead"})
		if err != nil || !all.All || len(all.Failing) != 1 || all.Failing[0].ID != other {
			t.Errorf("operator's dead jobs: %+v %v", all.Failing, err)
		}
		if err := w.App.CancelJob(ctx, op, "", other); err != nil {
			t.Fatal(err)
		}
		waitJob(t, w, other, store.JobCancelled)
		if err := w.App.CancelJob(ctx, op, "", other); !ill.Is(err, ill.Conflict) {
			t.Errorf("cancelling twice: %v", err)
		}
	})
}

func TestJobsPageNeedsThePermission(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	ctx := context.Background()
	w.Agency(t, "US-EXA", "A")
	lee := app.ActorFor(w.User(t, "lee@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleLending}), "US-EXA")
	if _, err := w.App.JobsOverview(ctx, lee, "US-EXA", app.JobsQuery{}); !ill.Is(err, ill.Forbidden) {
		t.Errorf("lending staff: %v", err)
	}
	if _, err := w.App.RedriveDeadJobs(ctx, lee, "US-EXA", ""); !ill.Is(err, ill.Forbidden) {
		t.Errorf("lending staff re-driving: %v", err)
	}
	mia := app.ActorFor(w.User(t, "mia@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleManager}), "US-EXA")
	if _, err := w.App.JobsOverview(ctx, mia, "", app.JobsQuery{}); !ill.Is(err, ill.Invalid) {
		t.Errorf("manager without an agency: %v", err)
	}
}
