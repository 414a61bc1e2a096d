package app_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store/storetest"
)

// A clean ERROR confirmation is not retried: the message is refused, the
// request's later messages wait, the request needs attention, other
// requests to the partner go on, and a re-drive sends the refused message
// and then the waiting one, in order. On both engines, with the partner
// on real HTTP.
func TestRefusedMessageStopsItsRequestOnly(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newPTWorld(t, e)
			fp := newFakePartner(t, "token-for-exp")
			const exp = ill.AgencyID("US-EXP")
			w.partner(exp, fp.srv.URL, "token-for-exp")
			r1, r2 := w.borrow(exp, "Refused book"), w.borrow(exp, "Other book")
			w.untilStates(r1, "New:sent")
			w.untilStates(r2, "New:sent")

			fp.set(func(fp *fakePartner) {
				fp.refuse = func(m ill.Message) (string, string) {
					if m.RequesterRequestID == r1 && m.Kind == ill.MsgRAM {
						return "UnrecognisedDataValue", `requestingAgencyRequestId - Value = "` + r1 + `"`
					}
					return "", ""
				}
			})
			w.act(r1, ill.ActStatusRequest)
			w.act(r1, ill.ActStatusRequest)
			w.untilStates(r1, "New:sent", "StatusRequest:refused", "StatusRequest:waiting")
			w.act(r2, ill.ActStatusRequest)
			w.untilStates(r2, "New:sent", "StatusRequest:sent")
			// Time passes: nothing is tried again.
			w.Clock.Advance(2 * time.Hour)
			w.idle()
			w.untilStates(r1, "New:sent", "StatusRequest:refused", "StatusRequest:waiting")

			refused := w.view(r1, ill.ActionStatusRequest, 0)
			if refused.Attempts != 1 || !refused.Redrive || refused.Waiting != 1 || !strings.HasPrefix(refused.Confirmation, "ERROR UnrecognisedDataValue") {
				t.Errorf("refused message: %+v", refused)
			}
			waiting := w.view(r1, ill.ActionStatusRequest, 1)
			if waiting.Attempts != 0 || waiting.Redrive {
				t.Errorf("waiting message: %+v", waiting)
			}
			got := fp.received()
			slices.Sort(got[:2]) // the two requests went in parallel
			if !slices.Equal(got, []string{r1 + " request New", r2 + " request New", r2 + " requestingAgencyMessage StatusRequest"}) {
				t.Errorf("the partner got %q", got)
			}
			if fp.refused != 1 {
				t.Errorf("the partner was asked %d times to take the refused message, want once", fp.refused)
			}
			req, err := w.App.GetRequest(w.ctx, w.mgr, r1)
			if err != nil || !req.Attention || req.AttentionReason != "message_rejected" {
				t.Errorf("refused request: attention %v %q (%v)", req.Attention, req.AttentionReason, err)
			}
			if other, _ := w.App.GetRequest(w.ctx, w.mgr, r2); other.Attention {
				t.Errorf("the other request needs attention too: %q", other.AttentionReason)
			}

			// The partner page shows it.
			ov, err := w.App.Partner(w.ctx, w.mgr, exp)
			if err != nil {
				t.Fatal(err)
			}
			if len(ov.Dead) != 1 || ov.Dead[0].ID != refused.ID || ov.Dead[0].Request != r1 || ov.Dead[0].Waiting != 1 || len(ov.Held) != 0 {
				t.Errorf("partner page problems: dead %+v held %+v", ov.Dead, ov.Held)
			}
			if ov.Week.Out != 5 || ov.Week.OutFailed != 1 || ov.Week.OutErrorRate() != 20 || ov.Month.Out != 5 {
				t.Errorf("windows: week %+v month %+v", ov.Week, ov.Month)
			}
			if ov.Week.Attempts != 4 || ov.Week.FailedAttempts != 1 {
				t.Errorf("attempts this week: %d, %d failed; want 4, 1 failed", ov.Week.Attempts, ov.Week.FailedAttempts)
			}
			if ov.LastOut.IsZero() || !ov.LastIn.IsZero() || !ov.Reachable() {
				t.Errorf("last out %v, last in %v, reachable %v", ov.LastOut, ov.LastIn, ov.Reachable())
			}
			wantStates := []app.StateCount{{Direction: "out", State: app.MsgSent, Count: 3}, {Direction: "out", State: app.MsgQueued, Count: 1}, {Direction: "out", State: app.MsgRefused, Count: 1}}
			if !slices.Equal(ov.States, wantStates) {
				t.Errorf("states %+v, want %+v", ov.States, wantStates)
			}
			if len(ov.StatusRequests) != 2 || !ov.CanRedrive {
				t.Errorf("status request choices %+v, can re-drive %v", ov.StatusRequests, ov.CanRedrive)
			}

			// Re-driving: not the waiting one, not by those who may not,
			// not from another library.
			if _, err := w.App.RedriveMessage(w.ctx, w.mgr, waiting.ID); !ill.Is(err, ill.Conflict) {
				t.Errorf("re-driving the waiting message: %v, want Conflict", err)
			}
			for role, want := range map[ill.Role]ill.Kind{ill.RoleReadOnly: ill.Forbidden, ill.RoleLending: ill.Forbidden} {
				u := w.User(t, string(role)+"@example.edu", ill.Grant{Agency: ptLib, Role: role})
				if _, err := w.App.RedriveMessage(w.ctx, app.ActorFor(u, ptLib), refused.ID); !ill.Is(err, want) {
					t.Errorf("re-drive as %s: %v, want %v", role, err, want)
				}
			}
			w.Agency(t, "US-EXZ", "Elsewhere")
			other := w.User(t, "zed@example.edu", ill.Grant{Agency: "US-EXZ", Role: ill.RoleManager})
			if _, err := w.App.RedriveMessage(w.ctx, app.ActorFor(other, "US-EXZ"), refused.ID); !ill.Is(err, ill.NotFound) {
				t.Errorf("re-drive from another library: %v, want NotFound", err)
			}
			if got := w.states(r1); !slices.Equal(got, []string{"New:sent", "StatusRequest:refused", "StatusRequest:waiting"}) {
				t.Errorf("refused re-drives changed the messages: %v", got)
			}

			// The partner fixes its side; a borrowing clerk re-drives.
			fp.set(func(fp *fakePartner) { fp.refuse = nil })
			clerk := w.User(t, "bo@example.edu", ill.Grant{Agency: ptLib, Role: ill.RoleBorrowing})
			v, err := w.App.RedriveMessage(w.ctx, app.ActorFor(clerk, ptLib), refused.ID)
			if err != nil || v.State != app.MsgQueued {
				t.Fatalf("re-drive: %+v, %v", v, err)
			}
			w.untilStates(r1, "New:sent", "StatusRequest:sent", "StatusRequest:sent")
			got = fp.received()
			if want := []string{r1 + " requestingAgencyMessage StatusRequest", r1 + " requestingAgencyMessage StatusRequest"}; !slices.Equal(got[3:], want) {
				t.Errorf("after the re-drive the partner got %q, want the two StatusRequests in order", got[3:])
			}
			if _, err := w.App.RedriveMessage(w.ctx, w.mgr, refused.ID); !ill.Is(err, ill.Conflict) {
				t.Errorf("re-driving a sent message: %v, want Conflict", err)
			}

			// Every attempt is kept: the refusal, then the delivery.
			d, err := w.App.RequestMessage(w.ctx, w.mgr, r1, refused.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.AttemptLog) != 2 || d.AttemptLog[0].Outcome != "dead" || !strings.Contains(d.AttemptLog[0].Result, "ERROR UnrecognisedDataValue") ||
				d.AttemptLog[1].Outcome != "done" || d.AttemptLog[1].Result != "OK" || d.AttemptLog[1].N != 2 {
				t.Errorf("attempts: %+v", d.AttemptLog)
			}
			if d.Attempts != 2 || d.Confirmation != "OK" {
				t.Errorf("after delivery: %d attempts, confirmation %q", d.Attempts, d.Confirmation)
			}
			if !strings.Contains(d.Raw, "<ISO18626Message") || !strings.Contains(d.Pretty, "\n  <") || !strings.Contains(d.Pretty, "StatusRequest") {
				t.Errorf("raw %q\npretty %q", d.Raw, d.Pretty)
			}
			if ov, _ := w.App.Partner(w.ctx, w.mgr, exp); len(ov.Dead) != 0 || ov.Week.OutFailed != 0 {
				t.Errorf("after the re-drive the partner page shows dead %+v, %d failed", ov.Dead, ov.Week.OutFailed)
			}
		})
	}
}

