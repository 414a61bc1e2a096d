package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// BenchmarkPartnerPage measures what a partner page asks the store (the
// traffic of the last 30 days, the attempts of the windows, the last
// message each way, one request's messages with their jobs) when a year
// of 50,000 messages was exchanged with the partner, and as many with 50
// others.
func BenchmarkPartnerPage(b *testing.B) {
	const perPartner, batches = 50000, 100
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			ctx := context.Background()
			clock := ill.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			db := storetest.Open(b, e, clock)
			const ag, partner = ill.AgencyID("US-BENCH"), ill.AgencyID("US-PART")
			var reqID int64
			if err := db.Transact(ctx, func(tx *store.Tx) error {
				if _, err := tx.System().CreateAgency(ag, "Bench"); err != nil {
					return err
				}
				r := &ill.Request{Side: ill.Borrowing, State: ill.BSent, ServiceType: ill.Loan, Partner: partner, Citation: ill.Citation{Title: "Bench"}}
				if err := tx.Agency().CreateRequest(ag, r); err != nil {
					return err
				}
				reqID = r.ID
				return nil
			}); err != nil {
				b.Fatal(err)
			}
			for batch := range batches {
				if err := db.Transact(ctx, func(tx *store.Tx) error {
					for i := range 2 * perPartner / batches {
						to, dir := partner, store.Outbound
						if i%2 == 1 {
							to = ill.AgencyID(fmt.Sprintf("US-OTHER%d", i%50))
						}
						if i%4 == 2 {
							dir = store.Inbound
						}
						m := &store.StoredMessage{Direction: dir, Partner: to, Kind: ill.MsgSAM, Summary: "SAM Loaned",
							Body: ill.Message{Kind: ill.MsgSAM, Status: ill.StatusLoaned, Note: "a note of some length to make rows realistic"}, Delivery: store.DeliverySent}
						if batch == batches-1 && i < 20 {
							m.RequestID = reqID
						}
						if err := tx.Agency().AddMessage(ag, m); err != nil {
							return err
						}
					}
					return nil
				}); err != nil {
					b.Fatal(err)
				}
				clock.Advance(365 * 24 * time.Hour / batches)
			}
			now := clock.Now()
			ids := []ill.AgencyID{partner}
			for b.Loop() {
				err := db.Read(ctx, func(tx *store.Tx) error {
					if _, err := tx.Agency().PartnerTraffic(ag, ids, now.AddDate(0, 0, -30), now.AddDate(0, 0, -7)); err != nil {
						return err
					}
					if _, err := tx.Agency().PartnerAttempts(ag, ids, now.AddDate(0, 0, -7), now.AddDate(0, 0, -30)); err != nil {
						return err
					}
					for _, dir := range []string{store.Outbound, store.Inbound} {
						if at, err := tx.Agency().LastMessage(ag, ids, dir); err != nil || at.IsZero() {
							return fmt.Errorf("last message %s: %v %v", dir, at, err)
						}
					}
					ds, err := tx.Agency().MessageDeliveries(ag, store.MessageQuery{RequestIDs: []int64{reqID}})
					if err == nil && len(ds) != 20 {
						err = fmt.Errorf("%d messages on the request, want 20", len(ds))
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
		})
	}
}
