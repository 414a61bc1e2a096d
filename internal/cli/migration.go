package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/migrate"
)

// Migration commands (docs/migration.md): import a file of another ILL
// system with a preset or a mapping, and export or import everything a
// library owns.
func init() {
	agencyFlag := flagSpec{name: "agency", usage: "the library (agency symbol)"}
	addCommand(&command{name: "import", sub: []*command{
		{name: "csv", args: "FILE", config: true,
			usage: "import another ILL system's transactions, users or lender addresses (--preset illiad, or --mapping FILE); --dry-run reports what would be created and every row that cannot be mapped (docs/migration.md)",
			flags: []flagSpec{agencyFlag,
				{name: "preset", usage: "a built-in mapping: illiad"},
				{name: "mapping", usage: "a mapping file (JSON or CSV) of our fields to the file's columns"},
				{name: "kind", usage: "what the file holds: transactions, users or lenders", def: "transactions"},
				{name: "timezone", usage: "the other system's time zone for dates (default UTC)"},
				{name: "dry-run", boolean: true, usage: "check and report, write nothing"},
				{name: "json", boolean: true, usage: "print the report as JSON"}},
			run: runImportCSV},
		{name: "library", args: "DIR", config: true,
			usage: "import a library exported by 'interlend export library' into an agency with no requests yet",
			flags: []flagSpec{agencyFlag}, run: runImportLibrary},
	}})
	addCommand(&command{name: "export", sub: []*command{
		{name: "library", config: true,
			usage: "write everything a library owns (requests with events and messages, patrons, settings, charges, copyright ledger) as JSON lines and CSV into a directory (docs/migration.md)",
			flags: []flagSpec{agencyFlag, {name: "out", usage: "the directory to write (created; must be empty)"}},
			run:   runExportLibrary},
	}})
}

func runImportCSV(e env, p parsed) error {
	preset, mfile := strings.TrimSpace(p.flag("preset")), strings.TrimSpace(p.flag("mapping"))
	var m *migrate.Mapping
	switch {
	case preset != "" && mfile != "":
		return usageError("give --preset or --mapping, not both")
	case preset != "":
		mk, ok := migrate.Presets[strings.ToLower(preset)]
		if !ok {
			return usageError("unknown preset %q (known: illiad)", preset)
		}
		m = mk()
	case mfile != "":
		f, err := os.Open(mfile)
		if err != nil {
			return exitError{1, fmt.Errorf("cannot open %s: %w", mfile, err)}
		}
		m, err = migrate.LoadMapping(f, filepath.Base(mfile))
		f.Close()
		if err != nil {
			return exitError{1, err}
		}
	default:
		return usageError("give --preset illiad or --mapping FILE")
	}
	kind := migrate.Kind(p.flag("kind"))
	if !slices.Contains(migrate.Kinds, kind) {
		return usageError("--kind is transactions, users or lenders")
	}
	o := app.MigrationOptions{Kind: kind, Mapping: m, DryRun: p.boolFlag("dry-run")}
	if tz := p.flag("timezone"); tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return usageError("--timezone: %v", err)
		}
		o.Location = loc
	}
	return importFileFor(e, p, "csv", func(a *app.App, agency ill.AgencyID, in io.Reader, name string) error {
		rep, err := a.ImportMigration(e.ctx, ill.SystemActor(), agency, in, name, o)
		if err != nil {
			return exitError{1, err}
		}
		if p.boolFlag("json") {
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(rep)
		}
		printMigrationReport(e, rep)
		return nil
	})
}

func printMigrationReport(e env, rep app.MigrationReport) {
	verb := "created"
	if rep.DryRun {
		verb = "would be created"
	}
	fmt.Fprintf(e.stdout, "%s (%s, mapping %s): %d rows read\n", rep.File, rep.Kind, rep.Mapping, rep.Lines)
	keys := make([]string, 0, len(rep.Created))
	for k := range rep.Created {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(e.stdout, "  %-40s %5d\n", k, rep.Created[k])
	}
	fmt.Fprintf(e.stdout, "%d %s, %d already imported, %d skipped, %d rows that cannot be mapped\n",
		rep.Total(), verb, rep.Existing, len(rep.Skipped), len(rep.Problems))
	if len(rep.Missing) > 0 {
		fmt.Fprintf(e.stdout, "columns not in the file (left empty): %s\n", strings.Join(rep.Missing, ", "))
	}
	for _, c := range rep.CopyrightCounts {
		fmt.Fprintf(e.stdout, "copyright count carried over: %d %s %d\n", c.Year, c.Key, c.Count)
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(e.stdout, "%s: line %d: skipped: %s\n", rep.File, s.Line, s.Reason)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(e.stderr, "%s: line %d: warning: %s\n", rep.File, w.Line, w.Reason)
	}
	for _, pr := range rep.Problems {
		num := ""
		if pr.Number != "" {
			num = " (" + pr.Number + ")"
		}
		fmt.Fprintf(e.stderr, "%s: line %d%s: %s\n", rep.File, pr.Line, num, pr.Reason)
	}
}

func runExportLibrary(e env, p parsed) error {
	agency, err := patronsAgency(p)
	if err != nil {
		return err
	}
	out := strings.TrimSpace(p.flag("out"))
	if out == "" {
		return usageError("give the directory to write with --out DIR")
	}
	return withApp(e, p, func(a *app.App) error {
		m, err := a.ExportLibrary(e.ctx, ill.SystemActor(), agency, out)
		if err != nil {
			return exitError{1, err}
		}
		fmt.Fprintf(e.stdout, "%s exported to %s: %s\n", agency, out, m.Summary())
		return nil
	})
}

func runImportLibrary(e env, p parsed) error {
	if len(p.args) != 1 {
		return usageError("import library needs one DIR")
	}
	agency, err := patronsAgency(p)
	if err != nil {
		return err
	}
	return withApp(e, p, func(a *app.App) error {
		m, err := a.ImportLibrary(e.ctx, ill.SystemActor(), agency, p.args[0])
		if err != nil {
			return exitError{1, err}
		}
		fmt.Fprintf(e.stdout, "%s imported from %s: %s\n", agency, p.args[0], m.Summary())
		return nil
	})
}
