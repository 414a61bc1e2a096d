package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/peertest"
	"interlend/internal/store"
)

// The timer-driven problems (docs/problems.md) between two Interlend
// processes, in both ISO 18626 versions: a lender silent on our Cancel,
// Renew or ShippedReturn; the need-before date passed (the patron answers
// in the portal); a lender's conditions left unanswered (rejected by the
// system). Each asserts its timer (MoveProblemTimers finds it and the
// next step is due business days later), the problems queue, the messages
// on the wire (every document validated against the XSD at the end) and
// the patron's email at an in-process SMTP server.

const (
	silencePatronEmail = "sam.silence@exa.example"
	silencePassword    = "patron-password-1"
)

// silenceScene is a borrowing process (emailing patrons, with a patron
// who has a portal login) and a lending one.
type silenceScene struct {
	*problemScene
}

func newSilenceScene(t *testing.T, version string) *silenceScene {
	t.Helper()
	s := &silenceScene{newProblemScene(t, version, "silence", patronSpec{"PS-4001", "Sam Silence", silencePatronEmail}, false)}
	s.borrower.CLI(t, "user", "add", silencePatronEmail, "--name", "Sam Silence", "--role", "patron", "--agency", string(libA), "--password", silencePassword)
	if code, body, err := s.a.PostForm(fmt.Sprint("/patrons/", s.patron, "/account"), url.Values{"account": {silencePatronEmail}}); err != nil || code >= 400 {
		t.Fatalf("linking the login: %d %v\n%.500s", code, err, body)
	}
	return s
}

// patronRequest sends a loan for the patron to the lenders; body's extra
// fields are added.
func (s *silenceScene) patronRequest(t *testing.T, title string, extra map[string]any, lenders ...ill.AgencyID) (bid, lid string) {
	t.Helper()
	body := peertest.NewLoan(title, lenders...)
	body["patronId"] = s.patron
	// One patron asks for several things: no ISBN in common (not duplicates).
	body["citation"] = map[string]any{"title": title, "author": "Author of " + title, "publicationType": "Book"}
	for k, v := range extra {
		body[k] = v
	}
	return s.create(t, body, lenders[0])
}

// patronCheckedOut is the patron's loan, shipped, received and checked out.
func (s *silenceScene) patronCheckedOut(t *testing.T, title string) (bid, lid string) {
	t.Helper()
	bid, lid = s.patronRequest(t, title, nil, libB)
	s.b.Act(t, lid, ill.ActWillSupply, nil)
	s.b.Act(t, lid, ill.ActShip, map[string]any{"barcode": "39004" + strings.TrimPrefix(bid, "B")})
	s.a.WaitState(t, bid, ill.BShipped)
	s.a.Act(t, bid, ill.ActReceive, nil)
	s.b.WaitState(t, lid, ill.LOnLoan)
	s.a.Act(t, bid, ill.ActCheckOut, nil)
	return bid, lid
}

// silenceDue: at is n business days from now, give or take a
// weekend and a holiday.
func silenceDue(t *testing.T, what string, at time.Time, n int) {
	t.Helper()
	now := time.Now()
	lo, hi := now.AddDate(0, 0, n-1), now.AddDate(0, 0, n+n/5*2+6)
	if at.Before(lo) || at.After(hi) {
		t.Errorf("%s: due %v, want %d business days from now (between %v and %v)", what, at, n, lo, hi)
	}
}

// moveTimer makes a problem's timer due now, failing when there is none.
func (s *silenceScene) moveTimer(t *testing.T, bid string, kind ill.ProblemKind, step string) {
	t.Helper()
	deadline := time.Now().Add(peertest.Wait)
	for s.borrower.MoveProblemTimers(t, bid, kind, step) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%s: no %s timer for %s", bid, kind, step)
		}
		time.Sleep(peertest.Poll)
	}
}

// count counts the messages to the lending process that match.
func (s *silenceScene) count(match func(peertest.Message) bool) int {
	n := 0
	for _, e := range s.lender.Tap.Log() {
		if match(e.Msg) {
			n++
		}
	}
	return n
}

