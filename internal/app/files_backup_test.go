package app_test

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/config"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// TestBackupRestoreKeepsFiles backs up a deployment with stored files and
// a download link, restores it into a fresh deployment, and reads the
// files and uses the link there. Local files travel as files in the
// archive; database files as rows.
func TestBackupRestoreKeepsFiles(t *testing.T) {
	t.Parallel()
	pg := len(storetest.Engines(t)) > 1
	cases := []struct {
		name           string
		from, to       store.Engine
		backend        string
		wantFilesInTar int
	}{
		{"sqlite local", store.SQLite, store.SQLite, "local", 2},
		{"sqlite database", store.SQLite, store.SQLite, "database", 0},
		{"postgres database", store.Postgres, store.Postgres, "database", 0},
		{"sqlite local onto postgres", store.SQLite, store.Postgres, "local", 2},
	}
	for _, c := range cases {
		if !pg && (c.from == store.Postgres || c.to == store.Postgres) {
			continue // storetest.Engines has already failed the test in strict mode
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := apptest.New(t, apptest.Options{Engine: c.from, Config: func(cfg *config.Config) { cfg.FileStore = c.backend }})
			fw := newFileWorld(t, w, c.name)
			big := strings.Repeat("large scan page ", 200_000) // 3.2 MB: several database chunks
			a := fw.store(t, fw.lender, big, "big.pdf")
			b := fw.store(t, fw.lender, "small", "small.pdf")
			link := fw.link(t, app.LinkRequest{File: b.PublicID, UserID: fw.patronID})

			var archive bytes.Buffer
			m, err := w.App.Backup(ctx, &archive)
			if err != nil {
				t.Fatal(err)
			}
			if m.Files != c.wantFilesInTar {
				t.Errorf("backup holds %d files from the data folder, want %d", m.Files, c.wantFilesInTar)
			}

			cfg := config.Defaults()
			cfg.DataDir = filepath.Join(t.TempDir(), "restored")
			cfg.FileStore = c.backend
			if c.to == store.Postgres {
				cfg.DB = storetest.NewEmptyPostgresDatabase(t)
			}
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			if _, err := app.Restore(ctx, cfg, bytes.NewReader(archive.Bytes())); err != nil {
				t.Fatalf("restore: %v", err)
			}
			restored, err := app.Open(ctx, cfg, app.Options{Clock: w.Clock})
			if err != nil {
				t.Fatal(err)
			}
			defer restored.Close()
			for _, f := range []store.File{a, b} {
				_, r, err := restored.OpenFile(ctx, fw.reader, "US-EXA", f.PublicID)
				if err != nil {
					t.Fatalf("open %s after restore: %v", f.Name, err)
				}
				got, err := io.ReadAll(r)
				r.Close()
				if err != nil || int64(len(got)) != f.Size {
					t.Errorf("%s after restore: %d bytes, %v; want %d", f.Name, len(got), err, f.Size)
				}
			}
			d, err := restored.StartDownload(ctx, link.Token, app.Presenter{UserID: fw.patronID})
			if err != nil {
				t.Fatalf("the link after restore: %v", err)
			}
			body, err := io.ReadAll(d.Body)
			if err := d.Finish(ctx, int64(len(body)), err); err != nil || string(body) != "small" {
				t.Errorf("download after restore: %q, %v", body, err)
			}
		})
	}
}
