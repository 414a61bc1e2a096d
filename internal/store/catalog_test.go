package store_test

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"interlend/internal/catalog"
	"interlend/internal/ill"
	"interlend/internal/marc"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

func rec(id, title, author string, isbns ...string) catalog.Record {
	h := marc.Holding{ID: id, Title: title, Author: author, ISBNs: isbns, Format: marc.FormatBook, Year: 2001,
		CallNumber: "QH1 .A1", Items: []marc.Item{
			{Barcode: id + "-1", Lendable: true, Status: "available", Tag: "952"},
			{Barcode: id + "-2", Lendable: true, OnLoan: true, Tag: "952"},
			{Barcode: id + "-3", Status: "reference", Tag: "952"},
		}}
	return catalog.Record{Holding: h, Source: catalog.FormatMARC21, Counts: catalog.CountItems(h.Items), Hash: catalog.ContentHash(&h, catalog.FormatMARC21)}
}

func serial(id, title, issn, holdings string) catalog.Record {
	h := marc.Holding{ID: id, Title: title, ISSNs: []string{issn}, Format: marc.FormatSerial,
		Coverage: marc.Coverage{Statements: []string{holdings}, Ranges: marc.ParseCoverage(holdings)}}
	return catalog.Record{Holding: h, Source: catalog.FormatMARCXML, Hash: catalog.ContentHash(&h, catalog.FormatMARCXML)}
}

func putBatch(t *testing.T, db *store.DB, holder ill.AgencyID, gen int64, recs ...catalog.Record) catalog.BatchResult {
	t.Helper()
	var res catalog.BatchResult
	mustWrite(t, db, func(tx *store.Tx) error {
		var err error
		res, err = tx.Network().PutCatalogBatch(holder, recs, gen)
		return err
	})
	return res
}

func localIDs(recs []catalog.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, string(r.Holder)+"/"+r.ID)
	}
	return out
}

