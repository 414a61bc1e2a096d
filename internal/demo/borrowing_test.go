package demo_test

import (
	"testing"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// TestDemoBorrowingDesk: the demo's college library has patrons with a
// history, articles ready to download, requests on the hold shelf and
// duplicates to decide.
func TestDemoBorrowingDesk(t *testing.T) {
	t.Parallel()
	ctx, a := seededDemo(t)
	const ag = ill.AgencyID("US-EXCOL")
	actor := ill.Actor{Kind: ill.ActorStaff, Agency: ag, Grants: ill.Grants{{Agency: ag, Role: ill.RoleManager}}}
	counts, err := a.BorrowingQueueCounts(ctx, actor)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, q := range counts {
		got[q.Name] = q.Count
	}
	for q, min := range map[string]int{"duplicates": 2, "awaiting_pickup": 1, "checked_out": 1, "with_lenders": 1} {
		if got[q] < min {
			t.Errorf("queue %s has %d requests, want at least %d", q, got[q], min)
		}
	}
	var scans []store.File
	var history int
	err = a.DB.Read(ctx, func(tx *store.Tx) error {
		if scans, err = tx.Agency().Files(ag, store.FileFilter{Purpose: string(app.FileScan)}); err != nil {
			return err
		}
		ps, err := tx.Agency().SearchPatrons(ag, "Pat Patron", 1)
		if err != nil || len(ps) == 0 {
			return err
		}
		rs, _, err := tx.Agency().ListRequests(ag, store.RequestFilter{PatronID: ps[0].ID, Limit: 100})
		history = len(rs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(scans) < 3 {
		t.Errorf("%d articles ready to download, want at least 3", len(scans))
	}
	if history < 5 {
		t.Errorf("Pat Patron has %d requests, want a history of at least 5", history)
	}
}
