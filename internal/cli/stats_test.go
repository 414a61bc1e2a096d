package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The statistics commands end to end on a small bench: load, rebuild,
// restart, pages and exports over HTTP; then rebuild, refresh and export
// from the command line; mistakes exit 2.
func TestStatsCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, out, errOut := runCLI(t, dir, "bench", "stats", "--n", "1500", "--years", "1", "--agency", "US-STB")
	if code != 0 {
		t.Fatalf("bench stats: %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"engine=sqlite", "load: ", "rebuild: ", "dashboard, first render after restart", "requests export, all years, with identity: ", "peak"} {
		if !strings.Contains(out, want) {
			t.Errorf("bench output lacks %q:\n%s", want, out)
		}
	}
	// The load comes close to the number asked for.
	var loaded int
	if _, err := fmt.Sscanf(out[strings.Index(out, "load: "):], "load: %d requests", &loaded); err != nil || loaded < 1400 || loaded > 1600 {
		t.Errorf("loaded %d requests (%v), want about 1500", loaded, err)
	}
	code, out, errOut = runCLI(t, dir, "stats", "rebuild")
	if code != 0 || !strings.Contains(out, "rebuilt the statistics of") {
		t.Errorf("rebuild: %d %s %s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, dir, "stats", "refresh")
	if code != 0 || !strings.Contains(out, "complete up to event") {
		t.Errorf("refresh: %d %s %s", code, out, errOut)
	}
	file := filepath.Join(dir, "requests.csv")
	code, _, errOut = runCLI(t, dir, "stats", "export", "requests", "--agency", "US-STB", "--out", file)
	if code != 0 {
		t.Fatalf("export: %d %s", code, errOut)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "\ufeffagency,request,side,") || strings.Count(string(b), "\n") < 100 || strings.Contains(string(b), "patron_name") {
		t.Errorf("export file: %.200q", b)
	}
	code, out, _ = runCLI(t, dir, "stats", "export", "events", "--agency", "US-STB", "--period", "12m", "--identity")
	if code != 0 || !strings.Contains(out, "to_state,data") {
		t.Errorf("event export: %d %.200q", code, out)
	}
	for _, args := range [][]string{
		{"stats", "export", "requests"},
		{"stats", "export", "everything", "--agency", "US-STB"},
		{"stats", "export", "requests", "--agency", "US-STB", "--from", "2026-13-01", "--to", "x"},
		{"bench", "stats", "--n", "0"},
	} {
		if code, _, _ := runCLI(t, dir, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, _, errOut := runCLI(t, dir, "stats", "rebuild", "--agency", "US-NONE"); code == 0 || !strings.Contains(errOut, "not hosted") {
		t.Errorf("rebuild of an unknown library: %d %s", code, errOut)
	}
}
