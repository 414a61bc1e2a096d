package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"interlend/internal/copyright"
	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// BenchmarkCopyrightCount measures R3's count for one title and year (the
// query every copy request runs at submission) on a ledger of 200,000
// rows: 150,000 of the agency's, spread over 3,000 titles and four years
// in every counting state, and 50,000 of another agency's with the same
// titles; with an imported prior count for the title.
func BenchmarkCopyrightCount(b *testing.B) {
	const rows, titles, batch = 200000, 3000, 5000
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			ctx := context.Background()
			db := storetest.Open(b, e, ill.NewFakeClock(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)))
			const ag, other = ill.AgencyID("US-BENCH"), ill.AgencyID("US-OTHER")
			states := []copyright.State{copyright.StateInProcess, copyright.StateFilled, copyright.StateCancelled, copyright.StateRoyaltyPaid, copyright.StateFilled}
			cats := []copyright.Compliance{copyright.CodeUSCCG, copyright.CodeUSCCG, copyright.CodeUSCCL}
			if err := db.Transact(ctx, func(tx *store.Tx) error {
				for _, a := range []ill.AgencyID{ag, other} {
					if _, err := tx.System().CreateAgency(a, "Bench"); err != nil {
						return err
					}
				}
				return tx.Agency().PutCopyrightPriorCounts(ag, []copyright.PriorCount{{Key: "title:t 42", Year: 2026, Count: 2}}, "bench")
			}); err != nil {
				b.Fatal(err)
			}
			for start := 0; start < rows; start += batch {
				if err := db.Transact(ctx, func(tx *store.Tx) error {
					for i := start; i < start+batch; i++ {
						a := ag
						if i%4 == 3 {
							a = other
						}
						year := 2023 + i%4
						en := &store.CopyrightEntry{Entry: copyright.Entry{Key: copyright.Key(fmt.Sprintf("title:t %d", i%titles)), Year: year,
							RequestDate: time.Date(year, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC), Title: "Title", PubYear: year - 1,
							Category: cats[i%len(cats)], State: states[i%len(states)]}, ArticleID: fmt.Sprintf("doi:10.1/%d", i)}
						if err := tx.Agency().AddCopyrightEntry(a, en); err != nil {
							return err
						}
					}
					return nil
				}); err != nil {
					b.Fatal(err)
				}
			}
			var n int
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				key := copyright.Key(fmt.Sprintf("title:t %d", i%titles))
				if err := db.Read(ctx, func(tx *store.Tx) (err error) { n, err = tx.Agency().CopyrightCount(ag, key, 2026); return }); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if err := db.Read(ctx, func(tx *store.Tx) (err error) { n, err = tx.Agency().CopyrightCount(ag, "title:t 42", 2026); return }); err != nil || n < 2 {
				b.Fatalf("count %d %v", n, err)
			}
		})
	}
}
