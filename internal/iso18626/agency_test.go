package iso18626

import (
	"errors"
	"testing"
)

func TestParseAgencyID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want AgencyID
	}{
		{"ISIL:US-EXREQ", ISIL("US-EXREQ")},
		{"isil:DK-710100", ISIL("DK-710100")},
		{" OCLC:AVL ", AgencyID{Type: C("OCLC"), Value: "AVL"}},
		{"ISIL:DE-Ha:1/x", ISIL("DE-Ha:1/x")}, // first colon splits; unit ids may contain colons
	}
	for _, tt := range tests {
		got, err := ParseAgencyID(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseAgencyID(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
		if s := got.String(); s != tt.want.Type.Value+":"+tt.want.Value {
			t.Errorf("String() = %q", s)
		}
	}
	for _, in := range []string{"", "ISIL", ":US-X", "ISIL:", "IS IL:X"} {
		if got, err := ParseAgencyID(in); !errors.Is(err, ErrAgencySymbol) {
			t.Errorf("ParseAgencyID(%q) = %+v, %v; want ErrAgencySymbol", in, got, err)
		}
	}
}

func TestAgencyIDStringAndEqual(t *testing.T) {
	t.Parallel()
	a := AgencyID{Type: Code{Value: "ISIL", Scheme: SchemeAgencyIDType}, Value: "US-EXREQ"}
	if got, want := a.String(), "ISIL:US-EXREQ"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if !a.Equal(ISIL("us-exreq")) {
		t.Errorf("%v should equal ISIL:us-exreq (case-insensitive, scheme ignored)", a)
	}
	if a.Equal(ISIL("US-EXSUP")) {
		t.Errorf("%v should not equal ISIL:US-EXSUP", a)
	}
}
