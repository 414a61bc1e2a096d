package web_test

import (
	"context"
	"strings"
	"testing"

	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/testenv"
)

// A manager opens Billing by keyboard, finds the month's invoices (one
// per partner, waived and disputed charges left out of the totals), and
// marks one invoice paid: its charges are paid in the ledger with the
// invoice number as their reference, the other invoice is untouched, and
// the page passes axe-core.
func TestBrowserMarkInvoicePaid(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	const ag = ill.AgencyID("US-BILL")
	w.Agency(t, ag, "Billing Library")
	w.User(t, "max@bill.example", ill.Grant{Agency: ag, Role: ill.RoleManager})
	ctx := context.Background()
	at := apptest.Start.AddDate(0, 0, -1)
	add := []store.Charge{
		{Type: store.ChargeLender, Amount: ill.Money{Minor: 1500, Currency: "USD"}, Payer: string(ag), Payee: "US-PAYA", Status: store.ChargeAccepted},
		{Type: store.ChargeShipping, Amount: ill.Money{Minor: 450, Currency: "USD"}, Payer: string(ag), Payee: "US-PAYA", Status: store.ChargeInvoiced},
		{Type: store.ChargeLender, Amount: ill.Money{Minor: 9900, Currency: "USD"}, Payer: string(ag), Payee: "US-PAYA", Status: store.ChargeWaived},
		{Type: store.ChargeLender, Amount: ill.Money{Minor: 7700, Currency: "USD"}, Payer: string(ag), Payee: "US-PAYA", Status: store.ChargeDisputed},
		{Type: store.ChargeLender, Amount: ill.Money{Minor: 2000, Currency: "USD"}, Payer: string(ag), Payee: "US-PAYB", Status: store.ChargeAccepted},
	}
	err := w.App.DB.Transact(ctx, func(tx *store.Tx) error {
		for i := range add {
			add[i].CreatedAt = at
			if err := tx.Agency().AddDatedCharge(ag, &add[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	b := testenv.NewBrowser(t, w.URL)
	b.Login("max@bill.example", apptest.Password)
	b.TabTo("Billing")
	b.AndWait(func() { b.Press("Enter") })
	if p := b.Path(); p != "/billing" {
		t.Fatalf("on %s, want the billing page", p)
	}
	numA, numB := "US-BILL-2026-03-P-US-PAYA", "US-BILL-2026-03-P-US-PAYB"
	rowA := b.Text(`tr[data-invoice="` + numA + `"]`)
	if !strings.Contains(rowA, "19.50") || !strings.Contains(rowA, "Not invoiced") {
		t.Errorf("invoice A row: %q", rowA)
	}
	b.Axe()

	b.TabTo("Mark paid: invoice " + numA)
	b.AndWait(func() { b.Press("Enter") })
	if got := b.Text("main"); !strings.Contains(got, "Invoice "+numA+": 2 charges marked paid.") {
		t.Errorf("after marking paid:\n%s", got)
	}
	if row := b.Text(`tr[data-invoice="` + numA + `"]`); !strings.Contains(row, "Paid") || strings.Contains(row, "Mark paid") {
		t.Errorf("invoice A after marking: %q", row)
	}
	if row := b.Text(`tr[data-invoice="` + numB + `"]`); !strings.Contains(row, "Not invoiced") {
		t.Errorf("invoice B after marking A: %q", row)
	}
	b.Axe()

	var got []store.Charge
	if err := w.App.DB.Read(ctx, func(tx *store.Tx) (err error) { got, err = tx.Agency().Charges(ag, 0); return }); err != nil {
		t.Fatal(err)
	}
	want := []store.ChargeStatus{store.ChargePaid, store.ChargePaid, store.ChargeWaived, store.ChargeDisputed, store.ChargeAccepted}
	for i, c := range got {
		if c.Status != want[i] {
			t.Errorf("charge %d (%s %d): %s, want %s", c.ID, c.Payee, c.Amount.Minor, c.Status, want[i])
		}
		if c.Status == store.ChargePaid && c.Reference != numA {
			t.Errorf("charge %d reference %q, want %s", c.ID, c.Reference, numA)
		}
	}
}
