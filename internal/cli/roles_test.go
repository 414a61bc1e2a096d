package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"interlend/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite generated docs")

// TestRolesDocIsCurrent: docs/roles.md is the printout of the matrix.
func TestRolesDocIsCurrent(t *testing.T) {
	var b bytes.Buffer
	if err := writeRolesMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(testenv.RepoRoot(t), "docs", "roles.md")
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./internal/cli -run RolesDoc -update`)", err)
	}
	if !bytes.Equal(got, b.Bytes()) {
		t.Errorf("docs/roles.md is out of date: run `go test ./internal/cli -run RolesDoc -update`")
	}
}

// TestConfigurationDocIsCurrent: docs/configuration.md carries the option
// table between its markers.
func TestConfigurationDocIsCurrent(t *testing.T) {
	var b bytes.Buffer
	if err := writeConfigMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(testenv.RepoRoot(t), "docs", "configuration.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- options:begin -->\n", "<!-- options:end -->"
	i, j := bytes.Index(doc, []byte(begin)), bytes.Index(doc, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("docs/configuration.md lacks the %q ... %q markers", begin, end)
	}
	fresh := append(append(append([]byte{}, doc[:i+len(begin)]...), b.Bytes()...), doc[j:]...)
	if *update {
		if err := os.WriteFile(path, fresh, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(doc, fresh) {
		t.Error("docs/configuration.md option table is out of date: run `go test ./internal/cli -run Doc -update`")
	}
}

// TestWorkflowDocIsCurrent: docs/workflow.md is the printout of the tables.
func TestWorkflowDocIsCurrent(t *testing.T) {
	var b bytes.Buffer
	if err := writeWorkflowMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(testenv.RepoRoot(t), "docs", "workflow.md")
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, b.Bytes()) {
		t.Errorf("docs/workflow.md is out of date: run `go test ./internal/cli -run Doc -update` (%v)", err)
	}
	var dot bytes.Buffer
	if err := writeWorkflowDot(&dot, nil); err != nil || !bytes.HasPrefix(dot.Bytes(), []byte("digraph")) {
		t.Errorf("dot output: %v", err)
	}
}
