package app

import (
	"fmt"

	"interlend/internal/ill"
	"interlend/internal/settings"
	"interlend/internal/store"
)

// The aging table (admin area: "Problem workflows"): how many business
// days each step of each problem workflow waits. Names and order of the
// steps are fixed by ill.ProblemSteps; a library changes only the days.

// AgingRow is one row of the aging table.
type AgingRow struct {
	Problem string `json:"problem"`
	Step    string `json:"step"`
	Days    int    `json:"days"`
}

// AgingTable is an agency's aging table.
type AgingTable struct {
	Rows []AgingRow `json:"rows"`
}

// DefaultAging is the aging table of ill.ProblemSteps.
func DefaultAging() AgingTable {
	t := AgingTable{Rows: []AgingRow{}}
	for _, s := range ill.ProblemSteps {
		t.Rows = append(t.Rows, AgingRow{Problem: string(s.Kind), Step: s.Name, Days: s.Days})
	}
	return t
}

// AgingSetting is the aging table settings group.
var AgingSetting = settings.Register(settings.Spec[AgingTable]{
	Key: "problems.aging", Title: "problems.aging.title", Help: "problems.aging.help", Order: 47,
	Defaults: DefaultAging,
	Fields: []settings.Field{
		{Name: "rows", Kind: settings.Records, Label: "problems.aging.rows", Help: "problems.aging.rowshelp", Columns: []settings.Field{
			{Name: "problem", Kind: settings.Text, Label: "problems.aging.problem", Required: true},
			{Name: "step", Kind: settings.Text, Label: "problems.aging.step", Required: true},
			{Name: "days", Kind: settings.Number, Label: "problems.aging.days", Min: 0, Max: 365},
		}},
	},
	Validate: func(t AgingTable) settings.Errors {
		for _, r := range t.Rows {
			if _, ok := ill.StepOf(ill.ProblemKind(r.Problem), r.Step); !ok {
				return settings.Errors{"rows": settings.M("problems.aging.err.step", r.Problem, r.Step)}
			}
			if r.Days < 0 || r.Days > 365 {
				return settings.Errors{"rows": settings.M("problems.aging.err.days", r.Problem, r.Step, fmt.Sprint(r.Days))}
			}
		}
		return nil
	},
})

// agingDays is an agency's business days for a step: its aging table's
// row, else the default.
func agingDays(tx *store.Tx, agency ill.AgencyID, kind ill.ProblemKind, step string) (int, error) {
	t, err := AgingSetting.GetTx(tx, agency)
	if err != nil {
		return 0, err
	}
	for _, r := range t.Rows {
		if r.Problem == string(kind) && r.Step == step {
			return r.Days, nil
		}
	}
	s, ok := ill.StepOf(kind, step)
	if !ok {
		return 0, fmt.Errorf("app: problem %s has no step %q", kind, step)
	}
	return s.Days, nil
}
