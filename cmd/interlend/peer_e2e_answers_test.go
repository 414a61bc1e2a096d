package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/peertest"
	"interlend/internal/store"
)

// answerFlows: the lender's answers before shipping and what the borrower
// does with them: Unfilled and the rota, a response window running out,
// conditions and costs in both conventions, RetryPossible, cancelling,
// reminders.
func answerFlows() []peerFlow {
	return []peerFlow{
		{"Unfilled then the next lender", flowUnfilledNext},
		{"response window timeout", flowTimeout},
		{"conditions with a cost accepted", flowConditionsAccepted},
		{"conditions with a cost rejected", flowConditionsRejected},
		{"CostExceedsMaxCost", flowCostExceedsMaxCost},
		{"RetryPossible then Retry", flowRetry},
		{"cancel before shipping", flowCancelAccepted},
		{"cancel after shipping", flowCancelRefused},
		{"Reminder", flowReminder},
	}
}

func flowUnfilledNext(t *testing.T, s *scene) {
	bid, lidB := s.loan(t, "Unfilled first", libB, libC)
	s.b.Act(t, lidB, ill.ActAnswerUnfilled, map[string]any{"reason": "NotHeld", "note": "Not in our catalogue"})
	e := s.toBorrower(t, "Unfilled", sam(bid, iso18626.StatusUnfilled))
	if e.Msg.Unfilled != "NotHeld" || e.Msg.From != string(libB) {
		t.Errorf("Unfilled from %s reason %q", e.Msg.From, e.Msg.Unfilled)
	}
	// The borrowing process sends the request on to the second lender by itself.
	s.a.Until(t, bid, peertest.Wait, "sent to "+string(libC), func(r peertest.Request) bool {
		return r.State == ill.BSent && r.Partner == libC && r.RotaPos == 2
	})
	next := s.toLender(t, "the request to "+string(libC), func(m peertest.Message) bool { return request(bid, "New")(m) && m.To == string(libC) })
	if next.Sent.Before(e.Sent) {
		t.Error("the request to the second lender went before the first lender's Unfilled")
	}
	lidC := s.c.LendingID(t, bid)
	s.track(s.c, lidC)
	s.c.Act(t, lidC, ill.ActExpectToSupply, nil)
	s.a.WaitState(t, bid, ill.BAnswered)
	if got := s.b.Get(t, lidB); got.State != ill.LUnfilled {
		t.Errorf("first lender: %s", got.State)
	}
}

func flowTimeout(t *testing.T, s *scene) {
	bid, lidB := s.loan(t, "Timeout", libB, libC)
	// The first lender's response window ends (the test moves the timer).
	if n := s.borrower.MoveTimers(t, bid, ill.ActResponseTimeout); n != 1 {
		t.Fatalf("%d response timers of %s, want 1", n, bid)
	}
	s.a.Until(t, bid, peertest.Wait, "moved on to "+string(libC), func(r peertest.Request) bool {
		return r.State == ill.BSent && r.Partner == libC
	})
	wantEvent(t, s.a, bid, "response_timeout")
	s.toLender(t, "Cancel to the first lender", func(m peertest.Message) bool {
		return ram(bid, iso18626.ActionCancel)(m) && m.To == string(libB)
	})
	s.toLender(t, "the request to "+string(libC), func(m peertest.Message) bool { return request(bid, "New")(m) && m.To == string(libC) })
	if r := s.b.WaitState(t, lidB, ill.LCancelRequested); !r.Attention {
		t.Error("cancel request without attention at the first lender")
	}
	// The first lender agrees; the borrower keeps its request with the second.
	s.b.Act(t, lidB, ill.ActAcceptCancel, nil)
	s.toBorrower(t, "CancelResponse Y", samReason(bid, iso18626.ReasonCancelResponse, "Y"))
	lidC := s.c.LendingID(t, bid)
	s.track(s.c, lidC)
	s.c.Act(t, lidC, ill.ActExpectToSupply, nil)
	r := s.a.WaitState(t, bid, ill.BAnswered)
	if r.Partner != libC {
		t.Errorf("answered by %s, want %s", r.Partner, libC)
	}
	rota := []store.RotaEntry{}
	if err := s.a.Call("GET", "/api/v1/requests/"+bid+"/rota", nil, &rota); err != nil {
		t.Fatal(err)
	}
	if len(rota) != 2 || rota[0].State != store.RotaTimedOut || rota[1].State != store.RotaCurrent {
		t.Errorf("rota %+v", rota)
	}
}

