package stats

import (
	"encoding/json"
	"time"

	"interlend/internal/ill"
)

// FromEvents builds a request's journey from its record and its event log.
// rota gives, for borrowing requests, each lender tried (from the rota
// entries) — pass nil for lending requests.
func FromEvents(r *ill.Request, events []ill.Event, rota []Try) Journey {
	j := Journey{Request: r.PublicID, Side: r.Side, Agency: r.Agency, Partner: r.Partner, Service: r.ServiceType,
		Category: r.PatronCategory, CloseReason: r.CloseReason, Open: r.ClosedAt.IsZero(), Closed: r.ClosedAt, Tries: rota}
	first := func(t *time.Time, at time.Time) {
		if t.IsZero() {
			*t = at
		}
	}
	for _, e := range events {
		switch e.Type {
		case "submitted":
			first(&j.Submitted, e.At)
		case "sent_to_lender", "retry_sent":
			first(&j.FirstSent, e.At)
		case "answered", "conditions_offered", "retry_offered", "unfilled_by_lender":
			first(&j.Answered, e.At)
		case "shipped":
			first(&j.Shipped, e.At)
		case "received":
			first(&j.Received, e.At)
		case "available_to_patron":
			first(&j.Available, e.At)
		case "picked_up":
			first(&j.PickedUp, e.At)
		case "delivered":
			first(&j.Delivered, e.At)
		case "return_shipped":
			first(&j.ReturnShipped, e.At)
		case "checked_in":
			first(&j.CheckedIn, e.At)
		case "closed":
			if r.Side == ill.Lending {
				first(&j.Answered, e.At) // Unfilled or RetryPossible is an answer
			}
		}
		// The lending side's first answer is the first message it sent.
		if r.Side == ill.Lending && j.Answered.IsZero() && e.ActorKind != ill.ActorPartner && hasSent(e.Data) {
			j.Answered = e.At
		}
	}
	// On the borrowing side, an item received means it was available to the
	// patron at the same time unless held back.
	if j.Available.IsZero() && r.Side == ill.Borrowing && !j.Received.IsZero() && !j.PickedUp.IsZero() {
		j.Available = j.Received
	}
	return j
}

func hasSent(data json.RawMessage) bool {
	var d struct {
		Sent []int64 `json:"sent"`
	}
	return json.Unmarshal(data, &d) == nil && len(d.Sent) > 0
}
