package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"interlend/internal/ill"
)

// Tx is one unit of work. Store methods reach the data through it:
// tx.Agency() for agency-owned data, tx.Network() for network data and
// tx.System() for accounts, sessions and jobs. A Tx carries its own context
// (on SQLite it may share a physical transaction with others, so it must not
// stop when one caller's context does) and one "now" for every row it writes.
type Tx struct {
	ctx    context.Context
	tx     *sql.Tx
	db     *DB
	stmts  *stmtCache // prepared statements of the pool tx runs on (nil: none)
	now    time.Time
	after  []func()
	notify bool           // jobs were enqueued: wake workers after commit
	leased map[int64]bool // jobs leased to this process's runner in this transaction (jobs_handoff.go)
	// settings are the agencies' settings as this transaction read them
	// (settings.go).
	settings map[ill.AgencyID]map[string]Setting
	// readOnly transactions see committed data only; dirVersion is the
	// directory's version as read (0: not yet) and dirChanged says the
	// transaction changed it (directory_cache.go).
	readOnly   bool
	dirVersion int64
	dirChanged bool
	// rows are the columns of request rows as this transaction locked or
	// wrote them (requests_columns.go).
	rows map[int64]requestCols
}

// Now is the time every row written by this transaction is stamped with.
func (t *Tx) Now() time.Time { return t.now }

// Context is the transaction's context.
func (t *Tx) Context() context.Context { return t.ctx }

// Engine reports the database engine.
func (t *Tx) Engine() Engine { return t.db.engine }

// DB is the database the transaction runs on (for keys of per-database
// state kept outside it).
func (t *Tx) DB() *DB { return t.db }

// AfterCommit registers f to run once the transaction has committed (never
// if it rolls back). Use it for in-process notifications only: durable side
// effects are jobs enqueued inside the transaction.
func (t *Tx) AfterCommit(f func()) { t.after = append(t.after, f) }

func (t *Tx) exec(q string, args ...any) (sql.Result, error) {
	if s := t.stmts.get(q); s != nil {
		return t.tx.StmtContext(t.ctx, s).ExecContext(t.ctx, args...)
	}
	return t.tx.ExecContext(t.ctx, q, args...)
}

func (t *Tx) query(q string, args ...any) (*sql.Rows, error) {
	if s := t.stmts.get(q); s != nil {
		return t.tx.StmtContext(t.ctx, s).QueryContext(t.ctx, args...)
	}
	return t.tx.QueryContext(t.ctx, q, args...)
}

func (t *Tx) queryRow(q string, args ...any) *sql.Row {
	if s := t.stmts.get(q); s != nil {
		return t.tx.StmtContext(t.ctx, s).QueryRowContext(t.ctx, args...)
	}
	return t.tx.QueryRowContext(t.ctx, q, args...)
}

// queryColumn runs a query of one column (row ids, years) and returns
// its values in order.
func queryColumn[T any](t *Tx, q string, args ...any) ([]T, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// execOne runs a statement that must change exactly one row.
func (t *Tx) execOne(notFound error, q string, args ...any) error {
	res, err := t.exec(q, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound
	}
	return nil
}

// Transact runs fn in a read-write transaction and commits it if fn returns
// nil. fn must not call Transact itself, must not wait on the network, and
// may run more than once on PostgreSQL (serialization retries), so it must
// have no effect outside the transaction except through AfterCommit.
func (db *DB) Transact(ctx context.Context, fn func(*Tx) error) error {
	if db.batch != nil {
		return db.batch.do(ctx, fn)
	}
	if db.write == db.read && db.engine == SQLite {
		return ill.E(ill.Internal, "store: opened read-only")
	}
	for attempt := 0; ; attempt++ {
		t, err := db.begin(ctx, db.write, false)
		if err != nil {
			return err
		}
		err = call(fn, t)
		if err == nil {
			err = t.tx.Commit()
		} else {
			_ = t.tx.Rollback()
		}
		if err != nil {
			if retryable(err) && attempt < 8 {
				time.Sleep(time.Duration(attempt+1) * 3 * time.Millisecond)
				continue
			}
			return err
		}
		db.afterCommit(t)
		return nil
	}
}

// Read runs fn in a read-only transaction: a consistent snapshot.
func (db *DB) Read(ctx context.Context, fn func(*Tx) error) error {
	t, err := db.begin(ctx, db.read, true)
	if err != nil {
		return err
	}
	defer t.tx.Rollback() //nolint:errcheck // read-only: nothing to keep
	return call(fn, t)
}

func (db *DB) begin(ctx context.Context, pool *sql.DB, readOnly bool) (*Tx, error) {
	var opts *sql.TxOptions
	if readOnly && db.engine == Postgres {
		opts = &sql.TxOptions{ReadOnly: true}
	}
	tx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return nil, ill.E(ill.Unavailable, "the database is not available", err)
	}
	return &Tx{ctx: ctx, tx: tx, db: db, stmts: db.cacheFor(pool), now: db.clock.Now(), readOnly: readOnly}, nil
}