// offer has the first lender offer conditions and/or a cost and checks the
// offer on the wire in the version's convention and at the borrower.
func offer(t *testing.T, s *scene, bid, lid string, conditions []string, cost string, minor int64) {
	t.Helper()
	params := map[string]any{"cost": cost, "note": "Our terms"}
	if len(conditions) > 0 {
		params["conditions"] = conditions
	}
	s.b.Act(t, lid, ill.ActOfferConds, params)
	e := s.toBorrower(t, "the offer", func(m peertest.Message) bool { return about(bid)(m) && m.Type == "SAM" })
	m := e.Msg
	if s.v12() {
		// ReShare's convention: the note marker, deliveryInfo/loanCondition,
		// messageInfo/offeredCosts; the status is kept.
		if !strings.HasPrefix(m.Note, iso18626.ReShareAddLoanCondition) || m.Status == string(iso18626.StatusRetryPossible) {
			t.Errorf("v1.2 offer: status %s note %q", m.Status, m.Note)
		}
	} else {
		// The standard's: RetryPossible with MustMeetLoanCondition (or
		// CostExceedsMaxCost for a cost alone) and retryInfo.
		want := iso18626.ReasonRetryMustMeetLoanCondition
		if len(conditions) == 0 {
			want = iso18626.ReasonRetryCostExceedsMaxCost
		}
		if m.Status != string(iso18626.StatusRetryPossible) || m.ReasonRetry != want {
			t.Errorf("2021 offer: status %s reasonRetry %s, want RetryPossible %s", m.Status, m.ReasonRetry, want)
		}
	}
	if !slices.Equal(m.Conditions, conditions) || m.Cost != strings.TrimSuffix(cost, " USD")+" USD" {
		t.Errorf("offer on the wire: conditions %v cost %q, want %v %q", m.Conditions, m.Cost, conditions, cost)
	}
	r := s.a.WaitState(t, bid, ill.BConditional)
	if !slices.Equal(r.Conditions, conditions) || r.OfferedCost != (ill.Money{Minor: minor, Currency: "USD"}) || !r.Attention {
		t.Errorf("borrower: conditions %v cost %+v attention %v", r.Conditions, r.OfferedCost, r.Attention)
	}
}

// accept has the borrower accept the offer and the lender go on to ship.
func accept(t *testing.T, s *scene, bid, lid string, conditions []string, minor int64) {
	t.Helper()
	s.a.Act(t, bid, ill.ActAcceptConditions, nil)
	var ledger []store.Charge
	if err := s.a.Call("GET", "/api/v1/requests/"+bid+"/ledger", nil, &ledger); err != nil {
		t.Fatal(err)
	}
	if len(ledger) != 1 || ledger[0].Amount != (ill.Money{Minor: minor, Currency: "USD"}) || ledger[0].Payee != string(libB) {
		t.Errorf("ledger after accepting: %+v", ledger)
	}
	if s.v12() {
		e := s.toLender(t, "the agreement", ram(bid, iso18626.ActionNotification))
		if !strings.HasPrefix(e.Msg.Note, iso18626.ReShareLoanConditionAgreeResponse) {
			t.Errorf("v1.2 agreement note %q", e.Msg.Note)
		}
	} else {
		// The standard's agreement is a Retry request carrying the conditions.
		retry, err := s.lender.Tap.Await(0, 1500*time.Millisecond, func(e *peertest.Exchange) bool {
			return e.Delivered() && request(bid, "Retry")(e.Msg)
		})
		if err != nil {
			got := conversation(s.lender.Tap, bid)
			t.Fatalf("2021: accepting conditions sent %s, not a Retry request carrying the conditions", got[len(got)-1])
		}
		if !slices.Equal(retry.Msg.Conditions, conditions) {
			t.Errorf("2021 Retry conditions %v, want %v", retry.Msg.Conditions, conditions)
		}
	}
	s.b.WaitState(t, lid, ill.LAwaitingShip)
	s.b.Act(t, lid, ill.ActShip, map[string]any{"barcode": "39001" + strings.TrimPrefix(bid, "B")})
	e := s.toBorrower(t, "Loaned", sam(bid, iso18626.StatusLoaned))
	if len(conditions) > 0 && !slices.Equal(e.Msg.Conditions, conditions) {
		t.Errorf("the Loaned of a loan with agreed conditions carries loanCondition %v, want %v", e.Msg.Conditions, conditions)
	}
	s.a.WaitState(t, bid, ill.BShipped)
}

