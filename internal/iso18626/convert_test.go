package iso18626

import (
	"errors"
	"strings"
	"testing"

	"interlend/internal/testenv"
)

// TestConvertExamples converts every example to the other version: the
// result validates against the target XSD.
func TestConvertExamples(t *testing.T) {
	t.Parallel()
	for _, ex := range examples(t) {
		t.Run(ex.name, func(t *testing.T) {
			t.Parallel()
			m, err := Parse(ex.data)
			if err != nil {
				t.Fatal(err)
			}
			to := V2021
			if m.Version == V2021 {
				to = V1_2
			}
			out, losses, err := Convert(m, to)
			if err != nil {
				t.Fatalf("Convert: %v", err)
			}
			if out.Version != to {
				t.Errorf("version %v, want %v", out.Version, to)
			}
			data, err := Marshal(out)
			if err != nil {
				t.Fatalf("Marshal converted: %v (losses %v)", err, losses)
			}
			testenv.ValidateXSD(t, xsdFor(t, to), data)
			if again, err := Marshal(m); err != nil || canonical(t, again) != canonical(t, ex.data) {
				t.Errorf("Convert modified its input (Marshal err %v)", err)
			}
		})
	}
}

// TestConvertV12ThroughV2021 checks that a v1.2 message survives the trip
// to 2021 and back unchanged: 2021 can carry every v1.2 example.
func TestConvertV12ThroughV2021(t *testing.T) {
	t.Parallel()
	for _, ex := range examples(t) {
		if ex.version != V1_2 {
			continue
		}
		m, err := Parse(ex.data)
		if err != nil {
			t.Fatal(err)
		}
		up, losses, err := Convert(m, V2021)
		if err != nil || len(losses) > 0 {
			t.Fatalf("%s: up: %v, losses %v", ex.name, err, losses)
		}
		down, losses, err := Convert(up, V1_2)
		if err != nil || len(losses) > 0 {
			t.Fatalf("%s: down: %v, losses %v", ex.name, err, losses)
		}
		data, err := Marshal(down)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := canonical(t, data), canonical(t, ex.data); got != want {
			t.Errorf("%s: v1.2 -> 2021 -> v1.2 differs\n--- got ---\n%s\n--- want ---\n%s", ex.name, got, want)
		}
	}
}

func TestConvertLosses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		example string
		to      Version
		check   func(t *testing.T, out *Message)
		losses  []string // paths that must be reported
	}{
		{"shipping and delivery extras", "v2021/04-sam-RequestResponse-Loaned-shippingInfo.xml", V1_2,
			func(t *testing.T, out *Message) {
				s := out.SupplyingAgencyMessage
				if s.ShippingInfo != nil || s.DeliveryInfo.ServiceType != "" || !s.DeliveryInfo.PaymentMethod.IsZero() {
					t.Errorf("2021 data kept: %+v %+v", s.ShippingInfo, s.DeliveryInfo)
				}
				if s.DeliveryInfo.DeliveryMethod != C("Courier") {
					t.Errorf("deliveryMethod = %v, want it kept (sentVia)", s.DeliveryInfo.DeliveryMethod)
				}
			},
			[]string{"supplyingAgencyMessage/shippingInfo", "supplyingAgencyMessage/deliveryInfo/serviceType",
				"supplyingAgencyMessage/deliveryInfo/paymentMethod"}},
		{"retry info to messageInfo", "v2021/02-sam-RequestResponse-RetryPossible.xml", V1_2,
			func(t *testing.T, out *Message) {
				r := out.SupplyingAgencyMessage.RetryInfo
				if r == nil || len(r.OfferedCosts) != 1 || r.RetryBefore != date("2025-06-16T23:59:59Z") || r.LoanCondition != nil {
					t.Errorf("RetryInfo = %+v", r)
				}
			},
			[]string{"supplyingAgencyMessage/retryInfo/loanCondition", "supplyingAgencyMessage/retryInfo/paymentMethod"}},
		{"Lost becomes Notification", "v2021/05-ram-Lost.xml", V1_2,
			func(t *testing.T, out *Message) {
				r := out.RequestingAgencyMessage
				if r.Action != ActionNotification || !strings.HasPrefix(r.Note, "[Lost] Patron reports") {
					t.Errorf("action %q note %q", r.Action, r.Note)
				}
			},
			[]string{"requestingAgencyMessage/action"}},
		{"HoldReturn becomes Loaned", "v2021/06-sam-StatusChange-HoldReturn.xml", V1_2,
			func(t *testing.T, out *Message) {
				s := out.SupplyingAgencyMessage
				if s.StatusInfo.Status != StatusLoaned || !strings.HasPrefix(s.MessageInfo.Note, "[HoldReturn] ") {
					t.Errorf("status %q note %q", s.StatusInfo.Status, s.MessageInfo.Note)
				}
			},
			[]string{"supplyingAgencyMessage/statusInfo/status"}},
		{"request extras", "v2021/01-request-loan-2021.xml", V1_2,
			func(t *testing.T, out *Message) {
				r := out.Request
				if !r.Header.ConsortialID.IsZero() || r.BibliographicInfo.AuthorID != "" || r.ServiceInfo.AnyEdition != Yes ||
					r.ServiceInfo.PreferredEdition != "" || !r.RequestedDeliveryInfo[0].CourierName.IsZero() {
					t.Errorf("request = %+v", r)
				}
			},
			[]string{"request/header/consortialId", "request/bibliographicInfo/authorId",
				"request/requestedDeliveryInfo/deliveryMethod", "request/requestedDeliveryInfo/courierName"}},
		{"v1.2 anyEdition sets preferredEdition", "v1_2/01-request-loan-book.xml", V2021,
			func(t *testing.T, out *Message) {
				if got := out.Request.ServiceInfo.PreferredEdition; got != EditionAny {
					t.Errorf("preferredEdition = %q, want AnyEdition", got)
				}
			}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, losses, err := Convert(mustParse(t, tt.example), tt.to)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, out)
			reported := map[string]bool{}
			for _, l := range losses {
				if l.Kind != WarnConversionLoss {
					t.Errorf("loss kind %q", l.Kind)
				}
				reported[l.Path] = true
			}
			for _, p := range tt.losses {
				if !reported[p] {
					t.Errorf("loss of %s not reported; got %v", p, losses)
				}
			}
			if len(reported) != len(tt.losses) {
				t.Errorf("losses at %d paths %v, want %d", len(reported), losses, len(tt.losses))
			}
		})
	}
}

