package app_test

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/auth"
	"interlend/internal/config"
	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

var t0 = time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)

// world is an Interlend hosting three libraries, with job workers running
// (messages between them are delivered in-process) and a fake clock.
type world struct {
	t     *testing.T
	app   *app.App
	clock *ill.FakeClock
	ctx   context.Context
	cfg   config.Config
	stop  func()
}

const (
	libA = ill.AgencyID("US-EXA") // borrows
	libB = ill.AgencyID("US-EXB") // lends
	libC = ill.AgencyID("US-EXC") // lends
)

func newWorld(t *testing.T, engine store.Engine) *world {
	t.Helper()
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.Workers = 4
	if engine == store.Postgres {
		cfg.DB = storetest.NewPostgresDatabase(t)
	}
	w := openWorld(t, cfg, ill.NewFakeClock(t0))
	for _, ag := range []ill.AgencyID{libA, libB, libC} {
		if err := w.app.CreateAgency(w.ctx, ill.SystemActor(), ag, string(ag)+" Library"); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// openWorld opens an app on a configuration (a restart reopens the same
// database); workers run when cfg.Workers > 0.
func openWorld(t *testing.T, cfg config.Config, clock *ill.FakeClock) *world {
	t.Helper()
	cfg.JobPoll = 10 * time.Millisecond
	cfg.NodeName = "test"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	if os.Getenv("INTERLEND_TEST_LOG") != "" {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	a, err := app.Open(context.Background(), cfg, app.Options{Clock: clock, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	a.PasswordParams = auth.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = a.Run(ctx); close(done) }()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done; a.Close() }) }
	t.Cleanup(stop)
	return &world{t: t, app: a, clock: clock, ctx: context.Background(), cfg: cfg, stop: stop}
}

// restart closes the app and opens it again on the same database.
func (w *world) restart() {
	w.t.Helper()
	w.stop()
	nw := openWorld(w.t, w.cfg, w.clock)
	w.app, w.stop = nw.app, nw.stop
}

// staff is a manager of an agency (may do everything there).
func staff(ag ill.AgencyID) ill.Actor {
	return ill.Actor{Kind: ill.ActorStaff, UserID: 0, Name: "Staff " + string(ag), Agency: ag, Grants: ill.Grants{{Agency: ag, Role: ill.RoleManager}}}
}

// settle waits until no message or notice is waiting to be processed now.
func (w *world) settle() {
	w.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		busy := 0
		err := w.app.DB.Read(w.ctx, func(tx *store.Tx) error {
			js, err := tx.System().ListJobs(store.JobFilter{AllAgencies: true, States: []store.JobState{store.JobReady, store.JobRunning}})
			for _, j := range js {
				if !j.RunAt.After(w.clock.Now()) {
					busy++
				}
			}
			return err
		})
		if err != nil {
			w.t.Fatal(err)
		}
		if busy == 0 {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("jobs still busy after 20s: %d", busy)
		}
		w.app.Jobs.Kick()
		time.Sleep(5 * time.Millisecond)
	}
}

// req reads a request as the system.
func (w *world) req(ag ill.AgencyID, id string) *ill.Request {
	w.t.Helper()
	r, err := w.app.GetRequest(w.ctx, sys(ag), id)
	if err != nil {
		w.t.Fatalf("get %s at %s: %v", id, ag, err)
	}
	return r
}

func sys(ag ill.AgencyID) ill.Actor {
	a := ill.SystemActor()
	a.Agency = ag
	return a
}

// lendingFor finds the lending request a borrowing request became at a lender.
func (w *world) lendingFor(lender ill.AgencyID, borrowing *ill.Request) *ill.Request {
	w.t.Helper()
	var out *ill.Request
	err := w.app.DB.Read(w.ctx, func(tx *store.Tx) error {
		rs, _, err := tx.Agency().ListRequests(lender, store.RequestFilter{Side: ill.Lending, Partner: borrowing.Agency, Sort: "created"})
		for _, r := range rs {
			if r.PartnerRequestID == borrowing.PublicID || r.RetryOf == borrowing.PublicID || len(r.PartnerRequestID) > len(borrowing.PublicID) && r.PartnerRequestID[:len(borrowing.PublicID)] == borrowing.PublicID {
				if out == nil {
					out = r
				}
			}
		}
		return err
	})
	if err != nil || out == nil {
		w.t.Fatalf("no lending request at %s for %s: %v", lender, borrowing.PublicID, err)
	}
	return out
}

// do performs an action and fails the test on error.
func (w *world) do(actor ill.Actor, id string, action ill.ActionName, params map[string]any) *ill.Request {
	w.t.Helper()
	r, err := w.app.Perform(w.ctx, actor, id, action, params, 0)
	if err != nil {
		w.t.Fatalf("%s on %s at %s: %v", action, id, actor.Agency, err)
	}
	w.settle()
	return r
}

// wantState checks a request's state.
func (w *world) wantState(ag ill.AgencyID, id string, want ill.State) *ill.Request {
	w.t.Helper()
	r := w.req(ag, id)
	if r.State != want {
		evs, _, _ := w.app.Timeline(w.ctx, sys(ag), id)
		var trail []string
		for _, e := range evs {
			trail = append(trail, string(e.From)+"→"+string(e.To)+" "+e.Type)
		}
		w.t.Fatalf("%s at %s is %s, want %s (attention %v %q)\ntimeline: %v", id, ag, r.State, want, r.Attention, r.AttentionReason, trail)
	}
	return r
}

// wantMirror checks that the borrower's view of the lender's status is the
// lender's status.
func (w *world) wantMirror(b, l *ill.Request) {
	w.t.Helper()
	b, l = w.req(b.Agency, b.PublicID), w.req(l.Agency, l.PublicID)
	if b.PartnerStatus != l.PartnerStatus {
		w.t.Errorf("borrower sees lender status %q, lender reported %q", b.PartnerStatus, l.PartnerStatus)
	}
}

// user creates an account with grants.
func (w *world) user(email string, gs ...ill.Grant) store.User {
	w.t.Helper()
	u, err := w.app.CreateUser(w.ctx, ill.SystemActor(), app.NewUser{Email: email, Name: email, Password: "test-password-1", Grants: gs})
	if err != nil {
		w.t.Fatal(err)
	}
	return u
}
