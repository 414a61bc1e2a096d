package app_test

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/patron"
	"interlend/internal/pdf"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
	"interlend/internal/testenv"
)

func queueCount(t *testing.T, w *world, actor ill.Actor, name string) int {
	t.Helper()
	qs, err := w.app.BorrowingQueueCounts(context.Background(), actor)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		if q.Name == name {
			return q.Count
		}
	}
	t.Fatalf("no queue %s", name)
	return 0
}

// TestBorrowingDeskFlow: a request placed for a patron goes to a partner,
// is shipped, received by a scan of the item's barcode (the patron is
// told), its hold slip names the patron and the deadline with the request
// id as a barcode, the pickup deadline passes (the request moves to
// "pickup expired", the patron is told, the return is next), and it is
// returned to the lender by scan. The queues count it at each step.
func TestBorrowingDeskFlow(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			w := newWorld(t, engine)
			ctx := context.Background()
			st := staff(libA)
			p, err := w.app.CreatePatron(ctx, st, libA, patron.Record{Barcode: "21000999887766", Name: "Ada Quill", Email: "ada@example.org"})
			if err != nil {
				t.Fatal(err)
			}
			r, err := w.app.CreateRequest(ctx, st, app.NewRequest{PatronID: p.ID, PickupLocation: "Main desk",
				Citation: ill.Citation{Title: "Notes on the Analytical Engine", Author: "Lovelace, Ada"}, Lenders: []app.RotaChoice{{Lender: libB, Reason: "test"}}, Send: true})
			if err != nil {
				t.Fatal(err)
			}
			w.settle()
			if n := queueCount(t, w, st, "with_lenders"); n != 1 {
				t.Errorf("with lenders = %d, want 1", n)
			}
			l := w.lendingFor(libB, r)
			w.do(staff(libB), l.PublicID, ill.ActWillSupply, nil)
			w.do(staff(libB), l.PublicID, ill.ActShip, map[string]any{"barcode": "39001000555"})
			w.wantState(libA, r.PublicID, ill.BShipped)
			if n := queueCount(t, w, st, "in_transit"); n != 1 {
				t.Errorf("in transit = %d, want 1", n)
			}
			// Bad scans: nothing matches, or the wrong action for the state.
			if _, err := w.app.DeskScan(ctx, st, "NO-SUCH-CODE", ill.ActReceive, nil); !ill.Is(err, ill.NotFound) {
				t.Errorf("unknown code: %v, want NotFound", err)
			}
			if _, err := w.app.DeskScan(ctx, st, "39001000555", ill.ActCheckIn, nil); !ill.Is(err, ill.Conflict) {
				t.Errorf("check in before receipt: %v, want Conflict", err)
			}
			if _, err := w.app.DeskScan(ctx, staff(libC), "39001000555", ill.ActReceive, nil); !ill.Is(err, ill.NotFound) {
				t.Errorf("another library's scan: %v, want NotFound", err)
			}
			got, err := w.app.DeskScan(ctx, st, "39001000555", ill.ActReceive, nil)
			if err != nil {
				t.Fatal(err)
			}
			w.settle()
			if got.State != ill.BAwaitingPickup || got.PickupDeadline.IsZero() {
				t.Fatalf("after receipt: %s, deadline %v", got.State, got.PickupDeadline)
			}
			wantNotice(t, w, r.PublicID, "received")
			doc, err := w.app.HoldSlip(ctx, st, r.PublicID, pdf.A4, pdf.Labels{}, func(r ill.Request) string { return r.PickupDeadline.Format("2006-01-02") })
			if err != nil {
				t.Fatal(err)
			}
			text := testenv.PDFText(t, doc)
			for _, want := range []string{"Ada Quill", "…7766", "Main desk", got.PickupDeadline.Format("2006-01-02"), "Notes on the Analytical Engine", r.PublicID} {
				if !strings.Contains(text, want) {
					t.Errorf("hold slip lacks %q:\n%s", want, text)
				}
			}
			if codes := testenv.PDFBarcodes(t, doc); len(codes) != 1 || codes[0] != r.PublicID {
				t.Errorf("hold slip barcodes = %v, want [%s]", codes, r.PublicID)
			}
			// The deadline passes.
			w.clock.Set(got.PickupDeadline.Add(time.Minute))
			w.app.Jobs.Kick()
			w.settle()
			w.wantState(libA, r.PublicID, ill.BPickupExpired)
			wantNotice(t, w, r.PublicID, "pickup_expired")
			if n := queueCount(t, w, st, "pickup_expired"); n != 1 {
				t.Errorf("pickup expired = %d, want 1", n)
			}
			if q, _ := app.DeskQueueNamed("pickup_expired"); q.Scan != ill.ActShipReturn {
				t.Errorf("the pickup expired queue scans %s, want ship_return (the early return)", q.Scan)
			}
			if _, err := w.app.DeskScan(ctx, st, r.PublicID, ill.ActShipReturn, map[string]any{"courier": "USPS"}); err != nil {
				t.Fatal(err)
			}
			w.settle()
			w.wantState(libA, r.PublicID, ill.BReturnShipped)
			w.wantState(libB, l.PublicID, ill.LReturnReceived)
		})
	}
}

