package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// JobsOverview is what the jobs page shows: how many jobs wait in each
// kind and state (with the oldest due time), and the jobs that failed.
type JobsOverview struct {
	All     bool         // every agency's and the system's jobs (operators)
	Agency  ill.AgencyID // the agency shown when not All
	Counts  []store.JobCount
	Failing []store.Job
}

// JobsQuery narrows the failures listed. Empty fields match everything;
// State is "dead", "held" or "retrying".
type JobsQuery struct {
	Kind  string
	State string
	Limit int
}

// jobScope is the part of the job queue the actor may see: an operator
// every job, others the jobs of their agency. Returns Forbidden.
func jobScope(actor ill.Actor, agency ill.AgencyID) (store.JobFilter, error) {
	if actor.Grants.IsOperator() {
		return store.JobFilter{AllAgencies: true}, nil
	}
	if err := requireAgency(actor, agency, ill.PermJobs); err != nil {
		return store.JobFilter{}, err
	}
	return store.JobFilter{Agency: agency}, nil
}

// JobsOverview summarises the queue for the jobs page. Returns Forbidden.
func (a *App) JobsOverview(ctx context.Context, actor ill.Actor, agency ill.AgencyID, q JobsQuery) (JobsOverview, error) {
	f, err := jobScope(actor, agency)
	if err != nil {
		return JobsOverview{}, err
	}
	out := JobsOverview{All: f.AllAgencies, Agency: f.Agency}
	err = a.read(ctx, func(tx *store.Tx) error {
		if out.Counts, err = tx.System().JobCounts(f); err != nil {
			return err
		}
		ff := f
		ff.Kind = q.Kind
		limit := q.Limit
		if q.State != "" {
			limit = 1000
		}
		jobs, err := tx.System().FailingJobs(ff, limit)
		if err != nil {
			return err
		}
		out.Failing = out.Failing[:0]
		for _, j := range jobs {
			if q.State == "" || JobStatus(j) == q.State {
				out.Failing = append(out.Failing, j)
			}
		}
		if q.Limit > 0 && len(out.Failing) > q.Limit {
			out.Failing = out.Failing[:q.Limit]
		}
		return nil
	})
	return out, err
}

// JobStatus names a failing job's situation: "dead" (waits for a person),
// "held" (waits for a condition) or "retrying" (will be tried again).
func JobStatus(j store.Job) string {
	switch j.State {
	case store.JobDead:
		return "dead"
	case store.JobHeld:
		return "held"
	case store.JobReady:
		if j.Attempts > 0 && j.LastError != "" {
			return "retrying"
		}
	}
	return string(j.State)
}

// Job returns one job the actor may see and its attempts. Returns
// NotFound (also for another agency's job) or Forbidden.
func (a *App) Job(ctx context.Context, actor ill.Actor, agency ill.AgencyID, id int64) (store.Job, []store.JobAttempt, error) {
	f, err := jobScope(actor, agency)
	if err != nil {
		return store.Job{}, nil, err
	}
	var j store.Job
	var at []store.JobAttempt
	err = a.read(ctx, func(tx *store.Tx) error {
		if j, err = jobIn(tx, f, id); err != nil {
			return err
		}
		at, err = tx.System().JobAttempts(id)
		return err
	})
	return j, at, err
}

func jobIn(tx *store.Tx, f store.JobFilter, id int64) (store.Job, error) {
	j, err := tx.System().GetJob(id)
	if err != nil {
		return store.Job{}, err
	}
	if !f.AllAgencies && j.Agency != f.Agency {
		return store.Job{}, ill.Errorf(ill.NotFound, "no job %d", id)
	}
	return j, nil
}

// RedriveJob puts a dead or held job back in the queue with fresh
// attempts. Jobs after it with the same ordering key still wait for it,
// so order per key is kept. Returns NotFound, Conflict (the job is not
// dead or held) or Forbidden.
func (a *App) RedriveJob(ctx context.Context, actor ill.Actor, agency ill.AgencyID, id int64) error {
	return a.changeJob(ctx, actor, agency, id, "jobs.redrive", func(tx *store.Tx, f store.JobFilter) (int64, error) {
		return tx.System().RedriveJobs(f)
	}, "only dead or held jobs can be re-driven")
}

// CancelJob cancels a job that is waiting, held or dead (a running job
// finishes its attempt). Returns NotFound, Conflict or Forbidden.
func (a *App) CancelJob(ctx context.Context, actor ill.Actor, agency ill.AgencyID, id int64) error {
	return a.changeJob(ctx, actor, agency, id, "jobs.cancel", func(tx *store.Tx, f store.JobFilter) (int64, error) {
		return tx.System().CancelJobs(f)
	}, "only waiting, held or dead jobs can be cancelled")
}

func (a *App) changeJob(ctx context.Context, actor ill.Actor, agency ill.AgencyID, id int64, action string,
	change func(*store.Tx, store.JobFilter) (int64, error), refused string) error {
	f, err := jobScope(actor, agency)
	if err != nil {
		return err
	}
	return a.write(ctx, func(tx *store.Tx) error {
		j, err := jobIn(tx, f, id)
		if err != nil {
			return err
		}
		f.IDs = []int64{id}
		n, err := change(tx, f)
		if err != nil {
			return err
		}
		if n == 0 {
			return ill.E(ill.Conflict, refused)
		}
		return tx.System().SystemAudit(store.AuditRecord{Agency: j.Agency, Actor: actor.UserID, Action: action,
			Target: "job " + strconv.FormatInt(id, 10), Before: string(j.State), After: j.Kind})
	})
}

// RedriveDeadJobs re-drives every dead job in the actor's scope (of one
// kind, when kind is not ""). Held jobs wait for their condition and are
// left alone. Returns how many, or Forbidden.
func (a *App) RedriveDeadJobs(ctx context.Context, actor ill.Actor, agency ill.AgencyID, kind string) (int64, error) {
	f, err := jobScope(actor, agency)
	if err != nil {
		return 0, err
	}
	var n int64
	err = a.write(ctx, func(tx *store.Tx) error {
		f.Kind = kind
		dead, err := tx.System().ListJobs(store.JobFilter{Agency: f.Agency, AllAgencies: f.AllAgencies, Kind: kind, States: []store.JobState{store.JobDead}})
		if err != nil {
			return err
		}
		n = 0
		if len(dead) == 0 {
			return nil
		}
		// By id, in chunks: RedriveJobs alone would also release held jobs,
		// and one statement must stay under the engines' parameter limits.
		for chunk := range slices.Chunk(dead, 500) {
			f.IDs = f.IDs[:0]
			for _, j := range chunk {
				f.IDs = append(f.IDs, j.ID)
			}
			m, err := tx.System().RedriveJobs(f)
			if err != nil {
				return err
			}
			n += m
		}
		target := "all"
		if kind != "" {
			target = kind
		}
		return tx.System().SystemAudit(store.AuditRecord{Agency: f.Agency, Actor: actor.UserID, Action: "jobs.redrive",
			Target: target, After: fmt.Sprintf("%d jobs", n)})
	})
	return n, err
}

// JobsAudit lists the re-drives and cancellations in an agency, newest
// first. Returns Forbidden.
func (a *App) JobsAudit(ctx context.Context, actor ill.Actor, agency ill.AgencyID, limit int) ([]store.AuditEntry, error) {
	if err := requireAgency(actor, agency, ill.PermJobs); err != nil {
		return nil, err
	}
	var out []store.AuditEntry
	err := a.read(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.Agency().AuditTrail(agency, store.AuditQuery{ActionPrefix: "jobs.", Limit: limit})
		return err
	})
	return out, err
}
