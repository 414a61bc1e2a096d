package app

import (
	"context"
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// Message states as staff see them: the stored delivery state of a
// message read together with the job that sends it.
const (
	MsgQueued    = "queued"    // waiting for its first attempt
	MsgWaiting   = "waiting"   // behind an earlier message of its request that is not through
	MsgSending   = "sending"   // an attempt is running now
	MsgRetrying  = "retrying"  // attempts failed; tried again at NextAttempt
	MsgSent      = "sent"      // the partner confirmed it (OK)
	MsgDelivered = "delivered" // applied by a partner hosted here
	MsgRefused   = "refused"   // the partner answered with an ERROR confirmation
	MsgFailed    = "failed"    // given up: attempts used up, or refused at the HTTP level
	MsgHeld      = "held"      // not sent: the partner has no endpoint
	MsgCancelled = "cancelled" // never sent: the request closed first
	MsgRecorded  = "recorded"  // off-system request: recorded, not sent
	MsgApplied   = "applied"   // received and applied (we answered OK)
	MsgRejected  = "rejected"  // received and refused (we answered with an error)
)

// MessageView is a protocol message with how its delivery stands, for the
// timeline and the partner pages.
type MessageView struct {
	ID        int64           `json:"id"`
	Request   string          `json:"request,omitempty"` // the request's public id
	Direction string          `json:"direction"`         // in or out
	Partner   ill.AgencyID    `json:"partner"`
	Kind      ill.MessageKind `json:"kind"`
	// Subject is the status (with the reason) of a supplying agency
	// message, the action of a requesting agency message, or the type of
	// a request.
	Subject string `json:"subject"`
	Summary string `json:"summary"`
	// State is one of the Msg* states; Delivery is the stored delivery
	// state it comes from.
	State    string `json:"state"`
	Delivery string `json:"delivery"`
	// Attempts counts the delivery attempts (every re-drive included).
	Attempts int `json:"attempts"`
	// Confirmation is the answer to the message: the partner's to ours,
	// ours to theirs ("OK" or "ERROR type value").
	Confirmation string    `json:"confirmation,omitempty"`
	Error        string    `json:"error,omitempty"`
	LastError    string    `json:"lastError,omitempty"`
	HoldReason   string    `json:"holdReason,omitempty"`
	NextAttempt  time.Time `json:"nextAttempt,omitzero"`
	CreatedAt    time.Time `json:"createdAt"`
	DeliveredAt  time.Time `json:"deliveredAt,omitzero"`
	// Redrive says the message can be re-driven now: it failed or was
	// refused, and it is the first of its request's messages to the
	// partner that is not through. Waiting counts the messages behind it.
	Redrive bool `json:"redrive"`
	Waiting int  `json:"waiting,omitempty"`

	body    ill.Message
	raw     string
	jobKey  string
	blocked bool
}

// MessageDetail is a message with its XML (verbatim and indented), its
// domain form and every delivery attempt.
type MessageDetail struct {
	MessageView
	Raw string `json:"raw"`
	// Pretty is the XML indented for reading (empty when the raw text is
	// not XML that can be read; PrettyError says why).
	Pretty      string           `json:"pretty,omitempty"`
	PrettyError string           `json:"prettyError,omitempty"`
	Tokens      XMLDoc           `json:"-"`
	Body        ill.Message      `json:"body"`
	AttemptLog  []MessageAttempt `json:"attemptLog"`
}

// MessageAttempt is one try at delivering a message.
type MessageAttempt struct {
	N          int       `json:"n"`
	Node       string    `json:"node"`
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt,omitzero"`
	// Outcome is done, retry, dead, held, released, running, or lost (the
	// worker lost the job and another attempt followed).
	Outcome string `json:"outcome"`
	// HTTPStatus is the partner's HTTP status when the attempt reached it
	// and failed at the HTTP level (0 otherwise).
	HTTPStatus int `json:"httpStatus,omitempty"`
	// Result is the confirmation of a finished attempt ("OK", "ERROR
	// ..."), or what went wrong.
	Result string `json:"result,omitempty"`
}

// msgSubject names what a message says, in ISO 18626 terms.
func msgSubject(m ill.Message) string {
	switch m.Kind {
	case ill.MsgSAM:
		s := m.Status
		if s == "" {
			s = "(no status)"
		}
		if m.Reason != "" {
			s += " / " + m.Reason
		}
		if m.Answer != "" {
			s += " " + m.Answer
		}
		return s
	case ill.MsgRAM:
		return m.Action
	case ill.MsgRequest:
		return orDefault(m.RequestType, ill.RequestNew)
	}
	return ""
}

// msgViewOf reads a stored message and its job as staff see it.
func msgViewOf(d store.MessageDelivery) MessageView {
	v := MessageView{ID: d.ID, Request: d.RequestPublicID, Direction: d.Direction, Partner: d.Partner, Kind: d.Kind,
		Subject: msgSubject(d.Body), Summary: d.Summary, Delivery: d.Delivery, Attempts: d.Tries, Confirmation: d.Confirmation,
		Error: d.Error, LastError: d.LastError, HoldReason: d.HoldReason, CreatedAt: d.CreatedAt, DeliveredAt: d.DeliveredAt,
		body: d.Body, raw: d.Raw, jobKey: d.JobKey}
	if d.Direction == store.Inbound {
		v.State = MsgApplied
		if d.Delivery == "rejected" {
			v.State = MsgRejected
		} else if v.Confirmation == "" {
			v.Confirmation = "OK"
		}
		return v
	}
	switch d.Delivery {
	case store.DeliverySent:
		v.State = MsgSent
	case store.DeliveryDelivered:
		v.State = MsgDelivered
	case store.DeliveryRecorded:
		v.State = MsgRecorded
	case store.DeliveryError:
		v.State = MsgRefused
	case store.DeliveryHeld:
		v.State = MsgHeld
		if v.HoldReason == "" {
			v.HoldReason = d.Error
		}
	default:
		v.State = MsgQueued
	}
	if v.State != MsgQueued && v.State != MsgHeld && v.State != MsgRefused {
		return v
	}
	switch d.JobState {
	case store.JobRunning:
		v.State = MsgSending
	case store.JobReady:
		switch {
		case v.State == MsgHeld || v.State == MsgRefused:
			v.State = MsgQueued // released or re-driven, not tried yet
		case d.LastError != "" && d.JobAttempts > 0:
			v.State, v.NextAttempt = MsgRetrying, d.NextRunAt
		}
	case store.JobDead:
		if v.State == MsgQueued {
			v.State = MsgFailed
		}
	case store.JobHeld:
		v.State = MsgHeld
	case store.JobCancelled:
		if v.State == MsgQueued || v.State == MsgHeld {
			v.State = MsgCancelled
		}
	case store.JobDone:
		if v.State == MsgQueued {
			v.State = MsgSent
		}
	}
	return v
}

// settled reports whether a message no longer holds back the ones after
// it in its request.
func (v MessageView) settled() bool {
	switch v.State {
	case MsgSent, MsgDelivered, MsgCancelled, MsgRecorded, MsgApplied, MsgRejected:
		return true
	}
	return false
}

// stuck reports whether a message waits for a person (or an endpoint).
func (v MessageView) stuck() bool {
	return v.State == MsgRefused || v.State == MsgFailed || v.State == MsgHeld
}

// orderMsgViews marks, among one request's messages (in id order), those
// waiting behind an earlier unsettled message of the same job ordering key,
// the first stuck message of each key as the one to re-drive, and how many
// wait behind it.
func orderMsgViews(vs []MessageView) {
	first := map[string]int{} // ordering key → index of its first unsettled message
	for i := range vs {
		v := &vs[i]
		if v.Direction != store.Outbound || v.jobKey == "" {
			continue
		}
		head, ok := first[v.jobKey]
		if !ok {
			if !v.settled() {
				first[v.jobKey] = i
				v.Redrive = v.State == MsgRefused || v.State == MsgFailed
			}
			continue
		}
		if !v.settled() {
			v.blocked = true
			vs[head].Waiting++
			if v.State == MsgQueued {
				v.State = MsgWaiting
			}
		}
	}
}

// requestMsgViews loads the views of messages of the given requests, in order.
func requestMsgViews(tx *store.Tx, agency ill.AgencyID, requestIDs []int64) ([]MessageView, error) {
	ds, err := tx.Agency().MessageDeliveries(agency, store.MessageQuery{RequestIDs: requestIDs})
	if err != nil {
		return nil, err
	}
	byRequest := map[int64][]MessageView{}
	var order []int64
	for _, d := range ds {
		if _, ok := byRequest[d.RequestID]; !ok {
			order = append(order, d.RequestID)
		}
		byRequest[d.RequestID] = append(byRequest[d.RequestID], msgViewOf(d))
	}
	var out []MessageView
	for _, id := range order {
		vs := byRequest[id]
		orderMsgViews(vs)
		out = append(out, vs...)
	}
	return out, nil
}

// requireStaffView checks that the actor may see protocol messages: staff
// of the agency who may see its requests (patrons never do).
func requireStaffView(actor ill.Actor) error {
	if actor.Kind == ill.ActorPatron {
		return ill.E(ill.Forbidden, "protocol messages are for staff")
	}
	return requireAgency(actor, actor.Agency, ill.PermRequestView)
}

// RequestMessages lists a request's protocol messages, oldest first, with
// how each one's delivery stands. Returns NotFound or Forbidden.
func (a *App) RequestMessages(ctx context.Context, actor ill.Actor, publicID string) ([]MessageView, error) {
	if err := requireStaffView(actor); err != nil {
		return nil, err
	}
	var out []MessageView
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		out, err = requestMsgViews(tx, r.Agency, []int64{r.ID})
		return err
	})
	return out, err
}

