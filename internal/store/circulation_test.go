package store_test

import (
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

func TestCirculationSteps(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	storetest.EachClocked(t, start, func(t *testing.T, db *store.DB, clock *ill.FakeClock) {
		const ag = ill.AgencyID("US-CIRC")
		r := &ill.Request{Side: ill.Borrowing, State: ill.BReceived, ServiceType: ill.Loan, Citation: ill.Citation{Title: "Silent spring"}}
		mustWrite(t, db, func(tx *store.Tx) error {
			if _, err := tx.System().CreateAgency(ag, "Circulation Library"); err != nil {
				return err
			}
			return tx.Agency().CreateRequest(ag, r)
		})

		// A step is recorded once per request and service.
		mustWrite(t, db, func(tx *store.Tx) error {
			s, added, err := tx.Agency().AddCirculationStep(ag, store.CirculationStep{RequestID: r.ID, Service: "AcceptItem", State: store.StepPending, Driver: "ncip", JobID: 7})
			if err != nil || !added || s.ID == 0 || !s.DoneAt.IsZero() {
				t.Errorf("first add = %+v, %v, %v", s, added, err)
			}
			again, added, err := tx.Agency().AddCirculationStep(ag, store.CirculationStep{RequestID: r.ID, Service: "AcceptItem", State: store.StepDone})
			if err != nil || added || again.ID != s.ID || again.State != store.StepPending || again.JobID != 7 {
				t.Errorf("second add = %+v, %v, %v; want the first step unchanged", again, added, err)
			}
			_, _, err = tx.Agency().AddCirculationStep(ag, store.CirculationStep{RequestID: r.ID, Service: "DeleteItem", State: store.StepDone, Driver: "none"})
			return err
		})

		// A conditional update changes nothing once someone else finished it.
		clock.Advance(time.Minute)
		mustWrite(t, db, func(tx *store.Tx) error {
			s := store.CirculationStep{RequestID: r.ID, Service: "AcceptItem", State: store.StepByHand, ItemID: "ILL-9", DoneBy: 42,
				Data: map[string]string{"note": "made by hand"}}
			if err := tx.Agency().UpdateCirculationStep(ag, s, store.StepPending, store.StepFailed); err != nil {
				return err
			}
			late := store.CirculationStep{RequestID: r.ID, Service: "AcceptItem", State: store.StepDone, ItemID: "ILL-1"}
			if err := tx.Agency().UpdateCirculationStep(ag, late, store.StepPending, store.StepRetrying, store.StepFailed); !ill.Is(err, ill.Conflict) {
				t.Errorf("update of a finished step = %v, want Conflict", err)
			}
			missing := store.CirculationStep{RequestID: r.ID, Service: "CheckInItem", State: store.StepDone}
			if err := tx.Agency().UpdateCirculationStep(ag, missing); !ill.Is(err, ill.NotFound) {
				t.Errorf("update of a missing step = %v, want NotFound", err)
			}
			return nil
		})

		mustRead(t, db, func(tx *store.Tx) error {
			steps, err := tx.Agency().CirculationSteps(ag, r.ID)
			if err != nil {
				return err
			}
			if len(steps) != 2 || steps[0].Service != "AcceptItem" || steps[1].Service != "DeleteItem" {
				t.Fatalf("steps = %+v", steps)
			}
			got := steps[0]
			if got.State != store.StepByHand || got.ItemID != "ILL-9" || got.DoneBy != 42 || got.Data["note"] != "made by hand" ||
				!got.DoneAt.Equal(start.Add(time.Minute)) || !got.CreatedAt.Equal(start) || got.JobID != 0 {
				t.Errorf("after the hand update: %+v", got)
			}
			if !steps[1].DoneAt.Equal(start) || !steps[1].State.Completed() || steps[1].State.Open() {
				t.Errorf("a step added done: %+v", steps[1])
			}
			if _, err := tx.Agency().CirculationStep(ag, r.ID, "CheckOutItem"); !ill.Is(err, ill.NotFound) {
				t.Errorf("missing step = %v, want NotFound", err)
			}
			return nil
		})
	})
}
