package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/patron"
	"interlend/internal/store"
	"interlend/internal/testenv"
)

// The billing page, for the pseudo-locale and axe tests: invoices both
// ways, charges to settle and a received invoice with differences.
func init() {
	addPseudoPage(pseudoPage{Page: "billing", As: "manager", Path: "/billing?period=2026-03", Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
		pw.Once("billing", func() {
			pw.Known("US-PSLEND", "US-PSBORR", "PS-INV-1", "US-PSA-2026-03-P-US-PSLEND", "US-PSA-2026-03-R-US-PSBORR", "PDF", "CSV")
			seedBillingCharges(t, pw.World, pw.Agency)
			in := "invoice,date,request,amount,currency\nPS-INV-1,2026-03-01,B-NOPE,5.00,USD\n"
			if _, err := pw.App.ImportReceivedInvoice(context.Background(), pw.actor("manager"), "US-PSLEND", "2026-03", strings.NewReader(in)); err != nil {
				t.Fatal(err)
			}
		})
		return ""
	}, Data: []string{"B-NOPE"}})
}

// seedBillingCharges writes charges of March 2026 for ag: two to a
// lender (one quoted), one from a borrower.
func seedBillingCharges(t *testing.T, w *apptest.World, ag ill.AgencyID) {
	t.Helper()
	at := apptest.Start.AddDate(0, 0, -1)
	cs := []store.Charge{
		{Type: store.ChargeLender, Amount: ill.Money{Minor: 1500, Currency: "USD"}, Payer: string(ag), Payee: "US-PSLEND", Status: store.ChargeAccepted, PaymentMethod: "IFM"},
		{Type: store.ChargeShipping, Amount: ill.Money{Minor: 450, Currency: "USD"}, Payer: string(ag), Payee: "US-PSLEND", Status: store.ChargeQuoted},
		{Type: store.ChargeLender, Amount: ill.Money{Minor: 1000, Currency: "USD"}, Payer: "US-PSBORR", Payee: string(ag), Status: store.ChargeInvoiced},
	}
	err := w.App.DB.Transact(context.Background(), func(tx *store.Tx) error {
		for i := range cs {
			cs[i].CreatedAt = at
			if err := tx.Agency().AddDatedCharge(ag, &cs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The invoice downloads: a PDF whose text has the invoice's number and
// total, its CSV, the IFM file; staff without fees.manage get 403; a bad
// period is told, not guessed.
func TestBillingDownloads(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	const ag = ill.AgencyID("US-DLB")
	w.Agency(t, ag, "Download Library")
	w.User(t, "fee@dlb.example", ill.Grant{Agency: ag, Role: ill.RoleBorrowing})
	w.User(t, "stu@dlb.example", ill.Grant{Agency: ag, Role: ill.RoleStudent})
	seedBillingCharges(t, w, ag)
	c := w.Client(t)
	c.Login("fee@dlb.example")
	num := "US-DLB-2026-03-R-US-PSBORR"
	r := c.Get("/billing/invoices/" + num + "/pdf?period=2026-03")
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("PDF: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	text := testenv.PDFText(t, []byte(r.Body))
	for _, want := range []string{"Invoice", num, "10.00", "USD", "Lender charge (invoiced)"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF lacks %q:\n%s", want, text)
		}
	}
	if r := c.Get("/billing/invoices/" + num + "/csv?period=2026-03"); r.Status != http.StatusOK || !strings.Contains(r.Body, num+",receivable,US-PSBORR") {
		t.Errorf("CSV: %d\n%s", r.Status, r.Body)
	}
	if r := c.Get("/billing/ifm.csv?period=2026-03"); r.Status != http.StatusOK || !strings.Contains(r.Body, ",US-DLB,US-PSLEND,debit,15.00,USD,15.00,USD,1,,accepted,") {
		t.Errorf("IFM: %d\n%s", r.Status, r.Body)
	}
	if r := c.Get("/billing?period=2026-13"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "2026-Q3") {
		t.Errorf("bad period: %d", r.Status)
	}
	s := w.Client(t)
	s.Login("stu@dlb.example")
	if r := s.Get("/billing"); r.Status != http.StatusForbidden {
		t.Errorf("a student on /billing: %d, want 403", r.Status)
	}
	if _, err := w.App.BillingReport(context.Background(), app.ActorFor(w.User(t, "ro@dlb.example", ill.Grant{Agency: ag, Role: ill.RoleReadOnly}), ag), "2026-03"); !ill.Is(err, ill.Forbidden) {
		t.Errorf("read-only staff: %v, want Forbidden", err)
	}
}

// The patron page shows the escalation of the patron's overdue loan: the
// days overdue, the last step and the next one with its date.
func TestPatronPageShowsEscalation(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	const ag = ill.AgencyID("US-ESC")
	w.Agency(t, ag, "Escalating Library")
	w.User(t, "pat@esc.example", ill.Grant{Agency: ag, Role: ill.RoleBorrowing})
	ctx := context.Background()
	var patronID int64
	err := w.App.DB.Transact(ctx, func(tx *store.Tx) error {
		p, err := tx.Agency().CreatePatron(ag, store.Patron{Record: patron.Record{Barcode: "P-ESC-1", Name: "Lou Late"}}, 0)
		if err != nil {
			return err
		}
		patronID = p.ID
		r := &ill.Request{Side: ill.Borrowing, State: ill.BOverdue, ServiceType: ill.Loan, PatronID: p.ID, Partner: "US-LEND",
			PatronDue: apptest.Start.AddDate(0, 0, -10), Citation: ill.Citation{Title: "Kept too long"}}
		if err := tx.Agency().CreateRequest(ag, r); err != nil {
			return err
		}
		return tx.Agency().PutEscalation(ag, &store.Escalation{RequestID: r.ID, Done: 2, LastStep: "notice2"})
	})
	if err != nil {
		t.Fatal(err)
	}
	c := w.Client(t)
	c.Login("pat@esc.example")
	r := c.Get("/patrons/" + strconv.FormatInt(patronID, 10))
	if r.Status != http.StatusOK {
		t.Fatalf("patron page: %d", r.Status)
	}
	for _, want := range []string{"Overdue escalation", "Kept too long", ">10<", "Second notice", "Notice 3 on"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("patron page lacks %q", want)
		}
	}
}
