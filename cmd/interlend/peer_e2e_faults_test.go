package main

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/peertest"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// Faults between two processes: the lending process down for a while,
// then killed with SIGKILL in the middle of many loans; each on a
// borrowing side of one SQLite process and of two serve processes sharing
// one PostgreSQL database. Nothing may be lost, doubled or reordered.

// borrowerShapes are the borrowing sides the fault tests run with.
func borrowerShapes(t *testing.T) []peertest.NodeSpec {
	shapes := []peertest.NodeSpec{{Name: "borrower", Libraries: []ill.AgencyID{libA}, Engine: store.SQLite}}
	if slices.Contains(storetest.Engines(t), store.Postgres) {
		shapes = append(shapes, peertest.NodeSpec{Name: "borrower2pg", Libraries: []ill.AgencyID{libA}, Engine: store.Postgres, Replicas: 2})
	}
	return shapes
}

func lenderSpec() peertest.NodeSpec {
	return peertest.NodeSpec{Name: "lender", Libraries: []ill.AgencyID{libB}, Engine: store.SQLite}
}

func stateIs(states ...ill.State) func(peertest.Request) bool {
	return func(r peertest.Request) bool { return slices.Contains(states, r.State) }
}

// inbound is the summaries (and notes) of the messages a request received,
// in the order stored.
func inbound(t *testing.T, c *peertest.Client, id string) []string {
	t.Helper()
	var out []string
	for _, m := range c.Timeline(t, id).Messages {
		if m.Direction == store.Inbound {
			s := m.Summary
			if m.Body.Note != "" {
				s += ": " + m.Body.Note
			}
			out = append(out, s)
		}
	}
	return out
}

// countEvents counts a request's events by type.
func countEvents(t *testing.T, c *peertest.Client, id string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, e := range peertest.Events(c.Timeline(t, id)) {
		out[e]++
	}
	return out
}

// deliveredTwice is the messages (by idempotency key) confirmed more than
// once through a tap: sent again after a lost confirmation. Whether the
// receiver applied them once is checked on what it stored.
func deliveredTwice(log []peertest.Exchange) map[string]int {
	seen := map[string]int{}
	for _, e := range log {
		if e.Delivered() {
			seen[e.Key]++
		}
	}
	twice := map[string]int{}
	for k, n := range seen {
		if n > 1 {
			twice[k] = n
		}
	}
	return twice
}

