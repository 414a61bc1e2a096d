package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"interlend/internal/ill"
)

// Problem workflows (docs/problems.md): one row per problem a request ran
// into, open until staff or the workflow close it.

// Problem is one row of request_problems, with the request's public id,
// side and state when read for the queue.
type Problem struct {
	ID        int64           `json:"id"`
	Agency    ill.AgencyID    `json:"agency"`
	RequestID int64           `json:"-"`
	Request   string          `json:"request"`
	Side      ill.Side        `json:"side"`
	State     ill.State       `json:"state"`
	Title     string          `json:"title"`
	Partner   ill.AgencyID    `json:"partner,omitempty"`
	Kind      ill.ProblemKind `json:"kind"`
	Step      string          `json:"step"`
	OpenedAt  time.Time       `json:"openedAt"`
	StepAt    time.Time       `json:"stepAt"`
	NextStep  string          `json:"nextStep,omitempty"`
	NextAt    time.Time       `json:"nextAt,omitzero"`
	ClosedAt  time.Time       `json:"closedAt,omitzero"`
	Outcome   string          `json:"outcome,omitempty"`
	Note      string          `json:"note,omitempty"`
}

// Open reports whether the problem is still open.
func (p Problem) Open() bool { return p.ClosedAt.IsZero() }

const problemColumns = `p.id, p.agency, p.request_id, r.public_id, r.side, r.state, r.data, p.kind, p.step, p.opened_at, p.step_at, p.next_step, p.next_at, p.closed_at, p.outcome, p.note`

func scanProblem(sc interface{ Scan(...any) error }) (Problem, error) {
	var p Problem
	var agency, side, state, data, kind string
	var opened, stepAt, nextAt, closed int64
	err := sc.Scan(&p.ID, &agency, &p.RequestID, &p.Request, &side, &state, &data, &kind, &p.Step, &opened, &stepAt, &p.NextStep, &nextAt, &closed, &p.Outcome, &p.Note)
	if err != nil {
		return p, err
	}
	p.Agency, p.Side, p.State, p.Kind = ill.AgencyID(agency), ill.Side(side), ill.State(state), ill.ProblemKind(kind)
	p.OpenedAt, p.StepAt = fromMicros(opened), fromMicros(stepAt)
	if nextAt != 0 {
		p.NextAt = fromMicros(nextAt)
	}
	if closed != 0 {
		p.ClosedAt = fromMicros(closed)
	}
	var r struct {
		Partner  ill.AgencyID `json:"partner"`
		Citation struct {
			Title string `json:"title"`
		} `json:"citation"`
	}
	if json.Unmarshal([]byte(data), &r) == nil {
		p.Title, p.Partner = r.Citation.Title, r.Partner
	}
	return p, nil
}

// OpenProblem opens a problem of p.Kind on request p.RequestID at step
// p.Step (opened and entered now). A request has at most one open problem
// of a kind: opening it again returns the open one with created false.
func (a AgencyData) OpenProblem(agency ill.AgencyID, p *Problem) (created bool, err error) {
	if open, err := a.OpenProblemOf(agency, p.RequestID, p.Kind); err == nil {
		*p = open
		return false, nil
	} else if !ill.Is(err, ill.NotFound) {
		return false, err
	}
	var n int
	if err := a.t.queryRow(`SELECT count(*) FROM requests WHERE id = $1 AND agency = $2`, p.RequestID, string(agency)).Scan(&n); err != nil {
		return false, err
	}
	if n == 0 {
		return false, ill.Errorf(ill.NotFound, "no request %d", p.RequestID)
	}
	p.Agency, p.OpenedAt, p.StepAt = agency, a.t.now, a.t.now
	err = a.t.queryRow(`INSERT INTO request_problems (agency, request_id, kind, step, opened_at, step_at, next_step, next_at, note)
		VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8) RETURNING id`,
		string(agency), p.RequestID, string(p.Kind), p.Step, micros(a.t.now), p.NextStep, optMicros(p.NextAt), p.Note).Scan(&p.ID)
	if err != nil {
		return false, fmt.Errorf("store: open problem: %w", err)
	}
	return true, nil
}

