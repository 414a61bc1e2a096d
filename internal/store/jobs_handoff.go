package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// JobHandoff is a job runner in this process that takes jobs straight from
// the transaction that enqueues them, instead of a worker claiming them
// through the database afterwards (one write transaction, and on SQLite
// one fsync, less per job, and no wait for a wake-up).
type JobHandoff interface {
	// Accepts reports whether the runner would run a job of this kind now
	// (it runs the kind and is not saturated).
	Accepts(kind string) bool
	// Lease is how long a handed-off job is leased for, Node whose name
	// the lease is under.
	Lease() time.Duration
	Node() string
	// Take runs a job the committed transaction leased to this node.
	Take(Job)
}

// handoffBox lets the handoff be stored in an atomic.Value (one concrete
// type, even when unset).
type handoffBox struct{ h JobHandoff }

// SetJobHandoff installs the runner that takes jobs due now from the
// transactions that enqueue them (the last one installed, when several
// runners share the database in one process).
func (db *DB) SetJobHandoff(h JobHandoff) { db.handoff.Store(handoffBox{h}) }

// ClearJobHandoff removes h if it is the one installed.
func (db *DB) ClearJobHandoff(h JobHandoff) { db.handoff.CompareAndSwap(handoffBox{h}, handoffBox{}) }

func (db *DB) jobHandoff() JobHandoff {
	b, _ := db.handoff.Load().(handoffBox)
	return b.h
}

