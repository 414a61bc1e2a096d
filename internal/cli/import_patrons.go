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
	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/patron"
)

// Patron and ILS commands: import a patron file, set up the nightly file
// drop, patron categories, and the agency's ILS connection.
func init() {
	agencyFlag := flagSpec{name: "agency", usage: "the library (agency symbol) the patrons belong to"}
	addCommand(&command{name: "import", usage: "import data files (patrons, ...)", sub: []*command{
		{name: "patrons", args: "FILE", config: true,
			usage: "import or update patrons from a CSV file (docs/patrons-import.md); bad lines are reported by number and skipped",
			flags: []flagSpec{agencyFlag, {name: "dry-run", boolean: true, usage: "check the file and count what would change; change nothing"}},
			run:   runImportPatrons},
	}})
	addCommand(&command{name: "patrons", usage: "patron file drop and categories", sub: []*command{
		{name: "sync-file", config: true, usage: "set (or with --off, stop) the agency's nightly patron file",
			flags: []flagSpec{agencyFlag, {name: "path", usage: "absolute path of the CSV file on this server"},
				{name: "hour", usage: "hour of the day (UTC) to read it", def: "2"}, {name: "off", boolean: true, usage: "stop reading a nightly file"}},
			run: runPatronSyncFile},
		{name: "sync-now", config: true, usage: "read the agency's patron file now (if it changed)", flags: []flagSpec{agencyFlag},
			run: runPatronSyncNow},
		{name: "categories", config: true, usage: "print the agency's patron categories as JSON, or set them from --file",
			flags: []flagSpec{agencyFlag, {name: "file", usage: "JSON file with the categories to store"}},
			run:   runPatronCategories},
	}})
	addCommand(&command{name: "ils", usage: "the agency's ILS connection (docs/ils.md)", sub: []*command{
		{name: "show", config: true, usage: "print the agency's ILS settings as JSON (the secret hidden)", flags: []flagSpec{agencyFlag},
			run: runILSShow},
		{name: "set", config: true, usage: "store the agency's ILS settings from a JSON file",
			flags: []flagSpec{agencyFlag, {name: "file", usage: "JSON file with the settings"},
				{name: "secret-file", usage: "read the NCIP password or token from this file"},
				{name: "secret-stdin", boolean: true, usage: "read the NCIP password or token from standard input"}},
			run: runILSSet},
		{name: "test", config: true, usage: "look a patron up through the agency's ILS and print what it says",
			flags: []flagSpec{agencyFlag, {name: "patron", usage: "the patron's barcode or id"}},
			run:   runILSTest},
	}})
}

func patronsAgency(p parsed) (ill.AgencyID, error) {
	a := strings.TrimSpace(p.flag("agency"))
	if a == "" {
		return "", usageError("give the library with --agency ID")
	}
	return ill.AgencyID(a), nil
}

func runImportPatrons(e env, p parsed) error {
	if len(p.args) != 1 {
		return usageError("import patrons needs one FILE (- for standard input)")
	}
	agency, err := patronsAgency(p)
	if err != nil {
		return err
	}
	var in io.Reader = e.stdin
	name := "stdin"
	if p.args[0] != "-" {
		f, err := os.Open(p.args[0])
		if err != nil {
			return exitError{1, fmt.Errorf("cannot open the patron file: %w", err)}
		}
		defer f.Close()
		in, name = f, filepath.Base(p.args[0])
	}
	return withApp(e, p, func(a *app.App) error {
		opts := app.PatronImportOptions{DryRun: p.boolFlag("dry-run"), OnProblem: func(le patron.LineError) {
			fmt.Fprintf(e.stderr, "%s: line %d: %s\n", name, le.Line, le.Msg)
		}}
		sum, err := a.ImportPatrons(e.ctx, ill.SystemActor(), agency, bufio.NewReaderSize(in, 256<<10), name, opts)
		if err != nil && sum.Stopped == "" {
			return err // refused whole: nothing was read
		}
		patronsPrintSummary(e.stdout, sum)
		if err != nil {
			return exitError{1, err} // stopped part-way
		}
		return nil
	})
}

func patronsPrintSummary(w io.Writer, s app.PatronImportSummary) {
	verb := "imported"
	if s.DryRun {
		verb = "checked (dry run, nothing changed)"
	}
	fmt.Fprintf(w, "%s %s: %d lines, %d new, %d updated, %d unchanged, %d bad\n", s.File, verb, s.Rows, s.Created, s.Updated, s.Unchanged, s.Bad)
	if s.Blocked+s.Unblocked > 0 {
		fmt.Fprintf(w, "blocks from the file: %d placed or changed, %d lifted\n", s.Blocked, s.Unblocked)
	}
	if len(s.Ignored) > 0 {
		fmt.Fprintf(w, "columns ignored: %s\n", strings.Join(s.Ignored, ", "))
	}
	if s.Stopped != "" {
		fmt.Fprintf(w, "stopped early: %s\n", s.Stopped)
	}
}

