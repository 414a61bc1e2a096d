package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/patron"
)

func init() {
	page := func(suffix string) func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
		return func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
			return fmt.Sprintf("/patrons/%d%s", pseudoPatron(t, pw), suffix)
		}
	}
	seed := func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string { pseudoPatron(t, pw); return "" }
	addPseudoPage(
		pseudoPage{Page: "patrons_search", As: "borrowing", Path: "/patrons", Setup: seed},
		pseudoPage{Page: "patrons_search", Name: "patrons_search/nomatch", As: "readonly", Path: "/patrons?q=zz-none", Setup: seed},
		pseudoPage{Page: "patrons_page", As: "borrowing", Setup: page("")},
		pseudoPage{Page: "patrons_page", Name: "patrons_page/readonly", As: "readonly", Setup: page("")},
		pseudoPage{Page: "patrons_edit", As: "borrowing", Path: "/patrons/new"},
		pseudoPage{Page: "patrons_edit", Name: "patrons_edit/edit", As: "manager", Setup: page("/edit")},
	)
}

var pseudoPatrons sync.Map // *pseudoWorld → *pseudoPatronOnce

type pseudoPatronOnce struct {
	once sync.Once
	id   int64
}

// pseudoPatron gives the pseudo world (once) a patron with every field
// set, a block in force and one lifted, a linked login, and a patron file
// that was read.
func pseudoPatron(t *testing.T, pw *pseudoWorld) int64 {
	v, _ := pseudoPatrons.LoadOrStore(pw, &pseudoPatronOnce{})
	o := v.(*pseudoPatronOnce)
	o.once.Do(func() {
		ctx := context.Background()
		pw.Known("Zora Quill", "zora.quill@psa.example", "faculty", "North branch", "NORTH", "zq-ils-7", "Prefers scans", "Fines over limit", "Old fine")
		sys := ill.SystemActor()
		p, err := pw.App.CreatePatron(ctx, sys, pw.Agency, patron.Record{Barcode: "29990001", ILSID: "zq-ils-7", FirstName: "Zora", LastName: "Quill",
			Email: "zora.quill@psa.example", Category: "faculty", HomeLibrary: "North branch", PickupLocation: "NORTH",
			Expires: apptest.Start.AddDate(1, 0, 0), Notes: "Prefers scans"})
		if err != nil {
			t.Fatal(err)
		}
		old, err := pw.App.BlockPatron(ctx, sys, pw.Agency, p.ID, "Old fine")
		if err != nil {
			t.Fatal(err)
		}
		if err := pw.App.UnblockPatron(ctx, sys, pw.Agency, p.ID, old.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := pw.App.BlockPatron(ctx, sys, pw.Agency, p.ID, "Fines over limit"); err != nil {
			t.Fatal(err)
		}
		if err := pw.App.LinkPatronAccount(ctx, sys, pw.Agency, p.ID, "patron@psa.example"); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "patrons.csv")
		if err := os.WriteFile(file, []byte("barcode,name\n29990002,\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := pw.App.SetPatronSync(ctx, sys, pw.Agency, app.PatronSyncSettings{Path: file, Hour: 3}); err != nil {
			t.Fatal(err)
		}
		if _, err := pw.App.SyncPatronsNow(ctx, sys, pw.Agency); err != nil {
			t.Fatal(err)
		}
		o.id = p.ID
	})
	if o.id == 0 {
		t.Fatal("the pseudo patron was not made")
	}
	return o.id
}

// patronsWorld is a library with staff in every role it needs here and a
// second library.
func patronsWorld(t *testing.T) *apptest.World {
	w := apptest.New(t, apptest.Options{})
	w.Agency(t, "US-EXA", "Example A")
	w.Agency(t, "US-EXB", "Example B")
	w.User(t, "bea@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleBorrowing})
	w.User(t, "rory@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleReadOnly})
	w.User(t, "pat@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RolePatron})
	w.User(t, "bob@example.edu", ill.Grant{Agency: "US-EXB", Role: ill.RoleManager})
	return w
}

var patronLocation = regexp.MustCompile(`^/patrons/(\d+)$`)

func TestPatronPagesForStaff(t *testing.T) {
	t.Parallel()
	w := patronsWorld(t)
	c := w.Client(t)
	c.Login("bea@example.edu")

	if r := c.Get("/patrons"); r.Status != http.StatusOK || !strings.Contains(r.Body, "No patrons yet") || !strings.Contains(r.Body, `href="/patrons/new"`) {
		t.Fatalf("empty search page: %d\n%s", r.Status, r.Body)
	}
	// A mistake shows the form again with the problem, and saves nothing.
	c.Get("/patrons/new")
	r := c.Post("/patrons", url.Values{"barcode": {"2100001"}, "first_name": {"Ada"}, "email": {"ada-at-example"}, "expiry_date": {"2027-06-30"}})
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "the email is not an address") || !strings.Contains(r.Body, `value="Ada"`) {
		t.Fatalf("bad email: %d\n%s", r.Status, r.Body)
	}
	r = c.Post("/patrons", url.Values{"barcode": {"2100001"}, "expiry_date": {"30/06/2027"}})
	if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "Enter the date as YYYY-MM-DD") {
		t.Fatalf("bad date: %d\n%s", r.Status, r.Body)
	}
	r = c.Post("/patrons", url.Values{"barcode": {"2100001"}, "first_name": {"Ada"}, "last_name": {"Lovelace"}, "email": {"ada@example.edu"},
		"category": {"faculty"}, "expiry_date": {"2027-06-30"}, "notes": {"Prefers email"}})
	m := patronLocation.FindStringSubmatch(r.Location)
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("create: %d %q\n%s", r.Status, r.Location, r.Body)
	}
	page := r.Location
	r = c.Get(page)
	for _, want := range []string{"Ada Lovelace", "ada@example.edu", "30 Jun 2027", "The patron was added.", "Prefers email", "Faculty", "requests will be listed here"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("patron page lacks %q", want)
		}
	}
	// Search by name, as a page and as the htmx fragment.
	if r := c.Get("/patrons?q=lovelace"); !strings.Contains(r.Body, page) {
		t.Errorf("search by name does not find Ada")
	}
	c.Header.Set("HX-Request", "true")
	c.Header.Set("HX-Target", "patrons-results")
	r = c.Get("/patrons?q=2100001")
	c.Header.Del("HX-Request")
	c.Header.Del("HX-Target")
	if strings.Contains(r.Body, "<html") || !strings.Contains(r.Body, page) {
		t.Errorf("htmx search did not answer with the results alone:\n%s", r.Body)
	}

	// Block, with and without a reason; lift.
	if r := c.Post(page+"/blocks", url.Values{"reason": {""}}); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "give a reason") {
		t.Errorf("block without a reason: %d", r.Status)
	}
	if r := c.Post(page+"/blocks", url.Values{"reason": {"Unpaid fines"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("block: %d\n%s", r.Status, r.Body)
	}
	r = c.Get(page)
	lift := regexp.MustCompile(`action="(/patrons/\d+/blocks/\d+/lift)"`).FindStringSubmatch(r.Body)
	if lift == nil || !strings.Contains(r.Body, "Unpaid fines") || !strings.Contains(r.Body, `status bad`) {
		t.Fatalf("blocked patron page:\n%s", r.Body)
	}
	if r := c.Get("/patrons?q=ada"); !strings.Contains(r.Body, "Blocked") {
		t.Error("the search results do not say the patron is blocked")
	}
	if r := c.Post(lift[1], nil); r.Status != http.StatusSeeOther {
		t.Fatalf("lift: %d", r.Status)
	}
	if r := c.Post(lift[1], nil); r.Status != http.StatusNotFound {
		t.Errorf("lifting twice: %d, want 404", r.Status)
	}
	// Notes and details.
	if r := c.Post(page+"/notes", url.Values{"notes": {"Call first"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("notes: %d", r.Status)
	}
	c.Get(page + "/edit")
	r = c.Post(page, url.Values{"barcode": {"2100001"}, "name": {"Ada King"}, "email": {"ada@example.edu"}, "category": {"emeritus"}, "expiry_date": {""}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", r.Status, r.Body)
	}
	r = c.Get(page)
	for _, want := range []string{"Ada King", "Call first", "no expiry", "not a listed category"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("after editing, the page lacks %q", want)
		}
	}
	// A portal login: an unknown account is a field problem; a known one
	// is linked.
	if r := c.Post(page+"/account", url.Values{"account": {"nobody@example.edu"}}); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "no such account") {
		t.Errorf("link to an unknown account: %d", r.Status)
	}
	if r := c.Post(page+"/account", url.Values{"account": {"pat@example.edu"}}); r.Status != http.StatusSeeOther {
		t.Errorf("link: %d", r.Status)
	}
	if r := c.Get(page); !strings.Contains(r.Body, "pat@example.edu") {
		t.Error("the linked login is not shown")
	}

	// Read-only staff see the page but no forms, and may not post.
	ro := w.Client(t)
	ro.Login("rory@example.edu")
	r = ro.Get(page)
	if r.Status != http.StatusOK || strings.Contains(r.Body, page+"/blocks") || strings.Contains(r.Body, `href="/patrons/new"`) {
		t.Errorf("read-only view: %d, has forms", r.Status)
	}
	if r := ro.Post(page+"/blocks", url.Values{"reason": {"x"}}); r.Status != http.StatusForbidden {
		t.Errorf("read-only block: %d, want 403", r.Status)
	}
	if r := ro.Get("/patrons/new"); r.Status != http.StatusForbidden {
		t.Errorf("read-only new form: %d, want 403", r.Status)
	}
	// A patron may not look patrons up; another library's staff do not
	// see A's patron.
	pc := w.Client(t)
	pc.Login("pat@example.edu")
	if r := pc.Get("/patrons"); r.Status != http.StatusForbidden {
		t.Errorf("patron on /patrons: %d, want 403", r.Status)
	}
	bc := w.Client(t)
	bc.Login("bob@example.edu")
	if r := bc.Get(page); r.Status != http.StatusNotFound {
		t.Errorf("B's manager on A's patron: %d, want 404", r.Status)
	}
	if r := bc.Get("/patrons/abc"); r.Status != http.StatusNotFound {
		t.Errorf("bad id: %d, want 404", r.Status)
	}
}
