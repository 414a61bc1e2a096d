package api_test

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"interlend/internal/store"
)

// BenchmarkActionsThroughAPI measures staff actions through the JSON API
// over HTTP with 8 concurrent clients, SQLite at full durability
// (synchronous=FULL), each client moving its own request between
// validated and awaiting_patron (ask_patron / patron_reply): one
// transaction with a state change, an event, and a queued notice each.
func BenchmarkActionsThroughAPI(b *testing.B) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(e), func(b *testing.B) {
			if e == store.Postgres && len(storeEngines(b)) < 2 {
				b.Skip("no PostgreSQL")
			}
			benchActions(b, e)
		})
	}
}

func benchActions(b *testing.B, e store.Engine) {
	w := newBenchWorld(b, e)
	const clients = 8
	ids := make([]string, clients)
	for i := range ids {
		r := w.a.ok("POST", "/api/v1/requests", map[string]any{"citation": map[string]any{"title": fmt.Sprintf("Bench %d", i)}})
		ids[i] = r["id"].(string)
	}
	var next atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism((clients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		me := int(next.Add(1)-1) % clients
		id := ids[me]
		asked := false
		var mine []time.Duration
		for pb.Next() {
			action, params := "ask_patron", map[string]any{"note": "Which edition?"}
			if asked {
				action, params = "patron_reply", map[string]any{"note": "Any"}
			}
			t0 := time.Now()
			r := w.a.call("POST", "/api/v1/requests/"+id+"/actions/"+action, map[string]any{"params": params})
			mine = append(mine, time.Since(t0))
			if r.Status != 200 {
				b.Errorf("%s on %s: %d %s", action, id, r.Status, r.Raw)
				return
			}
			asked = !asked
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) == 0 {
		return
	}
	q := func(f float64) float64 {
		return float64(lat[min(len(lat)-1, int(f*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "actions/s")
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}
