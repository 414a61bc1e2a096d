package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"interlend/internal/ill"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// MigrationStatus describes one migration for `interlend migrate status`.
type MigrationStatus struct {
	Version int64
	Name    string
	Applied bool
}

func (db *DB) provider(withLock bool) (*goose.Provider, error) {
	dir, dialect := "migrations/sqlite", goose.DialectSQLite3
	if db.engine == Postgres {
		dir, dialect = "migrations/postgres", goose.DialectPostgres
	}
	sub, err := fs.Sub(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var opts []goose.ProviderOption
	if withLock && db.engine == Postgres {
		// Several nodes may start at once: one migrates, the others wait.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, db.write, sub, opts...)
}

// LatestVersion is the newest schema version this binary knows.
func LatestVersion(e Engine) int64 {
	dir := "migrations/sqlite"
	if e == Postgres {
		dir = "migrations/postgres"
	}
	entries, _ := fs.ReadDir(migrationFiles, dir)
	var v int64
	for _, e := range entries {
		var n int64
		if _, err := fmt.Sscanf(e.Name(), "%d_", &n); err == nil && n > v {
			v = n
		}
	}
	return v
}

// SchemaVersion is the version the database is at (0 when empty).
func (db *DB) SchemaVersion(ctx context.Context) (int64, error) {
	var exists bool
	var err error
	if db.engine == Postgres {
		err = db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'goose_db_version')`).Scan(&exists)
	} else {
		var n int
		err = db.read.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`).Scan(&n)
		exists = n > 0
	}
	if err != nil {
		return 0, ill.E(ill.Unavailable, "cannot read the schema version", err)
	}
	if !exists {
		return 0, nil
	}
	var v sql.NullInt64
	if err := db.read.QueryRowContext(ctx, `SELECT max(version_id) FROM goose_db_version WHERE is_applied = $1`, true).Scan(&v); err != nil {
		return 0, ill.E(ill.Unavailable, "cannot read the schema version", err)
	}
	return v.Int64, nil
}

// CheckVersion refuses a database migrated by a newer binary: running old
// code against a newer schema could corrupt it.
func (db *DB) CheckVersion(ctx context.Context) error {
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if latest := LatestVersion(db.engine); v > latest {
		return ill.E(ill.Conflict, fmt.Sprintf("the database is at schema version %d, newer than this binary knows (%d): it was migrated by a newer Interlend. Nothing was changed; run that newer version, or restore a backup taken before the upgrade.", v, latest))
	}
	return nil
}

// Migrate applies every pending migration.
func (db *DB) Migrate(ctx context.Context) error {
	if err := db.CheckVersion(ctx); err != nil {
		return err
	}
	p, err := db.provider(true)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// MigrateDown rolls back the latest migration. For development only:
// production rollback is a restore from backup.
func (db *DB) MigrateDown(ctx context.Context) (int64, error) {
	if err := db.CheckVersion(ctx); err != nil {
		return 0, err
	}
	p, err := db.provider(true)
	if err != nil {
		return 0, err
	}
	res, err := p.Down(ctx)
	if err != nil {
		if errors.Is(err, goose.ErrNoNextVersion) || strings.Contains(err.Error(), "no migrations to run") {
			return 0, ill.E(ill.Conflict, "no migration to roll back")
		}
		return 0, err
	}
	return res.Source.Version, nil
}

// MigrationStatuses lists every known migration and whether it is applied.
func (db *DB) MigrationStatuses(ctx context.Context) ([]MigrationStatus, error) {
	p, err := db.provider(false)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		name := s.Source.Path
		if i := strings.LastIndex(name, "/"); i >= 0 {
			name = name[i+1:]
		}
		out = append(out, MigrationStatus{Version: s.Source.Version, Name: name, Applied: s.State == goose.StateApplied})
	}
	return out, nil
}

// MigrationFS exposes the embedded migration files (tests hash them).
func MigrationFS() fs.FS { return migrationFiles }
