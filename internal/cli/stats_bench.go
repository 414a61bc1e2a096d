package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"interlend/internal/app"
	"interlend/internal/config"
	"interlend/internal/demo"
	"interlend/internal/ill"
)

// bench stats: load N closed requests of years past into one library
// (with their event logs, through the same path the demo's history
// takes), rebuild the statistics, then restart the application and time
// the dashboard's first render over HTTP, other pages, and the CSV export
// streamed end to end while watching the heap.
func init() {
	addCommand(&command{name: "bench", usage: "measure this deployment", sub: []*command{
		{name: "stats", config: true,
			usage: "statistics: load N past requests, rebuild, restart, time the dashboard's first render and the CSV export (peak heap)",
			flags: []flagSpec{
				{name: "n", def: "1000000", usage: "requests to load (about half borrowing, half lending)"},
				{name: "years", def: "8", usage: "years the requests spread over, ending now"},
				{name: "agency", def: "US-BENCH", usage: "library the requests belong to (created when missing)"},
				{name: "seed", def: "1", usage: "generator seed"},
				{name: "skip-load", boolean: true, usage: "use what is already loaded (and its statistics)"},
				{name: "recount", boolean: true, usage: "with --skip-load: count the monthly and daily aggregates afresh from the facts first"},
			},
			run: runBenchStats},
	}})
}

// benchPartners are the bench library's partners.
const benchPartners = 20

