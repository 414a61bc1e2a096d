package nciptest

import (
	"slices"

	"interlend/internal/ncip"
)

// Call records one HTTP request the Responder received.
type Call struct {
	Service    string       // initiation element, e.g. "AcceptItem"; "" if unreadable
	Version    ncip.Version // as sent
	FromAgency string
	ToAgency   string
	// Key identifiers as sent (the first of each kind).
	UserID    string
	ItemID    string
	RequestID string
	BibID     string
	// Auth is the HTTP authentication presented: "basic:<user>",
	// "bearer", or "".
	Auth string
	// Duplicate marks an AcceptItem whose RequestId was already accepted
	// (answered with the existing item).
	Duplicate bool
	Fault     FaultKind        // scripted fault applied, 0 if none
	Problem   ncip.ProblemType // Problem answered, "" if none
	// HTTPStatus is the status written; 0 if no answer was written
	// (connection closed, client gone).
	HTTPStatus int

	recorded bool // already in the log (recorded early, before a dropped connection)
}

func (r *Responder) record(c *Call) {
	if c.recorded {
		return
	}
	c.recorded = true
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, *c)
}

// Calls is every call so far, in the order they were answered.
func (r *Responder) Calls() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

// CallsTo is the calls of one service.
func (r *Responder) CallsTo(service string) []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Call
	for _, c := range r.calls {
		if c.Service == service {
			out = append(out, c)
		}
	}
	return out
}

// keys fills the key identifiers of c from the initiation message.
func keys(c *Call, in ncip.Initiation) {
	c.Service = in.ElementName()
	if h := in.Header(); h != nil {
		c.FromAgency, c.ToAgency = h.FromAgencyID.Value, h.ToAgencyID.Value
	}
	user := func(u *ncip.UserID, auth []ncip.AuthenticationInput) {
		if u != nil {
			c.UserID = u.Value
			return
		}
		if id, _ := authUserID(auth); id != "" {
			c.UserID = id
		}
	}
	item := func(i *ncip.ItemID) {
		if i != nil {
			c.ItemID = i.Value
		}
	}
	req := func(q *ncip.RequestID) {
		if q != nil {
			c.RequestID = q.Value
		}
	}
	switch m := in.(type) {
	case *ncip.LookupUser:
		user(m.UserID, m.AuthenticationInput)
	case *ncip.LookupItem:
		item(m.ItemID)
		req(m.RequestID)
	case *ncip.AcceptItem:
		req(&m.RequestID)
		user(m.UserID, nil)
		item(m.ItemID)
	case *ncip.RequestItem:
		user(m.UserID, m.AuthenticationInput)
		if len(m.ItemID) > 0 {
			item(&m.ItemID[0])
		}
		if len(m.BibliographicID) > 0 {
			c.BibID = bibKey(m.BibliographicID[0])
		}
		req(m.RequestID)
	case *ncip.CancelRequestItem:
		user(m.UserID, m.AuthenticationInput)
		item(m.ItemID)
		req(m.RequestID)
	case *ncip.CheckOutItem:
		user(m.UserID, m.AuthenticationInput)
		item(&m.ItemID)
		req(m.RequestID)
	case *ncip.CheckInItem:
		item(&m.ItemID)
	case *ncip.DeleteItem:
		item(&m.ItemID)
	case *ncip.RenewItem:
		user(m.UserID, m.AuthenticationInput)
		item(&m.ItemID)
	}
}

func bibKey(b ncip.BibliographicID) string {
	if b.BibliographicRecordID != nil {
		return b.BibliographicRecordID.Identifier
	}
	if b.BibliographicItemID != nil {
		return b.BibliographicItemID.Identifier
	}
	return ""
}
