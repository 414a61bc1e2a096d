package store_test

import (
	"context"
	"reflect"
	"sync"
	"testing"

	"interlend/internal/calendar"
	"interlend/internal/ill"
	"interlend/internal/routing"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

func mustDate(t *testing.T, s string) calendar.Date {
	t.Helper()
	d, err := calendar.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestExchangeRates(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		mustWrite(t, db, func(tx *store.Tx) error {
			for _, r := range []routing.Rate{
				{From: "eur", To: "usd", Value: "1.08", On: mustDate(t, "2026-01-02"), Source: "ECB"},
				{From: "EUR", To: "USD", Value: "1.10", On: mustDate(t, "2026-03-01")},
				{From: "GBP", To: "USD", Value: "1.27", On: mustDate(t, "2026-01-02")},
			} {
				if err := tx.Network().PutExchangeRate(r, 0); err != nil {
					return err
				}
			}
			// The same pair and date again replaces the rate.
			return tx.Network().PutExchangeRate(routing.Rate{From: "EUR", To: "USD", Value: "1.11", On: mustDate(t, "2026-03-01")}, 0)
		})
		// A bad rate is refused and changes nothing.
		err := db.Transact(context.Background(), func(tx *store.Tx) error {
			return tx.Network().PutExchangeRate(routing.Rate{From: "EUR", To: "EUR", Value: "1", On: mustDate(t, "2026-03-01")}, 0)
		})
		if !ill.Is(err, ill.Invalid) {
			t.Errorf("EUR to EUR: %v, want Invalid", err)
		}
		var got []routing.Rate
		mustRead(t, db, func(tx *store.Tx) (err error) { got, err = tx.Network().ExchangeRates(); return })
		want := []routing.Rate{
			{From: "EUR", To: "USD", Value: "1.08", On: mustDate(t, "2026-01-02"), Source: "ECB"},
			{From: "EUR", To: "USD", Value: "1.11", On: mustDate(t, "2026-03-01")},
			{From: "GBP", To: "USD", Value: "1.27", On: mustDate(t, "2026-01-02")},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("rates %+v\nwant %+v", got, want)
		}
		mustWrite(t, db, func(tx *store.Tx) error {
			return tx.Network().DeleteExchangeRate("gbp", "usd", mustDate(t, "2026-01-02"))
		})
		err = db.Transact(context.Background(), func(tx *store.Tx) error {
			return tx.Network().DeleteExchangeRate("GBP", "USD", mustDate(t, "2026-01-02"))
		})
		if !ill.Is(err, ill.NotFound) {
			t.Errorf("deleting again: %v, want NotFound", err)
		}
	})
}

func TestLenderSlots(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		mon, tue := mustDate(t, "2026-03-02"), mustDate(t, "2026-03-03")
		take := func(l ill.AgencyID, d calendar.Date, limit int) (int, bool) {
			var n int
			var ok bool
			mustWrite(t, db, func(tx *store.Tx) (err error) { n, ok, err = tx.Network().TakeLenderSlot(l, d, limit); return })
			return n, ok
		}
		for i := 1; i <= 3; i++ {
			if n, ok := take("US-A", mon, 3); !ok || n != i {
				t.Fatalf("slot %d: got %d %v", i, n, ok)
			}
		}
		if n, ok := take("US-A", mon, 3); ok || n != 3 {
			t.Errorf("past the cap: got %d %v, want 3 false", n, ok)
		}
		if n, ok := take("US-A", tue, 3); !ok || n != 1 {
			t.Errorf("the next day: got %d %v, want 1 true", n, ok)
		}
		if n, ok := take("US-B", mon, 0); !ok || n != 1 {
			t.Errorf("no cap: got %d %v", n, ok)
		}
		var load map[ill.AgencyID]int
		var total, lenders int
		mustRead(t, db, func(tx *store.Tx) (err error) {
			if load, err = tx.Network().LenderLoad([]store.LoadKey{{Lender: "US-A", Day: mon}, {Lender: "US-B", Day: tue}, {Lender: "US-C", Day: mon}}); err != nil {
				return err
			}
			total, lenders, err = tx.Network().LoadOn([]calendar.Date{mon})
			return err
		})
		if want := map[ill.AgencyID]int{"US-A": 3}; !reflect.DeepEqual(load, want) {
			t.Errorf("load %v, want %v", load, want)
		}
		if total != 4 || lenders != 2 {
			t.Errorf("load on Monday %d over %d lenders, want 4 over 2", total, lenders)
		}
	})
}

// TestLenderSlotsConcurrent: many transactions taking slots at once never
// take more than the cap.
func TestLenderSlotsConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		day := mustDate(t, "2026-03-02")
		const limit, callers = 7, 24
		var wg sync.WaitGroup
		var mu sync.Mutex
		granted := 0
		for range callers {
			wg.Go(func() {
				var ok bool
				err := db.Transact(context.Background(), func(tx *store.Tx) (err error) {
					_, ok, err = tx.Network().TakeLenderSlot("US-CAP", day, limit)
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mu.Lock()
					granted++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		var load map[ill.AgencyID]int
		mustRead(t, db, func(tx *store.Tx) (err error) {
			load, err = tx.Network().LenderLoad([]store.LoadKey{{Lender: "US-CAP", Day: day}})
			return
		})
		if granted != limit || load["US-CAP"] != limit {
			t.Errorf("granted %d, counted %d; want %d of %d", granted, load["US-CAP"], limit, callers)
		}
	})
}
