package iso18626

import (
	"errors"
	"strings"
	"testing"
	"time"

	"interlend/internal/testenv"
)

// TestConfirmMatchesExamples: the example confirmations were written as the
// answers to example messages, one second later; Confirm must build them.
func TestConfirmMatchesExamples(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"v1_2/01-request-loan-book.xml", "v1_2/03-requestConfirmation-ok.xml"},
		{"v1_2/07-sam-StatusChange-Loaned.xml", "v1_2/20-samConfirmation-ok.xml"},
		{"v1_2/10-ram-Received.xml", "v1_2/22-ramConfirmation-ok.xml"},
	}
	for _, tt := range tests {
		in := mustParse(t, tt.in)
		now := in.Header().Timestamp.Add(time.Second)
		c, err := Confirm(in, now)
		if err != nil {
			t.Fatal(err)
		}
		data, err := Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := canonical(t, data), canonical(t, exampleFile(t, tt.want)); got != want {
			t.Errorf("Confirm(%s) differs from %s\n--- got ---\n%s\n--- want ---\n%s", tt.in, tt.want, got, want)
		}
	}
}

// TestConfirmEveryExample: every request, SAM and RAM example gets a valid
// OK and ERROR confirmation in its own version.
func TestConfirmEveryExample(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 7, 1, 12, 0, 0, 5e8, time.UTC)
	for _, ex := range examples(t) {
		m, err := Parse(ex.data)
		if err != nil {
			t.Fatal(err)
		}
		if m.Kind().IsConfirmation() {
			if _, err := Confirm(m, now); !errors.Is(err, ErrNotConfirmable) {
				t.Errorf("%s: Confirm of a confirmation: %v, want ErrNotConfirmable", ex.name, err)
			}
			continue
		}
		errs := []ErrorData{{ErrBadlyFormedMessage, "one"}, {"UnrecognizedDataValue", `x - Value = "y"`}}
		for _, e := range [][]ErrorData{nil, errs} {
			c, err := Confirm(m, now, e...)
			if err != nil {
				t.Fatal(err)
			}
			data, err := Marshal(c)
			if err != nil {
				t.Fatalf("%s: Marshal confirmation: %v", ex.name, err)
			}
			testenv.ValidateXSD(t, xsdFor(t, m.Version), data)
			h := c.ConfirmationHeader()
			if h.TimestampReceived != m.Header().Timestamp || h.Timestamp != date("2025-07-01T12:00:00Z") {
				t.Errorf("%s: timestamps %v / %v", ex.name, h.Timestamp, h.TimestampReceived)
			}
			if h.RequestingAgencyRequestID != m.Header().RequestingAgencyRequestID ||
				!h.SupplyingAgencyID.Equal(m.Header().SupplyingAgencyID) {
				t.Errorf("%s: ids not echoed: %+v", ex.name, h)
			}
			wantStatus, wantErrs := MessageOK, 0
			if e != nil {
				wantStatus, wantErrs = MessageError, map[Version]int{V1_2: 1, V2021: 2}[m.Version]
			}
			if h.MessageStatus != wantStatus || len(c.ErrorData()) != wantErrs {
				t.Errorf("%s: status %s with %d errorData, want %s with %d", ex.name, h.MessageStatus, len(c.ErrorData()), wantStatus, wantErrs)
			}
			if wantErrs == 2 && c.ErrorData()[1].ErrorType != ErrUnrecognisedDataValue {
				t.Errorf("%s: errorType not normalised: %v", ex.name, c.ErrorData())
			}
		}
	}
}

func TestConfirmEchoes(t *testing.T) {
	t.Parallel()
	sam := mustParse(t, "v1_2/12-sam-RenewResponse-Yes.xml")
	c, _ := Confirm(sam, time.Now())
	if got := c.SupplyingAgencyMessageConfirmation.ReasonForMessage; got != ReasonRenewResponse {
		t.Errorf("reason echo %q", got)
	}
	ram := mustParse(t, "v1_2/11-ram-Renew.xml")
	ram.RequestingAgencyMessage.Action = ActionLost // not in v1.2: must not be echoed
	ram.RequestingAgencyMessage.Header.SupplyingAgencyID.Type = Code{}
	ram.RequestingAgencyMessage.Header.Timestamp = DateTime{}
	now := time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC)
	c, _ = Confirm(ram, now, UnsupportedAction(ActionLost).ErrorData())
	rc := c.RequestingAgencyMessageConfirmation
	if rc.Action != "" || !rc.Header.SupplyingAgencyID.IsZero() || rc.Header.TimestampReceived != At(now) {
		t.Errorf("confirmation = %+v; want no action echo, no incomplete agency id, timestampReceived = now", rc)
	}
	if _, err := Marshal(c); err != nil {
		t.Errorf("Marshal: %v", err)
	}
}

func TestConfirmParseError(t *testing.T) {
	t.Parallel()
	in := strings.Replace(string(exampleFile(t, "v2021/05-ram-Lost.xml")), "<action>", "<mood>sad</mood><action>", 1)
	_, err := Parse([]byte(in))
	pe := parseError(t, err)
	c, err := ConfirmParseError(pe, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	data, err := Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	testenv.ValidateXSD(t, xsdFor(t, V2021), data)
	if got := c.ErrorData(); len(got) != 1 || got[0] != (ErrorData{ErrUnrecognisedDataElement, "mood"}) {
		t.Errorf("errorData = %v", got)
	}
	if c.Version != V2021 || c.RequestingAgencyMessageConfirmation.Header.RequestingAgencyRequestID != "EXREQ-2025-000301" {
		t.Errorf("confirmation %+v", c.RequestingAgencyMessageConfirmation.Header)
	}
	_, err = Parse([]byte("garbage"))
	if _, err := ConfirmParseError(parseError(t, err), time.Now()); !errors.Is(err, ErrNotConfirmable) {
		t.Errorf("ConfirmParseError without a message type: %v, want ErrNotConfirmable", err)
	}
}

func TestConfirmProblems(t *testing.T) {
	t.Parallel()
	m := mustParse(t, "v2021/05-ram-Lost.xml")
	m.RequestingAgencyMessage.Action = "Explode"
	c, err := ConfirmProblems(m, time.Now(), Validate(m))
	if err != nil {
		t.Fatal(err)
	}
	want := ErrorData{ErrUnsupportedActionType, `action - Value = "Explode"`}
	if got := c.ErrorData(); len(got) != 1 || got[0] != want || c.RequestingAgencyMessageConfirmation.Action != "" {
		t.Errorf("confirmation %+v, want errorData %v and no action echo", c.RequestingAgencyMessageConfirmation, want)
	}
}
