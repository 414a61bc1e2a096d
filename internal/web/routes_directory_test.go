package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/calendar"
	"interlend/internal/catalog"
	"interlend/internal/directory"
	"interlend/internal/ill"
)

// pseudoPartner is the directory entry and catalog the pseudo-locale test
// shows, made once in each pseudo world (the pseudo-locale and the axe
// tests each have their own).
func pseudoPartner(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
	pw.Once("directory.partner", func() {
		pw.Known("Pseudo Partner Library", "US-PSX", "ISIL:US-PSX", "OCLC:PSX", "Pseudo Consortium", "EXCONS", "Pseudo title of a book", "Pseudo, Author",
			"pseudo-book-1", "US-PSA", "ILL desk", "ill@psx.example", "QA76 .P7", "MAIN", "STACKS", "psx-1", "psx-2", "Example Press", "Boston",
			"America/Chicago", "Winter closure", "v.1(1990)-")
		ctx := context.Background()
		week, _ := directory.ParseWeek("mon-fri 08:00-18:00")
		cls, _ := directory.ParseClosures("2026-12-24..2027-01-02 Winter closure")
		e := directory.Entry{ID: "US-PSX", Name: "Pseudo Partner Library", Symbols: []directory.Symbol{directory.ISIL("US-PSX"), {Type: "OCLC", Value: "PSX"}},
			Endpoint: directory.Endpoint{URL: "https://ill.psx.example/iso18626", Version: "2021",
				Auth: directory.Auth{Inbound: []directory.AuthMethod{directory.AuthBasic}, Outbound: directory.AuthBasic}, Tolerance: directory.Tolerance{"zeroDates"}},
			DeliveryHosts: []string{"files.psx.example"},
			Services:      []directory.Service{{Type: directory.ServiceLoan, Formats: []string{"Printed"}}, {Type: directory.ServiceCopy, Formats: []string{"PDF"}, Electronic: true}},
			Policy: directory.Policy{LoanDays: 28, Renewals: 1, RenewalDays: 14, DailyCap: 40, ResponseDays: 2,
				Charges:    []directory.Charge{{Service: directory.ServiceLoan, Amount: directory.Money{Minor: 1500, Currency: "USD"}}},
				Agreements: []directory.Agreement{{Group: "EXCONS", Kind: directory.AgreementConsortium, Name: "Pseudo Consortium"}}},
			Addresses: []directory.Address{{Purpose: directory.AddressShipping, Name: "ILL desk", Line1: "1 Pseudo Way", Locality: "Springfield", Country: "US"}},
			Contacts:  []directory.Contact{{Role: "ill", Name: "ILL desk", Email: "ill@psx.example"}},
			SRU:       &directory.SRUTarget{BaseURL: "https://sru.psx.example/sru", Version: "2.0"},
			Credentials: []directory.Credential{{Direction: directory.Inbound, Method: directory.AuthBasic, Username: "US-PSX", Secret: "pseudo-partner-secret"},
				{Direction: directory.Outbound, Method: directory.AuthBasic, Username: "US-PSA", Secret: "ours"}},
		}
		pw.Known("1 Pseudo Way", "Springfield", "https://ill.psx.example/iso18626", "files.psx.example", "https://sru.psx.example/sru")
		loc, err := time.LoadLocation("America/Chicago")
		if err != nil {
			t.Fatal(err)
		}
		e.Calendar = &calendar.Calendar{Location: loc, Week: week, Closures: cls}
		if _, err := pw.App.PutDirectoryEntry(ctx, ill.SystemActor(), e); err != nil {
			t.Fatal(err)
		}
		csv := "id,title,author,year,publisher,place,call_number,location,branch,barcode,status,holdings\n" +
			"pseudo-book-1,Pseudo title of a book,\"Pseudo, Author\",2001,Example Press,Boston,QA76 .P7,STACKS,MAIN,psx-1|psx-2,,v.1(1990)-\n"
		if _, err := pw.App.ImportCatalog(ctx, ill.SystemActor(), strings.NewReader(csv), catalog.ImportOptions{Holder: "US-PSX", Format: catalog.FormatCSV}); err != nil {
			t.Fatal(err)
		}
	})
	return ""
}

// pseudoRecordPath is the catalog page of the pseudo partner's record.
func pseudoRecordPath(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
	pseudoPartner(t, pw, c)
	recs, err := pw.App.SearchCatalog(context.Background(), ill.SystemActor(), app.CatalogSearch{Text: "pseudo book"})
	if err != nil || len(recs) != 1 {
		t.Fatalf("pseudo record: %v %v", recs, err)
	}
	return fmt.Sprintf("/catalog/record/%d", recs[0].RowID)
}

