package cli

import (
	"context"
	"os"
	"strconv"
	"strings"
	"time"

	"interlend/internal/app"
	"interlend/internal/store"
)

// serverCPU reads the CPU time so far of each PostgreSQL backend
// connected to this database, by process id, when the server runs on
// this machine (Linux /proc): on a loaded machine the wall-clock figures
// of `bench catalog` measure mostly the wait for a core, and the
// server's share of a lookup's work is not in this process's CPU time.
// It reports false for SQLite, or when the server's processes cannot be
// read (another machine, another system).
func serverCPU(ctx context.Context, a *app.App) (map[int]time.Duration, bool) {
	if a.DB.Engine() != store.Postgres {
		return nil, false
	}
	rows, err := a.DB.SQL().QueryContext(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
	if err != nil {
		return nil, false
	}
	defer rows.Close()
	out := map[int]time.Duration{}
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			return nil, false
		}
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return nil, false
		}
		// Fields after the command name: utime and stime are the 12th
		// and 13th, in clock ticks (USER_HZ, 100 a second on Linux).
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) < 13 {
			return nil, false
		}
		ut, err1 := strconv.ParseInt(f[11], 10, 64)
		st, err2 := strconv.ParseInt(f[12], 10, 64)
		if err1 != nil || err2 != nil {
			return nil, false
		}
		out[pid] = time.Duration(ut+st) * 10 * time.Millisecond
	}
	return out, rows.Err() == nil
}

// serverCPUSince is the CPU the backends used since the snapshot before
// (a backend that connected since counts from its start).
func serverCPUSince(before, after map[int]time.Duration) time.Duration {
	var d time.Duration
	for pid, t := range after {
		d += t - before[pid]
	}
	return d
}
