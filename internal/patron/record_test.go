package patron

import (
	"strings"
	"testing"
)

func TestNormalizeNamesTheFieldAndTrims(t *testing.T) {
	t.Parallel()
	r := Record{Barcode: " 123 ", FirstName: " Ada ", Email: "ada@", Notes: "line one\nline two", Category: strings.Repeat("x", 65),
		HomeLibrary: "Main\tBranch", BlockReason: "stale"}
	got := map[string]string{}
	for _, p := range r.Normalize(AllFields) {
		got[p.Field] = p.Msg
	}
	want := map[string]string{
		"email":        "the email is not an address like name@example.edu",
		"category":     "the category is longer than 64 characters",
		"home_library": "the home library holds a line break or control character",
	}
	for field, msg := range want {
		if got[field] != msg {
			t.Errorf("%s: %q, want %q", field, got[field], msg)
		}
	}
	if len(got) != len(want) {
		t.Errorf("problems = %v, want only %v", got, want)
	}
	if r.Barcode != "123" || r.FirstName != "Ada" || r.BlockReason != "" {
		t.Errorf("not trimmed or reason kept for an unblocked record: %+v", r)
	}
	if r.DisplayName() != "Ada" {
		t.Errorf("DisplayName = %q", r.DisplayName())
	}
	if p := (&Record{}).Normalize(0); len(p) != 1 || p[0].Field != "barcode" {
		t.Errorf("empty record: %v", p)
	}
}
