package iso18626

import (
	"errors"
	"testing"
)

func TestValidateProblems(t *testing.T) {
	t.Parallel()
	one := 1
	minus := -1
	tests := []struct {
		name    string
		example string
		mutate  func(m *Message)
		want    Problem
	}{
		{"unknown action", "v1_2/10-ram-Received.xml", func(m *Message) { m.RequestingAgencyMessage.Action = "Foo" },
			Problem{"requestingAgencyMessage/action", ErrUnsupportedActionType, `action - Value = "Foo"`}},
		{"2021 action in v1.2", "v1_2/10-ram-Received.xml", func(m *Message) { m.RequestingAgencyMessage.Action = ActionLost },
			Problem{"requestingAgencyMessage/action", ErrUnsupportedActionType, `action - Value = "Lost"`}},
		{"unknown reason", "v1_2/07-sam-StatusChange-Loaned.xml",
			func(m *Message) { m.SupplyingAgencyMessage.MessageInfo.ReasonForMessage = "Bogus" },
			Problem{"supplyingAgencyMessage/messageInfo/reasonForMessage", ErrUnsupportedReasonForMessageType, `reasonForMessage - Value = "Bogus"`}},
		{"status Completed", "v1_2/07-sam-StatusChange-Loaned.xml",
			func(m *Message) { m.SupplyingAgencyMessage.StatusInfo.Status = "Completed" },
			Problem{"supplyingAgencyMessage/statusInfo/status", ErrUnrecognisedDataValue, `status - Value = "Completed"`}},
		{"2021 status in v1.2", "v1_2/07-sam-StatusChange-Loaned.xml",
			func(m *Message) { m.SupplyingAgencyMessage.StatusInfo.Status = StatusHoldReturn },
			Problem{"supplyingAgencyMessage/statusInfo/status", ErrUnrecognisedDataValue, `status - Value = "HoldReturn"`}},
		{"empty status", "v1_2/07-sam-StatusChange-Loaned.xml",
			func(m *Message) { m.SupplyingAgencyMessage.StatusInfo.Status = "" },
			Problem{"supplyingAgencyMessage/statusInfo/status", ErrBadlyFormedMessage, "supplyingAgencyMessage/statusInfo/status is missing or empty"}},
		{"missing timestamp", "v1_2/10-ram-Received.xml",
			func(m *Message) { m.RequestingAgencyMessage.Header.Timestamp = DateTime{} },
			Problem{"requestingAgencyMessage/header/timestamp", ErrBadlyFormedMessage, "requestingAgencyMessage/header/timestamp is missing or empty"}},
		{"missing agency value", "v1_2/10-ram-Received.xml",
			func(m *Message) { m.RequestingAgencyMessage.Header.SupplyingAgencyID.Value = "" },
			Problem{"requestingAgencyMessage/header/supplyingAgencyId/agencyIdValue", ErrBadlyFormedMessage,
				"requestingAgencyMessage/header/supplyingAgencyId/agencyIdValue is missing or empty"}},
		{"2021 serviceInfo mandatory", "v2021/03-request-Retry.xml", func(m *Message) { m.Request.ServiceInfo = nil },
			Problem{"request/serviceInfo", ErrBadlyFormedMessage, "request/serviceInfo is missing or empty"}},
		{"shippingInfo in v1.2", "v1_2/07-sam-StatusChange-Loaned.xml",
			func(m *Message) { m.SupplyingAgencyMessage.ShippingInfo = &ShippingInfo{TrackingID: []string{"1Z"}} },
			Problem{"supplyingAgencyMessage/shippingInfo", ErrUnrecognisedDataElement, "shippingInfo"}},
		{"consortialId in SAM", "v2021/04-sam-RequestResponse-Loaned-shippingInfo.xml",
			func(m *Message) { m.SupplyingAgencyMessage.Header.ConsortialID = ISIL("US-X") },
			Problem{"supplyingAgencyMessage/header/consortialId", ErrUnrecognisedDataElement, "consortialId"}},
		{"two itemIds in v1.2", "v1_2/07-sam-StatusChange-Loaned.xml",
			func(m *Message) { m.SupplyingAgencyMessage.DeliveryInfo.ItemID = []string{"a", "b"} },
			Problem{"supplyingAgencyMessage/deliveryInfo/itemId", ErrBadlyFormedMessage, "itemId may occur at most 1 time(s) in v1.2, found 2"}},
		{"retryInfo content in v1.2", "v1_2/08-sam-RequestResponse-Unfilled.xml",
			func(m *Message) { m.SupplyingAgencyMessage.RetryInfo = &RetryInfo{Edition: []string{"2nd"}} },
			Problem{"supplyingAgencyMessage/retryInfo/edition", ErrUnrecognisedDataElement, "edition"}},
		{"empty retryInfo in v1.2", "v1_2/08-sam-RequestResponse-Unfilled.xml",
			func(m *Message) { m.SupplyingAgencyMessage.RetryInfo = &RetryInfo{} },
			Problem{"supplyingAgencyMessage/retryInfo", ErrUnrecognisedDataElement, "retryInfo"}},
		{"address with both", "v1_2/02-request-copy-article.xml", func(m *Message) {
			m.Request.RequestedDeliveryInfo[0].Address.PhysicalAddress = &PhysicalAddress{Line1: "x"}
		}, Problem{"request/requestedDeliveryInfo/address", ErrBadlyFormedMessage, "address must hold exactly one of electronicAddress and physicalAddress"}},
		{"negative sortOrder in 2021", "v2021/01-request-loan-2021.xml",
			func(m *Message) { m.Request.RequestedDeliveryInfo[0].SortOrder = &minus },
			Problem{"request/requestedDeliveryInfo/sortOrder", ErrUnrecognisedDataValue, `sortOrder - Value = "-1"`}},
		{"bad decimal", "v1_2/01-request-loan-book.xml",
			func(m *Message) { m.Request.BillingInfo.MaximumCosts.MonetaryValue = "25,00" },
			Problem{"request/billingInfo/maximumCosts/monetaryValue", ErrUnrecognisedDataValue, `monetaryValue - Value = "25,00"`}},
		{"region scheme in 2021", "v2021/01-request-loan-2021.xml",
			func(m *Message) {
				m.Request.RequestedDeliveryInfo[0].Address.PhysicalAddress.Region.Scheme = "urn:iso3166-2"
			},
			Problem{"request/requestedDeliveryInfo/address/physicalAddress/region", ErrBadlyFormedMessage, "region is a plain string in 2021 and has no scheme"}},
		{"four sub-types in v1.2", "v1_2/01-request-loan-book.xml", func(m *Message) {
			m.Request.ServiceInfo.RequestSubType = []RequestSubType{SubTypePatronRequest, SubTypeBookingRequest, SubTypeTransferRequest, SubTypeMultipleItemRequest}
		}, Problem{"request/serviceInfo/requestSubType", ErrBadlyFormedMessage, "requestSubType may occur at most 3 time(s) in v1.2, found 4"}},
		{"bad errorType", "v1_2/04-requestConfirmation-error.xml",
			func(m *Message) { m.RequestConfirmation.ErrorData[0].ErrorType = "Oops" },
			Problem{"requestConfirmation/errorData/errorType", ErrUnrecognisedDataValue, `errorType - Value = "Oops"`}},
		{"year beyond 9999", "v1_2/10-ram-Received.xml",
			func(m *Message) {
				m.RequestingAgencyMessage.Header.Timestamp = DateTime{date("9999-12-31T23:00:00Z").AddDate(1, 0, 0)}
			},
			Problem{"requestingAgencyMessage/header/timestamp", ErrUnrecognisedDataValue, `timestamp - Value = "10000-12-31 23:00:00 +0000 UTC"`}},
		{"no message", "v1_2/10-ram-Received.xml", func(m *Message) { m.RequestingAgencyMessage = nil },
			Problem{"", ErrBadlyFormedMessage, "ISO18626Message must hold exactly one message, found 0"}},
		{"no version", "v1_2/10-ram-Received.xml", func(m *Message) { m.Version = 0 },
			Problem{"", ErrBadlyFormedMessage, "message version not set"}},
		{"agency id without type", "v1_2/01-request-loan-book.xml", func(m *Message) {
			m.Request.SupplierInfo = []SupplierInfo{{SortOrder: &one, SupplierCode: AgencyID{Value: "X"}}}
		}, Problem{"request/supplierInfo/supplierCode/agencyIdType", ErrBadlyFormedMessage, "request/supplierInfo/supplierCode/agencyIdType is missing or empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := mustParse(t, tt.example)
			tt.mutate(m)
			ps := Validate(m)
			if len(ps) != 1 || ps[0] != tt.want {
				t.Errorf("Validate = %v\nwant [%v]", ps, tt.want)
			}
			_, err := Marshal(m)
			var got Problems
			if !errors.As(err, &got) {
				t.Errorf("Marshal error %v, want Problems", err)
			}
		})
	}
}

