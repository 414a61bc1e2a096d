package main

import (
	"strings"
	"testing"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/peertest"
	"interlend/internal/store"
)

// The problems in transit (docs/problems.md) between two Interlend
// processes, in both ISO 18626 versions: a loan not received (the
// detection timer and the claim step moved with MoveProblemTimers, the
// StatusRequest and the Lost claim on the wire, the lender's
// CompletedWithoutReturn, the settlement), and a return the lender says
// never arrived (its Overdue with the marked note, our trace, found by
// the check-in, or settled). Each asserts the problems queue through
// the API, the patron's email at an in-process SMTP server, and at the
// end every document against the XSD.

const transitPatronEmail = "tom.transit@exa.example"

type transitScene struct {
	*problemScene
}

func newTransitScene(t *testing.T, version string) *transitScene {
	t.Helper()
	s := &transitScene{newProblemScene(t, version, "transit", patronSpec{"PT-9001", "Tom Transit", transitPatronEmail}, false)}
	return s
}

// shippedFor is a loan for the patron, shipped by US-EXB with tracking.
func (s *transitScene) shippedFor(t *testing.T, title string) (bid, lid string) {
	t.Helper()
	body := peertest.NewLoan(title, libB)
	body["patronId"] = s.patron
	delete(body["citation"].(map[string]any), "isbn")
	bid, lid = s.create(t, body, libB)
	s.b.Act(t, lid, ill.ActWillSupply, nil)
	s.b.Act(t, lid, ill.ActShip, map[string]any{"barcode": "39007" + strings.TrimPrefix(bid, "B"), "courier": "UPS", "trackingId": "1ZOUT" + bid})
	s.a.WaitState(t, bid, ill.BShipped)
	return bid, lid
}

func TestTransitProblemsBetweenTwoProcesses(t *testing.T) {
	t.Parallel()
	for _, v := range []string{directory.Version2021, directory.Version12} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newTransitScene(t, v)
			t.Run("flow", func(t *testing.T) {
				t.Run("not received", func(t *testing.T) { t.Parallel(); flowNotReceived(t, s) })
				t.Run("claimed returned", func(t *testing.T) { t.Parallel(); flowClaimedReturned(t, s) })
			})
			s.checkWire(t, 12)
		})
	}
}

// flowNotReceived: shipped, never received. The detection (10 business
// days) opens the problem: a StatusRequest to the lender, the patron told
// it is delayed; the claim step (5 business days later) waits for staff,
// who claim it lost (Lost in 2021, a marked Notification in 1.2); the
// lender agrees (CompletedWithoutReturn); staff settle with a charge; the
// patron is told it is lost.
func flowNotReceived(t *testing.T, s *transitScene) {
	bid, lid := s.shippedFor(t, "Lost parcel: a history of the post")
	if n := s.borrower.MoveProblemTimers(t, bid, ill.ProbNotReceived, ill.StepDetect); n != 1 {
		t.Fatalf("detection timers of %s: %d, want 1", bid, n)
	}
	p := problemIn(t, s.a, ill.ProbNotReceived, bid, "detected", func(p store.Problem) bool { return p.Step == "status_request" && p.NextStep == "claim" })
	if lo, hi := p.StepAt.AddDate(0, 0, 5), p.StepAt.AddDate(0, 0, 5+2+6); p.NextAt.Before(lo) || p.NextAt.After(hi) {
		t.Errorf("claim at %v, want 5 business days after %v", p.NextAt, p.StepAt)
	}
	s.toLender(t, "the StatusRequest", ram(bid, iso18626.ActionStatusRequest))
	s.patronMail(t, "the delay notice", bid, "Delayed", "has not arrived yet")

	if n := s.borrower.MoveProblemTimers(t, bid, ill.ProbNotReceived, "claim"); n != 1 {
		t.Fatalf("claim timers of %s: %d, want 1", bid, n)
	}
	problemIn(t, s.a, ill.ProbNotReceived, bid, "claim step", func(p store.Problem) bool { return p.Step == "claim" && p.NextStep == "settle" })
	if r := s.a.Get(t, bid); !r.Attention || r.AttentionReason != "problem:not_received:claim" {
		t.Errorf("claim step: attention %v %q", r.Attention, r.AttentionReason)
	}
	s.a.Act(t, bid, ill.ActClaimLostTransit, map[string]any{"note": "Tracking stops at the depot."})
	if s.v12() {
		m := s.toLender(t, "the Lost claim (Notification)", ram(bid, iso18626.ActionNotification))
		if !strings.Contains(m.Msg.Note, "#Interlend:Lost#") || !strings.Contains(m.Msg.Note, "lost in transit") {
			t.Errorf("1.2 claim note %q", m.Msg.Note)
		}
	} else {
		m := s.toLender(t, "the Lost claim", ram(bid, iso18626.ActionLost))
		if !strings.Contains(m.Msg.Note, "lost in transit") {
			t.Errorf("claim note %q", m.Msg.Note)
		}
	}
	s.b.WaitState(t, lid, ill.LProblem)
	problemIn(t, s.b, ill.ProbNotReceived, lid, "the lender's claim", func(p store.Problem) bool { return p.Step == "claim" && p.Side == ill.Lending })
	s.b.Act(t, lid, ill.ActCloseLostLend, map[string]any{"cost": "45.00 USD", "note": "Agreed: lost in the post."})
	closedProblem(t, s.b, ill.ProbNotReceived, lid, "lost")
	s.toBorrower(t, "CompletedWithoutReturn", sam(bid, iso18626.StatusCompletedWithoutReturn))
	problemIn(t, s.a, ill.ProbNotReceived, bid, "agreed", func(p store.Problem) bool { return p.Step == "settle" })
	s.a.Act(t, bid, ill.ActSettleLost, map[string]any{"outcome": ill.SettleCharge, "cost": "45.00 USD"})
	closedProblem(t, s.a, ill.ProbNotReceived, bid, ill.SettleCharge)
	if r := s.a.Get(t, bid); r.State != ill.BCompleted || r.Attention {
		t.Errorf("after settling: %s, attention %v", r.State, r.Attention)
	}
	s.patronMail(t, "the lost notice", bid, "Lost on its way")
}

