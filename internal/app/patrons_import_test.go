package app_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/patron"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// patronsSnapshot describes every patron of the agency (with blocks) and
// the number of audit records, to show that something changed nothing.
func patronsSnapshot(t *testing.T, w *apptest.World, ag ill.AgencyID) string {
	t.Helper()
	var b strings.Builder
	err := w.App.DB.Read(context.Background(), func(tx *store.Tx) error {
		ps, err := tx.Agency().SearchPatrons(ag, "", 500)
		for _, p := range ps {
			fmt.Fprintf(&b, "%s|%s|%s|%s|%s|%s|%s|%s|%s|%d|%v\n", p.Barcode, p.ILSID, p.Name, p.Email, p.Category, p.HomeLibrary,
				p.PickupLocation, p.Expires.Format("2006-01-02"), p.Notes, p.UpdatedAt.UnixMicro(), p.Blocks)
		}
		recs, _ := tx.Agency().AuditLog(ag, "", 1000)
		fmt.Fprintf(&b, "audit records: %d\n", len(recs))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestImportPatrons(t *testing.T) {
	t.Parallel()
	patronsEach(t, apptest.Options{}, func(t *testing.T, w *apptest.World) {
		ctx := context.Background()
		bea := patronsStaff(t, w, "bea@example.edu", "US-EXA", ill.RoleBorrowing)
		var streamed []int
		opts := app.PatronImportOptions{BatchSize: 2, OnProblem: func(le patron.LineError) { streamed = append(streamed, le.Line) }}

		first := "barcode,first_name,last_name,email,category,expiry_date,blocked,block_reason,favourite colour\n" +
			"P1,Ada,Lovelace,ada@example.edu,faculty,2027-06-30,no,,blue\n" +
			"P2,Alan,Turing,not-an-address,graduate,,no,,\n" + // line 3: bad email
			"P3,Grace,Hopper,grace@example.edu,staff,2027-01-31,no,,\n" +
			"P4,Bad,Date,,public,31/12/2026,no,,\n" + // line 5: bad date
			"P5,Edsger,Dijkstra,,undergraduate,,yes,Lost item,\n"
		sum, err := w.App.ImportPatrons(ctx, bea, "US-EXA", strings.NewReader(first), "first.csv", opts)
		if err != nil {
			t.Fatal(err)
		}
		want := app.PatronImportSummary{File: "first.csv", Rows: 5, ImportCounts: store.ImportCounts{Created: 3, Blocked: 1}, Bad: 2,
			Problems: []patron.LineError{{Line: 3, Msg: "the email is not an address like name@example.edu"},
				{Line: 5, Msg: `the expiry date "31/12/2026" is not a date in the form YYYY-MM-DD`}},
			Ignored: []string{"favourite colour"},
			Columns: []string{"barcode", "first_name", "last_name", "email", "category", "expiry_date", "blocked", "block_reason"}}
		if diff := cmp.Diff(want, sum); diff != "" {
			t.Errorf("first import summary (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]int{3, 5}, streamed); diff != "" {
			t.Errorf("streamed problems (-want +got):\n%s", diff)
		}

		// A staff block on P1 must survive a file that says "not blocked".
		p1, err := w.App.SearchPatrons(ctx, bea, "US-EXA", "P1", 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.App.BlockPatron(ctx, bea, "US-EXA", p1[0].ID, "Damaged a book"); err != nil {
			t.Fatal(err)
		}

		// The second file: P1 changes email, P3 is the same, P5 is the same
		// but no longer blocked, P6 is new and blocked. Columns the file lacks
		// (expiry) keep their values; a full name alone keeps first and last.
		second := "barcode;name;email;category;blocked;block reason\n" +
			"P1;Ada Lovelace;ada.lovelace@example.edu;faculty;no;\n" +
			"P3;Grace Hopper;grace@example.edu;staff;no;\n" +
			"P5;Edsger Dijkstra;;undergraduate;no;\n" +
			"P6;Barbara Liskov;barbara@example.edu;faculty;yes;Unpaid fines\n"
		before := patronsSnapshot(t, w, "US-EXA")
		dry, err := w.App.ImportPatrons(ctx, bea, "US-EXA", strings.NewReader(second), "second.csv", app.PatronImportOptions{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		wantCounts := store.ImportCounts{Created: 1, Updated: 1, Unchanged: 2, Blocked: 1, Unblocked: 1}
		if dry.ImportCounts != wantCounts || !dry.DryRun {
			t.Errorf("dry run counts = %+v, want %+v", dry.ImportCounts, wantCounts)
		}
		if after := patronsSnapshot(t, w, "US-EXA"); after != before {
			t.Fatalf("the dry run changed something:\nbefore:\n%s\nafter:\n%s", before, after)
		}
		real, err := w.App.ImportPatrons(ctx, bea, "US-EXA", strings.NewReader(second), "second.csv", app.PatronImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if real.ImportCounts != wantCounts {
			t.Errorf("import counts = %+v, want %+v (as the dry run said)", real.ImportCounts, wantCounts)
		}
		got := map[string]store.Patron{}
		all, _ := w.App.SearchPatrons(ctx, bea, "US-EXA", "", 100)
		for _, p := range all {
			got[p.Barcode] = p
		}
		if p := got["P1"]; p.Email != "ada.lovelace@example.edu" || p.Expires.Format("2006-01-02") != "2027-06-30" || len(p.Blocks) != 1 || p.Blocks[0].Source != store.BlockStaff {
			t.Errorf("P1 = %+v: want the new email, the old expiry and the staff block kept", p)
		}
		if p := got["P5"]; len(p.Blocks) != 0 {
			t.Errorf("P5 still blocked: %+v", p.Blocks)
		}
		if p := got["P6"]; p.Source != store.PatronByImport || len(p.Blocks) != 1 || p.Blocks[0].Reason != "Unpaid fines" || p.Blocks[0].Source != store.BlockImport {
			t.Errorf("P6 = %+v", p)
		}

		// Importing the same file again changes nothing at all.
		before = patronsSnapshot(t, w, "US-EXA")
		again, err := w.App.ImportPatrons(ctx, bea, "US-EXA", strings.NewReader(second), "second.csv", app.PatronImportOptions{})
		if err != nil || again.ImportCounts != (store.ImportCounts{Unchanged: 4}) {
			t.Errorf("re-import = %+v, %v; want 4 unchanged", again.ImportCounts, err)
		}
		after := patronsSnapshot(t, w, "US-EXA")
		if diff := cmp.Diff(strings.SplitAfter(before, "\n")[:4], strings.SplitAfter(after, "\n")[:4]); diff != "" {
			t.Errorf("re-import rewrote patrons (-before +after):\n%s", diff)
		}

		// One audit record per import, with counts and line numbers only.
		audit, n := auditOf(t, w, "US-EXA", "first.csv")
		if n != 1 || !strings.Contains(audit, `"created":3`) || !strings.Contains(audit, `"badLines":[3,5]`) || strings.Contains(audit, "example.edu") {
			t.Errorf("audit of the first import = %q", audit)
		}
		if _, n := auditOf(t, w, "US-EXB", ""); n != 0 {
			t.Errorf("B has %d audit records after A's imports", n)
		}
	})
}

func TestImportPatronsRefusesBadFilesWhole(t *testing.T) {
	t.Parallel()
	patronsEach(t, apptest.Options{}, func(t *testing.T, w *apptest.World) {
		ctx := context.Background()
		bea := patronsStaff(t, w, "bea@example.edu", "US-EXA", ill.RoleBorrowing)
		tests := []struct {
			name, file string
			agency     ill.AgencyID
			actor      ill.Actor
			kind       ill.Kind
		}{
			{"no barcode column", "name,email\nAda,ada@example.edu\n", "US-EXA", bea, ill.Invalid},
			{"empty file", "", "US-EXA", bea, ill.Invalid},
			{"unknown agency", "barcode\nP1\n", "US-NOPE", ill.SystemActor(), ill.NotFound},
			{"read-only staff", "barcode\nP1\n", "US-EXA", patronsStaff(t, w, "rory@example.edu", "US-EXA", ill.RoleReadOnly), ill.Forbidden},
			{"staff of another agency", "barcode\nP1\n", "US-EXA", patronsStaff(t, w, "bo@example.edu", "US-EXB", ill.RoleBorrowing), ill.Forbidden},
		}
		before := patronsSnapshot(t, w, "US-EXA")
		for _, tc := range tests {
			_, err := w.App.ImportPatrons(ctx, tc.actor, tc.agency, strings.NewReader(tc.file), "x.csv", app.PatronImportOptions{})
			if ill.KindOf(err) != tc.kind {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.kind)
			}
		}
		if after := patronsSnapshot(t, w, "US-EXA"); after != before {
			t.Errorf("refused imports changed something:\n%s", after)
		}
	})
}

// patronFile is a generated patron CSV of n rows, produced as it is read
// (a 100,000-row file is never in memory). Every 1000th row is bad.
type patronFile struct {
	n, next int
	buf     []byte
}

func (f *patronFile) Read(p []byte) (int, error) {
	for len(f.buf) < len(p) && f.next <= f.n {
		if f.next == 0 {
			f.buf = append(f.buf, "barcode,first_name,last_name,email,category,home_library,expiry_date,blocked,block_reason,notes\n"...)
		} else {
			email := fmt.Sprintf("patron%d@example.edu", f.next)
			if f.next%1000 == 0 {
				email = "not an email"
			}
			blocked := ""
			if f.next%97 == 0 {
				blocked = "yes,Unpaid fines"
			} else {
				blocked = "no,"
			}
			f.buf = fmt.Appendf(f.buf, "%014d,Given%d,Family%d,%s,%s,Main,2027-08-31,%s,\n", 21000000000000+f.next, f.next, f.next, email,
				[]string{"undergraduate", "graduate", "faculty", "staff", "public"}[f.next%5], blocked)
		}
		f.next++
	}
	if len(f.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, f.buf)
	f.buf = f.buf[n:]
	return n, nil
}

// liveHeap is the heap in use after a collection: what the import holds.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestImportPatronsInConstantMemory imports 20,000 rows and checks that
// the live heap does not grow with the rows read (the benchmark below runs
// 100,000 and reports the figures). It does not run in parallel: the heap
// is the whole process's, and other tests would be in it.
func TestImportPatronsInConstantMemory(t *testing.T) {
	w := apptest.New(t, apptest.Options{})
	w.Agency(t, "US-EXA", "Example A")
	var samples []uint64
	opts := app.PatronImportOptions{OnBatch: func(rows int) {
		if rows%2000 < 500 {
			samples = append(samples, liveHeap())
		}
	}}
	sum, err := w.App.ImportPatrons(context.Background(), ill.SystemActor(), "US-EXA", &patronFile{n: 20000}, "gen.csv", opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Created != 19980 || sum.Bad != 20 || len(sum.Problems) != 20 || sum.Blocked != 206 {
		t.Errorf("summary = %+v", sum.ImportCounts)
	}
	if len(samples) < 5 {
		t.Fatalf("only %d heap samples", len(samples))
	}
	// Compare the live heap late in the file with early on, with slack for
	// the runtime's own caches: what matters is that 16,000 more rows
	// (several MB of data) did not stay in memory.
	early, late := samples[1], samples[len(samples)-1]
	if late > early+16<<20 {
		t.Errorf("live heap grew from %d KiB to %d KiB while importing", early>>10, late>>10)
	}
}

// BenchmarkImportPatrons100k imports a generated 100,000-row file per
// iteration, on SQLite and (with INTERLEND_TEST_POSTGRES) PostgreSQL, and
// reports rows/s and the largest live heap seen.
//
//	go test ./internal/app -run '^$' -bench ImportPatrons100k -benchtime 1x
func BenchmarkImportPatrons100k(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				w := apptest.New(b, apptest.Options{Engine: e})
				w.Agency(b, "US-EXA", "Example A")
				var peak, inuse uint64
				base := liveHeap()
				opts := app.PatronImportOptions{OnBatch: func(rows int) {
					if rows%10000 < 500 {
						peak = max(peak, liveHeap())
					}
					var m runtime.MemStats
					runtime.ReadMemStats(&m)
					inuse = max(inuse, m.HeapInuse)
				}}
				b.StartTimer()
				sum, err := w.App.ImportPatrons(context.Background(), ill.SystemActor(), "US-EXA", &patronFile{n: 100000}, "gen.csv", opts)
				b.StopTimer()
				if err != nil || sum.Created != 99900 {
					b.Fatalf("import: %+v %v", sum.ImportCounts, err)
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-live-MiB")
				b.ReportMetric(float64(peak-min(peak, base))/(1<<20), "import-live-MiB")
				b.ReportMetric(float64(inuse)/(1<<20), "peak-inuse-MiB")
				b.ReportMetric(100000*float64(i+1)/b.Elapsed().Seconds(), "rows/s")
				// The nightly case: the same file again, nothing to write.
				start := time.Now()
				again, err := w.App.ImportPatrons(context.Background(), ill.SystemActor(), "US-EXA", &patronFile{n: 100000}, "gen.csv", app.PatronImportOptions{})
				if err != nil || again.Unchanged != 99900 {
					b.Fatalf("re-import: %+v %v", again.ImportCounts, err)
				}
				b.ReportMetric(100000/time.Since(start).Seconds(), "unchanged-rows/s")
			}
		})
	}
}
