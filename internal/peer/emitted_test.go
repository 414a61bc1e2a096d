package peer_test

import (
	"testing"
	"time"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/store/storetest"
)

// TestEverythingWeSendValidates drives both sides of several requests
// with an outside partner, in each version, through the real outbox and
// transport, and validates every message the partner received against
// the XSD of the version it speaks.
func TestEverythingWeSendValidates(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		for _, version := range []string{directory.Version12, directory.Version2021} {
			t.Run(string(e)+"/"+version, func(t *testing.T) {
				t.Parallel()
				s := newSite(t, siteOptions{engine: e, version: version, workers: 2})
				v := iso18626.V2021
				if version == directory.Version12 {
					v = iso18626.V1_2
				}
				s.driveLending(t, v)
				s.driveBorrowing(t, v)
				s.waitOutboxEmpty(t)
				got := s.partner.received()
				s.partner.checkEmittedXSD(t)
				t.Logf("%d messages sent to the partner, all valid", len(got))
				kinds := map[string]bool{}
				for _, b := range got {
					m, err := iso18626.Parse(b)
					if err != nil {
						t.Fatal(err)
					}
					if m.Version != v {
						t.Errorf("sent in %s to a %s partner", m.Version, v)
					}
					kinds[summaryOf(m)] = true
				}
				for _, want := range []string{"request New", "request Retry", "request Reminder", "RAM Received", "RAM Renew", "RAM ShippedReturn",
					"RAM Cancel", "RAM StatusRequest", "RAM Notification", "SAM ExpectToSupply", "SAM WillSupply", "SAM Loaned", "SAM Unfilled",
					"SAM RetryPossible", "SAM CopyCompleted", "SAM Recalled", "SAM LoanCompleted", "SAM Cancelled", "SAM CompletedWithoutReturn"} {
					if !kinds[want] {
						t.Errorf("no %s among the %d messages sent", want, len(got))
					}
				}
				if v == iso18626.V2021 {
					for _, want := range []string{"RAM HoldReturn", "RAM Lost", "SAM HoldReturn", "SAM ReleaseHoldReturn"} {
						if !kinds[want] {
							t.Errorf("no %s among the %d messages sent", want, len(got))
						}
					}
				}
			})
		}
	}
}

func summaryOf(m *iso18626.Message) string {
	switch {
	case m.Request != nil:
		return "request " + string(m.Request.ServiceInfo.RequestType)
	case m.RequestingAgencyMessage != nil:
		return "RAM " + string(m.RequestingAgencyMessage.Action)
	case m.SupplyingAgencyMessage != nil:
		return "SAM " + string(m.SupplyingAgencyMessage.StatusInfo.Status)
	}
	return "?"
}

// waitOutboxEmpty waits until every outgoing message was delivered, and
// fails if any was refused or held.
func (s *site) waitOutboxEmpty(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s.w.App.Jobs.Kick()
		if s.count(t, `SELECT count(*) FROM messages WHERE direction = 'out' AND delivery = 'queued'`) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages still queued", s.count(t, `SELECT count(*) FROM messages WHERE direction = 'out' AND delivery = 'queued'`))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := s.count(t, `SELECT count(*) FROM messages WHERE direction = 'out' AND delivery NOT IN ('sent', 'in_process')`); n > 0 {
		t.Errorf("%d outgoing messages not delivered", n)
	}
}

