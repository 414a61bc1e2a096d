package main

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
	"interlend/internal/testenv"
)

// TestBackupWhileJobsRunThenRestore takes a backup while a server works
// through jobs and new jobs keep arriving, then restores it into a fresh
// data folder (SQLite) and an empty PostgreSQL database: the restored
// server starts and holds everything committed before the backup began.
func TestBackupWhileJobsRunThenRestore(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			opts, args := engineArgs(t, engine)
			enqueueDiag(t, opts, 200, "")
			code, out, errs := testenv.Run(t, nil, append([]string{"user", "add", "keep@example.edu", "--name", "Kept", "--password", "kept-password-1", "--role", "operator"}, args...)...)
			if code != 0 {
				t.Fatalf("user add: %d %s %s", code, out, errs)
			}
			p := testenv.Start(t, []string{"INTERLEND_JOB_POLL=50ms"}, append([]string{"serve", "--workers", "2"}, args...)...)
			p.WaitReady(30 * time.Second)

			// Keep committing jobs while the backup runs; remember which
			// were committed before it started.
			ctx, stop := context.WithCancel(context.Background())
			db, err := store.Open(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			var before, during atomic.Int64
			var backupStarted atomic.Bool
			var wg sync.WaitGroup
			wg.Go(func() {
				for ctx.Err() == nil {
					var id int64
					err := db.Transact(ctx, func(tx *store.Tx) (err error) {
						id, err = tx.System().EnqueueJob(store.NewJob{Kind: app.KindDiagNoop})
						return
					})
					if err != nil {
						return
					}
					if !backupStarted.Load() {
						before.Store(id)
					} else {
						during.Add(1)
					}
				}
			})
			time.Sleep(100 * time.Millisecond) // let the writer and the workers get going
			file := filepath.Join(t.TempDir(), "b.tar.gz")
			backupStarted.Store(true)
			lastBefore := before.Load()
			code, out, errs = testenv.Run(t, nil, append([]string{"backup", "--out", file}, args...)...)
			stop()
			wg.Wait()
			db.Close()
			p.Stop()
			if code != 0 || !strings.Contains(out, "backup written") {
				t.Fatalf("backup: %d %s %s", code, out, errs)
			}
			t.Logf("backup: %s; jobs committed during the backup: %d", strings.TrimSpace(out), during.Load())

			targets := []string{"sqlite"}
			if len(storetest.Engines(t)) > 1 {
				targets = append(targets, "postgres")
			}
			for _, target := range targets {
				ropts, rargs := engineArgs(t, store.Engine(target))
				code, out, errs := testenv.Run(t, nil, append([]string{"restore", file}, rargs...)...)
				if code != 0 {
					t.Fatalf("restore into %s: %d %s %s", target, code, out, errs)
				}
				// Restoring again into the same (now used) target is refused.
				if code, _, errs := testenv.Run(t, nil, append([]string{"restore", file}, rargs...)...); code == 0 || !(strings.Contains(errs, "already exists") || strings.Contains(errs, "not empty")) {
					t.Errorf("second restore into %s: exit %d, %s; want a refusal", target, code, errs)
				}
				rp := testenv.Start(t, nil, append([]string{"serve", "--workers", "0"}, rargs...)...)
				rp.WaitReady(30 * time.Second)
				rp.Stop()
				_, _, jobs := jobSummary(t, ropts)
				have := map[int64]bool{}
				for _, j := range jobs {
					have[j.ID] = true
				}
				for id := int64(1); id <= lastBefore; id++ {
					if !have[id] {
						t.Fatalf("restored %s database lacks job %d, committed before the backup", target, id)
					}
				}
				checkUser(t, ropts, "keep@example.edu")
				t.Logf("restored into %s: %d jobs (all %d committed before the backup)", target, len(jobs), lastBefore)
			}
		})
	}
}

// checkUser finds the user in a restored database, and checks that new
// rows get fresh ids (PostgreSQL sequences moved past the restored ones).
func checkUser(t *testing.T, opts store.Options, email string) {
	t.Helper()
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Transact(context.Background(), func(tx *store.Tx) error {
		_, err := tx.System().CreateUser(store.User{Email: "after-restore@example.edu"})
		return err
	})
	if err != nil {
		t.Errorf("a new row after restore: %v", err)
	}
	err = db.Read(context.Background(), func(tx *store.Tx) error {
		u, err := tx.System().UserByEmail(email)
		if err == nil && (!u.Grants.IsOperator() || u.Name != "Kept") {
			t.Errorf("restored user %+v lost its grants or name", u)
		}
		return err
	})
	if err != nil {
		t.Errorf("user %s not restored: %v", email, err)
	}
}
