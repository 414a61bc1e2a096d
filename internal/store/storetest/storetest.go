// Package storetest opens fresh, migrated databases for tests on both
// engines: SQLite always, PostgreSQL when INTERLEND_TEST_POSTGRES holds a DSN
// of a server where the user may create databases. Each test gets its own
// database (PostgreSQL: cloned from a migrated template, dropped at the end).
package storetest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/testenv"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
)

// PostgresEnv names the variable holding the PostgreSQL test server DSN.
const PostgresEnv = "INTERLEND_TEST_POSTGRES"

// Engines are the engines a test suite should run on here.
func Engines(tb testing.TB) []store.Engine {
	if adminDSN() == "" {
		if testenv.Strict() {
			tb.Fatalf("%s is not set: the PostgreSQL half of the store suite cannot run (%s=1 forbids skipping)", PostgresEnv, testenv.StrictEnv)
		}
		return []store.Engine{store.SQLite}
	}
	return []store.Engine{store.SQLite, store.Postgres}
}

// Each runs fn as a subtest per engine, with a fresh database for each.
func Each(t *testing.T, clock ill.Clock, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	if adminDSN() == "" && !testenv.Strict() {
		t.Logf("PostgreSQL not tested: set %s (e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable) to run these tests on it too", PostgresEnv)
	}
	for _, e := range Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, e, clock))
		})
	}
}

// Open returns a fresh migrated database on the engine, closed at the end
// of the test.
func Open(tb testing.TB, e store.Engine, clock ill.Clock) *store.DB {
	tb.Helper()
	if clock == nil {
		clock = ill.SystemClock{}
	}
	opts := store.Options{Clock: clock}
	switch e {
	case store.SQLite:
		opts.SQLitePath = filepath.Join(tb.TempDir(), "interlend.db")
	case store.Postgres:
		opts.DSN = NewPostgresDatabase(tb)
	default:
		tb.Fatalf("unknown engine %q", e)
	}
	db, err := store.Open(context.Background(), opts)
	if err != nil {
		tb.Fatalf("open %s: %v", e, err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		tb.Fatalf("migrate %s: %v", e, err)
	}
	return db
}

func adminDSN() string { return strings.TrimSpace(getenv(PostgresEnv)) }

var (
	templateMu   sync.Mutex
	templateName string
	templateErr  error
)

// NewPostgresDatabase creates an empty throwaway database whose schema is
// already migrated and returns its DSN; it is dropped when the test ends.
// It skips (or fails, when strict) without a PostgreSQL server.
func NewPostgresDatabase(tb testing.TB) string {
	tb.Helper()
	admin := adminDSN()
	if admin == "" {
		testenv.Skip(tb, PostgresEnv+" is not set: no PostgreSQL server to test against")
	}
	templateMu.Lock()
	if templateName == "" && templateErr == nil {
		templateName, templateErr = ensureTemplate(admin)
	}
	name, err := templateName, templateErr
	templateMu.Unlock()
	if err != nil {
		tb.Fatalf("PostgreSQL template database: %v", err)
	}
	dsn, err := createDatabaseFrom(admin, name)
	if err != nil && strings.Contains(err.Error(), "does not exist") {
		// Another test process removed it: make it again.
		templateMu.Lock()
		templateName, templateErr = ensureTemplate(admin)
		name, err = templateName, templateErr
		templateMu.Unlock()
		if err == nil {
			dsn, err = createDatabaseFrom(admin, name)
		}
	}
	if err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() { dropDatabase(admin, dsn) })
	return dsn
}

// NewEmptyPostgresDatabase creates a throwaway database with no schema.
func NewEmptyPostgresDatabase(tb testing.TB) string {
	tb.Helper()
	admin := adminDSN()
	if admin == "" {
		testenv.Skip(tb, PostgresEnv+" is not set: no PostgreSQL server to test against")
	}
	return createDatabase(tb, admin, "template0")
}

