package app_test

import (
	"context"
	"testing"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// TestEnsureSchedulesMendsChains: at start, the nightly file sweep and
// each configured agency's patron file drop are scheduled, once however
// often it runs, and not for an agency without a file drop.
func TestEnsureSchedulesMendsChains(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := apptest.New(t, apptest.Options{Engine: engine})
			w.Agency(t, "US-EXA", "A")
			w.Agency(t, "US-EXB", "B")
			// A file drop configured, but its chain of runs lost.
			if err := w.App.DB.Transact(ctx, func(tx *store.Tx) error {
				return tx.System().PutPatronSyncConfig("US-EXA", `{"path":"/srv/drop/patrons.csv","hour":2}`, 0)
			}); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if err := w.App.EnsureSchedules(ctx); err != nil {
					t.Fatal(err)
				}
			}
			var sweeps, syncs []store.Job
			if err := w.App.DB.Read(ctx, func(tx *store.Tx) (err error) {
				if sweeps, err = tx.System().ListJobs(store.JobFilter{AllAgencies: true, Kind: app.KindFileSweep}); err != nil {
					return err
				}
				syncs, err = tx.System().ListJobs(store.JobFilter{AllAgencies: true, Kind: app.KindPatronSync})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(sweeps) != 1 {
				t.Errorf("%d file sweeps scheduled, want 1", len(sweeps))
			}
			if len(syncs) != 1 || syncs[0].Agency != "US-EXA" || syncs[0].RunAt.Hour() != 2 {
				t.Errorf("patron syncs scheduled: %+v, want one for US-EXA at 02:00", syncs)
			}
		})
	}
}
