package app_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/tiff"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/iso18626"
	"interlend/internal/peer/wire"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
	"interlend/internal/testenv"
)

// deskLoan is a loan from libA answered by libB (ExpectToSupply), whose
// catalog holds copy 39000001.
func deskLoan(t *testing.T, w *world) (b, l *ill.Request) {
	t.Helper()
	b = newLoan(t, w, libB)
	l = w.lendingFor(libB, b)
	w.do(staff(libB), l.PublicID, ill.ActExpectToSupply, nil)
	return b, l
}

// scan does one desk scan and fails the test on error.
func (w *world) scan(mode app.ScanMode, code string, edit ...func(*app.ScanInput)) app.ScanResult {
	w.t.Helper()
	in := app.ScanInput{Mode: mode, Code: code}
	for _, e := range edit {
		e(&in)
	}
	res, err := w.app.LendingScan(w.ctx, staff(libB), in)
	if err != nil {
		w.t.Fatalf("%s scan of %s: %v", mode, code, err)
	}
	w.settle()
	return res
}

// scanRefused checks that a scan fails with the kind and changes nothing.
func (w *world) scanRefused(mode app.ScanMode, code string, kind ill.Kind, reason string) {
	w.t.Helper()
	var before *ill.Request
	if r, err := w.app.GetRequest(w.ctx, sys(libB), code); err == nil {
		before = r
	}
	_, err := w.app.LendingScan(w.ctx, staff(libB), app.ScanInput{Mode: mode, Code: code})
	if ill.KindOf(err) != kind {
		w.t.Fatalf("%s scan of %s: %v (kind %v), want %v", mode, code, err, ill.KindOf(err), kind)
	}
	var se *app.ScanError
	if !errors.As(err, &se) || se.Reason != reason {
		w.t.Errorf("%s scan of %s: error %v, want reason %q", mode, code, err, reason)
	}
	if before != nil {
		if after := w.req(libB, code); after.Version != before.Version || after.State != before.State {
			w.t.Errorf("a refused scan changed %s: %s v%d → %s v%d", code, before.State, before.Version, after.State, after.Version)
		}
	}
}

// validateMessages encodes every message of the requests in both ISO
// 18626 versions and checks each against its schema; it returns the
// summaries in order.
func (w *world) validateMessages(reqs ...*ill.Request) []string {
	w.t.Helper()
	var out []string
	for _, r := range reqs {
		_, msgs, err := w.app.Timeline(w.ctx, sys(r.Agency), r.PublicID)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, m := range msgs {
			if m.Direction != "out" {
				continue
			}
			out = append(out, string(r.Agency)+" "+m.Summary)
			for v, xsd := range map[iso18626.Version]string{iso18626.V1_2: "ISO-18626-v1_2.xsd", iso18626.V2021: "ISO-18626-2021-2.xsd"} {
				im, err := wire.Encode(m.Body, v, wire.ISIL{})
				if err != nil {
					w.t.Fatalf("encode %s in %s: %v", m.Summary, v, err)
				}
				raw, err := iso18626.Marshal(im)
				if err != nil {
					w.t.Fatal(err)
				}
				testenv.ValidateXSD(w.t, testenv.Standards(w.t, "iso18626", xsd), raw)
			}
		}
	}
	return out
}

