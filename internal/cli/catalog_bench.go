package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"interlend/internal/app"
	"interlend/internal/catalog"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/marc"
	"interlend/internal/marc/marcgen"
	"interlend/internal/store"
)

// bench catalog: generate a catalog of realistic shape, import it, and
// time identifier and keyword lookups.
func init() {
	addCommand(&command{name: "bench", usage: "measure this deployment", sub: []*command{
		{name: "catalog", config: true,
			usage: "catalog import and lookups: generate N MARC records (marcgen's default mix), import them, time identifier and keyword lookups (p50/p99)",
			flags: []flagSpec{
				{name: "n", def: "1000000", usage: "records to generate"},
				{name: "file", usage: "MARC file to use (default <data-dir>/bench-catalog-<n>.mrc, generated when missing)"},
				{name: "seed", def: "1", usage: "generator seed"},
				{name: "agency", def: "US-BENCH", usage: "library the catalog is imported for (added to the directory when missing)"},
				{name: "skip-import", boolean: true, usage: "only time lookups on what is already imported"},
				{name: "queries", def: "2000", usage: "lookups timed per kind (after as many to warm up)"},
			},
			run: runBenchCatalog},
	}})
}

func runBenchCatalog(e env, p parsed) error {
	n, err1 := strconv.Atoi(p.flag("n"))
	seed, err2 := strconv.ParseInt(p.flag("seed"), 10, 64)
	queries, err3 := strconv.Atoi(p.flag("queries"))
	if err1 != nil || err2 != nil || err3 != nil || n <= 0 || queries <= 0 {
		return usageError("--n, --seed and --queries take positive whole numbers")
	}
	cfg, err := loadConfig(e, p)
	if err != nil {
		return err
	}
	file := p.flag("file")
	if file == "" {
		file = filepath.Join(cfg.DataDir, fmt.Sprintf("bench-catalog-%d-%d.mrc", n, seed))
	}
	if _, err := os.Stat(file); errors.Is(err, os.ErrNotExist) {
		if err := benchGenerate(e, file, n, seed); err != nil {
			return err
		}
	}
	agency := ill.AgencyID(p.flag("agency"))
	return withApp(e, p, func(a *app.App) error {
		sys := ill.SystemActor()
		if _, err := a.Library(e.ctx, string(agency)); ill.Is(err, ill.NotFound) {
			if _, err := a.PutDirectoryEntry(e.ctx, sys, directory.Entry{ID: agency, Name: "Benchmark library"}); err != nil {
				return err
			}
		}
		fmt.Fprintf(e.stdout, "engine=%s file=%s\n", a.DB.Engine(), file)
		if !p.boolFlag("skip-import") {
			f, err := os.Open(file)
			if err != nil {
				return err
			}
			st, _ := f.Stat()
			bar := newProgressBar(e.stdout)
			rep, err := a.ImportCatalog(e.ctx, sys, f, catalog.ImportOptions{Holder: agency, Name: file, Size: st.Size(), OnProgress: bar.update})
			f.Close()
			bar.clear()
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, "import: "+importSummary(rep))
		}
		sample, err := benchSample(file, queries*2, seed)
		if err != nil {
			return err
		}
		if len(sample) == 0 {
			return errors.New("bench catalog: the file has no readable records")
		}
		return benchLookups(e, a, sample, queries)
	})
}

func benchGenerate(e env, file string, n int, seed int64) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o750); err != nil {
		return err
	}
	tmp := file + ".partial"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	start := time.Now()
	st, err := marcgen.Generate(f, n, seed, marcgen.DefaultOptions())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	fmt.Fprintf(e.stdout, "generated %s: %d records (%d serials, %d non-ASCII, %d MARC-8, %d broken), %d items, %.1f MB in %s\n",
		file, st.Records, st.Serials, st.NonASCII, st.MARC8, st.Broken, st.Items, float64(st.Bytes)/1e6, time.Since(start).Round(time.Millisecond))
	return os.Rename(tmp, file)
}

// benchSample reads the file and keeps a uniform sample of k holdings
// (reservoir sampling, constant memory).
func benchSample(file string, k int, seed int64) ([]*marc.Holding, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	rd := marc.NewReader(f)
	var out []*marc.Holding
	seen := 0
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		var re *marc.RecordError
		if errors.As(err, &re) {
			continue
		}
		if err != nil {
			return nil, err
		}
		seen++
		if len(out) < k {
			out = append(out, marc.ToHolding(rec))
		} else if j := rng.IntN(seen); j < k {
			out[j] = marc.ToHolding(rec)
		}
	}
}

