package peer_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// lastEvent is the type of a request's newest event.
func (s *site) lastEvent(t testing.TB, ag ill.AgencyID, publicID string) ill.Event {
	t.Helper()
	evs, _, err := s.w.App.Timeline(context.Background(), staffOf(ag), publicID)
	if err != nil || len(evs) == 0 {
		t.Fatalf("timeline of %s: %v", publicID, err)
	}
	return evs[len(evs)-1]
}

// outgoing lists the summaries of a request's outgoing messages.
func (s *site) outgoing(t testing.TB, ag ill.AgencyID, publicID string) []string {
	t.Helper()
	_, msgs, err := s.w.App.Timeline(context.Background(), staffOf(ag), publicID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		if m.Direction == store.Outbound {
			out = append(out, string(m.Partner)+": "+m.Summary)
		}
	}
	return out
}

// expect checks a request after a message: its state, whether it is
// flagged, and the type of the event the message left.
func (s *site) expect(t testing.TB, ag ill.AgencyID, publicID string, state ill.State, flagged bool, event string) *ill.Request {
	t.Helper()
	r := s.request(t, ag, publicID)
	if r.State != state || r.Attention != flagged {
		t.Errorf("%s is %s (attention %v %q), want %s (attention %v)", publicID, r.State, r.Attention, r.AttentionReason, state, flagged)
	}
	if ev := s.lastEvent(t, ag, publicID); event != "" && ev.Type != event {
		t.Errorf("%s: last event %s (%s), want %s", publicID, ev.Type, ev.Name, event)
	}
	return r
}

// accept sends a message that must be confirmed OK.
func (s *site) accept(t testing.TB, m ill.Message, v iso18626.Version) {
	t.Helper()
	if r := s.sendMessage(t, m, v); !r.ok() {
		t.Fatalf("%s %s %s: %s", m.Kind, m.Status, m.Action, r)
	}
}