// TestLendingDeskLoanByScans: pull slip, found, ship, return — each by a
// scan, with the ILS charging the copy out to the borrowing library and
// checking it in, and every scan that should do nothing doing nothing.
func TestLendingDeskLoanByScans(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			ilsB := newTestILS(t, w, libB, nil)
			catalogCopy(t, w, libB, "b100", "39000001")
			b, l := deskLoan(t, w)

			slips, err := w.app.PrintPullSlips(w.ctx, staff(libB), nil, app.PrintOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(slips.Marked, []string{l.PublicID}) || len(slips.PDF) == 0 {
				t.Fatalf("printed %v, marked %v", slips.Requests, slips.Marked)
			}
			if got := w.wantState(libB, l.PublicID, ill.LPulled); !slices.ContainsFunc(got.Items, func(it ill.Item) bool { return it.Barcode == "39000001" }) {
				t.Errorf("the slip's copy is not recorded: %v", got.Items)
			}

			w.scanRefused(app.ScanFound, "39999999", ill.NotFound, "unknown")
			w.scanRefused(app.ScanShip, l.PublicID, ill.Conflict, "not_possible") // not found yet
			w.scan(app.ScanFound, "39000001")
			w.wantState(libB, l.PublicID, ill.LAwaitingShip)
			w.wantState(libA, b.PublicID, ill.BAnswered)
			w.scanRefused(app.ScanFound, "39000001", ill.Conflict, "already")

			res := w.scan(app.ScanShip, l.PublicID, func(in *app.ScanInput) { in.Courier, in.TrackingID = "UPS", "1Z999AA10123456784" })
			if res.Item != "39000001" || res.From != ill.LAwaitingShip {
				t.Errorf("ship scan result %+v", res)
			}
			shipped := w.wantState(libB, l.PublicID, ill.LShipped)
			if want := time.Date(2026, 3, 30, 23, 59, 59, 0, time.UTC); !shipped.LenderDue.Equal(want) {
				t.Errorf("due %v, want %v (28 days, end of day)", shipped.LenderDue, want)
			}
			got := w.wantState(libA, b.PublicID, ill.BShipped)
			if got.Shipping.TrackingID != "1Z999AA10123456784" || got.Shipping.Courier != "UPS" || !got.LenderDue.Equal(shipped.LenderDue) {
				t.Errorf("borrower sees shipping %+v due %v", got.Shipping, got.LenderDue)
			}
			w.wantStep(libB, l.PublicID, ils.CheckOutItem, store.StepDone, "ils")
			if loan, ok := ilsB.Loan("39000001"); !ok || loan.UserID != "ILL-US-EXA" {
				t.Errorf("ILS loan %+v %v, want charged to the borrowing library", loan, ok)
			}
			w.scanRefused(app.ScanShip, "39000001", ill.Conflict, "already")

			labels, err := w.app.PrintShippingLabels(w.ctx, staff(libB), []string{l.PublicID}, app.PrintOptions{})
			if err != nil || !slices.Equal(labels.Requests, []string{l.PublicID}) {
				t.Fatalf("labels %v: %v", labels.Requests, err)
			}

			for _, a := range []ill.ActionName{ill.ActReceive, ill.ActCheckOut, ill.ActCheckIn, ill.ActShipReturn} {
				w.do(staff(libA), b.PublicID, a, nil)
			}
			w.wantState(libB, l.PublicID, ill.LReturnReceived)
			w.scan(app.ScanReturn, "39000001")
			w.wantState(libB, l.PublicID, ill.LCompleted)
			w.wantState(libA, b.PublicID, ill.BCompleted)
			w.wantStep(libB, l.PublicID, ils.CheckInItem, store.StepDone, "ils")
			w.scanRefused(app.ScanReturn, "39000001", ill.Conflict, "already")
			if want := []string{"LookupItem", "RequestItem", "CheckOutItem", "CheckInItem"}; !slices.Equal(ilsB.services(), want) {
				t.Errorf("NCIP calls %v, want %v", ilsB.services(), want)
			}
			sent := w.validateMessages(l)
			for _, want := range []string{"SAM ExpectToSupply", "SAM WillSupply", "SAM Loaned", "SAM LoanCompleted"} {
				if !slices.ContainsFunc(sent, func(s string) bool { return strings.Contains(s, want) }) {
					t.Errorf("no %s among %v", want, sent)
				}
			}
		})
	}
}

// TestLendingDeskTwentyShipScans: twenty requests found and shipped by
// scans alone, then one batch of labels and book bands for them.
func TestLendingDeskTwentyShipScans(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	var ids []string
	for range 20 {
		_, l := deskLoan(t, w)
		ids = append(ids, l.PublicID)
	}
	if _, err := w.app.PrintPullSlips(w.ctx, staff(libB), ids, app.PrintOptions{PerPage: 4}); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		w.scan(app.ScanFound, id)
	}
	for i, id := range ids {
		w.scan(app.ScanShip, id, func(in *app.ScanInput) { in.TrackingID = "TRK" + string(rune('A'+i)) })
	}
	for _, id := range ids {
		w.wantState(libB, id, ill.LShipped)
	}
	labels, err := w.app.PrintShippingLabels(w.ctx, staff(libB), ids, app.PrintOptions{Stock: "a4"})
	if err != nil || len(labels.Requests) != 20 {
		t.Fatalf("labels: %v %v", labels.Requests, err)
	}
	if _, err := w.app.PrintBookBands(w.ctx, staff(libB), ids, app.PrintOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.app.PrintShippingLabels(w.ctx, staff(libB), ids, app.PrintOptions{Stock: "a5"}); ill.KindOf(err) != ill.Invalid {
		t.Errorf("unknown stock: %v", err)
	}
}

