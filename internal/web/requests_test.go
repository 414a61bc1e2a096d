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
	"interlend/internal/store"
)

// lendingPartner is a second library in the pseudo world, so that a
// request has someone to go to.
const lendingPartner = ill.AgencyID("US-PSB")

// pseudoRequest creates a borrowing request sent to a hosted lender and
// returns its id; the strings it shows are declared known.
func pseudoRequest(t *testing.T, pw *pseudoWorld, title string) *ill.Request {
	t.Helper()
	pw.Known(title, string(lendingPartner), "Example, Author")
	_ = pw.App.CreateAgency(context.Background(), ill.SystemActor(), lendingPartner, "Partner B")
	r, err := pw.App.CreateRequest(context.Background(), pw.actor("manager"), app.NewRequest{
		Citation: ill.Citation{Title: title, Author: "Example, Author"}, Lenders: []app.RotaChoice{{Lender: lendingPartner, Reason: "test"}}, Send: true})
	if err != nil {
		t.Fatal(err)
	}
	pw.Known(r.PublicID, "test", "Loan", "sent", "validated", "current", "pending")
	return r
}

func init() {
	addPseudoPage(
		pseudoPage{Page: "borrowing_desk", Name: "desk/borrowing", As: "borrowing", Path: "/borrowing", // routes_borrowing.go
			Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
				pseudoRequest(t, pw, "Desk title")
				return ""
			}},
		pseudoPage{Page: "desk", Name: "desk/lending", As: "lending", Path: "/lending"},
		pseudoPage{Page: "request_detail", As: "manager",
			Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
				r := pseudoRequest(t, pw, "Detail title")
				return "/requests/" + r.PublicID
			}},
		pseudoPage{Page: "search", As: "readonly", Path: "/search",
			Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
				pseudoRequest(t, pw, "Searchable title")
				return "/search?q=Searchable"
			}, Data: []string{"Searchable"}},
	)
}

// requestWorld has a borrower and a lender, with staff logged in at each.
type requestWorld struct {
	*apptest.World
	borrower, lender *apptest.Client
	borrowerActor    ill.Actor
}

