package store

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"interlend/internal/ill"
)

// JobState is where a job is in its life.
type JobState string

// Job states. Ready jobs wait for their run_at; running jobs hold a lease;
// done and cancelled are final; dead jobs used up their attempts (or failed
// for good) and wait for a person; held jobs wait for a condition (such as a
// partner endpoint being configured) and are never tried until released.
const (
	JobReady     JobState = "ready"
	JobRunning   JobState = "running"
	JobDone      JobState = "done"
	JobDead      JobState = "dead"
	JobHeld      JobState = "held"
	JobCancelled JobState = "cancelled"
)

// DefaultMaxAttempts is used when a job does not set its own.
const DefaultMaxAttempts = 10

// ErrLeaseLost is returned when a worker tries to finish a job whose lease
// it no longer holds (it was too slow and another worker took the job).
var ErrLeaseLost = ill.E(ill.Conflict, "job lease lost: another worker owns this job now")

// NewJob describes a job to enqueue.
type NewJob struct {
	Kind    string
	Agency  ill.AgencyID
	Payload any // marshalled as JSON; []byte and json.RawMessage are stored as given
	// OrderingKey makes jobs with the same key run one at a time in the
	// order they were enqueued; a dead or held job blocks the ones after it.
	OrderingKey string
	// IdempotencyKey identifies the job's effect; enqueuing a second job with
	// the same key is a no-op that returns the first job's id. Generated
	// when empty. External receivers see it (Idempotency-Key header).
	IdempotencyKey string
	RunAt          time.Time // zero: now
	MaxAttempts    int       // zero: DefaultMaxAttempts
	HoldReason     string    // non-empty: enqueue held
	// Ref names what the job is about (a request's public id), so that its
	// timers can be found and cancelled together.
	Ref string
}

// Job is a stored job.
type Job struct {
	ID             int64
	Kind           string
	Agency         ill.AgencyID
	Payload        []byte
	OrderingKey    string
	IdempotencyKey string
	State          JobState
	RunAt          time.Time
	Attempts       int
	MaxAttempts    int
	LeaseToken     string
	LeaseUntil     time.Time
	LockedBy       string
	LastError      string
	HoldReason     string
	Ref            string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	CompletedAt    time.Time
}

