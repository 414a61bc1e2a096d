package iso18626

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"interlend/internal/testenv"
)

type example struct {
	name    string
	version Version
	data    []byte
}

// examples loads the 28 example messages of standards/iso18626/examples.
func examples(t testing.TB) []example {
	t.Helper()
	var out []example
	for _, dir := range []struct {
		name string
		v    Version
	}{{"v1_2", V1_2}, {"v2021", V2021}} {
		files, err := filepath.Glob(testenv.Standards(t, "iso18626", "examples", dir.name, "*.xml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, example{name: dir.name + "/" + filepath.Base(f), version: dir.v, data: data})
		}
	}
	if len(out) != 28 {
		t.Fatalf("found %d examples, want 28", len(out))
	}
	return out
}

func xsdFor(t testing.TB, v Version) string {
	t.Helper()
	if v == V2021 {
		return testenv.Standards(t, "iso18626", "ISO-18626-2021-2.xsd")
	}
	return testenv.Standards(t, "iso18626", "ISO-18626-v1_2.xsd")
}

func TestRoundTripExamples(t *testing.T) {
	t.Parallel()
	for _, ex := range examples(t) {
		t.Run(ex.name, func(t *testing.T) {
			t.Parallel()
			m, warns, err := ParseWith(ex.data, ParseOptions{})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(warns) > 0 {
				t.Errorf("Parse warnings: %v", warns)
			}
			if m.Version != ex.version {
				t.Errorf("detected version %v, want %v", m.Version, ex.version)
			}
			if ps := Validate(m); len(ps) > 0 {
				t.Fatalf("Validate: %v", ps)
			}
			out, err := Marshal(m)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if got, want := canonical(t, out), canonical(t, ex.data); got != want {
				t.Errorf("round trip differs\n--- got ---\n%s\n--- want ---\n%s", got, want)
			}
			testenv.ValidateXSD(t, xsdFor(t, m.Version), out)
		})
	}
}

// TestDetectVersionByStructure replaces the version attribute by one that
// names no version: the structure alone must decide, and for the examples
// it decides right (v1.2 confirmations have no telling element and fall to
// the v1.2 default, which is right for them).
func TestDetectVersionByStructure(t *testing.T) {
	t.Parallel()
	for _, ex := range examples(t) {
		t.Run(ex.name, func(t *testing.T) {
			t.Parallel()
			attr := `ill:version="` + map[Version]string{V1_2: "1.2", V2021: "2021-2"}[ex.version] + `"`
			if !bytes.Contains(ex.data, []byte(attr)) {
				t.Fatalf("example has no %s", attr)
			}
			data := bytes.Replace(ex.data, []byte(attr), []byte(`ill:version="x-unknown"`), 1)
			m, err := Parse(data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if m.Version != ex.version {
				t.Errorf("version %v, want %v", m.Version, ex.version)
			}
		})
	}
}
