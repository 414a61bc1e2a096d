package openurl

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// parseCase is one OpenURL and everything Parse should make of it.
type parseCase struct {
	name string
	in   string
	want *Result
}

// runParseCases checks each case with Parse, comparing whole Results, and
// checks that the citation survives Encode and Parse again.
func runParseCases(t *testing.T, cases []parseCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
			kev := Encode(got.Citation)
			again, err := Parse(kev)
			if err != nil {
				t.Fatalf("Parse(Encode(c)) with %q: %v", kev, err)
			}
			if diff := cmp.Diff(got.Citation, again.Citation); diff != "" {
				t.Errorf("Parse(Encode(c)) lost data, KEV %q (-want +got):\n%s", kev, diff)
			}
		})
	}
}

// id shortens Identifier literals in the tables.
func id(scheme, value, key string) Identifier {
	return Identifier{Scheme: scheme, Value: value, Key: key}
}
