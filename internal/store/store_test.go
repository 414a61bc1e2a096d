package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestUsersGrantsAndSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, ill.NewFakeClock(t0), func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var u store.User
		err := db.Transact(ctx, func(tx *store.Tx) error {
			if _, err := tx.System().CreateAgency("US-EXA", "Example A"); err != nil {
				return err
			}
			var err error
			u, err = tx.System().CreateUser(store.User{Email: " Ann@Example.EDU ", Name: "Ann", PasswordHash: "h",
				Grants: ill.Grants{{Agency: "US-EXA", Role: ill.RoleManager}}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Transact(ctx, func(tx *store.Tx) error {
			_, err := tx.System().CreateUser(store.User{Email: "ann@example.edu"})
			return err
		})
		if !ill.Is(err, ill.Conflict) {
			t.Errorf("duplicate email: got %v, want a Conflict", err)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			got, err := tx.System().UserByEmail("ANN@example.edu")
			if err != nil {
				return err
			}
			if got.ID != u.ID || got.Email != "ann@example.edu" || !got.Grants.Can("US-EXA", ill.PermFees) || got.Grants.Can("US-EXB", ill.PermFees) {
				t.Errorf("got %+v", got)
			}
			if !got.CreatedAt.Equal(t0) {
				t.Errorf("created at %v, want %v (the transaction's clock)", got.CreatedAt, t0)
			}
			_, err = tx.System().UserByEmail("nobody@example.edu")
			if !ill.Is(err, ill.NotFound) {
				t.Errorf("missing user: got %v, want NotFound", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// Sessions expire and go with a disabled account.
		err = db.Transact(ctx, func(tx *store.Tx) error {
			return tx.System().CreateSession(store.Session{TokenHash: "h1", UserID: u.ID, Agency: "US-EXA", CSRFToken: "c", Data: "{}", ExpiresAt: t0.Add(time.Hour)})
		})
		if err != nil {
			t.Fatal(err)
		}
		mustRead(t, db, func(tx *store.Tx) error {
			se, err := tx.System().SessionByHash("h1")
			if err != nil || se.UserID != u.ID || se.Agency != "US-EXA" {
				t.Errorf("session: %+v, %v", se, err)
			}
			return nil
		})
		if err := db.Transact(ctx, func(tx *store.Tx) error { return tx.System().SetDisabled(u.ID, true) }); err != nil {
			t.Fatal(err)
		}
		mustRead(t, db, func(tx *store.Tx) error {
			if _, err := tx.System().SessionByHash("h1"); !ill.Is(err, ill.Unauthenticated) {
				t.Errorf("session of a disabled user: got %v, want Unauthenticated", err)
			}
			return nil
		})
	})
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	clock := ill.NewFakeClock(t0)
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var tk store.APIToken
		mustWrite(t, db, func(tx *store.Tx) error {
			u, err := tx.System().CreateUser(store.User{Email: "api@example.edu"})
			if err != nil {
				return err
			}
			tk, err = tx.System().CreateAPIToken(store.APIToken{UserID: u.ID, Agency: "US-EXA", Role: ill.RoleBorrowing, Name: "robot", TokenHash: "th", Prefix: "il_abc", ExpiresAt: t0.Add(24 * time.Hour)})
			return err
		})
		check := func(want ill.Kind) {
			t.Helper()
			err := db.Read(ctx, func(tx *store.Tx) error {
				_, err := tx.System().APITokenByHash("th")
				return err
			})
			if want == ill.Internal && err != nil || want != ill.Internal && !ill.Is(err, want) {
				t.Errorf("got %v, want kind %v", err, want)
			}
		}
		check(ill.Internal) // valid
		mustWrite(t, db, func(tx *store.Tx) error { return tx.System().RevokeAPIToken(tk.UserID, tk.ID) })
		check(ill.Unauthenticated)
		err := db.Transact(ctx, func(tx *store.Tx) error { return tx.System().RevokeAPIToken(tk.UserID, tk.ID) })
		if !ill.Is(err, ill.NotFound) {
			t.Errorf("revoking twice: got %v, want NotFound", err)
		}
	})
}

// TestBatchIsolation runs many transactions at once on SQLite's batching
// writer (and PostgreSQL's pool): failures roll back only their own work.
func TestBatchIsolation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustWrite(t, db, func(tx *store.Tx) error {
			_, err := tx.System().CreateAgency("US-EXA", "A")
			return err
		})
		var wg sync.WaitGroup
		errs := make([]error, 200)
		for i := range errs {
			wg.Go(func() {
				errs[i] = db.Transact(ctx, func(tx *store.Tx) error {
					if err := tx.Agency().PutSetting("US-EXA", fmt.Sprintf("k%03d", i), `"v"`, 0); err != nil {
						return err
					}
					if i%3 == 0 {
						return errors.New("deliberate failure")
					}
					if i%7 == 0 {
						panic("deliberate panic")
					}
					return nil
				})
			})
		}
		wg.Wait()
		want := 0
		for i, err := range errs {
			failed := i%3 == 0 || i%7 == 0
			if failed != (err != nil) {
				t.Errorf("transaction %d: err %v, want failure %v", i, err, failed)
			}
			if !failed {
				want++
			}
		}
		mustRead(t, db, func(tx *store.Tx) error {
			got, err := tx.Agency().Settings("US-EXA")
			if err != nil {
				return err
			}
			if len(got) != want {
				t.Errorf("%d settings stored, want %d (only the successful transactions)", len(got), want)
			}
			for _, s := range got {
				var i int
				fmt.Sscanf(s.Key, "k%d", &i)
				if i%3 == 0 || i%7 == 0 {
					t.Errorf("setting %s of a failed transaction was kept", s.Key)
				}
			}
			audit, err := tx.Agency().AuditLog("US-EXA", "", 1000)
			if len(audit) != want {
				t.Errorf("%d audit records, want %d", len(audit), want)
			}
			return err
		})
	})
}