func init() {
	addPseudoPage(
		pseudoPage{Page: "directory_list", As: "consortium_admin", Path: "/directory", Setup: pseudoPartner},
		pseudoPage{Page: "directory_entry", As: "consortium_admin", Path: "/directory/library/US-PSX", Setup: pseudoPartner},
		pseudoPage{Page: "directory_edit", As: "consortium_admin", Path: "/directory/library/US-PSX/edit", Setup: pseudoPartner},
		pseudoPage{Page: "directory_edit", Name: "directory_edit/new", As: "consortium_admin", Path: "/directory/new"},
		pseudoPage{Page: "error", Name: "error/directory-forbidden", As: "manager", Path: "/directory", Status: http.StatusForbidden},
		pseudoPage{Page: "directory_catalog", As: "borrowing", Path: "/catalog?q=pseudo+book", Setup: pseudoPartner},
		pseudoPage{Page: "directory_catalog", Name: "directory_catalog/empty", As: "lending", Path: "/catalog"},
		pseudoPage{Page: "directory_record", As: "lending", Setup: pseudoRecordPath},
	)
}

// dirAdmin is a world with a consortium administrator logged in.
func dirAdmin(t *testing.T) (*apptest.World, *apptest.Client) {
	t.Helper()
	w := apptest.New(t, apptest.Options{})
	w.Agency(t, "US-HOME", "Home Library")
	w.User(t, "admin@home.example", ill.Grant{Agency: "US-HOME", Role: ill.RoleConsortiumAdmin})
	c := w.Client(t)
	c.Login("admin@home.example")
	return w, c
}

var secretOnPage = regexp.MustCompile(`<code class="dir-secret" translate="no">([^<]+)</code>`)

