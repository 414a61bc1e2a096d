package peer_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/store/storetest"
)

// sameAnswer checks that a repeated message got the answer the first one
// got: same status, errorData and echoed ids (the confirmation's own
// timestamp is when it was made).
func sameAnswer(t *testing.T, first, again reply) {
	t.Helper()
	if first.conf == nil || again.conf == nil {
		t.Fatalf("want two confirmations, got %s and %s", first, again)
	}
	a, b := first.conf.ConfirmationHeader(), again.conf.ConfirmationHeader()
	if a.MessageStatus != b.MessageStatus || first.errorData() != again.errorData() ||
		a.RequestingAgencyRequestID != b.RequestingAgencyRequestID || !a.TimestampReceived.Equal(b.TimestampReceived) ||
		!a.SupplyingAgencyID.Equal(b.SupplyingAgencyID) || !a.RequestingAgencyID.Equal(b.RequestingAgencyID) {
		t.Errorf("the repeat was answered %s (%+v), the original %s (%+v)", again, *b, first, *a)
	}
}

// TestDuplicates checks the duplicate rule of docs/partners.md on both
// engines: what is recognised as the same message is answered as the first
// time and changes nothing; a resend with a new timestamp is a new message
// that the state tables make harmless.
func TestDuplicates(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			s := newSite(t, siteOptions{engine: e})
			ctx := context.Background()

			t.Run("request byte-identical", func(t *testing.T) {
				body := encode(t, loanRequest(pBasic, "DUP-1", s.tick()), iso18626.V2021)
				first := s.send(t, body)
				if !first.ok() {
					t.Fatalf("first: %s", first)
				}
				before := s.snapshot(t)
				s.tick()
				again := s.send(t, body)
				sameAnswer(t, first, again)
				s.unchanged(t, before, "the same request again")
			})

			t.Run("request same key, new timestamp and title", func(t *testing.T) {
				s.sendMessage(t, loanRequest(pBasic, "DUP-2", s.tick()), iso18626.V2021)
				before := s.snapshot(t)
				m := loanRequest(pBasic, "DUP-2", s.tick())
				m.Citation.Title = "Silent summer"
				again := s.sendMessage(t, m, iso18626.V1_2)
				if !again.ok() {
					t.Fatalf("again: %s", again)
				}
				s.unchanged(t, before, "a request with a key we have")
				id, _ := s.w.App.LendingIDFor(ctx, hosted, pBasic, "DUP-2")
				if r := s.request(t, hosted, id); r.Citation.Title != "Silent spring" {
					t.Errorf("the title became %q", r.Citation.Title)
				}
			})

			t.Run("request same key from another partner", func(t *testing.T) {
				s.sendMessage(t, loanRequest(pBasic, "DUP-3", s.tick()), iso18626.V2021)
				r := s.sendMessage(t, loanRequest(pBearer, "DUP-3", s.tick()), iso18626.V2021)
				if !r.ok() {
					t.Fatalf("got %s", r)
				}
				a, _ := s.w.App.LendingIDFor(ctx, hosted, pBasic, "DUP-3")
				b, _ := s.w.App.LendingIDFor(ctx, hosted, pBearer, "DUP-3")
				if a == "" || b == "" || a == b {
					t.Errorf("lending requests %q and %q: the same id from two partners names two requests", a, b)
				}
			})

			t.Run("SAM byte-identical", func(t *testing.T) {
				b := s.borrow(t, pBasic, ill.Loan)
				body := encode(t, sam(pBasic, b.PublicID, ill.ReasonRequestResponse, ill.StatusWillSupply, s.tick()), iso18626.V2021)
				first := s.send(t, body)
				if !first.ok() || s.request(t, hosted, b.PublicID).State != ill.BAnswered {
					t.Fatalf("first: %s", first)
				}
				before := s.snapshot(t)
				again := s.send(t, body)
				sameAnswer(t, first, again)
				s.unchanged(t, before, "the same SAM again")
			})

			t.Run("SAM resent in the other version", func(t *testing.T) {
				// The same message as a v1.2 partner would write it: the
				// domain message is the same, so it is a duplicate too.
				b := s.borrow(t, pBasic, ill.Loan)
				m := sam(pBasic, b.PublicID, ill.ReasonRequestResponse, ill.StatusExpectToSupply, s.tick())
				first := s.sendMessage(t, m, iso18626.V2021)
				before := s.snapshot(t)
				again := s.sendMessage(t, m, iso18626.V1_2)
				if !first.ok() || !again.ok() {
					t.Fatalf("got %s and %s", first, again)
				}
				s.unchanged(t, before, "the same SAM in v1.2")
			})

			t.Run("RAM byte-identical: one answer only", func(t *testing.T) {
				l := s.lend(t, pBasic, "DUP-4")
				body := encode(t, ram(pBasic, "DUP-4", l.PublicID, ill.ActionStatusRequest, s.tick()), iso18626.V2021)
				first := s.send(t, body)
				before := s.snapshot(t)
				again := s.send(t, body)
				sameAnswer(t, first, again)
				s.unchanged(t, before, "the same StatusRequest again (no second answer queued)")
			})

			t.Run("SAM same status new timestamp", func(t *testing.T) {
				// A new timestamp is a new message (ISO 18626 has no message
				// id). Stored and recorded, it changes nothing: the tables
				// take a repeated status as a transition to the same state.
				b := s.borrow(t, pBasic, ill.Loan)
				s.sendMessage(t, sam(pBasic, b.PublicID, ill.ReasonRequestResponse, ill.StatusWillSupply, s.tick()), iso18626.V2021)
				before := s.snapshot(t)
				r := s.sendMessage(t, sam(pBasic, b.PublicID, ill.ReasonRequestResponse, ill.StatusWillSupply, s.tick()), iso18626.V2021)
				if !r.ok() {
					t.Fatalf("got %s", r)
				}
				after := s.snapshot(t)
				if got := s.request(t, hosted, b.PublicID); got.State != ill.BAnswered || got.Attention {
					t.Errorf("the request is %s attention=%v, want %s and not flagged", got.State, got.Attention, ill.BAnswered)
				}
				for k, want := range map[string]int{"messages": 1, "events": 1, "jobs": 0} {
					if d := after.Counts[k] - before.Counts[k]; d != want {
						t.Errorf("%s grew by %d, want %d", k, d, want)
					}
				}
			})

			t.Run("Loaned resent with a new timestamp", func(t *testing.T) {
				b := s.borrow(t, pBasic, ill.Loan)
				loaned := func(due time.Time) ill.Message {
					m := sam(pBasic, b.PublicID, ill.ReasonStatusChange, ill.StatusLoaned, s.tick())
					m.DueDate, m.Items = due, []ill.Item{{Barcode: "39001"}}
					return m
				}
				due := s.now().Add(30 * 24 * time.Hour).Truncate(24 * time.Hour)
				s.sendMessage(t, loaned(due), iso18626.V2021)
				before := s.snapshot(t)
				if r := s.sendMessage(t, loaned(due.Add(7*24*time.Hour)), iso18626.V2021); !r.ok() {
					t.Fatalf("got %s", r)
				}
				got := s.request(t, hosted, b.PublicID)
				if got.State != ill.BShipped || !got.LenderDue.Equal(due.Add(7*24*time.Hour)) {
					t.Errorf("after the resent Loaned: %s due %v, want %s due %v", got.State, got.LenderDue, ill.BShipped, due.Add(7*24*time.Hour))
				}
				if d := s.snapshot(t).Counts["jobs"] - before.Counts["jobs"]; d != 0 {
					t.Errorf("%d messages queued in answer", d)
				}
			})

			t.Run("SAM same key fields, another note", func(t *testing.T) {
				// Two Notifications in the same second with different text are
				// two messages: the note is part of the key.
				b := s.borrow(t, pBasic, ill.Loan)
				s.sendMessage(t, sam(pBasic, b.PublicID, ill.ReasonRequestResponse, ill.StatusWillSupply, s.tick()), iso18626.V2021)
				ts := s.tick()
				for _, note := range []string{"First note.", "Second note."} {
					m := sam(pBasic, b.PublicID, ill.ReasonNotification, ill.StatusWillSupply, ts)
					m.Note = note
					if r := s.sendMessage(t, m, iso18626.V2021); !r.ok() {
						t.Fatalf("%s: %s", note, r)
					}
				}
				if got := s.request(t, hosted, b.PublicID); got.UnreadMessages != 2 {
					t.Errorf("unread messages %d, want 2", got.UnreadMessages)
				}
			})

			t.Run("StatusRequest with a new timestamp is answered again", func(t *testing.T) {
				l := s.lend(t, pBasic, "DUP-5")
				s.sendMessage(t, ram(pBasic, "DUP-5", l.PublicID, ill.ActionStatusRequest, s.tick()), iso18626.V2021)
				before := s.snapshot(t)
				s.sendMessage(t, ram(pBasic, "DUP-5", l.PublicID, ill.ActionStatusRequest, s.tick()), iso18626.V2021)
				if d := s.snapshot(t).Counts["jobs"] - before.Counts["jobs"]; d != 1 {
					t.Errorf("%d answers queued, want 1", d)
				}
			})

			t.Run("refused message sent again", func(t *testing.T) {
				body := encode(t, ram(pBasic, "NEVER-SEEN", "", ill.ActionStatusRequest, s.tick()), iso18626.V2021)
				first := s.send(t, body)
				before := s.snapshot(t)
				again := s.send(t, body)
				if first.ok() {
					t.Fatalf("first: %s", first)
				}
				sameAnswer(t, first, again)
				s.unchanged(t, before, "a refused message again")
			})

			t.Run("the same request eight times at once", func(t *testing.T) {
				body := encode(t, loanRequest(pBasic, "DUP-RACE", s.tick()), iso18626.V2021)
				before := s.snapshot(t)
				var wg sync.WaitGroup
				replies := make([]reply, 8)
				for i := range replies {
					wg.Add(1)
					go func() {
						defer wg.Done()
						var err error
						if replies[i], err = s.try(body); err != nil {
							t.Error(err)
						}
					}()
				}
				wg.Wait()
				for i, r := range replies {
					if !r.ok() {
						t.Errorf("copy %d: %s", i, r)
					}
				}
				after := s.snapshot(t)
				if n := len(after.Requests) - len(before.Requests); n != 1 {
					t.Errorf("%d lending requests made, want 1", n)
				}
				if d := after.Counts["messages"] - before.Counts["messages"]; d != 1 {
					t.Errorf("%d messages stored, want 1", d)
				}
			})

			t.Run("the same SAM eight times at once", func(t *testing.T) {
				b := s.borrow(t, pBasic, ill.Loan)
				body := encode(t, sam(pBasic, b.PublicID, ill.ReasonRequestResponse, ill.StatusExpectToSupply, s.tick()), iso18626.V2021)
				before := s.snapshot(t)
				var wg sync.WaitGroup
				replies := make([]reply, 8)
				for i := range replies {
					wg.Add(1)
					go func() {
						defer wg.Done()
						var err error
						if replies[i], err = s.try(body); err != nil {
							t.Error(err)
						}
					}()
				}
				wg.Wait()
				for i, r := range replies {
					if !r.ok() {
						t.Errorf("copy %d: %s", i, r)
					}
				}
				after := s.snapshot(t)
				for k, want := range map[string]int{"messages": 1, "events": 1} {
					if d := after.Counts[k] - before.Counts[k]; d != want {
						t.Errorf("%s grew by %d, want %d", k, d, want)
					}
				}
			})
		})
	}
}
