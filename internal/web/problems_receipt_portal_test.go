package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// The portal's bad-copy form (routes_portal_badcopy.go) on a delivered
// copy, for the pseudo-locale and axe-core tests.
func init() {
	addPseudoPage(pseudoPage{Page: "portal_request", Name: "portal_request/delivered_copy", As: "patron",
		Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
			const title = "Pseudo delivered article"
			r := &ill.Request{Side: ill.Borrowing, State: ill.BCompleted, Partner: pw.Agency, ServiceType: ill.Copy,
				Citation:    ill.Citation{ArticleTitle: title, Title: "Nature", PublicationType: ill.PubArticle},
				OwnerUserID: pw.Users["patron"].ID}
			if err := pw.App.DB.Transact(context.Background(), func(tx *store.Tx) error {
				return tx.Agency().CreateRequest(pw.Agency, r)
			}); err != nil {
				t.Fatal(err)
			}
			pw.Known(title, "Nature", r.PublicID)
			return "/portal/requests/" + r.PublicID
		}})
}

// A patron reports a bad copy on the request's page: the form is there
// for a delivered copy, a choice is needed, the report is confirmed and
// the form gives way to a line saying a new copy is asked for; a loan
// has no such form.
func TestPortalBadCopyForm(t *testing.T) {
	t.Parallel()
	pw := newPortalWeb(t, apptest.Options{})
	r := pw.request(t, pw.a, "A delivered article")
	pw.setState(t, r.PublicID, ill.BCompleted, func(r *ill.Request) {
		r.ServiceType = ill.Copy
		r.Citation.ArticleTitle = "A delivered article"
	})
	loan := pw.request(t, pw.a, "A loan")
	pw.setState(t, loan.PublicID, ill.BCheckedOut, func(r *ill.Request) { r.ServiceType = ill.Loan })
	c := pw.Client(t)
	c.Login("ada@prt.example")
	page := "/portal/requests/" + r.PublicID

	if res := c.Get("/portal/requests/" + loan.PublicID); res.Status != http.StatusOK || strings.Contains(res.Body, "/bad-copy") ||
		strings.Contains(res.Body, "Something wrong with this copy?") {
		t.Errorf("a loan's page offers the bad-copy form (%d)", res.Status)
	}
	res := c.Get(page)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "Something wrong with this copy?") || !strings.Contains(res.Body, `action="`+page+`/bad-copy"`) {
		t.Fatalf("the delivered copy's page has no bad-copy form (%d)", res.Status)
	}
	for _, id := range []string{"portal-bc-pages", "portal-bc-unreadable", "portal-bc-wrong", "portal-bc-other", "portal-bc-note"} {
		if !strings.Contains(res.Body, `for="`+id+`"`) {
			t.Errorf("the field %s has no label", id)
		}
	}

	// Without the token, or without a choice: nothing is reported.
	token := c.CSRF
	c.CSRF = "forged"
	if res := c.Post(page+"/bad-copy", url.Values{"what": {"pages_missing"}}); res.Status != http.StatusForbidden {
		t.Errorf("without the CSRF token: %d", res.Status)
	}
	c.CSRF = token
	res = c.Post(page+"/bad-copy", url.Values{"note": {"Page 3 is grey."}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Choose what is wrong with the copy.") || !strings.Contains(res.Body, "Page 3 is grey.") {
		t.Errorf("without a choice: %d", res.Status)
	}
	if ps, _ := pw.App.RequestProblems(context.Background(), portalSystem(), r.PublicID); len(ps) != 0 {
		t.Fatalf("a refused form opened a problem: %+v", ps)
	}

	res = c.Post(page+"/bad-copy", url.Values{"what": {"pages_missing"}, "note": {"Pages 4 to 6 are missing."}})
	if res.Status != http.StatusSeeOther || res.Location != page {
		t.Fatalf("report: %d %q\n%s", res.Status, res.Location, res.Body)
	}
	res = c.Get(page)
	if !strings.Contains(res.Body, "the library has asked the lender for a new copy. We will email you") {
		t.Error("no confirmation after the report")
	}
	if !strings.Contains(res.Body, "You reported a problem with this copy") || strings.Contains(res.Body, "/bad-copy") {
		t.Error("after the report the page does not say it is reported, or still offers the form")
	}
	ps, err := pw.App.RequestProblems(context.Background(), portalSystem(), r.PublicID)
	if err != nil || len(ps) != 1 || ps[0].Kind != ill.ProbBadCopy || !ps[0].Open() {
		t.Errorf("problems after the report: %+v (%v)", ps, err)
	}

	// Reported again (an old page): refused in plain words.
	res = c.Post(page+"/bad-copy", url.Values{"what": {"unreadable"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("second report: %d", res.Status)
	}
	if res = c.Get(page); !strings.Contains(res.Body, "You have already reported this copy") {
		t.Error("a second report is not refused in words")
	}
	// Another patron: not found.
	b := pw.Client(t)
	b.Login("bo@prt.example")
	b.Get("/portal")
	if res := b.Post(page+"/bad-copy", url.Values{"what": {"pages_missing"}}); res.Status != http.StatusNotFound {
		t.Errorf("another patron's report: %d", res.Status)
	}
}