// RequestMessageDetails is RequestMessages with each message's XML and
// attempts (the JSON API's view). Returns NotFound or Forbidden.
func (a *App) RequestMessageDetails(ctx context.Context, actor ill.Actor, publicID string) ([]MessageDetail, error) {
	if err := requireStaffView(actor); err != nil {
		return nil, err
	}
	out := []MessageDetail{}
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		vs, err := requestMsgViews(tx, r.Agency, []int64{r.ID})
		if err != nil {
			return err
		}
		for _, v := range vs {
			d, err := msgDetailOf(tx, r.Agency, v)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// RequestMessage is one message of a request with its XML and attempts.
// Returns NotFound (also for a message of another request) or Forbidden.
func (a *App) RequestMessage(ctx context.Context, actor ill.Actor, publicID string, id int64) (MessageDetail, error) {
	if err := requireStaffView(actor); err != nil {
		return MessageDetail{}, err
	}
	var out MessageDetail
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		vs, err := requestMsgViews(tx, r.Agency, []int64{r.ID})
		if err != nil {
			return err
		}
		for _, v := range vs {
			if v.ID == id {
				out, err = msgDetailOf(tx, r.Agency, v)
				return err
			}
		}
		return ill.Errorf(ill.NotFound, "request %s has no message %d", r.PublicID, id)
	})
	return out, err
}

