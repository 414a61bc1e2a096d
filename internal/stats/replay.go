package stats

import (
	"encoding/json"
	"sort"
	"time"

	"interlend/internal/ill"
)

// Replay turns a journey back into what the lifecycle engine records: the
// request in its final state and its event log, in the engine's event
// vocabulary. Demo history, benchmarks and test fixtures are made with it;
// FromEvents of the result gives the journey back (a test checks it). The
// citation is the request's; tries become the caller's rota entries.
func Replay(j Journey, c ill.Citation) (*ill.Request, []ill.Event) {
	r := &ill.Request{Side: j.Side, Agency: j.Agency, Partner: j.Partner, ServiceType: j.Service, ServiceLevel: j.ServiceLevel,
		PatronCategory: j.Category, Citation: c, CloseReason: j.CloseReason, CreatedAt: j.Submitted, ClosedAt: j.Closed,
		RenewalCount: len(j.Renewals)}
	if j.Open {
		r.ClosedAt, r.CloseReason = time.Time{}, ""
	}
	r.State = replayState(j)
	var evs []ill.Event
	add := func(at time.Time, typ, name string, actor ill.ActorKind, to ill.State, data map[string]any) {
		if at.IsZero() {
			return
		}
		ev := ill.Event{Type: typ, Name: name, ActorKind: actor, To: to, At: at}
		if actor == ill.ActorPartner {
			ev.ActorPartner = j.Partner
		}
		if data != nil {
			ev.Data, _ = json.Marshal(data)
		}
		evs = append(evs, ev)
	}
	sent := map[string]any{"sent": []int64{0}}
	if j.Side == ill.Borrowing {
		add(j.Submitted, "submitted", "create", ill.ActorStaff, ill.BValidated, nil)
		for i, t := range j.Tries {
			add(t.Sent, "sent_to_lender", "send", ill.ActorStaff, ill.BSent, map[string]any{"lender": string(t.Lender), "position": i + 1, "sent": []int64{0}})
			switch t.Outcome {
			case "unfilled":
				add(t.Answered, "unfilled_by_lender", "status:Unfilled", ill.ActorPartner, ill.BSent, map[string]any{"reasonUnfilled": j.UnfilledReason})
			case "retry":
				add(t.Answered, "retry_offered", "status:RetryPossible", ill.ActorPartner, ill.BRetryOffered, nil)
			default:
				add(t.Answered, "answered", "status:ExpectToSupply", ill.ActorPartner, ill.BAnswered, nil)
			}
		}
		if len(j.Tries) == 0 {
			add(j.FirstSent, "sent_to_lender", "send", ill.ActorStaff, ill.BSent, sent)
		}
		add(j.Shipped, "shipped", "status:Loaned", ill.ActorPartner, ill.BShipped, nil)
		if !j.Received.IsZero() && j.Available.Equal(j.Received) {
			add(j.Received, "received", "receive", ill.ActorStaff, ill.BAwaitingPickup, sent)
		} else {
			add(j.Received, "received", "receive_hold", ill.ActorStaff, ill.BReceived, sent)
			add(j.Available, "available_to_patron", "make_available", ill.ActorStaff, ill.BAwaitingPickup, nil)
		}
		add(j.PickedUp, "picked_up", "check_out", ill.ActorStaff, ill.BCheckedOut, nil)
		add(j.Delivered, "delivered", "status:CopyCompleted", ill.ActorPartner, ill.BCompleted, nil)
		add(j.ReturnShipped, "return_shipped", "ship_return", ill.ActorStaff, ill.BReturnShipped, sent)
		add(j.CheckedIn, "checked_in", "status:LoanCompleted", ill.ActorPartner, ill.BCompleted, nil)
	} else {
		add(j.Submitted, "submitted", "request", ill.ActorPartner, ill.LNew, nil)
		closesWithAnswer := !j.Open && !j.Filled() && j.Answered.Equal(j.Closed)
		if !closesWithAnswer {
			add(j.Answered, "answered", "expect_to_supply", ill.ActorStaff, ill.LAwaitingSlip, sent)
		}
		add(j.Shipped, "shipped", "ship", ill.ActorStaff, ill.LShipped, sent)
		add(j.Delivered, "delivered", "deliver", ill.ActorStaff, ill.LCompleted, sent)
		add(j.ReturnShipped, "return_shipped", "action:ShippedReturn", ill.ActorPartner, ill.LReturnReceived, nil)
		add(j.CheckedIn, "checked_in", "check_in", ill.ActorStaff, ill.LCompleted, sent)
	}
	for _, at := range j.Renewals {
		if j.Side == ill.Borrowing {
			add(at, "renewed", "renew:Y", ill.ActorPartner, ill.BCheckedOut, nil)
		} else {
			add(at, "renewed", "approve_renewal", ill.ActorStaff, ill.LOnLoan, sent)
		}
	}
	if j.Side == ill.Borrowing {
		add(j.Overdue, "overdue", "patron_overdue", ill.ActorSystem, ill.BOverdue, nil)
		add(j.Lost, "lost", "report_lost", ill.ActorStaff, ill.BProblem, sent)
	} else {
		add(j.Overdue, "overdue", "mark_overdue", ill.ActorSystem, ill.LOverdue, sent)
		add(j.Lost, "lost", "action:Lost", ill.ActorPartner, ill.LProblem, nil)
	}
	if !j.Open {
		addClose(j, r.State, add)
	}
	sort.SliceStable(evs, func(a, b int) bool { return evs[a].At.Before(evs[b].At) })
	for i := range evs {
		evs[i].Seq = i + 1
	}
	return r, evs
}

