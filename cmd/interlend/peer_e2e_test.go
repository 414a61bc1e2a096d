package main

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/peertest"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// The ISO 18626 end-to-end tests: two separate Interlend processes, each
// with its own database, talking over real HTTP on 127.0.0.1 through
// recording relays (package peertest). One process borrows (US-EXA), the
// other lends as two libraries (US-EXB, US-EXC); every flow of the
// protocol runs between them as its own subtest, all at once on the one
// pair, in each schema version. At the end every message either process
// sent or stored, and every confirmation, is validated against the XSD of
// the version in use.

const (
	libA = ill.AgencyID("US-EXA") // borrows: the borrowing process
	libB = ill.AgencyID("US-EXB") // lends: the lending process
	libC = ill.AgencyID("US-EXC") // lends too, on the same lending process
)

// scene is one pair of processes shared by the flows of a version.
type scene struct {
	version          string // directory version: "2021" or "1.2"
	iso              iso18626.Version
	net              *peertest.Network
	borrower, lender *peertest.Node
	a, b, c          *peertest.Client

	mu      sync.Mutex
	touched []touched // requests whose stored messages are validated at the end
}

type touched struct {
	c  *peertest.Client
	id string
}

// newScene starts a borrowing and a lending process speaking version.
// With PostgreSQL available, one side of each pair runs on it.
func newScene(t *testing.T, version string) *scene {
	t.Helper()
	be, le := store.SQLite, store.SQLite
	if storetest.AdminDSN() != "" {
		if version == directory.Version2021 {
			le = store.Postgres
		} else {
			be = store.Postgres
		}
	}
	n := peertest.Start(t, version,
		peertest.NodeSpec{Name: "borrower", Libraries: []ill.AgencyID{libA}, Engine: be},
		peertest.NodeSpec{Name: "lender", Libraries: []ill.AgencyID{libB, libC}, Engine: le})
	s := &scene{version: version, iso: iso18626.V2021, net: n, borrower: n.Node(libA), lender: n.Node(libB),
		a: n.Staff(libA), b: n.Staff(libB), c: n.Staff(libC)}
	if version == directory.Version12 {
		s.iso = iso18626.V1_2
	}
	return s
}

func (s *scene) v12() bool { return s.iso == iso18626.V1_2 }

// track remembers a request for the final check of stored messages.
func (s *scene) track(c *peertest.Client, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.touched = append(s.touched, touched{c, id})
}

// lenderOf is the client of a lending library.
func (s *scene) lenderOf(lib ill.AgencyID) *peertest.Client {
	if lib == libC {
		return s.c
	}
	return s.b
}

// create makes a borrowing request from a body and returns its id and the
// lending request's id at the first lender.
func (s *scene) create(t *testing.T, body map[string]any, first ill.AgencyID) (bid, lid string) {
	t.Helper()
	r := s.a.Create(t, body)
	s.track(s.a, r.PublicID)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("messages of %s to the lender: %v", r.PublicID, conversation(s.lender.Tap, r.PublicID))
			t.Logf("messages of %s to the borrower: %v", r.PublicID, conversation(s.borrower.Tap, r.PublicID))
		}
	})
	if r.State != ill.BSent {
		t.Fatalf("new request %s is %s, want sent (review reason %q)", r.PublicID, r.State, r.ReviewReason)
	}
	lid = s.lenderOf(first).LendingID(t, r.PublicID)
	s.track(s.lenderOf(first), lid)
	return r.PublicID, lid
}

// loan sends a new loan request to the lenders in order.
func (s *scene) loan(t *testing.T, title string, lenders ...ill.AgencyID) (bid, lid string) {
	t.Helper()
	return s.create(t, peertest.NewLoan(title, lenders...), lenders[0])
}

// answered is a loan the lender expects to supply.
func (s *scene) answered(t *testing.T, title string) (bid, lid string) {
	t.Helper()
	bid, lid = s.loan(t, title, libB)
	s.b.Act(t, lid, ill.ActExpectToSupply, nil)
	s.a.WaitState(t, bid, ill.BAnswered)
	return bid, lid
}

// shipped is a loan the lender has shipped, with ship's params.
func (s *scene) shipped(t *testing.T, title string, ship map[string]any) (bid, lid string) {
	t.Helper()
	bid, lid = s.answered(t, title)
	s.b.Act(t, lid, ill.ActPrintSlip, nil)
	if r := s.b.Act(t, lid, ill.ActFound, nil); r.State != ill.LAwaitingShip {
		t.Fatalf("found: lender at %s, want %s", r.State, ill.LAwaitingShip)
	}
	if ship == nil {
		ship = map[string]any{"barcode": "39001" + strings.TrimPrefix(bid, "B")}
	}
	s.b.Act(t, lid, ill.ActShip, ship)
	s.a.WaitState(t, bid, ill.BShipped)
	return bid, lid
}

// checkedOut is a loan with the patron (received, lender told).
func (s *scene) checkedOut(t *testing.T, title string) (bid, lid string) {
	t.Helper()
	bid, lid = s.shipped(t, title, nil)
	s.a.Act(t, bid, ill.ActReceive, nil)
	s.b.WaitState(t, lid, ill.LOnLoan)
	s.a.Act(t, bid, ill.ActCheckOut, nil)
	return bid, lid
}