func flowConditionsAccepted(t *testing.T, s *scene) {
	bid, lid := s.loan(t, "Conditions accepted", libB)
	offer(t, s, bid, lid, []string{"LibraryUseOnly"}, "12.50 USD", 1250)
	accept(t, s, bid, lid, []string{"LibraryUseOnly"}, 1250)
}

func flowConditionsRejected(t *testing.T, s *scene) {
	bid, lidB := s.loan(t, "Conditions rejected", libB, libC)
	offer(t, s, bid, lidB, []string{"NoReproduction"}, "7.00 USD", 700)
	s.a.Act(t, bid, ill.ActRejectConditions, nil)
	// Rejecting moves on: Cancel to the first lender, the request to the second.
	s.toLender(t, "Cancel to the first lender", func(m peertest.Message) bool { return ram(bid, iso18626.ActionCancel)(m) && m.To == string(libB) })
	s.a.Until(t, bid, peertest.Wait, "sent to "+string(libC), func(r peertest.Request) bool { return r.State == ill.BSent && r.Partner == libC })
	s.b.WaitState(t, lidB, ill.LCancelRequested)
	s.b.Act(t, lidB, ill.ActAcceptCancel, nil)
	lidC := s.c.LendingID(t, bid)
	s.track(s.c, lidC)
	var ledger []store.Charge
	if err := s.a.Call("GET", "/api/v1/requests/"+bid+"/ledger", nil, &ledger); err != nil {
		t.Fatal(err)
	}
	if len(ledger) != 0 {
		t.Errorf("a rejected cost was charged: %+v", ledger)
	}
}

func flowCostExceedsMaxCost(t *testing.T, s *scene) {
	body := peertest.NewLoan("Over the maximum cost", libB)
	body["maxCost"] = map[string]any{"minor": 2000, "currency": "USD"}
	bid, lid := s.create(t, body, libB)
	offer(t, s, bid, lid, nil, "30.00 USD", 3000)
	accept(t, s, bid, lid, nil, 3000)
}

func flowRetry(t *testing.T, s *scene) {
	bid, lid := s.loan(t, "Retry", libB)
	s.b.Act(t, lid, ill.ActAnswerRetry, map[string]any{"reason": "NotFoundAsCited", "note": "Which volume?"})
	e := s.toBorrower(t, "RetryPossible", sam(bid, iso18626.StatusRetryPossible))
	if e.Msg.ReasonRetry != "NotFoundAsCited" {
		t.Errorf("reasonRetry %q", e.Msg.ReasonRetry)
	}
	s.a.WaitState(t, bid, ill.BRetryOffered)
	s.a.Act(t, bid, ill.ActRetry, map[string]any{"note": "Volume 2, please"})
	retry := s.toLender(t, "the Retry", request(bid, "Retry"))
	if retry.Msg.PreviousID != bid || retry.Msg.RequesterID == bid {
		t.Errorf("Retry: id %s previous %s", retry.Msg.RequesterID, retry.Msg.PreviousID)
	}
	lid2 := s.b.LendingID(t, retry.Msg.RequesterID)
	s.track(s.b, lid2)
	if r := s.b.Get(t, lid2); r.RetryOf != bid {
		t.Errorf("the retry at the lender: retryOf %q", r.RetryOf)
	}
	s.b.Act(t, lid2, ill.ActExpectToSupply, nil)
	s.toBorrower(t, "the answer to the Retry", func(m peertest.Message) bool {
		return sam(bid, iso18626.StatusExpectToSupply)(m) && m.RequesterID == retry.Msg.RequesterID
	})
	// Answered at once (often in the same second as the RetryPossible):
	// applied, not taken for a stale message.
	s.a.WaitState(t, bid, ill.BAnswered)
	if ev := countEvents(t, s.a, bid); ev["message_stale"] != 0 {
		t.Errorf("the answer to the Retry was taken as stale: %v", ev)
	}
}