// addClose records the event that closed the request, unless a milestone
// already did (a loan checked in, a copy delivered).
func addClose(j Journey, final ill.State, add func(time.Time, string, string, ill.ActorKind, ill.State, map[string]any)) {
	if j.Closed.Equal(j.CheckedIn) || j.Closed.Equal(j.Delivered) && !j.Delivered.IsZero() {
		return
	}
	if j.Side == ill.Lending {
		switch j.CloseReason {
		case ill.ClosedCancelled:
			add(j.Closed, "cancelled", "accept_cancel", ill.ActorStaff, final, map[string]any{"sent": []int64{0}})
		case ill.ClosedUnfilled:
			add(j.Closed, "closed", "answer_unfilled", ill.ActorStaff, final, map[string]any{"reason": j.UnfilledReason, "sent": []int64{0}})
		case ill.ClosedRetryOffered:
			add(j.Closed, "closed", "answer_retry", ill.ActorStaff, final, map[string]any{"reason": j.UnfilledReason, "sent": []int64{0}})
		default:
			add(j.Closed, "closed", "close_lost_loan", ill.ActorStaff, final, nil)
		}
		return
	}
	switch j.CloseReason {
	case ill.ClosedPatronCancelled:
		add(j.Closed, "cancelled", "cancel", ill.ActorPatron, final, nil)
	case ill.ClosedStaffCancelled:
		add(j.Closed, "cancelled", "cancel", ill.ActorStaff, final, nil)
	case ill.ClosedCopyrightDenied:
		add(j.Closed, "copyright_deny", "copyright_deny", ill.ActorStaff, final, nil)
	case ill.ClosedDuplicate:
		add(j.Closed, "closed", "close_duplicate", ill.ActorStaff, final, nil)
	case ill.ClosedFilledLocally:
		add(j.Closed, "closed", "filled_locally", ill.ActorStaff, final, nil)
	case ill.ClosedUnfilled:
		add(j.Closed, "closed", "close_unfilled", ill.ActorStaff, final, nil)
	default:
		add(j.Closed, "closed", "close_lost", ill.ActorStaff, final, nil)
	}
}

// replayState is the state a journey leaves its request in.
func replayState(j Journey) ill.State {
	if j.Side == ill.Borrowing {
		if !j.Open {
			switch j.CloseReason {
			case ill.ClosedFilled, ill.ClosedLost:
				return ill.BCompleted
			case ill.ClosedUnfilled:
				return ill.BUnfilled
			}
			return ill.BCancelled
		}
		switch {
		case !j.Lost.IsZero():
			return ill.BProblem
		case !j.ReturnShipped.IsZero():
			return ill.BReturnShipped
		case !j.Overdue.IsZero():
			return ill.BOverdue
		case !j.PickedUp.IsZero():
			return ill.BCheckedOut
		case !j.Available.IsZero():
			return ill.BAwaitingPickup
		case !j.Received.IsZero():
			return ill.BReceived
		case !j.Shipped.IsZero():
			return ill.BShipped
		case len(j.Tries) > 0 && !j.Tries[len(j.Tries)-1].Answered.IsZero():
			return ill.BAnswered
		case !j.FirstSent.IsZero():
			return ill.BSent
		}
		return ill.BValidated
	}
	if !j.Open {
		switch j.CloseReason {
		case ill.ClosedFilled, ill.ClosedLost:
			return ill.LCompleted
		case ill.ClosedUnfilled:
			return ill.LUnfilled
		case ill.ClosedRetryOffered:
			return ill.LRetryOffered
		}
		return ill.LCancelled
	}
	switch {
	case !j.Lost.IsZero():
		return ill.LProblem
	case !j.ReturnShipped.IsZero():
		return ill.LReturnReceived
	case !j.Overdue.IsZero():
		return ill.LOverdue
	case !j.Shipped.IsZero():
		return ill.LOnLoan
	case !j.Answered.IsZero():
		return ill.LAwaitingSlip
	}
	return ill.LNew
}
