package iso18626

import (
	"errors"
	"strconv"
	"strings"
)

// WarnConversionLoss is the kind of the warnings Convert returns for data
// the target version cannot carry.
const WarnConversionLoss WarningKind = "conversion-loss"

// ErrVersion is returned (wrapped) for an unknown target version.
var ErrVersion = errors.New("iso18626: unknown version")

// Convert returns a copy of m for version to, moving shared data to where
// that version keeps it, and a warning for every piece of data dropped or
// changed. m is not modified. VersionAttr is reset (Marshal writes the
// target's default) and a set SchemaLocation is pointed at the target XSD.
//
// Down to v1.2 (2021 data that v1.2 cannot carry):
//   - dropped: consortialId, authorId, publisherId, serviceInfo/loanCondition,
//     requestedDeliveryInfo deliveryMethod and courierName, deliveryInfo URL,
//     address, serviceType and paymentMethod, shippingInfo, and every
//     retryInfo element except offeredCosts, retryAfter, retryBefore (which
//     move into messageInfo);
//   - cut to the first: deliveryInfo itemId, loanCondition and deliveryCosts,
//     retryInfo offeredCosts, errorData; requestSubType to three;
//   - joined: several volumes into one, separated by "; ";
//   - mapped: preferredEdition to anyEdition (AnyEdition is Y, the others N)
//     unless anyEdition is set; action HoldReturn and Lost to Notification
//     and status HoldReturn and ReleaseHoldReturn to Loaned, each with the
//     original code in brackets at the start of the note; a confirmation's
//     echoed action HoldReturn or Lost is dropped.
//
// Up to 2021 (v1.2 data that 2021 cannot carry):
//   - dropped: multipleItemRequestId outside the request header, the request
//     header's supplyingAgencyRequestId, the SAM header's
//     requestingAgencyAuthentication, the scheme of physicalAddress/region;
//   - mapped: a negative sortOrder to 0; anyEdition also sets
//     preferredEdition (Y: AnyEdition, N: ThisEdition) when that is empty;
//   - a v1.2 request without serviceInfo stays without it: 2021 requires
//     it and Validate will say so (the service type cannot be guessed).
func Convert(m *Message, to Version) (*Message, []Warning, error) {
	if !to.valid() {
		return nil, nil, ErrVersion
	}
	if m == nil || m.count() != 1 {
		return nil, nil, errors.New("iso18626: convert: message must hold exactly one message")
	}
	out := m.Clone()
	out.Version, out.VersionAttr = to, ""
	if out.SchemaLocation != "" {
		out.SchemaLocation = to.SchemaLocation()
	}
	if m.Version == to {
		return out, nil, nil
	}
	c := &converter{kind: out.Kind().String()}
	if to == V1_2 {
		c.down(out)
	} else {
		c.up(out)
	}
	return out, c.losses, nil
}

type converter struct {
	kind   string
	losses []Warning
}

func (c *converter) lose(path, value, msg string) {
	c.losses = append(c.losses, Warning{Kind: WarnConversionLoss, Path: c.kind + "/" + path, Value: quote(value), Message: msg})
}

func (c *converter) dropString(path string, p *string) {
	if *p != "" {
		c.lose(path, *p, "dropped")
		*p = ""
	}
}

func (c *converter) dropCode(path string, p *Code) {
	if !p.IsZero() {
		c.lose(path, p.Value, "dropped")
		*p = Code{}
	}
}

func dropAll[T any](c *converter, path string, p *[]T) {
	if len(*p) > 0 {
		c.lose(path, "", strconv.Itoa(len(*p))+" dropped")
		*p = nil
	}
}

func keepFirst[T any](c *converter, path string, p *[]T) {
	if len(*p) > 1 {
		c.lose(path, "", strconv.Itoa(len(*p)-1)+" after the first dropped")
		*p = (*p)[:1]
	}
}

// down converts 2021 to v1.2.
func (c *converter) down(m *Message) {
	if h := m.Header(); h != nil && !h.ConsortialID.IsZero() {
		c.lose("header/consortialId", h.ConsortialID.String(), "dropped")
		h.ConsortialID = AgencyID{}
	}
	if r := m.Request; r != nil {
		b := &r.BibliographicInfo
		c.dropString("bibliographicInfo/authorId", &b.AuthorID)
		if len(b.Volume) > 1 {
			c.lose("bibliographicInfo/volume", "", "volumes joined into one")
			b.Volume = []string{strings.Join(b.Volume, "; ")}
		}
		if p := r.PublicationInfo; p != nil {
			c.dropString("publicationInfo/publisherId", &p.PublisherID)
		}
		if s := r.ServiceInfo; s != nil {
			if s.PreferredEdition != "" {
				if s.AnyEdition == "" {
					s.AnyEdition = YesNoOf(s.PreferredEdition == EditionAny)
				}
				if s.PreferredEdition != EditionAny {
					c.lose("serviceInfo/preferredEdition", string(s.PreferredEdition), "mapped to anyEdition "+string(s.AnyEdition))
				}
				s.PreferredEdition = ""
			}
			dropAll(c, "serviceInfo/loanCondition", &s.LoanCondition)
			if len(s.RequestSubType) > 3 {
				c.lose("serviceInfo/requestSubType", "", "cut to three")
				s.RequestSubType = s.RequestSubType[:3]
			}
		}
		for i := range r.RequestedDeliveryInfo {
			c.dropCode("requestedDeliveryInfo/deliveryMethod", &r.RequestedDeliveryInfo[i].DeliveryMethod)
			c.dropCode("requestedDeliveryInfo/courierName", &r.RequestedDeliveryInfo[i].CourierName)
		}
	}
	if s := m.SupplyingAgencyMessage; s != nil {
		c.downSAM(s)
	}
	if r := m.RequestingAgencyMessage; r != nil && !r.Action.Valid(V1_2) && r.Action.Valid(V2021) {
		c.lose("action", string(r.Action), "sent as Notification")
		r.Note = prefixNote(string(r.Action), r.Note)
		r.Action = ActionNotification
	}
	if r := m.RequestConfirmation; r != nil {
		keepFirst(c, "errorData", &r.ErrorData)
	}
	if r := m.SupplyingAgencyMessageConfirmation; r != nil {
		keepFirst(c, "errorData", &r.ErrorData)
	}
	if r := m.RequestingAgencyMessageConfirmation; r != nil {
		keepFirst(c, "errorData", &r.ErrorData)
		if !r.Action.Valid(V1_2) && r.Action.Valid(V2021) {
			c.lose("action", string(r.Action), "dropped")
			r.Action = ""
		}
	}
}

