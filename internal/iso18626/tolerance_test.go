package iso18626

import (
	"strings"
	"testing"
)

// TestTolerances: each deviation fails strictly (in Parse or in Validate)
// and is accepted, with a warning of the given kind, when its tolerance is on.
func TestTolerances(t *testing.T) {
	t.Parallel()
	loanedWith := func(extra string) string { return samWith("StatusChange", "Loaned", extra) }
	tests := []struct {
		name  string
		in    []byte
		tol   Tolerance
		warn  WarningKind
		check func(t *testing.T, m *Message)
	}{
		{name: "empty status", in: wrap("1.2", samWith("Notification", "", "")), tol: Tolerance{EmptyStatus: true},
			warn: WarnStatusUnchanged, check: func(t *testing.T, m *Message) {
				if !m.SupplyingAgencyMessage.StatusUnchanged() {
					t.Errorf("StatusUnchanged() = false")
				}
			}},
		{name: "unqualified version", tol: Tolerance{UnqualifiedVersion: true}, warn: WarnUnqualifiedAttribute,
			in: []byte(`<ISO18626Message xmlns="` + Namespace + `" version="1.2">` + ram("Received") + `</ISO18626Message>`),
			check: func(t *testing.T, m *Message) {
				if m.VersionAttr != "1.2" || m.Version != V1_2 {
					t.Errorf("version %q/%v", m.VersionAttr, m.Version)
				}
			}},
		{name: "missing version", tol: Tolerance{UnqualifiedVersion: true}, warn: WarnVersion,
			in: []byte(`<ISO18626Message xmlns="` + Namespace + `">` + ram("Received") + `</ISO18626Message>`)},
		{name: "unqualified scheme", tol: Tolerance{UnqualifiedScheme: true}, warn: WarnUnqualifiedAttribute,
			in: wrap("1.2", strings.Replace(ram("Received"), "<agencyIdType>", `<agencyIdType scheme="urn:x">`, 1)),
			check: func(t *testing.T, m *Message) {
				if got := m.RequestingAgencyMessage.Header.SupplyingAgencyID.Type; got != (Code{"ISIL", "urn:x"}) {
					t.Errorf("agencyIdType = %+v", got)
				}
			}},
		{name: "empty dateSent", tol: Tolerance{ZeroDates: true}, warn: WarnZeroDate,
			in: wrap("1.2", loanedWith(`<deliveryInfo><dateSent/><itemId>1</itemId></deliveryInfo>`)),
			check: func(t *testing.T, m *Message) {
				if d := m.SupplyingAgencyMessage.DeliveryInfo; !d.DateSent.IsZero() || len(d.ItemID) != 1 {
					t.Errorf("deliveryInfo = %+v", d)
				}
			}},
		{name: "zero dateSent", tol: Tolerance{ZeroDates: true}, warn: WarnZeroDate,
			in: wrap("1.2", loanedWith(`<deliveryInfo><dateSent>0000-00-00T00:00:00</dateSent></deliveryInfo>`))},
		{name: "go zero dateSent", tol: Tolerance{ZeroDates: true}, warn: WarnZeroDate,
			in: wrap("1.2", loanedWith(`<deliveryInfo><dateSent>0001-01-01T00:00:00Z</dateSent></deliveryInfo>`))},
		{name: "unknown reasonForMessage", tol: Tolerance{MapReasonForMessage: true}, warn: WarnReasonMapped,
			in: wrap("1.2", samWith("Cancel", "Cancelled", "")), check: func(t *testing.T, m *Message) {
				if got := m.SupplyingAgencyMessage.MessageInfo.ReasonForMessage; got != ReasonCancelResponse {
					t.Errorf("reason = %q, want CancelResponse", got)
				}
			}},
		{name: "reasonRetry LoanCondition", tol: Tolerance{NonStandardCodes: true}, warn: WarnCodeMapped,
			in: wrap("1.2", strings.Replace(samWith("RequestResponse", "RetryPossible", ""), "</reasonForMessage>",
				"</reasonForMessage><reasonRetry>LoanCondition</reasonRetry>", 1)),
			check: func(t *testing.T, m *Message) {
				if got := m.SupplyingAgencyMessage.MessageInfo.ReasonRetry.Value; got != ReasonRetryMustMeetLoanCondition {
					t.Errorf("reasonRetry = %q", got)
				}
			}},
		{name: "status in wrong case", tol: Tolerance{NonStandardCodes: true}, warn: WarnCodeMapped,
			in: wrap("1.2", samWith("StatusChange", "loaned", "")), check: func(t *testing.T, m *Message) {
				if got := m.SupplyingAgencyMessage.StatusInfo.Status; got != StatusLoaned {
					t.Errorf("status = %q", got)
				}
			}},
		{name: "answerYesNo as word", tol: Tolerance{NonStandardCodes: true}, warn: WarnCodeMapped,
			in: wrap("1.2", strings.Replace(samWith("RenewResponse", "Loaned", ""), "</reasonForMessage>",
				"</reasonForMessage><answerYesNo>yes</answerYesNo>", 1)), check: func(t *testing.T, m *Message) {
				if got := m.SupplyingAgencyMessage.MessageInfo.AnswerYesNo; got != Yes {
					t.Errorf("answerYesNo = %q", got)
				}
			}},
		{name: "no namespace", tol: Tolerance{NoNamespace: true}, warn: WarnNamespace,
			in: []byte(`<ISO18626Message version="1.2">` + ram("Received") + `</ISO18626Message>`)},
		{name: "unknown element", tol: Tolerance{UnknownElements: true}, warn: WarnIgnoredElement,
			in: wrap("1.2", strings.Replace(ram("Received"), "<action>", "<ext><a><b>deep</b></a></ext><action>", 1))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if m, _, err := ParseWith(tt.in, ParseOptions{}); err == nil && len(Validate(m)) == 0 && len(CheckOpenCodes(m)) == 0 {
				t.Fatalf("strict: parsed and validated; the deviation is not one")
			}
			m, warns, err := ParseWith(tt.in, ParseOptions{Tolerance: tt.tol})
			if err != nil {
				t.Fatalf("tolerant Parse: %v", err)
			}
			if ps := tt.tol.Validate(m); len(ps) > 0 {
				t.Fatalf("tolerant Validate: %v", ps)
			}
			if !hasWarning(warns, tt.warn) {
				t.Errorf("warnings %v lack kind %s", warns, tt.warn)
			}
			if tt.check != nil {
				tt.check(t, m)
			}
		})
	}
}

