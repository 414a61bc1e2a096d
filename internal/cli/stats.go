package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/stats"
)

// `interlend stats rebuild|refresh|export`: the statistics from the
// command line. The figures live in stats_* tables computed from the
// event log; rebuild recomputes them all (after an upgrade that changes a
// definition, or to check them), refresh brings them up to date as the
// server does every minute, export writes the CSV the web page offers.
func init() {
	addCommand(&command{name: "stats", usage: "statistics: rebuild them from the event log, refresh them, export them", sub: []*command{
		{name: "rebuild", config: true, usage: "recompute every library's statistics (or one's) from the event log",
			flags: []flagSpec{{name: "agency", usage: "only this library"}},
			run: func(e env, p parsed) error {
				return withApp(e, p, func(a *app.App) error {
					last := time.Now()
					res, err := a.RebuildStats(e.ctx, ill.AgencyID(p.flag("agency")), func(done int) {
						if time.Since(last) > 2*time.Second {
							last = time.Now()
							fmt.Fprintf(e.stderr, "  %d requests...\n", done)
						}
					})
					if err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "rebuilt the statistics of %d requests of %d libraries in %s\n", res.Requests, res.Agencies, res.Took.Round(time.Millisecond))
					return nil
				})
			}},
		{name: "refresh", config: true, usage: "bring the statistics up to date with the event log (the server does this every minute)",
			run: func(e env, p parsed) error {
				return withApp(e, p, func(a *app.App) error {
					res, err := a.RefreshStats(e.ctx)
					if err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "read %d events, wrote the statistics of %d requests; complete up to event %d\n", res.Events, res.Requests, res.Watermark)
					return nil
				})
			}},
		{name: "export", args: "requests|events", config: true,
			usage: "write a library's requests (with per-stage times) or raw events of a period as spreadsheet-safe CSV",
			flags: []flagSpec{
				{name: "agency", usage: "the library (required)"},
				{name: "period", def: string(stats.Last12Months), usage: "30d, month, lastmonth, lastquarter, 12m, fy or lastfy"},
				{name: "from", usage: "first day (YYYY-MM-DD; with --to, instead of --period)"},
				{name: "to", usage: "last day (YYYY-MM-DD)"},
				{name: "identity", boolean: true, usage: "include patron barcodes, names and emails (requests) or event data (events)"},
				{name: "out", usage: "file to write (default: standard output)"},
			},
			run: runStatsExport},
	}})
	addScreenshot(
		screenshot{Name: "stats-dashboard", As: "manager@exsup.example", Path: "/stats?period=12m"},
		screenshot{Name: "stats-measures", As: "manager@exsup.example", Path: "/stats/measures?period=12m"},
		screenshot{Name: "stats-collection", As: "manager@exsup.example", Path: "/stats/collection"},
		screenshot{Name: "stats-survey", As: "manager@exsup.example", Path: "/stats/survey"},
		screenshot{Name: "stats-consortium", As: "admin@demo.example", Path: "/stats?period=12m&scope=consortium"},
	)
}

func runStatsExport(e env, p parsed) error {
	if len(p.args) != 1 || p.args[0] != "requests" && p.args[0] != "events" {
		return usageError("say what to export: interlend stats export requests|events --agency X")
	}
	ag := ill.AgencyID(p.flag("agency"))
	if ag == "" {
		return usageError("--agency is required")
	}
	q := app.StatsQuery{Agency: ag, Preset: stats.Preset(p.flag("period"))}
	if p.flag("from") != "" || p.flag("to") != "" {
		from, err1 := time.Parse(time.DateOnly, p.flag("from"))
		to, err2 := time.Parse(time.DateOnly, p.flag("to"))
		if err1 != nil || err2 != nil {
			return usageError("--from and --to take dates written YYYY-MM-DD, both")
		}
		q.From, q.To, q.Preset = from, to, ""
	}
	return withApp(e, p, func(a *app.App) error {
		var w io.Writer = e.stdout
		var f *os.File
		if out := p.flag("out"); out != "" {
			var err error
			if f, err = os.Create(out); err != nil {
				return err
			}
			defer f.Close()
			w = f
		}
		bw := bufio.NewWriterSize(w, 64<<10)
		actor := ill.SystemActor()
		actor.Agency = ag
		var err error
		if p.args[0] == "requests" {
			err = a.ExportStatsRequests(e.ctx, actor, q, p.boolFlag("identity"), bw, nil)
		} else {
			err = a.ExportStatsEvents(e.ctx, actor, q, p.boolFlag("identity"), bw, nil)
		}
		if err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		if f != nil {
			return f.Close()
		}
		return nil
	})
}
