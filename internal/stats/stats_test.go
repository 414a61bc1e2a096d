package stats

import (
	"math"
	"testing"
	"time"

	"interlend/internal/ill"
)

var day0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func at(h float64) time.Time { return day0.Add(time.Duration(h * float64(time.Hour))) }

func TestBorrowingFillRateExclusions(t *testing.T) {
	js := []Journey{
		{Side: ill.Borrowing, Shipped: at(10), CloseReason: ill.ClosedFilled},         // filled
		{Side: ill.Borrowing, Delivered: at(5), CloseReason: ill.ClosedFilled},        // filled (copy)
		{Side: ill.Borrowing, Shipped: at(5), CloseReason: ill.ClosedLost},            // filled, then lost
		{Side: ill.Borrowing, CloseReason: ill.ClosedUnfilled},                        // unfilled
		{Side: ill.Borrowing, CloseReason: ill.ClosedStaffCancelled},                  // unfilled
		{Side: ill.Borrowing, CloseReason: ill.ClosedCopyrightDenied},                 // unfilled
		{Side: ill.Borrowing, CloseReason: ill.ClosedPatronCancelled},                 // excluded
		{Side: ill.Borrowing, CloseReason: ill.ClosedDuplicate},                       // excluded
		{Side: ill.Borrowing, CloseReason: ill.ClosedFilledLocally},                   // excluded
		{Side: ill.Borrowing, Open: true},                                             // open
		{Side: ill.Borrowing, Shipped: at(1), CloseReason: ill.ClosedPatronCancelled}, // shipped then patron cancelled: filled
	}
	got := BorrowingFillRate(js)
	want := Rate{Filled: 4, Unfilled: 3, Excluded: 3, Open: 1, Value: 4.0 / 7.0}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if r := BorrowingFillRate(nil); !math.IsNaN(r.Value) {
		t.Errorf("empty fill rate %v, want NaN", r.Value)
	}
}

func TestLendingFillRateIsFilledOverReceived(t *testing.T) {
	js := []Journey{
		{Side: ill.Lending, Shipped: at(3)},
		{Side: ill.Lending, Delivered: at(2)},
		{Side: ill.Lending, CloseReason: ill.ClosedUnfilled},
		{Side: ill.Lending, CloseReason: ill.ClosedCancelled},
		{Side: ill.Lending, Open: true},
	}
	got := LendingFillRate(js)
	if got.Filled != 2 || got.Unfilled != 2 || got.Open != 1 || got.Value != 2.0/5.0 {
		t.Errorf("got %+v, want 2 filled of 5 received", got)
	}
}

func TestTurnaroundPerStage(t *testing.T) {
	js := []Journey{
		{Side: ill.Borrowing, Submitted: at(0), FirstSent: at(1), Shipped: at(25), Received: at(73), PickedUp: at(97), ReturnShipped: at(500), CheckedIn: at(548)},
		{Side: ill.Borrowing, Submitted: at(0), FirstSent: at(3), Shipped: at(51), Received: at(75)},
		{Side: ill.Borrowing, Submitted: at(0), FirstSent: at(2), Delivered: at(26), Service: ill.Copy},
		{Side: ill.Lending, Submitted: at(0), Answered: at(4), Shipped: at(28)},
		{Side: ill.Lending, Submitted: at(0), Answered: at(2), Delivered: at(6)},
	}
	got := Turnaround(js)
	checks := map[Stage]Summary{
		SubmittedToSent:    {N: 3, Median: 2 * time.Hour, P90: 3 * time.Hour, Mean: 2 * time.Hour},
		SentToShipped:      {N: 2, Median: 36 * time.Hour, P90: 48 * time.Hour, Mean: 36 * time.Hour},
		ShippedToReceived:  {N: 2, Median: 36 * time.Hour, P90: 48 * time.Hour, Mean: 36 * time.Hour},
		ReceivedToPickedUp: {N: 1, Median: 24 * time.Hour, P90: 24 * time.Hour, Mean: 24 * time.Hour},
		SubmittedToFilled:  {N: 2, Median: 74 * time.Hour, P90: 75 * time.Hour, Mean: 74 * time.Hour},
		SubmittedToDeliver: {N: 1, Median: 26 * time.Hour, P90: 26 * time.Hour, Mean: 26 * time.Hour},
		LenderAnswer:       {N: 2, Median: 3 * time.Hour, P90: 4 * time.Hour, Mean: 3 * time.Hour},
		LenderShip:         {N: 2, Median: 17 * time.Hour, P90: 28 * time.Hour, Mean: 17 * time.Hour},
		ReturnTransit:      {N: 1, Median: 48 * time.Hour, P90: 48 * time.Hour, Mean: 48 * time.Hour},
	}
	for s, want := range checks {
		if got[s] != want {
			t.Errorf("%s: got %+v, want %+v", s, got[s], want)
		}
	}
}

func TestLenderScores(t *testing.T) {
	js := []Journey{
		{Service: ill.Loan, Tries: []Try{{Lender: "US-A", Sent: at(0), Answered: at(2), Outcome: "unfilled"}, {Lender: "US-B", Sent: at(3), Answered: at(4), Filled: at(27), Outcome: "filled"}}},
		{Service: ill.Loan, Tries: []Try{{Lender: "US-B", Sent: at(0), Answered: at(1), Filled: at(48), Outcome: "filled"}}},
		{Service: ill.Loan, Tries: []Try{{Lender: "US-A", Sent: at(0), Outcome: "timed_out"}, {Lender: "US-B", Sent: at(72), Outcome: "pending"}}},
		{Service: ill.Copy, Tries: []Try{{Lender: "US-A", Sent: at(0), Answered: at(1), Filled: at(5), Outcome: "filled"}}},
	}
	got := LenderScores(js)
	if len(got) != 3 {
		t.Fatalf("got %d scores, want 3 (A loan, A copy, B loan): %+v", len(got), got)
	}
	a, ac, b := got[0], got[1], got[2]
	if a.Lender != "US-A" || a.Service != ill.Copy || ac.Service != ill.Loan {
		a, ac = ac, a
	}
	if ac.Tries != 2 || ac.Filled != 0 || ac.FillRate != 0 {
		t.Errorf("A loans: %+v", ac)
	}
	if a.Tries != 1 || a.FillRate != 1 || a.Turnaround.Median != 5*time.Hour {
		t.Errorf("A copies: %+v", a)
	}
	if b.Tries != 2 || b.FillRate != 1 || b.Turnaround.Median != (24+48)*time.Hour/2 {
		t.Errorf("B loans: %+v", b)
	}
}

func TestFromEvents(t *testing.T) {
	r := &ill.Request{PublicID: "B1", Side: ill.Borrowing, ServiceType: ill.Loan, CloseReason: ill.ClosedFilled, ClosedAt: at(600)}
	evs := []ill.Event{
		{Type: "submitted", At: at(0)}, {Type: "sent_to_lender", At: at(1)}, {Type: "answered", At: at(2)},
		{Type: "sent_to_lender", At: at(30)}, {Type: "shipped", At: at(40)}, {Type: "received", At: at(80)},
		{Type: "picked_up", At: at(90)}, {Type: "return_shipped", At: at(500)}, {Type: "checked_in", At: at(560)},
	}
	j := FromEvents(r, evs, nil)
	if j.FirstSent != at(1) || j.Shipped != at(40) || j.Available != at(80) || j.Open || !j.Filled() {
		t.Errorf("journey %+v", j)
	}
	if d := j.Durations()[SubmittedToFilled]; d != 80*time.Hour {
		t.Errorf("wait for the patron %v", d)
	}
}
