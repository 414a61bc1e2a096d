package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"interlend/internal/ill"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// sqliteDSN builds a modernc DSN. Every connection gets foreign keys, a busy
// timeout and full synchronous commits; the writer takes its lock at BEGIN
// (immediate) so that a transaction never fails half-way on lock upgrade.
func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(FULL)")
	// Savepoint sub-journals (one per caller in a write batch) and temporary
	// b-trees stay in memory: no temporary files written per transaction.
	q.Add("_pragma", "temp_store(MEMORY)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

func openSQLite(ctx context.Context, o Options) (*DB, error) {
	if o.SQLitePath == "" {
		return nil, fmt.Errorf("store: no SQLite path")
	}
	exists := true
	if _, err := os.Stat(o.SQLitePath); os.IsNotExist(err) {
		exists = false
		if o.ReadOnly {
			return nil, ill.E(ill.NotFound, fmt.Sprintf("no database at %s", o.SQLitePath))
		}
		if err := os.MkdirAll(filepath.Dir(o.SQLitePath), 0o750); err != nil {
			return nil, fmt.Errorf("store: create data folder: %w", err)
		}
	}
	// Check an existing file before anything writes to it: a corrupt file or
	// a schema from a newer binary must be left exactly as it is.
	if exists {
		if err := checkSQLiteFile(ctx, o.SQLitePath); err != nil {
			return nil, err
		}
	}
	read, err := sql.Open("sqlite", sqliteDSN(o.SQLitePath, true))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", o.SQLitePath, err)
	}
	read.SetMaxOpenConns(max(4, runtime.NumCPU()*2))
	read.SetMaxIdleConns(max(4, runtime.NumCPU()*2))
	db := &DB{engine: SQLite, read: read, clock: o.Clock, log: o.Logger, readStmts: newStmtCache(read)}
	if o.ReadOnly {
		db.write = read
		return db, nil
	}
	write, err := sql.Open("sqlite", sqliteDSN(o.SQLitePath, false))
	if err != nil {
		read.Close()
		return nil, fmt.Errorf("store: open %s: %w", o.SQLitePath, err)
	}
	// One writer connection: SQLite allows one writer at a time anyway, and
	// owning it in one goroutine lets us batch commits.
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	if err := write.PingContext(ctx); err != nil {
		read.Close()
		write.Close()
		return nil, sqliteOpenError(o.SQLitePath, err)
	}
	db.write = write
	db.writeStmts = newStmtCache(write)
	db.batch = newBatcher(db, o.MaxBatch)
	return db, nil
}

// quickCheckMaxBytes is the largest database file checked page by page
// at open.
const quickCheckMaxBytes = 256 << 20

// checkSQLiteFile opens the file read-only and reads its header and schema
// version. It writes nothing.
func checkSQLiteFile(ctx context.Context, path string) error {
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return sqliteOpenError(path, err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		return sqliteOpenError(path, err)
	}
	// quick_check reads every page: seconds on a multi-gigabyte file at
	// each start. Large databases get the header and schema check only
	// (SQLite still refuses a corrupt page when it is read).
	if fi, err := os.Stat(path); err == nil && fi.Size() > quickCheckMaxBytes {
		return nil
	}
	var ok string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check(1)").Scan(&ok); err != nil || ok != "ok" {
		if err == nil {
			err = fmt.Errorf("%s", ok)
		}
		return sqliteOpenError(path, err)
	}
	return nil
}

func sqliteOpenError(path string, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "not a database") || strings.Contains(msg, "malformed") || strings.Contains(msg, "corrupt") {
		return ill.E(ill.Unavailable, fmt.Sprintf("%s is not a usable SQLite database (corrupt or not a database file); nothing was changed. Restore it from a backup with `interlend restore`.", path), err)
	}
	return ill.E(ill.Unavailable, fmt.Sprintf("cannot open the SQLite database %s", path), err)
}
