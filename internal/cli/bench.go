package cli

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
)

func benchCommand() *command {
	return &command{name: "bench", usage: "measure this deployment", sub: []*command{
		{name: "jobs", usage: "job throughput: enqueue N diagnostic jobs from concurrent producers and time them to completion", config: true,
			flags: []flagSpec{{name: "n", def: "5000", usage: "jobs"}, {name: "producers", def: "8", usage: "concurrent enqueuers (one job per transaction)"}},
			run: func(e env, p parsed) error {
				n, err1 := strconv.Atoi(p.flag("n"))
				prod, err2 := strconv.Atoi(p.flag("producers"))
				if err1 != nil || err2 != nil || n <= 0 || prod <= 0 {
					return usageError("--n and --producers take positive whole numbers")
				}
				return withApp(e, p, func(a *app.App) error { return benchJobs(e, a, n, prod) })
			}},
	}}
}

func benchJobs(e env, a *app.App, n, producers int) error {
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	runDone := make(chan error, 1)
	go func() { runDone <- a.Run(ctx) }()
	start := time.Now()
	var wg sync.WaitGroup
	var firstErr error
	var mu sync.Mutex
	per := n / producers
	for i := range producers {
		count := per
		if i == producers-1 {
			count = n - per*(producers-1)
		}
		wg.Go(func() {
			for range count {
				if _, err := a.EnqueueDiag(ctx, ill.SystemActor(), 1, ""); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	enqueued := time.Since(start)
	var jobs []store.Job
	for {
		err := a.DB.Read(ctx, func(tx *store.Tx) error {
			var err error
			jobs, err = tx.System().ListJobs(store.JobFilter{AllAgencies: true, Kind: app.KindDiagNoop})
			return err
		})
		if err != nil {
			return err
		}
		done := 0
		for _, j := range jobs {
			if j.State == store.JobDone {
				done++
			}
		}
		if done >= n {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	total := time.Since(start)
	cancel()
	<-runDone
	var lat []time.Duration
	for _, j := range jobs {
		lat = append(lat, j.CompletedAt.Sub(j.CreatedAt))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(f float64) time.Duration { return lat[min(len(lat)-1, int(f*float64(len(lat))))] }
	fmt.Fprintf(e.stdout, "engine=%s jobs=%d producers=%d workers=%d\n", a.DB.Engine(), n, producers, a.Cfg.Workers)
	fmt.Fprintf(e.stdout, "enqueue: %s (%.0f jobs/s); enqueue→done all: %s (%.0f jobs/s)\n", enqueued.Round(time.Millisecond), float64(n)/enqueued.Seconds(), total.Round(time.Millisecond), float64(n)/total.Seconds())
	fmt.Fprintf(e.stdout, "latency enqueue→completion: p50 %s p90 %s p99 %s max %s\n", q(.5).Round(time.Microsecond), q(.9).Round(time.Microsecond), q(.99).Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
	return nil
}
