package store_test

import (
	"fmt"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// Problem workflows (problems.go). The file sorts after
// scope_requests_test.go so that its seed finds the agency's requests.
func init() { addScope(problemCases, seedProblems) }

func seedProblems(tx *store.Tx, ag ill.AgencyID, marker string) error {
	r := firstRequest(tx.Agency(), ag, ill.Borrowing)
	_, err := tx.Agency().OpenProblem(ag, &store.Problem{RequestID: r.ID, Kind: ill.ProbNotReceived, Step: "status_request", Note: "seed " + marker})
	return err
}

// problemOf returns the agency's seeded problem.
func problemOf(a store.AgencyData, ag ill.AgencyID) store.Problem {
	ps, err := a.Problems(ag, store.ProblemFilter{})
	if err != nil || len(ps) == 0 {
		panic(fmt.Sprintf("no seeded problem for %s: %v", ag, err))
	}
	return ps[0]
}

var problemCases = map[string]agencyCase{
	"OpenProblem": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		theirs := firstRequest(a, otherAgency, ill.Borrowing)
		if _, err := a.OpenProblem(ag, &store.Problem{RequestID: theirs.ID, Kind: ill.ProbWrongItem, Step: "return"}); !ill.Is(err, ill.NotFound) {
			return nil, fmt.Errorf("a problem opened on another agency's request: %v", err)
		}
		mine := firstRequest(a, ag, ill.Borrowing)
		p := &store.Problem{RequestID: mine.ID, Kind: ill.ProbNotReceived, Step: "claim"}
		created, err := a.OpenProblem(ag, p)
		if err == nil && created {
			err = fmt.Errorf("a second open problem of the same kind was created")
		}
		return p, err
	},
	"SetProblemStep": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		theirs := problemOf(a, otherAgency)
		if err := a.SetProblemStep(ag, theirs.ID, "claim", "", time.Time{}); !ill.Is(err, ill.NotFound) {
			return nil, fmt.Errorf("another agency's problem was moved: %v", err)
		}
		return nil, a.SetProblemStep(ag, problemOf(a, ag).ID, "claim", "settle", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	},
	"CloseProblem": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		theirs := problemOf(a, otherAgency)
		if err := a.CloseProblem(ag, theirs.ID, "resolved", ""); !ill.Is(err, ill.NotFound) {
			return nil, fmt.Errorf("another agency's problem was closed: %v", err)
		}
		mine := &store.Problem{RequestID: firstRequest(a, ag, ill.Borrowing).ID, Kind: ill.ProbDamagedPatron, Step: "bill"}
		if _, err := a.OpenProblem(ag, mine); err != nil {
			return nil, err
		}
		if err := a.CloseProblem(ag, mine.ID, "resolved", "found"); err != nil {
			return nil, err
		}
		if err := a.CloseProblem(ag, mine.ID, "resolved", "again"); !ill.Is(err, ill.NotFound) {
			return nil, fmt.Errorf("a closed problem was closed again: %v", err)
		}
		return a.Problems(ag, store.ProblemFilter{Closed: true})
	},
	"Problem": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		if _, err := a.Problem(ag, problemOf(a, otherAgency).ID); !ill.Is(err, ill.NotFound) {
			return nil, fmt.Errorf("another agency's problem was read: %v", err)
		}
		return a.Problem(ag, problemOf(a, ag).ID)
	},
	"OpenProblemOf": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.OpenProblemOf(ag, firstRequest(a, ag, ill.Borrowing).ID, ill.ProbNotReceived)
	},
	"RequestProblems": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		ps, err := a.RequestProblems(ag, firstRequest(a, otherAgency, ill.Borrowing).ID)
		if err == nil && len(ps) != 0 {
			return nil, fmt.Errorf("another agency's request's problems were listed")
		}
		return a.RequestProblems(ag, firstRequest(a, ag, ill.Borrowing).ID)
	},
	"Problems": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		ps, err := a.Problems(ag, store.ProblemFilter{Kind: ill.ProbNotReceived, Side: ill.Borrowing})
		if err == nil && len(ps) != 1 {
			err = fmt.Errorf("%d problems, want the agency's one", len(ps))
		}
		return ps, err
	},
}
