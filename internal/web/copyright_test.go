package web_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/patron"
	"interlend/internal/testenv"
)

// The copyright pages, for the pseudo-locale and axe tests.
func init() {
	addPseudoPage(
		pseudoPage{Page: "copyright_queue", As: "manager", Path: "/copyright", Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
			heldCopy(t, pw)
			return ""
		}},
		pseudoPage{Page: "copyright_queue", Name: "copyright_queue/empty", As: "borrowing", Path: "/copyright"},
		pseudoPage{Page: "copyright_report", As: "manager", Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
			heldCopy(t, pw)
			return "/copyright/report?year=2026&key=" + url.QueryEscape("title:pseudo journal of copyright")
		}},
		pseudoPage{Page: "copyright_titles", As: "manager", Path: "/copyright/titles", Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
			pw.Known("Flagged Weekly", "0000-0019", "print run")
			if err := pw.App.FlagSubscribed(context.Background(), pw.actor("manager"), "Flagged Weekly", "0000-0019", "print run"); err != nil {
				t.Fatal(err)
			}
			return ""
		}},
	)
}

// heldCopy makes two copy requests of one journal with a limit of one:
// the second waits for clearance.
func heldCopy(t *testing.T, pw *pseudoWorld) {
	t.Helper()
	ctx := context.Background()
	set, err := app.CopyrightSetting.Get(ctx, pw.App.DB, pw.Agency)
	if err != nil {
		t.Fatal(err)
	}
	set.Limit = 1
	if err := pw.App.PutSetting(ctx, pw.actor("manager"), pw.Agency, "copyright", set); err != nil {
		t.Fatal(err)
	}
	pw.Known("Pseudo Journal of Copyright", "Article one", "Article two", "2025", "title:pseudo journal of copyright", "US-CCG")
	for _, a := range []string{"Article one", "Article two"} {
		r, err := pw.App.CreateRequest(ctx, pw.actor("manager"), app.NewRequest{ServiceType: ill.Copy,
			Citation: ill.Citation{JournalTitle: "Pseudo Journal of Copyright", ArticleTitle: a, PubDate: "2025", PublicationType: ill.PubArticle}})
		if err != nil {
			t.Fatal(err)
		}
		pw.Known(r.PublicID)
	}
}

// A staff member denies a held copy request on the clearance page, by
// keyboard; the patron then reads why, in plain words, on the portal.
func TestBrowserCopyrightClearance(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	const ag = ill.AgencyID("US-CRB")
	ctx := context.Background()
	w.Agency(t, ag, "Clearance Library")
	w.User(t, "cleo@crb.example", ill.Grant{Agency: ag, Role: ill.RoleManager})
	u := w.User(t, "pat@crb.example", ill.Grant{Agency: ag, Role: ill.RolePatron})
	mgr := ill.Actor{Kind: ill.ActorStaff, Agency: ag, Grants: ill.Grants{{Agency: ag, Role: ill.RoleManager}}}
	p, err := w.App.CreatePatron(ctx, ill.SystemActor(), ag, patron.Record{Barcode: "CR1", Name: "Pat Reader", Email: "pat@crb.example"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.App.LinkPatronAccount(ctx, mgr, ag, p.ID, "pat@crb.example"); err != nil {
		t.Fatal(err)
	}
	set, _ := app.CopyrightSetting.Get(ctx, w.App.DB, ag)
	set.Limit = 1
	if err := w.App.PutSetting(ctx, mgr, ag, "copyright", set); err != nil {
		t.Fatal(err)
	}
	var held *ill.Request
	for _, a := range []string{"First article", "Second article"} {
		held, err = w.App.CreateRequest(ctx, app.ActorFor(u, ag), app.NewRequest{ServiceType: ill.Copy,
			Citation: ill.Citation{JournalTitle: "Journal of Clearance Studies", ISSN: "0000-0019", ArticleTitle: a, PubDate: "2025", PublicationType: ill.PubArticle}})
		if err != nil {
			t.Fatal(err)
		}
	}
	if held.State != ill.BAwaitingCopyr {
		t.Fatalf("second request is %s", held.State)
	}

	b := testenv.NewBrowser(t, w.URL)
	b.Login("cleo@crb.example", apptest.Password)
	b.Navigate("/copyright")
	main := b.Text("main")
	if !strings.Contains(main, held.PublicID) || !strings.Contains(main, "1 of 1 in 2026") || !strings.Contains(main, "Journal of Clearance Studies") {
		t.Fatalf("clearance queue:\n%s", main)
	}
	b.Axe()
	shot := func(name string) {
		if dir := os.Getenv("INTERLEND_SHOTS"); dir != "" {
			b.Screenshot(filepath.Join(dir, name+".png"))
		}
	}
	shot("copyright-clearance")
	// By keyboard: the deny option, a note, the submit button.
	// A radio group takes one Tab; the arrows move through it.
	b.TabTo("Pay a royalty and send the request")
	b.Press("ArrowDown", "ArrowDown", "ArrowDown", "ArrowDown")
	if f := b.Focused(); !strings.Contains(f, "Deny the request") {
		t.Fatalf("focus on %q, want the deny option", f)
	}
	b.TabTo("Note to the patron")
	b.Press("The publisher sells it for 30 dollars.")
	b.TabTo("Record the decision")
	b.AndWait(func() { b.Press("Enter") })
	if got := b.Text("main"); !strings.Contains(got, held.PublicID+" is denied") || !strings.Contains(got, "No request is waiting") {
		t.Fatalf("after denying:\n%s", got)
	}
	b.Navigate("/copyright/report?year=2026")
	if got := strings.ToLower(b.Text("main")); !strings.Contains(got, "journal of clearance studies") || !strings.Contains(got, "at the limit") {
		t.Errorf("report:\n%s", got)
	}
	b.Axe()
	shot("copyright-report")
	r, err := w.App.GetRequest(ctx, mgr, held.PublicID)
	if err != nil || r.State != ill.BCancelled || r.CloseReason != ill.ClosedCopyrightDenied {
		t.Fatalf("denied request: %+v %v", r, err)
	}

	// The patron's view.
	b.ClearCookies()
	b.Navigate("/portal/login")
	b.Type("#email", "pat@crb.example")
	b.Type("#password", apptest.Password)
	b.AndWait(func() { b.Press("Enter") })
	b.Navigate("/portal/requests/" + held.PublicID)
	got := b.Text("main")
	shot("copyright-patron")
	if !strings.Contains(got, "We cannot order this for you because of copyright limits") || !strings.Contains(got, "The publisher sells it for 30 dollars.") {
		t.Errorf("the patron reads:\n%s", got)
	}
	b.Axe()
}