func TestMigrations(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st, err := db.MigrationStatuses(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(st) == 0 || !st[len(st)-1].Applied {
			t.Fatalf("statuses %+v: want all applied", st)
		}
		latest := store.LatestVersion(db.Engine())
		if v, _ := db.SchemaVersion(ctx); v != latest {
			t.Errorf("schema version %d, want %d", v, latest)
		}
		down, err := db.MigrateDown(ctx)
		if err != nil || down != latest {
			t.Fatalf("down: %d, %v; want %d", down, err, latest)
		}
		prev := int64(0)
		for _, m := range st {
			if m.Version < latest && m.Version > prev {
				prev = m.Version
			}
		}
		if v, _ := db.SchemaVersion(ctx); v != prev {
			t.Errorf("after down: version %d, want %d", v, prev)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if v, _ := db.SchemaVersion(ctx); v != latest {
			t.Errorf("after up again: version %d, want %d", v, latest)
		}
		// A database migrated by a newer binary is refused, untouched.
		if _, err := db.SQL().ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, $2)`, latest+1, true); err != nil {
			// SQLite's read pool is query-only: write through a transaction.
			err = db.Transact(ctx, func(tx *store.Tx) error {
				return store.ExecForTest(tx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, $2)`, latest+1, true)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		err = db.Migrate(ctx)
		if err == nil || !strings.Contains(err.Error(), "newer") {
			t.Errorf("migrating a newer database: got %v, want a refusal naming it newer", err)
		}
	})
}

func TestCorruptSQLiteFileIsRefusedUntouched(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "interlend.db")
	junk := []byte(strings.Repeat("this is not a database ", 500))
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(context.Background(), store.Options{SQLitePath: path})
	if err == nil || !strings.Contains(err.Error(), "not a usable SQLite database") {
		t.Fatalf("got %v, want a clear refusal", err)
	}
	after, _ := os.ReadFile(path)
	if string(after) != string(junk) {
		t.Error("the corrupt file was modified")
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Error("a WAL file was created next to the corrupt database")
	}
}

func TestUnreachablePostgres(t *testing.T) {
	t.Parallel()
	_, err := store.Open(context.Background(), store.Options{DSN: "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"})
	if err == nil || !ill.Is(err, ill.Unavailable) || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("got %v, want Unavailable naming the address", err)
	}
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
