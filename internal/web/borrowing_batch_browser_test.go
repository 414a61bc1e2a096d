package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/testenv"
)

// Borrowing desk, keyboard only (key events): Escape leaves the scan box
// for the list, a digit opens a queue, x / j / x select two requests, b
// goes to the batch action and the batch sends both (the third stays);
// Shift+A selects every row, o opens the current one, N the form for a
// patron. axe-core checks the desk with its batch form.
func TestBrowserBorrowingDeskBatchByKeyboard(t *testing.T) {
	t.Parallel()
	w, patronID := deskWorld(t)
	ctx := context.Background()
	var reqs []*ill.Request
	for _, c := range [][2]string{{"Walden", "Thoreau, Henry"}, {"Silent spring", "Carson, Rachel"}, {"The voyage out", "Woolf, Virginia"}} {
		r, err := w.App.CreateRequest(ctx, w.borrowerActor, app.NewRequest{PatronID: patronID, Citation: ill.Citation{Title: c[0], Author: c[1]},
			Lenders: []app.RotaChoice{{Lender: "US-EXB", Reason: "by hand"}}})
		if err != nil {
			t.Fatal(err)
		}
		if r.State != ill.BValidated {
			t.Fatalf("%s is %s, want ready to send", r.PublicID, r.State)
		}
		reqs = append(reqs, r)
	}
	b := testenv.NewBrowser(t, w.URL)
	b.Login("a@example.edu", apptest.Password)
	b.Navigate("/borrowing?queue=new")
	scanFocused(t, b)
	// "Ready to send" is the fifth queue.
	b.Press("Escape")
	b.AndWait(func() { b.Press("5") })
	if got := b.Location(); !strings.HasSuffix(got, "queue=ready") {
		t.Fatalf("5 went to %s", got)
	}
	b.Axe()
	scanFocused(t, b)
	b.Press("Escape")
	if f := b.Focused(); !strings.HasPrefix(f, "input: Select B") {
		t.Fatalf("Escape focused %q, want a row's checkbox", f)
	}
	b.Press("x", "j", "x", "b")
	if f := b.Focused(); !strings.HasPrefix(f, "select: Action") {
		t.Fatalf("b focused %q, want the batch action", f)
	}
	if v := testenv.Eval[string](b, `document.getElementById("bbatch-action").value`); v != string(ill.ActSend) {
		t.Fatalf("the ready queue's first batch action is %q, want send", v)
	}
	b.TabTo("Apply")
	b.AndWait(func() { b.Press("Enter") })
	if got := b.Text("main"); !strings.Contains(got, "Send to lender: done for 2 requests.") {
		t.Fatalf("after the batch:\n%s", got)
	}
	ready := 0
	for _, r := range reqs {
		cur, err := w.App.GetRequest(ctx, w.borrowerActor, r.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		if cur.State == ill.BValidated {
			ready++
		}
	}
	if ready != 1 {
		t.Fatalf("%d requests still ready to send, want 1", ready)
	}
	// Back on the same queue: Shift+A selects every row; o opens one.
	if got := b.Location(); !strings.Contains(got, "queue=ready") {
		t.Fatalf("after the batch on %s, want the ready queue", got)
	}
	scanFocused(t, b)
	b.Press("Escape", "Shift+A")
	if n := testenv.Eval[int](b, `document.querySelectorAll("input.lending-pick:checked").length`); n != 1 {
		t.Errorf("Shift+A checked %d rows, want the 1 left", n)
	}
	b.AndWait(func() { b.Press("o") })
	if p := b.Path(); !strings.HasPrefix(p, "/requests/B") {
		t.Fatalf("o went to %s", p)
	}
	b.Navigate("/borrowing?queue=ready")
	scanFocused(t, b)
	b.Press("Escape")
	b.AndWait(func() { b.Press("N") })
	if p := b.Path(); p != "/borrowing/new" {
		t.Fatalf("N went to %s", p)
	}
}

// scanFocused waits (with a deadline) for the desk's scan box to take the
// focus it asks for on arrival, so that the keys pressed next start there.
func scanFocused(t *testing.T, b *testenv.Browser) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		f := b.Focused()
		if strings.Contains(f, "Request id or item barcode") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("focus on %q, want the scan box", f)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
