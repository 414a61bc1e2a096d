package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/patron"
	"interlend/internal/store"
	"interlend/internal/testenv"
)

// The borrowing desk's pages (routes_borrowing.go), for the pseudo-locale
// and axe-core tests.
func init() {
	addPseudoPage(
		pseudoPage{Page: "borrowing_desk", Name: "borrowing_desk/with_lenders", As: "borrowing", Path: "/borrowing?queue=with_lenders",
			Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
				pseudoRequest(t, pw, "Borrowing desk title")
				return ""
			}},
		pseudoPage{Page: "borrowing_desk", Name: "borrowing_desk/empty", As: "manager", Path: "/borrowing?queue=problems"},
		pseudoPage{Page: "borrowing_desk", Name: "borrowing_desk/default", As: "borrowing", Path: "/borrowing"},
		pseudoPage{Page: "borrowing_new", As: "borrowing", Path: "/borrowing/new"},
		pseudoPage{Page: "borrowing_citation", As: "borrowing",
			Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
				pw.Known("Citation page title", "Example, Author")
				r, err := pw.App.CreateRequest(context.Background(), pw.actor("manager"), app.NewRequest{Citation: ill.Citation{Title: "Citation page title", Author: "Example, Author"}})
				if err != nil {
					t.Fatal(err)
				}
				pw.Known(r.PublicID)
				return "/requests/" + r.PublicID + "/citation"
			}},
	)
}

// deskWorld is a borrower (A) and a lender (B) with staff logged in at
// each, and a patron of A.
func deskWorld(t *testing.T) (*requestWorld, int64) {
	w := newRequestWorld(t)
	p, err := w.App.CreatePatron(context.Background(), w.borrowerActor, "US-EXA", patron.Record{Barcode: "22000111222333", Name: "Pat Desk", Email: "pat.desk@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	return w, p.ID
}

// TestBorrowingDeskHTTP: a request placed for a patron through the form,
// sent to B, shipped by B, received by a scan at the desk (to its page,
// the hold slip offered); the slip PDF names the patron and carries the
// request id as a barcode; the queues count it on the way.
func TestBorrowingDeskHTTP(t *testing.T) {
	t.Parallel()
	w, _ := deskWorld(t)
	c := w.borrower
	c.Get("/borrowing/new")
	// Bad input: no title, a bad date, an unknown patron: all said, nothing stored.
	resp := c.Post("/borrowing/new", url.Values{"patron": {"nobody-here"}, "needBefore": {"31/02/2026"}, "serviceType": {"Loan"}})
	if resp.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: status %d", resp.Status)
	}
	for _, want := range []string{"No patron has this barcode", "Use a date such as", "Give a title or an identifier"} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("bad form lacks %q", want)
		}
	}
	if _, n, _ := w.App.ListRequests(context.Background(), w.borrowerActor, storeAll()); n != 0 {
		t.Fatalf("%d requests stored from a bad form", n)
	}
	resp = c.Post("/borrowing/new", url.Values{"patron": {"22000111222333"}, "serviceType": {"Loan"}, "title": {"Desk <script>alert(1)</script> Book"},
		"author": {"Writer, Ann"}, "pickupLocation": {"Front desk"}, "send": {"1"}})
	if resp.Status != http.StatusSeeOther || !strings.HasPrefix(resp.Location, "/requests/B") {
		t.Fatalf("create: %d %s\n%s", resp.Status, resp.Location, resp.Body)
	}
	id := strings.TrimPrefix(resp.Location, "/requests/")
	// Route it to B by hand (the test world has no directory).
	if err := w.App.AddLender(context.Background(), w.borrowerActor, id, app.RotaChoice{Lender: "US-EXB", Reason: "by hand"}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := w.App.Perform(context.Background(), w.borrowerActor, id, ill.ActSend, nil, 0); err != nil {
		t.Fatal(err)
	}
	page := c.Get("/borrowing?queue=with_lenders")
	if !strings.Contains(page.Body, id) || strings.Contains(page.Body, "<script>alert(1)") {
		t.Fatalf("with lenders queue lacks %s or shows script unescaped", id)
	}
	lid := waitLending(t, w, id)
	for _, a := range []ill.ActionName{ill.ActWillSupply, ill.ActShip} {
		params := map[string]any{}
		if a == ill.ActShip {
			params["barcode"] = "39001000999"
		}
		if _, err := w.App.Perform(context.Background(), app.ActorFor(mustUser(t, w, "b@example.edu"), "US-EXB"), lid, a, params, 0); err != nil {
			t.Fatal(err)
		}
	}
	waitBorrowing(t, w, id, ill.BShipped)
	c.Get("/borrowing?queue=in_transit")
	resp = c.Post("/borrowing/scan", url.Values{"action": {"receive"}, "code": {"39001000999"}})
	if resp.Status != http.StatusSeeOther || resp.Location != "/requests/"+id+"?slip=1" {
		t.Fatalf("receive scan: %d %s\n%s", resp.Status, resp.Location, resp.Body)
	}
	detail := c.Get(resp.Location)
	if !strings.Contains(detail.Body, "/requests/"+id+"/holdslip.pdf") {
		t.Error("the request page offers no hold slip")
	}
	slip := c.Get("/requests/" + id + "/holdslip.pdf")
	if slip.Status != http.StatusOK || slip.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("hold slip: %d %s", slip.Status, slip.Header.Get("Content-Type"))
	}
	text := testenv.PDFText(t, []byte(slip.Body))
	for _, want := range []string{"Pat Desk", "…2333", "Front desk", "Pick up by", id} {
		if !strings.Contains(text, want) {
			t.Errorf("hold slip lacks %q:\n%s", want, text)
		}
	}
	if codes := testenv.PDFBarcodes(t, []byte(slip.Body)); len(codes) != 1 || codes[0] != id {
		t.Errorf("hold slip barcodes %v, want [%s]", codes, id)
	}
	// A wrong scan comes back on the desk with a message, nothing changed.
	resp = c.Post("/borrowing/scan", url.Values{"action": {"ship_return"}, "code": {"NOPE-123"}})
	if resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "No borrowing request has the code NOPE-123") {
		t.Errorf("unknown scan: %d", resp.Status)
	}
	// The lender cannot see the borrower's desk data: its desk lists none.
	if b := w.lender.Get("/borrowing?queue=awaiting_pickup"); strings.Contains(b.Body, id) {
		t.Error("the lender's borrowing desk shows the borrower's request")
	}
	if b := w.lender.Get("/requests/" + id + "/holdslip.pdf"); b.Status != http.StatusNotFound {
		t.Errorf("the lender got the borrower's hold slip: %d", b.Status)
	}
}

