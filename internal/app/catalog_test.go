package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/catalog"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/marc"
	"interlend/internal/marc/marcgen"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// catEach runs fn on a fresh app per engine.
func catEach(t *testing.T, fn func(t *testing.T, w *apptest.World)) {
	t.Helper()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			fn(t, apptest.New(t, apptest.Options{Engine: e}))
		})
	}
}

// catPartner puts a minimal partner in the directory.
func catPartner(t *testing.T, w *apptest.World, id string, more ...func(*directory.Entry)) {
	t.Helper()
	e := directory.Entry{ID: ill.AgencyID(id), Name: "Library " + id, Symbols: []directory.Symbol{directory.ISIL(id), {Type: "OCLC", Value: "X" + strings.TrimPrefix(id, "US-")}}}
	for _, f := range more {
		f(&e)
	}
	if _, err := w.App.PutDirectoryEntry(context.Background(), ill.SystemActor(), e); err != nil {
		t.Fatal(err)
	}
}

func catImport(t *testing.T, w *apptest.World, holder, name string, data []byte, o catalog.ImportOptions) (catalog.Report, error) {
	t.Helper()
	o.Holder, o.Name = ill.AgencyID(holder), name
	return w.App.ImportCatalog(context.Background(), ill.SystemActor(), bytes.NewReader(data), o)
}

func examples(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "standards", "sru", "examples")
}