func (db *DB) afterCommit(t *Tx) {
	for _, f := range t.after {
		f()
	}
	if t.notify {
		for _, f := range db.committed {
			f()
		}
	}
}

// call runs fn, turning a panic into an error so that one bad transaction
// cannot take down a batch or the process.
func call(fn func(*Tx) error, t *Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("store: transaction panicked: %v\n%s", r, debug.Stack())
		}
	}()
	return fn(t)
}

// batcher owns SQLite's single write connection and commits many callers'
// transactions together. Each caller's work runs inside its own SAVEPOINT, so
// an error in one rolls back only that one; the batch commits once, and every
// caller learns the outcome only after the commit is durable.
type batcher struct {
	db   *DB
	ops  chan *op
	max  int
	quit chan struct{}
	done chan struct{}
}

type op struct {
	ctx context.Context
	fn  func(*Tx) error
	tx  *Tx
	err chan error
}

func newBatcher(db *DB, max int) *batcher {
	b := &batcher{db: db, ops: make(chan *op, 4*max), max: max, quit: make(chan struct{}), done: make(chan struct{})}
	go b.run()
	return b
}

func (b *batcher) do(ctx context.Context, fn func(*Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o := &op{ctx: ctx, fn: fn, err: make(chan error, 1)}
	select {
	case b.ops <- o:
	case <-b.quit:
		return ill.E(ill.Unavailable, "the database is closing")
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, wait for the outcome even if ctx ends: the work may
	// already be committed and the caller must not believe otherwise.
	err := <-o.err
	if err == nil {
		b.db.afterCommit(o.tx)
	}
	return err
}

func (b *batcher) stop() {
	close(b.quit)
	<-b.done
}

func (b *batcher) run() {
	defer close(b.done)
	for {
		var first *op
		select {
		case first = <-b.ops:
		case <-b.quit:
			b.drainOnQuit()
			return
		}
		batch := []*op{first}
	fill:
		for len(batch) < b.max {
			select {
			case o := <-b.ops:
				batch = append(batch, o)
			default:
				break fill
			}
		}
		b.commit(batch)
	}
}

func (b *batcher) drainOnQuit() {
	for {
		select {
		case o := <-b.ops:
			o.err <- ill.E(ill.Unavailable, "the database is closing")
		default:
			return
		}
	}
}

// commit runs one physical transaction for the batch.
func (b *batcher) commit(batch []*op) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	fail := func(err error) {
		for _, o := range batch {
			o.err <- err
		}
	}
	tx, err := b.db.write.BeginTx(ctx, nil)
	if err != nil {
		fail(ill.E(ill.Unavailable, "the database is not available", err))
		return
	}
	single := len(batch) == 1
	results := make([]error, len(batch))
	for i, o := range batch {
		if err := o.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if !single {
			if _, err := tx.ExecContext(ctx, "SAVEPOINT op"); err != nil {
				_ = tx.Rollback()
				fail(err)
				return
			}
		}
		o.tx = &Tx{ctx: ctx, tx: tx, db: b.db, stmts: b.db.writeStmts, now: b.db.clock.Now()}
		err := call(o.fn, o.tx)
		results[i] = err
		if single {
			continue
		}
		if err != nil {
			_, rerr := tx.ExecContext(ctx, "ROLLBACK TO op")
			if rerr == nil {
				_, rerr = tx.ExecContext(ctx, "RELEASE op")
			}
			if rerr != nil {
				_ = tx.Rollback()
				fail(errors.Join(err, rerr))
				return
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, "RELEASE op"); err != nil {
			_ = tx.Rollback()
			fail(err)
			return
		}
	}
	if single && results[0] != nil {
		_ = tx.Rollback()
		batch[0].err <- results[0]
		return
	}
	if err := tx.Commit(); err != nil {
		fail(ill.E(ill.Unavailable, "the database could not commit", err))
		return
	}
	for i, o := range batch {
		o.err <- results[i]
	}
}
