package iso18626

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// FuzzParse: Parse never panics; it fails only with a *ParseError in XSD
// spelling; what it accepts is written back by the encoder and read again
// into an equal message; Marshal succeeds exactly when Validate finds
// nothing; and every request, SAM or RAM (even a partial one from a failed
// parse) can be confirmed with a message that Marshal accepts.
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 60s ./internal/iso18626
func FuzzParse(f *testing.F) {
	for _, ex := range examples(f) {
		f.Add(ex.data)
	}
	for _, s := range []string{
		"",
		"<",
		string(wrap("1.2", ram("Received")))[:150],
		string(wrap("1.2", samWith("", "", ""))),
		string(wrap("2021-2", samWith("Cancel", "loaned", `<deliveryInfo><dateSent/></deliveryInfo>`))),
		`<ISO18626Message version="1.2">` + ram("Lost") + `</ISO18626Message>`,
		`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>`,
		string(wrap("x", ram("<![CDATA[Received]]>"))),
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opts := range []ParseOptions{{}, {Tolerance: Lenient()}} {
			m, _, err := ParseWith(data, opts)
			if err != nil {
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("error %v (%T) is not a *ParseError", err, err)
				}
				if !pe.ErrorType.Valid(V2021) {
					t.Fatalf("errorType %q not in the XSD list", pe.ErrorType)
				}
				if pe.Partial != nil && !pe.Partial.Kind().IsConfirmation() {
					confirmMarshals(t, pe.Partial, now, []ErrorData{pe.ErrorData()})
				}
				continue
			}
			out := encode(m)
			again, _, err := ParseWith(out, ParseOptions{Version: m.Version, Tolerance: opts.Tolerance})
			if err != nil {
				t.Fatalf("re-parse of encoded message failed: %v\n%s", err, out)
			}
			if m.VersionAttr == "" { // tolerated missing attribute; the encoder writes the default
				again.VersionAttr = ""
			}
			if diff := cmp.Diff(m, again); diff != "" {
				t.Fatalf("re-parsed message differs (-first +second):\n%s\n%s", diff, out)
			}
			_, merr := Marshal(m)
			if ps := Validate(m); (merr == nil) != (len(ps) == 0) {
				t.Fatalf("Marshal error %v but Validate %v", merr, ps)
			}
			if !m.Kind().IsConfirmation() {
				confirmMarshals(t, m, now, nil)
			}
		}
	})
}

func confirmMarshals(t *testing.T, m *Message, now time.Time, errs []ErrorData) {
	t.Helper()
	c, err := Confirm(m, now, errs...)
	if err != nil {
		t.Fatalf("Confirm: %v", err)
	}
	if _, err := Marshal(c); err != nil {
		t.Fatalf("Marshal(Confirm(...)): %v", err)
	}
}
