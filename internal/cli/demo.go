package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"text/tabwriter"
	"time"

	"interlend/internal/app"
	"interlend/internal/demo"
)

// demoMarker marks a folder as the demo's own, so that resetting it never
// deletes a real data folder by mistake.
const demoMarker = ".interlend-demo"

func demoCommand() *command {
	return &command{name: "demo", usage: "serve a freshly seeded demo consortium (SQLite in ./interlend-demo-data by default)", config: true,
		flags: []flagSpec{{name: "keep", boolean: true, usage: "keep the existing demo data instead of starting fresh"}},
		run: func(e env, p parsed) error {
			if _, ok := p.config["data-dir"]; !ok && e.getenv("INTERLEND_DATA_DIR") == "" {
				p.config["data-dir"] = "./interlend-demo-data"
			}
			cfg, err := loadConfig(e, p)
			if err != nil {
				return err
			}
			if cfg.IsPostgres() {
				return usageError("the demo runs on SQLite; to try PostgreSQL, run `serve --db ...` and seed accounts with `interlend user add`")
			}
			fresh := !p.boolFlag("keep")
			if fresh {
				if err := resetDemoDir(cfg.DataDir); err != nil {
					return err
				}
			}
			start := time.Now()
			return serve(e, cfg, func(a *app.App) error {
				var w *demo.World
				if fresh {
					var err error
					if w, err = demo.Seed(e.ctx, a); err != nil {
						return err
					}
				}
				// Seeding hashed many passwords (argon2id needs memory): give it back.
				debug.FreeOSMemory()
				printDemo(e, cfg.BaseURL, w, time.Since(start))
				return nil
			})
		}}
}

// resetDemoDir empties a demo data folder: only one that is new, empty or
// carries the demo marker.
func resetDemoDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case os.IsNotExist(err):
	case err != nil:
		return err
	case len(entries) > 0:
		if _, err := os.Stat(filepath.Join(dir, demoMarker)); err != nil {
			return fmt.Errorf("%s is not empty and is not a demo folder; refusing to reset it (use another --data-dir)", dir)
		}
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, demoMarker), []byte("This folder holds Interlend demo data and is reset by `interlend demo`.\n"), 0o600)
}

func printDemo(e env, url string, w *demo.World, took time.Duration) {
	fmt.Fprintf(e.stdout, "\nInterlend demo is ready at %s (seeded in %s)\n", url, took.Round(time.Millisecond))
	if w == nil {
		fmt.Fprintln(e.stdout, "Existing demo data kept; logins as before.")
		return
	}
	fmt.Fprintf(e.stdout, "Every demo login has the password: %s\n\n", demo.Password)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LOGIN\tROLE\tLIBRARY")
	for _, l := range w.Logins {
		ag := string(l.Agency)
		if ag == "" {
			ag = "(all)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", l.Email, l.Role, ag)
	}
	tw.Flush()
	fmt.Fprintln(e.stdout, "\nPress Ctrl-C to stop.")
}
