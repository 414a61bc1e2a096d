package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportKBARTCommand(t *testing.T) {
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
	file := write("taylor.txt", "publication_title\tprint_identifier\tonline_identifier\tdate_first_issue_online\tdate_last_issue_online\n"+
		"Journal of Interlibrary Loan\t1072-303X\t1540-3572\t1990-01-01\t\n"+
		"Broken Row\t1234-5678\t\tnot a date\t\n"+
		"Second Title\t0000-0019\t\t2001\t2010\n")
	code, out, errOut := runCLI(t, dir, "import", "kbart", file, "--agency", "US-EXA")
	if code != 0 || !strings.Contains(out, "package taylor: 2 titles imported (replacing 0), 2 rows with problems") || !strings.Contains(errOut, "taylor.txt: line 3:") {
		t.Fatalf("import kbart: %d\n%s\n%s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, dir, "import", "kbart", file, "--agency", "US-EXA", "--package", "taylor"); code != 0 || !strings.Contains(out, "replacing 2") {
		t.Fatalf("import again: %d %s", code, out)
	}
	// Mistakes: a failure exit, nothing imported.
	notKBART := write("x.csv", "title,issn\nA,1234\n")
	for _, args := range [][]string{
		{"import", "kbart", file},
		{"import", "kbart", notKBART, "--agency", "US-EXA"},
		{"import", "kbart", filepath.Join(dir, "missing.txt"), "--agency", "US-EXA"},
	} {
		if code, _, _ := runCLI(t, dir, args...); code == 0 {
			t.Errorf("%v: exit 0, want a failure", args)
		}
	}
	if code, out, errOut := runCLI(t, dir, "copyright", "report", "--agency", "US-EXA", "--year", "2026"); code != 0 || !strings.HasPrefix(out, "year,title,issn") {
		t.Errorf("report: %d %s %s", code, out, errOut)
	}
}
