package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/mail/mailtest"
	"interlend/internal/peertest"
	"interlend/internal/store"
	"interlend/internal/testenv"
)

// TestPortalToPickupAcrossTwoProcesses: the patron's whole journey with
// the lender in a second process. In a browser, a patron follows an
// OpenURL link to the borrowing library's portal, logs in, finds the form
// filled in and sends it; staff find it in the desk's queue and send it
// to US-EXB, which runs in its own process and answers over ISO 18626;
// the lender ships; the borrowing desk receives the item by typing its
// barcode into the scan box; the patron's page then says it is ready to
// collect, and that email arrives at an in-process SMTP server.
func TestPortalToPickupAcrossTwoProcesses(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	env := []string{"INTERLEND_SMTP_HOST=" + smtp.Host(), fmt.Sprintf("INTERLEND_SMTP_PORT=%d", smtp.Port()),
		"INTERLEND_SMTP_TLS=none", "INTERLEND_SMTP_FROM=" + mailtest.From}
	n := peertest.Start(t, directory.Version2021,
		peertest.NodeSpec{Name: "portal-borrower", Libraries: []ill.AgencyID{libA}, Engine: store.SQLite, Env: env},
		peertest.NodeSpec{Name: "portal-lender", Libraries: []ill.AgencyID{libB}, Engine: store.SQLite})
	borrower, lender := n.Node(libA), n.Node(libB)
	desk, lend := n.Staff(libA), n.Staff(libB)

	// A patron of US-EXA with a portal login.
	const email, password = "ada.patron@exa.example", "patron-password-1"
	csv := filepath.Join(t.TempDir(), "patrons.csv")
	if err := os.WriteFile(csv, []byte("barcode,name,email,category\nPA-7001,Ada Patron,"+email+",faculty\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	borrower.CLI(t, "import", "patrons", csv, "--agency", string(libA))
	borrower.CLI(t, "user", "add", email, "--name", "Ada Patron", "--role", "patron", "--agency", string(libA), "--password", password)
	_, page, err := desk.GetPage("/patrons?q=PA-7001")
	m := regexp.MustCompile(`href="/patrons/(\d+)"`).FindStringSubmatch(page)
	if err != nil || m == nil {
		t.Fatalf("patron search: %v\n%.500s", err, page)
	}
	if code, body, err := desk.PostForm("/patrons/"+m[1]+"/account", url.Values{"account": {email}}); err != nil || code >= 400 {
		t.Fatalf("linking the login: %d %v\n%.500s", code, err, body)
	}

	// The OpenURL link, the login, the pre-filled form, sent.
	link := "/portal/openurl?url_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:book&rft.genre=book" +
		"&rft.btitle=Two+Process+Journeys&rft.au=Walker,+Ann&rft.isbn=9780306406157&rft.date=2019&rfr_id=info:sid/primo.exlibrisgroup.com"
	b := testenv.NewBrowser(t, borrower.URL(0))
	b.Navigate(link)
	if p := b.Path(); !strings.HasPrefix(p, "/portal/login") {
		t.Fatalf("the link led to %s, want the portal's login", p)
	}
	b.Press(email)
	b.TabTo("Password")
	b.Press(password)
	b.AndWait(func() { b.Press("Enter") })
	if got := testenv.Eval[string](b, `(document.getElementById("portal-f-title")||{}).value||""`); got != "Two Process Journeys" {
		t.Fatalf("pre-filled title %q", got)
	}
	b.TabTo("Send my request")
	b.AndWait(func() { b.Press("Enter") })
	bid := regexp.MustCompile(`B\d+`).FindString(b.Path())
	if bid == "" {
		t.Fatalf("after sending: on %s", b.Path())
	}
	b.Axe()

	// Staff find it in their queue and send it to the other process.
	var list struct {
		Items []peertest.Request `json:"items"`
	}
	if err := desk.Call("GET", "/api/v1/requests?side=borrowing&q="+bid, nil, &list); err != nil || len(list.Items) != 1 {
		t.Fatalf("the staff's list lacks %s: %v", bid, err)
	}
	if err := desk.Call("POST", "/api/v1/requests/"+bid+"/rota", map[string]any{"lender": string(libB), "reason": "holds it"}, nil); err != nil {
		t.Fatalf("adding the lender: %v", err)
	}
	r := desk.Get(t, bid)
	if r.State == ill.BReview {
		r = desk.Act(t, bid, ill.ActApprove, nil)
	}
	if r.State != ill.BSent {
		desk.Act(t, bid, ill.ActSend, nil)
	}
	lender.Tap.Wait(t, 0, peertest.Wait, "the Request at the lender", func(m peertest.Message) bool {
		return m.Type == "Request" && m.RequesterID == bid
	})
	lid := lend.LendingID(t, bid)
	lend.Act(t, lid, ill.ActWillSupply, nil)
	lend.Act(t, lid, ill.ActShip, map[string]any{"barcode": "39007001"})
	borrower.Tap.Wait(t, 0, peertest.Wait, "Loaned at the borrower", func(m peertest.Message) bool {
		return m.Type == "SAM" && m.Status == string(iso18626.StatusLoaned) && m.RequesterID == bid
	})
	desk.WaitState(t, bid, ill.BShipped)

	// Received by a scan at the borrowing desk.
	sb := testenv.NewBrowser(t, borrower.URL(0))
	sb.Login(peertest.StaffEmail(libA), peertest.Password)
	sb.Navigate("/borrowing?queue=in_transit")
	sb.WaitFocused("input: Request id or item barcode")
	sb.Press("39007001")
	sb.AndWait(func() { sb.Press("Enter") })
	got := desk.WaitState(t, bid, ill.BAwaitingPickup)
	if got.State != ill.BAwaitingPickup {
		t.Fatalf("after the scan: %s", got.State)
	}

	// The patron reads where to pick it up; the email arrives.
	b.Navigate("/portal/requests/" + bid)
	if s := b.Text(".portal-sentence"); !strings.Contains(s, "Ready for you to collect") || !strings.Contains(s, "US-EXB Library") {
		t.Errorf("the patron's sentence after receipt: %q", s)
	}
	b.Axe()
	mail := smtp.WaitMatch(t, "the pickup email", 1, 30*time.Second, func(m mailtest.Message) bool {
		return m.SentTo(email) && strings.Contains(m.Text, "Two Process Journeys") && strings.Contains(strings.ToLower(m.Subject+m.Text), "collect")
	})[0]
	if !strings.Contains(mail.Text, "/portal/requests/"+bid) {
		t.Errorf("pickup email without the request's link:\n%s", mail.Text)
	}
}