// msgDetailOf adds a message's XML and attempts to its view.
func msgDetailOf(tx *store.Tx, agency ill.AgencyID, v MessageView) (MessageDetail, error) {
	d := MessageDetail{MessageView: v, Raw: v.raw, Body: v.body, AttemptLog: []MessageAttempt{}}
	if v.raw != "" {
		doc, err := PrettyXML(v.raw)
		if err != nil {
			d.PrettyError = err.Error()
		} else {
			d.Tokens, d.Pretty = doc, doc.String()
		}
	}
	if v.Direction != store.Outbound {
		return d, nil
	}
	ats, err := tx.Agency().MessageAttempts(agency, v.ID)
	if err != nil {
		return d, err
	}
	for i, at := range ats {
		ma := MessageAttempt{N: i + 1, Node: at.Node, StartedAt: at.StartedAt, FinishedAt: at.FinishedAt, Outcome: at.Outcome, Result: at.Error}
		if ma.Outcome == "" {
			// Unfinished: running now, or (not the last) its worker lost
			// the job and another attempt followed.
			ma.Outcome = "running"
			if i < len(ats)-1 {
				ma.Outcome = "lost"
			}
		}
		ma.HTTPStatus = attemptHTTPStatus(at.Error)
		if ma.Outcome == "done" {
			ma.Result = orDefault(v.Confirmation, "OK")
		}
		d.AttemptLog = append(d.AttemptLog, ma)
	}
	return d, nil
}

// attemptHTTPStatus finds the HTTP status in a transport error ("... answered
// 503 Service Unavailable", "... refused the message with 401
// Unauthorized: ...").
func attemptHTTPStatus(s string) int {
	for _, marker := range []string{" answered ", " with "} {
		i := strings.Index(s, marker)
		if i < 0 || len(s) < i+len(marker)+3 {
			continue
		}
		code := s[i+len(marker) : i+len(marker)+3]
		n := 0
		for _, c := range code {
			if c < '0' || c > '9' {
				n = -1
				break
			}
			n = n*10 + int(c-'0')
		}
		if n >= 100 && n <= 599 && (len(s) == i+len(marker)+3 || s[i+len(marker)+3] == ' ') {
			return n
		}
	}
	return 0
}
