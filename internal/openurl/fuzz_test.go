package openurl

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// FuzzParse checks that Parse never panics, that what it returns is clean
// text within the limits, and that Encode and Parse reach a fixed point
// after one round (a second round changes nothing).
func FuzzParse(f *testing.F) {
	for _, cases := range [][]parseCase{vendorCases, quirkCases, exampleCases} {
		for _, c := range cases {
			f.Add(c.in)
		}
	}
	f.Add("a=%zz&b=%&c=%%&&&amp;;=;")
	f.Add("rft.aulast=\xff\xfe&rft.au=\x00&rft_id=info%253A")
	f.Fuzz(func(t *testing.T, in string) {
		r, err := Parse(in)
		if err != nil {
			if r != nil || !(errors.Is(err, ErrNoCitation) || errors.Is(err, ErrTooLarge)) {
				t.Fatalf("Parse(%q) = %v, %v", in, r, err)
			}
			return
		}
		if len(r.Warnings) > MaxWarnings+1 {
			t.Errorf("%d warnings", len(r.Warnings))
		}
		checkText(t, reflect.ValueOf(*r), "Result")

		kev := Encode(r.Citation)
		r2, err := Parse(kev)
		if err != nil {
			t.Fatalf("Parse(Encode(c)) with %q: %v", kev, err)
		}
		kev2 := Encode(r2.Citation)
		r3, err := Parse(kev2)
		if err != nil {
			t.Fatalf("second round with %q: %v", kev2, err)
		}
		if diff := cmp.Diff(r2.Citation, r3.Citation); diff != "" {
			t.Errorf("Encode/Parse is not stable for %q (-first +second):\n%s", in, diff)
		}
	})
}

// checkText walks a value and fails on any string that is not valid UTF-8,
// holds control characters or is longer than a few capped values.
func checkText(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		if !utf8.ValidString(s) {
			t.Errorf("%s is not UTF-8: %q", path, s)
		}
		if strings.IndexFunc(s, unicode.IsControl) >= 0 {
			t.Errorf("%s has control characters: %q", path, s)
		}
		if len(s) > 4*MaxValueBytes {
			t.Errorf("%s has %d bytes", path, len(s))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			checkText(t, v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	case reflect.Slice:
		for i := range v.Len() {
			checkText(t, v.Index(i), path)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			checkText(t, k, path+" key")
			checkText(t, v.MapIndex(k), path+"["+k.String()+"]")
		}
	}
}