func TestCatalogBatchAndLookups(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		res := putBatch(t, db, "US-A", 1,
			rec("a1", "Silent spring", "Carson, Rachel", "9780618249060"),
			rec("a2", "The sea around us", "Carson, Rachel"),
			rec("a3", "Война и мир", "Толстой, Лев"),
			rec("a4", "Les misérables", "Hugo, Victor"),
			serial("a5", "Journal of interlibrary loan", "1072-303X", "v.1(1990)-v.16(2005)"),
		)
		if res != (catalog.BatchResult{Inserted: 5}) {
			t.Fatalf("first batch: %+v", res)
		}
		putBatch(t, db, "US-B", 1, rec("b1", "Silent spring : [40th anniversary edition]", "Rachel Carson", "9780618249060"))

		search := func(q catalog.Query) []string {
			var recs []catalog.Record
			mustRead(t, db, func(tx *store.Tx) error {
				var err error
				recs, err = tx.Network().SearchCatalog(q)
				return err
			})
			return localIDs(recs)
		}
		tests := []struct {
			name string
			q    catalog.Query
			want []string
		}{
			{"keyword in title", catalog.Query{Keywords: "spring"}, []string{"US-A/a1", "US-B/b1"}},
			{"keywords across fields", catalog.Query{Keywords: "carson sea"}, []string{"US-A/a2"}},
			{"title field only", catalog.Query{Title: "carson"}, nil},
			{"author field", catalog.Query{Author: "rachel carson"}, []string{"US-A/a1", "US-A/a2", "US-B/b1"}},
			{"title and author", catalog.Query{Title: "silent spring", Author: "Carson"}, []string{"US-A/a1", "US-B/b1"}},
			{"diacritics folded", catalog.Query{Keywords: "miserables"}, []string{"US-A/a4"}},
			{"accented query", catalog.Query{Keywords: "Misérables HUGO"}, []string{"US-A/a4"}},
			{"cyrillic", catalog.Query{Title: "война"}, []string{"US-A/a3"}},
			{"holder filter", catalog.Query{Keywords: "spring", Holders: []ill.AgencyID{"US-B"}}, []string{"US-B/b1"}},
			{"no match", catalog.Query{Keywords: "spring ocean"}, nil},
			{"punctuation only", catalog.Query{Keywords: "\" * : -"}, nil},
			{"fts syntax is literal", catalog.Query{Keywords: "spring OR NEAR"}, nil},
			{"limit", catalog.Query{Author: "carson", Limit: 1}, []string{"US-A/a1"}},
			{"offset", catalog.Query{Author: "carson", Limit: 1, Offset: 1}, []string{"US-A/a2"}},
		}
		for _, tc := range tests {
			if got := search(tc.q); !slices.Equal(got, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
			}
		}

		mustRead(t, db, func(tx *store.Tx) error {
			recs, err := tx.Network().CatalogByIdentifiers([]catalog.Identifier{{Kind: catalog.KindISBN, Value: "9780618249060"}, {Kind: catalog.KindISSN, Value: "1072-303X"}}, 10)
			if err != nil {
				return err
			}
			if got := localIDs(recs); !slices.Equal(got, []string{"US-A/a1", "US-A/a5", "US-B/b1"}) {
				t.Errorf("by identifiers: %v", got)
			}
			a1 := recs[0]
			if len(a1.Items) != 0 {
				t.Errorf("items loaded by an identifier lookup: %v", a1.Items)
			}
			if err := tx.Network().LoadCatalogItems(recs[:1]); err != nil {
				return err
			}
			a1 = recs[0]
			if len(a1.Items) != 3 || a1.Counts != (catalog.ItemCounts{Items: 3, Lendable: 2, Available: 1}) || a1.Items[2].Lendable || !a1.Items[1].OnLoan {
				t.Errorf("items of a1: %+v %+v", a1.Counts, a1.Items)
			}
			if !slices.Equal(a1.ISBNs, []string{"9780618249060"}) || a1.CallNumber != "QH1 .A1" || a1.Year != 2001 || a1.Format != marc.FormatBook {
				t.Errorf("a1 read back: %+v", a1.Holding)
			}
			a5 := recs[1]
			if !a5.Coverage.Covers(2001, 0) || a5.Coverage.Covers(2010, 0) || len(a5.Coverage.Statements) != 1 {
				t.Errorf("coverage of a5: %+v", a5.Coverage)
			}
			byLocal, err := tx.Network().CatalogRecordByLocalID("US-B", "b1")
			if err != nil || byLocal.Title != "Silent spring : [40th anniversary edition]" {
				t.Errorf("by local id: %+v %v", byLocal, err)
			}
			if _, err := tx.Network().CatalogRecordByLocalID("US-B", "a1"); !ill.Is(err, ill.NotFound) {
				t.Errorf("other holder's id: %v", err)
			}
			hs, err := tx.Network().CatalogHolders()
			if err != nil || len(hs) != 2 || hs[0].Records != 5 || hs[0].Items != 12 || hs[0].Serials != 1 {
				t.Errorf("holders: %+v %v", hs, err)
			}
			return nil
		})

		// Re-import: unchanged records are left alone, changed ones
		// updated (children replaced), new ones added.
		changed := rec("a2", "The sea around us", "Carson, Rachel", "9780195069976")
		changed.Items = changed.Items[:1]
		changed.Counts = catalog.CountItems(changed.Items)
		changed.Hash = catalog.ContentHash(&changed.Holding, changed.Source)
		res = putBatch(t, db, "US-A", 2,
			rec("a1", "Silent spring", "Carson, Rachel", "9780618249060"),
			changed,
			rec("a6", "Under the sea wind", "Carson, Rachel"),
		)
		if res != (catalog.BatchResult{Inserted: 1, Updated: 1, Unchanged: 1}) {
			t.Errorf("re-import: %+v", res)
		}
		mustRead(t, db, func(tx *store.Tx) error {
			r, err := tx.Network().CatalogRecordByLocalID("US-A", "a2")
			if err != nil {
				return err
			}
			if len(r.Items) != 1 || !slices.Equal(r.ISBNs, []string{"9780195069976"}) {
				t.Errorf("updated a2: items %d isbns %v", len(r.Items), r.ISBNs)
			}
			n, err := tx.Network().CountCatalog("US-A")
			if err != nil || n != 6 {
				t.Errorf("count US-A = %d, %v; want 6 (no duplicates)", n, err)
			}
			return nil
		})
		if got := search(catalog.Query{Keywords: "sea"}); !slices.Equal(got, []string{"US-A/a2", "US-A/a6"}) {
			t.Errorf("search after re-import: %v", got)
		}

		// Replace: records not confirmed by generation 2 go.
		mustWrite(t, db, func(tx *store.Tx) error {
			n, err := tx.Network().DeleteUnseenCatalog("US-A", 2)
			if err != nil || n != 3 { // a3, a4, a5
				t.Errorf("delete unseen: %d %v, want 3", n, err)
			}
			return err
		})
		if got := search(catalog.Query{Keywords: "miserables"}); got != nil {
			t.Errorf("deleted record still found: %v", got)
		}
		mustRead(t, db, func(tx *store.Tx) error {
			recs, err := tx.Network().CatalogByIdentifiers([]catalog.Identifier{{Kind: catalog.KindISSN, Value: "1072-303X"}}, 10)
			if err != nil || len(recs) != 0 {
				t.Errorf("identifiers of deleted record remain: %v %v", localIDs(recs), err)
			}
			return nil
		})
		mustWrite(t, db, func(tx *store.Tx) error {
			if err := tx.Network().RebuildCatalogIndex(); err != nil {
				return err
			}
			if err := tx.Network().AnalyzeCatalog(); err != nil {
				return err
			}
			n, err := tx.Network().DeleteCatalog("US-B")
			if err != nil || n != 1 {
				t.Errorf("delete catalog: %d %v", n, err)
			}
			return err
		})
		if got := search(catalog.Query{Keywords: "spring"}); !slices.Equal(got, []string{"US-A/a1"}) {
			t.Errorf("after rebuild and delete: %v", got)
		}
	})
}

