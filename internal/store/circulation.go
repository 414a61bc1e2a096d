package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"interlend/internal/ill"
)

// CirculationStep is one call to the agency's ILS about a request (see
// the circulation_steps migration): a service, once per request, with its
// state and what the ILS answered. Problem is the ILS's own text for staff
// and may quote patron data: never log it.
type CirculationStep struct {
	ID        int64
	RequestID int64
	Service   string
	State     StepState
	Driver    string
	ItemID    string
	// Data is what the step learned (due date, call number, who did it),
	// as short texts.
	Data     map[string]string
	Problem  string
	Attempts int
	JobID    int64
	// DoneBy is the staff member who completed the step by hand (0: the
	// system did).
	DoneBy    int64
	CreatedAt time.Time
	UpdatedAt time.Time
	DoneAt    time.Time
}

// StepState is where a circulation step is.
type StepState string

// Step states. Pending and retrying steps have a job that will call the
// ILS; a failed step waits for staff (retry, or complete by hand); done,
// by_hand and skipped are final.
const (
	StepPending  StepState = "pending"
	StepRetrying StepState = "retrying"
	StepFailed   StepState = "failed"
	StepDone     StepState = "done"
	StepByHand   StepState = "by_hand"
	StepSkipped  StepState = "skipped"
)

// Open reports whether the step still has to happen.
func (s StepState) Open() bool { return s == StepPending || s == StepRetrying || s == StepFailed }

// Completed reports whether the step's work is done (by the ILS or by hand).
func (s StepState) Completed() bool { return s == StepDone || s == StepByHand }

const stepColumns = `id, request_id, service, state, driver, item_id, data, problem, attempts, job_id, done_by, created_at, updated_at, done_at`

func scanStep(sc interface{ Scan(...any) error }) (CirculationStep, error) {
	var s CirculationStep
	var state, data string
	var job, by, done sql.NullInt64
	var created, updated int64
	if err := sc.Scan(&s.ID, &s.RequestID, &s.Service, &state, &s.Driver, &s.ItemID, &data, &s.Problem, &s.Attempts, &job, &by,
		&created, &updated, &done); err != nil {
		return s, err
	}
	s.State, s.JobID, s.DoneBy = StepState(state), job.Int64, by.Int64
	s.CreatedAt, s.UpdatedAt, s.DoneAt = fromMicros(created), fromMicros(updated), fromNullMicros(done)
	if err := json.Unmarshal([]byte(data), &s.Data); err != nil {
		return s, fmt.Errorf("store: circulation step %d data: %w", s.ID, err)
	}
	return s, nil
}

func stepData(d map[string]string) string {
	if len(d) == 0 {
		return "{}"
	}
	b, err := json.Marshal(d)
	if err != nil {
		panic(err) // a map of strings always marshals
	}
	return string(b)
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// AddCirculationStep records a step of one of the agency's requests unless
// the request already has one for the service. It returns the stored step
// and whether it was added. Returns NotFound for a request of another
// agency.
func (a AgencyData) AddCirculationStep(agency ill.AgencyID, s CirculationStep) (CirculationStep, bool, error) {
	now := micros(a.t.now)
	var done sql.NullInt64
	if !s.State.Open() {
		done = sql.NullInt64{Int64: now, Valid: true}
	}
	// Inserted only for a request of the agency; nothing inserted means
	// the step exists, or the request is not the agency's.
	var id int64
	err := a.t.queryRow(`INSERT INTO circulation_steps (agency, request_id, service, state, driver, item_id, data, problem, attempts, job_id, done_by, created_at, updated_at, done_at)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13 WHERE EXISTS (SELECT 1 FROM requests WHERE id = $2 AND agency = $1)
		ON CONFLICT (agency, request_id, service) DO NOTHING RETURNING id`,
		string(agency), s.RequestID, s.Service, string(s.State), s.Driver, s.ItemID, stepData(s.Data), s.Problem, s.Attempts,
		nullID(s.JobID), nullID(s.DoneBy), now, done).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		existing, err := a.CirculationStep(agency, s.RequestID, s.Service)
		if ill.Is(err, ill.NotFound) {
			err = ill.Errorf(ill.NotFound, "no request %d here", s.RequestID)
		}
		return existing, false, err
	}
	if err != nil {
		return s, false, fmt.Errorf("store: add circulation step %s: %w", s.Service, err)
	}
	s.ID, s.CreatedAt, s.UpdatedAt, s.DoneAt = id, a.t.now, a.t.now, fromNullMicros(done)
	return s, true, nil
}

// CirculationStep returns a request's step for a service. Returns NotFound.
func (a AgencyData) CirculationStep(agency ill.AgencyID, requestID int64, service string) (CirculationStep, error) {
	s, err := scanStep(a.t.queryRow(`SELECT `+stepColumns+` FROM circulation_steps WHERE agency = $1 AND request_id = $2 AND service = $3`,
		string(agency), requestID, service))
	if errors.Is(err, sql.ErrNoRows) {
		return s, ill.Errorf(ill.NotFound, "request %d has no %s step", requestID, service)
	}
	return s, err
}

// CirculationSteps lists a request's steps in the order they were added.
func (a AgencyData) CirculationSteps(agency ill.AgencyID, requestID int64) ([]CirculationStep, error) {
	rows, err := a.t.query(`SELECT `+stepColumns+` FROM circulation_steps WHERE agency = $1 AND request_id = $2 ORDER BY id`, string(agency), requestID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CirculationStep
	for rows.Next() {
		s, err := scanStep(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// UpdateCirculationStep writes a step's state, item, data, problem,
// attempts, job and DoneBy (found by request and service). With from
// given, the step must still be in one of those states: otherwise someone
// else finished it meanwhile and Conflict is returned, changing nothing.
// Returns NotFound.
func (a AgencyData) UpdateCirculationStep(agency ill.AgencyID, s CirculationStep, from ...StepState) error {
	now := micros(a.t.now)
	var done sql.NullInt64
	if !s.State.Open() {
		done = sql.NullInt64{Int64: now, Valid: true}
	}
	args := []any{string(s.State), s.ItemID, stepData(s.Data), s.Problem, s.Attempts, nullID(s.JobID), nullID(s.DoneBy), now, done,
		string(agency), s.RequestID, s.Service}
	cond := ""
	if len(from) > 0 {
		ph := make([]string, len(from))
		for i, st := range from {
			args = append(args, string(st))
			ph[i] = fmt.Sprintf("$%d", len(args))
		}
		cond = " AND state IN (" + strings.Join(ph, ", ") + ")"
	}
	res, err := a.t.exec(`UPDATE circulation_steps SET state = $1, item_id = $2, data = $3, problem = $4, attempts = $5, job_id = $6, done_by = $7,
		updated_at = $8, done_at = $9 WHERE agency = $10 AND request_id = $11 AND service = $12`+cond, args...)
	if err != nil {
		return fmt.Errorf("store: update circulation step %s: %w", s.Service, err)
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	if _, err := a.CirculationStep(agency, s.RequestID, s.Service); err != nil {
		return err
	}
	return ill.Errorf(ill.Conflict, "the %s step was changed meanwhile", s.Service)
}
