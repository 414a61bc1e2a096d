package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"interlend/internal/api"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/peertest"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
	"interlend/internal/testenv"
)

// Benchmarks between two separate processes at full durability (SQLite
// synchronous=FULL, PostgreSQL synchronous_commit=on), the staff steps
// through the JSON API, messages through the recording relays (which also
// time them on the wire). Run with a fixed count, e.g.
//
//	go test ./cmd/interlend -run '^$' -bench BenchmarkPeer -benchtime 400x
//
// The borrowing side runs on SQLite, on PostgreSQL, and as two serve
// processes sharing one PostgreSQL database; the lending side on SQLite.

// inFlight is how many loans the benchmarks keep going at once.
const inFlight = 8

// benchEnv restores the production job settings (peertest.Env shortens
// them for tests that move timers): idle poll 1s, lease 30s.
var benchEnv = []string{"INTERLEND_JOB_POLL=1s", "INTERLEND_JOB_LEASE=30s"}

// benchSpecs are the borrowing shape and the lending node (hosting libs)
// with the production job settings.
func benchSpecs(shape peertest.NodeSpec, libs ...ill.AgencyID) (peertest.NodeSpec, peertest.NodeSpec) {
	lender := lenderSpec()
	lender.Libraries = libs
	shape.Env = append(append([]string{}, shape.Env...), benchEnv...)
	lender.Env = append(append([]string{}, lender.Env...), benchEnv...)
	return shape, lender
}

func benchShapes(b *testing.B) []peertest.NodeSpec {
	shapes := []peertest.NodeSpec{{Name: "sqlite", Libraries: []ill.AgencyID{libA}, Engine: store.SQLite}}
	if storetest.AdminDSN() != "" {
		shapes = append(shapes,
			peertest.NodeSpec{Name: "postgres", Libraries: []ill.AgencyID{libA}, Engine: store.Postgres},
			peertest.NodeSpec{Name: "postgres-2nodes", Libraries: []ill.AgencyID{libA}, Engine: store.Postgres, Replicas: 2})
	} else if testenv.Strict() {
		b.Fatalf("%s is not set: the PostgreSQL benchmarks cannot run", storetest.PostgresEnv)
	}
	return shapes
}

// procFiles calls each with the text of /proc/<pid>/<name> of every
// process of the nodes.
func procFiles(b *testing.B, name string, each func(text string), nodes ...*peertest.Node) {
	b.Helper()
	for _, nd := range nodes {
		for _, p := range nd.Procs() {
			raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/%s", p.Cmd.Process.Pid, name))
			if err != nil {
				b.Fatalf("/proc %s of %s: %v", name, nd.Spec.Name, err)
			}
			each(string(raw))
		}
	}
}

// cpuTicks is the user+system CPU time of processes so far, from
// /proc/<pid>/stat, in clock ticks (USER_HZ, 100 a second on Linux).
func cpuTicks(b *testing.B, nodes ...*peertest.Node) int64 {
	b.Helper()
	var total int64
	procFiles(b, "stat", func(raw string) {
		// Fields after the command name (which may hold spaces): state
		// is the 3rd field, utime the 14th, stime the 15th.
		f := strings.Fields(raw[strings.LastIndexByte(raw, ')')+1:])
		for _, i := range []int{11, 12} {
			n, err := strconv.ParseInt(f[i], 10, 64)
			if err != nil {
				b.Fatalf("/proc stat: %v", err)
			}
			total += n
		}
	}, nodes...)
	return total
}

const ticksPerSecond = 100

// machineTicks is the whole machine's busy CPU time so far (every
// process: with PostgreSQL, its server too), in clock ticks, from the
// first line of /proc/stat.
func machineTicks(b *testing.B) int64 {
	b.Helper()
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		b.Fatalf("machine CPU time: %v", err)
	}
	f := strings.Fields(strings.SplitN(string(raw), "\n", 2)[0])
	var busy int64
	// user nice system idle iowait irq softirq steal: all but idle and iowait.
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		if i < len(f) {
			n, _ := strconv.ParseInt(f[i], 10, 64)
			busy += n
		}
	}
	return busy
}

// peakRSS is the largest peak resident set (VmHWM) of the nodes' processes,
// in MB: what the garbage collector's setting (gc-percent) costs in memory.
func peakRSS(b *testing.B, nodes ...*peertest.Node) float64 {
	b.Helper()
	var peak int64
	procFiles(b, "status", func(raw string) {
		for _, line := range strings.Split(raw, "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
				if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil && kb > peak {
					peak = kb
				}
			}
		}
	}, nodes...)
	return float64(peak) / 1024
}