// TestCatalogBatchIsAtomic: a batch that fails writes nothing.
func TestCatalogBatchIsAtomic(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.Transact(ctx, func(tx *store.Tx) error {
			if _, err := tx.Network().PutCatalogBatch("US-A", []catalog.Record{rec("x1", "Kept nowhere", "Nobody")}, 1); err != nil {
				return err
			}
			return fmt.Errorf("a later step fails")
		})
		if err == nil {
			t.Fatal("the failing transaction succeeded")
		}
		mustRead(t, db, func(tx *store.Tx) error {
			n, err := tx.Network().CountCatalog("")
			if n != 0 {
				t.Errorf("%d records written by a failed batch", n)
			}
			recs, _ := tx.Network().SearchCatalog(catalog.Query{Keywords: "kept"})
			if len(recs) != 0 {
				t.Errorf("index has rows of a failed batch: %v", localIDs(recs))
			}
			return err
		})
	})
}

// TestCatalogIndexSurvivesRestore: the keyword index is not in backups
// (SQLite skips virtual tables, PostgreSQL the generated word column);
// after a restore searches work again.
func TestCatalogIndexSurvivesRestore(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			src := storetest.Open(t, e, nil)
			putBatch(t, src, "US-A", 1, rec("a1", "Silent spring", "Carson, Rachel", "9780618249060"), rec("a2", "Война и мир", "Толстой, Лев"),
				rec("a3", "Null and void", "True, Nora"))
			var buf bytes.Buffer
			tw := tar.NewWriter(&buf)
			m, err := src.Backup(context.Background(), tw)
			if err != nil {
				t.Fatal(err)
			}
			if err := store.WriteManifest(tw, m); err != nil {
				t.Fatal(err)
			}
			tw.Close()
			for _, td := range m.Tables {
				if td.Name == "catalog_fts" || len(td.Name) > len("catalog_fts_") && td.Name[:len("catalog_fts_")] == "catalog_fts_" {
					t.Errorf("backup holds the FTS table %s", td.Name)
				}
				if td.Name == "catalog_records" && (slices.Contains(td.Columns, "kw") || !slices.Contains(td.Columns, "kw_title") || td.Rows != 3) {
					t.Errorf("backup of catalog_records: %d rows, columns %v; want 3 rows, kw_title but not the generated kw", td.Rows, td.Columns)
				}
			}
			opts := store.Options{SQLitePath: filepath.Join(t.TempDir(), "restored.db")}
			if e == store.Postgres {
				opts = store.Options{DSN: storetest.NewEmptyPostgresDatabase(t)}
			}
			dst, err := store.Open(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			defer dst.Close()
			if _, err := dst.RestoreTables(context.Background(), tar.NewReader(&buf), nil); err != nil {
				t.Fatal(err)
			}
			mustRead(t, dst, func(tx *store.Tx) error {
				for _, w := range []string{"spring", "мир"} {
					recs, err := tx.Network().SearchCatalog(catalog.Query{Keywords: w})
					if err != nil || len(recs) != 1 {
						t.Errorf("search %q after restore: %v %v", w, localIDs(recs), err)
					}
				}
				for _, tc := range []struct {
					q    catalog.Query
					want []string
				}{
					{catalog.Query{Title: "silent", Author: "carson"}, []string{"US-A/a1"}},
					{catalog.Query{Title: "null", Author: "true"}, []string{"US-A/a3"}},
					{catalog.Query{Title: "true"}, nil},
					{catalog.Query{Author: "null"}, nil},
				} {
					recs, err := tx.Network().SearchCatalog(tc.q)
					if got := localIDs(recs); err != nil || !slices.Equal(got, tc.want) {
						t.Errorf("search %+v after restore: %v %v, want %v", tc.q, got, err, tc.want)
					}
				}
				return nil
			})
		})
	}
}