func readExample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(examples(t), name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestImportGeneratedMARC(t *testing.T) {
	t.Parallel()
	var file bytes.Buffer
	st, err := marcgen.Generate(&file, 3000, 11, marcgen.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if st.Broken == 0 || st.MARC8 == 0 || st.Serials == 0 {
		t.Fatalf("generator mix lacks a case: %+v", st)
	}
	catEach(t, func(t *testing.T, w *apptest.World) {
		catPartner(t, w, "US-GEN")
		var progress []catalog.Progress
		var problems []catalog.Problem
		rep, err := catImport(t, w, "OCLC:XGEN", "gen.mrc", file.Bytes(), catalog.ImportOptions{BatchSize: 500,
			OnProgress: func(p catalog.Progress) { progress = append(progress, p) },
			OnProblem:  func(p catalog.Problem) { problems = append(problems, p) }})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Format != catalog.FormatMARC21 || rep.Holder != "US-GEN" {
			t.Errorf("format %s holder %s", rep.Format, rep.Holder)
		}
		if rep.Read != 3000 || rep.Failed != st.Broken || rep.Inserted != 3000-st.Broken {
			t.Errorf("read %d inserted %d failed %d; want 3000, %d, %d", rep.Read, rep.Inserted, rep.Failed, 3000-st.Broken, st.Broken)
		}
		if len(progress) < 6 || progress[len(progress)-1].Read != 3000 || progress[len(progress)-1].Bytes != int64(file.Len()) {
			t.Errorf("progress reports: %d, last %+v", len(progress), progress[len(progress)-1])
		}
		bad := 0
		for _, p := range problems {
			if !p.Warning {
				bad++
				if !strings.Contains(p.Where, "(byte ") || !(strings.Contains(p.Msg, "bad leader") || strings.Contains(p.Msg, "bad directory")) {
					t.Errorf("problem without position or cause: %s", p)
				}
			}
		}
		if bad != st.Broken {
			t.Errorf("%d errors reported, want %d", bad, st.Broken)
		}
		ctx := context.Background()
		sys := ill.SystemActor()
		hs, err := w.App.CatalogHolders(ctx, sys)
		if err != nil || len(hs) != 1 || hs[0].Records != 3000-st.Broken || hs[0].Serials == 0 {
			t.Errorf("holders: %+v %v", hs, err)
		}
		// MARC-8 records were converted: their accented words are found.
		found := 0
		for _, word := range []string{"école", "Zürich", "Dvořák", "smørrebrød"} {
			recs, err := w.App.SearchCatalog(ctx, sys, app.CatalogSearch{Text: word})
			if err != nil {
				t.Fatal(err)
			}
			found += len(recs)
			for _, r := range recs {
				if strings.ContainsRune(r.Title, '\uFFFD') {
					t.Errorf("undecoded MARC-8 in %q", r.Title)
				}
			}
		}
		if found == 0 {
			t.Error("no MARC-8 record found by its accented words")
		}

		// The same file again: nothing new, nothing duplicated.
		rep2, err := catImport(t, w, "US-GEN", "gen.mrc", file.Bytes(), catalog.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep2.Inserted != 0 || rep2.Updated != 0 || rep2.Unchanged != 3000-st.Broken {
			t.Errorf("re-import: %+v", rep2.Progress)
		}
	})
}

func TestImportExampleMARCXML(t *testing.T) {
	t.Parallel()
	catEach(t, func(t *testing.T, w *apptest.World) {
		ctx := context.Background()
		catPartner(t, w, "US-EXSUP")
		for _, name := range []string{"marc-book.xml", "marc-journal.xml", "marc-thesis.xml"} {
			rep, err := catImport(t, w, "US-EXSUP", name, readExample(t, name), catalog.ImportOptions{})
			if err != nil || rep.Inserted != 1 || rep.Failed != 0 || rep.Format != catalog.FormatMARCXML {
				t.Fatalf("%s: %+v %v %v", name, rep.Progress, rep.Problems, err)
			}
		}
		sys := ill.SystemActor()
		book := catOne(t, w, "isbn:0-618-24906-0")
		if book.ID != "1234567" || book.Title != "Silent spring" || book.Author != "Carson, Rachel" || book.Year != 2002 ||
			!slices.Contains(book.OCLCNumbers, "49593382") || book.Format != marc.FormatBook || book.CallNumber == "" {
			t.Errorf("book: %+v", book.Holding)
		}
		rec, err := w.App.CatalogRecord(ctx, sys, book.RowID)
		if err != nil || len(rec.Items) == 0 || rec.Items[0].Barcode == "" {
			t.Errorf("book items: %+v %v", rec.Items, err)
		}
		journal := catOne(t, w, "1540-3572") // the online ISSN from 776 $x
		if journal.ID != "2345678" || journal.Format != marc.FormatSerial || !journal.Coverage.Covers(2015, 0) || journal.Coverage.Covers(2005, 0) {
			t.Errorf("journal: %+v", journal.Holding)
		}
		thesis := catOne(t, w, "raman turnaround")
		if thesis.ID != "3456789" || thesis.Format != marc.FormatThesis {
			t.Errorf("thesis: %+v", thesis.Holding)
		}
	})
}

// catOne searches and wants exactly one record.
func catOne(t *testing.T, w *apptest.World, text string) catalog.Record {
	t.Helper()
	recs, err := w.App.SearchCatalog(context.Background(), ill.SystemActor(), app.CatalogSearch{Text: text})
	if err != nil || len(recs) != 1 {
		t.Fatalf("search %q: %d records, %v", text, len(recs), err)
	}
	return recs[0]
}

func TestImportBadInput(t *testing.T) {
	t.Parallel()
	// Three good ISO 2709 records around a broken leader and a broken
	// directory.
	good := func(id, title string) []byte {
		r := marc.NewRecord()
		r.AddControl("001", id)
		r.AddField("245", '1', '0', 'a', title)
		r.AddField("952", ' ', ' ', 'p', id+"-bc", 'o', "QA1")
		b, err := marc.AppendISO2709(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	badLeader := good("x2", "Broken leader")
	copy(badLeader[0:5], "99999")
	badDir := good("x3", "Broken directory")
	badDir[24+5] = 'x'
	iso := bytes.Join([][]byte{good("x1", "First good"), badLeader, badDir, good("x4", "Last good")}, nil)

	catEach(t, func(t *testing.T, w *apptest.World) {
		catPartner(t, w, "US-BAD")
		rep, err := catImport(t, w, "US-BAD", "bad.mrc", iso, catalog.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Inserted != 2 || rep.Failed != 2 || len(rep.Problems) != 2 {
			t.Fatalf("report: %+v %v", rep.Progress, rep.Problems)
		}
		want := []string{"record 2 (byte 0", "record 3 (byte"}
		for i, p := range rep.Problems {
			if !strings.HasPrefix(p.Where, want[i][:len("record 2")]) {
				t.Errorf("problem %d at %q, want %q", i, p.Where, want[i])
			}
		}
		if !strings.Contains(rep.Problems[0].Msg, "bad leader") || !strings.Contains(rep.Problems[1].Msg, "bad directory") {
			t.Errorf("causes: %v", rep.Problems)
		}

		// A CSV without the required columns: refused, nothing written.
		before := catCount(t, w, "US-BAD")
		_, err = catImport(t, w, "US-BAD", "bad.csv", []byte("isbn,author\n9780618249060,Carson\n"), catalog.ImportOptions{})
		if !ill.Is(err, ill.Invalid) || !strings.Contains(err.Error(), "id, title") {
			t.Errorf("CSV without id and title: %v", err)
		}
		// A CSV with a bad row: the row is reported with its line, the
		// rest imported.
		csv := "id,title,year,barcode,holdings\nc1,Good one,2001,b1|b2,\nc2,Bad year,soon,b3,\nc3,A journal,,,v.1(1990)-\n"
		rep, err = catImport(t, w, "US-BAD", "cat.csv", []byte(csv), catalog.ImportOptions{})
		if err != nil || rep.Inserted != 2 || rep.Failed != 1 || !strings.Contains(rep.Problems[0].Where, "line 3") {
			t.Errorf("CSV with a bad row: %+v %v %v", rep.Progress, rep.Problems, err)
		}
		if n := catCount(t, w, "US-BAD"); n != before+2 {
			t.Errorf("records after CSV: %d, want %d", n, before+2)
		}

		// MARCXML that breaks off: what came before is stored whole, the
		// import ends with an error that says where.
		broken := "<collection xmlns=\"http://www.loc.gov/MARC21/slim\">" +
			"<record><leader>00000nam a2200000 i 4500</leader><controlfield tag=\"001\">m1</controlfield><datafield tag=\"245\" ind1=\"0\" ind2=\"0\"><subfield code=\"a\">Whole</subfield></datafield></record>" +
			"<record><leader>00000nam a2200000 i 4500</leader><controlfield tag=\"001\">m2</controlfield><datafield tag=\"245\""
		rep, err = catImport(t, w, "US-BAD", "broken.xml", []byte(broken), catalog.ImportOptions{BatchSize: 1})
		if !ill.Is(err, ill.Invalid) || !strings.Contains(err.Error(), "record 1") || rep.Inserted != 1 {
			t.Errorf("broken XML: %+v %v", rep.Progress, err)
		}
		if recs, _ := w.App.SearchCatalog(context.Background(), ill.SystemActor(), app.CatalogSearch{Text: "whole"}); len(recs) != 1 {
			t.Errorf("the whole record before the break was not stored: %d", len(recs))
		}

		// An unknown library is refused before anything is read.
		_, err = catImport(t, w, "US-NOWHERE", "x.mrc", iso, catalog.ImportOptions{})
		if !ill.Is(err, ill.NotFound) {
			t.Errorf("unknown holder: %v", err)
		}
	})
}

func catCount(t *testing.T, w *apptest.World, holder ill.AgencyID) int {
	t.Helper()
	var n int
	err := w.App.DB.Read(context.Background(), func(tx *store.Tx) (err error) { n, err = tx.Network().CountCatalog(holder); return })
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportReplaceAndPermissions(t *testing.T) {
	t.Parallel()
	catEach(t, func(t *testing.T, w *apptest.World) {
		ctx := context.Background()
		w.Agency(t, "US-OWN", "Own Library")
		catPartner(t, w, "US-OTHER")
		mgr := w.User(t, "mgr@own.example", ill.Grant{Agency: "US-OWN", Role: ill.RoleManager})
		actor := ill.Actor{Kind: ill.ActorStaff, UserID: mgr.ID, Agency: "US-OWN", Grants: mgr.Grants}
		v1 := []byte("id,title\nr1,One\nr2,Two\nr3,Three\n")
		if _, err := w.App.ImportCatalog(ctx, actor, bytes.NewReader(v1), catalog.ImportOptions{Holder: "US-OWN", Format: catalog.FormatCSV}); err != nil {
			t.Fatalf("a manager imports their own catalog: %v", err)
		}
		if _, err := w.App.ImportCatalog(ctx, actor, bytes.NewReader(v1), catalog.ImportOptions{Holder: "US-OTHER", Format: catalog.FormatCSV}); !ill.Is(err, ill.Forbidden) {
			t.Errorf("a manager imports a partner's catalog: %v", err)
		}
		v2 := []byte("id,title\nr1,One\nr3,Three (revised)\n")
		rep, err := w.App.ImportCatalog(ctx, actor, bytes.NewReader(v2), catalog.ImportOptions{Holder: "US-OWN", Format: catalog.FormatCSV, Replace: true})
		if err != nil || rep.Deleted != 1 || rep.Updated != 1 || rep.Unchanged != 1 {
			t.Errorf("replace: %+v deleted %d %v", rep.Progress, rep.Deleted, err)
		}
		if n := catCount(t, w, "US-OWN"); n != 2 {
			t.Errorf("after replace %d records, want 2", n)
		}
		if n, err := w.App.DeleteCatalog(ctx, actor, "US-OWN"); err != nil || n != 2 {
			t.Errorf("delete own catalog: %d %v", n, err)
		}
	})
}

// TestHolders covers the sources routing uses: the imported catalog (by
// identifier and by title, serial coverage) and partners' SRU services
// (records, diagnostics, timeouts).
func TestHolders(t *testing.T) {
	t.Parallel()
	sruOK := readExample(t, "sru12-searchRetrieveResponse-marcxml.xml")
	sruDiag := readExample(t, "sru20-searchRetrieveResponse-diagnostic.xml")
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			rw.Write(sruOK)
		case "/diag":
			rw.Write(sruDiag)
		case "/slow":
			<-r.Context().Done() // answers only when the client gives up
		}
	}))
	t.Cleanup(srv.Close)
	catEach(t, func(t *testing.T, w *apptest.World) {
		ctx := context.Background()
		catPartner(t, w, "US-EXSUP")
		catPartner(t, w, "US-COPY")
		withSRU := func(path string, timeout int) func(*directory.Entry) {
			return func(e *directory.Entry) {
				e.SRU = &directory.SRUTarget{BaseURL: srv.URL + path, Version: "1.2", TimeoutSeconds: timeout}
			}
		}
		catPartner(t, w, "US-SRU", withSRU("/ok", 5))
		catPartner(t, w, "US-DIAG", withSRU("/diag", 5))
		catPartner(t, w, "US-SLOW", withSRU("/slow", 1))
		catPartner(t, w, "US-GONE", withSRU("/ok", 5), func(e *directory.Entry) { e.Status = directory.StatusInactive })
		for _, name := range []string{"marc-book.xml", "marc-journal.xml"} {
			if _, err := catImport(t, w, "US-EXSUP", name, readExample(t, name), catalog.ImportOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		// Another library's record of the same book without the ISBN.
		if _, err := catImport(t, w, "US-COPY", "c.csv", []byte("id,title,author,barcode\nk1,Silent spring : a classic,\"Carson, R.\",b1\n"), catalog.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		byAgency := func(hs []catalog.Holding) map[ill.AgencyID]catalog.Holding {
			m := map[ill.AgencyID]catalog.Holding{}
			for _, h := range hs {
				m[h.Agency] = h
			}
			return m
		}

		hs, err := w.App.Holders(ctx, ill.Citation{Title: "Silent Spring", Author: "Rachel Carson", ISBN: "0618249060", PublicationType: ill.PubBook})
		if err != nil {
			t.Fatal(err)
		}
		m := byAgency(hs)
		if best, ok := m["US-EXSUP"].Best(); !ok || best.By != catalog.ByISBN || best.Score != 1 {
			t.Errorf("US-EXSUP: %+v", m["US-EXSUP"])
		}
		if best, ok := m["US-COPY"].Best(); !ok || best.By != catalog.ByTitle || best.Score < catalog.MinTitleScore || !m["US-COPY"].Lendable() {
			t.Errorf("US-COPY by title: %+v", m["US-COPY"])
		}
		if best, ok := m["US-SRU"].Best(); !ok || best.By != catalog.ByISBN || m["US-SRU"].Source != "sru:US-SRU" {
			t.Errorf("US-SRU: %+v", m["US-SRU"])
		}
		if h := m["US-DIAG"]; h.Err == nil || len(h.Matches) != 0 || !strings.Contains(h.Err.Error(), "diagnostic") {
			t.Errorf("US-DIAG: %+v", h)
		}
		if h := m["US-SLOW"]; h.Err == nil || !strings.Contains(h.Err.Error(), "did not answer in time") {
			t.Errorf("US-SLOW: %+v", h)
		}
		if _, asked := m["US-GONE"]; asked {
			t.Error("an inactive library's SRU service was asked")
		}
		if best, _ := hs[0].Best(); best.Score != 1 || hs[len(hs)-1].Err == nil {
			t.Errorf("order: best first, failures last: %v", catAgencies(hs))
		}

		// An article: the journal held, coverage decides.
		for _, tc := range []struct {
			year string
			want marc.Match
		}{{"2015", marc.MatchYes}, {"2001", marc.MatchNo}} {
			hs, err := w.App.Holders(ctx, ill.Citation{ArticleTitle: "Some article", JournalTitle: "Journal of interlibrary loan, document delivery & electronic reserve", ISSN: "1072-303X", PubDate: tc.year, PublicationType: ill.PubArticle})
			if err != nil {
				t.Fatal(err)
			}
			h := byAgency(hs)["US-EXSUP"]
			if best, ok := h.Best(); !ok || best.By != catalog.ByISSN || best.Coverage != tc.want {
				t.Errorf("journal %s: %+v", tc.year, h)
			}
		}
		// Nobody holds it: no holdings, no error.
		hs, err = catalog.Local{Index: w.App.CatalogIndex()}.Holders(ctx, ill.Citation{Title: "A book nobody has", ISBN: "9780000000002"})
		if err != nil || len(hs) != 0 {
			t.Errorf("unheld: %v %v", hs, err)
		}
	})
}

func catAgencies(hs []catalog.Holding) []string {
	var out []string
	for _, h := range hs {
		out = append(out, fmt.Sprintf("%s(err=%v)", h.Agency, h.Err != nil))
	}
	return out
}