// selfCPU is this test process's CPU time (the staff clients and the
// relays), to show what the benchmark itself costs beside the processes.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAverage is the machine's 1-minute load average (other work on the
// machine inflates the wall-clock figures; the CPU figures much less).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

// quantile of sorted durations, in milliseconds.
func quantile(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return float64(sorted[min(len(sorted)-1, int(q*float64(len(sorted))))].Microseconds()) / 1000
}

// delivered matches a message confirmed OK at the relay.
func delivered(match func(peertest.Message) bool) func(*peertest.Exchange) bool {
	return func(e *peertest.Exchange) bool { return e.Delivered() && match(e.Msg) }
}

// benchStep is one API action that must succeed.
func benchStep(c *peertest.Client, id string, action ill.ActionName, params map[string]any) error {
	// The answer (the request's new view) is not needed, so not decoded.
	if err := c.Call("POST", "/api/v1/requests/"+id+"/actions/"+string(action), api.ActionInput{Params: params}, nil); err != nil {
		return fmt.Errorf("%s: %s on %s: %w", c.Agency, action, id, err)
	}
	return nil
}

// lendingID finds the lending request made from a borrowing request that
// has just been delivered (one search).
func lendingID(c *peertest.Client, bid string) (string, error) {
	var l struct {
		Items []peertest.Request `json:"items"`
	}
	if err := c.Call("GET", "/api/v1/requests?side=lending&q="+bid, nil, &l); err != nil {
		return "", err
	}
	for _, it := range l.Items {
		if it.PartnerRequestID == bid {
			return it.PublicID, nil
		}
	}
	return "", fmt.Errorf("%s has no lending request for %s", c.Agency, bid)
}