// Transport failures are retried with backoff, every attempt is recorded
// with the partner's HTTP status, and the message goes once the partner
// is back.
func TestTransportFailuresAreRetriedAndRecorded(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newPTWorld(t, e)
			fp := newFakePartner(t, "tok-down")
			const exp = ill.AgencyID("US-EXD")
			w.partner(exp, fp.srv.URL, "tok-down")
			fp.set(func(fp *fakePartner) { fp.down = 503 })
			r := w.borrow(exp, "Patience")
			w.untilStates(r, "New:retrying")
			v := w.view(r, ill.RequestNew, 0)
			if v.Attempts != 1 || v.NextAttempt.IsZero() || !strings.Contains(v.LastError, "503") {
				t.Errorf("retrying message: %+v", v)
			}
			if ov, err := w.App.Partner(w.ctx, w.mgr, exp); err != nil || !slices.Equal(ov.States, []app.StateCount{{Direction: "out", State: app.MsgRetrying, Count: 1}}) ||
				ov.Week.FailedAttempts != 1 || ov.Week.OutFailed != 0 {
				t.Errorf("partner page while retrying: states %+v, week %+v (%v)", ov.States, ov.Week, err)
			}
			w.Clock.Advance(time.Minute) // past the first backoff
			w.until("a second failed attempt", func() bool {
				v := w.view(r, ill.RequestNew, 0)
				return v.Attempts == 2 && v.State == app.MsgRetrying
			}, func() any { return w.view(r, ill.RequestNew, 0) })
			fp.set(func(fp *fakePartner) { fp.down = 0 })
			w.Clock.Advance(time.Hour)
			w.untilStates(r, "New:sent")
			d, err := w.App.RequestMessage(w.ctx, w.mgr, r, v.ID)
			if err != nil {
				t.Fatal(err)
			}
			var statuses []int
			var outcomes []string
			for _, at := range d.AttemptLog {
				statuses, outcomes = append(statuses, at.HTTPStatus), append(outcomes, at.Outcome)
			}
			if !slices.Equal(statuses, []int{503, 503, 0}) || !slices.Equal(outcomes, []string{"retry", "retry", "done"}) || d.AttemptLog[2].Result != "OK" {
				t.Errorf("attempts: %+v", d.AttemptLog)
			}
			if got := fp.received(); len(got) != 1 {
				t.Errorf("the partner got %q, want the request once", got)
			}
		})
	}
}

