package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/ill"
)

func init() {
	addPseudoPage(
		pseudoPage{Page: "lending_desk", Name: "lending_desk/new", As: "lending", Path: "/lending?queue=new",
			Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
				pseudoLending(t, pw, "Lending desk title")
				return ""
			}},
		pseudoPage{Page: "lending_desk", Name: "lending_desk/all", As: "manager", Path: "/lending?sort=service"},
		pseudoPage{Page: "lending_new", As: "lending", Path: "/lending/new"},
		pseudoPage{Page: "lending_panel", As: "lending",
			Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
				r := pseudoLending(t, pw, "Lending panel title")
				return "/requests/" + r.PublicID + "/lending"
			}},
	)
}

// pseudoLending makes a lending request at the pseudo library, entered by
// hand from a partner.
func pseudoLending(t *testing.T, pw *pseudoWorld, title string) *ill.Request {
	t.Helper()
	pw.Known(title, "US-PSB", "Loan", "Urgent", "manual", "Example, Lender")
	r, err := pw.App.EnterLendingRequest(context.Background(), pw.actor("manager"), app.NewLendingRequest{Borrower: "US-PSB",
		Citation: ill.Citation{Title: title, Author: "Example, Lender"}, ServiceLevel: "Urgent"})
	if err != nil {
		t.Fatal(err)
	}
	pw.Known(r.PublicID, r.PartnerRequestID)
	return r
}

// lendingWorld is a lender (US-EXB) with staff logged in, and a borrower
// (US-EXA) sending it requests.
type lendingWorld struct {
	*requestWorld
	lenderActor ill.Actor
}

func newLendingWorld(t *testing.T) *lendingWorld {
	rw := newRequestWorld(t)
	return &lendingWorld{requestWorld: rw, lenderActor: app.ActorFor(rw.userByEmail(t, "b@example.edu"), "US-EXB")}
}

// ask sends a loan request from A to B and returns B's lending request.
func (w *lendingWorld) ask(t *testing.T, title, level string) *ill.Request {
	t.Helper()
	r, err := w.App.CreateRequest(context.Background(), w.borrowerActor, app.NewRequest{Citation: ill.Citation{Title: title}, ServiceLevel: level,
		Lenders: []app.RotaChoice{{Lender: "US-EXB"}}, Send: true})
	if err != nil {
		t.Fatal(err)
	}
	var lid string
	waitFor(t, "the request to reach the lender", func() bool {
		id, err := w.App.LendingIDFor(context.Background(), "US-EXB", "US-EXA", r.PublicID)
		lid = id
		return err == nil
	})
	l, err := w.App.GetRequest(context.Background(), w.lenderActor, lid)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLendingDeskQueuesSortAndBatch(t *testing.T) {
	t.Parallel()
	w := newLendingWorld(t)
	slow := w.ask(t, "Slow book", "")
	fast := w.ask(t, "Urgent book", "Urgent")
	third := w.ask(t, "Third book", "Normal")

	page := w.lender.Get("/lending?queue=new&sort=service")
	if page.Status != 200 {
		t.Fatalf("desk: %d\n%s", page.Status, page.Body)
	}
	if !strings.Contains(page.Body, "New <span class=\"count-badge\">3</span>") {
		t.Errorf("the new queue does not count 3:\n%s", page.Body)
	}
	if i, j := strings.Index(page.Body, fast.PublicID), strings.Index(page.Body, slow.PublicID); i < 0 || j < 0 || i > j {
		t.Errorf("sorted by service level, the urgent request %s is not first (%d, %d)", fast.PublicID, i, j)
	}

	// Batch: expect to supply for two; the third changed meanwhile.
	if _, err := w.App.Perform(context.Background(), w.lenderActor, third.PublicID, ill.ActExpectToSupply, nil, 0); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"action": {string(ill.ActExpectToSupply)}, "back": {"/lending?queue=new"}}
	for _, r := range []*ill.Request{slow, fast, third} {
		form.Add("id", r.PublicID+":"+strconv.FormatInt(r.Version, 10))
	}
	res := w.lender.Post("/lending/batch", form)
	if res.Status != http.StatusSeeOther || res.Location != "/lending?queue=new" {
		t.Fatalf("batch: %d → %q\n%s", res.Status, res.Location, res.Body)
	}
	page = w.lender.Get("/lending?queue=new")
	if !strings.Contains(page.Body, "Expect to supply: done for 2 requests.") || !strings.Contains(page.Body, third.PublicID+" was not changed") ||
		!strings.Contains(page.Body, "changed by someone else") {
		t.Errorf("batch messages missing:\n%s", page.Body)
	}
	for _, r := range []*ill.Request{slow, fast} {
		if cur, _ := w.App.GetRequest(context.Background(), w.lenderActor, r.PublicID); cur.State != ill.LAwaitingSlip {
			t.Errorf("%s is %s after the batch, want awaiting_pull_slip", r.PublicID, cur.State)
		}
	}
	if cur, _ := w.App.GetRequest(context.Background(), w.lenderActor, third.PublicID); cur.Version != third.Version+1 {
		t.Errorf("the stale request was changed by the batch (version %d, want %d)", cur.Version, third.Version+1)
	}
	page = w.lender.Get("/lending?queue=pull_slips")
	if !strings.Contains(page.Body, "Pull slips <span class=\"count-badge\">3</span>") {
		t.Errorf("pull slip queue count wrong:\n%s", page.Body)
	}

	// Bad input: an unknown queue, an empty selection, an action the state does not allow.
	if res := w.lender.Get("/lending?queue=nonsense"); res.Status != http.StatusNotFound {
		t.Errorf("unknown queue: %d", res.Status)
	}
	res = w.lender.Post("/lending/batch", url.Values{"action": {string(ill.ActFound)}})
	if page := w.lender.Get(res.Location); res.Status != http.StatusSeeOther || !strings.Contains(page.Body, "Select at least one request first.") {
		t.Errorf("empty batch: %d %q", res.Status, res.Location)
	}
	cur, _ := w.App.GetRequest(context.Background(), w.lenderActor, slow.PublicID)
	res = w.lender.Post("/lending/batch", url.Values{"action": {string(ill.ActShip)}, "id": {cur.PublicID + ":" + strconv.FormatInt(cur.Version, 10)}})
	if page := w.lender.Get(res.Location); !strings.Contains(page.Body, cur.PublicID+" was not changed") {
		t.Errorf("an action the state does not allow was not reported:\n%s", page.Body)
	}
	if after, _ := w.App.GetRequest(context.Background(), w.lenderActor, slow.PublicID); after.Version != cur.Version {
		t.Error("a refused batch action changed the request")
	}
	// The borrower's staff cannot act on the lender's requests.
	res = w.borrower.Post("/lending/batch", url.Values{"action": {string(ill.ActFound)}, "id": {cur.PublicID + ":0"}})
	if page := w.borrower.Get(res.Location); !strings.Contains(page.Body, "no request "+cur.PublicID+" here") {
		t.Errorf("another library acted on the request:\n%s", page.Body)
	}
}