func flowCancelAccepted(t *testing.T, s *scene) {
	bid, lid := s.answered(t, "Cancel before shipping")
	s.a.Act(t, bid, ill.ActRequestCancel, nil)
	s.toLender(t, "Cancel", ram(bid, iso18626.ActionCancel))
	s.b.WaitState(t, lid, ill.LCancelRequested)
	s.b.Act(t, lid, ill.ActAcceptCancel, nil)
	e := s.toBorrower(t, "CancelResponse Y", samReason(bid, iso18626.ReasonCancelResponse, "Y"))
	if e.Msg.Status != string(iso18626.StatusCancelled) {
		t.Errorf("CancelResponse status %q", e.Msg.Status)
	}
	s.a.WaitState(t, bid, ill.BCancelled)
}

func flowCancelRefused(t *testing.T, s *scene) {
	bid, lid := s.answered(t, "Cancel after shipping")
	s.b.Act(t, lid, ill.ActPrintSlip, nil)
	s.b.Act(t, lid, ill.ActFound, nil)
	// The lender ships; its Loaned is slow on the way (held by the relay).
	hold := s.borrower.Tap.Hold(about(bid))
	defer hold.Release()
	s.b.Act(t, lid, ill.ActShip, map[string]any{"barcode": "39001424242"})
	waitFor(t, "the Loaned in flight", func() bool { return hold.Waiting() > 0 })
	// Meanwhile the borrower asks to cancel: too late.
	s.a.Act(t, bid, ill.ActRequestCancel, nil)
	s.toLender(t, "Cancel", ram(bid, iso18626.ActionCancel))
	wantEvent(t, s.b, lid, "cancel_refused")
	if r := s.b.Get(t, lid); r.State != ill.LShipped {
		t.Errorf("lender after a late cancel: %s", r.State)
	}
	hold.Release()
	s.toBorrower(t, "CancelResponse N", samReason(bid, iso18626.ReasonCancelResponse, "N"))
	r := s.a.WaitState(t, bid, ill.BShipped)
	if !r.Attention {
		t.Error("shipped despite a cancel request, without attention")
	}
	wantConversation(t, s.borrower.Tap, bid, "SAM/ExpectToSupply/RequestResponse", "SAM/WillSupply/StatusChange",
		"SAM/Loaned/StatusChange", "SAM/Loaned/CancelResponse/N")
	// Shipped: the borrower's desk no longer offers cancel.
	if _, err := s.a.TryAct(bid, ill.ActRequestCancel, nil); err == nil || err.Status != 409 {
		t.Errorf("request_cancel after shipping: %v, want 409", err)
	}
}

func flowReminder(t *testing.T, s *scene) {
	bid, lid := s.loan(t, "Reminder", libB)
	s.a.Act(t, bid, ill.ActSendReminder, nil)
	s.toLender(t, "the Reminder", request(bid, "Reminder"))
	wantEvent(t, s.b, lid, "reminder_received")
	if r := s.b.Get(t, lid); !r.Attention || r.State != ill.LNew {
		t.Errorf("lender after a reminder: %s attention %v", r.State, r.Attention)
	}
}

// waitFor polls cond until it holds, failing after peertest.Wait.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitWithin(t, peertest.Wait, what, cond)
}

// waitWithin polls cond until it holds, failing after limit.
func waitWithin(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(peertest.Poll)
	}
}
