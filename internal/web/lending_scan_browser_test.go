package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/image/tiff"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/catalog"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/marc"
	"interlend/internal/ncip/nciptest"
	"interlend/internal/pdf"
	"interlend/internal/store"
	"interlend/internal/testenv"
)

const (
	deskBorrower = ill.AgencyID("US-EXA")
	deskLender   = ill.AgencyID("US-EXB")
)

// Titles in the scripts the slips and labels must print.
const (
	titleChinese  = "图书馆学导论"
	titleCyrillic = "Библиотечное дело"
)

// deskILS is the lender's library system: an NCIP responder that keeps
// each message sent to it (checked against the NCIP schema at the end).
type deskILS struct {
	*nciptest.Responder
	mu   sync.Mutex
	sent [][]byte
}

func (s *deskILS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.sent = append(s.sent, b)
	s.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(b))
	s.Responder.ServeHTTP(w, r)
}

// desk is a borrowing and a lending library hosted together, the lender
// with an NCIP library system and a catalog, and its staff member.
type desk struct {
	w     *apptest.World
	ils   *deskILS
	mgrA  ill.Actor
	staff ill.Actor
	books []deskBook
}

type deskBook struct {
	Title, ISBN, Barcode, CallNumber string
}

// isbn13 is a valid ISBN-13 for n.
func isbn13(n int) string {
	s := fmt.Sprintf("978000%06d", n)
	sum := 0
	for i, c := range s {
		d := int(c - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return s + fmt.Sprint((10-sum%10)%10)
}

func newDesk(t *testing.T, n int) *desk {
	t.Helper()
	w := apptest.New(t, apptest.Options{Workers: 2})
	w.Agency(t, deskBorrower, "Borrowing Library")
	w.Agency(t, deskLender, "Lending Library")
	ctx := context.Background()
	d := &desk{w: w}
	d.mgrA = app.ActorFor(w.User(t, "mia@example.edu", ill.Grant{Agency: deskBorrower, Role: ill.RoleManager}), deskBorrower)
	d.staff = app.ActorFor(w.User(t, "lee@example.edu", ill.Grant{Agency: deskLender, Role: ill.RoleLending}), deskLender)

	// Addresses: the borrower abroad (a customs line), our returns desk;
	// the lender delivers copies from this server.
	for _, e := range []directory.Entry{
		{ID: deskBorrower, Name: "Borrowing Library", Status: directory.StatusActive, Addresses: []directory.Address{{Purpose: directory.AddressShipping,
			Name: "Interlibrary Loan", Line1: "1 Campus Road", Locality: "Toronto", Region: "ON", PostalCode: "M5S 1A1", Country: "CA"}}},
		{ID: deskLender, Name: "Lending Library", Status: directory.StatusActive, DeliveryHosts: []string{"127.0.0.1"}, Addresses: []directory.Address{{Purpose: directory.AddressReturns,
			Name: "ILL Returns", Line1: "500 Library Way", Locality: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"}}},
	} {
		if _, err := w.App.PutDirectoryEntry(ctx, ill.SystemActor(), e); err != nil {
			t.Fatal(err)
		}
	}

	resp := nciptest.New(string(deskLender) + "-ILS")
	resp.Now = w.Clock.Now
	resp.AddUser(nciptest.User{ID: "ILL-" + string(deskBorrower), Surname: "Borrowing Library", Category: "ILL library"})
	d.ils = &deskILS{Responder: resp}
	hs := httptest.NewServer(d.ils)
	t.Cleanup(func() {
		resp.Close()
		hs.Close()
		d.ils.mu.Lock()
		defer d.ils.mu.Unlock()
		for _, doc := range d.ils.sent {
			testenv.ValidateXSD(t, testenv.Standards(t, "ncip", "ncip_v2_02.xsd"), doc)
		}
	})
	if err := w.App.SetILSSettings(ctx, app.ActorFor(w.User(t, "boss@example.edu", ill.Grant{Agency: deskLender, Role: ill.RoleManager}), deskLender), deskLender,
		ils.Settings{Driver: ils.DriverNCIP, WhenDown: ils.WhenDownLocal, NCIPSettings: ils.NCIPSettings{Endpoint: hs.URL, ToAgency: resp.Agency,
			PickupLocation: "MAIN-CIRC", ItemLocation: "ILL", InstitutionalUser: "ILL-{agency}", TimeoutSeconds: 5}}); err != nil {
		t.Fatal(err)
	}

	var recs []catalog.Record
	for i := range n {
		title := fmt.Sprintf("Lending title %02d", i)
		switch i {
		case 0:
			title = titleChinese
		case 1:
			title = titleCyrillic
		}
		// Call numbers out of order, so the slips' sorting shows.
		b := deskBook{Title: title, ISBN: isbn13(i + 1), Barcode: fmt.Sprintf("3900%04d", i+1), CallNumber: fmt.Sprintf("QA%d .B%d", 100-i, i)}
		d.books = append(d.books, b)
		resp.AddItem(nciptest.Item{Barcode: b.Barcode, BibID: fmt.Sprintf("b%d", i+1), ISBN: b.ISBN, Title: title, CallNumber: b.CallNumber, Location: "Stacks"})
		h := marc.Holding{ID: fmt.Sprintf("b%d", i+1), Title: title, ISBNs: []string{b.ISBN}, Format: marc.FormatBook,
			Items: []marc.Item{{Barcode: b.Barcode, Lendable: true, CallNumber: b.CallNumber, Location: "Stacks", Branch: "Main Library", Tag: "952"}}}
		recs = append(recs, catalog.Record{Holder: deskLender, Holding: h, Source: catalog.FormatMARC21, Counts: catalog.CountItems(h.Items), Hash: catalog.ContentHash(&h, catalog.FormatMARC21)})
	}
	if n > 0 {
		if err := w.App.DB.Transact(ctx, func(tx *store.Tx) error {
			_, err := tx.Network().PutCatalogBatch(deskLender, recs, 1)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// waitFor polls until ok, kicking the job workers.
func (d *desk) waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		d.w.App.Jobs.Kick()
		time.Sleep(20 * time.Millisecond)
	}
}

func (d *desk) req(t *testing.T, ag ill.AgencyID, id string) *ill.Request {
	t.Helper()
	a := ill.SystemActor()
	a.Agency = ag
	r, err := d.w.App.GetRequest(context.Background(), a, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (d *desk) waitState(t *testing.T, ag ill.AgencyID, id string, want ill.State) *ill.Request {
	t.Helper()
	var r *ill.Request
	d.waitFor(t, fmt.Sprintf("%s at %s to be %s", id, ag, want), func() bool { r = d.req(t, ag, id); return r.State == want })
	return r
}

// lending finds the lending request a borrowing request became.
func (d *desk) lending(t *testing.T, b *ill.Request) *ill.Request {
	t.Helper()
	var out *ill.Request
	d.waitFor(t, "the lending request of "+b.PublicID, func() bool {
		_ = d.w.App.DB.Read(context.Background(), func(tx *store.Tx) error {
			rs, _, err := tx.Agency().ListRequests(deskLender, store.RequestFilter{Side: ill.Lending, Partner: deskBorrower, Limit: 500})
			for _, r := range rs {
				if r.PartnerRequestID == b.PublicID {
					out = r
				}
			}
			return err
		})
		return out != nil
	})
	return out
}

// loans places one loan per book from the borrower and answers each with
// ExpectToSupply at the lender.
func (d *desk) loans(t *testing.T, service ill.ServiceType) (bs, ls []*ill.Request) {
	t.Helper()
	ctx := context.Background()
	for _, book := range d.books {
		c := ill.Citation{Title: book.Title, ISBN: book.ISBN, PublicationType: ill.PubBook}
		if service == ill.Copy {
			c = ill.Citation{Title: book.Title, ArticleTitle: "Chapter on " + book.Title, ISBN: book.ISBN, Pages: "11-20", PublicationType: ill.PubChapter}
		}
		b, err := d.w.App.CreateRequest(ctx, d.mgrA, app.NewRequest{Citation: c, ServiceType: service,
			Lenders: []app.RotaChoice{{Lender: deskLender, Reason: "test"}}, Send: true, Copyright: "US-CCG"})
		if err != nil {
			t.Fatal(err)
		}
		bs = append(bs, b)
	}
	for _, b := range bs {
		l := d.lending(t, b)
		d.waitState(t, deskLender, l.PublicID, ill.LNew)
		if _, err := d.w.App.Perform(ctx, d.staff, l.PublicID, ill.ActExpectToSupply, nil, 0); err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
	}
	for _, b := range bs {
		d.waitState(t, deskBorrower, b.PublicID, ill.BAnswered)
	}
	return bs, ls
}

// scanAll types each code into the scan box and presses Enter, as a
// barcode scanner does, waiting for each scan's row in the log.
func scanAll(t *testing.T, b *testenv.Browser, codes ...string) {
	t.Helper()
	for _, code := range codes {
		before := testenv.Eval[int](b, `document.querySelectorAll("#scan-log tr").length`)
		if f := b.Focused(); !strings.Contains(strings.ToLower(f), "scan") {
			t.Fatalf("the scan box does not have the focus (%s)", f)
		}
		b.Press(code, "Enter")
		deadline := time.Now().Add(testenv.BrowserTimeout)
		for testenv.Eval[int](b, `document.querySelectorAll("#scan-log tr").length`) <= before {
			if time.Now().After(deadline) {
				t.Fatalf("no log row for the scan of %s", code)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// lastRow is the newest scan log row's text.
func lastRow(b *testenv.Browser) string {
	return testenv.Eval[string](b, `(document.querySelector("#scan-log tr") || {}).innerText || ""`)
}

// get fetches a path with a logged-in client and returns the body.
func get(t *testing.T, c *apptest.Client, path string) apptest.Response {
	t.Helper()
	res := c.Get(path)
	if res.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, res.Status, res.Body)
	}
	return res
}

// screenshot saves a page for the docs when INTERLEND_SCREENSHOTS names a
// folder.
func screenshot(b *testenv.Browser, name string) {
	if dir := os.Getenv("INTERLEND_SCREENSHOTS"); dir != "" {
		b.Screenshot(filepath.Join(dir, name+".png"))
	}
}

// TestBrowserLendingSlipsAndTwentyShipScans: pull slips for twenty loans
// (sorted, Chinese and Cyrillic titles, barcodes that scan back to the
// request ids), twenty "found" scans of the items and twenty "ship"
// scans of the slips without touching the mouse, the labels for them,
// the ILS charging each out to the borrowing library, and scans that must
// change nothing.
func TestBrowserLendingSlipsAndTwentyShipScans(t *testing.T) {
	t.Parallel()
	const n = 20
	d := newDesk(t, n)
	bs, ls := d.loans(t, ill.Loan)
	var ids []string
	for _, l := range ls {
		ids = append(ids, l.PublicID)
	}

	br := testenv.NewBrowser(t, d.w.URL)
	br.Login("lee@example.edu", apptest.Password)
	br.Navigate("/lending/slips")
	if got := br.Text("h2#slips-waiting-h"); !strings.Contains(got, "20 slips to print") {
		t.Errorf("slips page heading %q", got)
	}
	br.Axe()
	screenshot(br, "lending-slips")

	c := d.w.Client(t)
	c.Login("lee@example.edu")
	form := "csrf=" + c.CSRF
	for _, id := range ids {
		form += "&id=" + id
	}
	slips := postForm(t, d.w, c, "/lending/slips.pdf", form)
	text := testenv.PDFText(t, slips)
	for _, want := range []string{titleChinese, titleCyrillic, "QA100 .B0", "Borrowing Library", "Main Library"} {
		if !strings.Contains(text, want) {
			t.Errorf("pull slips lack %q", want)
		}
	}
	codes := testenv.PDFBarcodes(t, slips)
	var slipIDs []string
	for _, code := range codes {
		if strings.HasPrefix(code, "L") {
			slipIDs = append(slipIDs, code)
		}
	}
	// Sorted by call number: QA81 .B19 (the last loan) first, QA100 .B0 last.
	if len(slipIDs) != n || slipIDs[0] != ids[n-1] || slipIDs[n-1] != ids[0] {
		t.Errorf("slip barcodes in print order %v, want the %d ids by call number", slipIDs, n)
	}
	for _, id := range ids {
		d.waitState(t, deskLender, id, ill.LPulled)
	}

	br.Navigate("/lending/scan?mode=found")
	var items []string
	for _, book := range d.books {
		items = append(items, book.Barcode)
	}
	scanAll(t, br, items...)
	for _, id := range ids {
		d.waitState(t, deskLender, id, ill.LAwaitingShip)
	}
	scanAll(t, br, items[0])
	if row := lastRow(br); !strings.Contains(row, "was scanned already") {
		t.Errorf("second found scan: %q", row)
	}

	br.Navigate("/lending/scan?mode=ship")
	br.Axe()
	br.Type("#scan-courier", "Courier Co") // once for the session
	br.TabTo("Scan a pull slip", true)
	start := time.Now()
	scanAll(t, br, ids...)
	perScan := time.Since(start) / n
	for i, id := range ids {
		l := d.waitState(t, deskLender, id, ill.LShipped)
		if l.Shipping.Courier != "Courier Co" || !hasItem(l, d.books[i].Barcode) {
			t.Errorf("%s shipped with %+v items %v", id, l.Shipping, l.Items)
		}
		d.waitState(t, deskBorrower, bs[i].PublicID, ill.BShipped)
	}
	t.Logf("twenty ship scans: %s a scan in the browser, round trip", perScan)
	rows := testenv.Eval[int](br, `document.querySelectorAll("#scan-log tr.ok").length`)
	if rows != n {
		t.Errorf("%d rows marked done, want %d", rows, n)
	}

	// Scans that change nothing: the same item again, an unknown barcode.
	before := d.req(t, deskLender, ids[3])
	scanAll(t, br, d.books[3].Barcode, "NOSUCH-0001")
	log := testenv.Eval[string](br, `document.getElementById("scan-log").innerText`)
	if !strings.Contains(log, "NOSUCH-0001 is not a lending request or an item on an open request here") ||
		!strings.Contains(log, ids[3]+" was scanned already") {
		t.Errorf("scan log lacks the refusals:\n%s", log)
	}
	if after := d.req(t, deskLender, ids[3]); after.Version != before.Version {
		t.Errorf("a repeated scan changed %s", ids[3])
	}
	screenshot(br, "lending-scan-ship")

	// The labels for the checked rows (every shipped loan).
	query := testenv.Eval[string](br, `new URLSearchParams(new FormData(document.getElementById("scan-paper"))).toString()`)
	labels := []byte(get(t, c, "/lending/labels.pdf?"+query).Body)
	lt := testenv.PDFText(t, labels)
	for _, want := range []string{"Library loan, to be returned", "1 Campus Road", "Toronto", "500 Library Way", "Courier Co"} {
		if !strings.Contains(lt, want) {
			t.Errorf("labels lack %q", want)
		}
	}
	var labelIDs []string
	for _, code := range testenv.PDFBarcodes(t, labels) {
		labelIDs = append(labelIDs, code)
	}
	slices.Sort(labelIDs)
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	if !slices.Equal(labelIDs, sorted) {
		t.Errorf("label barcodes %v, want %v", labelIDs, sorted)
	}
	bands := []byte(get(t, c, "/lending/bands.pdf?"+query).Body)
	if bt := testenv.PDFText(t, bands); !strings.Contains(bt, titleChinese) || !strings.Contains(bt, titleCyrillic) {
		t.Errorf("book bands lack the titles")
	}

	// The ILS: each copy charged out to the borrowing library.
	d.waitFor(t, "twenty check-outs in the ILS", func() bool { return len(d.ils.CallsTo("CheckOutItem")) >= n })
	for _, call := range d.ils.CallsTo("CheckOutItem") {
		if call.UserID != "ILL-"+string(deskBorrower) {
			t.Errorf("checked out to %q", call.UserID)
		}
	}
	sent := validateStoredMessages(t, d.w, ls...)
	if got := len(slices.DeleteFunc(sent, func(s string) bool { return !strings.HasPrefix(s, "SAM Loaned") })); got != n {
		t.Errorf("%d Loaned messages, want %d", got, n)
	}
}

func hasItem(r *ill.Request, barcode string) bool {
	return slices.ContainsFunc(r.Items, func(it ill.Item) bool { return it.Barcode == barcode })
}

// postForm posts a urlencoded form and returns the body (a PDF).
func postForm(t *testing.T, w *apptest.World, c *apptest.Client, path, form string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, w.URL+path, strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "interlend_session", Value: c.Cookie("interlend_session")})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("POST %s: %d %s", path, resp.StatusCode, b)
	}
	return b
}

// TestBrowserLendingReturnAndRenewal: a return scan checks the loan in
// (and in the ILS) and completes it at both libraries; a renewal that the
// automatic rule leaves to staff (another library waits) is approved on
// the returns page by keyboard.
func TestBrowserLendingReturnAndRenewal(t *testing.T) {
	t.Parallel()
	d := newDesk(t, 2)
	ctx := context.Background()
	bs, ls := d.loans(t, ill.Loan)
	for _, l := range ls {
		for _, a := range []ill.ActionName{ill.ActPrintSlip, ill.ActFound} {
			if _, err := d.w.App.Perform(ctx, d.staff, l.PublicID, a, nil, 0); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.w.App.LendingScan(ctx, d.staff, app.ScanInput{Mode: app.ScanShip, Code: l.PublicID}); err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range bs {
		d.waitState(t, deskBorrower, b.PublicID, ill.BShipped)
		for _, a := range []ill.ActionName{ill.ActReceive, ill.ActCheckOut} {
			if _, err := d.w.App.Perform(ctx, d.mgrA, b.PublicID, a, nil, 0); err != nil {
				t.Fatal(err)
			}
			d.w.Clock.Advance(time.Minute)
		}
	}
	// Loan 0 comes back; loan 1 asks to renew while another library
	// waits for the same book.
	if _, err := d.w.App.Perform(ctx, d.mgrA, bs[0].PublicID, ill.ActCheckIn, nil, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := d.w.App.Perform(ctx, d.mgrA, bs[0].PublicID, ill.ActShipReturn, nil, 0); err != nil {
		t.Fatal(err)
	}
	d.waitState(t, deskLender, ls[0].PublicID, ill.LReturnReceived)
	waiting, err := d.w.App.CreateRequest(ctx, d.mgrA, app.NewRequest{Citation: ill.Citation{Title: d.books[1].Title, ISBN: d.books[1].ISBN, PublicationType: ill.PubBook},
		ServiceType: ill.Loan, Lenders: []app.RotaChoice{{Lender: deskLender, Reason: "test"}}, Send: true})
	if err != nil {
		t.Fatal(err)
	}
	d.lending(t, waiting)
	set, err := app.LendingOpsSetting.Get(ctx, d.w.App.DB, deskLender)
	if err != nil {
		t.Fatal(err)
	}
	set.AutoRenewFirst = true // on, but another library waits: left to staff
	mgr := app.ActorFor(d.w.User(t, "mgr@example.edu", ill.Grant{Agency: deskLender, Role: ill.RoleManager}), deskLender)
	if err := d.w.App.PutSetting(ctx, mgr, deskLender, "lending_ops", set); err != nil {
		t.Fatal(err)
	}
	d.w.Clock.Advance(time.Minute)
	if _, err := d.w.App.Perform(ctx, d.mgrA, bs[1].PublicID, ill.ActRenew, nil, 0); err != nil {
		t.Fatal(err)
	}
	d.waitState(t, deskLender, ls[1].PublicID, ill.LRenewRequested)
	d.waitFor(t, "the renewal rule to leave it to staff", func() bool {
		a := ill.SystemActor()
		a.Agency = deskLender
		evs, _, _ := d.w.App.Timeline(ctx, a, ls[1].PublicID)
		return slices.ContainsFunc(evs, func(e ill.Event) bool { return e.Type == "auto_renewal_skipped" })
	})

	br := testenv.NewBrowser(t, d.w.URL)
	br.Login("lee@example.edu", apptest.Password)
	br.Navigate("/lending/scan?mode=return")
	br.Axe()
	scanAll(t, br, d.books[0].Barcode)
	if row := lastRow(br); !strings.Contains(row, "checked in") {
		t.Errorf("return scan row %q", row)
	}
	d.waitState(t, deskLender, ls[0].PublicID, ill.LCompleted)
	d.waitState(t, deskBorrower, bs[0].PublicID, ill.BCompleted)
	d.waitFor(t, "the check-in in the ILS", func() bool { return len(d.ils.CallsTo("CheckInItem")) == 1 })
	if c := d.ils.CallsTo("CheckInItem")[0]; c.ItemID != d.books[0].Barcode {
		t.Errorf("CheckInItem of %q", c.ItemID)
	}
	scanAll(t, br, d.books[0].Barcode)
	if row := lastRow(br); !strings.Contains(row, "was scanned already") {
		t.Errorf("second return scan row %q", row)
	}
	screenshot(br, "lending-scan-return")

	br.Navigate("/lending/returns")
	br.Axe()
	screenshot(br, "lending-returns")
	due := d.req(t, deskLender, ls[1].PublicID).LenderDue
	br.TabTo("Approve")
	br.AndWait(func() { br.Press("Enter") })
	if got := br.Text(".flash"); !strings.Contains(got, "The renewal of "+ls[1].PublicID+" is approved") {
		t.Errorf("flash %q", got)
	}
	l1 := d.waitState(t, deskLender, ls[1].PublicID, ill.LOnLoan)
	if l1.RenewalCount != 1 || !l1.LenderDue.After(due) {
		t.Errorf("renewed: count %d due %v (was %v)", l1.RenewalCount, l1.LenderDue, due)
	}
	d.waitFor(t, "the borrower's new due date", func() bool { return d.req(t, deskBorrower, bs[1].PublicID).LenderDue.Equal(l1.LenderDue) })
	sent := validateStoredMessages(t, d.w, ls...)
	for _, want := range []string{"SAM LoanCompleted", "SAM Loaned / RenewResponse"} {
		if !slices.ContainsFunc(sent, func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("no %s among %v", want, sent)
		}
	}
	validateStoredMessages(t, d.w, bs...)
	// Both copies were charged out to the borrowing library (a call the
	// ILS answered too late for a loaded machine is tried again).
	out := map[string]bool{}
	for _, c := range d.ils.CallsTo("CheckOutItem") {
		if c.UserID == "ILL-"+string(deskBorrower) {
			out[c.ItemID] = true
		}
	}
	if !out[d.books[0].Barcode] || !out[d.books[1].Barcode] || len(out) != 2 {
		t.Errorf("check-outs of %v", out)
	}
}

// tiffScan is a page image.
func tiffScan(t *testing.T) []byte {
	img := image.NewGray(image.Rect(0, 0, 300, 420))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for x := 30; x < 270; x++ {
		img.SetGray(x, 60, color.Gray{})
	}
	var buf bytes.Buffer
	if err := tiff.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// attach puts a file into a file input as a person choosing it would and
// focuses the input, so that the next TabTo reaches that form's own
// button whatever order the rows are in.
func attach(b *testenv.Browser, sel, name, ctype string, data []byte) {
	testenv.Eval[bool](b, fmt.Sprintf(`(function(){
  var bin = atob(%q), bytes = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
  var dt = new DataTransfer(); dt.items.add(new File([bytes], %q, {type: %q}));
  var input = document.querySelector(%q); input.files = dt.files; input.focus(); return true; })()`,
		base64.StdEncoding.EncodeToString(data), name, ctype, sel))
}

// TestBrowserLendingCopyUploads: a PDF scan (its text layer kept) and a
// TIFF page image (made into a PDF) are delivered from the copies page;
// each borrowing request is CopyCompleted and its library fetches the
// file by the expiring link. A text file and an oversize scan change
// nothing.
func TestBrowserLendingCopyUploads(t *testing.T) {
	t.Parallel()
	d := newDesk(t, 2)
	ctx := context.Background()
	bs, ls := d.loans(t, ill.Copy)
	for _, l := range ls {
		for _, a := range []ill.ActionName{ill.ActPrintSlip, ill.ActFound} {
			if _, err := d.w.App.Perform(ctx, d.staff, l.PublicID, a, nil, 0); err != nil {
				t.Fatal(err)
			}
		}
		d.waitState(t, deskLender, l.PublicID, ill.LAwaitingScan)
	}
	scanPDF, err := pdf.NoticePDF(pdf.Notice{Title: "Chapter scan", Paragraphs: []string{"Searchable text layer of the scan"}})
	if err != nil {
		t.Fatal(err)
	}

	br := testenv.NewBrowser(t, d.w.URL)
	br.Login("lee@example.edu", apptest.Password)
	br.Navigate("/lending/copies")
	br.Axe()
	screenshot(br, "lending-copies")

	// Bad input first: a text file, then nothing changes.
	attach(br, "#file-"+ls[0].PublicID, "notes.txt", "text/plain", []byte("not a scan"))
	br.TabTo("Deliver")
	br.AndWait(func() { br.Press("Enter") })
	if got := br.Text(".flash"); !strings.Contains(got, "notes.txt is not a PDF, TIFF or JPEG file") {
		t.Errorf("text file: flash %q", got)
	}
	if r := d.req(t, deskLender, ls[0].PublicID); r.State != ill.LAwaitingScan {
		t.Fatalf("a refused upload moved the request to %s", r.State)
	}

	attach(br, "#file-"+ls[0].PublicID, "scan.pdf", "application/pdf", scanPDF)
	br.TabTo("Deliver")
	br.AndWait(func() { br.Press("Enter") })
	if got := br.Text(".flash"); !strings.Contains(got, ls[0].PublicID+" delivered") {
		t.Errorf("PDF delivery: flash %q", got)
	}
	attach(br, "#file-"+ls[1].PublicID, "page1.tif", "image/tiff", tiffScan(t))
	br.TabTo("Deliver")
	br.AndWait(func() { br.Press("Enter") })
	if got := br.Text(".flash"); !strings.Contains(got, ls[1].PublicID+" delivered: 1 pages") {
		t.Errorf("TIFF delivery: flash %q", got)
	}
	for i, b := range bs {
		d.waitState(t, deskLender, ls[i].PublicID, ill.LCompleted)
		got := d.waitState(t, deskBorrower, b.PublicID, ill.BCompleted)
		if !strings.Contains(got.DeliveryURL, "/files/") {
			t.Errorf("borrower's delivery URL %q", got.DeliveryURL)
		}
	}
	// The borrowing library fetched each file by its link.
	for i, b := range bs {
		a := ill.SystemActor()
		a.Agency = deskBorrower
		var f store.File
		d.waitFor(t, "the delivered file at the borrower", func() bool {
			f, err = d.w.App.DeliveredFile(ctx, a, b.PublicID)
			return err == nil
		})
		_, rd, err := d.w.App.OpenFile(ctx, a, deskBorrower, f.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rd)
		rd.Close()
		// The copyright notice page, then the one-page scan.
		if testenv.PDFPageCount(t, body) != 2 {
			t.Errorf("delivered file %d is not the notice page and a one-page scan", i)
		}
		pages := strings.Split(testenv.PDFText(t, body), "\f")
		if !strings.Contains(strings.Join(strings.Fields(pages[0]), " "), "WARNING CONCERNING COPYRIGHT RESTRICTIONS") {
			t.Errorf("delivered file %d does not begin with the copyright notice:\n%s", i, pages[0])
		}
		if i == 0 && (len(pages) < 2 || !strings.Contains(pages[1], "Searchable text layer")) {
			t.Error("the scan's text layer was lost")
		}
	}
	screenshot(br, "lending-copies-delivered")

	// Oversize: refused before the body is read; nothing changes.
	c := d.w.Client(t)
	c.Login("lee@example.edu")
	set, err := app.LendingOpsSetting.Get(ctx, d.w.App.DB, deskLender)
	if err != nil {
		t.Fatal(err)
	}
	set.CopyMaxMB = 1
	mgr := app.ActorFor(d.w.User(t, "mgr2@example.edu", ill.Grant{Agency: deskLender, Role: ill.RoleManager}), deskLender)
	if err := d.w.App.PutSetting(ctx, mgr, deskLender, "lending_ops", set); err != nil {
		t.Fatal(err)
	}
	big := append([]byte("%PDF-1.7\n"), make([]byte, 2<<20)...)
	resp := postUpload(t, d.w, c, "/lending/copies/"+ls[0].PublicID+"/resend/upload", map[string][]byte{"big.pdf": big})
	if resp.StatusCode != http.StatusOK {
		t.Errorf("oversize upload: %d", resp.StatusCode)
	}
	if page := c.Get("/lending/copies"); !strings.Contains(page.Body, "larger than 1 MB") {
		t.Error("no message for the oversize scan")
	}
	sent := validateStoredMessages(t, d.w, ls...)
	if got := len(slices.DeleteFunc(sent, func(s string) bool { return !strings.HasPrefix(s, "SAM CopyCompleted") })); got != 2 {
		t.Errorf("%d CopyCompleted messages, want 2: %v", got, sent)
	}
	validateStoredMessages(t, d.w, bs...)
}
