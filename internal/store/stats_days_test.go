package store_test

import (
	"context"
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/stats"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// A count of the daily aggregates that another count took over can
// neither write rows nor mark the days counted; while a count is under
// way, fact writes leave the days alone (and do not drop them).
func TestStatsDaysCountTakenOver(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ag := ill.AgencyID("US-DAYS")
		ctx := context.Background()
		mustWrite(t, db, func(tx *store.Tx) error { _, err := tx.System().CreateAgency(ag, "Days"); return err })
		var first, second string
		mustWrite(t, db, func(tx *store.Tx) (err error) { first, err = tx.Agency().BeginStatsDays(ag, statsT0); return })
		mustWrite(t, db, func(tx *store.Tx) (err error) {
			second, err = tx.Agency().BeginStatsDays(ag, statsT0.Add(time.Minute))
			return
		})
		row := []stats.DayCount{{Cell: stats.Cell{Day: 20260302, Side: ill.Borrowing, Measure: stats.DayReceived}, N: 1}}
		err := db.Transact(ctx, func(tx *store.Tx) error { return tx.Agency().PutStatsDayRows(ag, first, row, nil) })
		if !ill.Is(err, ill.Conflict) {
			t.Errorf("rows of a count taken over: %v, want Conflict", err)
		}
		err = db.Transact(ctx, func(tx *store.Tx) error {
			_, err := tx.Agency().FinishStatsDays(ag, first, time.UTC, statsT0)
			return err
		})
		if !ill.Is(err, ill.Conflict) {
			t.Errorf("finish of a count taken over: %v, want Conflict", err)
		}
		// A fact written meanwhile is left out of the days (the count adds
		// it when it finishes).
		h := statsHistory(ag, "days")
		mustWrite(t, db, func(tx *store.Tx) error { return tx.Agency().AddHistory(ag, []store.History{h}) })
		mustWrite(t, db, func(tx *store.Tx) error {
			_, err := tx.Agency().PutStatsFacts(ag, time.UTC, []store.StatsFact{statsFact(h, "days")})
			return err
		})
		mustWrite(t, db, func(tx *store.Tx) error { return tx.Agency().PutStatsDayRows(ag, second, row, nil) })
		var n int
		mustWrite(t, db, func(tx *store.Tx) (err error) {
			n, err = tx.Agency().FinishStatsDays(ag, second, time.UTC, statsT0)
			return
		})
		if n != 1 {
			t.Errorf("the count added %d facts written since it began, want 1", n)
		}
		var info store.StatsAgency
		var tot map[ill.Side]stats.DayTotals
		mustRead(t, db, func(tx *store.Tx) (err error) {
			if info, err = tx.Agency().GetStatsAgency(ag); err != nil {
				return err
			}
			tot, err = tx.Agency().StatsDayTotals(ag, 20300101)
			return err
		})
		if info.DaysZone != "UTC" {
			t.Errorf("days zone %q after the count, want UTC", info.DaysZone)
		}
		if got := tot[ill.Borrowing].Received; got != 2 {
			t.Errorf("received %d, want the row written and the fact added: 2", got)
		}
	})
}
