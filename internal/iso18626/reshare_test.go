package iso18626

import (
	"testing"
	"time"
)

func TestReShareConventionsInExamples(t *testing.T) {
	t.Parallel()
	offer, ok := LoanConditionOfferOf(mustParse(t, "v1_2/06-sam-Notification-WillSupply-loanCondition.xml").SupplyingAgencyMessage)
	if !ok || !offer.ReShare || len(offer.Conditions) != 1 || offer.Conditions[0] != C(LoanConditionLibraryUseOnly) ||
		offer.Note != "Item is fragile: library use only. Please confirm you accept this condition." {
		t.Errorf("offer = %+v, %v", offer, ok)
	}
	note, ok := ReShareConditionAgreement(mustParse(t, "v1_2/19-ram-Notification.xml").RequestingAgencyMessage)
	if !ok || note != "We accept the condition: library use only." {
		t.Errorf("agreement = %q, %v", note, ok)
	}
	if _, ok := LoanConditionOfferOf(mustParse(t, "v1_2/05-sam-RequestResponse-ExpectToSupply.xml").SupplyingAgencyMessage); ok {
		t.Errorf("plain SAM detected as a condition offer")
	}
	if _, ok := ReShareConditionAgreement(mustParse(t, "v1_2/10-ram-Received.xml").RequestingAgencyMessage); ok {
		t.Errorf("Received detected as an agreement")
	}
}

func TestLoanConditionOffer2021(t *testing.T) {
	t.Parallel()
	s := mustParse(t, "v2021/02-sam-RequestResponse-RetryPossible.xml").SupplyingAgencyMessage
	if _, ok := LoanConditionOfferOf(s); ok {
		t.Fatalf("CostExceedsMaxCost detected as a condition offer")
	}
	s.MessageInfo.ReasonRetry = C(ReasonRetryMustMeetLoanCondition)
	offer, ok := LoanConditionOfferOf(s)
	if !ok || offer.ReShare || len(offer.Conditions) != 1 || offer.Conditions[0].Value != LoanConditionLibraryUseOnly {
		t.Errorf("offer = %+v, %v", offer, ok)
	}
}

func TestBuildReShareConventions(t *testing.T) {
	t.Parallel()
	m := mustParse(t, "v1_2/05-sam-RequestResponse-ExpectToSupply.xml")
	now := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	AddReShareLoanCondition(m.SupplyingAgencyMessage, now, "Reading room only.", C(LoanConditionLibraryUseOnly))
	if m.SupplyingAgencyMessage.MessageInfo.Note != "#ReShareAddLoanCondition# Reading room only." {
		t.Errorf("note = %q", m.SupplyingAgencyMessage.MessageInfo.Note)
	}
	data, err := Marshal(m)
	if err != nil {
		t.Fatalf("Marshal: %v", err) // dateSent must have been filled in
	}
	back, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if offer, ok := LoanConditionOfferOf(back.SupplyingAgencyMessage); !ok || offer.Note != "Reading room only." ||
		back.SupplyingAgencyMessage.DeliveryInfo.DateSent != At(now) {
		t.Errorf("re-read offer = %+v, %v", offer, ok)
	}

	r := mustParse(t, "v1_2/10-ram-Received.xml")
	AgreeReShareLoanConditions(r.RequestingAgencyMessage, "")
	if r.RequestingAgencyMessage.Action != ActionNotification || r.RequestingAgencyMessage.Note != ReShareLoanConditionAgreeResponse {
		t.Errorf("RAM = %+v", r.RequestingAgencyMessage)
	}
	if note, ok := ReShareConditionAgreement(r.RequestingAgencyMessage); !ok || note != "" {
		t.Errorf("agreement = %q, %v", note, ok)
	}
}

func TestNoteMarker(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, marker, rest string }{
		{"#ReShareAddLoanCondition# text", ReShareAddLoanCondition, "text"},
		{"#ReShareAddLoanCondition#", ReShareAddLoanCondition, ""},
		{"  #ReShareSupplierConditionsAssumedAgreed#  two", ReShareSupplierConditionsAssumedAgreed, " two"},
		{"#ReShareSupplierAwaitingConditionConfirmation#", ReShareSupplierAwaitingConditionConfirmation, ""},
		{"plain #ReShareAddLoanCondition#", "", "plain #ReShareAddLoanCondition#"},
		{"#Other# x", "", "#Other# x"},
	}
	for _, tt := range tests {
		if m, r := NoteMarker(tt.in); m != tt.marker || r != tt.rest {
			t.Errorf("NoteMarker(%q) = %q, %q; want %q, %q", tt.in, m, r, tt.marker, tt.rest)
		}
	}
}