// wantNotice checks that a patron notice was queued for an event.
func wantNotice(t *testing.T, w *world, id, event string) {
	t.Helper()
	evs, _, err := w.app.Timeline(context.Background(), sys(libA), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if e.Type == event {
			return
		}
	}
	t.Errorf("%s: no %s event", id, event)
}

// TestRetentionRemovesPatronIdentity: a patron's request is closed, the
// clock passes the retention period, and the retention engine runs: a
// dump of the whole database and a walk of the data directory find
// neither the patron's name, email nor barcode; the category stays and
// the request has a redaction event.
func TestRetentionRemovesPatronIdentity(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			w := newWorld(t, engine)
			ctx := context.Background()
			st := staff(libA)
			const name, email, barcode = "Zebulon Quaxworth", "zebulon.quaxworth@example.org", "29990001234567"
			p, err := w.app.CreatePatron(ctx, st, libA, patron.Record{Barcode: barcode, FirstName: "Zebulon", LastName: "Quaxworth", Name: name,
				Email: email, Category: "graduate", Expires: t0.Add(10 * 24 * time.Hour), Notes: "Prefers " + name + " on slips"})
			if err != nil {
				t.Fatal(err)
			}
			r, err := w.app.CreateRequest(ctx, st, app.NewRequest{PatronID: p.ID, Citation: ill.Citation{Title: "A Retained Title", Author: "Writer, Some"},
				NoteToPartner: "for " + name, Lenders: []app.RotaChoice{{Lender: libB, Reason: "test"}}, Send: true})
			if err != nil {
				t.Fatal(err)
			}
			w.settle()
			if err := w.app.AddNote(ctx, st, r.PublicID, "Called "+name+" at "+email+" about card "+barcode); err != nil {
				t.Fatal(err)
			}
			// Mail to the patron about the request, and a delivered file.
			if err := w.app.DB.Transact(ctx, func(tx *store.Tx) error {
				return w.app.QueueMail(tx, app.OutgoingMail{Agency: string(libA), To: email, ToName: name, Subject: "Your request, " + name,
					Text: "Dear " + name + ", card " + barcode, RequestRef: r.PublicID})
			}); err != nil {
				t.Fatal(err)
			}
			if _, err := w.app.StoreFile(ctx, st, libA, strings.NewReader("%PDF-1.4 scan for "+name), app.FileMeta{Name: "scan-" + barcode + ".pdf",
				ContentType: "application/pdf", Purpose: app.FileScan, RequestRef: r.PublicID}); err != nil {
				t.Fatal(err)
			}
			l := w.lendingFor(libB, r)
			w.do(staff(libB), l.PublicID, ill.ActWillSupply, nil)
			w.do(staff(libB), l.PublicID, ill.ActShip, map[string]any{"barcode": "39001000777"})
			w.do(st, r.PublicID, ill.ActReceive, map[string]any{"barcode": "39001000777"})
			w.do(st, r.PublicID, ill.ActCheckOut, nil)
			w.do(st, r.PublicID, ill.ActCheckIn, nil)
			w.do(st, r.PublicID, ill.ActShipReturn, nil)
			w.do(staff(libB), l.PublicID, ill.ActLendCheckIn, nil)
			w.wantState(libA, r.PublicID, ill.BCompleted)
			if !leaks(t, w, name, email, barcode) {
				t.Fatal("the seeded identity is not found before retention: the search cannot fail")
			}
			// Not yet: the period has not passed.
			if _, err := w.app.RunRetention(ctx); err != nil {
				t.Fatal(err)
			}
			if got := w.req(libA, r.PublicID); got.PatronID == 0 {
				t.Fatal("redacted before the retention period")
			}
			w.clock.Advance(91 * 24 * time.Hour)
			rep, err := w.app.RunRetention(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if a := rep[libA]; a == nil || len(a.Requests) != 1 || len(a.Patrons) != 1 {
				t.Fatalf("report: %+v", rep[libA])
			}
			// Past the blob grace period (the local store dates content by
			// the file's real modification time).
			w.clock.Set(later(w.clock.Now(), time.Now()).Add(48 * time.Hour))
			w.app.Jobs.Kick()
			w.settle()
			if leaks(t, w, name, email, barcode) {
				t.Error("the patron's identity is still stored after retention")
			}
			got := w.req(libA, r.PublicID)
			if got.PatronCategory != "graduate" || got.PatronID != 0 {
				t.Errorf("after retention: category %q patron %d", got.PatronCategory, got.PatronID)
			}
			wantNotice(t, w, r.PublicID, "redacted")
			// A second run finds nothing to do.
			rep, err = w.app.RunRetention(ctx)
			if err != nil || len(rep[libA].Requests) != 0 {
				t.Errorf("second run: %+v, %v", rep[libA], err)
			}
		})
	}
}

