package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"interlend/internal/catalog"
	"interlend/internal/marc/marcgen"
)

func TestImportMARCAndCatalogCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var gen bytes.Buffer
	st, err := marcgen.Generate(&gen, 1500, 5, marcgen.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "catalog.mrc")
	if err := os.WriteFile(file, gen.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, dir, "agency", "add", "US-CLI", "CLI Library"); code != 0 {
		t.Fatalf("agency add: %s", errOut)
	}
	code, out, errOut := runCLI(t, dir, "import", "marc", file, "--agency", "us-cli", "--batch", "400")
	if code != 0 {
		t.Fatalf("import: %d\n%s\n%s", code, out, errOut)
	}
	want := "marc21 catalog of US-CLI: 1500 records read"
	if !strings.Contains(out, want) || !strings.Contains(out, "failed") || strings.Contains(out, "\r") {
		t.Errorf("summary (no progress bar when not a terminal):\n%s", out)
	}
	if n := strings.Count(errOut, "error: record"); n != st.Broken {
		t.Errorf("%d errors on stderr, want %d:\n%s", n, st.Broken, errOut)
	}
	code, out, _ = runCLI(t, dir, "import", "marc", file, "--agency", "ISIL:US-CLI", "--quiet")
	if code != 0 || !strings.Contains(out, "0 new, 0 updated, "+strconv.Itoa(1500-st.Broken)+" unchanged") {
		t.Errorf("re-import: %d %s", code, out)
	}
	code, out, _ = runCLI(t, dir, "catalog", "holders")
	if code != 0 || !strings.Contains(out, "US-CLI") {
		t.Errorf("holders: %d %s", code, out)
	}
	code, out, _ = runCLI(t, dir, "catalog", "search", "--author", "smith", "--limit", "3")
	if code != 0 || strings.Count(out, "US-CLI") != 3 {
		t.Errorf("search: %d\n%s", code, out)
	}

	// Mistakes: exit 2 before anything is read, or a clear failure.
	for _, args := range [][]string{
		{"import", "marc", file},
		{"import", "marc", file, "--agency", "US-CLI", "--format", "pdf"},
		{"import", "marc", file, "--agency", "US-CLI", "--batch", "0"},
		{"import", "marc", filepath.Join(dir, "missing.mrc"), "--agency", "US-CLI"},
		{"import", "marc", file, "--agency", "US-NOWHERE"},
		{"catalog", "search"},
	} {
		if code, _, _ := runCLI(t, dir, args...); code == 0 {
			t.Errorf("%v: exit 0, want a failure", args)
		}
	}
	if code, out, _ := runCLI(t, dir, "catalog", "delete", "--agency", "US-CLI"); code != 0 || !strings.Contains(out, "deleted") {
		t.Errorf("delete: %d %s", code, out)
	}
}

func TestProgressLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p    catalog.Progress
		want string
	}{
		{catalog.Progress{Read: 1234567, Failed: 3, Bytes: 50, Size: 100, Elapsed: 10 * time.Second},
			"[###############...............]  50.0%  1,234,567 records  123,456/s  3 failed  ETA 0:10"},
		{catalog.Progress{Read: 999, Elapsed: time.Second}, "999 records  999/s  0 failed"},
	}
	for _, tc := range tests {
		if got := progressLine(tc.p); got != tc.want {
			t.Errorf("progressLine(%+v)\n got %q\nwant %q", tc.p, got, tc.want)
		}
	}
}

func TestDirectoryCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("dir.json", `{"format":"interlend-directory/1","publisher":"Test Consortium","libraries":[
 {"id":"US-ONE","name":"One","symbols":["ISIL:US-ONE","OCLC:ONE"],"endpoint":{"url":"https://one.example/iso18626","version":"2021","auth":{"inbound":["basic"]}},
  "credentials":[{"direction":"inbound","method":"basic","username":"US-ONE","secret":"a-secret-of-some-length"}]},
 {"id":"US-TWO","name":"Two","policy":{"loanDays":21}}]}`)
	if code, out, errOut := runCLI(t, dir, "directory", "import", good); code != 0 || !strings.Contains(out, "2 new, 0 updated") {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	code, out, _ := runCLI(t, dir, "directory", "show", "oclc:one")
	if code != 0 || !strings.Contains(out, `"US-ONE"`) || !strings.Contains(out, "secret stored") || strings.Contains(out, "a-secret-of-some-length") || strings.Contains(out, "sha256") {
		t.Errorf("show: %d\n%s", code, out)
	}
	if code, out, _ := runCLI(t, dir, "directory", "list", "--q", "two"); code != 0 || !strings.Contains(out, "US-TWO") || strings.Contains(out, "US-ONE") {
		t.Errorf("list: %d\n%s", code, out)
	}
	// A CSV sheet changes only its columns; a bad one changes nothing.
	sheet := write("periods.csv", "id,loan_days\nUS-TWO,35\n")
	if code, out, _ := runCLI(t, dir, "directory", "import", sheet); code != 0 || !strings.Contains(out, "0 new, 1 updated") {
		t.Errorf("csv: %d %s", code, out)
	}
	bad := write("bad.csv", "id,loan_days\nUS-ONE,7\nUS-TWO,soon\n")
	code, _, errOut := runCLI(t, dir, "directory", "import", bad)
	if code != 2 || !strings.Contains(errOut, "line 3") || !strings.Contains(errOut, "nothing was imported") {
		t.Errorf("bad csv: %d %s", code, errOut)
	}
	out2 := filepath.Join(dir, "out.csv")
	if code, _, errOut := runCLI(t, dir, "directory", "export", "--out", out2); code != 0 {
		t.Fatalf("export: %s", errOut)
	}
	b, _ := os.ReadFile(out2)
	if !strings.Contains(string(b), "US-TWO,Two,ISIL:US-TWO,active") || !strings.Contains(string(b), ",35,") {
		t.Errorf("exported CSV:\n%s", b)
	}
	code, out, _ = runCLI(t, dir, "directory", "export", "--with-credentials")
	if code != 0 || !strings.Contains(out, "sha256:") || !strings.Contains(out, `"format": "interlend-directory/1"`) {
		t.Errorf("export with credentials: %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, dir, "directory", "credential", "US-TWO", "--direction", "inbound", "--method", "bearer")
	if code != 0 || !strings.Contains(out, "shown once") {
		t.Errorf("credential: %d %s", code, out)
	}
	pruned := write("one.json", `[{"id":"US-ONE","name":"One again","symbols":["ISIL:US-ONE","OCLC:ONE"]}]`)
	if code, out, _ := runCLI(t, dir, "directory", "import", pruned, "--prune", "--dry-run"); code != 0 || !strings.Contains(out, "1 deleted") {
		t.Errorf("dry-run prune: %d %s", code, out)
	}
	if code, out, _ := runCLI(t, dir, "directory", "list"); !strings.Contains(out, "US-TWO") || code != 0 {
		t.Errorf("a dry run deleted: %s", out)
	}
}
