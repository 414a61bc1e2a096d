package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"interlend/internal/testenv"
)

// BenchmarkStartServe times exec of the built binary to /readyz = 200 on a
// fresh SQLite data folder (build time is not included: the binary is
// built once before the clock starts), and reports the idle RSS.
func BenchmarkStartServe(b *testing.B) { benchStart(b, "serve") }

// BenchmarkStartDemo is the same for the demo, seeding included.
func BenchmarkStartDemo(b *testing.B) { benchStart(b, "demo") }

func benchStart(b *testing.B, cmd string) {
	testenv.Binary(b) // build outside the timing
	var total time.Duration
	var rss float64
	for b.Loop() {
		dir := b.TempDir()
		if cmd == "demo" {
			dir += "/demo"
		}
		p := testenv.Start(b, nil, cmd, "--data-dir", dir)
		total += p.WaitReady(60 * time.Second)
		time.Sleep(2 * time.Second) // idle: let start-up garbage be collected
		rss = max(rss, rssMB(b, p.Cmd.Process.Pid))
		p.Stop()
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms-to-ready")
	b.ReportMetric(rss, "MB-idle-rss")
}

func rssMB(b *testing.B, pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	b.Fatal("no VmRSS")
	return 0
}
