package app_test

import (
	"context"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/stats/statsfixture"
	"interlend/internal/store"
	"interlend/internal/store/storetest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The dashboard reads the daily aggregates the refresh keeps, and they
// give exactly the figures the facts give: for the fixture's March (and
// February), a period of a few days, a year, and in the consortium-free
// view of one library. With the aggregates dropped the dashboard reads
// the facts; the next refresh counts the aggregates again.
func TestStatsDashboardFromTheDays(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := fixtureWorld(t, e)
			ctx := context.Background()
			mgr := fixtureManager(t, w)
			zone := func() string {
				var info store.StatsAgency
				if err := w.App.DB.Read(ctx, func(tx *store.Tx) (err error) { info, err = tx.Agency().GetStatsAgency(statsfixture.Agency); return }); err != nil {
					t.Fatal(err)
				}
				return info.DaysZone
			}
			if zone() == "" {
				t.Fatal("the refresh left the daily aggregates uncounted")
			}
			day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
			queries := []app.StatsQuery{march, {Agency: statsfixture.Agency, From: day(3, 5), To: day(3, 9)},
				{Agency: statsfixture.Agency, From: day(1, 1), To: day(12, 31)}, {Agency: statsfixture.Agency}}
			var fromDays []*app.StatsDashboard
			for _, q := range queries {
				d, err := w.App.StatsDashboard(ctx, mgr, q)
				if err != nil {
					t.Fatal(err)
				}
				fromDays = append(fromDays, d)
			}
			if diff := cmp.Diff(statsfixture.WantMarch(), fromDays[0].Current, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("March from the days (-want +got):\n%s", diff)
			}
			if err := w.App.DB.Transact(ctx, func(tx *store.Tx) error { return tx.Agency().ResetStatsDays(statsfixture.Agency) }); err != nil {
				t.Fatal(err)
			}
			for i, q := range queries {
				d, err := w.App.StatsDashboard(ctx, mgr, q)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range [][2]any{{fromDays[i].Current, d.Current}, {fromDays[i].Prior, d.Prior}, {fromDays[i].Weeks, d.Weeks}} {
					if diff := cmp.Diff(m[1], m[0], cmpopts.EquateEmpty(), cmpopts.EquateNaNs()); diff != "" {
						t.Errorf("%v: the days differ from the facts (-facts +days):\n%s", d.Period, diff)
					}
				}
			}
			// An hour on: the facts are older than the count's margin and
			// are read with the older ones.
			w.Clock.Set(time.Date(2026, 4, 2, 13, 0, 0, 0, time.UTC))
			if _, err := w.App.RefreshStats(ctx); err != nil {
				t.Fatal(err)
			}
			if zone() == "" {
				t.Fatal("the refresh did not count the dropped daily aggregates again")
			}
			d, err := w.App.StatsDashboard(ctx, mgr, march)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(statsfixture.WantMarch(), d.Current, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("March from the recounted days (-want +got):\n%s", diff)
			}
		})
	}
}
