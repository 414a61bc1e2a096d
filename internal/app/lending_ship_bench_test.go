package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/config"
	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// go test -run '^$' -bench 'Lending' -benchtime 5x ./internal/app
// (INTERLEND_TEST_POSTGRES for the PostgreSQL runs).

// benchDesk is an app without job workers (outgoing messages wait in the
// outbox: the figures are the desk's own work) hosting a lender and a
// borrower.
func benchDesk(b *testing.B, e store.Engine) *world {
	b.Helper()
	cfg := config.Defaults()
	cfg.DataDir = b.TempDir()
	cfg.Workers = 0
	if e == store.Postgres {
		cfg.DB = storetest.NewPostgresDatabase(b)
	}
	w := openBenchWorld(b, cfg)
	for _, ag := range []ill.AgencyID{libA, libB} {
		if err := w.app.CreateAgency(w.ctx, ill.SystemActor(), ag, string(ag)+" Library"); err != nil {
			b.Fatal(err)
		}
	}
	return w
}

func openBenchWorld(b *testing.B, cfg config.Config) *world {
	b.Helper()
	cfg.JobPoll = 10 * time.Millisecond
	cfg.NodeName = "bench"
	if err := cfg.Validate(); err != nil {
		b.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, app.Options{Clock: ill.NewFakeClock(t0)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	return &world{app: a, ctx: context.Background(), cfg: cfg}
}

// seedLending stores n lending loans from libA at libB in state, with
// titles in Latin, Chinese and Cyrillic.
func seedLending(b *testing.B, w *world, n int, state ill.State) []string {
	ids, _ := seedLendingItems(b, w, n, state)
	return ids
}

// benchItem numbers the seeded items' barcodes across seeds.
var benchItem int

func seedLendingItems(b *testing.B, w *world, n int, state ill.State) (ids, items []string) {
	b.Helper()
	titles := []string{"Silent spring", "图书馆学导论", "Библиотечное дело"}
	err := w.app.DB.Transact(w.ctx, func(tx *store.Tx) error {
		for i := range n {
			r := &ill.Request{Side: ill.Lending, State: state, Partner: libA, PartnerRequestID: fmt.Sprintf("B%d-%d", time.Now().UnixNano(), i),
				ServiceType: ill.Loan, NeedBefore: t0.AddDate(0, 0, 14+i%20), Items: []ill.Item{{Barcode: fmt.Sprintf("39%08d", benchItem)}},
				Citation: ill.Citation{Title: titles[i%len(titles)] + fmt.Sprintf(" %d", i), Author: "Author, Some", PublicationType: ill.PubBook}}
			if err := tx.Agency().CreateRequest(libB, r); err != nil {
				return err
			}
			ids, items = append(ids, r.PublicID), append(items, r.Items[0].Barcode)
			benchItem++
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return ids, items
}

// BenchmarkLendingPullSlips prints (and marks as pulled) a batch of
// slips: the database reads, the sorting, the PDF and the state changes.
func BenchmarkLendingPullSlips(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		for _, n := range []int{50, 500} {
			b.Run(fmt.Sprintf("%s/%d", e, n), func(b *testing.B) {
				w := benchDesk(b, e)
				var size int
				b.ResetTimer()
				for range b.N {
					b.StopTimer()
					ids := seedLending(b, w, n, ill.LAwaitingSlip)
					b.StartTimer()
					out, err := w.app.PrintPullSlips(w.ctx, staff(libB), ids, app.PrintOptions{})
					if err != nil {
						b.Fatal(err)
					}
					if len(out.Marked) != n {
						b.Fatalf("marked %d of %d", len(out.Marked), n)
					}
					size = len(out.PDF)
				}
				b.ReportMetric(float64(size), "pdf-bytes")
			})
		}
	}
}

// BenchmarkLendingShipScan is one ship scan: resolve the barcode, ship
// (due date, Loaned in the outbox, ILS step) in one transaction.
func BenchmarkLendingShipScan(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			w := benchDesk(b, e)
			ids := seedLending(b, w, max(b.N, 1), ill.LAwaitingShip)
			b.ResetTimer()
			for i := range b.N {
				if _, err := w.app.LendingScan(w.ctx, staff(libB), app.ScanInput{Mode: app.ScanShip, Code: ids[i], TrackingID: "1Z"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLendingShipScanByItem scans the item barcode instead of the
// request id (a search among the open requests).
func BenchmarkLendingShipScanByItem(b *testing.B) {
	w := benchDesk(b, store.SQLite)
	seedLending(b, w, 2000, ill.LOnLoan) // other loans in the table
	_, items := seedLendingItems(b, w, max(b.N, 1), ill.LAwaitingShip)
	b.ResetTimer()
	for i := range b.N {
		if _, err := w.app.LendingScan(w.ctx, staff(libB), app.ScanInput{Mode: app.ScanShip, Code: items[i]}); err != nil {
			b.Fatal(err)
		}
	}
}
