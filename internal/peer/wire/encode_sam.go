package wire

import (
	"strings"

	"interlend/internal/ill"
	"interlend/internal/iso18626"
)

func encodeSAM(m ill.Message, v iso18626.Version, ids Agencies) (*iso18626.SupplyingAgencyMessage, error) {
	s := &iso18626.SupplyingAgencyMessage{Header: header(m, ids)}
	s.MessageInfo = iso18626.MessageInfo{
		ReasonForMessage: iso18626.ReasonForMessage(m.Reason),
		AnswerYesNo:      iso18626.YesNo(strings.ToUpper(m.Answer)),
		ReasonUnfilled:   code(m.ReasonUnfilled),
		ReasonRetry:      code(m.ReasonRetry),
	}
	s.StatusInfo = iso18626.StatusInfo{
		Status:               iso18626.Status(m.Status),
		ExpectedDeliveryDate: iso18626.At(m.ExpectedDelivery),
		DueDate:              iso18626.At(m.DueDate),
		LastChange:           iso18626.At(m.Timestamp),
	}
	retry := &iso18626.RetryInfo{RetryAfter: iso18626.At(m.RetryAfter), RetryBefore: iso18626.At(m.RetryBefore)}
	if !m.OfferedCost.IsZero() {
		c, err := Costs(m.OfferedCost)
		if err != nil {
			return nil, err
		}
		retry.OfferedCosts = []iso18626.Costs{c}
	}
	offer := offersConditions(m)
	if offer && (v == iso18626.V2021 || m.Status == ill.StatusRetryPossible) {
		s.MessageInfo.ReasonRetry = iso18626.C(offerReason(m))
	}
	ship := m.Status == ill.StatusLoaned || m.Status == ill.StatusCopyCompleted
	var ls lines
	note := m.Note
	if v == iso18626.V2021 {
		if offer {
			// 2021: the offer is a RetryPossible the requester answers
			// with a Retry request carrying the conditions.
			s.StatusInfo.Status = iso18626.StatusRetryPossible
			retry.LoanCondition = codes(m.Conditions)
		}
		if ship {
			s.DeliveryInfo = deliveryInfo(m, v)
		}
		if err := setShipping(s, m.Shipping); err != nil {
			return nil, err
		}
	} else {
		if ship {
			s.DeliveryInfo = deliveryInfo(m, v)
			ls.add(lineURL, m.DeliveryURL)
			if d := s.DeliveryInfo; d != nil && len(d.ItemID) > 1 {
				ls.add(lineItem, d.ItemID[1:]...)
				d.ItemID = d.ItemID[:1]
			}
		}
		ls.add(lineCourier, m.Shipping.Courier)
		ls.add(lineTracking, m.Shipping.TrackingID)
		switch m.Status {
		case ill.StatusHoldReturn, ill.StatusReleaseHoldReturn:
			s.MessageInfo.ReasonForMessage = iso18626.ReasonNotification
			s.StatusInfo.Status = iso18626.StatusLoaned
			note = withMarker(holdMarker(m.Status), note)
		}
	}
	var conditions []iso18626.Code
	if v == iso18626.V1_2 && (offer || ship) {
		// v1.2 has room for one loanCondition: the others go in data lines.
		conditions = codes(m.Conditions)
		if len(conditions) > 1 {
			for _, c := range conditions[1:] {
				ls.add(lineCondition, c.Value)
			}
			conditions = conditions[:1]
		}
	}
	note = ls.appendTo(note)
	switch {
	case v == iso18626.V1_2 && offer:
		iso18626.AddReShareLoanCondition(s, m.Timestamp, note, conditions...)
	case v == iso18626.V1_2 && s.DeliveryInfo != nil:
		s.DeliveryInfo.LoanCondition = conditions
		s.MessageInfo.Note = note
	default:
		s.MessageInfo.Note = note
	}
	if len(retry.OfferedCosts) > 0 || len(retry.LoanCondition) > 0 || !retry.RetryAfter.IsZero() || !retry.RetryBefore.IsZero() {
		s.RetryInfo = retry
	}
	return s, nil
}

// offersConditions reports whether a SAM offers to supply under conditions
// or for a cost: conditions or a cost, on a status before shipping or
// RetryPossible.
func offersConditions(m ill.Message) bool {
	if len(codes(m.Conditions)) == 0 && m.OfferedCost.Minor <= 0 {
		return false
	}
	switch m.Status {
	case "", ill.StatusRequestReceived, ill.StatusExpectToSupply, ill.StatusWillSupply, ill.StatusRetryPossible:
		return true
	}
	return false
}

// offerReason is the reasonRetry of an offer: the one given, else
// MustMeetLoanCondition, or CostExceedsMaxCost when only a cost is asked.
func offerReason(m ill.Message) string {
	switch {
	case m.ReasonRetry != "":
		return m.ReasonRetry
	case len(codes(m.Conditions)) > 0:
		return iso18626.ReasonRetryMustMeetLoanCondition
	}
	return iso18626.ReasonRetryCostExceedsMaxCost
}

func holdMarker(status string) string {
	if status == ill.StatusReleaseHoldReturn {
		return MarkerReleaseHoldReturn
	}
	return MarkerHoldReturn
}

// deliveryInfo describes what was sent with a Loaned or CopyCompleted SAM,
// or nil when the message says nothing about it (a renewal answer).
// dateSent, mandatory, is the message's timestamp.
func deliveryInfo(m ill.Message, v iso18626.Version) *iso18626.DeliveryInfo {
	d := &iso18626.DeliveryInfo{
		DateSent:       iso18626.At(m.Timestamp),
		DeliveryMethod: code(m.DeliveryMethod),
		ItemFormat:     code(m.DeliveredFormat),
	}
	for _, it := range m.Items {
		if it.Barcode != "" {
			d.ItemID = append(d.ItemID, it.Barcode)
		}
	}
	if d.DeliveryMethod.IsZero() && m.DeliveryURL != "" {
		d.DeliveryMethod = iso18626.C("URL")
	}
	if v == iso18626.V2021 {
		d.URL = m.DeliveryURL
		d.ServiceType = iso18626.ServiceType(m.DeliveredService)
		d.LoanCondition = codes(m.Conditions)
	}
	if len(d.ItemID) == 0 && d.DeliveryMethod.IsZero() && d.ItemFormat.IsZero() && d.URL == "" &&
		d.ServiceType == "" && len(m.Conditions) == 0 && m.DeliveredService == "" {
		return nil
	}
	return d
}

// setShipping writes the 2021 shippingInfo of a SAM when sh says anything.
func setShipping(s *iso18626.SupplyingAgencyMessage, sh ill.Shipping) error {
	if sh == (ill.Shipping{}) {
		return nil
	}
	out := &iso18626.ShippingInfo{CourierName: code(sh.Courier)}
	if sh.TrackingID != "" {
		out.TrackingID = []string{sh.TrackingID}
	}
	if sh.Insured || !sh.Insurance.IsZero() {
		out.Insurance = iso18626.YesNoOf(sh.Insured)
	}
	if !sh.Insurance.IsZero() {
		c, err := Costs(sh.Insurance)
		if err != nil {
			return err
		}
		out.InsuranceCosts = []iso18626.Costs{c}
	}
	s.ShippingInfo = out
	return nil
}
