package app_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// waitSync waits (polling, with a deadline) until the agency's audit log
// holds n sync runs and returns the newest.
func waitSync(t *testing.T, w *apptest.World, ag ill.AgencyID, path string, n int) app.PatronSyncOutcome {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var runs []store.AuditRecord
		err := w.App.DB.Read(context.Background(), func(tx *store.Tx) error {
			recs, err := tx.Agency().AuditLog(ag, path, 100)
			for _, r := range recs {
				if r.Action == app.KindPatronSync {
					runs = append(runs, r)
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) >= n {
			var out app.PatronSyncOutcome
			if err := json.Unmarshal([]byte(runs[0].After), &out); err != nil {
				t.Fatal(err)
			}
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 20s, %d sync runs recorded, want %d", len(runs), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestPatronSyncJob(t *testing.T) {
	t.Parallel()
	patronsEach(t, apptest.Options{Workers: 2}, func(t *testing.T, w *apptest.World) {
		ctx := context.Background()
		dir := t.TempDir()
		path := filepath.Join(dir, "patrons.csv")
		write := func(s string) {
			if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		write("barcode,name,category\nS1,Sam One,faculty\nS2,Sue Two,public\n")

		mgr := patronsStaff(t, w, "mgr@example.edu", "US-EXA", ill.RoleManager)
		if err := w.App.SetPatronSync(ctx, mgr, "US-EXA", app.PatronSyncSettings{Path: path, Hour: 2}); !ill.Is(err, ill.Forbidden) {
			t.Errorf("a manager pointed the sync at a server file: %v, want Forbidden", err)
		}
		if err := w.App.SetPatronSync(ctx, ill.SystemActor(), "US-EXA", app.PatronSyncSettings{Path: "patrons.csv", Hour: 2}); !ill.Is(err, ill.Invalid) {
			t.Errorf("relative path: %v, want Invalid", err)
		}
		if err := w.App.SetPatronSync(ctx, ill.SystemActor(), "US-EXA", app.PatronSyncSettings{Path: path, Hour: 24}); !ill.Is(err, ill.Invalid) {
			t.Errorf("hour 24: %v, want Invalid", err)
		}
		if err := w.App.SetPatronSync(ctx, ill.SystemActor(), "US-EXA", app.PatronSyncSettings{Path: path, Hour: 2}); err != nil {
			t.Fatal(err)
		}
		// Saving again does not schedule a second run for the same night.
		if err := w.App.SetPatronSync(ctx, ill.SystemActor(), "US-EXA", app.PatronSyncSettings{Path: path, Hour: 2}); err != nil {
			t.Fatal(err)
		}

		// The clock starts at 14:00; the first run is at 02:00 tomorrow.
		w.Clock.Advance(11 * time.Hour)
		if n := patronCount(t, w, "US-EXA"); n != 0 {
			t.Fatalf("%d patrons before the first run", n)
		}
		w.Clock.Advance(time.Hour + time.Minute)
		out := waitSync(t, w, "US-EXA", path, 1)
		if out.Outcome != app.SyncImported || out.Created != 2 || out.Hash == "" {
			t.Fatalf("first run = %+v", out)
		}
		// The next night the file is the same: nothing is read.
		w.Clock.Advance(24 * time.Hour)
		if out := waitSync(t, w, "US-EXA", path, 2); out.Outcome != app.SyncUnchanged {
			t.Fatalf("second run = %+v, want unchanged", out)
		}
		// A changed file is imported.
		write("barcode,name,category\nS1,Sam One,emeritus\nS2,Sue Two,public\nS3,Sid Three,staff\n")
		w.Clock.Advance(24 * time.Hour)
		out = waitSync(t, w, "US-EXA", path, 3)
		if out.Outcome != app.SyncImported || out.Created != 1 || out.Updated != 1 || out.Unchanged != 1 {
			t.Fatalf("third run = %+v", out)
		}
		// A missing file is recorded, and tried again the next night.
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		w.Clock.Advance(24 * time.Hour)
		if out := waitSync(t, w, "US-EXA", path, 4); out.Outcome != app.SyncMissing {
			t.Fatalf("fourth run = %+v, want missing", out)
		}
		write("not,a,patron,file\n")
		w.Clock.Advance(24 * time.Hour)
		if out := waitSync(t, w, "US-EXA", path, 5); out.Outcome != app.SyncFailed || out.Message == "" {
			t.Fatalf("fifth run = %+v, want failed with a message", out)
		}
		if n := patronCount(t, w, "US-EXA"); n != 3 {
			t.Errorf("%d patrons, want 3", n)
		}
		if n := patronCount(t, w, "US-EXB"); n != 0 {
			t.Errorf("B has %d patrons", n)
		}
		p, _ := w.App.SearchPatrons(ctx, mgr, "US-EXA", "S3", 1)
		if len(p) != 1 || p[0].Source != store.PatronBySync {
			t.Errorf("S3 = %+v, want a record from the sync", p)
		}
		// The status for the patrons page.
		s, last, err := w.App.PatronSync(ctx, mgr, "US-EXA")
		if err != nil || s.Path != path || last == nil || last.Outcome != app.SyncFailed || last.At.IsZero() {
			t.Errorf("PatronSync = %+v %+v %v", s, last, err)
		}
		// Switched off, no further run is scheduled after the one pending.
		if err := w.App.SetPatronSync(ctx, ill.SystemActor(), "US-EXA", app.PatronSyncSettings{}); err != nil {
			t.Fatal(err)
		}
	})
}

func patronCount(t *testing.T, w *apptest.World, ag ill.AgencyID) int {
	t.Helper()
	var n int
	if err := w.App.DB.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		n, err = tx.Agency().CountPatrons(ag)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSyncPatronsNow(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	w.Agency(t, "US-EXA", "Example A")
	ctx := context.Background()
	if _, err := w.App.SyncPatronsNow(ctx, ill.SystemActor(), "US-EXA"); !ill.Is(err, ill.Conflict) {
		t.Errorf("sync without a file set: %v, want Conflict", err)
	}
	path := filepath.Join(t.TempDir(), "p.csv")
	if err := os.WriteFile(path, []byte("barcode\nN1\nN2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := w.App.SetPatronSync(ctx, ill.SystemActor(), "US-EXA", app.PatronSyncSettings{Path: path}); err != nil {
		t.Fatal(err)
	}
	out, err := w.App.SyncPatronsNow(ctx, ill.SystemActor(), "US-EXA")
	if err != nil || out.Outcome != app.SyncImported || out.Created != 2 {
		t.Fatalf("sync now = %+v, %v", out, err)
	}
	out, err = w.App.SyncPatronsNow(ctx, ill.SystemActor(), "US-EXA")
	if err != nil || out.Outcome != app.SyncUnchanged {
		t.Fatalf("second sync now = %+v, %v", out, err)
	}
}