func (c *converter) downSAM(s *SupplyingAgencyMessage) {
	if st := s.StatusInfo.Status; st == StatusHoldReturn || st == StatusReleaseHoldReturn {
		c.lose("statusInfo/status", string(st), "sent as Loaned")
		s.MessageInfo.Note = prefixNote(string(st), s.MessageInfo.Note)
		s.StatusInfo.Status = StatusLoaned
	}
	if r := s.RetryInfo; r != nil {
		dropAll(c, "retryInfo/loanCondition", &r.LoanCondition)
		dropAll(c, "retryInfo/edition", &r.Edition)
		dropAll(c, "retryInfo/itemFormat", &r.ItemFormat)
		dropAll(c, "retryInfo/volume", &r.Volume)
		if r.ServiceType != "" {
			c.lose("retryInfo/serviceType", string(r.ServiceType), "dropped")
			r.ServiceType = ""
		}
		dropAll(c, "retryInfo/serviceLevel", &r.ServiceLevel)
		dropAll(c, "retryInfo/deliveryMethod", &r.DeliveryMethod)
		dropAll(c, "retryInfo/courierName", &r.CourierName)
		dropAll(c, "retryInfo/paymentMethod", &r.PaymentMethod)
		keepFirst(c, "retryInfo/offeredCosts", &r.OfferedCosts)
		if len(r.OfferedCosts) == 0 && r.RetryAfter.IsZero() && r.RetryBefore.IsZero() {
			s.RetryInfo = nil
		}
	}
	if d := s.DeliveryInfo; d != nil {
		keepFirst(c, "deliveryInfo/itemId", &d.ItemID)
		c.dropString("deliveryInfo/URL", &d.URL)
		if d.Address != nil {
			c.lose("deliveryInfo/address", "", "dropped")
			d.Address = nil
		}
		keepFirst(c, "deliveryInfo/loanCondition", &d.LoanCondition)
		if d.ServiceType != "" {
			c.lose("deliveryInfo/serviceType", string(d.ServiceType), "dropped")
			d.ServiceType = ""
		}
		keepFirst(c, "deliveryInfo/deliveryCosts", &d.DeliveryCosts)
		c.dropCode("deliveryInfo/paymentMethod", &d.PaymentMethod)
	}
	if s.ShippingInfo != nil {
		c.lose("shippingInfo", "", "dropped")
		s.ShippingInfo = nil
	}
}

// prefixNote puts a code the target version lacks in front of a note.
func prefixNote(code, note string) string {
	if note == "" {
		return "[" + code + "]"
	}
	return "[" + code + "] " + note
}

// up converts v1.2 to 2021.
func (c *converter) up(m *Message) {
	k := m.Kind()
	if h := m.Header(); h != nil {
		if k != KindRequest {
			c.dropString("header/multipleItemRequestId", &h.MultipleItemRequestID)
		}
		if k == KindRequest {
			c.dropString("header/supplyingAgencyRequestId", &h.SupplyingAgencyRequestID)
		}
		if k == KindSupplyingAgencyMessage && h.RequestingAgencyAuthentication != nil {
			c.lose("header/requestingAgencyAuthentication", "", "dropped")
			h.RequestingAgencyAuthentication = nil
		}
	}
	if h := m.ConfirmationHeader(); h != nil {
		c.dropString("confirmationHeader/multipleItemRequestId", &h.MultipleItemRequestID)
	}
	if r := m.Request; r != nil {
		if r.ServiceInfo == nil {
			c.lose("serviceInfo", "", "missing; mandatory in 2021")
		} else if s := r.ServiceInfo; s.PreferredEdition == "" && s.AnyEdition.Valid(V2021) {
			s.PreferredEdition = EditionThis
			if s.AnyEdition == Yes {
				s.PreferredEdition = EditionAny
			}
		}
		for i := range r.RequestedDeliveryInfo {
			nonNegative(c, "requestedDeliveryInfo/sortOrder", r.RequestedDeliveryInfo[i].SortOrder)
		}
		for i := range r.SupplierInfo {
			nonNegative(c, "supplierInfo/sortOrder", r.SupplierInfo[i].SortOrder)
		}
	}
	eachPhysicalAddress(m, func(p *PhysicalAddress) {
		if p.Region.Scheme != "" {
			c.lose("physicalAddress/region", p.Region.Scheme, "scheme dropped")
			p.Region.Scheme = ""
		}
	})
}

func nonNegative(c *converter, path string, p *int) {
	if p != nil && *p < 0 {
		c.lose(path, strconv.Itoa(*p), "set to 0")
		*p = 0
	}
}
