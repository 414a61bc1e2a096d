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
	"interlend/internal/testenv"
)

// TestPortalUKDeclaration: with the UK regime the article form shows the
// s.42A declaration and refuses a copy request until it is confirmed and
// signed; the signed request goes ahead as UK-FairDealing with the
// declaration stored. A request staff placed without one waits, and its
// page on the portal offers the declaration to sign.
func TestPortalUKDeclaration(t *testing.T) {
	t.Parallel()
	pw := newPortalWeb(t, apptest.Options{})
	ctx := context.Background()
	mgr := ill.Actor{Kind: ill.ActorStaff, Agency: portalLib, Grants: ill.Grants{{Agency: portalLib, Role: ill.RoleManager}}}
	set, err := app.CopyrightSetting.Get(ctx, pw.App.DB, portalLib)
	if err != nil {
		t.Fatal(err)
	}
	set.Regime, set.Currency = "UK", "GBP"
	if err := pw.App.PutSetting(ctx, mgr, portalLib, "copyright", set); err != nil {
		t.Fatal(err)
	}
	c := pw.Client(t)
	c.Login("ada@prt.example")
	if res := c.Get("/portal/new?kind=article"); res.Status != http.StatusOK || !strings.Contains(res.Body, "Copyright declaration") ||
		!strings.Contains(res.Body, "non-commercial research or for private study") || !strings.Contains(res.Body, `name="declarationName"`) {
		t.Fatalf("UK article form: %d\n%s", res.Status, res.Body)
	}
	if res := c.Get("/portal/new?kind=book"); strings.Contains(res.Body, `name="declarationName"`) {
		t.Error("a loan form asks for the declaration")
	}
	form := url.Values{"kind": {"article"}, "atitle": {"Declared article"}, "jtitle": {"Review of Library Law"}, "date": {"2025"}, "copyright": {"accept"}, "op": {"submit"}}
	before := pw.countRequests(t)
	res := c.Post("/portal/new", form)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Please confirm the copyright declaration.") ||
		!strings.Contains(res.Body, "Type your full name to sign the declaration.") || pw.countRequests(t) != before {
		t.Fatalf("unsigned: %d\n%s", res.Status, res.Body)
	}
	form.Set("declaration", "accept")
	form.Set("declarationName", "Ada Patron")
	res = c.Post("/portal/new", form)
	if res.Status != http.StatusSeeOther {
		t.Fatalf("signed: %d\n%s", res.Status, res.Body)
	}
	id := strings.TrimPrefix(res.Location, "/portal/requests/")
	d, err := pw.App.CopyrightDeclarationOf(ctx, mgr, id)
	if err != nil || d.Signature != "Ada Patron" {
		t.Fatalf("declaration of %s: %+v %v", id, d, err)
	}
	if r, _ := pw.App.GetRequest(ctx, mgr, id); r == nil || r.State == ill.BAwaitingCopyr || r.Copyright != "UK-FairDealing" {
		t.Errorf("signed request: %+v", r)
	}

	held, err := pw.App.CreateRequest(ctx, mgr, app.NewRequest{ServiceType: ill.Copy, PatronID: pw.pa.ID,
		Citation: ill.Citation{JournalTitle: "Review of Library Law", ArticleTitle: "Placed by staff", PubDate: "2025", PublicationType: ill.PubArticle}})
	if err != nil || held.State != ill.BAwaitingCopyr {
		t.Fatalf("staff request: %+v %v", held, err)
	}
	page := c.Get("/portal/requests/" + held.PublicID)
	if !strings.Contains(page.Body, `action="/portal/requests/`+held.PublicID+`/declaration"`) {
		t.Fatalf("the held request's page offers no declaration:\n%s", page.Body)
	}
	if res := c.Post("/portal/requests/"+held.PublicID+"/declaration", url.Values{"declaration": {"accept"}}); res.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body, "Type your full name") {
		t.Errorf("sign without a name: %d", res.Status)
	}
	if res := c.Post("/portal/requests/"+held.PublicID+"/declaration", url.Values{"declaration": {"accept"}, "declarationName": {"Ada Patron"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("sign: %d\n%s", res.Status, res.Body)
	}
	if r, _ := pw.App.GetRequest(ctx, mgr, held.PublicID); r.State == ill.BAwaitingCopyr || r.Copyright != "UK-FairDealing" {
		t.Errorf("after signing: %s %q", r.State, r.Copyright)
	}
	if page := c.Get("/portal/requests/" + held.PublicID); strings.Contains(page.Body, "/declaration\"") {
		t.Error("a signed request still offers the declaration")
	}
	// Patron B cannot sign A's request.
	cb := pw.Client(t)
	cb.Login("bo@prt.example")
	if res := cb.Post("/portal/requests/"+id+"/declaration", url.Values{"declaration": {"accept"}, "declarationName": {"Bo"}}); res.Status != http.StatusNotFound {
		t.Errorf("another patron signs: %d", res.Status)
	}
}

// TestCopyrightReportPDFPage: the report page links the PDF, which is a
// PDF of the year's report.
func TestCopyrightReportPDFPage(t *testing.T) {
	t.Parallel()
	pw := newPortalWeb(t, apptest.Options{})
	ctx := context.Background()
	mgr := ill.Actor{Kind: ill.ActorStaff, Agency: portalLib, Grants: ill.Grants{{Agency: portalLib, Role: ill.RoleManager}}}
	if _, err := pw.App.CreateRequest(ctx, mgr, app.NewRequest{ServiceType: ill.Copy,
		Citation: ill.Citation{JournalTitle: "Printed Review", ArticleTitle: "One", PubDate: "2025", PublicationType: ill.PubArticle}}); err != nil {
		t.Fatal(err)
	}
	c := pw.Client(t)
	c.Login("desk@prt.example")
	year := pw.App.Clock.Now().Year()
	if page := c.Get("/copyright/report"); !strings.Contains(page.Body, "/copyright/report.pdf?year=") {
		t.Errorf("no PDF link on the report page")
	}
	res := c.Get("/copyright/report.pdf?year=" + strconv.Itoa(year))
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("report.pdf: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	text := strings.Join(strings.Fields(testenv.PDFText(t, []byte(res.Body))), " ")
	if !strings.Contains(text, "Copyright report "+strconv.Itoa(year)) || !strings.Contains(text, "Printed Review 1 0 1 0 0 0 0 0") {
		t.Errorf("report PDF text:\n%s", text)
	}
	cp := pw.Client(t)
	cp.Login("ada@prt.example")
	if res := cp.Get("/copyright/report.pdf"); res.Status == http.StatusOK {
		t.Error("a patron downloads the copyright report")
	}
}
