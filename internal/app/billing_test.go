package app_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/billing"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/patron"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
	"interlend/internal/testenv"
)

// loanFromB places a loan request of libA's patron with libB, has libB
// ship it and libA receive and check it out; it returns the request.
func loanFromB(t *testing.T, w *world, patronID int64, barcode string) *ill.Request {
	t.Helper()
	r, err := w.app.CreateRequest(w.ctx, staff(libA), app.NewRequest{PatronID: patronID, PickupLocation: "Main desk",
		Citation: ill.Citation{Title: "Silent spring " + barcode, Author: "Carson, Rachel"}, Lenders: []app.RotaChoice{{Lender: libB, Reason: "test"}}, Send: true})
	if err != nil {
		t.Fatal(err)
	}
	w.settle()
	l := w.lendingFor(libB, r)
	w.do(staff(libB), l.PublicID, ill.ActWillSupply, nil)
	w.do(staff(libB), l.PublicID, ill.ActShip, map[string]any{"barcode": barcode})
	w.wantState(libA, r.PublicID, ill.BShipped)
	w.do(staff(libA), r.PublicID, ill.ActReceive, map[string]any{"barcode": barcode})
	w.do(staff(libA), r.PublicID, ill.ActCheckOut, nil)
	return w.wantState(libA, r.PublicID, ill.BCheckedOut)
}

func charges(t *testing.T, w *world, id string) []store.Charge {
	t.Helper()
	cs, err := w.app.Ledger(w.ctx, staff(libA), id)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// TestBillingLedgerEndToEnd: a lender's directory charge is written when
// it ships (its international price for a borrower abroad), staff pass
// it on to the patron, the month's invoice holds it, its PDF says so, it
// is marked paid, and a received invoice that asks for more is flagged.
func TestBillingLedgerEndToEnd(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			w := newWorld(t, engine)
			ctx := context.Background()
			usd := func(m int64) directory.Money { return directory.Money{Minor: m, Currency: "USD"} }
			for _, e := range []directory.Entry{
				{ID: libB, Name: "Lender B", Addresses: []directory.Address{{Purpose: directory.AddressBilling, Line1: "1 Lending Way", Locality: "Springfield", Country: "US"}},
					Policy: directory.Policy{Charges: []directory.Charge{{Service: directory.ServiceLoan, Amount: usd(1500), International: usd(2500)}}}},
				{ID: libA, Name: "Borrower A", Addresses: []directory.Address{{Purpose: directory.AddressShipping, Locality: "Toronto", Country: "CA"}}},
			} {
				if _, err := w.app.PutDirectoryEntry(ctx, ill.SystemActor(), e); err != nil {
					t.Fatal(err)
				}
			}
			p, err := w.app.CreatePatron(ctx, staff(libA), libA, patron.Record{Barcode: "2100055", Name: "Rae Reader", Email: "rae@example.org"})
			if err != nil {
				t.Fatal(err)
			}
			r := loanFromB(t, w, p.ID, "39001000777")
			cs := charges(t, w, r.PublicID)
			if len(cs) != 1 || cs[0].Type != store.ChargeLender || cs[0].Amount != (ill.Money{Minor: 2500, Currency: "USD"}) ||
				cs[0].Status != store.ChargeAccepted || cs[0].Payee != string(libB) || !strings.Contains(cs[0].Note, "international") {
				t.Fatalf("ledger after shipment: %+v", cs)
			}
			fees, err := w.app.AddPatronFee(ctx, staff(libA), r.PublicID, app.PatronFeeInput{Kind: app.FeePassThrough})
			if err != nil || len(fees) != 1 || fees[0].Payer != billing.Patron || fees[0].Amount.Minor != 2500 {
				t.Fatalf("pass-through fee: %+v %v", fees, err)
			}
			if _, err := w.app.AddPatronFee(ctx, staff(libA), r.PublicID, app.PatronFeeInput{Kind: app.FeePerRequest}); !ill.Is(err, ill.Invalid) {
				t.Errorf("a per-request fee of 0: %v, want Invalid", err)
			}
			period := t0.Format("2006-01")
			rep, err := w.app.BillingReport(ctx, staff(libA), period)
			if err != nil {
				t.Fatal(err)
			}
			number := string(libA) + "-" + period + "-P-" + string(libB)
			if len(rep.Invoices) != 1 || rep.Invoices[0].Number != number || billing.Format(rep.Invoices[0].Total.Converted) != "25.00 USD" {
				t.Fatalf("invoices: %+v", rep.Invoices)
			}
			files, err := w.app.ExportCharges(ctx, staff(libA), period)
			if err != nil || len(files) != 3 {
				t.Fatalf("export: %d files, %v", len(files), err)
			}
			text := testenv.PDFText(t, files[0].Data)
			for _, want := range []string{"Statement of charges", number, "Lender B", "1 Lending Way", r.PublicID, "25.00", "USD", "Lender charge (accepted)"} {
				if !strings.Contains(text, want) {
					t.Errorf("invoice PDF lacks %q:\n%s", want, text)
				}
			}
			n, err := w.app.MarkInvoice(ctx, staff(libA), period, number, store.ChargePaid)
			if err != nil || n != 1 {
				t.Fatalf("mark paid: %d %v", n, err)
			}
			if cs := charges(t, w, r.PublicID); cs[0].Status != store.ChargePaid || cs[0].Reference != number {
				t.Errorf("after marking paid: %+v", cs[0])
			}
			if _, err := w.app.MarkInvoice(ctx, staff(libB), period, number, store.ChargePaid); !ill.Is(err, ill.NotFound) {
				t.Errorf("another library's invoice: %v, want NotFound", err)
			}
			in := "invoice,date,request,amount,currency\nB-9," + t0.Format("2006-01-02") + "," + r.PublicID + ",30.00,USD\n"
			res, err := w.app.ImportReceivedInvoice(ctx, staff(libA), string(libB), period, strings.NewReader(in))
			if err != nil || res.Invoice.Flagged != 1 || res.Differences[0].Verdict != billing.AmountDiffers {
				t.Errorf("received invoice: %+v %v", res, err)
			}
			b, err := w.app.Budget(ctx, staff(libA))
			if err != nil || b.Spent != 2500 || b.Currency != "USD" {
				t.Errorf("budget: %+v %v", b, err)
			}
			var csv bytes.Buffer
			csv.Write(files[1].Data)
			if !strings.Contains(csv.String(), "total_home") {
				t.Errorf("invoice CSV:\n%s", csv.String())
			}
		})
	}
}