func newRequestWorld(t *testing.T) *requestWorld {
	w := apptest.New(t, apptest.Options{Workers: 2})
	w.Agency(t, "US-EXA", "A")
	w.Agency(t, "US-EXB", "B")
	ua := w.User(t, "a@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleManager})
	w.User(t, "b@example.edu", ill.Grant{Agency: "US-EXB", Role: ill.RoleManager})
	rw := &requestWorld{World: w, borrower: w.Client(t), lender: w.Client(t), borrowerActor: app.ActorFor(ua, "US-EXA")}
	rw.borrower.Login("a@example.edu")
	rw.lender.Login("b@example.edu")
	return rw
}

func TestRequestPageActionsAndConflict(t *testing.T) {
	t.Parallel()
	w := newRequestWorld(t)
	r, err := w.App.CreateRequest(context.Background(), w.borrowerActor, app.NewRequest{
		Citation: ill.Citation{Title: "A <script>alert(1)</script> title"}, Lenders: []app.RotaChoice{{Lender: "US-EXB", Reason: "holds it"}}})
	if err != nil {
		t.Fatal(err)
	}
	page := w.borrower.Get("/requests/" + r.PublicID)
	if page.Status != 200 || !strings.Contains(page.Body, "Send to lender") || strings.Contains(page.Body, "<script>alert") {
		t.Fatalf("request page: %d, send button or escaping wrong\n%s", page.Status, page.Body)
	}
	if !strings.Contains(page.Body, "&lt;script&gt;") {
		t.Error("the title's markup is not escaped")
	}
	// Someone else sends it first; our form still has the old version.
	if _, err := w.App.Perform(context.Background(), w.borrowerActor, r.PublicID, ill.ActSend, nil, 0); err != nil {
		t.Fatal(err)
	}
	res := w.borrower.Post("/requests/"+r.PublicID+"/actions/cancel", url.Values{"version": {strconv.FormatInt(r.Version, 10)}})
	if res.Status != http.StatusConflict || !strings.Contains(res.Body, "changed by someone else") {
		t.Fatalf("stale form: %d\n%s", res.Status, res.Body)
	}
	cur, _ := w.App.GetRequest(context.Background(), w.borrowerActor, r.PublicID)
	if cur.State != ill.BSent {
		t.Fatalf("state %s after a refused action, want sent", cur.State)
	}
	// With the current version the action goes through.
	res = w.borrower.Post("/requests/"+r.PublicID+"/actions/request_cancel", url.Values{"version": {strconv.FormatInt(cur.Version, 10)}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("request_cancel: %d\n%s", res.Status, res.Body)
	}
	if page := w.borrower.Get("/requests/" + r.PublicID); !strings.Contains(page.Body, "Done: Ask the lender to cancel.") {
		t.Error("no confirmation after the action")
	}
	// Another library's staff cannot see it.
	if res := w.lender.Get("/requests/" + r.PublicID); res.Status != http.StatusNotFound {
		t.Errorf("the lender's staff see the borrower's record: %d", res.Status)
	}
}

func TestScanBoxRoutesToTheRequestAndNextAction(t *testing.T) {
	t.Parallel()
	w := newRequestWorld(t)
	r, err := w.App.CreateRequest(context.Background(), w.borrowerActor, app.NewRequest{
		Citation: ill.Citation{Title: "Scanned"}, Lenders: []app.RotaChoice{{Lender: "US-EXB"}}, Send: true})
	if err != nil {
		t.Fatal(err)
	}
	// The lender ships it with an item barcode.
	bActor := app.ActorFor(w.userByEmail(t, "b@example.edu"), "US-EXB")
	var lid string
	waitFor(t, "the request to reach the lender", func() bool {
		id, err := w.App.LendingIDFor(context.Background(), "US-EXB", "US-EXA", r.PublicID)
		lid = id
		return err == nil
	})
	for _, a := range []ill.ActionName{ill.ActWillSupply, ill.ActShip} {
		params := map[string]any{}
		if a == ill.ActShip {
			params["barcode"] = "39001000777"
		}
		if _, err := w.App.Perform(context.Background(), bActor, lid, a, params, 0); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "shipped at the borrower", func() bool {
		cur, _ := w.App.GetRequest(context.Background(), w.borrowerActor, r.PublicID)
		return cur.State == ill.BShipped
	})
	for _, code := range []string{r.PublicID, "39001000777"} {
		res := w.borrower.Get("/scan?q=" + url.QueryEscape(code))
		if res.Status != http.StatusSeeOther || res.Location != "/requests/"+r.PublicID+"?do=receive" {
			t.Errorf("scan %s: %d → %q, want the request with receive next", code, res.Status, res.Location)
		}
	}
	res := w.borrower.Get("/scan?q=NO-SUCH-CODE")
	if res.Status != http.StatusSeeOther || strings.Contains(res.Location, "/requests/") {
		t.Errorf("unknown code: %d → %q", res.Status, res.Location)
	}
	if page := w.borrower.Get("/"); !strings.Contains(page.Body, "No request or item found") {
		t.Error("no message for an unknown code")
	}
	// Search finds it by title on either desk.
	if page := w.borrower.Get("/search?q=Scanned"); !strings.Contains(page.Body, r.PublicID) {
		t.Error("search by title did not find the request")
	}
}

func (w *requestWorld) userByEmail(t *testing.T, email string) (u storeUser) {
	t.Helper()
	us, err := w.App.Users(context.Background(), ill.SystemActor(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range us {
		if x.Email == email {
			return x
		}
	}
	t.Fatalf("no user %s", email)
	return
}

type storeUser = store.User

// waitFor polls cond until it holds (async job delivery) or times out.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
