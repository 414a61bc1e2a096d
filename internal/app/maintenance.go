package app

import (
	"context"
	"time"

	"interlend/internal/auth"
	"interlend/internal/jobs"
	"interlend/internal/store"
)

// KindHousekeeping purges expired sessions, old login attempts and old
// finished jobs, then schedules itself again.
const KindHousekeeping = "system.housekeeping"

func (a *App) registerMaintenanceJobs() {
	a.Jobs.Register(jobs.Kind{Name: KindHousekeeping, Handler: func(ctx context.Context, run *jobs.Run) error {
		return run.Complete(ctx, func(tx *store.Tx) error {
			now := tx.Now()
			if _, err := tx.System().PurgeExpiredSessions(now.Add(-2 * auth.ThrottleWindow)); err != nil {
				return err
			}
			if _, err := tx.System().PurgeDoneJobs(now.Add(-30 * 24 * time.Hour)); err != nil {
				return err
			}
			return a.scheduleHousekeeping(tx, now.Add(time.Hour))
		})
	}})
}

// scheduleHousekeeping makes sure the next housekeeping run exists. The
// idempotency key names the hour, so several nodes schedule it once.
func (a *App) scheduleHousekeeping(tx *store.Tx, at time.Time) error {
	at = at.Truncate(time.Hour)
	_, err := tx.System().EnqueueJob(store.NewJob{Kind: KindHousekeeping, RunAt: at,
		IdempotencyKey: KindHousekeeping + ":" + at.Format(time.RFC3339)})
	return err
}

// EnsureSchedules creates the recurring jobs if they are missing.
func (a *App) EnsureSchedules(ctx context.Context) error {
	return a.write(ctx, func(tx *store.Tx) error {
		if err := a.scheduleHousekeeping(tx, tx.Now().Add(time.Hour)); err != nil {
			return err
		}
		for _, schedule := range scheduleRegistrars {
			if err := schedule(a, tx); err != nil {
				return err
			}
		}
		return nil
	})
}

// scheduleRegistrars are added by features' files with addSchedule in an
// init function: each makes sure its recurring jobs exist (idempotently).
var scheduleRegistrars []func(a *App, tx *store.Tx) error

// addSchedule registers a feature's recurring jobs (call from init).
func addSchedule(f func(a *App, tx *store.Tx) error) {
	scheduleRegistrars = append(scheduleRegistrars, f)
}
