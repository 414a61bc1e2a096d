package store

import (
	"strconv"
	"strings"
)

// forUpdate locks selected rows until the transaction ends. SQLite needs no
// row locks: its writer holds the database lock for the whole transaction.
func (db *DB) forUpdate() string {
	if db.engine == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// skipLocked is forUpdate that passes over rows another transaction holds
// (job claiming on several nodes).
func (db *DB) skipLocked() string {
	if db.engine == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func itoa(n int) string { return strconv.Itoa(n) }