// TestOverdueEscalationByFakeClock: the daily job (scheduled by
// addSchedule) takes the ladder's steps as the fake clock passes the
// patron's due date: three notices, then a block, then a lost-book bill;
// each once, each on the request's timeline; the patron page's view has
// the next step; returning the item lifts the block.
func TestOverdueEscalationByFakeClock(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines(t) {
		t.Run(string(engine), func(t *testing.T) { escalationByFakeClock(t, engine) })
	}
}

func escalationByFakeClock(t *testing.T, engine store.Engine) {
	w := newWorld(t, engine)
	ctx := context.Background()
	p, err := w.app.CreatePatron(ctx, staff(libA), libA, patron.Record{Barcode: "2100056", Name: "Otto Late", Email: "otto@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.app.PutSetting(ctx, ill.SystemActor(), libA, "overdue_escalation", app.EscalationSettings{FirstNoticeDays: 1, SecondNoticeDays: 7,
		FinalNoticeDays: 14, BlockDays: 21, BillDays: 42, BillAmount: "80.00", LiftBlockOnReturn: true}); err != nil {
		t.Fatal(err)
	}
	r := loanFromB(t, w, p.ID, "39001000888")
	if r.PatronDue.IsZero() {
		t.Fatal("no patron due date")
	}
	if err := w.app.EnsureSchedules(ctx); err != nil { // as serve does at start
		t.Fatal(err)
	}
	at := func(days int) {
		w.clock.Set(r.PatronDue.Add(time.Duration(days)*24*time.Hour + 8*time.Hour))
		w.app.Jobs.Kick()
		w.settle()
	}
	var next *billing.Step
	steps := func() (int, string) {
		vs, err := w.app.PatronEscalations(ctx, staff(libA), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 1 {
			t.Fatalf("patron page escalations: %+v", vs)
		}
		next = vs[0].Next
		if next != nil && !vs[0].NextOn.Equal(r.PatronDue.Add(time.Duration(next.Days)*24*time.Hour)) {
			t.Errorf("next step %+v on %v", next, vs[0].NextOn)
		}
		return vs[0].Done, vs[0].LastStep
	}
	blocks := func() int {
		d, err := w.app.Patron(ctx, staff(libA), libA, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, b := range d.BlockHistory {
			if b.LiftedAt.IsZero() && b.Source == app.BlockOverdue {
				n++
			}
		}
		return n
	}
	for _, c := range []struct {
		days  int
		done  int
		last  string
		block int
	}{
		{0, 0, "none", 0}, {1, 1, "notice1", 0}, {3, 1, "notice1", 0}, {7, 2, "notice2", 0}, {14, 3, "notice3", 0},
		{21, 4, "block", 1}, {30, 4, "block", 1}, {42, 5, "bill", 1}, {50, 5, "bill", 1},
	} {
		at(c.days)
		if done, last := steps(); done != c.done || last != c.last || blocks() != c.block {
			t.Fatalf("day %d: %d steps, last %q, %d blocks; want %d, %q, %d", c.days, done, last, blocks(), c.done, c.last, c.block)
		}
		if c.days == 14 && (next == nil || next.Kind != billing.StepBlock || next.Days != 21) {
			t.Errorf("day 14: next step %+v, want the block on day 21", next)
		}
		if c.days == 50 && next != nil {
			t.Errorf("after the bill: next step %+v", next)
		}
	}
	bills := 0
	for _, c := range charges(t, w, r.PublicID) {
		if c.Type == store.ChargePatronFee && c.Payer == billing.Patron {
			bills++
			if c.Amount != (ill.Money{Minor: 8000, Currency: "USD"}) || c.Status != store.ChargeAccepted {
				t.Errorf("bill: %+v", c)
			}
		}
	}
	if bills != 1 {
		t.Errorf("%d bills, want 1", bills)
	}
	evs, _, err := w.app.Timeline(ctx, sys(libA), r.PublicID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.Type == "overdue_escalation" {
			n++
		}
	}
	if n != 5 {
		t.Errorf("%d escalation events, want 5", n)
	}
	logs, err := w.app.MailLog(ctx, ill.SystemActor(), libA, store.MailFilter{})
	if err != nil {
		t.Fatal(err)
	}
	mails := map[string]int{}
	for _, m := range logs {
		mails[m.NoticeKey]++
	}
	if mails["patron.overdue_level"] != 3 || mails["patron.lost_bill"] != 1 {
		t.Errorf("escalation mail: %v", mails)
	}
	w.do(staff(libA), r.PublicID, ill.ActCheckIn, nil)
	if blocks() != 0 {
		t.Error("the escalation's block stayed after the return")
	}
}