// renewWorld is a loan shipped by libB and checked out at libA, whose
// borrower asks to renew.
func renewWorld(t *testing.T, w *world) (b, l *ill.Request) {
	t.Helper()
	b, l = deskLoan(t, w)
	w.do(staff(libB), l.PublicID, ill.ActPrintSlip, nil)
	w.do(staff(libB), l.PublicID, ill.ActFound, nil)
	w.scan(app.ScanShip, l.PublicID)
	w.do(staff(libA), b.PublicID, ill.ActReceive, nil)
	w.do(staff(libA), b.PublicID, ill.ActCheckOut, nil)
	return b, l
}

// TestLendingRenewalRule: the first renewal is approved at once unless
// another library waits for the title or the rule is off; later ones
// wait for staff, who approve or refuse them.
func TestLendingRenewalRule(t *testing.T) {
	t.Parallel()
	ruleOn := func(t *testing.T, w *world) {
		set := defaultOps(t, w)
		set.AutoRenewFirst = true
		if err := w.app.PutSetting(w.ctx, staff(libB), libB, "lending_ops", set); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name    string
		setup   func(t *testing.T, w *world)
		renewal int // which renewal is asked for
		auto    bool
		why     string
	}{
		{name: "first, no hold", renewal: 1, auto: true, setup: ruleOn},
		{name: "second", renewal: 2, why: "not the first renewal", setup: ruleOn},
		{name: "another library waits", renewal: 1, why: "another library is waiting", setup: func(t *testing.T, w *world) { ruleOn(t, w); newLoan(t, w, libB) }},
		{name: "rule off (the default)", renewal: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, store.SQLite)
			b, l := renewWorld(t, w)
			if c.setup != nil {
				c.setup(t, w)
			}
			renew := func() {
				t.Helper()
				w.clock.Advance(time.Hour) // a new message, not a duplicate of the last
				w.do(staff(libA), b.PublicID, ill.ActRenew, nil)
			}
			if c.renewal == 2 {
				renew() // the first, approved by the rule
				w.wantState(libB, l.PublicID, ill.LOnLoan)
			}
			due := w.req(libB, l.PublicID).LenderDue
			renew()
			got := w.req(libB, l.PublicID)
			if c.auto {
				if got.State != ill.LOnLoan || got.RenewalCount != 1 || !got.LenderDue.After(due) {
					t.Fatalf("auto renewal: %s, count %d, due %v (was %v)", got.State, got.RenewalCount, got.LenderDue, due)
				}
				if bb := w.req(libA, b.PublicID); !bb.LenderDue.Equal(got.LenderDue) {
					t.Errorf("borrower's due %v, lender's %v", bb.LenderDue, got.LenderDue)
				}
				w.validateMessages(l)
				return
			}
			w.wantState(libB, l.PublicID, ill.LRenewRequested)
			evs, _, _ := w.app.Timeline(w.ctx, sys(libB), l.PublicID)
			skipped := slices.ContainsFunc(evs, func(e ill.Event) bool {
				return e.Type == "auto_renewal_skipped" && strings.Contains(string(e.Data), c.why)
			})
			if c.why != "" && !skipped {
				t.Errorf("no auto_renewal_skipped event saying %q", c.why)
			}
			// Staff answer: refuse, then (asked again) approve.
			w.do(staff(libB), l.PublicID, ill.ActRefuseRenew, map[string]any{"note": "Needed for a course"})
			w.wantState(libB, l.PublicID, ill.LOnLoan)
			renew()
			w.do(staff(libB), l.PublicID, ill.ActApproveRenew, map[string]any{"dueDate": "2026-06-30"})
			if got := w.wantState(libB, l.PublicID, ill.LOnLoan); got.LenderDue.Format("2006-01-02") != "2026-06-30" {
				t.Errorf("approved due %v", got.LenderDue)
			}
			w.validateMessages(l)
		})
	}
}

