package cli

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"interlend/internal/app"
	"interlend/internal/catalog"
	"interlend/internal/ill"
)

// Catalog commands: import a library's catalog file, search the imported
// catalog, summarise, delete and re-index it.
func init() {
	addCommand(&command{name: "import", usage: "import data files (patrons, catalogs, ...)", sub: []*command{
		{name: "marc", args: "FILE", config: true,
			usage: "import or update a library's catalog from MARC 21 (ISO 2709, MARC-8 or UTF-8), MARCXML or CSV (docs/catalog.md); FILE - reads standard input",
			flags: []flagSpec{
				{name: "agency", usage: "the library holding the catalog (any of its ids in the directory, or a hosted agency)"},
				{name: "format", usage: "marc21, marcxml or csv (default: from the file name and its first bytes)"},
				{name: "replace", boolean: true, usage: "the file is the whole catalog: delete the library's records it does not have"},
				{name: "batch", def: strconv.Itoa(catalog.DefaultBatchSize), usage: "records per transaction"},
				{name: "quiet", boolean: true, usage: "print only the summary and errors, no warnings"},
			},
			run: runImportMARC},
	}})
	addCommand(&command{name: "catalog", usage: "the imported catalog: search, summary, delete, re-index", sub: []*command{
		{name: "search", args: "TEXT", config: true, usage: "search by identifier (ISBN, ISSN, OCLC number, LCCN, DOI) or by keywords",
			flags: []flagSpec{{name: "agency", usage: "only this library's records"}, {name: "title", usage: "words of the title"},
				{name: "author", usage: "words of the author"}, {name: "limit", def: "20", usage: "records to show"}},
			run: runCatalogSearch},
		{name: "holders", config: true, usage: "records and items per library", run: runCatalogHolders},
		{name: "delete", config: true, usage: "delete a library's imported catalog", flags: []flagSpec{{name: "agency", usage: "the library"}},
			run: runCatalogDelete},
		{name: "rebuild-index", config: true, usage: "rebuild the keyword index from the records (after a restore)", run: func(e env, p parsed) error {
			return withApp(e, p, func(a *app.App) error {
				start := time.Now()
				if err := a.RebuildCatalogIndex(e.ctx, ill.SystemActor()); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "catalog index rebuilt in %s\n", time.Since(start).Round(time.Millisecond))
				return nil
			})
		}},
	}})
}

func runImportMARC(e env, p parsed) error {
	if len(p.args) != 1 {
		return usageError("import marc needs one FILE (or - for standard input)")
	}
	agency := strings.TrimSpace(p.flag("agency"))
	if agency == "" {
		return usageError("give the library holding the catalog with --agency ID")
	}
	format, err := catalog.ParseFormat(p.flag("format"))
	if err != nil {
		return usageError("%v", err)
	}
	batch, err := strconv.Atoi(p.flag("batch"))
	if err != nil || batch < 1 || batch > 20000 {
		return usageError("--batch takes a whole number from 1 to 20000")
	}
	var in io.Reader = e.stdin
	var size int64
	name := p.args[0]
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return ill.E(ill.Invalid, fmt.Sprintf("cannot open %s", name), err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		in = f
	}
	quiet := p.boolFlag("quiet")
	bar := newProgressBar(e.stdout)
	shown := 0
	return withApp(e, p, func(a *app.App) error {
		rep, err := a.ImportCatalog(e.ctx, ill.SystemActor(), in, catalog.ImportOptions{
			Holder: ill.AgencyID(agency), Format: format, Name: name, Size: size, BatchSize: batch, Replace: p.boolFlag("replace"),
			OnProgress: bar.update,
			OnProblem: func(pr catalog.Problem) {
				if quiet && pr.Warning {
					return
				}
				if shown++; shown <= maxShownProblems {
					bar.clear()
					fmt.Fprintln(e.stderr, pr)
				}
			},
		})
		bar.clear()
		if shown > maxShownProblems {
			fmt.Fprintf(e.stderr, "... and %d more problems\n", shown-maxShownProblems)
		}
		if rep.Format != "" {
			fmt.Fprintln(e.stdout, importSummary(rep))
		}
		return err
	})
}

// maxShownProblems bounds the problems printed; the summary counts all.
const maxShownProblems = 1000