// returned ships the loan back and has the lender check it in: both
// sides complete.
func (s *scene) returned(t *testing.T, bid, lid string) {
	t.Helper()
	if r := s.a.Get(t, bid); r.State != ill.BReturned {
		s.a.Act(t, bid, ill.ActCheckIn, nil)
	}
	s.a.Act(t, bid, ill.ActShipReturn, map[string]any{"courier": "UPS", "trackingId": "1Z" + bid})
	s.b.WaitState(t, lid, ill.LReturnReceived)
	s.b.Act(t, lid, ill.ActLendCheckIn, nil)
	s.a.WaitState(t, bid, ill.BCompleted)
	s.b.WaitState(t, lid, ill.LCompleted)
	s.toBorrower(t, "LoanCompleted", sam(bid, iso18626.StatusLoanCompleted))
}

// toLender waits for a message delivered to the lending process.
func (s *scene) toLender(t *testing.T, what string, match func(peertest.Message) bool) peertest.Exchange {
	t.Helper()
	return s.lender.Tap.Wait(t, 0, peertest.Wait, what, match)
}

// toBorrower waits for a message delivered to the borrowing process.
func (s *scene) toBorrower(t *testing.T, what string, match func(peertest.Message) bool) peertest.Exchange {
	t.Helper()
	return s.borrower.Tap.Wait(t, 0, peertest.Wait, what, match)
}

// about matches messages of a borrowing request (its retries too).
func about(bid string) func(peertest.Message) bool {
	return func(m peertest.Message) bool {
		return m.RequesterID == bid || strings.HasPrefix(m.RequesterID, bid+"-")
	}
}

func sam(bid string, status iso18626.Status) func(peertest.Message) bool {
	return func(m peertest.Message) bool { return about(bid)(m) && m.Type == "SAM" && m.Status == string(status) }
}

func samReason(bid string, reason iso18626.ReasonForMessage, answer string) func(peertest.Message) bool {
	return func(m peertest.Message) bool {
		return about(bid)(m) && m.Type == "SAM" && m.Reason == string(reason) && (answer == "" || m.Answer == answer)
	}
}

func ram(bid string, action iso18626.Action) func(peertest.Message) bool {
	return func(m peertest.Message) bool { return about(bid)(m) && m.Type == "RAM" && m.Action == string(action) }
}

func request(bid, requestType string) func(peertest.Message) bool {
	return func(m peertest.Message) bool {
		return about(bid)(m) && m.Type == "Request" && (m.RequestType == requestType || requestType == "New" && m.RequestType == "")
	}
}

// wantEvent fails unless the request's timeline has the event.
func wantEvent(t *testing.T, c *peertest.Client, id, event string) {
	t.Helper()
	deadline := time.Now().Add(peertest.Wait)
	for {
		tl := c.Timeline(t, id)
		if peertest.HasEvent(tl, event) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s has no %q event: %v", c.Agency, id, event, peertest.Events(tl))
		}
		time.Sleep(peertest.Poll)
	}
}

// peerFlow is one protocol flow run on a shared scene.
type peerFlow struct {
	name string
	run  func(t *testing.T, s *scene)
}

// peerFlows are every flow of the list (peer_e2e_flows_test.go,
// peer_e2e_answers_test.go).
func peerFlows() []peerFlow {
	return slices.Concat(loanFlows(), answerFlows())
}

func TestPeerFlowsBetweenTwoProcesses(t *testing.T) {
	t.Parallel()
	for _, v := range []string{directory.Version2021, directory.Version12} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newScene(t, v)
			t.Run("flow", func(t *testing.T) {
				for _, f := range peerFlows() {
					t.Run(f.name, func(t *testing.T) {
						t.Parallel()
						f.run(t, s)
					})
				}
			})
			s.checkEveryMessage(t)
		})
	}
}

// checkEveryMessage validates every message and confirmation that went
// between the processes, and every raw message either one stored, against
// the XSD of the version; and requires that every message was confirmed
// OK and none was written in the other version.
func (s *scene) checkEveryMessage(t *testing.T) {
	t.Helper()
	var docs [][]byte
	for _, nd := range []*peertest.Node{s.borrower, s.lender} {
		log := nd.Tap.Log()
		docs = append(docs, peertest.Documents(log)...)
		for _, e := range log {
			if e.Msg.Type == "" {
				t.Errorf("to %s: an unreadable message: %.300s", nd.Spec.Name, e.Body)
				continue
			}
			if e.Msg.Version != s.iso {
				t.Errorf("to %s: %s written in %s, want %s", nd.Spec.Name, e.Msg, e.Msg.Version, s.iso)
			}
			if e.Delivered() {
				continue
			}
			t.Errorf("to %s: %s answered %d %s", nd.Spec.Name, e.Msg, e.Status, e.Conf)
		}
	}
	stored := 0
	for _, tr := range s.touched {
		raw := peertest.Raw(tr.c.Timeline(t, tr.id))
		stored += len(raw)
		docs = append(docs, raw...)
	}
	n := peertest.ValidateAll(t, s.iso, docs)
	t.Logf("ISO 18626 %s: %d messages on the wire, %d stored, %d distinct documents valid against the XSD",
		s.iso, s.borrower.Tap.Len()+s.lender.Tap.Len(), stored, n)
	if n < 50 {
		t.Errorf("only %d distinct documents checked: the flows did not run", n)
	}
}
