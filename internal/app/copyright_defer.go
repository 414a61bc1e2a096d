package app

import (
	"context"
	"strings"
	"time"

	"interlend/internal/copyright"
	"interlend/internal/ill"
	"interlend/internal/jobs"
	"interlend/internal/store"
)

// Deferred copyright clearance (R4 "defer to next calendar year"): a
// request staff held until 1 January is assessed again automatically on
// that day, in the library's time zone, by the job below; if the new
// year's count lets it go it is sent, otherwise it stays in the clearance
// queue with the new assessment. The job runs every night shortly after
// midnight UTC and, for libraries east or west of UTC, also once at the
// exact local midnight a deferral names (enqueued when staff defer).

// KindCopyrightDeferred rechecks deferred copyright clearances that are due.
const KindCopyrightDeferred = "copyright.deferred"

// deferredPrefix starts the ledger outcome of a deferral ("deferred until
// 2027-01-01", written by ClearCopyright).
const deferredPrefix = "deferred until "

func init() {
	addJobs(func(a *App) {
		a.Jobs.Register(jobs.Kind{Name: KindCopyrightDeferred, Handler: func(ctx context.Context, run *jobs.Run) error {
			if _, err := a.RecheckDeferredCopyright(ctx); err != nil {
				return err
			}
			return run.Complete(ctx, func(tx *store.Tx) error {
				if string(run.Job.Payload) == `"once"` {
					return nil
				}
				return scheduleCopyrightDeferred(tx, tx.Now().Add(time.Hour))
			})
		}})
	})
	addSchedule(func(a *App, tx *store.Tx) error { return scheduleCopyrightDeferred(tx, tx.Now()) })
}

// scheduleCopyrightDeferred enqueues the nightly run for 00:05 UTC after at.
func scheduleCopyrightDeferred(tx *store.Tx, at time.Time) error {
	at = at.UTC()
	next := time.Date(at.Year(), at.Month(), at.Day(), 0, 5, 0, 0, time.UTC)
	if !next.After(at) {
		next = next.AddDate(0, 0, 1)
	}
	_, err := tx.System().EnqueueJob(store.NewJob{Kind: KindCopyrightDeferred, RunAt: next,
		IdempotencyKey: KindCopyrightDeferred + ":" + next.Format("2006-01-02")})
	return err
}

// scheduleDeferredAt enqueues one extra run at a deferral's local
// midnight (one job per instant, whatever the number of deferrals).
func scheduleDeferredAt(tx *store.Tx, until time.Time) error {
	_, err := tx.System().EnqueueJob(store.NewJob{Kind: KindCopyrightDeferred, RunAt: until, Payload: "once",
		IdempotencyKey: KindCopyrightDeferred + ":at:" + until.UTC().Format(time.RFC3339)})
	return err
}

// deferredUntil reads a ledger row's deferral date (midnight in loc).
func deferredUntil(e store.CopyrightEntry, loc *time.Location) (time.Time, bool) {
	if e.State != copyright.StateAwaiting || !strings.HasPrefix(e.Outcome, deferredPrefix) {
		return time.Time{}, false
	}
	day, _, _ := strings.Cut(strings.TrimPrefix(e.Outcome, deferredPrefix), " ")
	t, err := time.ParseInLocation("2006-01-02", day, loc)
	return t, err == nil
}

// RecheckDeferredCopyright assesses again every deferred request whose
// day has come, in every agency, each in its own transaction; it returns
// the public ids rechecked. A request that fails is logged and left for
// the next run (staff can still recheck it by hand).
func (a *App) RecheckDeferredCopyright(ctx context.Context) ([]string, error) {
	type due struct {
		agency ill.AgencyID
		entry  int64
		req    int64
	}
	var todo []due
	err := a.read(ctx, func(tx *store.Tx) error {
		ags, err := tx.System().Agencies()
		if err != nil {
			return err
		}
		for _, ag := range ags {
			es, err := tx.Agency().CopyrightEntries(ag.ID, store.CopyrightFilter{States: []copyright.State{copyright.StateAwaiting}})
			if err != nil {
				return err
			}
			var loc *time.Location
			for _, e := range es {
				if !strings.HasPrefix(e.Outcome, deferredPrefix) || e.RequestDBID == 0 {
					continue
				}
				if loc == nil {
					if _, _, loc, err = copyrightRules(tx, ag.ID); err != nil {
						return err
					}
				}
				if until, ok := deferredUntil(e, loc); ok && !tx.Now().Before(until) {
					todo = append(todo, due{ag.ID, e.ID, e.RequestDBID})
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var done []string
	for _, d := range todo {
		var id string
		err := a.write(ctx, func(tx *store.Tx) error {
			r, err := tx.Agency().LockRequestByID(d.agency, d.req)
			if err != nil {
				return err
			}
			e, err := tx.Agency().CopyrightEntryFor(d.agency, r.ID)
			if err != nil {
				return err
			}
			_, _, loc, err := copyrightRules(tx, d.agency)
			if err != nil {
				return err
			}
			until, ok := deferredUntil(e, loc)
			if !ok || tx.Now().Before(until) || r.State != ill.BAwaitingCopyr {
				return nil // cleared by hand meanwhile
			}
			id = r.PublicID
			return a.recheckCopyright(tx, lendingSystemActor(d.agency), r, &e, tx.Now().In(loc))
		})
		if err != nil {
			a.Log.Warn("deferred copyright recheck failed", "agency", d.agency, "ledger", d.entry, "err", err)
			continue
		}
		if id != "" {
			a.Log.Info("deferred copyright rechecked", "agency", d.agency, "request", id)
			done = append(done, id)
		}
	}
	return done, nil
}
