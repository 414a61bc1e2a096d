package wire

import (
	"strings"

	"interlend/internal/ill"
	"interlend/internal/iso18626"
)

func decodeSAM(s *iso18626.SupplyingAgencyMessage, ids Agencies) (ill.Message, error) {
	m, err := decodeHeader(ill.MsgSAM, s.Header, ids)
	if err != nil {
		return m, err
	}
	mi := s.MessageInfo
	m.Reason, m.Answer = string(mi.ReasonForMessage), string(mi.AnswerYesNo)
	m.ReasonUnfilled, m.ReasonRetry = mi.ReasonUnfilled.Value, mi.ReasonRetry.Value
	m.Status = string(s.StatusInfo.Status)
	m.DueDate, m.ExpectedDelivery = when(s.StatusInfo.DueDate), when(s.StatusInfo.ExpectedDeliveryDate)

	// Conditions: those of an offer in either convention (ReShare v1.2:
	// note marker, deliveryInfo/loanCondition; 2021: RetryPossible,
	// MustMeetLoanCondition, retryInfo/loanCondition), of any other
	// RetryPossible, and of a shipped item. Reading both places always
	// also covers v1.2 partners that answer RetryPossible with
	// MustMeetLoanCondition (crosslink's LoanCondition) and put the
	// condition in deliveryInfo.
	note := mi.Note
	offer, isOffer := iso18626.LoanConditionOfferOf(s)
	if isOffer {
		note = offer.Note
	}
	if s.RetryInfo != nil {
		m.Conditions = values(s.RetryInfo.LoanCondition)
	}
	if s.DeliveryInfo != nil {
		m.Conditions = append(m.Conditions, values(s.DeliveryInfo.LoanCondition)...)
	}
	_, note = iso18626.NoteMarker(note) // awaiting-confirmation and assumed-agreed markers
	mk, note := cutMarker(note)
	switch mk {
	case MarkerHoldReturn:
		m.Status = ill.StatusHoldReturn
	case MarkerReleaseHoldReturn:
		m.Status = ill.StatusReleaseHoldReturn
	}
	if mk != "" && m.Reason == ill.ReasonNotification {
		m.Reason = ill.ReasonStatusChange // the Notification only carried the status v1.2 lacks
	}
	keys := []string{lineURL, lineItem, lineCourier, lineTracking}
	if isOffer || len(m.Conditions) > 0 {
		keys = append(keys, lineCondition)
	}
	var ls lines
	m.Note, ls = cutLines(note, keys...)
	m.Conditions = append(m.Conditions, ls.values(lineCondition)...)

	if r := s.RetryInfo; r != nil {
		m.RetryAfter, m.RetryBefore = when(r.RetryAfter), when(r.RetryBefore)
		if len(r.OfferedCosts) > 0 {
			if m.OfferedCost, err = Money(r.OfferedCosts[0]); err != nil {
				return ill.Message{}, err
			}
		}
	}
	readDeliveryInfo(&m, s.DeliveryInfo, ls)
	if err := readShipping(&m, s.ShippingInfo, ls); err != nil {
		return ill.Message{}, err
	}
	return m, nil
}

// readDeliveryInfo reads what was sent. An http(s) itemId is the delivery
// URL (partners without a URL element put it there), as is a v1.2 "URL:"
// data line. The delivery method URL is implied by a delivery URL and not
// kept. Without a deliveryInfo/serviceType (v1.2 has none) the delivered
// service of a Loaned or CopyCompleted delivery is Loan or Copy.
func readDeliveryInfo(m *ill.Message, d *iso18626.DeliveryInfo, ls lines) {
	var urls []string
	if d != nil {
		urls = append(urls, d.URL)
		for _, id := range d.ItemID {
			id = strings.TrimSpace(id)
			switch {
			case isWebURL(id):
				urls = append(urls, id)
			case id != "":
				m.Items = append(m.Items, ill.Item{Barcode: id})
			}
		}
	}
	for _, b := range ls.values(lineItem) {
		m.Items = append(m.Items, ill.Item{Barcode: b})
	}
	m.DeliveryURL = first(append(urls, ls.values(lineURL)...)...)
	if d == nil {
		return
	}
	if method := d.DeliveryMethod.Value; !strings.EqualFold(method, "URL") || m.DeliveryURL == "" {
		m.DeliveryMethod = method
	}
	m.DeliveredFormat = d.ItemFormat.Value
	m.DeliveredService = ill.ServiceType(d.ServiceType)
	if m.DeliveredService == "" {
		switch m.Status {
		case ill.StatusLoaned:
			m.DeliveredService = ill.Loan
		case ill.StatusCopyCompleted:
			m.DeliveredService = ill.Copy
		}
	}
}

// readShipping reads the 2021 shippingInfo, and the courier and tracking
// data lines of v1.2.
func readShipping(m *ill.Message, sh *iso18626.ShippingInfo, ls lines) error {
	if sh != nil {
		m.Shipping.Courier = sh.CourierName.Value
		if len(sh.TrackingID) > 0 {
			m.Shipping.TrackingID = sh.TrackingID[0]
		}
		m.Shipping.Insured = sh.Insurance == iso18626.Yes
		if len(sh.InsuranceCosts) > 0 {
			var err error
			if m.Shipping.Insurance, err = Money(sh.InsuranceCosts[0]); err != nil {
				return err
			}
		}
	}
	m.Shipping.Courier = first(append([]string{m.Shipping.Courier}, ls.values(lineCourier)...)...)
	m.Shipping.TrackingID = first(append([]string{m.Shipping.TrackingID}, ls.values(lineTracking)...)...)
	return nil
}

func decodeRAM(r *iso18626.RequestingAgencyMessage, ids Agencies) (ill.Message, error) {
	m, err := decodeHeader(ill.MsgRAM, r.Header, ids)
	if err != nil {
		return m, err
	}
	m.Action = string(r.Action)
	note := r.Note
	if rest, ok := iso18626.ReShareConditionAgreement(r); ok {
		m.AcceptConditions, note = true, rest
	}
	_, note = iso18626.NoteMarker(note)
	mk, note := cutMarker(note)
	if r.Action == iso18626.ActionNotification {
		switch mk {
		case MarkerHoldReturn:
			m.Action = ill.ActionHoldReturn
		case MarkerLost:
			m.Action = ill.ActionLost
		}
	}
	var ls lines
	m.Note, ls = cutLines(note, lineCourier, lineTracking)
	return m, readShipping(&m, nil, ls)
}