// TestBorrowingDeskCSRF: every POST of the desk is refused without the
// session's token, and changes nothing.
func TestBorrowingDeskCSRF(t *testing.T) {
	t.Parallel()
	w, _ := deskWorld(t)
	r, err := w.App.CreateRequest(context.Background(), w.borrowerActor, app.NewRequest{Citation: ill.Citation{Title: "CSRF title"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/borrowing/scan", "/borrowing/new", "/requests/" + r.PublicID + "/citation"} {
		for _, tok := range []string{"", "forged-token"} {
			resp := w.borrower.Post(path, url.Values{"csrf": {tok}, "title": {"Changed"}, "code": {r.PublicID}, "action": {"receive"}, "version": {"1"}})
			if resp.Status != http.StatusForbidden {
				t.Errorf("POST %s with token %q: %d, want 403", path, tok, resp.Status)
			}
		}
	}
	got, _ := w.App.GetRequest(context.Background(), w.borrowerActor, r.PublicID)
	if got.Citation.Title != "CSRF title" {
		t.Errorf("title changed to %q", got.Citation.Title)
	}
	if _, n, _ := w.App.ListRequests(context.Background(), w.borrowerActor, storeAll()); n != 1 {
		t.Errorf("%d requests after forged posts, want 1", n)
	}
}

// TestBorrowingCitationRetry: the citation form corrects a request in
// review; a stale version is refused with the page kept.
func TestBorrowingCitationEdit(t *testing.T) {
	t.Parallel()
	w, _ := deskWorld(t)
	r, err := w.App.CreateRequest(context.Background(), w.borrowerActor, app.NewRequest{Citation: ill.Citation{Title: "Wrong title"}})
	if err != nil {
		t.Fatal(err)
	}
	w.borrower.Get("/requests/" + r.PublicID + "/citation")
	v := strconv.FormatInt(r.Version, 10)
	resp := w.borrower.Post("/requests/"+r.PublicID+"/citation", url.Values{"title": {"Right title"}, "author": {"Author, Right"}, "version": {v}})
	if resp.Status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", resp.Status, resp.Body)
	}
	got, _ := w.App.GetRequest(context.Background(), w.borrowerActor, r.PublicID)
	if got.Citation.Title != "Right title" || got.Citation.Author != "Author, Right" {
		t.Errorf("citation %+v", got.Citation)
	}
	w.borrower.Get("/requests/" + r.PublicID + "/citation")
	resp = w.borrower.Post("/requests/"+r.PublicID+"/citation", url.Values{"title": {"Stale edit"}, "version": {v}})
	if resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "Stale edit") {
		t.Errorf("stale save: %d", resp.Status)
	}
	// The lender's staff cannot open it.
	if b := w.lender.Get("/requests/" + r.PublicID + "/citation"); b.Status != http.StatusNotFound {
		t.Errorf("lender opened the borrower's citation form: %d", b.Status)
	}
}

func storeAll() store.RequestFilter { return store.RequestFilter{Limit: 500} }

func mustUser(t *testing.T, w *requestWorld, email string) store.User {
	t.Helper()
	var u store.User
	err := w.App.DB.Read(context.Background(), func(tx *store.Tx) (err error) { u, err = tx.System().UserByEmail(email); return })
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// waitLending polls (with a deadline) for the lending request B made of a
// borrowing request.
func waitLending(t *testing.T, w *requestWorld, borrowing string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		var id string
		_ = w.App.DB.Read(context.Background(), func(tx *store.Tx) error {
			rs, _, err := tx.Agency().ListRequests("US-EXB", store.RequestFilter{Side: ill.Lending, Partner: "US-EXA"})
			for _, r := range rs {
				if strings.HasPrefix(r.PartnerRequestID, borrowing) {
					id = r.PublicID
				}
			}
			return err
		})
		if id != "" {
			return id
		}
		w.App.Jobs.Kick()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no lending request for %s", borrowing)
	return ""
}

// waitBorrowing polls (with a deadline) for a borrowing request's state.
func waitBorrowing(t *testing.T, w *requestWorld, id string, want ill.State) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var got ill.State
	for time.Now().Before(deadline) {
		r, err := w.App.GetRequest(context.Background(), w.borrowerActor, id)
		if err != nil {
			t.Fatal(err)
		}
		if got = r.State; got == want {
			return
		}
		w.App.Jobs.Kick()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s is %s, want %s", id, got, want)
}