func TestDirectoryPagesAddEditCredentialsDelete(t *testing.T) {
	t.Parallel()
	w, c := dirAdmin(t)
	ctx := context.Background()
	r := c.Get("/directory/new")
	if r.Status != http.StatusOK {
		t.Fatalf("new form: %d", r.Status)
	}
	form := url.Values{
		"id": {"US-WEB"}, "name": {"Web Partner"}, "symbols": {"ISIL:US-WEB\nOCLC:WEB"}, "status": {"active"},
		"endpoint_url": {"https://ill.web.example/iso18626"}, "endpoint_version": {"2021"},
		"auth_inbound": {"basic", "ip"}, "auth_outbound": {"bearer"}, "allow_ips": {"192.0.2.0/24"},
		"tolerance": {"emptyStatus", "zeroDates"}, "delivery_hosts": {"files.web.example"},
		"service_loan": {"1"}, "loan_formats": {"Printed"}, "service_copy": {"1"}, "copy_formats": {"PDF, Printed"}, "electronic": {"1"},
		"loan_days": {"21"}, "renewals": {"2"}, "loan_charge": {"12.50 USD"},
		"agreements": {"EXCONS:consortium | 5 USD | | Example Consortium\nRECIP:reciprocal"},
		"daily_cap":  {"25"}, "response_days": {"3"},
		"time_zone": {"America/Denver"}, "hours": {"mon-fri 09:00-17:00\nsat 10:00-13:00"}, "closures": {"2026-07-04 Independence Day"},
		"sru_url": {"https://sru.web.example/sru"}, "sru_version": {"2.0"}, "sru_indexes": {"isbn=alma.isbn"}, "sru_timeout": {"8"},
		"shipping_line1": {"2 Web Street"}, "shipping_locality": {"Denver"}, "shipping_country": {"us"},
		"contacts": {"ill | Desk | desk@web.example | +1 555 0101"},
	}
	r = c.Post("/directory/new", form)
	if r.Status != http.StatusSeeOther || r.Location != "/directory/library/US-WEB" {
		t.Fatalf("create: %d %q\n%s", r.Status, r.Location, r.Body)
	}
	e, err := w.App.Library(ctx, "oclc:web")
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "Web Partner" || e.Policy.LoanDays != 21 || e.Policy.Charges[0].Amount != (directory.Money{Minor: 1250, Currency: "USD"}) ||
		len(e.Policy.Agreements) != 2 || e.Policy.Agreements[0].Name != "Example Consortium" || e.Calendar == nil || e.Calendar.Location.String() != "America/Denver" ||
		!e.Endpoint.Tolerance.Has("zeroDates") || e.SRU == nil || e.SRU.IndexMap["isbn"] != "alma.isbn" || e.Addresses[0].Country != "US" ||
		len(e.Services) != 2 || !e.Services[1].Electronic {
		t.Errorf("stored entry: %+v", e)
	}
	r = c.Get("/directory/library/US-WEB")
	for _, want := range []string{"Web Partner", "OCLC:WEB", "America/Denver", "Independence Day", "Example Consortium", "12.50"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("entry page lacks %q", want)
		}
	}

	// Invalid input: the form comes back with the problem, nothing changes.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("endpoint_url", "ill.web.example")
	bad.Set("loan_days", "many")
	r = c.Post("/directory/library/US-WEB/edit", bad)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `aria-invalid="true"`) || !strings.Contains(r.Body, "is not a whole number") {
		t.Errorf("bad edit: %d", r.Status)
	}
	bad.Set("loan_days", "30")
	r = c.Post("/directory/library/US-WEB/edit", bad)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "absolute http") {
		t.Errorf("bad URL: %d", r.Status)
	}
	if e2, _ := w.App.Library(ctx, "US-WEB"); e2.Policy.LoanDays != 21 || e2.Endpoint.URL != e.Endpoint.URL {
		t.Error("a refused edit changed the entry")
	}
	// A good edit.
	form.Set("name", "Web Partner Library")
	form.Set("loan_days", "28")
	if r = c.Post("/directory/library/US-WEB/edit", form); r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", r.Status, r.Body)
	}
	// A second library may not take the id.
	form.Set("name", "Impostor")
	if r = c.Post("/directory/new", form); r.Status != http.StatusConflict {
		t.Errorf("duplicate id: %d", r.Status)
	}

	// Credentials: their secret is generated and shown once; ours is
	// stored; neither appears again.
	c.Get("/directory/library/US-WEB")
	r = c.Post("/directory/library/US-WEB/credentials", url.Values{"direction": {"inbound"}, "method": {"basic"}, "username": {"US-WEB"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("credential: %d", r.Status)
	}
	r = c.Get("/directory/library/US-WEB")
	m := secretOnPage.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatal("the generated secret is not shown")
	}
	if r = c.Get("/directory/library/US-WEB"); secretOnPage.MatchString(r.Body) || strings.Contains(r.Body, m[1]) {
		t.Error("the secret is shown a second time")
	}
	c.Post("/directory/library/US-WEB/credentials", url.Values{"direction": {"outbound"}, "method": {"bearer"}, "secret": {"token-they-gave-us"}})
	if r = c.Get("/directory/library/US-WEB"); strings.Contains(r.Body, "token-they-gave-us") {
		t.Error("our secret is shown")
	}
	_, err = w.App.AuthenticatePartner(ctx, "ISIL:US-WEB", directory.Presented{BasicUser: "US-WEB", BasicPassword: m[1], RemoteIP: netip.MustParseAddr("192.0.2.9")})
	if err != nil {
		t.Errorf("the generated secret does not authenticate: %v", err)
	}
	// Saving the form keeps the credentials.
	form.Set("name", "Web Partner Library")
	c.Post("/directory/library/US-WEB/edit", form)
	if e3, _ := w.App.Library(ctx, "US-WEB"); len(e3.Credentials) != 2 {
		t.Errorf("credentials after a form save: %+v", e3.Credentials)
	}
	c.Post("/directory/library/US-WEB/credentials/remove", url.Values{"direction": {"outbound"}, "method": {"bearer"}})
	if e3, _ := w.App.Library(ctx, "US-WEB"); len(e3.Credentials) != 1 {
		t.Errorf("after removing one: %+v", e3.Credentials)
	}

	// Export, then delete, then import back.
	r = c.Get("/directory/export/json")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `"US-WEB"`) || strings.Contains(r.Body, "sha256:") || strings.Contains(r.Body, "credentials") {
		t.Fatalf("export: %d\n%s", r.Status, r.Body)
	}
	exported := r.Body
	if r = c.Get("/directory/export/csv"); !strings.HasPrefix(r.Body, "id,name,symbols") {
		t.Errorf("CSV export: %.100s", r.Body)
	}
	if added, err := w.App.EnsureHostedEntries(ctx); err != nil || len(added) != 1 || added[0] != "US-HOME" {
		t.Fatalf("hosted entries: %v %v", added, err)
	}
	if r = c.Post("/directory/library/US-HOME/delete", nil); r.Status != http.StatusSeeOther {
		t.Errorf("delete hosted: %d", r.Status)
	}
	if _, err := w.App.Library(ctx, "US-HOME"); err != nil {
		t.Errorf("a hosted library's entry was deleted: %v", err)
	}
	if r = c.Post("/directory/library/US-WEB/delete", nil); r.Status != http.StatusSeeOther || r.Location != "/directory" {
		t.Errorf("delete: %d %q", r.Status, r.Location)
	}
	if _, err := w.App.Library(ctx, "US-WEB"); !ill.Is(err, ill.NotFound) {
		t.Errorf("after delete: %v", err)
	}
	if status := dirUpload(t, w, c, "directory.json", []byte(exported), nil); status != http.StatusSeeOther {
		t.Fatalf("import: %d", status)
	}
	e4, err := w.App.Library(ctx, "US-WEB")
	if err != nil || e4.Name != "Web Partner Library" || e4.Policy.LoanDays != 28 {
		t.Errorf("after import: %+v %v", e4, err)
	}
	// A broken file changes nothing and says why.
	if status := dirUpload(t, w, c, "directory.csv", []byte("id,loan_days\nUS-WEB,7\nUS-NEW,lots\n"), nil); status != http.StatusSeeOther {
		t.Fatalf("bad import: %d", status)
	}
	if r = c.Get("/directory"); !strings.Contains(r.Body, "Nothing was imported") || !strings.Contains(r.Body, "line 3") {
		t.Errorf("bad import message missing:\n%s", r.Body)
	}
	if e5, _ := w.App.Library(ctx, "US-WEB"); e5.Policy.LoanDays != 28 {
		t.Errorf("a refused import changed a library: %d", e5.Policy.LoanDays)
	}
}

