package cli

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"time"

	"interlend/internal/app"
	"interlend/internal/store"
)

// benchAnalyze refreshes PostgreSQL's planner statistics after a bulk
// load or rebuild (autovacuum would, some time later; until then plans
// are made for nearly empty tables). SQLite is left alone.
func benchAnalyze(e env, a *app.App) error {
	db := a.DB
	if db.Engine() != store.Postgres {
		return nil
	}
	start := time.Now()
	// The daily aggregates just counted are vacuumed as well, so that the
	// running totals are read from their index alone (autovacuum would do
	// it later).
	for _, q := range []string{"ANALYZE", "VACUUM (ANALYZE) stats_days, stats_day_spans"} {
		if _, err := db.SQL().ExecContext(e.ctx, q); err != nil {
			return err
		}
	}
	_, err := e.stdout.Write([]byte("analyze: " + time.Since(start).Round(time.Millisecond).String() + "\n"))
	return err
}

// resetPeakRSS resets the process's peak resident set (Linux) and gives
// the resident set now; 0 where that cannot be done.
func resetPeakRSS() int64 {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return 0
	}
	return procStatus("VmRSS:")
}

// peakRSS is the process's peak resident set since resetPeakRSS.
func peakRSS() int64 { return procStatus("VmHWM:") }

// procStatus reads a size in kB from /proc/self/status, in bytes.
func procStatus(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}
