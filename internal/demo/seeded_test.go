package demo_test

import (
	"context"
	"os"
	"sync"
	"testing"

	"interlend/internal/app"
	"interlend/internal/auth"
	"interlend/internal/config"
	"interlend/internal/demo"
)

// seeded is one demo, seeded once for the tests that only read it.
var seeded struct {
	once sync.Once
	dir  string
	app  *app.App
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if seeded.app != nil {
		seeded.app.Close()
	}
	if seeded.dir != "" {
		os.RemoveAll(seeded.dir)
	}
	os.Exit(code)
}

// seededDemo is the shared seeded demo (read it, do not change it).
func seededDemo(t *testing.T) (context.Context, *app.App) {
	t.Helper()
	ctx := context.Background()
	seeded.once.Do(func() {
		if seeded.dir, seeded.err = os.MkdirTemp("", "interlend-demo-test-"); seeded.err != nil {
			return
		}
		cfg := config.Defaults()
		cfg.DataDir = seeded.dir
		if seeded.err = cfg.Validate(); seeded.err != nil {
			return
		}
		if seeded.app, seeded.err = app.Open(ctx, cfg, app.Options{}); seeded.err != nil {
			return
		}
		seeded.app.PasswordParams = auth.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}
		_, seeded.err = demo.Seed(ctx, seeded.app)
	})
	if seeded.err != nil {
		t.Fatal(seeded.err)
	}
	return ctx, seeded.app
}