// run runs n jobs inFlight at a time and returns the first error.
func runInFlight(n int, job func(i int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, inFlight)
	for range inFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := job(i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// BenchmarkPeerLoans: complete loans (request, will supply, ship,
// receive, check out, check in, ship back, check in at the lender: 9 staff
// API calls and 6 protocol messages each) at 8 in flight. Reports loans/s,
// the CPU time of both processes per loan, and staff ship to Loaned on
// the wire.
func BenchmarkPeerLoans(b *testing.B) {
	for _, shape := range benchShapes(b) {
		b.Run(shape.Name, func(b *testing.B) {
			bs, ls := benchSpecs(shape, libB)
			n := peertest.Start(b, directory.Version2021, bs, ls)
			a, l := n.Staff(libA), n.Staff(libB)
			borrower, lender := n.Node(libA), n.Node(libB)
			var mu sync.Mutex
			var ship []time.Duration
			loan := func(i int) error {
				var r peertest.Request
				if err := a.Call("POST", "/api/v1/requests", peertest.NewLoan(fmt.Sprintf("Bench %d", i), libB), &r); err != nil {
					return err
				}
				bid := r.PublicID
				if _, err := lender.Tap.AwaitAbout(bid, peertest.Wait, delivered(request(bid, "New"))); err != nil {
					return fmt.Errorf("request %s: %w", bid, err)
				}
				lid, err := lendingID(l, bid)
				if err != nil {
					return err
				}
				if err := benchStep(l, lid, ill.ActWillSupply, nil); err != nil {
					return err
				}
				t0 := time.Now()
				if err := benchStep(l, lid, ill.ActShip, map[string]any{"barcode": "39" + bid[1:]}); err != nil {
					return err
				}
				loaned, err := borrower.Tap.AwaitAbout(bid, peertest.Wait, delivered(sam(bid, iso18626.StatusLoaned)))
				if err != nil {
					return fmt.Errorf("Loaned %s: %w", bid, err)
				}
				mu.Lock()
				ship = append(ship, loaned.Sent.Sub(t0))
				mu.Unlock()
				for _, act := range []ill.ActionName{ill.ActReceive, ill.ActCheckOut, ill.ActCheckIn, ill.ActShipReturn} {
					if err := benchStep(a, bid, act, nil); err != nil {
						return err
					}
				}
				if _, err := lender.Tap.AwaitAbout(bid, peertest.Wait, delivered(ram(bid, iso18626.ActionShippedReturn))); err != nil {
					return fmt.Errorf("ShippedReturn %s: %w", bid, err)
				}
				if err := benchStep(l, lid, ill.ActLendCheckIn, nil); err != nil {
					return err
				}
				if _, err := borrower.Tap.AwaitAbout(bid, peertest.Wait, delivered(sam(bid, iso18626.StatusLoanCompleted))); err != nil {
					return fmt.Errorf("LoanCompleted %s: %w", bid, err)
				}
				return nil
			}
			// The driver (staff clients and relays) collects garbage as
			// seldom as the servers do (config gc-percent).
			defer debug.SetGCPercent(debug.SetGCPercent(400))
			cpu0, self0, load0, all0 := cpuTicks(b, borrower, lender), selfCPU(), loadAverage(), machineTicks(b)
			b.ResetTimer()
			start := time.Now()
			err := runInFlight(b.N, loan)
			elapsed := time.Since(start)
			b.StopTimer()
			if err != nil {
				b.Fatal(err)
			}
			cpu := float64(cpuTicks(b, borrower, lender)-cpu0) / ticksPerSecond
			all := float64(machineTicks(b)-all0) / ticksPerSecond
			self := selfCPU() - self0
			b.Logf("%d loans in %s; load average %s before, %s after", b.N, elapsed.Round(time.Millisecond), load0, loadAverage())
			slices.Sort(ship)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "loans/s")
			b.ReportMetric(cpu*1000/float64(b.N), "cpu-ms/loan")
			b.ReportMetric(float64(self.Microseconds())/1000/float64(b.N), "driver-cpu-ms/loan")
			b.ReportMetric(all*1000/float64(b.N), "machine-cpu-ms/loan")
			b.ReportMetric(quantile(ship, 0.5), "ship-to-Loaned-p50-ms")
			b.ReportMetric(quantile(ship, 0.99), "ship-to-Loaned-p99-ms")
			b.ReportMetric(peakRSS(b, borrower, lender), "peak-RSS-MB")
		})
	}
}

// BenchmarkPeerUnfilledToNextRequest: the first lender answers Unfilled;
// the time from its Unfilled reaching the borrower's address to the
// borrower's Request reaching the second lender, on the wire, with 8
// requests in flight.
func BenchmarkPeerUnfilledToNextRequest(b *testing.B) {
	for _, shape := range benchShapes(b) {
		b.Run(shape.Name, func(b *testing.B) {
			bs, ls := benchSpecs(shape, libB, libC)
			n := peertest.Start(b, directory.Version2021, bs, ls)
			a, l := n.Staff(libA), n.Staff(libB)
			borrower, lender := n.Node(libA), n.Node(libB)
			var mu sync.Mutex
			var lat []time.Duration
			one := func(i int) error {
				var r peertest.Request
				if err := a.Call("POST", "/api/v1/requests", peertest.NewLoan(fmt.Sprintf("Rota %d", i), libB, libC), &r); err != nil {
					return err
				}
				bid := r.PublicID
				if _, err := lender.Tap.AwaitAbout(bid, peertest.Wait, delivered(request(bid, "New"))); err != nil {
					return fmt.Errorf("request %s: %w", bid, err)
				}
				lid, err := lendingID(l, bid)
				if err != nil {
					return err
				}
				if err := benchStep(l, lid, ill.ActAnswerUnfilled, map[string]any{"reason": "NotHeld"}); err != nil {
					return err
				}
				unfilled, err := borrower.Tap.AwaitAbout(bid, peertest.Wait, func(e *peertest.Exchange) bool { return sam(bid, iso18626.StatusUnfilled)(e.Msg) })
				if err != nil {
					return fmt.Errorf("Unfilled %s: %w", bid, err)
				}
				next, err := lender.Tap.AwaitAbout(bid, peertest.Wait, func(e *peertest.Exchange) bool {
					return request(bid, "New")(e.Msg) && e.Msg.To == string(libC)
				})
				if err != nil {
					return fmt.Errorf("request to %s for %s: %w", libC, bid, err)
				}
				mu.Lock()
				lat = append(lat, next.Sent.Sub(unfilled.Sent))
				mu.Unlock()
				return nil
			}
			load0 := loadAverage()
			b.ResetTimer()
			if err := runInFlight(b.N, one); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			b.Logf("%d requests; load average %s before, %s after", b.N, load0, loadAverage())
			slices.Sort(lat)
			b.ReportMetric(quantile(lat, 0.5), "Unfilled-to-Request-p50-ms")
			b.ReportMetric(quantile(lat, 0.99), "Unfilled-to-Request-p99-ms")
		})
	}
}