// waitCount waits until n messages to the lender match.
func (s *silenceScene) waitCount(t *testing.T, what string, n int, match func(peertest.Message) bool) {
	t.Helper()
	deadline := time.Now().Add(peertest.Wait)
	for s.count(match) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d messages, want %d", what, s.count(match), n)
		}
		time.Sleep(peertest.Poll)
	}
}

func TestSilenceProblemsBetweenTwoProcesses(t *testing.T) {
	t.Parallel()
	for _, version := range []string{directory.Version2021, directory.Version12} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			s := newSilenceScene(t, version)
			t.Run("flow", func(t *testing.T) {
				t.Run("silent on cancel", func(t *testing.T) { t.Parallel(); flowSilentCancel(t, s) })
				t.Run("silent on renew", func(t *testing.T) { t.Parallel(); flowSilentRenew(t, s) })
				t.Run("silent on return", func(t *testing.T) { t.Parallel(); flowSilentReturn(t, s) })
				t.Run("need-before passed", func(t *testing.T) { t.Parallel(); flowNeedBefore(t, s) })
				t.Run("conditions unanswered", func(t *testing.T) { t.Parallel(); flowConditionsUnanswered(t, s) })
			})
			s.checkWire(t, 20)
		})
	}
}

// silentSteps runs a silent problem's timers: the detection (the
// reminder goes out) and the attention step (staff flagged).
func (s *silenceScene) silentSteps(t *testing.T, bid string, kind ill.ProblemKind, reminder func(peertest.Message) bool, reminders int) {
	t.Helper()
	s.moveTimer(t, bid, kind, ill.StepDetect)
	p := problemIn(t, s.a, kind, bid, "detected", func(p store.Problem) bool { return p.Step == "reminder" && p.NextStep == "attention" })
	days := 3 // the aging table's attention rows
	if kind == ill.ProbSilentReturn {
		days = 5
	}
	silenceDue(t, string(kind)+" attention", p.NextAt, days)
	s.waitCount(t, string(kind)+" reminder on the wire", reminders, reminder)
	s.moveTimer(t, bid, kind, "attention")
	s.a.Until(t, bid, peertest.Wait, "flagged for staff", func(r peertest.Request) bool {
		return r.Attention && r.AttentionReason == "problem:"+string(kind)+":attention"
	})
	problemIn(t, s.a, kind, bid, "staff step", func(p store.Problem) bool { return p.Step == "attention" })
}

// flowSilentCancel: our Cancel unanswered; the Cancel goes again (the
// lender, still deciding, does not answer it "no"), the patron is told,
// staff are flagged; the lender's answer (yes) closes it.
func flowSilentCancel(t *testing.T, s *silenceScene) {
	bid, lid := s.patronRequest(t, "Silent on cancel", nil, libB)
	s.b.Act(t, lid, ill.ActExpectToSupply, nil)
	s.a.WaitState(t, bid, ill.BAnswered)
	s.a.Act(t, bid, ill.ActRequestCancel, nil)
	s.b.WaitState(t, lid, ill.LCancelRequested)
	cancels := ram(bid, iso18626.ActionCancel)
	s.silentSteps(t, bid, ill.ProbSilentCancel, cancels, 2)
	if s.count(func(m peertest.Message) bool { return cancels(m) && strings.Contains(m.Note, "Reminder") }) != 1 {
		t.Errorf("no Cancel carries the reminder's note: %v", conversation(s.lender.Tap, bid))
	}
	if r := s.b.Get(t, lid); r.State != ill.LCancelRequested {
		t.Errorf("the repeated Cancel moved the lender to %s", r.State)
	}
	if r := s.a.Get(t, bid); r.State != ill.BCancelRequested {
		t.Errorf("after the reminder the borrower is %s", r.State)
	}
	s.patronMail(t, "cancel not confirmed", bid, "not confirmed")
	s.b.Act(t, lid, ill.ActAcceptCancel, nil)
	s.toBorrower(t, "CancelResponse yes", samReason(bid, iso18626.ReasonCancelResponse, "Y"))
	s.a.WaitState(t, bid, ill.BCancelled)
	closedProblem(t, s.a, ill.ProbSilentCancel, bid, "answered")
	if r := s.a.Get(t, bid); r.Attention && strings.HasPrefix(r.AttentionReason, "problem:") {
		t.Errorf("still flagged: %q", r.AttentionReason)
	}
}