// TestPeerPartnerDownThenBack: the lending process stops; staff go on
// working at the borrower (new requests, notes, status requests); the
// lender comes back and receives everything once, in order.
func TestPeerPartnerDownThenBack(t *testing.T) {
	t.Parallel()
	for _, shape := range borrowerShapes(t) {
		t.Run(shape.Name, func(t *testing.T) {
			t.Parallel()
			n := peertest.Start(t, directory.Version2021, shape, lenderSpec())
			a, b := n.Staff(libA), n.Staff(libB)
			borrower, lender := n.Node(libA), n.Node(libB)
			var ids, lids []string
			for i := range 3 {
				r := a.Loan(t, fmt.Sprintf("Before the outage %d", i), libB)
				lid := b.LendingID(t, r.PublicID)
				b.Act(t, lid, ill.ActExpectToSupply, nil)
				a.WaitState(t, r.PublicID, ill.BAnswered)
				ids, lids = append(ids, r.PublicID), append(lids, lid)
			}

			lender.Stop()
			mark := lender.Tap.Len()
			notes := []string{"first note", "second note", "third note"}
			for _, id := range ids {
				for _, note := range notes {
					a.Act(t, id, ill.ActNoteToPartner, map[string]any{"note": note})
				}
				a.Act(t, id, ill.ActStatusRequest, nil)
			}
			var fresh []string
			for i := range 3 {
				fresh = append(fresh, a.Loan(t, fmt.Sprintf("During the outage %d", i), libB).PublicID)
			}
			// Down for a while: every request's first message was tried and refused.
			waitFor(t, "delivery attempts to the stopped lender", func() bool {
				refused := map[string]bool{}
				for _, e := range lender.Tap.Log()[mark:] {
					if e.Status == http.StatusBadGateway {
						refused[e.Msg.RequesterID] = true
					}
				}
				return len(refused) == len(ids)+len(fresh)
			})
			lender.Restart()

			for i, id := range ids {
				lender.Tap.Wait(t, mark, peertest.Wait, "the status request of "+id, ram(id, "StatusRequest"))
				borrower.Tap.Wait(t, 0, peertest.Wait, "the status answer for "+id, samReason(id, "StatusRequestResponse", ""))
				want := []string{"request New", "RAM Notification: first note", "RAM Notification: second note", "RAM Notification: third note", "RAM StatusRequest"}
				if got := inbound(t, b, lids[i]); !slices.Equal(got, want) {
					t.Errorf("%s received\n got %v\nwant %v", lids[i], got, want)
				}
				if ev := countEvents(t, b, lids[i]); ev["note_received"] != 3 || ev["status_requested"] != 1 {
					t.Errorf("%s events %v: want 3 note_received, 1 status_requested", lids[i], ev)
				}
			}
			for _, id := range fresh {
				lid := b.LendingID(t, id)
				if got := inbound(t, b, lid); !slices.Equal(got, []string{"request New"}) {
					t.Errorf("%s received %v", lid, got)
				}
			}
			if twice := deliveredTwice(lender.Tap.Log()); len(twice) > 0 {
				t.Errorf("messages confirmed more than once: %v", twice)
			}
			refused := 0
			for _, e := range lender.Tap.Log() {
				if e.Status == http.StatusBadGateway {
					refused++
				}
			}
			t.Logf("%s: %d messages refused while the lender was down, all delivered once after", shape.Name, refused)
		})
	}
}

// driveLoan takes one loan from request to LoanCompleted with the staff
// steps of both sides, through processes that may be killed meanwhile.
func driveLoan(t *testing.T, a, b *peertest.Client, bid string) string {
	t.Helper()
	lid := b.LendingID(t, bid)
	b.Step(t, lid, ill.ActExpectToSupply, nil, stateIs(ill.LAwaitingSlip, ill.LPulled, ill.LAwaitingShip, ill.LShipped))
	b.Step(t, lid, ill.ActPrintSlip, nil, stateIs(ill.LPulled, ill.LAwaitingShip, ill.LShipped))
	b.Step(t, lid, ill.ActFound, nil, stateIs(ill.LAwaitingShip, ill.LShipped))
	b.Step(t, lid, ill.ActShip, map[string]any{"barcode": "39001" + bid[1:]}, stateIs(ill.LShipped, ill.LOnLoan))
	a.Until(t, bid, peertest.Wait, "shipped", stateIs(ill.BShipped))
	a.Step(t, bid, ill.ActReceive, nil, stateIs(ill.BAwaitingPickup))
	a.Step(t, bid, ill.ActCheckOut, nil, stateIs(ill.BCheckedOut))
	a.Step(t, bid, ill.ActCheckIn, nil, stateIs(ill.BReturned))
	a.Step(t, bid, ill.ActShipReturn, nil, stateIs(ill.BReturnShipped))
	b.Until(t, lid, peertest.Wait, "returned", stateIs(ill.LReturnReceived))
	b.Step(t, lid, ill.ActLendCheckIn, nil, stateIs(ill.LCompleted))
	a.Until(t, bid, peertest.Wait, "completed", stateIs(ill.BCompleted))
	return lid
}

