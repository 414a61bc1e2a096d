// Package store is all of Interlend's SQL, for SQLite and PostgreSQL, behind
// one API. SQL is written by hand with $n placeholders, which both drivers
// bind by number, so one text serves both engines; the few differences live
// in dialect.go. Times are stored as microseconds since the Unix epoch (UTC)
// in integer columns: portable, indexable and exact.
//
// Data has three scopes, named in the code:
//   - agency-owned data (requests, patrons, settings, files of one library):
//     reached through Tx.Agency(), every method takes the ill.AgencyID first
//     and touches only that agency's rows (a conformance test proves it);
//   - network data (directory, union catalog, lender statistics): Tx.Network();
//   - system data (accounts, sessions, tokens, jobs): Tx.System().
//
// Writes go through DB.Transact. On SQLite a single writer goroutine runs
// concurrent transactions together in one physical transaction (each inside
// its own SAVEPOINT) so that one fsync commits many: full durability
// (synchronous=FULL) at high throughput. On PostgreSQL each Transact is its
// own transaction, retried on serialization failures.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"interlend/internal/ill"
)

// Engine names a database engine.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Options configure Open.
type Options struct {
	// DSN is a postgres:// URL; empty means SQLite at SQLitePath.
	DSN        string
	SQLitePath string
	Clock      ill.Clock
	Logger     *slog.Logger
	// ReadOnly opens without migrating or writing (backup, status).
	ReadOnly bool
	// MaxBatch bounds how many SQLite transactions share one commit.
	MaxBatch int
}

// DB is an open database.
type DB struct {
	engine Engine
	write  *sql.DB // SQLite: one connection owned by the batch writer; PostgreSQL: the pool
	read   *sql.DB // SQLite: a pool of query_only connections; PostgreSQL: the same pool
	clock  ill.Clock
	log    *slog.Logger
	batch  *batcher // SQLite only

	readStmts, writeStmts *stmtCache // SQLite only: prepared statements per pool

	committed []func()       // hooks run after every commit that enqueued jobs (see OnJobsEnqueued)
	handoff   atomic.Value   // handoffBox: the local runner taking jobs due now (jobs_handoff.go)
	dir       directoryCache // the directory as this process read it (directory_cache.go)
}

// Engine reports which engine the database runs on.
func (db *DB) Engine() Engine { return db.engine }

// Clock is the clock the store stamps rows with.
func (db *DB) Clock() ill.Clock { return db.clock }

// Open connects to the database and checks that it is usable: the file is a
// SQLite database or the server answers, and its schema is not newer than
// this binary. It does not migrate; call Migrate.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.Clock == nil {
		o.Clock = ill.SystemClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 128
	}
	var db *DB
	var err error
	if o.DSN != "" {
		db, err = openPostgres(ctx, o)
	} else {
		db, err = openSQLite(ctx, o)
	}
	if err != nil {
		return nil, err
	}
	return db, nil
}

// Close stops the writer and closes the connections.
func (db *DB) Close() error {
	if db.batch != nil {
		db.batch.stop()
	}
	db.readStmts.close()
	db.writeStmts.close()
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Ping checks that the database answers (used by /readyz).
func (db *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var one int
	if err := db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return ill.E(ill.Unavailable, "the database does not answer", err)
	}
	return nil
}

// SQL exposes the read pool for diagnostics and tests; application code
// goes through Transact and Read.
func (db *DB) SQL() *sql.DB { return db.read }

// OnCommit registers f to run after every successful commit whose
// transaction called Tx.Notify (the job runner uses it to wake workers).
func (db *DB) OnCommit(f func()) { db.committed = append(db.committed, f) }

// cacheFor is the statement cache of a pool (nil on PostgreSQL).
func (db *DB) cacheFor(pool *sql.DB) *stmtCache {
	switch {
	case pool == db.write && db.writeStmts != nil:
		return db.writeStmts
	case pool == db.read:
		return db.readStmts
	}
	return nil
}

func (db *DB) String() string { return fmt.Sprintf("store(%s)", db.engine) }
