package cli

import (
	"reflect"
	"strings"
	"testing"
)

func TestFlagsAfterPositionalArguments(t *testing.T) {
	t.Parallel()
	specs := []flagSpec{{name: "agency"}, {name: "dry-run", boolean: true}, {name: "format", def: "json"}}
	tests := []struct {
		in     string
		args   []string
		flags  map[string]string
		config map[string]string
		err    string
	}{
		{in: "marc FILE --agency X", args: []string{"marc", "FILE"}, flags: map[string]string{"agency": "X", "format": "json"}},
		{in: "--agency=X marc FILE", args: []string{"marc", "FILE"}, flags: map[string]string{"agency": "X", "format": "json"}},
		{in: "marc --dry-run FILE --db postgres://x --format csv", args: []string{"marc", "FILE"}, flags: map[string]string{"dry-run": "true", "format": "csv"}, config: map[string]string{"db": "postgres://x"}},
		{in: "marc -- --not-a-flag", args: []string{"marc", "--not-a-flag"}, flags: map[string]string{"format": "json"}},
		{in: "marc FILE --agency", err: "needs a value"},
		{in: "marc FILE --nonsense 1", err: "unknown flag --nonsense"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			p, err := parseArgs(strings.Fields(tc.in), specs, true)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.config == nil {
				tc.config = map[string]string{}
			}
			if !reflect.DeepEqual(p.args, tc.args) || !reflect.DeepEqual(p.flags, tc.flags) || !reflect.DeepEqual(p.config, tc.config) {
				t.Errorf("got args %q flags %v config %v; want %q %v %v", p.args, p.flags, p.config, tc.args, tc.flags, tc.config)
			}
		})
	}
}
