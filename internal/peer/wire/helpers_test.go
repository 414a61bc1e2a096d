package wire

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"interlend/internal/iso18626"
	"interlend/internal/testenv"
)

// at parses an RFC 3339 time (UTC in, UTC out).
func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func xsdFor(t testing.TB, v iso18626.Version) string {
	t.Helper()
	if v == iso18626.V2021 {
		return testenv.Standards(t, "iso18626", "ISO-18626-2021-2.xsd")
	}
	return testenv.Standards(t, "iso18626", "ISO-18626-v1_2.xsd")
}

// emit marshals m, checks the XML against the XSD of m's version, and
// parses it back strictly: every XML the tests produce goes through here.
func emit(t testing.TB, m *iso18626.Message) *iso18626.Message {
	t.Helper()
	data, err := iso18626.Marshal(m)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	testenv.ValidateXSD(t, xsdFor(t, m.Version), data)
	back, err := iso18626.Parse(data)
	if err != nil {
		t.Fatalf("Parse of our own XML: %v\n%s", err, data)
	}
	if back.Version != m.Version {
		t.Fatalf("Parse read version %v, want %v\n%s", back.Version, m.Version, data)
	}
	return back
}

type example struct {
	name    string
	version iso18626.Version
	msg     *iso18626.Message
}

// examples parses the 28 messages of standards/iso18626/examples.
func examples(t testing.TB) map[string]example {
	t.Helper()
	out := map[string]example{}
	for _, dir := range []struct {
		name string
		v    iso18626.Version
	}{{"v1_2", iso18626.V1_2}, {"v2021", iso18626.V2021}} {
		files, err := filepath.Glob(testenv.Standards(t, "iso18626", "examples", dir.name, "*.xml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m, err := iso18626.Parse(data)
			if err != nil {
				t.Fatalf("Parse(%s): %v", f, err)
			}
			name := dir.name + "/" + filepath.Base(f)
			out[name] = example{name: name, version: dir.v, msg: m}
		}
	}
	if len(out) != 28 {
		t.Fatalf("found %d examples, want 28", len(out))
	}
	return out
}