// driveLending answers US-EXREQ's requests in every way a lender can.
func (s *site) driveLending(t *testing.T, v iso18626.Version) {
	t.Helper()
	act := func(id string, a ill.ActionName, p map[string]any) { s.perform(t, hosted, id, a, p) }
	in := func(reqID, lendID, action string) { s.accept(t, ram(pBasic, reqID, lendID, action, s.tick()), v) }

	l := s.lend(t, pBasic, "EMIT-L1")
	act(l.PublicID, ill.ActExpectToSupply, nil)
	act(l.PublicID, ill.ActPrintSlip, nil)
	act(l.PublicID, ill.ActFound, nil)
	act(l.PublicID, ill.ActShip, map[string]any{"barcode": "39001000111"})
	act(l.PublicID, ill.ActHoldReturns, map[string]any{"note": "Building closed this week."})
	act(l.PublicID, ill.ActReleaseReturns, nil)
	in("EMIT-L1", l.PublicID, ill.ActionRenew)
	act(l.PublicID, ill.ActApproveRenew, nil)
	in("EMIT-L1", l.PublicID, ill.ActionRenew)
	act(l.PublicID, ill.ActRefuseRenew, map[string]any{"note": "Needed here."})
	act(l.PublicID, ill.ActRecall, map[string]any{"note": "Needed for reserve."})
	in("EMIT-L1", l.PublicID, ill.ActionRenew) // answered no at once: recalled
	in("EMIT-L1", l.PublicID, ill.ActionShippedReturn)
	act(l.PublicID, ill.ActLendCheckIn, nil)

	l = s.lend(t, pBasic, "EMIT-L2")
	act(l.PublicID, ill.ActOfferConds, map[string]any{"conditions": []string{"LibraryUseOnly"}, "cost": "5.00 USD", "note": "Fragile."})
	l = s.lend(t, pBasic, "EMIT-L3")
	act(l.PublicID, ill.ActAnswerUnfilled, map[string]any{"reason": "NotHeld"})
	l = s.lend(t, pBasic, "EMIT-L4")
	act(l.PublicID, ill.ActAnswerRetry, map[string]any{"reason": "ReqEditionNotPossible"})
	l = s.lend(t, pBasic, "EMIT-L5")
	in("EMIT-L5", l.PublicID, ill.ActionCancel)
	act(l.PublicID, ill.ActAcceptCancel, nil)
	l = s.lend(t, pBasic, "EMIT-L6")
	act(l.PublicID, ill.ActWillSupply, nil)
	act(l.PublicID, ill.ActShip, map[string]any{"barcode": "39001000222"})
	in("EMIT-L6", l.PublicID, ill.ActionStatusRequest)
	act(l.PublicID, ill.ActNoteToPartner, map[string]any{"note": "Please handle with care."})
	act(l.PublicID, ill.ActCloseLostLend, map[string]any{"note": "Never returned."})

	copyReq := loanRequest(pBasic, "EMIT-L7", s.tick())
	copyReq.ServiceType = ill.Copy
	copyReq.Copyright = "US-CCG" // a copy comes with its copyright statement
	copyReq.Citation = &ill.Citation{Title: "Journal of examples", ArticleTitle: "On examples", Author: "Okafor, Adaeze", ISSN: "1072-303X", PublicationType: ill.PubArticle}
	s.accept(t, copyReq, v)
	id := s.lendingID(t, pBasic, "EMIT-L7")
	act(id, ill.ActWillSupply, nil)
	act(id, ill.ActDeliver, map[string]any{"deliveryUrl": "https://files.exsup.example/d/7f3a/article.pdf"})
}

// driveBorrowing asks US-EXREQ for books and answers as a borrower does.
func (s *site) driveBorrowing(t *testing.T, v iso18626.Version) {
	t.Helper()
	act := func(id string, a ill.ActionName, p map[string]any) { s.perform(t, hosted, id, a, p) }
	lender := func(b *ill.Request, reason, status string, edit func(m *ill.Message)) {
		m := sam(pBasic, b.PublicID, reason, status, s.tick())
		if edit != nil {
			edit(&m)
		}
		s.accept(t, m, v)
	}
	due := func(m *ill.Message) {
		m.DueDate, m.Items = s.now().Add(28*24*time.Hour).Truncate(24*time.Hour), []ill.Item{{Barcode: "39002000111"}}
	}

	b := s.borrow(t, pBasic, ill.Loan)
	lender(b, ill.ReasonRequestResponse, ill.StatusWillSupply, nil)
	lender(b, ill.ReasonStatusChange, ill.StatusLoaned, due)
	act(b.PublicID, ill.ActReceive, map[string]any{"barcode": "39002000111"})
	act(b.PublicID, ill.ActCheckOut, nil)
	act(b.PublicID, ill.ActRenew, nil)
	lender(b, ill.ReasonRenewResponse, ill.StatusLoaned, func(m *ill.Message) { due(m); m.Answer = "Y" })
	act(b.PublicID, ill.ActHoldReturn, map[string]any{"note": "Patron asks to keep it over the break."})
	act(b.PublicID, ill.ActCheckIn, nil)
	act(b.PublicID, ill.ActShipReturn, map[string]any{"courier": "UPS", "trackingId": "1Z999AA10123456784"})
	lender(b, ill.ReasonStatusChange, ill.StatusLoanCompleted, nil)

	b = s.borrow(t, pBasic, ill.Loan)
	act(b.PublicID, ill.ActSendReminder, nil)
	act(b.PublicID, ill.ActStatusRequest, nil)
	act(b.PublicID, ill.ActNoteToPartner, map[string]any{"note": "Any news?"})
	act(b.PublicID, ill.ActRequestCancel, nil)

	b = s.borrow(t, pBasic, ill.Loan)
	lender(b, ill.ReasonRequestResponse, ill.StatusExpectToSupply, func(m *ill.Message) {
		m.Conditions, m.OfferedCost = []string{"LibraryUseOnly"}, ill.Money{Minor: 500, Currency: "USD"}
	})
	act(b.PublicID, ill.ActAcceptConditions, nil)

	b = s.borrow(t, pBasic, ill.Loan)
	lender(b, ill.ReasonRequestResponse, ill.StatusRetryPossible, func(m *ill.Message) { m.ReasonRetry = "ReqEditionNotPossible" })
	act(b.PublicID, ill.ActRetry, map[string]any{"note": "Any edition will do."})

	b = s.borrow(t, pBasic, ill.Loan)
	lender(b, ill.ReasonStatusChange, ill.StatusLoaned, due)
	act(b.PublicID, ill.ActReportLost, map[string]any{"note": "Lost in transit."})
}

func (s *site) lendingID(t testing.TB, from ill.AgencyID, reqID string) string {
	t.Helper()
	id, err := s.w.App.LendingIDFor(t.Context(), hosted, from, reqID)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