// flowClaimedReturned: shipped back; the lender's staff say it never
// came (Overdue, marked note); both queues hold the problem; we answer
// with the tracking; the lender finds it and checks it in (found). A
// second loan is never found: the lender closes it as lost and we settle
// (waived).
func flowClaimedReturned(t *testing.T, s *transitScene) {
	bid, lid := s.shippedFor(t, "Returned, they say: essays")
	s.a.Act(t, bid, ill.ActReceive, nil)
	s.a.Act(t, bid, ill.ActCheckOut, nil)
	s.a.Act(t, bid, ill.ActCheckIn, nil)
	s.a.Act(t, bid, ill.ActShipReturn, map[string]any{"courier": "USPS", "trackingId": "9400BACK" + bid})
	s.b.WaitState(t, lid, ill.LReturnReceived)
	s.b.Act(t, lid, ill.ActReturnNotReceived, map[string]any{"note": "Nothing on our dock."})
	m := s.toBorrower(t, "the Overdue saying it never came", sam(bid, iso18626.StatusOverdue))
	if !strings.HasPrefix(m.Msg.Note, ill.MarkReturnNotReceived) {
		t.Errorf("Overdue note %q", m.Msg.Note)
	}
	problemIn(t, s.a, ill.ProbClaimedReturned, bid, "claimed", func(p store.Problem) bool { return p.Step == "trace" && p.NextStep == "settle" })
	problemIn(t, s.b, ill.ProbClaimedReturned, lid, "the lender's", func(p store.Problem) bool { return p.Side == ill.Lending })
	s.a.Act(t, bid, ill.ActAnswerReturnClaim, map[string]any{"note": "We shipped it back."})
	n := s.toLender(t, "our trace", ram(bid, iso18626.ActionNotification))
	if !strings.Contains(n.Msg.Note, "9400BACK"+bid) {
		t.Errorf("trace note %q lacks the tracking", n.Msg.Note)
	}
	s.b.Act(t, lid, ill.ActLendCheckIn, nil)
	s.a.WaitState(t, bid, ill.BCompleted)
	closedProblem(t, s.a, ill.ProbClaimedReturned, bid, "found")
	closedProblem(t, s.b, ill.ProbClaimedReturned, lid, "found")

	bid2, lid2 := s.shippedFor(t, "Letters from an empty dock")
	s.a.Act(t, bid2, ill.ActReceive, nil)
	s.a.Act(t, bid2, ill.ActCheckOut, nil)
	s.a.Act(t, bid2, ill.ActCheckIn, nil)
	s.a.Act(t, bid2, ill.ActShipReturn, map[string]any{"courier": "USPS", "trackingId": "9400LOST"})
	s.b.WaitState(t, lid2, ill.LReturnReceived)
	s.b.Act(t, lid2, ill.ActReturnNotReceived, nil)
	problemIn(t, s.a, ill.ProbClaimedReturned, bid2, "claimed", func(p store.Problem) bool { return p.Step == "trace" })
	if n := s.borrower.MoveProblemTimers(t, bid2, ill.ProbClaimedReturned, "settle"); n != 1 {
		t.Fatalf("settle timers of %s: %d, want 1", bid2, n)
	}
	problemIn(t, s.a, ill.ProbClaimedReturned, bid2, "settle step", func(p store.Problem) bool { return p.Step == "settle" })
	s.b.Act(t, lid2, ill.ActCloseLostLend, nil)
	s.toBorrower(t, "CompletedWithoutReturn", sam(bid2, iso18626.StatusCompletedWithoutReturn))
	s.a.Act(t, bid2, ill.ActSettleLost, map[string]any{"outcome": ill.SettleWaived})
	closedProblem(t, s.a, ill.ProbClaimedReturned, bid2, ill.SettleWaived)
	closedProblem(t, s.b, ill.ProbClaimedReturned, lid2, "lost")
}
