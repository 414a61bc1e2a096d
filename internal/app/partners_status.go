package app

import (
	"context"
	"slices"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// RoundTrip is a test StatusRequest and what came of it: the message we
// sent (with its delivery, attempts and the partner's confirmation) and
// the supplying agency messages the partner sent back about the request
// since. Done is set once an answer came, or the message cannot go.
type RoundTrip struct {
	Request string          `json:"request"`
	Partner ill.AgencyID    `json:"partner"`
	Sent    MessageDetail   `json:"sent"`
	Replies []MessageDetail `json:"replies"`
	Done    bool            `json:"done"`
}

// SendStatusRequest sends a StatusRequest to a partner about one of our
// open borrowing requests with it, through the normal outbound path (it
// is recorded on the request's timeline like any other), and returns the
// round trip so far. Returns NotFound, Forbidden, Invalid (the request is
// not with that partner) or Conflict (no StatusRequest can be sent about
// it now).
func (a *App) SendStatusRequest(ctx context.Context, actor ill.Actor, partner ill.AgencyID, publicID string) (RoundTrip, error) {
	if err := requireStaffView(actor); err != nil {
		return RoundTrip{}, err
	}
	var sent int64
	err := a.write(ctx, func(tx *store.Tx) error {
		e, err := partnerEntry(tx, partner)
		if err != nil {
			return err
		}
		r, err := a.loadForActor(tx, actor, publicID, true)
		if err != nil {
			return err
		}
		if r.Side != ill.Borrowing || !slices.Contains(partnerIDs(e), r.Partner) {
			return ill.E(ill.Invalid, "a test StatusRequest goes about one of our borrowing requests with the partner",
				map[string]string{"request": publicID + " is not a borrowing request with " + string(e.ID)})
		}
		before, err := requestMsgViews(tx, r.Agency, []int64{r.ID})
		if err != nil {
			return err
		}
		if err := a.perform(tx, actor, r, ill.ActStatusRequest, nil, 0); err != nil {
			return err
		}
		after, err := requestMsgViews(tx, r.Agency, []int64{r.ID})
		if err != nil {
			return err
		}
		for _, v := range after[len(before):] {
			if v.Direction == store.Outbound && v.Kind == ill.MsgRAM && v.body.Action == ill.ActionStatusRequest {
				sent = v.ID
			}
		}
		if sent == 0 {
			return ill.E(ill.Internal, "the StatusRequest was not stored")
		}
		return nil
	})
	if err != nil {
		return RoundTrip{}, err
	}
	return a.StatusRoundTrip(ctx, actor, publicID, sent)
}

// StatusRoundTrip shows how a StatusRequest we sent fared: its delivery
// and confirmation, and the partner's messages about the request since.
// Returns NotFound (also when the message is not a StatusRequest of the
// request) or Forbidden.
func (a *App) StatusRoundTrip(ctx context.Context, actor ill.Actor, publicID string, id int64) (RoundTrip, error) {
	if err := requireStaffView(actor); err != nil {
		return RoundTrip{}, err
	}
	var out RoundTrip
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		vs, err := requestMsgViews(tx, r.Agency, []int64{r.ID})
		if err != nil {
			return err
		}
		i := slices.IndexFunc(vs, func(v MessageView) bool {
			return v.ID == id && v.Direction == store.Outbound && v.body.Action == ill.ActionStatusRequest
		})
		if i < 0 {
			return ill.Errorf(ill.NotFound, "request %s has no StatusRequest %d", r.PublicID, id)
		}
		out = RoundTrip{Request: r.PublicID, Partner: vs[i].Partner, Replies: []MessageDetail{}}
		if out.Sent, err = msgDetailOf(tx, r.Agency, vs[i]); err != nil {
			return err
		}
		for _, v := range vs[i+1:] {
			if v.Direction == store.Inbound && v.Partner == out.Partner && v.Kind == ill.MsgSAM {
				d, err := msgDetailOf(tx, r.Agency, v)
				if err != nil {
					return err
				}
				out.Replies = append(out.Replies, d)
			}
		}
		s := out.Sent.State
		out.Done = len(out.Replies) > 0 || out.Sent.stuck() || s == MsgCancelled || s == MsgRecorded
		return nil
	})
	return out, err
}
