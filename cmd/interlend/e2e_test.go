package main

import (
	"context"
	"crypto/sha256"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"interlend/internal/store"
	"interlend/internal/testenv"
)

func TestServeStartsAndStopsCleanly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := testenv.Start(t, nil, "serve", "--data-dir", dir)
	took := p.WaitReady(30 * time.Second)
	t.Logf("exec to /readyz 200: %s", took)
	resp, err := http.Get(p.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/healthz %d", resp.StatusCode)
	}
	for h, want := range map[string]string{
		"Content-Security-Policy": "default-src 'self'",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
	} {
		if !strings.Contains(resp.Header.Get(h), want) {
			t.Errorf("header %s = %q, want %q", h, resp.Header.Get(h), want)
		}
	}
	if len(resp.Header.Get("X-Request-Id")) < 8 {
		t.Error("no request id")
	}
	// /metrics on the main address needs a token.
	resp, err = http.Get(p.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("/metrics without token: %d, want 401", resp.StatusCode)
	}
	p.Stop()
	if code := p.Cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0", code)
	}
}

func TestMetricsWithTokenAndSeparateAddress(t *testing.T) {
	t.Parallel()
	maddr := testenv.FreeAddr(t)
	p := testenv.Start(t, []string{"INTERLEND_METRICS_TOKEN=s3cret"}, "serve", "--data-dir", t.TempDir(), "--metrics-listen", maddr)
	p.WaitReady(30 * time.Second)
	resp, err := http.Get("http://" + maddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "interlend_http_requests_total") {
		t.Errorf("metrics address: %d %.200s", resp.StatusCode, body)
	}
	// With a separate address, the main one does not serve metrics at all.
	resp, err = http.Get(p.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusSeeOther {
		t.Errorf("main address /metrics: %d, want not served", resp.StatusCode)
	}
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestBadInputIsRefusedClearly(t *testing.T) {
	t.Parallel()
	corrupt := filepath.Join(t.TempDir(), "corrupt")
	if err := os.MkdirAll(corrupt, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(corrupt, "interlend.db"), []byte(strings.Repeat("garbage! ", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	newer := t.TempDir()
	makeNewerDatabase(t, filepath.Join(newer, "interlend.db"))
	tests := []struct {
		name   string
		env    []string
		args   []string
		code   int
		stderr string
		file   string // must be unchanged
	}{
		{"unknown command", nil, []string{"frobnicate"}, 2, `unknown command "frobnicate"`, ""},
		{"unknown flag", nil, []string{"serve", "--bogus", "1"}, 2, "unknown flag --bogus", ""},
		{"flag after positional", nil, []string{"user", "grant", "a@b.c", "manager", "--nope"}, 2, "unknown flag --nope", ""},
		{"bad env value", []string{"INTERLEND_WORKERS=many"}, []string{"serve"}, 2, "INTERLEND_WORKERS", ""},
		{"bad duration flag", nil, []string{"serve", "--job-poll", "soon"}, 2, "--job-poll", ""},
		{"invalid listen", nil, []string{"serve", "--listen", "8080"}, 2, "--listen", ""},
		{"unreachable database", nil, []string{"serve", "--db", "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"}, 1, "cannot reach PostgreSQL", ""},
		{"corrupt sqlite", nil, []string{"serve", "--data-dir", corrupt}, 1, "not a usable SQLite database", filepath.Join(corrupt, "interlend.db")},
		{"newer schema", nil, []string{"serve", "--data-dir", newer}, 1, "newer than this binary", filepath.Join(newer, "interlend.db")},
		{"newer schema, migrate", nil, []string{"migrate", "up", "--data-dir", newer}, 1, "newer than this binary", filepath.Join(newer, "interlend.db")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before [32]byte
			if tc.file != "" {
				before = fileHash(t, tc.file)
			}
			code, _, stderr := testenv.Run(t, tc.env, tc.args...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr does not say %q:\n%s", tc.stderr, stderr)
			}
			if tc.file != "" {
				if fileHash(t, tc.file) != before {
					t.Errorf("%s was modified", tc.file)
				}
				if _, err := os.Stat(tc.file + "-wal"); err == nil {
					t.Errorf("%s-wal was created", tc.file)
				}
			}
		})
	}
}

// makeNewerDatabase creates a SQLite database whose schema claims a
// version this binary does not know, then checkpoints it into one file.
func makeNewerDatabase(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{SQLitePath: path})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := store.ExecRaw(ctx, db, `INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, $2)`, store.LatestVersion(store.SQLite)+1, true); err != nil {
		t.Fatal(err)
	}
	if err := store.ExecRaw(ctx, db, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
}