func TestConvertUpDropsV12Only(t *testing.T) {
	t.Parallel()
	m := mustParse(t, "v1_2/07-sam-StatusChange-Loaned.xml")
	s := m.SupplyingAgencyMessage
	s.Header.MultipleItemRequestID = "MIR-1"
	s.Header.RequestingAgencyAuthentication = &Authentication{AccountID: "a"}
	s.ReturnInfo.PhysicalAddress.Region.Scheme = "urn:iso:3166-2"
	out, losses, err := Convert(m, V2021)
	if err != nil {
		t.Fatal(err)
	}
	if len(losses) != 3 {
		t.Errorf("losses = %v, want 3", losses)
	}
	if ps := Validate(out); len(ps) > 0 {
		t.Errorf("Validate = %v", ps)
	}
	if s.Header.MultipleItemRequestID != "MIR-1" {
		t.Errorf("Convert changed its input")
	}
}

func TestConvertErrors(t *testing.T) {
	t.Parallel()
	if _, _, err := Convert(mustParse(t, "v1_2/10-ram-Received.xml"), 7); !errors.Is(err, ErrVersion) {
		t.Errorf("Convert to version 7: %v, want ErrVersion", err)
	}
	if _, _, err := Convert(&Message{Version: V1_2}, V2021); err == nil {
		t.Errorf("Convert of an empty message succeeded")
	}
}

func TestClone(t *testing.T) {
	t.Parallel()
	m := mustParse(t, "v2021/01-request-loan-2021.xml")
	c := m.Clone()
	c.Request.RequestedDeliveryInfo[0].Address.PhysicalAddress.Line1 = "changed"
	*c.Request.RequestedDeliveryInfo[0].SortOrder = 9
	c.Request.BibliographicInfo.BibliographicItemID[0].Code.Value = "changed"
	r := m.Request
	if r.RequestedDeliveryInfo[0].Address.PhysicalAddress.Line1 == "changed" || *r.RequestedDeliveryInfo[0].SortOrder == 9 ||
		r.BibliographicInfo.BibliographicItemID[0].Code.Value == "changed" {
		t.Errorf("Clone shares memory with the original")
	}
	if c.Request.Header.Timestamp != m.Request.Header.Timestamp {
		t.Errorf("Clone timestamp %v, want %v", c.Request.Header.Timestamp, m.Request.Header.Timestamp)
	}
}
