package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"interlend/internal/app"
	"interlend/internal/calendar"
	"interlend/internal/ill"
	"interlend/internal/routing"
	"interlend/internal/sim"
)

// `interlend sim` runs the routing simulator (internal/sim) and prints
// its report; `interlend rates` manages the dated exchange rates routing
// converts lenders' charges with (docs/routing.md).
func init() {
	addCommand(&command{name: "sim", args: "",
		usage: "simulate a network of libraries: score-based routing against a staff-style lender string (docs/routing.md)",
		flags: []flagSpec{
			{name: "config", usage: "world and workload file (JSON; default: the built-in world, internal/sim/world.json)"},
			{name: "seeds", usage: "comma-separated seeds (default: the configuration's five)"},
			{name: "requests", usage: "requests per seed (default: the configuration's)"},
			{name: "parallel", def: "2", usage: "seeds simulated at once"},
			{name: "json", boolean: true, usage: "print the results as JSON"},
			{name: "print-config", boolean: true, usage: "print the configuration and stop (a starting point for --config)"},
		},
		run: runSim})
	addCommand(&command{name: "rates", usage: "exchange rates routing converts charges with", sub: []*command{
		{name: "list", config: true, usage: "list the stored rates",
			run: func(e env, p parsed) error {
				return withApp(e, p, func(a *app.App) error {
					rs, err := a.ExchangeRates(e.ctx, ill.SystemActor())
					if err != nil {
						return err
					}
					return writeRates(e.stdout, rs)
				})
			}},
		{name: "set", args: "FROM TO RATE", config: true, usage: "store a rate: one FROM is worth RATE TO from --on",
			flags: []flagSpec{{name: "on", usage: "the date the rate applies from (YYYY-MM-DD; default today)"}, {name: "source", usage: "where the rate comes from"}},
			run: func(e env, p parsed) error {
				if len(p.args) != 3 {
					return usageError("rates set FROM TO RATE: give two currencies and the rate, e.g. EUR USD 1.0842")
				}
				on := calendar.DateOf(time.Now().UTC())
				if s := p.flag("on"); s != "" {
					d, err := calendar.ParseDate(s)
					if err != nil {
						return usageError("--on %q: want a date such as 2026-03-02", s)
					}
					on = d
				}
				r := routing.Rate{From: p.args[0], To: p.args[1], Value: p.args[2], On: on, Source: p.flag("source")}
				if err := r.Validate(); err != nil {
					return usageError("%v", err)
				}
				return withApp(e, p, func(a *app.App) error {
					if err := a.PutExchangeRate(e.ctx, ill.SystemActor(), r); err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "1 %s = %s %s from %s\n", r.From, r.Value, r.To, r.On)
					return nil
				})
			}},
		{name: "import", args: "FILE", config: true, usage: "store the rates of a CSV file (columns from,to,rate,on[,source]; - reads standard input); a bad line stores nothing",
			run: func(e env, p parsed) error {
				if len(p.args) != 1 {
					return usageError("rates import FILE: give one CSV file")
				}
				var in io.Reader = e.stdin
				if p.args[0] != "-" {
					f, err := os.Open(p.args[0])
					if err != nil {
						return err
					}
					defer f.Close()
					in = f
				}
				rs, err := readRates(in)
				if err != nil {
					return exitError{1, err}
				}
				return withApp(e, p, func(a *app.App) error {
					for _, r := range rs {
						if err := a.PutExchangeRate(e.ctx, ill.SystemActor(), r); err != nil {
							return err
						}
					}
					fmt.Fprintf(e.stdout, "stored %d rates\n", len(rs))
					return nil
				})
			}},
		{name: "delete", args: "FROM TO DATE", config: true, usage: "remove the rate of a pair from a date",
			run: func(e env, p parsed) error {
				if len(p.args) != 3 {
					return usageError("rates delete FROM TO DATE")
				}
				d, err := calendar.ParseDate(p.args[2])
				if err != nil {
					return usageError("date %q: want YYYY-MM-DD", p.args[2])
				}
				return withApp(e, p, func(a *app.App) error {
					return a.DeleteExchangeRate(e.ctx, ill.SystemActor(), p.args[0], p.args[1], d)
				})
			}},
	}})
}

func runSim(e env, p parsed) error {
	c := sim.DefaultConfig()
	if f := p.flag("config"); f != "" {
		var err error
		if c, err = sim.LoadConfig(f); err != nil {
			return exitError{1, err}
		}
	}
	if p.boolFlag("print-config") {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	}
	var o sim.Options
	if s := p.flag("seeds"); s != "" {
		for _, part := range strings.Split(s, ",") {
			n, err := strconv.ParseUint(strings.TrimSpace(part), 10, 64)
			if err != nil {
				return usageError("--seeds %q: want whole numbers separated by commas", s)
			}
			o.Seeds = append(o.Seeds, n)
		}
	}
	if s := p.flag("requests"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return usageError("--requests %q: want a positive whole number", s)
		}
		o.Requests = n
	}
	n, err := strconv.Atoi(p.flag("parallel"))
	if err != nil || n <= 0 {
		return usageError("--parallel %q: want a positive whole number", p.flag("parallel"))
	}
	o.Parallel = n
	rep, err := sim.Run(e.ctx, c, o)
	if err != nil {
		return exitError{1, err}
	}
	if p.boolFlag("json") {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return rep.Write(e.stdout)
}

func writeRates(out io.Writer, rs []routing.Rate) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "from\tto\trate\tfrom date\tsource")
	for _, r := range rs {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.From, r.To, r.Value, r.On, r.Source)
	}
	return w.Flush()
}

// readRates reads a rates CSV (routing.ReadRatesCSV: the web page reads
// the same files).
func readRates(in io.Reader) ([]routing.Rate, error) { return routing.ReadRatesCSV(in) }
