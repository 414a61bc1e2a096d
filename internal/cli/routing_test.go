package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"interlend/internal/sim"
)

func runPlain(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := Main(context.Background(), args, &out, &errOut, func(string) string { return "" })
	return code, out.String(), errOut.String()
}

// `interlend sim` on a small workload prints the report; its mistakes
// exit 2 (the command line) or 1 (the configuration file).
func TestSimCommand(t *testing.T) {
	t.Parallel()
	code, out, errOut := runPlain("sim", "--requests", "300", "--seeds", "3,4")
	if code != 0 {
		t.Fatalf("sim: %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"world: 50 libraries", "routing", "baseline", "mean ± sd", "on fill rate in", " of 2 seeds"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runPlain("sim", "--requests", "200", "--seeds", "9", "--json")
	var rep sim.Report
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Results) != 2 {
		t.Errorf("sim --json: %d %.300s", code, out)
	}
	code, out, _ = runPlain("sim", "--print-config")
	if _, err := sim.ParseConfig([]byte(out)); code != 0 || err != nil {
		t.Errorf("sim --print-config: %d %v", code, err)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "world.json")
	if err := os.WriteFile(bad, []byte(`{"name": "x", "libraries": 2}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"sim", "--seeds", "one"}, 2, "--seeds"},
		{[]string{"sim", "--requests", "-5"}, 2, "--requests"},
		{[]string{"sim", "--config", bad}, 1, "sim: configuration"},
		{[]string{"sim", "--config", filepath.Join(dir, "none.json")}, 1, "no such file"},
	} {
		code, _, errOut := runPlain(c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d %q, want %d and %q", c.args, code, errOut, c.code, c.want)
		}
	}
}

// `interlend rates`: a file with a bad line stores nothing and names the
// line; a good one is stored and listed; set and delete.
func TestRatesCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badFile := write("bad.csv", "from,to,rate,on\nEUR,USD,1.08,2026-01-02\nGBP,USD,-1,2026-01-02\nXX,USD,1,2026-01-02\n")
	code, _, errOut := runCLI(t, dir, "rates", "import", badFile)
	if code == 0 || !strings.Contains(errOut, "nothing stored") || !strings.Contains(errOut, "line 3") || !strings.Contains(errOut, "line 4") {
		t.Errorf("bad file: %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, dir, "rates", "import", write("cols.csv", "from,to,value\nEUR,USD,1\n")); code == 0 || !strings.Contains(errOut, "rate, on") {
		t.Errorf("missing columns: %d %s", code, errOut)
	}
	code, out, _ := runCLI(t, dir, "rates", "list")
	if code != 0 || strings.Contains(out, "EUR") {
		t.Errorf("after the bad files: %d %q, want no rates", code, out)
	}
	good := write("good.csv", "on,from,to,rate,source\n2026-01-02,eur,usd,1.0842,ECB\n2026-01-02,GBP,USD,1.27,ECB\n")
	if code, out, errOut := runCLI(t, dir, "rates", "import", good); code != 0 || !strings.Contains(out, "stored 2 rates") {
		t.Fatalf("good file: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, dir, "rates", "set", "CAD", "USD", "0.73", "--on", "2026-02-01"); code != 0 {
		t.Fatalf("set: %d %s", code, errOut)
	}
	if code, _, _ := runCLI(t, dir, "rates", "set", "CAD", "CAD", "1"); code != 2 {
		t.Errorf("set CAD→CAD: exit %d, want 2", code)
	}
	if code, _, _ := runCLI(t, dir, "rates", "delete", "GBP", "USD", "2026-01-02"); code != 0 {
		t.Errorf("delete: %d", code)
	}
	_, out, _ = runCLI(t, dir, "rates", "list")
	if !strings.Contains(out, "1.0842") || !strings.Contains(out, "ECB") || !strings.Contains(out, "0.73") || strings.Contains(out, "GBP") {
		t.Errorf("list:\n%s", out)
	}
}