// TestOddSequences sends messages out of their usual order over the
// endpoint and checks that each is handled as the state tables classify
// it (docs/workflow.md): applied, recorded without effect, or accepted and
// flagged for staff. None is refused: the partner did send it, and ISO
// 18626 gives no error type for "not now".
func TestOddSequences(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			s := newSite(t, siteOptions{engine: e})
			v := iso18626.V2021
			loaned := func(b *ill.Request) ill.Message {
				m := sam(pBasic, b.PublicID, ill.ReasonStatusChange, ill.StatusLoaned, s.tick())
				m.DueDate, m.Items = s.now().Add(28*24*time.Hour).Truncate(time.Hour), []ill.Item{{Barcode: "39001000123"}}
				return m
			}

			t.Run("Loaned before WillSupply, reordered", func(t *testing.T) {
				b := s.borrow(t, pBasic, ill.Loan)
				will := sam(pBasic, b.PublicID, ill.ReasonRequestResponse, ill.StatusWillSupply, s.tick())
				s.accept(t, loaned(b), v)
				s.accept(t, will, v) // older than the Loaned: it was overtaken
				s.expect(t, hosted, b.PublicID, ill.BShipped, false, "message_stale")
			})

			t.Run("WillSupply after Loaned, newer", func(t *testing.T) {
				b := s.borrow(t, pBasic, ill.Loan)
				s.accept(t, loaned(b), v)
				s.accept(t, sam(pBasic, b.PublicID, ill.ReasonStatusChange, ill.StatusWillSupply, s.tick()), v)
				s.expect(t, hosted, b.PublicID, ill.BShipped, true, "message_flagged")
			})

			t.Run("lender the rota moved past answers", func(t *testing.T) {
				b := s.borrowFrom(t, pBasic, pBearer)
				s.accept(t, sam(pBasic, b.PublicID, ill.ReasonRequestResponse, ill.StatusUnfilled, s.tick()), v)
				if r := s.request(t, hosted, b.PublicID); r.Partner != pBearer || r.State != ill.BSent {
					t.Fatalf("after Unfilled: %s at %s, want %s at %s", r.State, r.Partner, ill.BSent, pBearer)
				}
				s.accept(t, sam(pBasic, b.PublicID, ill.ReasonStatusChange, ill.StatusWillSupply, s.tick()), v)
				r := s.expect(t, hosted, b.PublicID, ill.BSent, false, "lender_cancelled")
				if r.Partner != pBearer {
					t.Errorf("the current lender became %s", r.Partner)
				}
			})

			t.Run("lender the rota moved past ships after all", func(t *testing.T) {
				b := s.borrowFrom(t, pBasic, pBearer)
				s.accept(t, sam(pBasic, b.PublicID, ill.ReasonRequestResponse, ill.StatusUnfilled, s.tick()), v)
				s.accept(t, loaned(b), v)
				r := s.expect(t, hosted, b.PublicID, ill.BShipped, false, "")
				if r.Partner != pBasic {
					t.Errorf("the lender that shipped is not kept: current %s", r.Partner)
				}
				if out := s.outgoing(t, hosted, b.PublicID); !slices.Contains(out, string(pBearer)+": RAM Cancel") {
					t.Errorf("no Cancel to the newer lender: %q", out)
				}
			})

			t.Run("CancelResponse N after Loaned", func(t *testing.T) {
				b := s.borrow(t, pBasic, ill.Loan)
				s.accept(t, sam(pBasic, b.PublicID, ill.ReasonRequestResponse, ill.StatusWillSupply, s.tick()), v)
				s.perform(t, hosted, b.PublicID, ill.ActRequestCancel, nil)
				s.accept(t, loaned(b), v) // shipped before our Cancel arrived
				s.expect(t, hosted, b.PublicID, ill.BShipped, true, "shipped")
				no := sam(pBasic, b.PublicID, ill.ReasonCancelResponse, ill.StatusLoaned, s.tick())
				no.Answer = "N"
				s.accept(t, no, v)
				s.expect(t, hosted, b.PublicID, ill.BShipped, true, "message_flagged")
			})

			t.Run("LoanCompleted before ShippedReturn", func(t *testing.T) {
				b := s.borrow(t, pBasic, ill.Loan)
				s.accept(t, loaned(b), v)
				s.perform(t, hosted, b.PublicID, ill.ActReceive, map[string]any{"barcode": "39001000123"})
				s.accept(t, sam(pBasic, b.PublicID, ill.ReasonStatusChange, ill.StatusLoanCompleted, s.tick()), v)
				s.expect(t, hosted, b.PublicID, ill.BAwaitingPickup, true, "message_flagged")
			})

			t.Run("RenewResponse with no Renew pending", func(t *testing.T) {
				b := s.borrow(t, pBasic, ill.Loan)
				s.accept(t, loaned(b), v)
				no := sam(pBasic, b.PublicID, ill.ReasonRenewResponse, ill.StatusLoaned, s.tick())
				no.Answer = "N"
				s.accept(t, no, v)
				s.expect(t, hosted, b.PublicID, ill.BShipped, true, "message_flagged")
			})

			t.Run("RenewResponse Y unasked while checked out", func(t *testing.T) {
				b := s.borrow(t, pBasic, ill.Loan)
				s.accept(t, loaned(b), v)
				s.perform(t, hosted, b.PublicID, ill.ActReceive, map[string]any{"barcode": "39001000123"})
				s.perform(t, hosted, b.PublicID, ill.ActCheckOut, nil)
				yes := sam(pBasic, b.PublicID, ill.ReasonRenewResponse, ill.StatusLoaned, s.tick())
				yes.Answer, yes.DueDate = "Y", s.now().Add(60*24*time.Hour).Truncate(time.Hour)
				s.accept(t, yes, v)
				r := s.expect(t, hosted, b.PublicID, ill.BCheckedOut, false, "renewed")
				if !r.LenderDue.Equal(yes.DueDate) {
					t.Errorf("due %v, want %v", r.LenderDue, yes.DueDate)
				}
			})

			t.Run("a second RequestResponse", func(t *testing.T) {
				b := s.borrow(t, pBasic, ill.Loan)
				s.accept(t, sam(pBasic, b.PublicID, ill.ReasonRequestResponse, ill.StatusWillSupply, s.tick()), v)
				s.accept(t, sam(pBasic, b.PublicID, ill.ReasonRequestResponse, ill.StatusExpectToSupply, s.tick()), v)
				s.expect(t, hosted, b.PublicID, ill.BAnswered, false, "answered")
				s.accept(t, sam(pBasic, b.PublicID, ill.ReasonRequestResponse, ill.StatusUnfilled, s.tick()), v)
				s.expect(t, hosted, b.PublicID, ill.BEndOfRota, true, "")
			})

			t.Run("lending: Received before Loaned", func(t *testing.T) {
				l := s.lend(t, pBasic, "SEQ-1")
				s.accept(t, ram(pBasic, "SEQ-1", l.PublicID, ill.ActionReceived, s.tick()), v)
				s.expect(t, hosted, l.PublicID, ill.LNew, true, "message_flagged")
			})

			t.Run("lending: Cancel after shipping is answered no", func(t *testing.T) {
				l := s.lend(t, pBasic, "SEQ-2")
				for _, act := range []ill.ActionName{ill.ActExpectToSupply, ill.ActPrintSlip, ill.ActFound} {
					s.perform(t, hosted, l.PublicID, act, nil)
				}
				s.perform(t, hosted, l.PublicID, ill.ActShip, map[string]any{"barcode": "39001000999"})
				s.accept(t, ram(pBasic, "SEQ-2", l.PublicID, ill.ActionCancel, s.tick()), v)
				s.expect(t, hosted, l.PublicID, ill.LShipped, false, "cancel_refused")
				if out := s.outgoing(t, hosted, l.PublicID); out[len(out)-1] != string(pBasic)+": SAM Loaned / CancelResponse N" {
					t.Errorf("last answer %q, want the CancelResponse N", out[len(out)-1])
				}
			})

			t.Run("lending: Renew before shipping is answered no", func(t *testing.T) {
				l := s.lend(t, pBasic, "SEQ-3")
				s.accept(t, ram(pBasic, "SEQ-3", l.PublicID, ill.ActionRenew, s.tick()), v)
				s.expect(t, hosted, l.PublicID, ill.LNew, false, "renewal_refused")
			})

			t.Run("lending: ShippedReturn before Received", func(t *testing.T) {
				l := s.lend(t, pBasic, "SEQ-4")
				for _, act := range []ill.ActionName{ill.ActExpectToSupply, ill.ActPrintSlip, ill.ActFound} {
					s.perform(t, hosted, l.PublicID, act, nil)
				}
				s.perform(t, hosted, l.PublicID, ill.ActShip, map[string]any{"barcode": "39001000998"})
				s.accept(t, ram(pBasic, "SEQ-4", l.PublicID, ill.ActionShippedReturn, s.tick()), v)
				s.expect(t, hosted, l.PublicID, ill.LReturnReceived, false, "return_shipped")
			})
		})
	}
}

// borrowFrom has hosted ask the lenders in turn for a book.
func (s *site) borrowFrom(t testing.TB, lenders ...ill.AgencyID) *ill.Request {
	t.Helper()
	var rota []app.RotaChoice
	for _, l := range lenders {
		rota = append(rota, app.RotaChoice{Lender: l, Reason: "test"})
	}
	r, err := s.w.App.CreateRequest(context.Background(), staffOf(hosted), app.NewRequest{
		Citation:    ill.Citation{Title: "Silent spring", Author: "Carson, Rachel", ISBN: "9780618249060", PublicationType: ill.PubBook},
		ServiceType: ill.Loan, Lenders: rota, Send: true})
	if err != nil {
		t.Fatal(err)
	}
	return r
}