// enqueueLeased inserts a job due now already leased to the handoff's
// node, with its first attempt recorded, exactly as ClaimJobs would lease
// it, and hands it over once the transaction commits. It does so only
// when no earlier unfinished job shares its ordering key (that one runs
// first); ok is false when it did not insert, and the caller inserts the
// job ready as usual. On a crash after the commit the lease expires and
// any worker claims the job again, as after a claim. blocked says that
// an earlier unfinished job of the key was found.
func (s SystemData) enqueueLeased(h JobHandoff, nj NewJob, payload []byte) (id int64, ok, blocked bool, err error) {
	if nj.OrderingKey != "" {
		var one int
		err := s.t.queryRow(`SELECT 1 FROM jobs WHERE ordering_key = $1 AND state <> 'done' AND state <> 'cancelled' LIMIT 1`, nj.OrderingKey).Scan(&one)
		if err == nil {
			return 0, false, true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, false, false, err
		}
	}
	now := micros(s.t.now)
	token := randomToken(16)
	leaseUntil := now + h.Lease().Microseconds()
	j := Job{Kind: nj.Kind, Agency: nj.Agency, Payload: payload, OrderingKey: nj.OrderingKey, IdempotencyKey: nj.IdempotencyKey,
		State: JobRunning, RunAt: fromMicros(micros(nj.RunAt)), Attempts: 1, MaxAttempts: nj.MaxAttempts, LeaseToken: token,
		LeaseUntil: fromMicros(leaseUntil), LockedBy: h.Node(), Ref: nj.Ref, CreatedAt: fromMicros(now), UpdatedAt: fromMicros(now)}
	err = s.t.queryRow(`INSERT INTO jobs (kind, agency, payload, ordering_key, idempotency_key, state, run_at, max_attempts, hold_reason, ref, created_at, updated_at,
			attempts, lease_token, lease_until, locked_by)
		VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, '', $8, $9, $9, 1, $10, $11, $12)
		ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
		nj.Kind, string(nj.Agency), string(payload), nullString(nj.OrderingKey), nj.IdempotencyKey,
		micros(nj.RunAt), nj.MaxAttempts, nj.Ref, now, token, leaseUntil, h.Node()).Scan(&j.ID)
	if errors.Is(err, sql.ErrNoRows) {
		err = s.t.queryRow(`SELECT id FROM jobs WHERE idempotency_key = $1`, nj.IdempotencyKey).Scan(&id)
		return id, err == nil, false, err
	}
	if err != nil {
		return 0, false, false, fmt.Errorf("store: enqueue %s: %w", nj.Kind, err)
	}
	if _, err := s.t.exec(`INSERT INTO job_attempts (job_id, attempt, node, started_at) VALUES ($1, 1, $2, $3)`, j.ID, h.Node(), now); err != nil {
		return 0, false, false, err
	}
	s.t.handOver(h, j)
	return j.ID, true, false, nil
}

// handOver gives j to h once the transaction commits, unless the
// transaction cancels it first (cancelLeased).
func (t *Tx) handOver(h JobHandoff, j Job) {
	if t.leased == nil {
		t.leased = map[int64]bool{}
	}
	t.leased[j.ID] = true
	t.AfterCommit(func() {
		if t.leased[j.ID] {
			h.Take(j)
		}
	})
}

// cancelLeased cancels the jobs matching where (built by JobFilter.where
// over args) that this transaction leased to the local runner: a job it
// enqueued and then cancelled is cancelled, as it would be if it had been
// enqueued ready.
func (s SystemData) cancelLeased(where string, args []any) (int64, error) {
	if len(s.t.leased) == 0 {
		return 0, nil
	}
	ph := make([]string, 0, len(s.t.leased))
	for id := range s.t.leased {
		args = append(args, id)
		ph = append(ph, fmt.Sprintf("$%d", len(args)))
	}
	rows, err := s.t.query(`UPDATE jobs SET state = 'cancelled', updated_at = $1, completed_at = $1, lease_until = 0
		WHERE state = 'running' AND `+where+` AND id IN (`+strings.Join(ph, ", ")+`) RETURNING id, attempts`, args...)
	if err != nil {
		return 0, err
	}
	var cancelled []Job
	for rows.Next() {
		var j Job
		if err := rows.Scan(&j.ID, &j.Attempts); err != nil {
			rows.Close()
			return 0, err
		}
		cancelled = append(cancelled, j)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, j := range cancelled {
		delete(s.t.leased, j.ID)
		if err := s.finishAttempt(j, "cancelled", ""); err != nil {
			return 0, err
		}
	}
	return int64(len(cancelled)), nil
}

// startNext runs after a job with an ordering key finished: the next job
// of the key, if ready, was waiting for it. It is leased to the local
// runner in this transaction when one is free and it is due, otherwise
// workers are woken to claim it (nobody else would: it became due by
// this commit, not by a new job or a timer).
func (s SystemData) startNext(key string) error {
	next, err := scanJob(s.t.queryRow(`SELECT `+jobColumns+` FROM jobs
		WHERE ordering_key = $1 AND state <> 'done' AND state <> 'cancelled' ORDER BY id LIMIT 1`, key))
	if errors.Is(err, sql.ErrNoRows) || err == nil && next.State != JobReady {
		return nil
	}
	if err != nil {
		return err
	}
	h := s.t.db.jobHandoff()
	if h == nil || next.RunAt.After(s.t.now) || !h.Accepts(next.Kind) {
		s.wakeWorkers()
		return nil
	}
	now := micros(s.t.now)
	next.LeaseToken, next.LockedBy, next.State = randomToken(16), h.Node(), JobRunning
	next.LeaseUntil, next.Attempts = fromMicros(now+h.Lease().Microseconds()), next.Attempts+1
	if err := s.t.execOne(errNotReady, `UPDATE jobs SET state = 'running', lease_token = $1, lease_until = $2, locked_by = $3, attempts = $4, updated_at = $5
		WHERE id = $6 AND state = 'ready'`, next.LeaseToken, micros(next.LeaseUntil), next.LockedBy, next.Attempts, now, next.ID); err != nil {
		if errors.Is(err, errNotReady) {
			return nil // another node claimed it meanwhile
		}
		return err
	}
	if _, err := s.t.exec(`INSERT INTO job_attempts (job_id, attempt, node, started_at) VALUES ($1, $2, $3, $4)`, next.ID, next.Attempts, next.LockedBy, now); err != nil {
		return err
	}
	s.t.handOver(h, next)
	return nil
}

var errNotReady = errors.New("store: job no longer ready")
