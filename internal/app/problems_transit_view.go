package app

import (
	"context"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// The problems queue and a request's problems panel (web): each problem
// with its age in business days of the library's calendar, who acts
// next, and whether it is late.

// StaffLateDays is how many business days a staff step may wait with
// nothing scheduled after it before the queue shows it late.
const StaffLateDays = 5

// ProblemRow is a problem as the queue shows it.
type ProblemRow struct {
	store.Problem
	OpenDays   int  // business days since it opened
	StepDays   int  // business days since its step was entered
	StaffToAct bool // the step waits for staff
	Late       bool // its next step's time passed, or staff have let it wait StaffLateDays
}

// ProblemQueue is the problems queue with ages and lateness. Returns
// Forbidden.
func (a *App) ProblemQueue(ctx context.Context, actor ill.Actor, f store.ProblemFilter) ([]ProblemRow, error) {
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return nil, err
	}
	var out []ProblemRow
	err := a.read(ctx, func(tx *store.Tx) error {
		ps, err := tx.Agency().Problems(actor.Agency, f)
		if err != nil {
			return err
		}
		out, err = problemRows(tx, actor.Agency, ps)
		return err
	})
	return out, err
}

// RequestProblemRows lists a request's problems, open and closed, for its
// page. Returns NotFound.
func (a *App) RequestProblemRows(ctx context.Context, actor ill.Actor, publicID string) ([]ProblemRow, error) {
	var out []ProblemRow
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		ps, err := tx.Agency().RequestProblems(r.Agency, r.ID)
		if err != nil {
			return err
		}
		out, err = problemRows(tx, r.Agency, ps)
		return err
	})
	return out, err
}

func problemRows(tx *store.Tx, agency ill.AgencyID, ps []store.Problem) ([]ProblemRow, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	sch, err := agencySchedule(tx, agency)
	if err != nil {
		return nil, err
	}
	now := tx.Now()
	out := make([]ProblemRow, 0, len(ps))
	for _, p := range ps {
		end := now
		if !p.Open() {
			end = p.ClosedAt
		}
		row := ProblemRow{Problem: p}
		if sch != nil {
			row.OpenDays = max(0, sch.BusinessDaysBetween(p.OpenedAt, end))
			row.StepDays = max(0, sch.BusinessDaysBetween(p.StepAt, end))
		} else {
			row.OpenDays = int(end.Sub(p.OpenedAt) / (24 * time.Hour))
			row.StepDays = int(end.Sub(p.StepAt) / (24 * time.Hour))
		}
		if p.Open() {
			def, _ := ill.StepOf(p.Kind, p.Step)
			row.StaffToAct = !def.Auto
			row.Late = (!p.NextAt.IsZero() && now.After(p.NextAt)) ||
				(row.StaffToAct && p.NextAt.IsZero() && row.StepDays >= StaffLateDays)
		}
		out = append(out, row)
	}
	return out, nil
}