func runBenchStats(e env, p parsed) error {
	n, err1 := strconv.Atoi(p.flag("n"))
	years, err2 := strconv.Atoi(p.flag("years"))
	seed, err3 := strconv.ParseUint(p.flag("seed"), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || n <= 0 || years <= 0 || years > 10 {
		return usageError("--n and --seed take positive whole numbers, --years 1 to 10")
	}
	cfg, err := loadConfig(e, p)
	if err != nil {
		return err
	}
	ag := ill.AgencyID(p.flag("agency"))
	const email, password = "bench-manager@interlend.invalid", "bench-password-1"
	a, err := openApp(e, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "engine=%s agency=%s\n", a.DB.Engine(), ag)
	if !p.boolFlag("skip-load") {
		if err := benchLoad(e, a, ag, n, years, seed, email, password); err != nil {
			a.Close()
			return err
		}
		// Fresh planner statistics for the tables just filled.
		if err := benchAnalyze(e, a); err != nil {
			a.Close()
			return err
		}
		start := time.Now()
		res, err := a.RebuildStats(e.ctx, ag, nil)
		if err != nil {
			a.Close()
			return err
		}
		fmt.Fprintf(e.stdout, "rebuild: %d requests in %s (%.0f requests/s)\n", res.Requests, time.Since(start).Round(time.Millisecond),
			float64(res.Requests)/time.Since(start).Seconds())
	} else if p.boolFlag("recount") {
		start := time.Now()
		if err := a.RecountStats(e.ctx, ag); err != nil {
			a.Close()
			return err
		}
		fmt.Fprintf(e.stdout, "recount of the monthly and daily aggregates from the facts: %s\n", time.Since(start).Round(time.Millisecond))
	} else {
		// What is loaded may predate the daily aggregates: a refresh
		// counts them.
		start := time.Now()
		if _, err := a.RefreshStats(e.ctx); err != nil {
			a.Close()
			return err
		}
		fmt.Fprintf(e.stdout, "refresh (daily aggregates counted when missing): %s\n", time.Since(start).Round(time.Millisecond))
	}
	if err := benchAnalyze(e, a); err != nil {
		a.Close()
		return err
	}
	a.Close()

	// A restart: a new App on the same database, nothing cached.
	start := time.Now()
	a, err = openApp(e, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(e.stdout, "restart: opened in %s\n", time.Since(start).Round(time.Millisecond))
	return benchPages(e, a, cfg, ag, email, password)
}

// benchLoad writes n past requests, month by month, with a manager.
func benchLoad(e env, a *app.App, ag ill.AgencyID, n, years int, seed uint64, email, password string) error {
	ctx := e.ctx
	sys := ill.SystemActor()
	if err := a.CreateAgency(ctx, sys, ag, "Benchmark library"); err != nil && !ill.Is(err, ill.Conflict) {
		return err
	}
	if _, err := a.CreateUser(ctx, sys, app.NewUser{Email: email, Name: "Bench Manager", Password: password,
		Grants: ill.Grants{{Agency: ag, Role: ill.RoleManager}}}); err != nil && !ill.Is(err, ill.Conflict) {
		return err
	}
	var partners []ill.AgencyID
	for i := range benchPartners {
		partners = append(partners, ill.AgencyID(fmt.Sprintf("US-BP%02d", i+1)))
	}
	now := a.Clock.Now()
	months := years * 12
	// Each month: pairs with each partner, both ways. How many requests a
	// pair makes varies, so each month aims at its share of n with the
	// ratio seen so far (the total lands within a month's rounding of n).
	perPair := 2.0
	start, loaded, pairsSoFar := time.Now(), 0, 0
	for m := months - 1; m >= 0; m-- {
		target := int(int64(n) * int64(months-m) / int64(months))
		pairs := max(1, int(math.Ceil(float64(target-loaded)/(perPair*benchPartners))))
		end := now.AddDate(0, -m, 0)
		hs := demo.History([]ill.AgencyID{ag}, demo.HistoryOptions{End: end, Days: 30, Now: now, Pairs: pairs, External: partners, Seed: seed + uint64(m)})
		if _, err := a.AddStatsHistory(ctx, ag, hs[ag]); err != nil {
			return err
		}
		loaded += len(hs[ag])
		pairsSoFar += pairs
		perPair = float64(loaded) / float64(pairsSoFar*benchPartners)
		if m%12 == 0 {
			fmt.Fprintf(e.stderr, "  loaded %d requests (%.0f/s)\n", loaded, float64(loaded)/time.Since(start).Seconds())
		}
	}
	fmt.Fprintf(e.stdout, "load: %d requests in %s (%.0f requests/s)\n", loaded, time.Since(start).Round(time.Millisecond), float64(loaded)/time.Since(start).Seconds())
	return nil
}

// benchPages serves the app on a loopback port, logs in as the manager
// and times pages and exports.
func benchPages(e env, a *app.App, cfg config.Config, ag ill.AgencyID, email, password string) error {
	srv, err := buildServer(a)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	go func() { _ = srv.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Minute}
	if err := benchLogin(c, base, email, password); err != nil {
		return err
	}
	get := func(label, path string) error {
		start, cpu := time.Now(), processCPU()
		resp, err := c.Get(base + path)
		if err != nil {
			return err
		}
		nbytes, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: HTTP %d", path, resp.StatusCode)
		}
		// CPU: this process's (server and client; with SQLite the
		// database's work too), which the machine's load does not inflate.
		fmt.Fprintf(e.stdout, "%-44s %8.1f ms  %7d bytes  cpu %7.1f ms\n", label, float64(time.Since(start).Microseconds())/1000, nbytes,
			float64((processCPU()-cpu).Microseconds())/1000)
		return nil
	}
	for _, pg := range []struct{ label, path string }{
		{"dashboard, first render after restart (30 days)", "/stats"},
		{"dashboard again (30 days)", "/stats"},
		{"dashboard, last month", "/stats?period=lastmonth"},
		{"dashboard, last 12 months", "/stats?period=12m"},
		{"dashboard, last fiscal year", "/stats?period=lastfy"},
		{"measures, last 12 months", "/stats/measures?period=12m"},
		{"collection report, last 12 months", "/stats/collection"},
		{"annual survey, last fiscal year", "/stats/survey"},
	} {
		if err := get(pg.label, pg.path); err != nil {
			return err
		}
	}
	now := a.Clock.Now()
	from := now.AddDate(-9, 0, 0).Format(time.DateOnly)
	to := now.Format(time.DateOnly)
	// The same export over a year (about an eighth of the rows) and over
	// every year: streaming, the peaks should not differ.
	if err := benchExport(e, c, base+"/stats/export/requests.csv?"+url.Values{"period": {"12m"}, "identity": {"1"}}.Encode(), "requests export, last 12 months, with identity"); err != nil {
		return err
	}
	if err := benchExport(e, c, base+"/stats/export/requests.csv?"+url.Values{"from": {from}, "to": {to}, "identity": {"1"}}.Encode(), "requests export, all years, with identity"); err != nil {
		return err
	}
	return benchExport(e, c, base+"/stats/export/events.csv?"+url.Values{"period": {"12m"}, "identity": {"1"}}.Encode(), "raw events export, last 12 months, with data")
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func benchLogin(c *http.Client, base, email, password string) error {
	resp, err := c.Get(base + "/login")
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfInput.FindSubmatch(body)
	if m == nil {
		return errors.New("bench: no CSRF token on the login page")
	}
	resp, err = c.PostForm(base+"/login", url.Values{"csrf": {string(m[1])}, "email": {email}, "password": {password}})
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.Request.URL.Path == "/login" {
		return errors.New("bench: could not log in as the bench manager")
	}
	return nil
}

// benchExport downloads a CSV, counting rows as they arrive and sampling
// the heap while the server streams it (the server runs in this process).
func benchExport(e env, c *http.Client, url, label string) error {
	var peak atomic.Uint64
	var base runtime.MemStats
	debug.FreeOSMemory() // what earlier steps held goes back: the resident set is this export's
	runtime.ReadMemStats(&base)
	rssBefore := resetPeakRSS()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
			}
		}
	})
	start := time.Now()
	resp, err := c.Get(url)
	if err != nil {
		close(stop)
		wg.Wait()
		return err
	}
	var rows, nbytes int64
	buf := make([]byte, 64<<10)
	var first time.Duration
	for {
		k, err := resp.Body.Read(buf)
		if k > 0 && nbytes == 0 {
			first = time.Since(start)
		}
		nbytes += int64(k)
		for _, b := range buf[:k] {
			if b == '\n' {
				rows++
			}
		}
		if err != nil {
			break
		}
	}
	resp.Body.Close()
	took := time.Since(start)
	close(stop)
	wg.Wait()
	fmt.Fprintf(e.stdout, "%s: %d rows, %.1f MB in %s (first byte after %s, %.0f rows/s); heap in use %.1f MB before, peak %.1f MB\n",
		label, rows-1, float64(nbytes)/1e6, took.Round(time.Millisecond), first.Round(time.Millisecond), float64(rows)/took.Seconds(),
		float64(base.HeapInuse)/1e6, float64(peak.Load())/1e6)
	if rssBefore > 0 {
		fmt.Fprintf(e.stdout, "  resident set: %.1f MB before, peak %.1f MB (the process's, database driver and server included)\n", float64(rssBefore)/1e6, float64(peakRSS())/1e6)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d", url, resp.StatusCode)
	}
	return nil
}
