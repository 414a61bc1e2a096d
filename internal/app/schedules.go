package app

import "interlend/internal/store"

// Recurring jobs that chain themselves (each run schedules the next) are
// also made sure of at every start, so that a chain broken by a dead job
// or a restore is mended: the nightly file sweep, and each agency's
// patron file drop when one is configured.
func init() {
	addSchedule(func(a *App, tx *store.Tx) error { return a.scheduleFileSweep(tx) })
	addSchedule(func(a *App, tx *store.Tx) error {
		agencies, err := tx.System().Agencies()
		if err != nil {
			return err
		}
		for _, ag := range agencies {
			s, err := patronSyncSettings(tx, ag.ID)
			if err != nil {
				return err
			}
			if s.Path == "" {
				continue
			}
			if err := schedulePatronSync(tx, ag.ID, nextSyncRun(tx.Now(), s.Hour)); err != nil {
				return err
			}
		}
		return nil
	})
}