// flowSilentRenew: our Renew unanswered; the Renew goes again, the patron
// is told; staff treat it as refused (the patron told again).
func flowSilentRenew(t *testing.T, s *silenceScene) {
	bid, lid := s.patronCheckedOut(t, "Silent on renew")
	s.a.Act(t, bid, ill.ActRenew, nil)
	s.b.WaitState(t, lid, ill.LRenewRequested)
	s.silentSteps(t, bid, ill.ProbSilentRenew, ram(bid, iso18626.ActionRenew), 2)
	s.patronMail(t, "renewal not answered", bid, "not answered")
	if r := s.a.Get(t, bid); r.State != ill.BRenewRequested {
		t.Errorf("after the reminder the borrower is %s", r.State)
	}
	r := s.a.Act(t, bid, ill.ActRenewAsRefused, map[string]any{"note": "no answer in a week"})
	if r.State != ill.BCheckedOut {
		t.Errorf("treated as refused: %s, want %s", r.State, ill.BCheckedOut)
	}
	closedProblem(t, s.a, ill.ProbSilentRenew, bid, "treated_refused")
	s.patronMail(t, "not renewed", bid, "not renewed")
}

// flowSilentReturn: our ShippedReturn never confirmed; a StatusRequest
// asks (the lender answers it), staff are flagged; the lender's check-in
// (LoanCompleted) closes it. The patron, who returned the item, is not
// written to.
func flowSilentReturn(t *testing.T, s *silenceScene) {
	bid, lid := s.patronCheckedOut(t, "Silent on return")
	s.a.Act(t, bid, ill.ActCheckIn, nil)
	s.a.Act(t, bid, ill.ActShipReturn, map[string]any{"courier": "UPS", "trackingId": "1Z" + bid})
	s.b.WaitState(t, lid, ill.LReturnReceived)
	s.silentSteps(t, bid, ill.ProbSilentReturn, ram(bid, iso18626.ActionStatusRequest), 1)
	s.toBorrower(t, "the lender's StatusRequestResponse", samReason(bid, iso18626.ReasonStatusRequestResponse, ""))
	s.b.Act(t, lid, ill.ActLendCheckIn, nil)
	s.a.WaitState(t, bid, ill.BCompleted)
	closedProblem(t, s.a, ill.ProbSilentReturn, bid, "answered")
}

