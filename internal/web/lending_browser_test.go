package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/testenv"
)

// A lending librarian, keyboard only: the desk's new queue, two requests
// selected and answered "expect to supply" in one batch, the pull slip
// queue, a request opened, its slip marked printed and the copy found
// (WillSupply reaches the borrower). axe-core checks every page on the
// way; a hand entry with nothing filled in shows what is missing.
func TestBrowserLendingDeskByKeyboard(t *testing.T) {
	t.Parallel()
	w := newLendingWorld(t)
	reqs := []*ill.Request{w.ask(t, "First lending book", ""), w.ask(t, "Second lending book", "Rush"), w.ask(t, "Third lending book", "")}

	b := testenv.NewBrowser(t, w.URL)
	b.Login("b@example.edu", apptest.Password)
	b.TabTo("Lending")
	b.AndWait(func() { b.Press("Enter") })
	if b.Path() != "/lending" {
		t.Fatalf("the Lending link went to %s", b.Path())
	}
	b.Axe()
	b.AndWait(func() { b.Press("1") })
	if got := b.Location(); !strings.HasSuffix(got, "/lending?queue=new") {
		t.Fatalf("1 went to %s", got)
	}
	if got := b.Text(".lending-table tbody"); !strings.Contains(got, "First lending book") || !strings.Contains(got, "Rush") {
		t.Fatalf("new queue:\n%s", got)
	}
	b.Axe()
	// The list has focus: x selects the first, j moves, x the second.
	b.WaitFocused("input: Select")
	b.Press("x", "j", "x", "b")
	if f := b.Focused(); !strings.HasPrefix(f, "select: Action") {
		t.Fatalf("b focused %q, want the batch action", f)
	}
	b.TabTo("Apply to the selected")
	b.AndWait(func() { b.Press("Enter") })
	if got := b.Text("main"); !strings.Contains(got, "Expect to supply: done for 2 requests.") {
		t.Fatalf("after the batch:\n%s", got)
	}
	states := map[ill.State]int{}
	for _, r := range reqs {
		cur, err := w.App.GetRequest(context.Background(), w.lenderActor, r.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		states[cur.State]++
	}
	if states[ill.LAwaitingSlip] != 2 || states[ill.LNew] != 1 {
		t.Fatalf("states after the batch: %v, want 2 awaiting the pull slip and 1 new", states)
	}

	// The pull slip queue; open the first request.
	b.AndWait(func() { b.Press("2") })
	if got := b.Location(); !strings.HasSuffix(got, "queue=pull_slips") {
		t.Fatalf("2 went to %s", got)
	}
	b.WaitFocused("input: Select")
	b.AndWait(func() { b.Press("o") })
	id := strings.TrimPrefix(b.Path(), "/requests/")
	b.WaitVisible(".lending-panel")
	if got := b.Text("main"); !strings.Contains(got, "Our copies") || !strings.Contains(got, "The borrower") {
		t.Fatalf("request page without the lending panel:\n%s", got)
	}
	b.Axe()
	b.AndWait(func() { b.Press("p") })
	if cur, _ := w.App.GetRequest(context.Background(), w.lenderActor, id); cur.State != ill.LPulled {
		t.Fatalf("p: %s is %s, want pulled", id, cur.State)
	}
	b.AndWait(func() { b.Press("f") })
	cur, _ := w.App.GetRequest(context.Background(), w.lenderActor, id)
	if cur.State != ill.LAwaitingShip {
		t.Fatalf("f: %s is %s, want awaiting shipping", id, cur.State)
	}
	// The borrower hears WillSupply.
	deadline := time.Now().Add(20 * time.Second)
	for {
		bor, err := w.App.GetRequest(context.Background(), w.borrowerActor, cur.PartnerRequestID)
		if err != nil {
			t.Fatal(err)
		}
		if bor.PartnerStatus == ill.StatusWillSupply {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the borrower sees %q, want WillSupply", bor.PartnerStatus)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := b.Text("main"); !strings.Contains(got, "Awaiting shipping") {
		t.Errorf("request page after found:\n%s", got)
	}

	// Enter by hand with nothing filled in: a clear message, nothing added.
	b.Navigate("/lending")
	b.AndWait(func() { b.Press("N") })
	if b.Path() != "/lending/new" {
		t.Fatalf("N went to %s", b.Path())
	}
	b.Axe()
	b.TabTo("Save the request")
	b.AndWait(func() { b.Press("Enter") })
	if got := b.Text("main"); !strings.Contains(got, "the borrowing library's ISIL or symbol") {
		t.Errorf("empty hand entry:\n%s", got)
	}
	b.Axe()
	if qs, open, err := w.App.LendingQueues(context.Background(), w.lenderActor); err != nil || open != 3 {
		t.Errorf("open lending requests %d (%v), want still 3: %+v", open, err, qs)
	}
}