// Decode unmarshals the payload.
func (j *Job) Decode(v any) error {
	if err := json.Unmarshal(j.Payload, v); err != nil {
		return fmt.Errorf("job %d (%s): bad payload: %w", j.ID, j.Kind, err)
	}
	return nil
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// EnqueueJob adds a job in this transaction: it exists only if the
// transaction commits, together with the change that caused it.
func (s SystemData) EnqueueJob(nj NewJob) (int64, error) {
	var payload []byte
	switch p := nj.Payload.(type) {
	case nil:
		payload = []byte("{}")
	case []byte:
		payload = p
	case json.RawMessage:
		payload = p
	default:
		var err error
		if payload, err = json.Marshal(p); err != nil {
			return 0, fmt.Errorf("store: job %s payload: %w", nj.Kind, err)
		}
	}
	if nj.IdempotencyKey == "" {
		nj.IdempotencyKey = nj.Kind + ":" + randomToken(12)
	}
	if nj.RunAt.IsZero() {
		nj.RunAt = s.t.now
	}
	if nj.MaxAttempts <= 0 {
		nj.MaxAttempts = DefaultMaxAttempts
	}
	state := JobReady
	if nj.HoldReason != "" {
		state = JobHeld
	}
	blocked := false
	if h := s.t.db.jobHandoff(); h != nil && state == JobReady && !nj.RunAt.After(s.t.now) && h.Accepts(nj.Kind) {
		// Due now and a local worker is free: leased to it here, run as
		// soon as the transaction commits.
		id, ok, b, err := s.enqueueLeased(h, nj, payload)
		if err != nil || ok {
			return id, err
		}
		blocked = b
	}
	var id int64
	err := s.t.queryRow(`INSERT INTO jobs (kind, agency, payload, ordering_key, idempotency_key, state, run_at, max_attempts, hold_reason, ref, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
		ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
		nj.Kind, string(nj.Agency), string(payload), nullString(nj.OrderingKey), nj.IdempotencyKey, string(state),
		micros(nj.RunAt), nj.MaxAttempts, nj.HoldReason, nj.Ref, micros(s.t.now)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = s.t.queryRow(`SELECT id FROM jobs WHERE idempotency_key = $1`, nj.IdempotencyKey).Scan(&id)
		return id, err
	}
	if err != nil {
		return 0, fmt.Errorf("store: enqueue %s: %w", nj.Kind, err)
	}
	// A job waiting behind an earlier unfinished job of its ordering key
	// cannot be claimed yet: whichever transaction finishes that job starts
	// this one (startNext). On SQLite transactions are serial, so that one
	// commits after this one and sees it; waking workers here would only
	// cost them a claim that finds nothing. On PostgreSQL the two may run
	// side by side, unseen by each other, and the wake-up covers that.
	if state == JobReady && !nj.RunAt.After(s.t.now.Add(time.Second)) && !(blocked && s.t.db.engine == SQLite) {
		s.wakeWorkers()
	}
	return id, nil
}

// wakeWorkers asks workers (here and on other nodes) to look for work once
// this transaction commits.
func (s SystemData) wakeWorkers() {
	if s.t.notify {
		return
	}
	s.t.notify = true
	if s.t.db.engine == Postgres {
		// Delivered to listeners on other nodes only if the transaction commits.
		_, _ = s.t.exec(`SELECT pg_notify('interlend_jobs', '')`)
	}
}

const jobColumns = `id, kind, agency, payload, ordering_key, idempotency_key, state, run_at, attempts, max_attempts,
	lease_token, lease_until, locked_by, last_error, hold_reason, ref, created_at, updated_at, completed_at`

func scanJob(sc interface{ Scan(...any) error }) (Job, error) {
	var j Job
	var agency, payload, state string
	var key sql.NullString
	var runAt, leaseUntil, created, updated int64
	var completed sql.NullInt64
	err := sc.Scan(&j.ID, &j.Kind, &agency, &payload, &key, &j.IdempotencyKey, &state, &runAt, &j.Attempts, &j.MaxAttempts,
		&j.LeaseToken, &leaseUntil, &j.LockedBy, &j.LastError, &j.HoldReason, &j.Ref, &created, &updated, &completed)
	j.Agency, j.Payload, j.OrderingKey, j.State = ill.AgencyID(agency), []byte(payload), key.String, JobState(state)
	j.RunAt, j.LeaseUntil, j.CreatedAt, j.UpdatedAt, j.CompletedAt = fromMicros(runAt), fromMicros(leaseUntil), fromMicros(created), fromMicros(updated), fromNullMicros(completed)
	return j, err
}

// ClaimJobs leases up to limit due jobs to node. A job is due when it is
// ready and its run_at has come, or running with an expired lease (its
// worker died). A job with an ordering key is due only when no earlier job
// with that key is unfinished. On PostgreSQL rows other nodes are claiming
// are skipped; on SQLite the single writer makes the claim atomic.
func (s SystemData) ClaimJobs(node string, limit int, lease time.Duration, kinds []string) ([]Job, error) {
	now := micros(s.t.now)
	// Jobs whose worker died on their final attempt are dead, not retried.
	if _, err := s.t.exec(`UPDATE jobs SET state = 'dead', last_error = 'worker lost the job on its final attempt (lease expired)', updated_at = $1
		WHERE state = 'running' AND lease_until < $1 AND attempts >= max_attempts`, now); err != nil {
		return nil, err
	}
	kindFilter, args := "", []any{now, limit}
	if len(kinds) > 0 {
		ph := make([]string, len(kinds))
		for i, k := range kinds {
			args = append(args, k)
			ph[i] = fmt.Sprintf("$%d", len(args))
		}
		kindFilter = " AND j.kind IN (" + strings.Join(ph, ", ") + ")"
	}
	token := randomToken(16)
	args = append(args, token, now+lease.Microseconds(), node)
	n := len(args)
	q := fmt.Sprintf(`UPDATE jobs SET state = 'running', lease_token = $%d, lease_until = $%d, locked_by = $%d, attempts = attempts + 1, updated_at = $1
		WHERE id IN (
			SELECT j.id FROM jobs j
			WHERE ((j.state = 'ready' AND j.run_at <= $1) OR (j.state = 'running' AND j.lease_until < $1))%s
			  AND (j.ordering_key IS NULL OR NOT EXISTS (
				SELECT 1 FROM jobs e WHERE e.ordering_key = j.ordering_key AND e.id < j.id
				  AND e.state <> 'done' AND e.state <> 'cancelled'))
			ORDER BY j.run_at, j.id
			LIMIT $2%s)
		RETURNING `+jobColumns, n-2, n-1, n, kindFilter, s.t.db.skipLocked())
	rows, err := s.t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: claim jobs: %w", err)
	}
	var out []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, j)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, j := range out {
		if _, err := s.t.exec(`INSERT INTO job_attempts (job_id, attempt, node, started_at) VALUES ($1, $2, $3, $4)`,
			j.ID, j.Attempts, node, now); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// finishAttempt closes the attempt row of a job.
func (s SystemData) finishAttempt(j Job, outcome, msg string) error {
	// The newest row of that number: a re-driven or released job counts
	// its attempts again from 1, and the earlier rows keep their outcome.
	_, err := s.t.exec(`UPDATE job_attempts SET finished_at = $1, outcome = $2, error = $3
		WHERE id = (SELECT max(id) FROM job_attempts WHERE job_id = $4 AND attempt = $5)`,
		micros(s.t.now), outcome, truncate(msg, 2000), j.ID, j.Attempts)
	return err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// CompleteJob marks a job done, if the caller still holds its lease
// (fencing); otherwise it returns ErrLeaseLost and the caller's transaction
// must roll back, so that the job's effects happen exactly once.
func (s SystemData) CompleteJob(j Job) error {
	if err := s.t.execOne(ErrLeaseLost, `UPDATE jobs SET state = 'done', completed_at = $1, updated_at = $1, lease_until = 0
		WHERE id = $2 AND lease_token = $3 AND state = 'running'`, micros(s.t.now), j.ID, j.LeaseToken); err != nil {
		return err
	}
	if j.OrderingKey != "" {
		if err := s.startNext(j.OrderingKey); err != nil {
			return err
		}
	}
	return s.finishAttempt(j, "done", "")
}

// FailJob records a failed attempt: the job runs again at retryAt, or is
// dead when dead is set or its attempts are used up. Fenced like CompleteJob.
func (s SystemData) FailJob(j Job, msg string, retryAt time.Time, dead bool) error {
	state, outcome := JobReady, "retry"
	if dead || j.Attempts >= j.MaxAttempts {
		state, outcome = JobDead, "dead"
	}
	if err := s.t.execOne(ErrLeaseLost, `UPDATE jobs SET state = $1, run_at = $2, last_error = $3, updated_at = $4, lease_until = 0
		WHERE id = $5 AND lease_token = $6 AND state = 'running'`,
		string(state), micros(retryAt), truncate(msg, 2000), micros(s.t.now), j.ID, j.LeaseToken); err != nil {
		return err
	}
	return s.finishAttempt(j, outcome, msg)
}

// HoldJob parks a running job until someone releases it (for example a
// partner without an endpoint). The attempt is not counted against it.
func (s SystemData) HoldJob(j Job, reason string) error {
	if err := s.t.execOne(ErrLeaseLost, `UPDATE jobs SET state = 'held', hold_reason = $1, attempts = attempts - 1, updated_at = $2, lease_until = 0
		WHERE id = $3 AND lease_token = $4 AND state = 'running'`, reason, micros(s.t.now), j.ID, j.LeaseToken); err != nil {
		return err
	}
	return s.finishAttempt(j, "held", reason)
}

// ExtendLease renews a running job's lease (heartbeat). Fenced.
func (s SystemData) ExtendLease(j Job, until time.Time) error {
	return s.t.execOne(ErrLeaseLost, `UPDATE jobs SET lease_until = $1 WHERE id = $2 AND lease_token = $3 AND state = 'running'`,
		micros(until), j.ID, j.LeaseToken)
}

// ReleaseJob returns a running job to the queue without counting the
// attempt (graceful shutdown). Fenced.
func (s SystemData) ReleaseJob(j Job) error {
	if err := s.t.execOne(ErrLeaseLost, `UPDATE jobs SET state = 'ready', attempts = attempts - 1, lease_until = 0, updated_at = $1
		WHERE id = $2 AND lease_token = $3 AND state = 'running'`, micros(s.t.now), j.ID, j.LeaseToken); err != nil {
		return err
	}
	return s.finishAttempt(j, "released", "shutdown")
}

// JobFilter selects jobs for listing, re-driving and cancelling. Empty
// fields match everything; Agency "" with AllAgencies false matches only
// system jobs.
type JobFilter struct {
	Agency      ill.AgencyID
	AllAgencies bool
	States      []JobState
	Kind        string
	OrderingKey string
	Ref         string
	IDs         []int64
	Limit       int
}

func (f JobFilter) where(args *[]any) string {
	var conds []string
	add := func(cond string, v any) {
		*args = append(*args, v)
		conds = append(conds, fmt.Sprintf(cond, len(*args)))
	}
	if !f.AllAgencies {
		add("agency = $%d", string(f.Agency))
	}
	if len(f.States) > 0 {
		ph := make([]string, len(f.States))
		for i, st := range f.States {
			*args = append(*args, string(st))
			ph[i] = fmt.Sprintf("$%d", len(*args))
		}
		conds = append(conds, "state IN ("+strings.Join(ph, ", ")+")")
	}
	if f.Kind != "" {
		add("kind = $%d", f.Kind)
	}
	if f.OrderingKey != "" {
		add("ordering_key = $%d", f.OrderingKey)
	}
	if f.Ref != "" {
		add("ref = $%d", f.Ref)
	}
	if len(f.IDs) > 0 {
		ph := make([]string, len(f.IDs))
		for i, id := range f.IDs {
			*args = append(*args, id)
			ph[i] = fmt.Sprintf("$%d", len(*args))
		}
		conds = append(conds, "id IN ("+strings.Join(ph, ", ")+")")
	}
	if len(conds) == 0 {
		return "TRUE"
	}
	return strings.Join(conds, " AND ")
}

// ListJobs lists jobs, oldest first.
func (s SystemData) ListJobs(f JobFilter) ([]Job, error) {
	var args []any
	q := `SELECT ` + jobColumns + ` FROM jobs WHERE ` + f.where(&args) + ` ORDER BY id`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := s.t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// GetJob finds one job. Returns NotFound.
func (s SystemData) GetJob(id int64) (Job, error) {
	j, err := scanJob(s.t.queryRow(`SELECT `+jobColumns+` FROM jobs WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Job{}, ill.Errorf(ill.NotFound, "no job %d", id)
	}
	return j, err
}

// RedriveJobs puts dead and held jobs matching f back in the queue with
// fresh attempts, to run now. Order per key is kept because the earliest
// job of a key still runs first. Returns how many.
func (s SystemData) RedriveJobs(f JobFilter) (int64, error) {
	f.States = []JobState{JobDead, JobHeld}
	args := []any{micros(s.t.now)}
	res, err := s.t.exec(`UPDATE jobs SET state = 'ready', attempts = 0, run_at = $1, hold_reason = '', updated_at = $1 WHERE `+f.where(&args), args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if n > 0 {
		s.wakeWorkers()
	}
	return n, err
}

// CancelJobs cancels ready, held and dead jobs matching f (for example the
// timers and outgoing messages of a request that reached a terminal state).
// Running jobs finish their attempt. Returns how many.
func (s SystemData) CancelJobs(f JobFilter) (int64, error) {
	largs := []any{micros(s.t.now)}
	leased, err := s.cancelLeased(f.where(&largs), largs)
	if err != nil {
		return 0, err
	}
	f.States = []JobState{JobReady, JobHeld, JobDead}
	args := []any{micros(s.t.now)}
	res, err := s.t.exec(`UPDATE jobs SET state = 'cancelled', updated_at = $1, completed_at = $1 WHERE `+f.where(&args), args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return n + leased, err
}

// NextJobDue is the run_at of the earliest ready job, or the zero time.
func (s SystemData) NextJobDue() (time.Time, error) {
	var at sql.NullInt64
	err := s.t.queryRow(`SELECT min(run_at) FROM jobs WHERE state = 'ready'`).Scan(&at)
	return fromNullMicros(at), err
}

// JobCount is one row of the jobs page summary.
type JobCount struct {
	Agency    ill.AgencyID
	Kind      string
	State     JobState
	Count     int
	OldestDue time.Time // earliest run_at among them
}

// JobCounts summarises jobs by agency, kind and state, leaving out done and
// cancelled jobs.
func (s SystemData) JobCounts(f JobFilter) ([]JobCount, error) {
	f.States = []JobState{JobReady, JobRunning, JobDead, JobHeld}
	var args []any
	rows, err := s.t.query(`SELECT agency, kind, state, count(*), min(run_at) FROM jobs WHERE `+f.where(&args)+
		` GROUP BY agency, kind, state ORDER BY agency, kind, state`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []JobCount
	for rows.Next() {
		var c JobCount
		var agency, state string
		var oldest int64
		if err := rows.Scan(&agency, &c.Kind, &state, &c.Count, &oldest); err != nil {
			return nil, err
		}
		c.Agency, c.State, c.OldestDue = ill.AgencyID(agency), JobState(state), fromMicros(oldest)
		out = append(out, c)
	}
	return out, rows.Err()
}

// JobAttempt is one recorded try of a job.
type JobAttempt struct {
	Attempt    int
	Node       string
	StartedAt  time.Time
	FinishedAt time.Time
	Outcome    string
	Error      string
}

// JobAttempts lists the attempts of a job in order.
func (s SystemData) JobAttempts(jobID int64) ([]JobAttempt, error) {
	rows, err := s.t.query(`SELECT attempt, node, started_at, finished_at, outcome, error FROM job_attempts WHERE job_id = $1 ORDER BY id`, jobID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []JobAttempt
	for rows.Next() {
		var a JobAttempt
		var started int64
		var finished sql.NullInt64
		if err := rows.Scan(&a.Attempt, &a.Node, &started, &finished, &a.Outcome, &a.Error); err != nil {
			return nil, err
		}
		a.StartedAt, a.FinishedAt = fromMicros(started), fromNullMicros(finished)
		out = append(out, a)
	}
	return out, rows.Err()
}

// PurgeDoneJobs deletes finished jobs older than before (their effects are
// recorded elsewhere); returns how many.
func (s SystemData) PurgeDoneJobs(before time.Time) (int64, error) {
	res, err := s.t.exec(`DELETE FROM jobs WHERE state IN ('done', 'cancelled') AND completed_at < $1`, micros(before))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
