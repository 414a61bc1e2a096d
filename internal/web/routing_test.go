package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/calendar"
	"interlend/internal/catalog"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/routing"
)

// Lenders of the rota page's tests: directory entries (not hosted here),
// each holding the title in the union catalog. rotaOne answers in two
// business days in New York; rotaTwo charges in euros (converted at a
// dated rate); rotaThree supplies no printed copies, so it is left out.
const (
	rotaOne   = ill.AgencyID("US-PSRONE")
	rotaTwo   = ill.AgencyID("DE-PSRTWO")
	rotaThree = ill.AgencyID("US-PSRTHR")
)

var rotaCitation = ill.Citation{Title: "Silent spring", Author: "Carson, Rachel", ISBN: "9780618249060", PublicationType: ill.PubBook}

// rotaWorldOnce sets the lenders up once per world.
var rotaWorldOnce sync.Map

// rotaLenders adds the three lenders, their catalogs and a EUR rate to a
// world (once), and returns the data strings the rota page shows.
func rotaLenders(t *testing.T, w *apptest.World) []string {
	t.Helper()
	ctx := context.Background()
	once, _ := rotaWorldOnce.LoadOrStore(w, &sync.Once{})
	once.(*sync.Once).Do(func() {
		ny, _ := time.LoadLocation("America/New_York")
		week, _ := directory.ParseWeek("mon-fri 09:00-17:00")
		eur, err := directory.NewMoney("5.00", "EUR")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range []directory.Entry{
			{ID: rotaOne, Name: "Lender One", Services: []directory.Service{{Type: directory.ServiceLoan, Formats: []string{"Printed"}}},
				Policy: directory.Policy{ResponseDays: 2}, Calendar: &calendar.Calendar{Location: ny, Week: week}},
			{ID: rotaTwo, Name: "Lender Two", Services: []directory.Service{{Type: directory.ServiceLoan}},
				Policy: directory.Policy{Charges: []directory.Charge{{Service: directory.ServiceLoan, Amount: eur}}}},
			{ID: rotaThree, Name: "Lender Three", Services: []directory.Service{{Type: directory.ServiceCopy, Formats: []string{"PDF"}}}},
		} {
			e.Status = directory.StatusActive
			e.Endpoint = directory.Endpoint{URL: "http://127.0.0.1:9/iso18626", Version: directory.Version2021}
			if _, err := w.App.PutDirectoryEntry(ctx, ill.SystemActor(), e); err != nil {
				t.Fatal(err)
			}
			csv := "id,isbn,title,author,year,call_number,barcode\n" + strings.ToLower(string(e.ID)) + "-1,9780618249060,Silent spring,\"Carson, Rachel\",2002,QH545," + string(e.ID) + "-0001\n"
			if _, err := w.App.ImportCatalog(ctx, ill.SystemActor(), strings.NewReader(csv), catalog.ImportOptions{Holder: e.ID, Format: catalog.FormatCSV, Name: "t.csv"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.App.PutExchangeRate(ctx, ill.SystemActor(), routing.Rate{From: "EUR", To: "USD", Value: "1.10", On: calendar.Date{Year: 2026, Month: 1, Day: 2}, Source: "test"}); err != nil {
			t.Fatal(err)
		}
	})
	return []string{string(rotaOne), string(rotaTwo), string(rotaThree), "Lender One", "Lender Two", "Lender Three",
		"Silent spring", "Carson, Rachel", "ISBN", "Loan", "America/New_York", "UTC", "EUR", "USD", "5.00", "5.50", "PDF", "Printed"}
}

func init() {
	addPseudoPage(
		pseudoPage{Page: "routing_rota", As: "manager",
			Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
				pw.Known(rotaLenders(t, pw.World)...)
				r, err := pw.App.CreateRequest(context.Background(), pw.actor("manager"), app.NewRequest{Citation: rotaCitation})
				if err != nil {
					t.Fatal(err)
				}
				pw.Known(r.PublicID)
				return "/requests/" + r.PublicID + "/rota"
			}},
		pseudoPage{Page: "routing_rota", Name: "routing_rota/readonly", As: "readonly",
			Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
				pw.Known(rotaLenders(t, pw.World)...)
				r, err := pw.App.CreateRequest(context.Background(), pw.actor("manager"), app.NewRequest{Citation: rotaCitation})
				if err != nil {
					t.Fatal(err)
				}
				pw.Known(r.PublicID)
				return "/requests/" + r.PublicID + "/rota"
			}},
	)
}

// TestRotaPage: staff see each lender with why it is there and in that
// place, the holders left out and why, and can move a lender, add one
// and look again; a bad form changes nothing; patrons cannot see it.
func TestRotaPage(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	w.Agency(t, "US-PSRA", "Borrower")
	w.User(t, "mgr@example.edu", ill.Grant{Agency: "US-PSRA", Role: ill.RoleManager})
	w.User(t, "look@example.edu", ill.Grant{Agency: "US-PSRA", Role: ill.RoleReadOnly})
	pat := w.User(t, "pat@example.edu", ill.Grant{Agency: "US-PSRA", Role: ill.RolePatron})
	_ = pat
	rotaLenders(t, w)
	ctx := context.Background()
	mgrUser := w.User(t, "mgr2@example.edu", ill.Grant{Agency: "US-PSRA", Role: ill.RoleManager})
	r, err := w.App.CreateRequest(ctx, app.ActorFor(mgrUser, "US-PSRA"), app.NewRequest{Citation: rotaCitation})
	if err != nil {
		t.Fatal(err)
	}
	path := "/requests/" + r.PublicID + "/rota"

	c := w.Client(t)
	c.Login("mgr@example.edu")
	page := c.Get(path)
	if page.Status != http.StatusOK {
		t.Fatalf("rota page: %d\n%s", page.Status, page.Body)
	}
	for _, want := range []string{
		"first of 2 candidates: highest score",
		"holds the title (matched by ISBN)",
		"no Loan record yet: counted at the network median",
		"answer due by 2026-03-04 23:59 (America/New_York)",
		"charges 5.00 EUR, about 5.50 USD at the rate 1.1 of 2026-01-02",
		"does not offer Loan",
		"Look for lenders again",
	} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("rota page lacks %q:\n%s", want, page.Body)
		}
	}
	if i, j := strings.Index(page.Body, ">"+string(rotaOne)+"<"), strings.Index(page.Body, ">"+string(rotaTwo)+"<"); i < 0 || j < 0 || i > j {
		t.Errorf("want %s (free, fast) before %s (charges): at %d and %d", rotaOne, rotaTwo, i, j)
	}

	// Move the second lender up.
	if res := c.Post(path+"/move", url.Values{"from": {"2"}, "to": {"1"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("move: %d\n%s", res.Status, res.Body)
	}
	rv, err := w.App.RoutingView(ctx, app.ActorFor(mgrUser, "US-PSRA"), r.PublicID)
	if err != nil || len(rv.Rota) != 2 || rv.Rota[0].Lender != rotaTwo {
		t.Fatalf("after moving: %+v %v", rv, err)
	}

	// A bad position is refused and nothing is added.
	bad := c.Post(path+"/lenders", url.Values{"lender": {string(rotaThree)}, "position": {"first"}})
	if bad.Status != http.StatusBadRequest || !strings.Contains(bad.Body, "the position is a whole number from 1") {
		t.Errorf("bad position: %d", bad.Status)
	}
	// Added by hand, with the reason staff gave.
	if res := c.Post(path+"/lenders", url.Values{"lender": {string(rotaThree)}, "reason": {"they scan on request"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", res.Status, res.Body)
	}
	page = c.Get(path)
	if !strings.Contains(page.Body, "they scan on request") {
		t.Error("the lender added by hand is not shown with its reason")
	}
	// Looking again adds nobody new.
	if res := c.Post(path+"/again", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("again: %d\n%s", res.Status, res.Body)
	}
	if page = c.Get(path); !strings.Contains(page.Body, "0 lenders added.") {
		t.Error("looking again: no flash saying that nobody was added")
	}

	// Read-only staff see the rota but no forms; patrons do not see it.
	look := w.Client(t)
	look.Login("look@example.edu")
	if p := look.Get(path); p.Status != http.StatusOK || strings.Contains(p.Body, "/rota/move") || !strings.Contains(p.Body, "holds the title") {
		t.Errorf("read-only staff: %d, forms shown or reasons missing", p.Status)
	}
	pc := w.Client(t)
	pc.Login("pat@example.edu")
	if p := pc.Get(path); p.Status == http.StatusOK {
		t.Errorf("a patron got the rota page")
	}
}

// TestAutomationRulesForm: the rules' condition is a list to choose from;
// a rule saved through the form is kept and shown chosen; a rule whose
// value does not fit its condition is refused, named, and nothing saved.
func TestAutomationRulesForm(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	w.Agency(t, "US-PSRA", "Borrower")
	w.User(t, "mgr@example.edu", ill.Grant{Agency: "US-PSRA", Role: ill.RoleManager})
	c := w.Client(t)
	c.Login("mgr@example.edu")
	const path = "/admin/settings/routing.rules"
	page := c.Get(path)
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `<select id="f-rules-0-when" name="rules.0.when"`) || !strings.Contains(page.Body, `<option value="cost">Cheapest lender charges more than</option>`) {
		t.Fatalf("rules form: %d, no condition list\n%s", page.Status, page.Body)
	}
	bad := c.Post(path, url.Values{"version": {"0"}, "rules.rows": {"2"}, "rules.0.name": {"Costly"}, "rules.0.when": {"cost"}, "rules.0.value": {"lots"}})
	if bad.Status == http.StatusSeeOther || !strings.Contains(bad.Body, "Rule “Costly”: “lots” is not an amount with a currency") {
		t.Errorf("bad rule: %d\n%s", bad.Status, bad.Body)
	}
	res := c.Post(path, url.Values{"version": {"0"}, "rules.rows": {"2"}, "rules.0.name": {"Costly"}, "rules.0.when": {"cost"}, "rules.0.value": {"25.00 USD"},
		"rules.1.name": {"Rush"}, "rules.1.when": {"needBefore"}, "rules.1.value": {"3"}, "rules.1.off": {"on"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.Status, res.Body)
	}
	page = c.Get(path)
	for _, want := range []string{`<option value="cost" selected>`, `<option value="needBefore" selected>`, `value="25.00 USD"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("saved rules page lacks %q", want)
		}
	}
}
