package demo_test

import (
	"context"
	"testing"

	"interlend/internal/app"
	"interlend/internal/auth"
	"interlend/internal/config"
	"interlend/internal/demo"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// TestDemoCoversEveryOpenState seeds a demo and checks that both desks
// have at least one request in every non-terminal state of the tables.
func TestDemoCoversEveryOpenState(t *testing.T) {
	t.Parallel()
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.Workers = 0
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	a.PasswordParams = auth.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}
	w, err := demo.Seed(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Logins) == 0 {
		t.Fatal("no demo logins")
	}
	for _, wf := range ill.Workflows() {
		seen := map[ill.State]int{}
		for _, ag := range w.Agencies {
			err := a.DB.Read(ctx, func(tx *store.Tx) error {
				counts, _, err := tx.Agency().QueueCounts(ag, wf.Side)
				for s, n := range counts {
					seen[s] += n
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		for _, d := range wf.States {
			if !d.Terminal && seen[d.Name] == 0 {
				t.Errorf("the demo has no %s request in state %s", wf.Side, d.Name)
			}
		}
	}
}
