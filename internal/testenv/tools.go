package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// StrictEnv is the environment variable .ci/run sets so that no test may
// skip: a missing tool or database becomes a failure.
const StrictEnv = "INTERLEND_STRICT"

// Strict reports whether skips are forbidden (CI).
func Strict() bool { return os.Getenv(StrictEnv) == "1" }

// Skip skips the test with the reason, or fails it when running strict.
func Skip(tb testing.TB, reason string) {
	tb.Helper()
	if Strict() {
		tb.Fatalf("%s (%s=1 forbids skipping)", reason, StrictEnv)
	}
	tb.Skip(reason)
}

// RequireTool returns the path of an outside program the test needs, or
// skips the test naming the tool and the Debian package that has it.
func RequireTool(tb testing.TB, name, debianPackage string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Skip(tb, "needs "+name+" (Debian package "+debianPackage+"), not found on PATH")
	}
	return p
}

// RepoRoot is the directory holding go.mod.
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("testenv: cannot locate source file")
	}
	dir := filepath.Dir(file)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("testenv: go.mod not found above " + file)
		}
		dir = parent
	}
}

// Standards is the path of a file under the repository's standards/ folder
// (schemas, code lists and example messages), e.g.
// Standards(t, "iso18626", "ISO-18626-v1_2.xsd").
func Standards(tb testing.TB, parts ...string) string {
	tb.Helper()
	return filepath.Join(append([]string{RepoRoot(tb), "standards"}, parts...)...)
}