func importSummary(r catalog.Report) string {
	s := fmt.Sprintf("%s catalog of %s: %d records read in %s (%.0f records/s): %d new, %d updated, %d unchanged, %d failed, %d warnings",
		r.Format, r.Holder, r.Read, r.Elapsed.Round(time.Millisecond), r.Rate(), r.Inserted, r.Updated, r.Unchanged, r.Failed, r.Warnings)
	if r.Deleted > 0 {
		s += fmt.Sprintf(", %d deleted (no longer in the file)", r.Deleted)
	}
	return s
}

// progressBar draws the import's progress on a terminal, at most five
// times a second; on anything else it draws nothing (the summary line
// follows at the end).
type progressBar struct {
	w     io.Writer
	tty   bool
	last  time.Time
	drawn bool
}

func newProgressBar(w io.Writer) *progressBar {
	b := &progressBar{w: w}
	if f, ok := w.(*os.File); ok && f == os.Stdout {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			b.tty = true
		}
	}
	return b
}

func (b *progressBar) update(p catalog.Progress) {
	if !b.tty || time.Since(b.last) < 200*time.Millisecond {
		return
	}
	b.last = time.Now()
	b.drawn = true
	fmt.Fprint(b.w, "\r"+progressLine(p)+"\x1b[K")
}

func (b *progressBar) clear() {
	if b.drawn {
		fmt.Fprint(b.w, "\r\x1b[K")
		b.drawn = false
	}
}

// progressLine is "[#####.....]  42.0%  420,000 records  9,876/s  ETA 1:02"
// (without the bar and ETA when the size is unknown).
func progressLine(p catalog.Progress) string {
	const width = 30
	counts := fmt.Sprintf("%s records  %s/s  %d failed", thousands(p.Read), thousands(int(p.Rate())), p.Failed)
	if p.Size <= 0 {
		return counts
	}
	frac := min(float64(p.Bytes)/float64(p.Size), 1)
	filled := int(frac * width)
	eta := ""
	if frac > 0 {
		left := time.Duration(float64(p.Elapsed) * (1 - frac) / frac).Round(time.Second)
		eta = fmt.Sprintf("  ETA %d:%02d", int(left.Minutes()), int(left.Seconds())%60)
	}
	return fmt.Sprintf("[%s%s] %5.1f%%  %s%s", strings.Repeat("#", filled), strings.Repeat(".", width-filled), frac*100, counts, eta)
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func runCatalogSearch(e env, p parsed) error {
	limit, err := strconv.Atoi(p.flag("limit"))
	if err != nil || limit < 1 || limit > 500 {
		return usageError("--limit takes a whole number from 1 to 500")
	}
	s := app.CatalogSearch{Text: strings.Join(p.args, " "), Title: p.flag("title"), Author: p.flag("author"), Limit: limit}
	if s.Text == "" && s.Title == "" && s.Author == "" {
		return usageError("catalog search needs TEXT, --title or --author")
	}
	return withApp(e, p, func(a *app.App) error {
		if ag := p.flag("agency"); ag != "" {
			holder, err := a.CatalogHolder(e.ctx, ag)
			if err != nil {
				return err
			}
			s.Holders = []ill.AgencyID{holder}
		}
		recs, err := a.SearchCatalog(e.ctx, ill.SystemActor(), s)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "HOLDER\tID\tTITLE\tAUTHOR\tYEAR\tCALL NUMBER\tLENDABLE")
		for _, r := range recs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%d/%d\n", r.Holder, r.ID, clip(r.Title, 60), clip(r.Author, 30), r.Year, r.CallNumber, r.Counts.Lendable, r.Counts.Items)
		}
		return tw.Flush()
	})
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func runCatalogHolders(e env, p parsed) error {
	return withApp(e, p, func(a *app.App) error {
		hs, err := a.CatalogHolders(e.ctx, ill.SystemActor())
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "HOLDER\tRECORDS\tSERIALS\tITEMS\tUPDATED")
		for _, h := range hs {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\n", h.Holder, h.Records, h.Serials, h.Items, time.UnixMicro(h.Updated).UTC().Format(time.RFC3339))
		}
		return tw.Flush()
	})
}

func runCatalogDelete(e env, p parsed) error {
	ag := strings.TrimSpace(p.flag("agency"))
	if ag == "" {
		return usageError("give the library with --agency ID")
	}
	return withApp(e, p, func(a *app.App) error {
		n, err := a.DeleteCatalog(e.ctx, ill.SystemActor(), ag)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "deleted %d catalog records of %s\n", n, ag)
		return nil
	})
}
