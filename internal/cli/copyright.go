package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"interlend/internal/app"
	"interlend/internal/copyright"
	"interlend/internal/ill"
)

// Copyright commands: import e-holdings (KBART), licence terms and counts
// kept elsewhere; print the yearly report; purge the ledger now.
func init() {
	agencyFlag := flagSpec{name: "agency", usage: "the library (agency symbol)"}
	addCommand(&command{name: "import", usage: "import data files (patrons, catalogs, ...)", sub: []*command{
		{name: "kbart", args: "FILE", config: true,
			usage: "import a KBART file as the e-holdings of a package (replacing the package); bad rows are reported by line and skipped (docs/copyright.md)",
			flags: []flagSpec{agencyFlag, {name: "package", usage: "the package the file describes (default: the file's name)"}},
			run:   runImportKBART},
		{name: "licence-terms", args: "FILE", config: true,
			usage: "import the licence terms CSV (ILL allowed as print, electronic, secure electronic or not at all, per package or title), replacing those on record",
			flags: []flagSpec{agencyFlag}, run: runImportLicenceTerms},
		{name: "copyright-counts", args: "FILE", config: true,
			usage: "import copy counts kept elsewhere (CSV journal_title, issn, year, count; or --format illiad for an ILLiad export)",
			flags: []flagSpec{agencyFlag, {name: "format", usage: "csv or illiad", def: "csv"}}, run: runImportCounts},
	}})
	addCommand(&command{name: "copyright", usage: "the copyright ledger (docs/copyright.md)", sub: []*command{
		{name: "report", config: true, usage: "print the yearly report of copies per title as CSV (or --json)",
			flags: []flagSpec{agencyFlag, {name: "year", usage: "calendar year (default: this year)"}, {name: "json", boolean: true, usage: "print JSON"}},
			run:   runCopyrightReport},
		{name: "purge", config: true, usage: "delete the ledger rows whose retention has run out (the nightly job does this too)", run: runCopyrightPurge},
	}})
}

func openArg(e env, arg string) (io.Reader, string, func(), error) {
	if arg == "-" {
		return e.stdin, "stdin", func() {}, nil
	}
	f, err := os.Open(arg)
	if err != nil {
		return nil, "", nil, exitError{1, fmt.Errorf("cannot open %s: %w", arg, err)}
	}
	return bufio.NewReaderSize(f, 256<<10), filepath.Base(arg), func() { f.Close() }, nil
}

func printProblems(e env, name string, ps []copyright.LineError) {
	for _, p := range ps {
		fmt.Fprintf(e.stderr, "%s: line %d: %s\n", name, p.Line, p.Msg)
	}
}

// importFileFor runs an agency's import of one FILE argument (- for
// standard input): the argument and the agency checked, the file opened,
// then run with the app, the file and its name.
func importFileFor(e env, p parsed, what string, run func(a *app.App, agency ill.AgencyID, in io.Reader, name string) error) error {
	if len(p.args) != 1 {
		return usageError("import %s needs one FILE (- for standard input)", what)
	}
	agency, err := patronsAgency(p)
	if err != nil {
		return err
	}
	in, name, done, err := openArg(e, p.args[0])
	if err != nil {
		return err
	}
	defer done()
	return withApp(e, p, func(a *app.App) error { return run(a, agency, in, name) })
}

func runImportKBART(e env, p parsed) error {
	return importFileFor(e, p, "kbart", func(a *app.App, agency ill.AgencyID, in io.Reader, name string) error {
		pkg := strings.TrimSpace(p.flag("package"))
		if pkg == "" {
			pkg = strings.TrimSuffix(strings.TrimSuffix(name, ".txt"), ".tsv")
		}
		res, err := a.ImportKBART(e.ctx, ill.SystemActor(), agency, pkg, in)
		if err != nil {
			return exitError{1, err}
		}
		printProblems(e, name, res.Problems)
		fmt.Fprintf(e.stdout, "package %s: %d titles imported (replacing %d), %d rows with problems\n", res.Package, res.Titles, res.Replaced, len(res.Problems))
		return nil
	})
}

func runImportLicenceTerms(e env, p parsed) error {
	return importFileFor(e, p, "licence-terms", func(a *app.App, agency ill.AgencyID, in io.Reader, name string) error {
		n, problems, err := a.ImportLicenceTerms(e.ctx, ill.SystemActor(), agency, in)
		printProblems(e, name, problems)
		if err != nil {
			return exitError{1, err}
		}
		fmt.Fprintf(e.stdout, "%d licence terms imported, %d rows with problems\n", n, len(problems))
		return nil
	})
}

func runImportCounts(e env, p parsed) error {
	return importFileFor(e, p, "copyright-counts", func(a *app.App, agency ill.AgencyID, in io.Reader, name string) error {
		res, err := a.ImportPriorCounts(e.ctx, ill.SystemActor(), agency, p.flag("format"), in)
		printProblems(e, name, res.Problems)
		if err != nil {
			return exitError{1, err}
		}
		for _, n := range res.Notes {
			fmt.Fprintln(e.stderr, n)
		}
		fmt.Fprintf(e.stdout, "%d counts imported (%d rows skipped), %d rows with problems\n", len(res.Counts), res.Skipped, len(res.Problems))
		return nil
	})
}

func runCopyrightReport(e env, p parsed) error {
	agency, err := patronsAgency(p)
	if err != nil {
		return err
	}
	year := 0
	if s := p.flag("year"); s != "" {
		if year, err = strconv.Atoi(s); err != nil {
			return usageError("--year is a year such as 2026")
		}
	}
	return withApp(e, p, func(a *app.App) error {
		actor := ill.SystemActor()
		actor.Agency = agency
		rep, err := a.CopyrightYearReport(e.ctx, actor, year)
		if err != nil {
			return err
		}
		if p.boolFlag("json") {
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(rep)
		}
		return rep.WriteCSV(e.stdout)
	})
}

func runCopyrightPurge(e env, p parsed) error {
	return withApp(e, p, func(a *app.App) error {
		n, err := a.PurgeCopyright(e.ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%d ledger rows purged\n", n)
		return nil
	})
}
