package testenv

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// ValidateXSD checks doc against the XSD at schema with xmllint and fails the
// test with xmllint's message when it does not validate. Tests call it on
// every XML message Interlend emits. Extra environment (XML_CATALOG_FILES) may
// be given as "KEY=value" strings.
func ValidateXSD(tb testing.TB, schema string, doc []byte, env ...string) {
	tb.Helper()
	if err := CheckXSD(tb, schema, doc, env...); err != nil {
		tb.Fatalf("XML does not validate against %s:\n%v\n--- document ---\n%s", filepath.Base(schema), err, doc)
	}
}

// CheckXSD is ValidateXSD returning the error instead of failing, for tests
// that expect a document to be invalid.
func CheckXSD(tb testing.TB, schema string, doc []byte, env ...string) error {
	tb.Helper()
	xmllint := RequireTool(tb, "xmllint", "libxml2-utils")
	f := filepath.Join(tb.TempDir(), "doc.xml")
	if err := os.WriteFile(f, doc, 0o600); err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(xmllint, "--noout", "--nonet", "--schema", schema, f)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return &xsdError{out: out.String()}
	}
	return nil
}

type xsdError struct{ out string }

func (e *xsdError) Error() string { return e.out }
