package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/peertest"
	"interlend/internal/store"
)

// The problems found at receipt (docs/problems.md), each between two
// Interlend processes: the wrong item, damaged on arrival, damaged by the
// patron, a bad copy. Each asserts its timer (moved with
// MoveProblemTimers), the problems queue on the side(s) concerned, the
// messages on the wire (and at the end every document against the XSD)
// and the patron's email at an in-process SMTP server.

const receiptPatronEmail = "rita.receipt@exa.example"

// receiptScene is a borrowing process (emailing patrons) and a lending one.
type receiptScene struct {
	*problemScene
}

func newReceiptScene(t *testing.T, version string) *receiptScene {
	t.Helper()
	s := &receiptScene{newProblemScene(t, version, "receipt", patronSpec{"PR-9001", "Rita Receipt", receiptPatronEmail}, true)}
	return s
}

// patronLoan is a loan for the patron, shipped by US-EXB.
func (s *receiptScene) patronLoan(t *testing.T, title string) (bid, lid string) {
	t.Helper()
	body := peertest.NewLoan(title, libB)
	body["patronId"] = s.patron
	delete(body["citation"].(map[string]any), "isbn") // one patron's loans of one ISBN would be duplicates
	bid, lid = s.create(t, body, libB)
	s.b.Act(t, lid, ill.ActWillSupply, nil)
	s.b.Act(t, lid, ill.ActShip, map[string]any{"barcode": "39009" + strings.TrimPrefix(bid, "B")})
	s.a.WaitState(t, bid, ill.BShipped)
	return bid, lid
}

// wantBusinessDays: next is n business days after from, give or take a
// weekend and a holiday (the library's own calendar decides the exact day).
func wantBusinessDays(t *testing.T, what string, from, next time.Time, n int) {
	t.Helper()
	lo, hi := from.AddDate(0, 0, n), from.AddDate(0, 0, n+n/5*2+6)
	if next.Before(lo) || next.After(hi) {
		t.Errorf("%s: next step at %v, want %d business days after %v (between %v and %v)", what, next, n, from, lo, hi)
	}
}

func noteStarts(bid, mark string) func(peertest.Message) bool {
	return func(m peertest.Message) bool {
		return ram(bid, iso18626.ActionNotification)(m) && strings.HasPrefix(m.Note, mark)
	}
}

func TestReceiptProblemsBetweenTwoProcesses(t *testing.T) {
	t.Parallel()
	for _, v := range []string{directory.Version2021, directory.Version12} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newReceiptScene(t, v)
			t.Run("flow", func(t *testing.T) {
				t.Run("wrong item", func(t *testing.T) { t.Parallel(); flowWrongItem(t, s) })
				t.Run("damaged on arrival", func(t *testing.T) { t.Parallel(); flowDamagedArrival(t, s) })
				t.Run("damaged by the patron", func(t *testing.T) { t.Parallel(); flowDamagedPatron(t, s) })
				t.Run("bad copy", func(t *testing.T) { t.Parallel(); flowBadCopy(t, s) })
			})
			s.checkWire(t, 20)
		})
	}
}

