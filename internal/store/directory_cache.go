package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"interlend/internal/directory"
	"interlend/internal/ill"
)

// directoryCache keeps what this process has read of the directory and
// the hosted agencies: every incoming message, outgoing message and
// routing step looks its partner up, and the directory seldom changes.
// What it holds is valid for one version of the directory
// (data_versions, raised by triggers on every change, whoever makes it:
// migration 00026); a transaction that sees another version reads the
// tables and, once what it read is committed, starts the copy afresh.
type directoryCache struct {
	mu       sync.Mutex
	version  int64
	entries  map[string]cachedEntry // by id key (upper case)
	lookups  map[string]string      // symbol as given to LookupLibrary → id key
	agencies []Agency               // nil: not read
}

// cachedEntry is an entry as stored: its JSON is decoded for each caller,
// so no caller shares another's slices.
type cachedEntry struct {
	id, data string
	updated  int64
	hosted   bool
	creds    []directory.Credential
}

func (c cachedEntry) entry() (directory.Entry, error) {
	var e directory.Entry
	if err := json.Unmarshal([]byte(c.data), &e); err != nil {
		return directory.Entry{}, fmt.Errorf("store: directory entry %s is damaged: %w", c.id, err)
	}
	e.ID, e.UpdatedAt, e.Hosted = ill.AgencyID(c.id), fromMicros(c.updated), c.hosted
	e.Credentials = slices.Clone(c.creds)
	return e, nil
}

// at returns the cache if it holds version v (locked: call done), or nil.
func (c *directoryCache) at(v int64) *directoryCache {
	c.mu.Lock()
	if c.version != v || v == 0 {
		c.mu.Unlock()
		return nil
	}
	return c
}

func (c *directoryCache) done() { c.mu.Unlock() }

// put runs fill on the cache for version v: a newer version starts it
// afresh, an older one is dropped.
func (c *directoryCache) put(v int64, fill func(c *directoryCache)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v < c.version || v == 0 {
		return
	}
	if v > c.version {
		c.version, c.entries, c.lookups, c.agencies = v, map[string]cachedEntry{}, map[string]string{}, nil
	}
	fill(c)
}

// directoryVersion is the directory's version as this transaction sees
// it (read once), or 0 when the cache must not be used: the transaction
// changed the directory itself.
func (t *Tx) directoryVersion() (int64, error) {
	if t.dirChanged {
		return 0, nil
	}
	if t.dirVersion == 0 {
		if err := t.queryRow(`SELECT version FROM data_versions WHERE name = 'directory'`).Scan(&t.dirVersion); err != nil {
			return 0, err
		}
	}
	return t.dirVersion, nil
}

// directoryChanged marks the transaction as one that changed the
// directory or the agencies: it reads them from the tables from now on.
func (t *Tx) directoryChanged() { t.dirChanged = true }

// cacheDirectory adds what fill adds to the process's copy once the
// transaction's reads are known to be committed: at once for a read-only
// transaction, after the commit for a writing one.
func (t *Tx) cacheDirectory(v int64, fill func(c *directoryCache)) {
	if v == 0 {
		return
	}
	if t.readOnly {
		t.db.dir.put(v, fill)
		return
	}
	t.AfterCommit(func() { t.db.dir.put(v, fill) })
}
