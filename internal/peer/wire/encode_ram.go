package wire

import (
	"interlend/internal/ill"
	"interlend/internal/iso18626"
)

// encodeRAM writes a requesting agency message: header, action and note.
// A RAM has no element for shipping, so the courier and tracking id of a
// ShippedReturn or ShippedForward travel as data lines of the note, in
// both versions.
//
// AcceptConditions on a Notification: v1.2 writes the ReShare agreement
// (#ReShareLoanConditionAgreeResponse# starting the note). 2021 has no
// agreement RAM: its conditions offer is a RetryPossible, accepted with a
// Retry request carrying serviceInfo/loanCondition, which the app decides
// to send; so in 2021 the Notification carries only its note. The
// conditions and cost themselves are not written in either version (the
// lender knows what it offered).
func encodeRAM(m ill.Message, v iso18626.Version, ids Agencies) *iso18626.RequestingAgencyMessage {
	r := &iso18626.RequestingAgencyMessage{Header: header(m, ids), Action: iso18626.Action(m.Action)}
	var ls lines
	ls.add(lineCourier, m.Shipping.Courier)
	ls.add(lineTracking, m.Shipping.TrackingID)
	note := ls.appendTo(m.Note)
	if v == iso18626.V1_2 {
		switch m.Action {
		case ill.ActionHoldReturn:
			r.Action, note = iso18626.ActionNotification, withMarker(MarkerHoldReturn, note)
		case ill.ActionLost:
			r.Action, note = iso18626.ActionNotification, withMarker(MarkerLost, note)
		}
	}
	agree := m.AcceptConditions && (m.Action == ill.ActionNotification || m.Action == "")
	switch {
	case agree && v == iso18626.V1_2:
		iso18626.AgreeReShareLoanConditions(r, note)
	case agree:
		r.Action, r.Note = iso18626.ActionNotification, note
	default:
		r.Note = note
	}
	return r
}