func createDatabase(tb testing.TB, admin, template string) string {
	tb.Helper()
	dsn, err := createDatabaseFrom(admin, template)
	if err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() { dropDatabase(admin, dsn) })
	return dsn
}

func dropDatabase(admin, dsn string) {
	u, err := url.Parse(dsn)
	if err != nil {
		return
	}
	adm, err := sql.Open("pgx", admin)
	if err != nil {
		return
	}
	defer adm.Close()
	_, _ = adm.ExecContext(context.Background(), fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, strings.TrimPrefix(u.Path, "/")))
}

// createDatabaseFrom clones a template into a new database and returns its DSN.
func createDatabaseFrom(admin, template string) (string, error) {
	adm, err := sql.Open("pgx", admin)
	if err != nil {
		return "", err
	}
	defer adm.Close()
	name := "il_t_" + strings.ToLower(randomSuffix())
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err = adm.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, template))
		// Concurrent clones of one template can collide; try again.
		if err == nil || !strings.Contains(err.Error(), "being accessed by other users") || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		return "", err
	}
	return withDatabase(admin, name), nil
}

// ensureTemplate makes (once per schema) a migrated database to clone test
// databases from. Its name carries a hash of the migrations, so a changed
// schema gets a new template and old ones are dropped.
func ensureTemplate(admin string) (string, error) {
	h := sha256.New()
	_ = fs.WalkDir(store.MigrationFS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(p, "postgres") {
			b, _ := fs.ReadFile(store.MigrationFS(), p)
			h.Write([]byte(p))
			h.Write(b)
		}
		return nil
	})
	name := "il_tpl_" + hex.EncodeToString(h.Sum(nil))[:12]
	ctx := context.Background()
	adm, err := sql.Open("pgx", admin)
	if err != nil {
		return "", err
	}
	defer adm.Close()
	conn, err := adm.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	// Serialise template creation between test processes.
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(727272)`); err != nil {
		return "", err
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock(727272)`) //nolint:errcheck
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	// Drop templates of older schemas, but only stale ones: another test
	// process (another checkout) may be using a template of its own.
	rows, err := conn.QueryContext(ctx, `SELECT datname, coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname LIKE 'il_tpl_%'`)
	if err == nil {
		var old []string
		for rows.Next() {
			var n, comment string
			if rows.Scan(&n, &comment) == nil {
				var created int64
				fmt.Sscan(comment, &created)
				if time.Since(time.Unix(created, 0)) > 24*time.Hour {
					old = append(old, n)
				}
			}
		}
		rows.Close()
		for _, n := range old {
			_, _ = conn.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, n))
		}
	}
	building := name + "_building"
	_, _ = conn.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, building))
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE template0`, building)); err != nil {
		return "", err
	}
	db, err := store.Open(ctx, store.Options{DSN: withDatabase(admin, building)})
	if err != nil {
		return "", err
	}
	err = db.Migrate(ctx)
	db.Close()
	if err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`ALTER DATABASE %s RENAME TO %s`, building, name)); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`COMMENT ON DATABASE %s IS '%d'`, name, time.Now().Unix())); err != nil {
		return "", err
	}
	return name, nil
}

// withDatabase replaces the database name in a PostgreSQL URL.
func withDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.Path = "/" + name
	return u.String()
}

// AdminDSN is the configured PostgreSQL test server, or "".
func AdminDSN() string { return adminDSN() }

// WithDatabase replaces the database name in a PostgreSQL URL.
func WithDatabase(dsn, name string) string { return withDatabase(dsn, name) }

// EachClocked is Each with a fake clock per engine, started at start.
func EachClocked(t *testing.T, start time.Time, fn func(t *testing.T, db *store.DB, clock *ill.FakeClock)) {
	t.Helper()
	for _, e := range Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			clock := ill.NewFakeClock(start)
			fn(t, Open(t, e, clock), clock)
		})
	}
}