// benchLookups times each kind of lookup over the sample: the first half
// warms the caches, the second half is measured.
func benchLookups(e env, a *app.App, sample []*marc.Holding, queries int) error {
	idx := a.CatalogIndex()
	local := catalog.Local{Index: idx}
	rng := rand.New(rand.NewPCG(3, 5))
	type kind struct {
		name string
		run  func(h *marc.Holding) (int, error)
	}
	byID := func(k catalog.IDKind, pick func(h *marc.Holding) string) func(h *marc.Holding) (int, error) {
		return func(h *marc.Holding) (int, error) {
			v := pick(h)
			if v == "" {
				return -1, nil
			}
			recs, err := idx.ByIdentifiers(e.ctx, []catalog.Identifier{{Kind: k, Value: v}}, 50)
			return len(recs), err
		}
	}
	first := func(vs []string) string {
		if len(vs) == 0 {
			return ""
		}
		return vs[0]
	}
	search := func(q catalog.Query) (int, error) {
		recs, err := idx.Search(e.ctx, q)
		return len(recs), err
	}
	kinds := []kind{
		{"isbn", byID(catalog.KindISBN, func(h *marc.Holding) string { return first(h.ISBNs) })},
		{"issn", byID(catalog.KindISSN, func(h *marc.Holding) string { return first(h.ISSNs) })},
		{"oclc", byID(catalog.KindOCLC, func(h *marc.Holding) string { return first(h.OCLCNumbers) })},
		{"lccn (misses: marcgen writes no 010)", byID(catalog.KindLCCN, func(*marc.Holding) string { return fmt.Sprintf("20%02d%06d", rng.IntN(26), rng.IntN(1000000)) })},
		{"title+author (routing's query, 50 shown)", func(h *marc.Holding) (int, error) {
			q, ok := catalog.TitleQuery(ill.Citation{Title: h.Title, Author: h.Author})
			if !ok {
				return -1, nil
			}
			q.Limit = 50
			return search(q)
		}},
		{"keywords: 2 title words + surname, 20 shown", func(h *marc.Holding) (int, error) {
			var words []string
			for _, w := range catalog.Words(h.Title) {
				if !catalog.StopWord(w) {
					words = append(words, w)
				}
			}
			if len(words) == 0 {
				return -1, nil
			}
			rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
			text := strings.Join(words[:min(2, len(words))], " ")
			if s := catalog.Words(h.Author); len(s) > 0 {
				text += " " + s[0]
			}
			return search(catalog.Query{Keywords: text, Limit: 20})
		}},
		{"keywords: 1 title word (broad), 20 shown", func(h *marc.Holding) (int, error) {
			for _, w := range catalog.Words(h.Title) {
				if !catalog.StopWord(w) {
					return search(catalog.Query{Keywords: w, Limit: 20})
				}
			}
			return -1, nil
		}},
		{"holders (identifiers + title, scored)", func(h *marc.Holding) (int, error) {
			c := ill.Citation{Title: h.Title, Author: h.Author, ISBN: first(h.ISBNs), ISSN: first(h.ISSNs)}
			hs, err := local.Holders(e.ctx, c)
			return len(hs), err
		}},
	}
	fmt.Fprintf(e.stdout, "%-46s %8s %10s %10s %10s %8s %10s %14s\n", "lookup", "n", "p50", "p99", "max", "hits", "cpu/op", "server cpu/op")
	for _, k := range kinds {
		var lat []time.Duration
		var cpu time.Duration // this process's CPU time over the measured lookups
		hits := 0
		var srv0 map[int]time.Duration // the database server's CPU when the measured lookups start
		srvOK := false
		for i, h := range sample {
			if i == len(sample)/2 {
				srv0, srvOK = serverCPU(e.ctx, a)
			}
			cpu0 := processCPU()
			start := time.Now()
			got, err := k.run(h)
			d := time.Since(start)
			dc := processCPU() - cpu0
			if err != nil {
				return fmt.Errorf("bench %s: %w", k.name, err)
			}
			if got < 0 || i < len(sample)/2 {
				continue // no such identifier in this record, or warming up
			}
			if got > 0 {
				hits++
			}
			lat = append(lat, d)
			cpu += dc
			if len(lat) >= queries {
				break
			}
		}
		if len(lat) == 0 {
			fmt.Fprintf(e.stdout, "%-46s %8d\n", k.name, 0)
			continue
		}
		srvPerOp := "-"
		if srv1, ok := serverCPU(e.ctx, a); ok && srvOK {
			srvPerOp = (serverCPUSince(srv0, srv1) / time.Duration(len(lat))).Round(time.Microsecond).String()
		}
		slices.Sort(lat)
		q := func(f float64) time.Duration { return lat[min(len(lat)-1, int(f*float64(len(lat))))] }
		fmt.Fprintf(e.stdout, "%-46s %8d %10s %10s %10s %8d %10s %14s\n", k.name, len(lat), q(.5).Round(time.Microsecond), q(.99).Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond), hits,
			(cpu / time.Duration(len(lat))).Round(time.Microsecond), srvPerOp)
	}
	return benchSizes(e.ctx, e, a)
}

func benchSizes(ctx context.Context, e env, a *app.App) error {
	var records int
	if err := a.DB.Read(ctx, func(tx *store.Tx) (err error) { records, err = tx.Network().CountCatalog(""); return }); err != nil {
		return err
	}
	size := int64(-1)
	if a.DB.Engine() == store.Postgres {
		_ = a.DB.SQL().QueryRowContext(ctx, `SELECT pg_database_size(current_database())`).Scan(&size)
	} else if st, err := os.Stat(a.Cfg.SQLitePath()); err == nil {
		size = st.Size()
	}
	fmt.Fprintf(e.stdout, "catalog: %d records; database size %.0f MB\n", records, float64(size)/1e6)
	return nil
}