func runPatronSyncFile(e env, p parsed) error {
	agency, err := patronsAgency(p)
	if err != nil {
		return err
	}
	s := app.PatronSyncSettings{Path: p.flag("path")}
	if s.Hour, err = strconv.Atoi(p.flag("hour")); err != nil {
		return usageError("--hour must be a number from 0 to 23")
	}
	switch {
	case p.boolFlag("off"):
		s.Path = ""
	case s.Path == "":
		return usageError("give the file with --path, or --off to stop")
	default:
		if s.Path, err = filepath.Abs(s.Path); err != nil {
			return err
		}
	}
	return withApp(e, p, func(a *app.App) error {
		if err := a.SetPatronSync(e.ctx, ill.SystemActor(), agency, s); err != nil {
			return err
		}
		if s.Path == "" {
			fmt.Fprintf(e.stdout, "%s: no nightly patron file\n", agency)
		} else {
			fmt.Fprintf(e.stdout, "%s: %s is read every day at %02d:00 UTC when it changed\n", agency, s.Path, s.Hour)
		}
		return nil
	})
}

func runPatronSyncNow(e env, p parsed) error {
	agency, err := patronsAgency(p)
	if err != nil {
		return err
	}
	return withApp(e, p, func(a *app.App) error {
		out, err := a.SyncPatronsNow(e.ctx, ill.SystemActor(), agency)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: %s", agency, out.Outcome)
		if out.Outcome == app.SyncImported {
			fmt.Fprintf(e.stdout, " (%d lines, %d new, %d updated, %d unchanged, %d bad)", out.Rows, out.Created, out.Updated, out.Unchanged, out.Bad)
		}
		if out.Message != "" {
			fmt.Fprintf(e.stdout, ": %s", out.Message)
		}
		fmt.Fprintln(e.stdout)
		return nil
	})
}

func runPatronCategories(e env, p parsed) error {
	agency, err := patronsAgency(p)
	if err != nil {
		return err
	}
	return withApp(e, p, func(a *app.App) error {
		if f := p.flag("file"); f != "" {
			b, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			pol, err := patron.ParsePolicy(b)
			if err != nil {
				return err
			}
			if err := a.SetPatronPolicy(e.ctx, ill.SystemActor(), agency, pol); err != nil {
				return err
			}
		}
		pol, err := a.PatronPolicy(e.ctx, agency)
		if err != nil {
			return err
		}
		return patronsPrintJSON(e.stdout, pol)
	})
}

func runILSShow(e env, p parsed) error {
	agency, err := patronsAgency(p)
	if err != nil {
		return err
	}
	return withApp(e, p, func(a *app.App) error {
		s, secretSet, err := a.ILSSettings(e.ctx, ill.SystemActor(), agency)
		if err != nil {
			return err
		}
		if secretSet {
			s.Secret = "(set)"
		}
		return patronsPrintJSON(e.stdout, s)
	})
}

func runILSSet(e env, p parsed) error {
	agency, err := patronsAgency(p)
	if err != nil {
		return err
	}
	if p.flag("file") == "" {
		return usageError("give the settings with --file FILE (see `interlend ils show`)")
	}
	b, err := os.ReadFile(p.flag("file"))
	if err != nil {
		return err
	}
	var s ils.Settings
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return ill.E(ill.Invalid, "the ILS settings file is not valid JSON: "+err.Error())
	}
	if s.Secret == "(set)" {
		s.Secret = ""
	}
	switch {
	case p.flag("secret-file") != "":
		sec, err := os.ReadFile(p.flag("secret-file"))
		if err != nil {
			return err
		}
		s.Secret = strings.TrimRight(string(sec), "\r\n")
	case p.boolFlag("secret-stdin"):
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("no secret on standard input")
		}
		s.Secret = strings.TrimRight(line, "\r\n")
	}
	return withApp(e, p, func(a *app.App) error {
		if err := a.SetILSSettings(e.ctx, ill.SystemActor(), agency, s); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: ILS settings stored (%s)\n", agency, s)
		return nil
	})
}

func runILSTest(e env, p parsed) error {
	agency, err := patronsAgency(p)
	if err != nil {
		return err
	}
	if p.flag("patron") == "" {
		return usageError("give a patron's barcode with --patron")
	}
	return withApp(e, p, func(a *app.App) error {
		d, err := a.ILSFor(e.ctx, agency)
		if err != nil {
			return err
		}
		u, err := d.LookupUser(e.ctx, ils.LookupUserInput{Patron: p.flag("patron")})
		fmt.Fprintf(e.stdout, "driver: %s\n", d.Name())
		if u.ID != "" {
			fmt.Fprintf(e.stdout, "patron: %s\nname: %s\nemail: %s\ncategory: %s\n", u.ID, u.Name, u.Email, u.Category)
			if !u.Expires.IsZero() {
				fmt.Fprintf(e.stdout, "valid until: %s\n", u.Expires.Format("2006-01-02"))
			}
			for _, b := range u.Blocks {
				fmt.Fprintf(e.stdout, "block: %s\n", b)
			}
		}
		if ie, ok := err.(*ils.Error); ok {
			return exitError{1, fmt.Errorf("%s", ie.StaffMessage())}
		}
		return err
	})
}

func patronsPrintJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