func defaultOps(t *testing.T, w *world) app.LendingOpsSettings {
	t.Helper()
	set, err := app.LendingOpsSetting.Get(w.ctx, w.app.DB, libB)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// TestLendingOverdueEscalation: Overdue on the due date, a second notice
// a week later, a final one after three weeks that flags the loan; each
// sent once, whatever how often the daily run comes.
func TestLendingOverdueEscalation(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	b, l := renewWorld(t, w)
	due := w.req(libB, l.PublicID).LenderDue
	step := func(days int, want []int) {
		t.Helper()
		w.clock.Set(due.Add(time.Duration(days)*24*time.Hour + time.Hour))
		w.app.Jobs.Kick()
		w.settle()
		got, err := w.app.SendOverdueNotices(w.ctx)
		if err != nil {
			t.Fatal(err)
		}
		w.settle()
		var levels []int
		for _, n := range got {
			if n.Request == l.PublicID {
				levels = append(levels, n.Level)
			}
		}
		if !slices.Equal(levels, want) {
			t.Fatalf("day %d: notices %v, want %v", days, levels, want)
		}
	}
	step(0, nil)
	w.wantState(libB, l.PublicID, ill.LOverdue)
	w.wantState(libA, b.PublicID, ill.BOverdue)
	step(3, nil)
	step(7, []int{2})
	step(8, nil)
	step(21, []int{3})
	step(30, nil)
	if r := w.req(libB, l.PublicID); !r.Attention || r.AttentionReason != "overdue_final_notice" {
		t.Errorf("after the final notice: attention %v %q", r.Attention, r.AttentionReason)
	}
	sent := w.validateMessages(l)
	n := 0
	for _, s := range sent {
		if strings.Contains(s, "SAM Overdue") {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d Overdue messages, want 3: %v", n, sent)
	}
	// Recall, then lost with a replacement charge in the ledger.
	w.do(staff(libB), l.PublicID, ill.ActRecall, map[string]any{"note": "Needed back"})
	w.wantState(libA, b.PublicID, ill.BRecalled)
	w.do(staff(libB), l.PublicID, ill.ActCloseLostLend, map[string]any{"cost": "85.00 USD", "note": "Lost in transit"})
	w.wantState(libB, l.PublicID, ill.LCompleted)
	charges := w.charges(libB, l.PublicID)
	if len(charges) != 1 || charges[0].Type != store.ChargeReplacement || charges[0].Amount.Minor != 8500 || charges[0].Payer != string(libA) {
		t.Errorf("ledger %+v", charges)
	}
	w.validateMessages(l)
}

func (w *world) charges(ag ill.AgencyID, id string) []store.Charge {
	w.t.Helper()
	r := w.req(ag, id)
	var out []store.Charge
	if err := w.app.DB.Read(w.ctx, func(tx *store.Tx) (err error) { out, err = tx.Agency().Charges(ag, r.ID); return }); err != nil {
		w.t.Fatal(err)
	}
	return out
}

// TestLendingDamagedReturn: a return scanned as damaged completes the
// loan, tells the borrower and writes the charge to the ledger.
func TestLendingDamagedReturn(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	b, l := renewWorld(t, w)
	w.do(staff(libA), b.PublicID, ill.ActCheckIn, nil)
	w.do(staff(libA), b.PublicID, ill.ActShipReturn, nil)
	if _, err := w.app.LendingScan(w.ctx, staff(libB), app.ScanInput{Mode: app.ScanReturn, Code: l.PublicID, Damaged: true, DamageCost: "abc"}); ill.KindOf(err) != ill.Invalid {
		t.Fatalf("bad damage cost: %v", err)
	}
	w.wantState(libB, l.PublicID, ill.LReturnReceived)
	res := w.scan(app.ScanReturn, l.PublicID, func(in *app.ScanInput) { in.Damaged, in.DamageCost, in.DamageNote = true, "25.00 USD", "water damage" })
	w.wantState(libB, l.PublicID, ill.LCompleted)
	c := w.charges(libB, l.PublicID)
	if res.Charge == 0 || len(c) != 1 || c[0].Amount.Minor != 2500 || c[0].Payer != string(libA) || !strings.Contains(c[0].Note, "water damage") {
		t.Errorf("charge %d, ledger %+v", res.Charge, c)
	}
	sent := w.validateMessages(l)
	if !slices.ContainsFunc(sent, func(s string) bool { return strings.Contains(s, "Notification") }) {
		t.Errorf("the borrower was not told: %v", sent)
	}
}

// scanImage is a page image: white with a dark band.
func scanImage() *image.Gray {
	img := image.NewGray(image.Rect(0, 0, 400, 560))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for y := 100; y < 140; y++ {
		for x := 40; x < 360; x++ {
			img.SetGray(x, y, color.Gray{Y: 20})
		}
	}
	return img
}

func tiffPage(t testing.TB) []byte {
	var buf bytes.Buffer
	if err := tiff.Encode(&buf, scanImage(), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegPage(t testing.TB) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, scanImage(), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// newCopyRequest is an article request from libA answered by libB and
// found: awaiting its scan.
func newCopyRequest(t *testing.T, w *world) (b, l *ill.Request) {
	t.Helper()
	b, err := w.app.CreateRequest(w.ctx, staff(libA), app.NewRequest{
		Citation: ill.Citation{Title: "Journal of Library Science", JournalTitle: "Journal of Library Science", ArticleTitle: "Scanning at scale",
			ISSN: "0022-2232", Volume: "12", Pages: "1-10", PublicationType: ill.PubArticle},
		ServiceType: ill.Copy, Lenders: []app.RotaChoice{{Lender: libB, Reason: "test"}}, Send: true, Copyright: "US-CCG"})
	if err != nil {
		t.Fatal(err)
	}
	w.settle()
	l = w.lendingFor(libB, b)
	w.do(staff(libB), l.PublicID, ill.ActExpectToSupply, nil)
	w.do(staff(libB), l.PublicID, ill.ActPrintSlip, nil)
	w.scan(app.ScanFound, l.PublicID)
	w.wantState(libB, l.PublicID, ill.LAwaitingScan)
	return b, l
}

// TestLendingCopyDelivery: page images or a PDF become one PDF in the
// file store, delivered by an expiring link in deliveryInfo; bad uploads
// change nothing; a bad scan is sent again.
func TestLendingCopyDelivery(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		pages     []app.CopyPage
		assembled bool
		pageCount int
	}{
		{name: "two TIFF pages", pages: []app.CopyPage{{Name: "p1.tif", Data: tiffPage(t)}, {Name: "p2.tif", Data: tiffPage(t)}}, assembled: true, pageCount: 2},
		{name: "JPEG page", pages: []app.CopyPage{{Name: "p1.jpg", Data: jpegPage(t)}}, assembled: true, pageCount: 1},
		{name: "PDF", pages: []app.CopyPage{{Name: "scan.pdf", Data: textPDF(t)}}, pageCount: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, store.SQLite)
			b, l := newCopyRequest(t, w)
			d, err := w.app.DeliverCopy(w.ctx, staff(libB), l.PublicID, app.CopyUpload{Pages: c.pages})
			if err != nil {
				t.Fatal(err)
			}
			w.settle()
			if d.Assembled != c.assembled || d.Pages != c.pageCount || d.File.ContentType != "application/pdf" {
				t.Errorf("delivery %+v", d)
			}
			if want := t0.Add(30 * 24 * time.Hour); !d.LinkExpires.Equal(want) {
				t.Errorf("link expires %v, want %v", d.LinkExpires, want)
			}
			got := w.wantState(libB, l.PublicID, ill.LCompleted)
			if !strings.Contains(got.DeliveryURL, "/files/") || !strings.Contains(got.DeliveryURL, "sig=") {
				t.Errorf("delivery URL %q", got.DeliveryURL)
			}
			bb := w.wantState(libA, b.PublicID, ill.BCompleted)
			if bb.DeliveryURL != got.DeliveryURL {
				t.Errorf("borrower got %q, sent %q", bb.DeliveryURL, got.DeliveryURL)
			}
			_, rd, err := w.app.OpenFile(w.ctx, staff(libB), libB, d.File.PublicID)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			_, _ = buf.ReadFrom(rd)
			rd.Close()
			// The copyright notice page comes first (copyright_notice.go).
			if n := testenv.PDFPageCount(t, buf.Bytes()); n != c.pageCount+1 {
				t.Errorf("stored PDF has %d pages, want the notice page and %d", n, c.pageCount)
			}
			if !c.assembled {
				if text := testenv.PDFText(t, buf.Bytes()); !strings.Contains(text, "Scanning at scale") {
					t.Errorf("the scanner's text layer is lost: %q", text)
				}
			}
			// A bad scan: sent again, with a new link.
			r2, err := w.app.ResendCopy(w.ctx, staff(libB), l.PublicID, app.CopyUpload{Pages: []app.CopyPage{{Name: "again.tif", Data: tiffPage(t)}}, Note: "Page 3 rescanned"})
			if err != nil {
				t.Fatal(err)
			}
			w.settle()
			if r2.Request.DeliveryURL == got.DeliveryURL {
				t.Error("the re-send kept the old link")
			}
			sent := w.validateMessages(l)
			if n := len(slices.DeleteFunc(sent, func(s string) bool { return !strings.Contains(s, "CopyCompleted") })); n != 2 {
				t.Errorf("%d CopyCompleted messages, want 2", n)
			}
		})
	}
}

// textPDF is a one-page PDF with a text layer (as a scanner with OCR
// makes).
func textPDF(t testing.TB) []byte {
	doc, err := pdfWithText("Scanning at scale")
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestLendingCopyBadUploads: the wrong file, a mix, a damaged PDF, too
// large a scan, or a loan: a clear error, nothing stored as delivered,
// the request unchanged.
func TestLendingCopyBadUploads(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	set := defaultOps(t, w)
	set.CopyMaxMB = 1
	if err := w.app.PutSetting(w.ctx, staff(libB), libB, "lending_ops", set); err != nil {
		t.Fatal(err)
	}
	_, l := newCopyRequest(t, w)
	_, loan := deskLoan(t, w)
	big := make([]byte, 1<<20+1)
	copy(big, "%PDF-1.7\n")
	cases := []struct {
		name  string
		id    string
		pages []app.CopyPage
		kind  ill.Kind
		msg   string
	}{
		{"nothing", l.PublicID, nil, ill.Invalid, "choose the scan"},
		{"text file", l.PublicID, []app.CopyPage{{Name: "notes.txt", Data: []byte("hello")}}, ill.Invalid, "notes.txt is not a PDF, TIFF or JPEG"},
		{"word document", l.PublicID, []app.CopyPage{{Name: "a.docx", Data: []byte("PK\x03\x04...")}}, ill.Invalid, "not a PDF, TIFF or JPEG"},
		{"PDF and image", l.PublicID, []app.CopyPage{{Name: "a.pdf", Data: textPDF(t)}, {Name: "b.tif", Data: tiffPage(t)}}, ill.Invalid, "one PDF, or page images"},
		{"damaged PDF", l.PublicID, []app.CopyPage{{Name: "bad.pdf", Data: []byte("%PDF-1.7\nbroken")}}, ill.Invalid, "damaged or unsupported PDF"},
		{"damaged TIFF", l.PublicID, []app.CopyPage{{Name: "bad.tif", Data: []byte("II*\x00garbage")}}, ill.Invalid, "cannot be read"},
		{"too large", l.PublicID, []app.CopyPage{{Name: "big.pdf", Data: big}}, ill.TooLarge, "larger than the limit of 1 MB"},
		{"a loan", loan.PublicID, []app.CopyPage{{Name: "p.tif", Data: tiffPage(t)}}, ill.Conflict, "is a loan"},
		{"unknown request", "L9999999", []app.CopyPage{{Name: "p.tif", Data: tiffPage(t)}}, ill.NotFound, ""},
	}
	before := w.req(libB, l.PublicID)
	for _, c := range cases {
		_, err := w.app.DeliverCopy(w.ctx, staff(libB), c.id, app.CopyUpload{Pages: c.pages})
		if ill.KindOf(err) != c.kind || !strings.Contains(ill.UserMessage(err), c.msg) {
			t.Errorf("%s: %v (%v), want %v %q", c.name, err, ill.KindOf(err), c.kind, c.msg)
		}
	}
	if after := w.req(libB, l.PublicID); after.Version != before.Version || after.State != ill.LAwaitingScan {
		t.Errorf("bad uploads changed the request: %s v%d", after.State, after.Version)
	}
	files, err := w.app.ListFiles(w.ctx, staff(libB), libB, store.FileFilter{RequestRef: l.PublicID})
	if err != nil || len(files) != 0 {
		t.Errorf("files kept after refused uploads: %v %v", files, err)
	}
	if _, err := w.app.ResendCopy(w.ctx, staff(libB), l.PublicID, app.CopyUpload{}); ill.KindOf(err) != ill.Conflict {
		t.Errorf("re-send before delivery: %v", err)
	}
}