// TestPeerLenderKilledMidFlow: loans run concurrently while the lending
// process is killed with SIGKILL twice (and, with two borrowing nodes, one
// of them once); after restarts every loan completes, and each side stored
// each of the other's messages once.
func TestPeerLenderKilledMidFlow(t *testing.T) {
	t.Parallel()
	for _, shape := range borrowerShapes(t) {
		t.Run(shape.Name, func(t *testing.T) {
			t.Parallel()
			n := peertest.Start(t, directory.Version2021, shape, lenderSpec())
			a, b := n.Staff(libA), n.Staff(libB)
			borrower, lender := n.Node(libA), n.Node(libB)
			const loans = 12
			var ids []string
			for i := range loans {
				ids = append(ids, a.Loan(t, fmt.Sprintf("Killed mid-flow %d", i), libB).PublicID)
			}
			lids := make([]string, loans)
			t.Run("group", func(t *testing.T) {
				for i, id := range ids {
					t.Run(id, func(t *testing.T) {
						t.Parallel()
						lids[i] = driveLoan(t, a, b, id)
					})
				}
				t.Run("killer", func(t *testing.T) {
					t.Parallel()
					// Each loan brings the borrower 4 messages from the
					// lender: kill it a third and two thirds of the way,
					// while messages it sends are in flight (held by the
					// relay, delivered after it died: their confirmations
					// are lost and the restarted lender sends them again).
					for k, at := range []int{loans * 4 / 3, loans * 8 / 3} {
						// As long as the loans may take on a busy machine.
						waitWithin(t, 4*peertest.Wait, fmt.Sprintf("%d messages from the lender", at), func() bool { return borrower.Tap.Len() >= at })
						inFlight := borrower.Tap.Hold(func(peertest.Message) bool { return true })
						waitFor(t, "a message of the lender in flight", func() bool { return inFlight.Waiting() > 0 })
						lender.Kill()
						if k == 0 && shape.Replicas > 1 {
							// One borrowing node dies too; the other carries on.
							borrower.Proc(0).Kill()
						}
						inFlight.Release()
						// Down for a while: until the borrower has tried to
						// deliver to it, or a second has passed.
						mark := lender.Tap.Len()
						_, _ = lender.Tap.Await(mark, time.Second, func(e *peertest.Exchange) bool { return e.Status == http.StatusBadGateway })
						lender.Restart()
						if k == 0 && shape.Replicas > 1 {
							borrower.StartReplica(0).WaitReady(peertest.Wait)
						}
					}
				})
			})
			if t.Failed() {
				return
			}
			for i, id := range ids {
				if got, want := inbound(t, b, lids[i]), []string{"request New", "RAM Received", "RAM ShippedReturn"}; !slices.Equal(got, want) {
					t.Errorf("lender's %s received %v, want %v", lids[i], got, want)
				}
				want := []string{"SAM ExpectToSupply / RequestResponse", "SAM WillSupply / StatusChange", "SAM Loaned / StatusChange", "SAM LoanCompleted / StatusChange"}
				if got := inbound(t, a, id); !slices.Equal(got, want) {
					t.Errorf("borrower's %s received %v, want %v", id, got, want)
				}
				if ev := countEvents(t, b, lids[i]); ev["received_by_borrower"] != 1 || ev["return_shipped"] != 1 || ev["checked_in"] != 1 {
					t.Errorf("lender's %s events %v", lids[i], ev)
				}
			}
			failed := 0
			for _, tap := range []*peertest.Tap{lender.Tap, borrower.Tap} {
				for _, e := range tap.Log() {
					if !e.Delivered() {
						failed++
					}
				}
			}
			// Messages the lender sent again after a kill (same
			// idempotency key), and those of them the borrower confirmed
			// twice: it stored them once all the same (above).
			tries := map[string]int{}
			for _, e := range borrower.Tap.Log() {
				tries[e.Key]++
			}
			resent := 0
			for _, n := range tries {
				if n > 1 {
					resent++
				}
			}
			if resent == 0 {
				t.Error("no message of the killed lender was sent again: the kills missed the messages in flight")
			}
			twice := deliveredTwice(borrower.Tap.Log())
			t.Logf("%s: %d loans completed across 2 lender kills; %d deliveries failed and were retried; %d messages sent again, %d of them confirmed twice (their first confirmation was lost), each stored once",
				shape.Name, loans, failed, resent, len(twice))
		})
	}
}
