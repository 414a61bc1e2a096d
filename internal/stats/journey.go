package stats

import (
	"encoding/json"
	"time"

	"interlend/internal/bibid"
	"interlend/internal/ill"
)

// FromEvents builds a request's journey from its record and its event log.
// rota gives, for borrowing requests, each lender tried (from the rota
// entries) — pass nil for lending requests. Details the event log does not
// hold (the patron's department, the subject, a lender's reason for
// Unfilled, which is in its message) are the caller's to fill in.
func FromEvents(r *ill.Request, events []ill.Event, rota []Try) Journey {
	j := Journey{Request: r.PublicID, Side: r.Side, Agency: r.Agency, Partner: r.Partner, Service: r.ServiceType,
		ServiceLevel: r.ServiceLevel, Category: r.PatronCategory, CloseReason: r.CloseReason, Open: r.ClosedAt.IsZero(),
		Closed: r.ClosedAt, Tries: rota}
	j.Cite(r.Citation)
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
			// The engine keeps a lender's reason in its message; a log that
			// carries it in the event (replayed history) is read here.
			if reason := dataString(e.Data, "reasonUnfilled"); reason != "" && r.Side == ill.Borrowing {
				j.UnfilledReason = reason
			}
		case "shipped":
			first(&j.Shipped, e.At)
		case "received":
			first(&j.Received, e.At)
			// Received straight onto the hold shelf: available at once.
			if e.To == ill.BAwaitingPickup {
				first(&j.Available, e.At)
			}
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
		case "renewed":
			j.Renewals = append(j.Renewals, e.At)
		case "overdue":
			first(&j.Overdue, e.At)
		case "lost":
			first(&j.Lost, e.At)
		case "closed":
			if r.Side == ill.Lending {
				first(&j.Answered, e.At) // Unfilled or RetryPossible is an answer
				if reason := dataString(e.Data, "reason"); reason != "" && j.UnfilledReason == "" {
					j.UnfilledReason = reason
				}
			}
		}
		// The lending side's first answer is the first message it sent.
		if r.Side == ill.Lending && j.Answered.IsZero() && e.ActorKind != ill.ActorPartner && hasSent(e.Data) {
			j.Answered = e.At
		}
	}
	if j.Submitted.IsZero() {
		j.Submitted = r.CreatedAt
	}
	// On the borrowing side, an item received means it was available to the
	// patron at the same time unless held back.
	if j.Available.IsZero() && r.Side == ill.Borrowing && !j.Received.IsZero() && !j.PickedUp.IsZero() {
		j.Available = j.Received
	}
	if j.Lost.IsZero() && j.CloseReason == ill.ClosedLost {
		j.Lost = j.Closed
	}
	return j
}

// Cite fills in what was asked for from the citation, with identifiers
// normalised as the store keeps them (ISBN-13, ISSN with hyphen).
func (j *Journey) Cite(c ill.Citation) {
	j.Title, j.Container, j.Author, j.PubType, j.PubDate = c.DisplayTitle(), c.Container(), c.Author, string(c.PublicationType), c.PubDate
	j.ISBN, j.ISSN, j.OCLC = "", "", ""
	if v, ok := bibid.NormaliseISBN(c.ISBN); ok {
		j.ISBN = v
	}
	if v, ok := bibid.NormaliseISSN(c.ISSN); ok {
		j.ISSN = v
	}
	if v, ok := bibid.NormaliseOCLC(c.OCLCNumber); ok {
		j.OCLC = v
	}
	main := c.Title
	if c.ArticleTitle != "" {
		main = c.ArticleTitle
	}
	if c.IsCopy() && c.Container() != "" {
		main = c.Container() // demand for a part is demand for what holds it
	}
	j.TitleKey = bibid.NormaliseTitle(main)
}

func hasSent(data json.RawMessage) bool {
	var d struct {
		Sent []int64 `json:"sent"`
	}
	return json.Unmarshal(data, &d) == nil && len(d.Sent) > 0
}

func dataString(data json.RawMessage, key string) string {
	if len(data) == 0 {
		return ""
	}
	var d map[string]any
	if json.Unmarshal(data, &d) != nil {
		return ""
	}
	s, _ := d[key].(string)
	return s
}