// SetProblemStep moves an open problem to step (entered now) with its
// next automatic step and time (zero: staff act next).
func (a AgencyData) SetProblemStep(agency ill.AgencyID, id int64, step, next string, nextAt time.Time) error {
	res, err := a.t.exec(`UPDATE request_problems SET step = $1, step_at = $2, next_step = $3, next_at = $4 WHERE id = $5 AND agency = $6 AND closed_at = 0`,
		step, micros(a.t.now), next, optMicros(nextAt), id, string(agency))
	return affected(res, err, id)
}

// CloseProblem closes an open problem with an outcome and a note.
func (a AgencyData) CloseProblem(agency ill.AgencyID, id int64, outcome, note string) error {
	res, err := a.t.exec(`UPDATE request_problems SET closed_at = $1, outcome = $2, note = CASE WHEN $3 = '' THEN note ELSE $3 END, next_step = '', next_at = 0
		WHERE id = $4 AND agency = $5 AND closed_at = 0`, micros(a.t.now), outcome, note, id, string(agency))
	return affected(res, err, id)
}

// affected turns an update that matched no open problem into NotFound.
func affected(res sql.Result, err error, id int64) error {
	if err != nil {
		return fmt.Errorf("store: problem %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return ill.Errorf(ill.NotFound, "no open problem %d", id)
	}
	return nil
}

// Problem reads one problem. Returns NotFound.
func (a AgencyData) Problem(agency ill.AgencyID, id int64) (Problem, error) {
	p, err := scanProblem(a.t.queryRow(`SELECT `+problemColumns+` FROM request_problems p JOIN requests r ON r.id = p.request_id
		WHERE p.agency = $1 AND p.id = $2`, string(agency), id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ill.Errorf(ill.NotFound, "no problem %d", id)
	}
	return p, err
}

// OpenProblemOf returns a request's open problem of a kind. Returns
// NotFound.
func (a AgencyData) OpenProblemOf(agency ill.AgencyID, requestID int64, kind ill.ProblemKind) (Problem, error) {
	p, err := scanProblem(a.t.queryRow(`SELECT `+problemColumns+` FROM request_problems p JOIN requests r ON r.id = p.request_id
		WHERE p.agency = $1 AND p.request_id = $2 AND p.kind = $3 AND p.closed_at = 0`, string(agency), requestID, string(kind)))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ill.Errorf(ill.NotFound, "no open %s problem", kind)
	}
	return p, err
}

// RequestProblems lists a request's problems, open and closed, oldest
// first.
func (a AgencyData) RequestProblems(agency ill.AgencyID, requestID int64) ([]Problem, error) {
	return a.problems(`SELECT `+problemColumns+` FROM request_problems p JOIN requests r ON r.id = p.request_id
		WHERE p.agency = $1 AND p.request_id = $2 ORDER BY p.opened_at, p.id`, string(agency), requestID)
}

// ProblemFilter selects the problems queue.
type ProblemFilter struct {
	Kind   ill.ProblemKind // "" for all
	Side   ill.Side        // "" for both
	Closed bool            // closed ones instead of open ones
	Limit  int             // 0: 500
}

// Problems lists an agency's open (or closed) problems, oldest first.
func (a AgencyData) Problems(agency ill.AgencyID, f ProblemFilter) ([]Problem, error) {
	q := `SELECT ` + problemColumns + ` FROM request_problems p JOIN requests r ON r.id = p.request_id WHERE p.agency = $1`
	args := []any{string(agency)}
	if f.Closed {
		q += ` AND p.closed_at <> 0`
	} else {
		q += ` AND p.closed_at = 0`
	}
	if f.Kind != "" {
		args = append(args, string(f.Kind))
		q += fmt.Sprintf(` AND p.kind = $%d`, len(args))
	}
	if f.Side != "" {
		args = append(args, string(f.Side))
		q += fmt.Sprintf(` AND r.side = $%d`, len(args))
	}
	if f.Limit <= 0 {
		f.Limit = 500
	}
	args = append(args, f.Limit)
	q += fmt.Sprintf(` ORDER BY p.opened_at, p.id LIMIT $%d`, len(args))
	return a.problems(q, args...)
}

func (a AgencyData) problems(q string, args ...any) ([]Problem, error) {
	rows, err := a.t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: problems: %w", err)
	}
	defer rows.Close()
	var out []Problem
	for rows.Next() {
		p, err := scanProblem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func optMicros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return micros(t)
}
