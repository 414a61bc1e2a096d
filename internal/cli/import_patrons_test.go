package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the command line with a data folder and returns the exit
// code and outputs.
func runCLI(t *testing.T, dataDir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	args = append(args, "--data-dir", dataDir)
	code := Main(context.Background(), args, &out, &errOut, func(string) string { return "" })
	return code, out.String(), errOut.String()
}

func TestImportPatronsCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if code, _, errOut := runCLI(t, dir, "agency", "add", "US-EXA", "Example A"); code != 0 {
		t.Fatalf("agency add: %d %s", code, errOut)
	}
	file := write("patrons.csv", "barcode,name,email,category\nP1,Ada Lovelace,ada@example.edu,faculty\nP2,Bad Mail,nope,public\nP3,Grace Hopper,,staff\n")

	code, out, errOut := runCLI(t, dir, "import", "patrons", file, "--agency", "US-EXA", "--dry-run")
	if code != 0 || !strings.Contains(out, "3 lines, 2 new, 0 updated, 0 unchanged, 1 bad") || !strings.Contains(out, "dry run") ||
		!strings.Contains(errOut, "patrons.csv: line 3: the email is not an address") {
		t.Fatalf("dry run: %d\n%s\n%s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, dir, "import", "patrons", file, "--agency", "US-EXA"); code != 0 || !strings.Contains(out, "2 new") {
		t.Fatalf("import: %d %s", code, out)
	}
	if code, out, _ := runCLI(t, dir, "import", "patrons", file, "--agency", "US-EXA"); code != 0 || !strings.Contains(out, "0 new, 0 updated, 2 unchanged") {
		t.Fatalf("import again: %d %s", code, out)
	}
	// Mistakes: exit 2, nothing imported.
	bad := write("bad.csv", "name,email\nX,x@example.edu\n")
	for _, args := range [][]string{
		{"import", "patrons", file},
		{"import", "patrons", bad, "--agency", "US-EXA"},
		{"import", "patrons", filepath.Join(dir, "missing.csv"), "--agency", "US-EXA"},
	} {
		if code, _, _ := runCLI(t, dir, args...); code == 0 {
			t.Errorf("%v: exit 0, want a failure", args)
		}
	}

	// The none driver finds the imported patron.
	if code, out, errOut := runCLI(t, dir, "ils", "test", "--agency", "US-EXA", "--patron", "P1"); code != 0 || !strings.Contains(out, "driver: none") || !strings.Contains(out, "name: Ada Lovelace") {
		t.Errorf("ils test: %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, dir, "ils", "test", "--agency", "US-EXA", "--patron", "NOBODY"); code != 1 || !strings.Contains(errOut, "Unknown User") {
		t.Errorf("ils test of an unknown patron: %d %s", code, errOut)
	}
	// ILS settings round trip; the secret is never printed.
	settings := write("ils.json", `{"driver":"ncip","endpoint":"https://ils.example.edu/ncip","toAgency":"EXA","auth":"bearer"}`)
	if code, _, errOut := runCLI(t, dir, "ils", "set", "--agency", "US-EXA", "--file", settings); code != 2 || !strings.Contains(errOut, "secret") {
		t.Errorf("ils set without the secret: %d %s", code, errOut)
	}
	secret := write("secret", "t0ken-value\n")
	if code, out, errOut := runCLI(t, dir, "ils", "set", "--agency", "US-EXA", "--file", settings, "--secret-file", secret); code != 0 || strings.Contains(out, "t0ken") {
		t.Fatalf("ils set: %d %s %s", code, out, errOut)
	}
	code, out, _ = runCLI(t, dir, "ils", "show", "--agency", "US-EXA")
	if code != 0 || !strings.Contains(out, `"secret": "(set)"`) || !strings.Contains(out, `"endpoint": "https://ils.example.edu/ncip"`) || strings.Contains(out, "t0ken") {
		t.Errorf("ils show: %d\n%s", code, out)
	}
	if code, out, _ := runCLI(t, dir, "patrons", "categories", "--agency", "US-EXA"); code != 0 || !strings.Contains(out, `"code": "undergraduate"`) {
		t.Errorf("patrons categories: %d\n%s", code, out)
	}
}