// leaks reports whether any value is in a dump of every table or in a
// file of the data directory (reporting where).
func leaks(t *testing.T, w *world, values ...string) bool {
	t.Helper()
	found := false
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if _, err := w.app.DB.Backup(context.Background(), tw); err != nil {
		t.Fatal(err)
	}
	_ = tw.Close()
	tr := tar.NewReader(&buf)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		low := strings.ToLower(string(b))
		for _, v := range values {
			if strings.Contains(low, strings.ToLower(v)) {
				t.Logf("%q found in table dump %s", v, h.Name)
				found = true
			}
		}
	}
	_ = filepath.WalkDir(w.cfg.DataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(path)
		low := strings.ToLower(string(b))
		for _, v := range values {
			if strings.Contains(low, strings.ToLower(v)) || strings.Contains(strings.ToLower(path), strings.ToLower(v)) {
				t.Logf("%q found in %s", v, path)
				found = true
			}
		}
		return nil
	})
	return found
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// TestBorrowingDigest: at the digest hour, the configured addresses get
// one message listing the queues that need a person; not twice in a day,
// not at another hour, and not when nothing waits; a bad address is
// refused by the setting.
func TestBorrowingDigest(t *testing.T) {
	t.Parallel()
	w := newWorld(t, storetest.Engines(t)[0])
	ctx := context.Background()
	st := staff(libA)
	if err := w.app.PutSetting(ctx, st, libA, "borrowing", app.BorrowingSettings{DuplicateDays: 90, DigestTo: "not an address", DigestHour: 7}); !ill.Is(err, ill.Invalid) {
		t.Fatalf("bad address: %v, want Invalid", err)
	}
	if err := w.app.PutSetting(ctx, st, libA, "borrowing", app.BorrowingSettings{DuplicateDays: 90, DigestTo: "desk@example.edu, head@example.edu", DigestHour: 7}); err != nil {
		t.Fatal(err)
	}
	w.clock.Set(time.Date(2026, 3, 3, 7, 5, 0, 0, time.UTC))
	if n, err := w.app.SendBorrowingDigests(ctx); err != nil || n != 0 {
		t.Fatalf("nothing waiting: %d sent, %v", n, err)
	}
	if _, err := w.app.CreateRequest(ctx, st, app.NewRequest{Citation: ill.Citation{Author: "Only, Author"}}); err != nil {
		t.Fatal(err)
	}
	w.clock.Set(time.Date(2026, 3, 3, 8, 5, 0, 0, time.UTC))
	if n, _ := w.app.SendBorrowingDigests(ctx); n != 0 {
		t.Errorf("another hour: %d sent", n)
	}
	w.clock.Set(time.Date(2026, 3, 4, 7, 5, 0, 0, time.UTC))
	if n, err := w.app.SendBorrowingDigests(ctx); err != nil || n != 2 {
		t.Fatalf("digest: %d sent, %v; want 2", n, err)
	}
	w.app.SendBorrowingDigests(ctx) // the same hour again: the same messages
	var logs []store.MailLog
	if err := w.app.DB.Read(ctx, func(tx *store.Tx) (err error) { logs, err = tx.Agency().MailLogs(libA, store.MailFilter{}); return }); err != nil {
		t.Fatal(err)
	}
	if len(logs) != 2 || !strings.Contains(logs[0].Subject, "1 requests need attention") {
		t.Errorf("mail log: %+v", logs)
	}
}

// TestBorrowingConditionsCharge: a lender's cost accepted at the desk is
// written to the request's charges ledger; rejected conditions move the
// request on and write nothing.
func TestBorrowingConditionsCharge(t *testing.T) {
	t.Parallel()
	w := newWorld(t, storetest.Engines(t)[0])
	ctx := context.Background()
	st := staff(libA)
	for _, accept := range []bool{true, false} {
		r, err := w.app.CreateRequest(ctx, st, app.NewRequest{Citation: ill.Citation{Title: "Costly book", Author: "Dear, Ann"},
			Lenders: []app.RotaChoice{{Lender: libB, Reason: "test"}}, Send: true})
		if err != nil {
			t.Fatal(err)
		}
		w.settle()
		l := w.lendingFor(libB, r)
		w.do(staff(libB), l.PublicID, ill.ActOfferConds, map[string]any{"conditions": "LibraryUseOnly", "cost": "15.00 USD"})
		w.wantState(libA, r.PublicID, ill.BConditional)
		if n := queueCount(t, w, st, "conditions"); n != 1 {
			t.Errorf("conditions queue = %d, want 1", n)
		}
		action := ill.ActRejectConditions
		if accept {
			action = ill.ActAcceptConditions
		}
		w.do(st, r.PublicID, action, nil)
		ledger, err := w.app.Ledger(ctx, st, r.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case accept && (len(ledger) != 1 || ledger[0].Amount.Minor != 1500 || ledger[0].Amount.Currency != "USD"):
			t.Errorf("accepted: ledger %+v, want one charge of 15.00 USD", ledger)
		case !accept && len(ledger) != 0:
			t.Errorf("rejected: ledger %+v, want none", ledger)
		}
	}
}