// flowWrongItem: the wrong volume comes; staff flag it at receipt (the
// lender told by Notification, the patron that it is delayed), ship it
// back (ShippedReturn), and ask again in a new request to the same lender.
func flowWrongItem(t *testing.T, s *receiptScene) {
	bid, lid := s.patronLoan(t, "Wrong volume: Collected works II")
	r := s.a.Act(t, bid, ill.ActReceiveWrongItem, map[string]any{"note": "Volume 1 came; we asked for volume 2."})
	if r.State != ill.BProblem {
		t.Fatalf("wrong item flagged: %s, want %s", r.State, ill.BProblem)
	}
	n := s.toLender(t, "the wrong-item Notification", noteStarts(bid, "#WrongItem#"))
	if !strings.Contains(n.Msg.Note, "volume 2") {
		t.Errorf("Notification note %q lacks what is wrong", n.Msg.Note)
	}
	p := problemIn(t, s.a, ill.ProbWrongItem, bid, "flagged", func(p store.Problem) bool { return p.Step == "return" && p.NextStep == "rerequest" })
	wantBusinessDays(t, "wrong item, rerequest", p.StepAt, p.NextAt, 2)
	if got := s.a.Get(t, bid); !got.Attention || got.AttentionReason != "problem:wrong_item:return" {
		t.Errorf("flagged: attention %v %q", got.Attention, got.AttentionReason)
	}
	s.patronMail(t, "the delayed email", bid, "Delayed", "not the one you asked for")

	// Shipped back: the next step is to ask again, staff attention after
	// 5 business days if nobody does.
	s.a.Act(t, bid, ill.ActReturnWrongItem, map[string]any{"courier": "UPS", "trackingId": "1ZW" + bid})
	s.toLender(t, "ShippedReturn", ram(bid, iso18626.ActionShippedReturn))
	s.b.WaitState(t, lid, ill.LReturnReceived)
	p = problemIn(t, s.a, ill.ProbWrongItem, bid, "returned", func(p store.Problem) bool { return p.Step == "rerequest" && p.NextStep == "attention" })
	wantBusinessDays(t, "wrong item, attention", p.StepAt, p.NextAt, 5)
	if s.borrower.MoveProblemTimers(t, bid, ill.ProbWrongItem, "attention") != 1 {
		t.Fatal("no attention timer to move")
	}
	problemIn(t, s.a, ill.ProbWrongItem, bid, "the timer fired", func(p store.Problem) bool { return p.Step == "attention" })
	s.a.Until(t, bid, peertest.Wait, "flagged for attention", func(r peertest.Request) bool {
		return r.Attention && r.AttentionReason == "problem:wrong_item:attention"
	})

	// Asked again: a new request to the same lender.
	s.a.Act(t, bid, ill.ActRerequest, map[string]any{"lender": ill.RerequestSameLender})
	closed := closedProblem(t, s.a, ill.ProbWrongItem, bid, "rerequested")
	nid := regexp.MustCompile(`B\d+`).FindString(closed.Note)
	if nid == "" || nid == bid {
		t.Fatalf("the closed problem names no new request: %q", closed.Note)
	}
	s.track(s.a, nid)
	s.toLender(t, "the new Request", request(nid, "New"))
	nr := s.a.WaitState(t, nid, ill.BSent)
	if nr.Partner != libB || nr.Citation.Title != "Wrong volume: Collected works II" {
		t.Errorf("the new request: partner %s title %q", nr.Partner, nr.Citation.Title)
	}
	// The lender checks the wrong item in: the first request completes.
	s.b.Act(t, lid, ill.ActLendCheckIn, nil)
	s.a.WaitState(t, bid, ill.BCompleted)
	wantConversation(t, s.lender.Tap, bid, "Request/New", "RAM/Notification", "RAM/ShippedReturn")
}