// A partner without an endpoint: its messages are held, visibly, and
// never tried; once the directory has an endpoint they go, in order.
func TestNoEndpointHoldsUntilConfigured(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newPTWorld(t, e)
			fp := newFakePartner(t, "tok-later")
			const exn = ill.AgencyID("US-EXN")
			w.partner(exn, "", "tok-later")
			r1 := w.borrow(exn, "Held one")
			w.untilStates(r1, "New:held")
			w.act(r1, ill.ActStatusRequest)
			r2 := w.borrow(exn, "Held two")
			w.untilStates(r2, "New:held")
			w.Clock.Advance(2 * time.Hour)
			w.idle()
			w.untilStates(r1, "New:held", "StatusRequest:waiting")
			held := w.view(r1, ill.RequestNew, 0)
			if held.Attempts != 0 || held.HoldReason == "" || held.Redrive {
				t.Errorf("held message: %+v", held)
			}
			d, err := w.App.RequestMessage(w.ctx, w.mgr, r1, held.ID)
			if err != nil || len(d.AttemptLog) != 1 || d.AttemptLog[0].Outcome != "held" {
				t.Errorf("attempts of a held message: %+v (%v)", d.AttemptLog, err)
			}
			ov, err := w.App.Partner(w.ctx, w.mgr, exn)
			if err != nil {
				t.Fatal(err)
			}
			if ov.Reachable() || len(ov.Held) != 2 || ov.Held[0].Request != r1 || ov.Held[0].Waiting != 1 || ov.Held[1].Request != r2 || len(ov.Dead) != 0 {
				t.Errorf("partner page: reachable %v held %+v dead %+v", ov.Reachable(), ov.Held, ov.Dead)
			}
			list, err := w.App.Partners(w.ctx, w.mgr, app.PartnerQuery{})
			if err != nil || len(list.Attention) != 1 || list.Attention[0].ID != exn || list.Attention[0].Held != 2 {
				t.Errorf("partner list attention: %+v (%v)", list.Attention, err)
			}
			if _, err := w.App.ReleaseHeld(w.ctx, w.mgr, exn); !ill.Is(err, ill.Conflict) {
				t.Errorf("release without an endpoint: %v, want Conflict", err)
			}
			if _, err := w.App.RedriveMessage(w.ctx, w.mgr, held.ID); !ill.Is(err, ill.Conflict) {
				t.Errorf("re-driving a held message: %v, want Conflict", err)
			}
			if got := fp.received(); len(got) != 0 {
				t.Fatalf("the partner got %q before it had an endpoint", got)
			}

			// The directory gets the endpoint: the save releases them.
			w.partner(exn, fp.srv.URL, "tok-later")
			w.untilStates(r1, "New:sent", "StatusRequest:sent")
			w.untilStates(r2, "New:sent")
			got := fp.received()
			if want := []string{r1 + " request New", r1 + " requestingAgencyMessage StatusRequest"}; !slices.Equal(slices.DeleteFunc(slices.Clone(got), func(s string) bool { return !strings.HasPrefix(s, r1) }), want) {
				t.Errorf("the partner got %q; want %s's in order", got, r1)
			}
			if len(got) != 3 {
				t.Errorf("the partner got %q, want three messages", got)
			}
			if n, err := w.App.ReleaseHeld(w.ctx, w.mgr, exn); err != nil || n != 0 {
				t.Errorf("releasing again: %d, %v", n, err)
			}
		})
	}
}