func TestUnknownElementNestingBounded(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100)
	in := wrap("1.2", strings.Replace(ram("Received"), "<action>", "<ext>"+deep+"</ext><action>", 1))
	_, _, err := ParseWith(in, ParseOptions{Tolerance: Tolerance{UnknownElements: true}})
	if pe := parseError(t, err); pe.ErrorType != ErrBadlyFormedMessage {
		t.Errorf("got %v, want BadlyFormedMessage for nesting", err)
	}
}

func TestErrorTypeSpellingsAlwaysAccepted(t *testing.T) {
	t.Parallel()
	in := strings.Replace(string(exampleFile(t, "v1_2/04-requestConfirmation-error.xml")),
		"UnrecognisedDataValue", "UnrecognizedDataValue", 1)
	m, warns, err := ParseWith([]byte(in), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.RequestConfirmation.ErrorData[0].ErrorType; got != ErrUnrecognisedDataValue {
		t.Errorf("errorType = %q, want the XSD spelling", got)
	}
	if !hasWarning(warns, WarnSpelling) {
		t.Errorf("no spelling warning in %v", warns)
	}
}

func TestMapReasonForMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw    string
		status Status
		want   ReasonForMessage
	}{
		{"statuschange", StatusLoaned, ReasonStatusChange},
		{"Status Change", StatusLoaned, ReasonStatusChange},
		{"Renew", StatusLoaned, ReasonRenewResponse},
		{"StatusRequest", StatusLoaned, ReasonStatusRequestResponse},
		{"cancelled", StatusCancelled, ReasonCancelResponse},
		{"Whatever", StatusLoaned, ReasonStatusChange},
		{"", "", ReasonNotification},
	}
	for _, tt := range tests {
		if got := MapReasonForMessage(tt.raw, tt.status); got != tt.want {
			t.Errorf("MapReasonForMessage(%q, %q) = %q, want %q", tt.raw, tt.status, got, tt.want)
		}
	}
}

func TestDuplicateReasonUnfilledReported(t *testing.T) {
	t.Parallel()
	in := wrap("1.2", strings.Replace(samWith("RequestResponse", "Unfilled", ""), "</reasonForMessage>",
		"</reasonForMessage><reasonUnfilled>Duplicate</reasonUnfilled>", 1))
	m, warns, err := ParseWith(in, ParseOptions{Tolerance: Tolerance{NonStandardCodes: true}})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.SupplyingAgencyMessage.MessageInfo.ReasonUnfilled.Value; got != "Duplicate" || !hasWarning(warns, WarnCodeMapped) {
		t.Errorf("reasonUnfilled %q, warnings %v; want Duplicate kept and reported", got, warns)
	}
}