// flowDamagedArrival: damaged when it came; held back from the patron
// while the lender decides (its queue); no answer in 3 business days
// flags it; the lender answers "lend it on", staff put it on the hold
// shelf (Received) and the patron gets the pickup email.
func flowDamagedArrival(t *testing.T, s *receiptScene) {
	bid, lid := s.patronLoan(t, "Damaged on arrival: Water stains")
	if r := s.a.Act(t, bid, ill.ActReceiveDamaged, map[string]any{"note": "Water stains on the cover; the pages are fine."}); r.State != ill.BProblem {
		t.Fatalf("damaged flagged: %s", r.State)
	}
	s.toLender(t, "the damage Notification", noteStarts(bid, "#DamagedOnArrival#"))
	p := problemIn(t, s.a, ill.ProbDamagedArrival, bid, "flagged", func(p store.Problem) bool {
		return p.Step == "lender_decides" && p.NextStep == "attention"
	})
	wantBusinessDays(t, "damaged on arrival, attention", p.StepAt, p.NextAt, 3)
	// The lender's queue: decide.
	problemIn(t, s.b, ill.ProbDamagedArrival, lid, "at the lender", func(p store.Problem) bool { return p.Step == "lender_decides" })
	s.b.Until(t, lid, peertest.Wait, "the lender flagged", func(r peertest.Request) bool {
		return r.AttentionReason == "problem:damaged_arrival:lender_decides"
	})
	if s.borrower.MoveProblemTimers(t, bid, ill.ProbDamagedArrival, "attention") != 1 {
		t.Fatal("no attention timer to move")
	}
	s.a.Until(t, bid, peertest.Wait, "no answer: flagged", func(r peertest.Request) bool {
		return r.AttentionReason == "problem:damaged_arrival:attention"
	})

	s.b.Act(t, lid, ill.ActAnswerDamage, map[string]any{"decision": ill.DecisionLendOn, "note": "Lend it as it is."})
	s.toBorrower(t, "the lender's decision", func(m peertest.Message) bool {
		return about(bid)(m) && m.Type == "SAM" && strings.HasPrefix(m.Note, "#DamagedLendOn#")
	})
	closedProblem(t, s.b, ill.ProbDamagedArrival, lid, "answered")
	s.a.Until(t, bid, peertest.Wait, "the lender's decision shown", func(r peertest.Request) bool {
		return r.AttentionReason == "problem:damaged_arrival:decided:lend_on"
	})
	if r := s.a.Act(t, bid, ill.ActDamageLendOn, nil); r.State != ill.BAwaitingPickup || r.PickupDeadline.IsZero() {
		t.Errorf("lent on: %s, pickup deadline %v", r.State, r.PickupDeadline)
	}
	closedProblem(t, s.a, ill.ProbDamagedArrival, bid, "lent_on")
	s.toLender(t, "Received", ram(bid, iso18626.ActionReceived))
	s.b.WaitState(t, lid, ill.LOnLoan)
	s.patronMail(t, "the pickup email", bid, "collect")
	wantConversation(t, s.lender.Tap, bid, "Request/New", "RAM/Notification", "RAM/Received")
}

// flowDamagedPatron: back from the patron damaged; the lender told at
// check-in; its charge recorded (ledger) and the patron billed and
// emailed; the item goes back.
func flowDamagedPatron(t *testing.T, s *receiptScene) {
	bid, lid := s.patronLoan(t, "Damaged by the patron: Coffee")
	s.a.Act(t, bid, ill.ActReceive, nil)
	s.b.WaitState(t, lid, ill.LOnLoan)
	s.a.Act(t, bid, ill.ActCheckOut, nil)
	if r := s.a.Act(t, bid, ill.ActCheckInDamaged, map[string]any{"note": "Coffee spilt over pages 40 to 60."}); r.State != ill.BReturned {
		t.Fatalf("checked in damaged: %s", r.State)
	}
	s.toLender(t, "the damage Notification", noteStarts(bid, "#DamagedByPatron#"))
	p := problemIn(t, s.a, ill.ProbDamagedPatron, bid, "flagged", func(p store.Problem) bool { return p.Step == "bill" && p.NextStep == "attention" })
	wantBusinessDays(t, "damaged by the patron, attention", p.StepAt, p.NextAt, 10)
	if s.borrower.MoveProblemTimers(t, bid, ill.ProbDamagedPatron, "attention") != 1 {
		t.Fatal("no attention timer to move")
	}
	s.a.Until(t, bid, peertest.Wait, "no charge yet: flagged", func(r peertest.Request) bool {
		return r.AttentionReason == "problem:damaged_patron:attention"
	})
	s.a.Act(t, bid, ill.ActRecordDamageCharge, map[string]any{"cost": "30.00 USD", "patronFee": "35.00 USD", "note": "rebinding"})
	closedProblem(t, s.a, ill.ProbDamagedPatron, bid, "billed")
	tl := s.a.Timeline(t, bid)
	if !peertest.HasEvent(tl, "damage_charged") {
		t.Errorf("no damage_charged event: %v", peertest.Events(tl))
	}
	s.patronMail(t, "the bill", bid, "charge", "35.00")
	s.returned(t, bid, lid)
	wantConversation(t, s.lender.Tap, bid, "Request/New", "RAM/Received", "RAM/Notification", "RAM/ShippedReturn")
}

