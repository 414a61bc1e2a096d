package store_test

import (
	"bytes"
	"context"
	"testing"

	"interlend/internal/catalog"
	"interlend/internal/ill"
	"interlend/internal/marc/marcgen"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// storeWriter writes import batches straight to the store (the app's
// writer does the same, with an audit record at the end).
type storeWriter struct{ db *store.DB }

func (w storeWriter) WriteBatch(ctx context.Context, holder ill.AgencyID, recs []catalog.Record, gen int64) (catalog.BatchResult, error) {
	var res catalog.BatchResult
	err := w.db.Transact(ctx, func(tx *store.Tx) (err error) { res, err = tx.Network().PutCatalogBatch(holder, recs, gen); return })
	return res, err
}

func (w storeWriter) DeleteUnseen(ctx context.Context, holder ill.AgencyID, gen int64) (int, error) {
	var n int
	err := w.db.Transact(ctx, func(tx *store.Tx) (err error) { n, err = tx.Network().DeleteUnseenCatalog(holder, gen); return })
	return n, err
}

// BenchmarkCatalogImport imports 5,000 generated records (marcgen's
// default mix) per iteration into a fresh database. The 1,000,000-record
// figures come from `interlend bench catalog` (docs/catalog.md).
func BenchmarkCatalogImport(b *testing.B) {
	var file bytes.Buffer
	const n = 5000
	if _, err := marcgen.Generate(&file, n, 1, marcgen.DefaultOptions()); err != nil {
		b.Fatal(err)
	}
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				db := storetest.Open(b, e, nil)
				b.StartTimer()
				rep, err := catalog.Import(context.Background(), bytes.NewReader(file.Bytes()), storeWriter{db}, catalog.ImportOptions{Holder: "US-BENCH"})
				if err != nil || rep.Inserted == 0 {
					b.Fatalf("%+v %v", rep.Progress, err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
