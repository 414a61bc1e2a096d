package peer_test

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// BenchmarkIncomingRequests measures new requests from a partner
// confirmed by the endpoint, at full durability (SQLite synchronous=FULL,
// PostgreSQL synchronous_commit=on), over real HTTP with keep-alive, at 1
// and 32 concurrent senders: HTTP Basic checked against the directory,
// the message parsed twice (lenient, then the partner's profile),
// validated, decoded, stored verbatim, the lending request made with its
// event and intake steps, and the confirmation written. Each operation
// is one request with a new id. Reported: requests/s and the p50 and
// p99 latency as the partner sees it, and the CPU time of the process
// (server and the benchmark's own client) per request, which says what
// an idle machine could do when the one measuring is busy.
//
//	go test ./internal/peer -run '^$' -bench IncomingRequests -benchtime 3000x
func BenchmarkIncomingRequests(b *testing.B) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		for _, conc := range []int{1, 32} {
			b.Run(fmt.Sprintf("%s/c%d", e, conc), func(b *testing.B) {
				if e == store.Postgres && len(storetest.Engines(b)) < 2 {
					b.Skip("no PostgreSQL")
				}
				benchIncoming(b, e, conc)
			})
		}
	}
}

func benchIncoming(b *testing.B, e store.Engine, conc int) {
	s := newSite(b, siteOptions{engine: e})
	s.http = &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc}}
	bodies := make([][]byte, b.N)
	ts := s.now()
	for i := range bodies {
		bodies[i] = encode(b, loanRequest(pBasic, fmt.Sprintf("BENCH-%d-%d", conc, i), ts), iso18626.V2021)
	}
	// Warm the connections and the directory lookup.
	for i := range conc {
		if r := s.send(b, encode(b, loanRequest(pBasic, fmt.Sprintf("WARM-%d-%d", conc, i), ts), iso18626.V2021)); !r.ok() {
			b.Fatalf("warm-up: %s", r)
		}
	}
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	cpu0 := cpuTime()
	b.ResetTimer()
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				t0 := time.Now()
				r, err := s.try(bodies[i])
				lat[i] = time.Since(t0)
				if err != nil || !r.ok() {
					b.Errorf("request %d: %s %v", i, r, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	cpu := cpuTime() - cpu0
	slices.Sort(lat)
	q := func(f float64) float64 {
		return float64(lat[min(len(lat)-1, int(f*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "requests/s")
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/req")
	if n := s.count(b, `SELECT count(*) FROM requests WHERE side = '`+string(ill.Lending)+`'`); n != b.N+conc {
		b.Errorf("%d lending requests, want %d", n, b.N+conc)
	}
}

// cpuTime is the CPU time (user and system) this process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
