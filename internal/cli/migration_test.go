package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMigrationCommands: the ILLiad preset's dry run reports every broken
// row of the fixture by line; a generic mapping file imports another
// system's file, and a second run creates nothing; a library exported is
// imported into another, empty agency.
func TestMigrationCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, ag := range []string{"US-EXA", "US-EXB"} {
		if code, _, errOut := runCLI(t, dir, "agency", "add", ag, "Example "+ag); code != 0 {
			t.Fatalf("agency add: %d %s", code, errOut)
		}
	}
	fixture := "../migrate/testdata/illiad/Transactions.csv"
	code, out, errOut := runCLI(t, dir, "import", "csv", fixture, "--preset", "illiad", "--agency", "US-EXA", "--dry-run")
	if code != 0 || !strings.Contains(out, "would be created") || !strings.Contains(out, "borrowing checked_out") ||
		!strings.Contains(errOut, "Transactions.csv: line 222 (200220): CreationDate \"not a date\" is not a date") ||
		!strings.Contains(errOut, "unknown borrowing status \"Awaiting Gremlin Processing\"") || !strings.Contains(out, "skipped: Doc Del") {
		t.Fatalf("dry run: %d\n%s\n%s", code, out, errOut)
	}
	if n := strings.Count(errOut, ": line ") - strings.Count(errOut, "warning: patron"); n != 10 {
		t.Errorf("%d rows that cannot be mapped, want 10:\n%s", n, errOut)
	}

	mapping := write("mapping.csv", `kind,field,column
transactions,number,Request ID
transactions,side,Direction
transactions,status,State
transactions,created,Placed
transactions,title,Title
transactions,author,Author
transactions,partner,Partner
status,borrowing,On loan to patron,checked_out
status,borrowing,Done,completed
`)
	data := write("other.csv", `Request ID,Direction,State,Placed,Title,Author,Partner
T-1,borrowing,On loan to patron,2026-02-01,Dune,"Herbert, Frank",ZCU
T-2,borrowing,Done,2025-11-05,Emma,"Austen, Jane",YUS
T-3,lending,new,2026-02-20,Ulysses,"Joyce, James",NYP
T-4,borrowing,Lost in space,2026-01-01,X,Y,Z
`)
	code, out, errOut = runCLI(t, dir, "import", "csv", data, "--mapping", mapping, "--agency", "US-EXA")
	if code != 0 || !strings.Contains(out, "3 created, 0 already imported") || !strings.Contains(errOut, "other.csv: line 5 (T-4): unknown borrowing status \"Lost in space\"") {
		t.Fatalf("mapping import: %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, dir, "import", "csv", data, "--mapping", mapping, "--agency", "US-EXA")
	if code != 0 || !strings.Contains(out, "0 created, 3 already imported") {
		t.Fatalf("second run: %d\n%s", code, out)
	}
	if code, _, errOut := runCLI(t, dir, "import", "csv", data, "--agency", "US-EXA"); code != 2 || !strings.Contains(errOut, "--preset illiad or --mapping") {
		t.Errorf("no mapping: %d %s", code, errOut)
	}

	export := filepath.Join(dir, "export")
	code, out, errOut = runCLI(t, dir, "export", "library", "--agency", "US-EXA", "--out", export)
	if code != 0 || !strings.Contains(out, "3 requests") {
		t.Fatalf("export: %d\n%s\n%s", code, out, errOut)
	}
	for _, f := range []string{"manifest.json", "requests.jsonl", "requests.csv", "import_keys.jsonl"} {
		if _, err := os.Stat(filepath.Join(export, f)); err != nil {
			t.Errorf("export: %v", err)
		}
	}
	code, out, errOut = runCLI(t, dir, "import", "library", export, "--agency", "US-EXB")
	if code != 0 || !strings.Contains(out, "3 requests") {
		t.Fatalf("import library: %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, dir, "import", "library", export, "--agency", "US-EXB"); code != 1 || !strings.Contains(errOut, "new, empty agency") {
		t.Errorf("second library import: %d %s", code, errOut)
	}
}
