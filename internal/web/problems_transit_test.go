package web_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// The problems queue and a request's problems panel, for the
// pseudo-locale and axe tests: open problems (one late), a closed one.
func init() {
	addPseudoPage(
		pseudoPage{Page: "problems_queue", Name: "problems_queue/open", As: "manager", Path: "/problems",
			Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
				pseudoProblems(t, pw)
				return ""
			}},
		pseudoPage{Page: "problems_queue", Name: "problems_queue/closed", As: "manager", Path: "/problems?tab=closed&kind=claimed_returned",
			Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
				pseudoProblems(t, pw)
				return ""
			}},
		pseudoPage{Page: "problems_panel", As: "manager",
			Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
				return "/requests/" + pseudoProblems(t, pw) + "/problems"
			}},
	)
}

// pseudoProblems gives a request of the pseudo world an open "not
// received" problem at its claim step and a closed "claimed returned"
// one; it returns the request's id.
func pseudoProblems(t *testing.T, pw *pseudoWorld) string {
	t.Helper()
	var id string
	pw.Once("problems_transit", func() {
		r := pseudoRequest(t, pw, "Problem title")
		id = r.PublicID
		err := pw.App.DB.Transact(context.Background(), func(tx *store.Tx) error {
			p := &store.Problem{RequestID: r.ID, Kind: ill.ProbNotReceived, Step: "claim", Note: "Nothing came"}
			if _, err := tx.Agency().OpenProblem(r.Agency, p); err != nil {
				return err
			}
			if err := tx.Agency().SetProblemStep(r.Agency, p.ID, "claim", "settle", tx.Now().Add(-time.Hour)); err != nil {
				return err
			}
			q := &store.Problem{RequestID: r.ID, Kind: ill.ProbClaimedReturned, Step: "trace"}
			if _, err := tx.Agency().OpenProblem(r.Agency, q); err != nil {
				return err
			}
			return tx.Agency().CloseProblem(r.Agency, q.ID, "found", "")
		})
		if err != nil {
			t.Fatal(err)
		}
		pw.Known("Nothing came")
		pseudoProblemRequests.Store(pw, id)
	})
	v, _ := pseudoProblemRequests.Load(pw)
	s, _ := v.(string)
	return s
}

// pseudoProblemRequests is, per pseudo world, its request with problems.
var pseudoProblemRequests sync.Map

// TestProblemsQueueHTTP: the queue lists the open problem with its
// request, kind, step and next step, filters by kind and side, shows the
// closed one on its tab; the request's panel lists both and offers no
// button the request's state does not allow.
func TestProblemsQueueHTTP(t *testing.T) {
	t.Parallel()
	pw := newPseudoWorld(t)
	id := pseudoProblems(t, pw)
	c := pw.Client(t)
	c.Login(pw.Users["manager"].Email)
	resp := c.Get("/problems")
	if resp.Status != http.StatusOK {
		t.Fatalf("queue: %d", resp.Status)
	}
	for _, want := range []string{id, "Problem title", "Not received", "Claim lost in transit", "Settle who pays", "Staff to act.", "Late"} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("queue lacks %q", want)
		}
	}
	if strings.Contains(resp.Body, "Claimed returned</td>") {
		t.Error("the closed problem is on the open tab")
	}
	for path, has := range map[string]bool{
		"/problems?kind=not_received":                  true,
		"/problems?kind=wrong_item":                    false,
		"/problems?side=lending":                       false,
		"/problems?side=borrowing&kind=not_received":   true,
		"/problems?tab=closed":                         false,
		"/problems?tab=closed&kind=claimed_returned":   false,
		"/problems?tab=closed&kind=nonsense&side=nope": false,
	} {
		body := c.Get(path).Body
		if got := strings.Contains(body, `data-kind="not_received"`); got != has {
			t.Errorf("%s: lists the open problem %v, want %v", path, got, has)
		}
	}
	if body := c.Get("/problems?tab=closed").Body; !strings.Contains(body, `data-kind="claimed_returned"`) || !strings.Contains(body, "found") {
		t.Errorf("closed tab lacks the closed problem")
	}
	panel := c.Get("/requests/" + id + "/problems").Body
	for _, want := range []string{"Not received", "Claimed returned", "Closed", "Nothing came"} {
		if !strings.Contains(panel, want) {
			t.Errorf("panel lacks %q", want)
		}
	}
	if strings.Contains(panel, "/actions/claim_lost_transit") {
		t.Error("the panel offers a claim on a request that was never shipped")
	}
	if resp := c.Get("/requests/" + id); !strings.Contains(resp.Body, `hx-get="/requests/`+id+`/problems"`) {
		t.Error("the request page does not load its problems")
	}

	// A claimed return shows the return's courier and tracking to trace.
	r := pseudoRequest(t, pw, "Returned title")
	err := pw.App.DB.Transact(context.Background(), func(tx *store.Tx) error {
		got, err := tx.Agency().LockRequest(r.Agency, r.PublicID)
		if err != nil {
			return err
		}
		got.ReturnShipping = ill.Shipping{Courier: "USPS", TrackingID: "9400TRACE"}
		if err := tx.Agency().UpdateRequest(r.Agency, got, 0); err != nil {
			return err
		}
		_, err = tx.Agency().OpenProblem(r.Agency, &store.Problem{RequestID: r.ID, Kind: ill.ProbClaimedReturned, Step: "trace"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if panel := c.Get("/requests/" + r.PublicID + "/problems").Body; !strings.Contains(panel, "USPS 9400TRACE") || !strings.Contains(panel, "Trace the return") {
		t.Errorf("claimed return panel lacks the tracking:\n%s", panel)
	}
}