func TestDirectoryForbiddenToOthers(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	w.Agency(t, "US-HOME", "Home Library")
	w.User(t, "mgr@home.example", ill.Grant{Agency: "US-HOME", Role: ill.RoleManager})
	c := w.Client(t)
	c.Login("mgr@home.example")
	for _, path := range []string{"/directory", "/directory/new", "/directory/export/json", "/directory/library/US-HOME"} {
		if r := c.Get(path); r.Status != http.StatusForbidden {
			t.Errorf("GET %s as a manager: %d", path, r.Status)
		}
	}
	if r := c.Post("/directory/new", url.Values{"id": {"US-X"}, "name": {"X"}}); r.Status != http.StatusForbidden {
		t.Errorf("POST as a manager: %d", r.Status)
	}
	if r := c.Get("/catalog"); r.Status != http.StatusOK {
		t.Errorf("catalog search for staff: %d", r.Status)
	}
}

func TestCatalogSearchPage(t *testing.T) {
	t.Parallel()
	w, c := dirAdmin(t)
	ctx := context.Background()
	csv := "id,isbn,title,author,year,barcode,lendable\nk1,0-618-24906-0,Silent spring,\"Carson, Rachel\",2002,b1|b2,yes\nk2,,Les misérables,\"Hugo, Victor\",1862,b3,no\n"
	if _, err := w.App.ImportCatalog(ctx, ill.SystemActor(), strings.NewReader(csv), catalog.ImportOptions{Holder: "US-HOME", Format: catalog.FormatCSV}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ q, want, not string }{
		{"9780618249060", "Silent spring", "misérables"},
		{"0618249060", "Silent spring", "misérables"},
		{"miserables", "misérables", "Silent spring"},
		{"nothing-like-this", "Nothing found", "Silent spring"},
	} {
		r := c.Get("/catalog?q=" + url.QueryEscape(tc.q))
		if r.Status != http.StatusOK || !strings.Contains(r.Body, tc.want) || strings.Contains(r.Body, tc.not) {
			t.Errorf("search %q: %d, want %q without %q", tc.q, r.Status, tc.want, tc.not)
		}
	}
	recs, _ := w.App.SearchCatalog(ctx, ill.SystemActor(), app.CatalogSearch{Text: "silent"})
	r := c.Get(fmt.Sprintf("/catalog/record/%d", recs[0].RowID))
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "b2") || !strings.Contains(r.Body, "2 copies") {
		t.Errorf("record page: %d", r.Status)
	}
	if r := c.Get("/catalog/record/999999"); r.Status != http.StatusNotFound {
		t.Errorf("missing record: %d", r.Status)
	}
}

// dirUpload posts a directory file to the import form.
func dirUpload(t *testing.T, w *apptest.World, c *apptest.Client, name string, content []byte, fields map[string]string) int {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf", c.CSRF)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = io.Copy(fw, bytes.NewReader(content))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, w.URL+"/directory/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