// flowNeedBefore: the need-before date passes while the lender still
// holds the request; the patron is asked (email and portal), answers
// "cancel" in the portal, and a Cancel goes to the lender.
func flowNeedBefore(t *testing.T, s *silenceScene) {
	need := time.Now().AddDate(0, 0, 20).UTC().Truncate(24 * time.Hour)
	bid, lid := s.patronRequest(t, "Needed before a date", map[string]any{"needBefore": need.Format(time.RFC3339)}, libB)
	s.b.Act(t, lid, ill.ActExpectToSupply, nil)
	s.a.WaitState(t, bid, ill.BAnswered)
	s.moveTimer(t, bid, ill.ProbNeedBefore, ill.StepDetect)
	p := problemIn(t, s.a, ill.ProbNeedBefore, bid, "need-before passed", func(p store.Problem) bool { return p.Step == "ask_patron" && p.NextStep == "attention" })
	silenceDue(t, "need-before attention", p.NextAt, 5)
	s.patronMail(t, "still need it?", bid, "still need")

	patron := s.borrower.PortalLogin(t, silencePatronEmail, silencePassword)
	code, page, err := patron.GetPage("/portal/requests/" + bid)
	if err != nil {
		t.Fatal(err)
	}
	if code != http.StatusOK || !strings.Contains(page, "Do you still need this?") {
		t.Fatalf("the portal page does not ask: %d\n%.800s", code, page)
	}
	// First the patron goes on, with a new date: the problem closes and
	// the new date has a timer of its own.
	later := time.Now().AddDate(0, 0, 40).Format("2006-01-02")
	if _, _, err := patron.PostForm("/portal/requests/"+bid+"/need-before", url.Values{"answer": {"go_on"}, "needBefore": {later}}); err != nil {
		t.Fatal(err)
	}
	closedProblem(t, s.a, ill.ProbNeedBefore, bid, "go_on")
	if r := s.a.Get(t, bid); r.NeedBefore.Format("2006-01-02") != later || r.State != ill.BAnswered {
		t.Errorf("after going on: need-before %v, state %s; want %s, answered", r.NeedBefore, r.State, later)
	}
	// That date passes too: asked again; this time the patron cancels.
	s.moveTimer(t, bid, ill.ProbNeedBefore, ill.StepDetect)
	problemIn(t, s.a, ill.ProbNeedBefore, bid, "the new date passed", func(p store.Problem) bool { return p.Step == "ask_patron" })
	code, _, err = patron.PostForm("/portal/requests/"+bid+"/need-before", url.Values{"answer": {"cancel"}})
	if err != nil {
		t.Fatal(err)
	}
	if code != http.StatusOK {
		t.Fatalf("the patron's answer: %d", code)
	}
	s.a.WaitState(t, bid, ill.BCancelRequested)
	s.toLender(t, "the Cancel after the patron's answer", ram(bid, iso18626.ActionCancel))
	closedProblem(t, s.a, ill.ProbNeedBefore, bid, "cancelled")
	s.b.WaitState(t, lid, ill.LCancelRequested)
	s.b.Act(t, lid, ill.ActAcceptCancel, nil)
	s.a.WaitState(t, bid, ill.BCancelled)
}

// flowConditionsUnanswered: the first lender's conditions are put to the
// patron, who does not answer; the patron is reminded and staff flagged,
// then the system rejects them: a Cancel to that lender, the request on
// to the next.
func flowConditionsUnanswered(t *testing.T, s *silenceScene) {
	bid, lidB := s.patronRequest(t, "Conditions left unanswered", nil, libB, libC)
	s.b.Act(t, lidB, ill.ActOfferConds, map[string]any{"conditions": []string{"LibraryUseOnly"}, "cost": "7.00 USD", "note": "Our terms"})
	s.a.WaitState(t, bid, ill.BConditional)
	s.a.Act(t, bid, ill.ActAskPatron, map[string]any{"note": "The lender asks 7.00 USD and library use only. Do you accept?"})
	s.patronMail(t, "the question", bid, "question")
	s.moveTimer(t, bid, ill.ProbConditionsUnanswered, ill.StepDetect)
	p := problemIn(t, s.a, ill.ProbConditionsUnanswered, bid, "detected", func(p store.Problem) bool { return p.Step == "reminder" && p.NextStep == "auto_reject" })
	silenceDue(t, "auto-reject", p.NextAt, 3)
	s.patronMail(t, "the reminder", bid, "reminder")
	s.a.Until(t, bid, peertest.Wait, "staff reminded", func(r peertest.Request) bool {
		return r.Attention && r.AttentionReason == "problem:conditions_unanswered:reminder"
	})
	s.moveTimer(t, bid, ill.ProbConditionsUnanswered, "auto_reject")
	s.toLender(t, "Cancel to the first lender", func(m peertest.Message) bool { return ram(bid, iso18626.ActionCancel)(m) && m.To == string(libB) })
	s.a.Until(t, bid, peertest.Wait, "sent to "+string(libC), func(r peertest.Request) bool { return r.State == ill.BSent && r.Partner == libC })
	closedProblem(t, s.a, ill.ProbConditionsUnanswered, bid, "auto_rejected")
	s.b.WaitState(t, lidB, ill.LCancelRequested)
	s.b.Act(t, lidB, ill.ActAcceptCancel, nil)
	lidC := s.c.LendingID(t, bid)
	s.track(s.c, lidC)
}