func TestToleranceValidate(t *testing.T) {
	t.Parallel()
	m := mustParse(t, "v1_2/07-sam-StatusChange-Loaned.xml")
	m.SupplyingAgencyMessage.StatusInfo.Status = ""
	m.SupplyingAgencyMessage.DeliveryInfo.DateSent = DateTime{}
	if ps := (Tolerance{EmptyStatus: true, ZeroDates: true}).Validate(m); len(ps) != 0 {
		t.Errorf("tolerant Validate = %v, want none", ps)
	}
	if ps := Validate(m); len(ps) != 2 {
		t.Errorf("strict Validate = %v, want 2 problems", ps)
	}
	m.SupplyingAgencyMessage.Header.Timestamp = DateTime{}
	if ps := Lenient().Validate(m); len(ps) != 1 {
		t.Errorf("Lenient().Validate = %v, want the missing timestamp only", ps)
	}
}

func TestCheckOpenCodes(t *testing.T) {
	t.Parallel()
	for _, ex := range examples(t) {
		m, err := Parse(ex.data)
		if err != nil {
			t.Fatal(err)
		}
		if ps := CheckOpenCodes(m); len(ps) != 0 {
			t.Errorf("%s: CheckOpenCodes = %v, want none", ex.name, ps)
		}
	}
	m := mustParse(t, "v2021/01-request-loan-2021.xml")
	m.Request.ServiceInfo.ServiceLevel = C("Overnight")
	m.Request.Header.RequestingAgencyID.Type.Scheme = "urn:private"
	want := Problems{
		{"request/header/requestingAgencyId/agencyIdType", ErrUnrecognisedDataValue, `agencyIdType - Scheme = "urn:private"`},
		{"request/serviceInfo/serviceLevel", ErrUnrecognisedDataValue, `serviceLevel - Value = "Overnight"`},
	}
	got := CheckOpenCodes(m)
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("CheckOpenCodes = %v\nwant %v", got, want)
	}
}

func TestUnsupportedHelpers(t *testing.T) {
	t.Parallel()
	if got, want := UnsupportedAction(ActionShippedForward).ErrorData(),
		(ErrorData{ErrUnsupportedActionType, `action - Value = "ShippedForward"`}); got != want {
		t.Errorf("UnsupportedAction = %+v, want %+v", got, want)
	}
	if got, want := UnsupportedReason(ReasonRenewResponse).ErrorData(),
		(ErrorData{ErrUnsupportedReasonForMessageType, `reasonForMessage - Value = "RenewResponse"`}); got != want {
		t.Errorf("UnsupportedReason = %+v, want %+v", got, want)
	}
}
