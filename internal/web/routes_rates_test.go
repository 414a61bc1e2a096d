package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"interlend/internal/apptest"
	"interlend/internal/calendar"
	"interlend/internal/ill"
	"interlend/internal/routing"
)

func init() {
	addPseudoPage(pseudoPage{Page: "rates", As: "consortium_admin", Path: "/directory/rates",
		Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
			pw.Known("EUR", "USD", "1.10", "2026-01-02", "test")
			if err := pw.App.PutExchangeRate(context.Background(), ill.SystemActor(), routing.Rate{From: "EUR", To: "USD", Value: "1.10",
				On: calendar.Date{Year: 2026, Month: 1, Day: 2}, Source: "test"}); err != nil {
				t.Fatal(err)
			}
			return ""
		}})
}

// postRatesFile posts a CSV to the rates page's import form as a browser
// does without JavaScript (the token in the form).
func postRatesFile(t *testing.T, w *apptest.World, c *apptest.Client, csv string) *http.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf", c.CSRF)
	fw, _ := mw.CreateFormFile("file", "rates.csv")
	_, _ = io.WriteString(fw, csv)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, w.URL+"/directory/rates/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: "interlend_session", Value: c.Cookie("interlend_session")})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// TestRatesPage: a directory administrator imports a rates CSV from the
// exchange rates page and sees the rates; a file with a bad line stores
// nothing and says which line; staff without the directory permission
// cannot see the page or import.
func TestRatesPage(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	w.Agency(t, "US-EXA", "Library")
	w.User(t, "admin@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleConsortiumAdmin})
	w.User(t, "mgr@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleManager})
	c := w.Client(t)
	c.Login("admin@example.edu")
	if dir := c.Get("/directory"); !strings.Contains(dir.Body, `href="/directory/rates"`) {
		t.Error("the directory page does not link to the exchange rates")
	}
	page := c.Get("/directory/rates")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "No rates are stored") {
		t.Fatalf("empty rates page: %d", page.Status)
	}

	resp := postRatesFile(t, w, c, "from,to,rate,on,source\nEUR,USD,1.0842,2026-03-02,ECB\nGBP,USD,1.27,2026-03-02,ECB\n")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("import: %d", resp.StatusCode)
	}
	page = c.Get("/directory/rates")
	for _, want := range []string{"2 rates stored.", `<td class="num mono" translate="no">1.0842</td>`, `<td class="num mono" translate="no">1.27</td>`, "ECB"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("after the import the page lacks %q", want)
		}
	}
	rs, err := w.App.ExchangeRates(context.Background(), ill.SystemActor())
	if err != nil || len(rs) != 2 {
		t.Fatalf("stored rates: %v %v", rs, err)
	}

	// A bad line: nothing stored, the line named.
	resp = postRatesFile(t, w, c, "from,to,rate,on\nCHF,USD,1.13,2026-03-02\nJPY,USD,lots,2026-03-02\n")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("bad import: %d", resp.StatusCode)
	}
	page = c.Get("/directory/rates")
	if !strings.Contains(page.Body, "nothing was stored") || !strings.Contains(page.Body, "line 3") {
		t.Errorf("bad file: no message naming line 3")
	}
	if rs, _ = w.App.ExchangeRates(context.Background(), ill.SystemActor()); len(rs) != 2 {
		t.Errorf("a file with a bad line stored rates: %v", rs)
	}
	// Missing columns are named.
	postRatesFile(t, w, c, "from,to,value\nEUR,USD,1.1\n")
	if page = c.Get("/directory/rates"); !strings.Contains(page.Body, "lacks the column(s) rate, on") {
		t.Error("missing columns: no message naming them")
	}

	// A library manager has no directory permission.
	m := w.Client(t)
	m.Login("mgr@example.edu")
	if res := m.Get("/directory/rates"); res.Status != http.StatusForbidden {
		t.Errorf("manager GET rates page: %d", res.Status)
	}
	m.Get("/")
	if res := postRatesFile(t, w, m, "from,to,rate,on\nSEK,USD,0.1,2026-03-02\n"); res.StatusCode != http.StatusForbidden {
		t.Errorf("manager import: %d", res.StatusCode)
	}
	if rs, _ = w.App.ExchangeRates(context.Background(), ill.SystemActor()); len(rs) != 2 {
		t.Errorf("a refused import stored rates: %v", rs)
	}
}
