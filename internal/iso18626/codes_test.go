package iso18626

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"interlend/internal/testenv"
)

// codeLists is the part of standards/iso18626/code-lists.json the tests use.
type codeLists struct {
	ClosedCodes map[string]json.RawMessage `json:"closedCodes"`
	OpenCodes   map[string]struct {
		Scheme string            `json:"scheme"`
		Values map[string]string `json:"values"`
	} `json:"openCodes"`
}

func loadCodeLists(t *testing.T) codeLists {
	t.Helper()
	data, err := os.ReadFile(testenv.Standards(t, "iso18626", "code-lists.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cl codeLists
	if err := json.Unmarshal(data, &cl); err != nil {
		t.Fatal(err)
	}
	return cl
}

func validValues[E enum](all []E, v Version) []string {
	var out []string
	for _, e := range all {
		if e.Valid(v) {
			out = append(out, string(e))
		}
	}
	return out
}

// TestClosedCodesMatchCodeLists compares every closed list and its Valid
// method, per version, with code-lists.json (which was taken from the XSDs).
func TestClosedCodesMatchCodeLists(t *testing.T) {
	t.Parallel()
	cl := loadCodeLists(t)
	ours := map[string]func(Version) []string{
		"status":           func(v Version) []string { return validValues(Statuses, v) },
		"action":           func(v Version) []string { return validValues(Actions, v) },
		"reasonForMessage": func(v Version) []string { return validValues(Reasons, v) },
		"serviceType":      func(v Version) []string { return validValues(ServiceTypes, v) },
		"requestType":      func(v Version) []string { return validValues(RequestTypes, v) },
		"requestSubType":   func(v Version) []string { return validValues(RequestSubTypes, v) },
		"preferredEdition": func(v Version) []string { return validValues(PreferredEditions, v) },
		"errorType":        func(v Version) []string { return validValues(ErrorTypes, v) },
		"messageStatus":    func(v Version) []string { return validValues([]MessageStatus{MessageOK, MessageError}, v) },
		"yesNo":            func(v Version) []string { return validValues([]YesNo{Yes, No}, v) },
	}
	for name, raw := range cl.ClosedCodes {
		f, ok := ours[name]
		if !ok {
			t.Errorf("closed list %s has no Go type", name)
			continue
		}
		// A list is either the same for both versions (an array, or an
		// object with "values") or an object keyed by version.
		var list map[string]json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			list = map[string]json.RawMessage{"1.2": raw, "2021-2": raw}
		} else if vals, ok := list["values"]; ok {
			list = map[string]json.RawMessage{"1.2": vals, "2021-2": vals}
		}
		for key, v := range map[string]Version{"1.2": V1_2, "2021-2": V2021} {
			var want []string
			if err := json.Unmarshal(list[key], &want); err != nil {
				t.Fatalf("%s %s: %v", name, key, err)
			}
			got := f(v)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s in %s: got %v, want %v", name, key, got, want)
			}
		}
	}
}

func TestOpenListsMatchCodeLists(t *testing.T) {
	t.Parallel()
	cl := loadCodeLists(t)
	for name, want := range cl.OpenCodes {
		got, ok := OpenLists[name]
		if name == "costType" { // named in the text, absent from the 2021-2 XSD: no element carries it
			if got.Scheme == "" && SchemeCostType != want.Scheme {
				t.Errorf("SchemeCostType = %q, want %q", SchemeCostType, want.Scheme)
			}
			continue
		}
		if !ok {
			t.Errorf("open list %s missing from OpenLists", name)
			continue
		}
		if got.Scheme != want.Scheme {
			t.Errorf("%s scheme = %q, want %q", name, got.Scheme, want.Scheme)
		}
		var wantValues []string
		for v := range want.Values {
			wantValues = append(wantValues, v)
		}
		gotValues := slices.Clone(got.Values)
		slices.Sort(gotValues)
		slices.Sort(wantValues)
		if !slices.Equal(gotValues, wantValues) {
			t.Errorf("%s values = %v, want %v", name, gotValues, wantValues)
		}
	}
}

func TestNormalizeErrorType(t *testing.T) {
	t.Parallel()
	for in, want := range map[ErrorType]ErrorType{
		"UnrecognizedDataValue":           ErrUnrecognisedDataValue,
		"UnrecognizedDataElement":         ErrUnrecognisedDataElement,
		"UnsupportedReasonforMessageType": ErrUnsupportedReasonForMessageType,
		ErrBadlyFormedMessage:             ErrBadlyFormedMessage,
		"Nonsense":                        "Nonsense",
	} {
		if got := NormalizeErrorType(in); got != want {
			t.Errorf("NormalizeErrorType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStandardOpenCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		element string
		in      Code
		want    Code
		known   bool
	}{
		{"reasonRetry", C("LoanCondition"), C("MustMeetLoanCondition"), true},
		{"reasonRetry", C("MaximumCosts"), C("CostExceedsMaxCost"), true},
		{"reasonRetry", Code{"ReqEditionNotPoss", SchemeReasonRetry}, Code{"ReqEditionNotPossible", SchemeReasonRetry}, true},
		{"reasonRetry", C("ReqPayMethodNotSupp"), C("ReqPayMethodNotSupported"), true},
		{"reasonUnfilled", C("Duplicate"), C("Duplicate"), true},
		{"reasonRetry", C("OnLoan"), C("OnLoan"), false},
		{"reasonRetry", Code{"LoanCondition", "urn:private"}, Code{"LoanCondition", "urn:private"}, false},
	}
	for _, tt := range tests {
		got, known := StandardOpenCode(tt.element, tt.in)
		if got != tt.want || known != tt.known {
			t.Errorf("StandardOpenCode(%s, %v) = %v, %v; want %v, %v", tt.element, tt.in, got, known, tt.want, tt.known)
		}
	}
}

func TestVersionFromAttr(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Version{"1.2": V1_2, "1.0": V1_2, " 1.1 ": V1_2, "2021-2": V2021,
		"2021": V2021, "1.3": V2021, "v1.2": V1_2, "": 0, "3.0": 0, "foo": 0} {
		got, ok := VersionFromAttr(in)
		if got != want || ok != (want != 0) {
			t.Errorf("VersionFromAttr(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
}

// TestStatusTerminal: the terminal statuses of code-lists.json, plus
// RetryPossible, which ends the request (a retry is a new request).
func TestStatusTerminal(t *testing.T) {
	t.Parallel()
	var status struct {
		Terminal []Status `json:"terminal"`
		Retry    []Status `json:"endsTransactionButInvitesRetry"`
	}
	if err := json.Unmarshal(loadCodeLists(t).ClosedCodes["status"], &status); err != nil {
		t.Fatal(err)
	}
	want := append(status.Terminal, status.Retry...)
	slices.Sort(want)
	var terminal []Status
	for _, s := range Statuses {
		if s.Terminal() {
			terminal = append(terminal, s)
		}
	}
	slices.Sort(terminal)
	if !slices.Equal(terminal, want) {
		t.Errorf("terminal statuses = %v, want %v", terminal, want)
	}
}
