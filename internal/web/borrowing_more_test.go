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
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/testenv"
)

// The pages of routes_borrowing_more.go for the pseudo-locale test.
func init() {
	addPseudoPage(
		pseudoPage{Page: "borrowing_panel", As: "borrowing", Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
			return "/requests/" + pseudoRequest(t, pw, "Panel page title").PublicID + "/borrowing"
		}},
		pseudoPage{Page: "portal_notices", As: "patron", Path: "/portal/notices"},
	)
}

// The request page of a borrowing request loads the desk's panel: the
// patron's possible duplicates (a request for the same ISBN), and, for a
// loan on its way back, the return label, addressed to the lender's
// returns address from the directory (not its shipping address): the
// label's text is read back with pdftotext.
func TestBorrowingPanelDuplicatesAndReturnLabel(t *testing.T) {
	t.Parallel()
	w, patronID := deskWorld(t)
	ctx := context.Background()
	c := ill.Citation{Title: "The origin of species", Author: "Darwin, Charles", ISBN: "9780140432053", PublicationType: ill.PubBook}
	first, err := w.App.CreateRequest(ctx, w.borrowerActor, app.NewRequest{PatronID: patronID, Citation: c})
	if err != nil {
		t.Fatal(err)
	}
	second, err := w.App.CreateRequest(ctx, w.borrowerActor, app.NewRequest{PatronID: patronID, Citation: c})
	if err != nil {
		t.Fatal(err)
	}
	if page := w.borrower.Get("/requests/" + second.PublicID); !strings.Contains(page.Body, `hx-get="/requests/`+second.PublicID+`/borrowing"`) {
		t.Fatalf("the request page does not load the panel:\n%s", page.Body)
	}
	res := w.borrower.Get("/requests/" + second.PublicID + "/borrowing")
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "Possible duplicates") || !strings.Contains(res.Body, first.PublicID) ||
		!strings.Contains(res.Body, "the same item") {
		t.Fatalf("panel of the duplicate: %d\n%s", res.Status, res.Body)
	}
	if strings.Contains(res.Body, "returnlabel.pdf") {
		t.Error("a return label offered for a request not on its way back")
	}
	// htmx asks for the fragment only.
	req, _ := http.NewRequest(http.MethodGet, w.URL+"/requests/"+second.PublicID+"/borrowing", nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", "borrowing-panel")
	resp, err := w.borrower.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("fragment: %d", resp.StatusCode)
	}

	// The lender's directory entry: a shipping and a returns address.
	if _, err := w.App.PutDirectoryEntry(ctx, ill.SystemActor(), directory.Entry{ID: "US-EXB", Name: "Lending Library B", Status: directory.StatusActive,
		Addresses: []directory.Address{
			{Purpose: directory.AddressShipping, Name: "Shipping Dock", Line1: "1 Loading Bay", Locality: "Shelbyville", Country: "US"},
			{Purpose: directory.AddressReturns, Name: "ILL Returns", Line1: "500 Library Way", Locality: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"}}}); err != nil {
		t.Fatal(err)
	}
	loan, err := w.App.CreateRequest(ctx, w.borrowerActor, app.NewRequest{PatronID: patronID,
		Citation: ill.Citation{Title: "A loan going back", Author: "Back, Ann"}, Lenders: []app.RotaChoice{{Lender: "US-EXB", Reason: "by hand"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res := w.borrower.Get("/requests/" + loan.PublicID + "/returnlabel.pdf"); res.Status == http.StatusOK {
		t.Fatalf("a return label for a request not yet back: %d", res.Status)
	}
	if err := w.App.DB.Transact(ctx, func(tx *store.Tx) error {
		r, err := tx.Agency().GetRequest("US-EXA", loan.PublicID)
		if err != nil {
			return err
		}
		r.State, r.Partner, r.PartnerRequestID = ill.BReturned, "US-EXB", "L-7781"
		r.Items = []ill.Item{{Barcode: "39001000777"}}
		return tx.Agency().UpdateRequest("US-EXA", r, 0)
	}); err != nil {
		t.Fatal(err)
	}
	if res := w.borrower.Get("/requests/" + loan.PublicID + "/borrowing"); !strings.Contains(res.Body, "/requests/"+loan.PublicID+"/returnlabel.pdf") {
		t.Fatalf("no return label link:\n%s", res.Body)
	}
	res = w.borrower.Get("/requests/" + loan.PublicID + "/returnlabel.pdf?stock=4x6")
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("return label: %d %s\n%s", res.Status, res.Header.Get("Content-Type"), res.Body)
	}
	text := testenv.PDFText(t, []byte(res.Body))
	for _, want := range []string{"Lending Library B", "ILL Returns", "500 Library Way", "62701", loan.PublicID, "39001000777"} {
		if !strings.Contains(text, want) {
			t.Errorf("the label lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "1 Loading Bay") {
		t.Errorf("the label goes to the shipping address:\n%s", text)
	}
	// Another library's staff cannot print it.
	if res := w.lender.Get("/requests/" + loan.PublicID + "/returnlabel.pdf"); res.Status != http.StatusNotFound {
		t.Errorf("the lender's staff: %d", res.Status)
	}
}

// A patron writes to the library from the portal's request page; staff
// see the message on the desk (a badge on the request's row) and on the
// request's panel, and answer; the answer is on the patron's page. A
// forged form is refused. A form POSTed from another origin: an OpenURL
// is taken (it only fills in the form), a request without the session's
// token is not. The email choices are saved from the portal.
func TestPortalMessagesAndNoticeChoices(t *testing.T) {
	t.Parallel()
	pw := newPortalWeb(t, apptest.Options{})
	ctx := context.Background()
	r := pw.request(t, pw.a, "A book to ask about")
	c := pw.Client(t)
	c.Login("ada@prt.example")
	if page := c.Get("/portal/requests/" + r.PublicID); !strings.Contains(page.Body, `action="/portal/requests/`+r.PublicID+`/message"`) {
		t.Fatalf("no message form:\n%s", page.Body)
	}
	if res := c.Post("/portal/requests/"+r.PublicID+"/message", url.Values{"note": {"Can it wait at the Science branch?"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("message: %d\n%s", res.Status, res.Body)
	}
	c.Get("/portal/requests/" + r.PublicID)
	c.CSRF = "forged"
	if res := c.Post("/portal/requests/"+r.PublicID+"/message", url.Values{"note": {"forged"}}); res.Status != http.StatusForbidden {
		t.Errorf("forged message: %d", res.Status)
	}
	other := pw.Client(t)
	other.Login("bo@prt.example")
	if res := other.Post("/portal/requests/"+r.PublicID+"/message", url.Values{"note": {"not mine"}}); res.Status != http.StatusNotFound {
		t.Errorf("another patron's message: %d", res.Status)
	}

	s := pw.Client(t)
	s.Login("desk@prt.example")
	cur, err := pw.App.GetRequest(ctx, portalSystem(), r.PublicID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, q := range app.BorrowingQueues {
		desk := s.Get("/borrowing?queue=" + q.Name)
		if strings.Contains(desk.Body, r.PublicID) {
			found = true
			if !strings.Contains(desk.Body, "Message from the patron") {
				t.Errorf("queue %s shows %s without the badge", q.Name, r.PublicID)
			}
		}
	}
	if !found {
		t.Errorf("%s (%s) is in no queue", r.PublicID, cur.State)
	}
	panel := s.Get("/requests/" + r.PublicID + "/borrowing")
	if !strings.Contains(panel.Body, "Can it wait at the Science branch?") || !strings.Contains(panel.Body, "The patron is waiting for an answer.") {
		t.Fatalf("panel:\n%s", panel.Body)
	}
	if res := s.Post("/requests/"+r.PublicID+"/patron-message", url.Values{"note": {"Yes, it will be at the Science branch."}}); res.Status != http.StatusSeeOther {
		t.Fatalf("staff answer: %d\n%s", res.Status, res.Body)
	}
	c.Get("/portal")
	page := c.Get("/portal/requests/" + r.PublicID)
	for _, want := range []string{"You wrote to the library.", "Can it wait at the Science branch?", "The library wrote to you.", "Yes, it will be at the Science branch."} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the patron's page lacks %q", want)
		}
	}

	// From another origin: the OpenURL is taken, a submit without the
	// token is not.
	foreign := pw.Client(t)
	foreign.Login("ada@prt.example")
	foreign.Header = http.Header{"Origin": {"https://discovery.example.org"}, "Sec-Fetch-Site": {"cross-site"}}
	before := pw.countRequests(t)
	res := foreign.Post("/portal/openurl", url.Values{"csrf": {""}, "url_ver": {"Z39.88-2004"}, "rft.genre": {"book"}, "rft.btitle": {"Posted from afar"}})
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/portal/openurl?") {
		t.Fatalf("a cross-origin OpenURL POST: %d %q", res.Status, res.Location)
	}
	if form := foreign.Get(res.Location); !strings.Contains(form.Body, `value="Posted from afar"`) {
		t.Errorf("the form is not filled in:\n%s", form.Body)
	}
	if res := foreign.Post("/portal/new", url.Values{"csrf": {""}, "kind": {"book"}, "title": {"Posted from afar"}}); res.Status != http.StatusForbidden {
		t.Errorf("a cross-origin submit without the token: %d", res.Status)
	}
	if n := pw.countRequests(t); n != before {
		t.Errorf("%d requests stored from another origin", n-before)
	}

	// Email choices.
	if page := c.Get("/portal/notices"); !strings.Contains(page.Body, `value="patron.received" checked`) {
		t.Fatalf("notices page:\n%s", page.Body)
	}
	if res := c.Post("/portal/notices", url.Values{"on": {"patron.pickup", "patron.message"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", res.Status)
	}
	page = c.Get("/portal/notices")
	if strings.Contains(page.Body, `value="patron.received" checked`) || !strings.Contains(page.Body, `value="patron.pickup" checked`) ||
		!strings.Contains(page.Body, `value="patron.overdue" checked disabled`) {
		t.Errorf("after saving:\n%s", page.Body)
	}
}

// The desk's batch over HTTP: a request changed since the desk was shown
// (an old version) is left as it was and named, the others go on; an
// action the desk does not batch, no selection, or a forged form change
// nothing.
func TestBorrowingBatchHTTP(t *testing.T) {
	t.Parallel()
	w, patronID := deskWorld(t)
	ctx := context.Background()
	var reqs []*ill.Request
	for _, c := range [][2]string{{"Middlemarch", "Eliot, George"}, {"Bleak house", "Dickens, Charles"}} {
		r, err := w.App.CreateRequest(ctx, w.borrowerActor, app.NewRequest{PatronID: patronID, Citation: ill.Citation{Title: c[0], Author: c[1]}})
		if err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, r)
	}
	stale := reqs[1]
	edited := stale.Citation
	edited.Edition = "2nd ed."
	if _, err := w.App.EditCitation(ctx, w.borrowerActor, stale.PublicID, edited, stale.Version); err != nil { // someone else, meanwhile
		t.Fatal(err)
	}
	if cur, _ := w.App.GetRequest(ctx, w.borrowerActor, stale.PublicID); cur.Version == stale.Version {
		t.Fatal("the note did not change the version")
	}
	desk := w.borrower.Get("/borrowing?queue=ready")
	if !strings.Contains(desk.Body, `value="`+reqs[0].PublicID+`:`) || !strings.Contains(desk.Body, `action="/borrowing/batch"`) {
		t.Fatalf("the desk has no batch form for %s:\n%s", reqs[0].PublicID, desk.Body)
	}
	ids := []string{reqs[0].PublicID + ":" + strconv.FormatInt(reqs[0].Version, 10), stale.PublicID + ":" + strconv.FormatInt(stale.Version, 10)}
	for _, bad := range []url.Values{
		{"action": {"ship"}, "id": ids},
		{"action": {"cancel"}},
		{"action": {"cancel"}, "id": ids, "csrf": {"forged"}},
	} {
		w.borrower.Post("/borrowing/batch", bad)
		w.borrower.Get("/borrowing")
	}
	for _, r := range reqs {
		if cur, _ := w.App.GetRequest(ctx, w.borrowerActor, r.PublicID); cur.State != ill.BValidated {
			t.Fatalf("%s is %s after refused batches", r.PublicID, cur.State)
		}
	}
	res := w.borrower.Post("/borrowing/batch", url.Values{"action": {"cancel"}, "id": ids, "back": {"/borrowing?queue=ready"}})
	if res.Status != http.StatusSeeOther || res.Location != "/borrowing?queue=ready" {
		t.Fatalf("batch: %d %q", res.Status, res.Location)
	}
	page := w.borrower.Get(res.Location)
	if !strings.Contains(page.Body, "Cancel: done for 1 request.") || !strings.Contains(page.Body, stale.PublicID+" was not changed") {
		t.Errorf("messages after the batch:\n%s", page.Body)
	}
	if cur, _ := w.App.GetRequest(ctx, w.borrowerActor, reqs[0].PublicID); cur.State != ill.BCancelled {
		t.Errorf("%s is %s, want cancelled", reqs[0].PublicID, cur.State)
	}
	if cur, _ := w.App.GetRequest(ctx, w.borrowerActor, stale.PublicID); cur.State != ill.BValidated {
		t.Errorf("the stale %s is %s, want left ready", stale.PublicID, cur.State)
	}
}
