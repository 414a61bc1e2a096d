package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/testenv"
)

// TestBrowserBorrowingDeskFlow: in a browser, staff find a request in the
// desk's queue after it was routed to a partner, receive it by typing the
// item's barcode into the scan box (keyboard only), get the hold slip,
// and after the pickup deadline find it under "Pickup expired" with the
// return to the lender as the next scan. axe-core checks each page.
func TestBrowserBorrowingDeskFlow(t *testing.T) {
	t.Parallel()
	w, patronID := deskWorld(t)
	ctx := context.Background()
	r, err := w.App.CreateRequest(ctx, w.borrowerActor, app.NewRequest{PatronID: patronID, PickupLocation: "Front desk",
		Citation: ill.Citation{Title: "Browser Desk Book", Author: "Writer, Ann"}, Lenders: []app.RotaChoice{{Lender: "US-EXB", Reason: "by hand"}}, Send: true})
	if err != nil {
		t.Fatal(err)
	}
	lid := waitLending(t, w, r.PublicID)
	b := testenv.NewBrowser(t, w.URL)
	b.Login("a@example.edu", apptest.Password)
	b.Navigate("/borrowing?queue=with_lenders")
	if got := b.Text(".borrowing-list"); !strings.Contains(got, r.PublicID) {
		t.Fatalf("with lenders queue: %q lacks %s", got, r.PublicID)
	}
	b.Axe()
	lender := app.ActorFor(mustUser(t, w, "b@example.edu"), "US-EXB")
	for _, a := range []ill.ActionName{ill.ActWillSupply, ill.ActShip} {
		params := map[string]any{}
		if a == ill.ActShip {
			params["barcode"] = "39001000444"
		}
		if _, err := w.App.Perform(ctx, lender, lid, a, params, 0); err != nil {
			t.Fatal(err)
		}
	}
	waitBorrowing(t, w, r.PublicID, ill.BShipped)
	b.Navigate("/borrowing")
	if got := b.Text(`.borrowing-queues a[aria-current="page"]`); !strings.Contains(got, "In transit") {
		t.Errorf("default queue %q, want In transit (the first with requests)", got)
	}
	// The scan box has the focus and "Receive" chosen for this queue.
	if f := b.Focused(); !strings.Contains(f, "Request id or item barcode") {
		t.Errorf("focus on %q, want the scan box", f)
	}
	b.Press("39001000444")
	b.AndWait(func() { b.Press("Enter") })
	if p := b.Path(); p != "/requests/"+r.PublicID+"?slip=1" {
		t.Fatalf("after the scan: on %s", p)
	}
	if got := b.Text(".flash"); !strings.Contains(got, r.PublicID) {
		t.Errorf("flash after receipt: %q", got)
	}
	b.Axe()
	href := testenv.Eval[string](b, `document.getElementById("holdslip-link").getAttribute("href")`)
	if href != "/requests/"+r.PublicID+"/holdslip.pdf" {
		t.Fatalf("hold slip link %q", href)
	}
	// The slip, fetched with the browser's session.
	c := w.borrower
	resp := c.Get(href)
	if resp.Status != http.StatusOK {
		t.Fatalf("hold slip: %d", resp.Status)
	}
	if text := testenv.PDFText(t, []byte(resp.Body)); !strings.Contains(text, "Pat Desk") || !strings.Contains(text, r.PublicID) {
		t.Errorf("hold slip text:\n%s", text)
	}
	if codes := testenv.PDFBarcodes(t, []byte(resp.Body)); len(codes) != 1 || codes[0] != r.PublicID {
		t.Errorf("hold slip barcodes %v", codes)
	}
	// The pickup deadline passes.
	got, _ := w.App.GetRequest(ctx, w.borrowerActor, r.PublicID)
	w.Clock.Set(got.PickupDeadline.Add(time.Minute))
	w.App.Jobs.Kick()
	waitBorrowing(t, w, r.PublicID, ill.BPickupExpired)
	b.Login("a@example.edu", apptest.Password) // a week later: the session ended
	b.Navigate("/borrowing?queue=pickup_expired")
	if got := b.Text(".borrowing-list"); !strings.Contains(got, r.PublicID) {
		t.Errorf("pickup expired queue: %q lacks %s", got, r.PublicID)
	}
	if sel := testenv.Eval[string](b, `document.getElementById("bscan-action").value`); sel != "ship_return" {
		t.Errorf("scan action in pickup expired: %q, want ship_return", sel)
	}
	b.Axe()
	b.Screenshot(t.TempDir() + "/desk.png")
}
