package app_test

import (
	"strings"
	"testing"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// The partner page's test StatusRequest goes through the normal outbound
// path and shows the round trip: what we sent, the confirmation and the
// partner's answer (here a library hosted in the same deployment, which
// exchanges real ISO 18626 in-process).
func TestStatusRequestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newPTWorld(t, e)
			const lender = ill.AgencyID("US-EXB")
			w.Agency(t, lender, "Lender")
			ov, err := w.App.Partner(w.ctx, w.mgr, lender)
			if err != nil {
				t.Fatal(err)
			}
			if len(ov.StatusRequests) != 0 || !ov.Reachable() || !ov.Hosted {
				t.Errorf("before any request: %+v", ov.PartnerSummary)
			}
			id := w.borrow(lender, "Round trip")
			w.untilStates(id, "New:delivered")
			ov, err = w.App.Partner(w.ctx, w.mgr, lender)
			if err != nil || len(ov.StatusRequests) != 1 || ov.StatusRequests[0].ID != id || ov.StatusRequests[0].Title != "Round trip" {
				t.Fatalf("status request choices: %+v (%v)", ov.StatusRequests, err)
			}

			rt, err := w.App.SendStatusRequest(w.ctx, w.mgr, lender, id)
			if err != nil {
				t.Fatal(err)
			}
			if rt.Request != id || rt.Partner != lender || rt.Sent.Kind != ill.MsgRAM || rt.Sent.Subject != ill.ActionStatusRequest {
				t.Errorf("round trip started: %+v", rt)
			}
			w.until("the StatusRequest's answer", func() bool {
				rt, err = w.App.StatusRoundTrip(w.ctx, w.mgr, id, rt.Sent.ID)
				return err == nil && rt.Done
			}, func() any { return rt })
			if rt.Sent.State != app.MsgDelivered || rt.Sent.Confirmation != "OK" || !strings.Contains(rt.Sent.Raw, "StatusRequest") {
				t.Errorf("sent: state %s confirmation %q raw %q", rt.Sent.State, rt.Sent.Confirmation, rt.Sent.Raw)
			}
			if len(rt.Replies) != 1 || rt.Replies[0].Body.Reason != ill.ReasonStatusRequestResponse || rt.Replies[0].Direction != store.Inbound ||
				rt.Replies[0].State != app.MsgApplied || rt.Replies[0].Pretty == "" {
				t.Errorf("replies: %+v", rt.Replies)
			}
			// It is on the request's timeline like any other message.
			ms := w.messages(id)
			if len(ms) < 3 || ms[len(ms)-2].ID != rt.Sent.ID || ms[len(ms)-1].ID != rt.Replies[0].ID {
				t.Errorf("timeline messages: %+v", ms)
			}
			ov, _ = w.App.Partner(w.ctx, w.mgr, lender)
			if ov.LastIn.IsZero() || ov.LastOut.IsZero() || ov.Week.In != 1 || ov.Week.Out != 2 {
				t.Errorf("partner page after the round trip: %+v", ov.PartnerSummary)
			}
			// A newer request the partner has not written about yet comes
			// after the one it has: the test is offered about a request
			// the partner knows.
			id2 := w.borrow(lender, "Not answered yet")
			w.untilStates(id2, "New:delivered")
			ov, err = w.App.Partner(w.ctx, w.mgr, lender)
			if err != nil || len(ov.StatusRequests) != 2 || ov.StatusRequests[0].ID != id || ov.StatusRequests[1].ID != id2 {
				t.Errorf("status request choices with an unanswered request: %+v (%v), want %s first", ov.StatusRequests, err, id)
			}

			// Bad input changes nothing.
			lid, err := w.App.LendingIDFor(w.ctx, lender, ptLib, id)
			if err != nil {
				t.Fatal(err)
			}
			lenderStaff := app.ActorFor(w.User(t, "lee@example.edu", ill.Grant{Agency: lender, Role: ill.RoleManager}), lender)
			w.Agency(t, "US-EXC", "Third")
			for name, c := range map[string]struct {
				actor   ill.Actor
				partner ill.AgencyID
				id      string
				want    ill.Kind
			}{
				"another partner's request": {w.mgr, "US-EXC", id, ill.Invalid},
				"a lending request":         {lenderStaff, ptLib, lid, ill.Invalid},
				"an unknown request":        {w.mgr, lender, "B9999999", ill.NotFound},
				"a read-only clerk":         {app.ActorFor(w.User(t, "ro@example.edu", ill.Grant{Agency: ptLib, Role: ill.RoleReadOnly}), ptLib), lender, id, ill.Forbidden},
			} {
				before := len(w.messages(id))
				if _, err := w.App.SendStatusRequest(w.ctx, c.actor, c.partner, c.id); !ill.Is(err, c.want) {
					t.Errorf("%s: %v, want %v", name, err, c.want)
				}
				if after := len(w.messages(id)); after != before {
					t.Errorf("%s: %d messages, was %d", name, after, before)
				}
			}
			if _, err := w.App.StatusRoundTrip(w.ctx, w.mgr, id, ms[0].ID); !ill.Is(err, ill.NotFound) {
				t.Errorf("round trip of a message that is not a StatusRequest: %v", err)
			}
			patron := ill.Actor{Kind: ill.ActorPatron, Agency: ptLib, Grants: ill.Grants{{Agency: ptLib, Role: ill.RolePatron}}}
			if _, err := w.App.RequestMessages(w.ctx, patron, id); !ill.Is(err, ill.Forbidden) {
				t.Errorf("a patron reading messages: %v", err)
			}
			if _, err := w.App.Partner(w.ctx, w.mgr, "US-NOWHERE"); !ill.Is(err, ill.NotFound) {
				t.Errorf("a partner that does not exist: %v", err)
			}
		})
	}
}
