//go:build unix

package cli

import (
	"syscall"
	"time"
)

// processCPU is this process's user and system CPU time so far. On a
// shared, loaded machine, wall-clock latencies mostly measure waiting for
// a core; `bench catalog` also reports the CPU a lookup costs here (on
// PostgreSQL the server's share is not in it).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
