package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps prepared statements per connection pool. SQLite compiles
// a statement on every call otherwise, which costs about as much as running
// it; with the cache each connection compiles a text once and reuses it in
// every later transaction (database/sql keeps a prepared copy per
// connection, and Tx.StmtContext picks the copy of the transaction's
// connection). PostgreSQL's driver (pgx) already caches statements per
// connection, so the cache is used on SQLite only.
//
// A text is prepared in the background the first time it is seen, because
// the transaction that sees it may hold the pool's only connection (the
// SQLite writer): that call runs unprepared, later ones use the statement.
type stmtCache struct {
	pool    *sql.DB
	ctx     context.Context
	cancel  context.CancelFunc
	mu      sync.RWMutex
	m       map[string]*sql.Stmt // nil value: being prepared, or failed
	pending sync.WaitGroup
}

// maxCachedStatements bounds the cache: query texts are constants in the
// code, but a few are built from filters, and those must not grow it
// without end. Past the bound, new texts simply run unprepared.
const maxCachedStatements = 4096

func newStmtCache(pool *sql.DB) *stmtCache {
	ctx, cancel := context.WithCancel(context.Background())
	return &stmtCache{pool: pool, ctx: ctx, cancel: cancel, m: map[string]*sql.Stmt{}}
}

// get returns the prepared statement for q, or nil when q must run
// unprepared this time.
func (c *stmtCache) get(q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	s, seen := c.m[q]
	c.mu.RUnlock()
	if seen {
		return s
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, seen := c.m[q]; seen || len(c.m) >= maxCachedStatements || c.ctx.Err() != nil {
		return nil
	}
	c.m[q] = nil
	c.pending.Add(1)
	go c.prepare(q)
	return nil
}

func (c *stmtCache) prepare(q string) {
	defer c.pending.Done()
	s, err := c.pool.PrepareContext(c.ctx, q)
	if err != nil {
		return // stays nil: the text keeps running unprepared
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ctx.Err() != nil {
		_ = s.Close()
		return
	}
	c.m[q] = s
}

// close waits for preparations under way and releases every statement;
// call it before the pool closes.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.cancel()
	c.pending.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, s := range c.m {
		if s != nil {
			_ = s.Close()
		}
		delete(c.m, q)
	}
}