// flowBadCopy: a copy delivered, reported bad; the lender asked by
// Notification (its queue shows it to scan again), reminded when the
// timer fires; its new scan is fetched and the patron told.
func flowBadCopy(t *testing.T, s *receiptScene) {
	bid, lid := s.create(t, map[string]any{
		"citation": map[string]any{"title": "Science", "articleTitle": "A bad scan of a good paper", "journalTitle": "Science",
			"issn": "0036-8075", "volume": "300", "pages": "1-9", "publicationDate": "2003", "publicationType": "Article"},
		"patronId": s.patron, "send": true, "lenders": []any{map[string]any{"lender": libB}}}, libB)
	s.b.Act(t, lid, ill.ActWillSupply, nil)
	if err := s.b.Upload("/api/v1/lending/requests/"+lid+"/copy/upload", "image/jpeg", scanPage(t), nil); err != nil {
		t.Fatalf("uploading the scan: %v", err)
	}
	s.a.WaitState(t, bid, ill.BCompleted)
	wantEvent(t, s.a, bid, "delivery_fetched")

	s.a.Act(t, bid, ill.ActReportBadCopy, map[string]any{"note": "Pages 4 to 6 are missing."})
	n := s.toLender(t, "the re-send Notification", noteStarts(bid, "#ResendCopy#"))
	if !strings.Contains(n.Msg.Note, "Pages 4 to 6") {
		t.Errorf("Notification note %q lacks what is wrong", n.Msg.Note)
	}
	p := problemIn(t, s.a, ill.ProbBadCopy, bid, "reported", func(p store.Problem) bool { return p.Step == "resend_asked" && p.NextStep == "reminder" })
	wantBusinessDays(t, "bad copy, reminder", p.StepAt, p.NextAt, 3)
	s.patronMail(t, "a new copy is coming", bid, "new copy is coming")
	problemIn(t, s.b, ill.ProbBadCopy, lid, "the lender's queue", func(p store.Problem) bool { return p.Step == "resend_asked" })

	// No new copy: the reminder.
	nextSecond()
	if s.borrower.MoveProblemTimers(t, bid, ill.ProbBadCopy, "reminder") != 1 {
		t.Fatal("no reminder timer to move")
	}
	s.lender.Tap.Wait(t, 0, peertest.Wait, "the reminder", noteStarts(bid, "#ResendCopy# Reminder"))
	problemIn(t, s.a, ill.ProbBadCopy, bid, "reminded", func(p store.Problem) bool { return p.Step == "reminder" && p.NextStep == "attention" })

	// The lender scans again: the new copy closes both sides' problems.
	nextSecond()
	if err := s.b.Upload("/api/v1/lending/requests/"+lid+"/copy/resend/upload?note=Rescanned", "image/jpeg", scanPage(t), nil); err != nil {
		t.Fatalf("re-sending the scan: %v", err)
	}
	s.toBorrower(t, "the new CopyCompleted", samReason(bid, iso18626.ReasonNotification, ""))
	closedProblem(t, s.a, ill.ProbBadCopy, bid, "resent")
	closedProblem(t, s.b, ill.ProbBadCopy, lid, "resent")
	s.patronMail(t, "the new copy is ready", bid, "new copy", "ready")
	deadline := time.Now().Add(peertest.Wait)
	for fetched := 0; fetched < 2; {
		fetched = 0
		for _, e := range s.a.Timeline(t, bid).Events {
			if e.Type == "delivery_fetched" {
				fetched++
			}
		}
		if fetched < 2 && time.Now().After(deadline) {
			t.Fatalf("the new copy was not fetched: %v", peertest.Events(s.a.Timeline(t, bid)))
		}
		time.Sleep(peertest.Poll)
	}
	wantConversation(t, s.lender.Tap, bid, "Request/New", "RAM/Notification", "RAM/Notification")
}