func TestLendingEnterByHandAndPanel(t *testing.T) {
	t.Parallel()
	w := newLendingWorld(t)
	// Bad input: no borrower, no title.
	res := w.lender.Post("/lending/new", url.Values{"title": {""}})
	if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "the borrowing library") || !strings.Contains(res.Body, "a title or an identifier") {
		t.Fatalf("empty form: %d\n%s", res.Status, res.Body)
	}
	form := url.Values{"borrower": {"us-exa"}, "borrowerRequestId": {"EMAIL-77"}, "title": {"Hand-entered book"}, "isbn": {"9780618249060"},
		"serviceLevel": {"Rush"}, "needBefore": {"2030-01-31"}, "externalSystem": {"email"}}
	res = w.lender.Post("/lending/new", form)
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/requests/") {
		t.Fatalf("enter: %d\n%s", res.Status, res.Body)
	}
	id := strings.TrimPrefix(res.Location, "/requests/")
	// The same request again is refused, and nothing is added.
	if res := w.lender.Post("/lending/new", form); res.Status != http.StatusConflict || !strings.Contains(res.Body, "entered before, as "+id) {
		t.Fatalf("duplicate: %d\n%s", res.Status, res.Body)
	}
	page := w.lender.Get(res.Location)
	if !strings.Contains(page.Body, `hx-get="/requests/`+id+`/lending"`) {
		t.Errorf("the request page does not load the lending panel")
	}
	panel := w.lender.Get("/requests/" + id + "/lending")
	for _, want := range []string{"No matching record in our catalog.", "Suggested answer", "Unfilled", "NotHeld", "Entered by hand", "email EMAIL-77"} {
		if !strings.Contains(panel.Body, want) {
			t.Errorf("panel lacks %q:\n%s", want, panel.Body)
		}
	}
	desk := w.lender.Get("/lending?queue=new")
	if !strings.Contains(desk.Body, id) || !strings.Contains(desk.Body, "By hand") || !strings.Contains(desk.Body, "Rush") {
		t.Errorf("desk does not list the hand-entered request:\n%s", desk.Body)
	}
	// A borrowing request has no lending panel.
	if res := w.borrower.Get("/requests/" + id + "/lending"); res.Status != http.StatusNotFound {
		t.Errorf("another library sees the panel: %d", res.Status)
	}
}
