package demo

import (
	"context"
	"fmt"
	"time"

	"interlend/internal/app"
	"interlend/internal/calendar"
	"interlend/internal/ill"
	"interlend/internal/routing"
	"interlend/internal/store"
)

func init() {
	register(Step{Order: 92, Name: "billing: a month of charges", Run: seedBilling})
}

// billingAgency is the demo library whose ledger gets a month of charges.
const billingAgency = ill.AgencyID("US-EXSUP")

// demoCharge is one charge of the demo month: days before now, what,
// how much, who pays whom, where it stands, whether it goes through IFM.
type demoCharge struct {
	daysAgo int
	typ     store.ChargeType
	minor   int64
	cur     string
	payer   ill.AgencyID
	payee   ill.AgencyID
	status  store.ChargeStatus
	ifm     bool
}

// billingMonth is the month: lender charges from a US, a British and an
// Australian partner (three currencies), shipping, insurance, a
// replacement, royalties, what a borrower owes us, and a waived and a
// disputed charge.
var billingMonth = func() []demoCharge {
	const us, req, lon, syd, col = billingAgency, ill.AgencyID("US-EXREQ"), ill.AgencyID("GB-EXLON"), ill.AgencyID("AU-EXSYD"), ill.AgencyID("US-EXCOL")
	out := []demoCharge{
		{28, store.ChargeLender, 2000, "USD", us, req, store.ChargePaid, true},
		{26, store.ChargeLender, 1800, "GBP", us, lon, store.ChargeInvoiced, false},
		{25, store.ChargeShipping, 650, "GBP", us, lon, store.ChargeInvoiced, false},
		{24, store.ChargeLender, 2500, "AUD", us, syd, store.ChargeAccepted, false},
		{23, store.ChargeInsurance, 300, "AUD", us, syd, store.ChargeAccepted, false},
		{21, store.ChargeLender, 2000, "USD", us, req, store.ChargeAccepted, true},
		{20, store.ChargeLender, 1000, "USD", col, us, store.ChargeAccepted, false},
		{19, store.ChargeLender, 1800, "GBP", us, lon, store.ChargeWaived, false},
		{18, store.ChargeRoyalty, 450, "USD", us, "CCC", store.ChargeAccepted, false},
		{16, store.ChargeReplacement, 8500, "GBP", us, lon, store.ChargeQuoted, false},
		{15, store.ChargeLender, 1000, "USD", col, us, store.ChargeInvoiced, false},
		{14, store.ChargeLender, 2500, "AUD", us, syd, store.ChargeDisputed, false},
		{12, store.ChargeLender, 1200, "USD", us, req, store.ChargeAccepted, true},
		{11, store.ChargeShipping, 900, "USD", us, req, store.ChargeAccepted, false},
		{9, store.ChargeLender, 1800, "GBP", us, lon, store.ChargeAccepted, false},
		{8, store.ChargeReplacement, 6000, "USD", col, us, store.ChargeAccepted, false},
		{6, store.ChargeRoyalty, 375, "USD", us, "CCC", store.ChargeAccepted, false},
		{5, store.ChargeLender, 2500, "AUD", us, syd, store.ChargeAccepted, false},
		{3, store.ChargeLender, 2000, "USD", us, req, store.ChargeAccepted, true},
		{2, store.ChargeLender, 900, "GBP", us, lon, store.ChargeAccepted, false},
		{1, store.ChargeLender, 500, "USD", col, us, store.ChargeAccepted, true},
	}
	return out
}()

func seedBilling(ctx context.Context, a *app.App, w *World) error {
	sys := ill.SystemActor()
	now := a.Clock.Now().UTC()
	// A newer rate half-way through the month: conversions use the rate
	// of each charge's date.
	mid := calendar.DateOf(now.AddDate(0, 0, -14))
	for _, r := range []routing.Rate{{From: "GBP", To: "USD", Value: "1.31", On: mid, Source: "demo"}, {From: "AUD", To: "USD", Value: "0.64", On: mid, Source: "demo"}} {
		if err := a.PutExchangeRate(ctx, sys, r); err != nil {
			return fmt.Errorf("exchange rate: %w", err)
		}
	}
	if err := a.PutSetting(ctx, sys, billingAgency, "billing", app.BillingSettings{Currency: "USD", Budget: "1500.00", PolicyCharges: true, PatronRequestFee: "5.00", InvoiceNotes: "Payment within 30 days to account 0012-3456, Example State University."}); err != nil {
		return err
	}
	err := a.DB.Transact(ctx, func(tx *store.Tx) error {
		borrowing, _, err := tx.Agency().ListRequests(billingAgency, store.RequestFilter{Side: ill.Borrowing, Sort: "id", Limit: 50})
		if err != nil {
			return err
		}
		lending, _, err := tx.Agency().ListRequests(billingAgency, store.RequestFilter{Side: ill.Lending, Sort: "id", Limit: 50})
		if err != nil {
			return err
		}
		for i, d := range billingMonth {
			c := &store.Charge{Type: d.typ, Amount: ill.Money{Minor: d.minor, Currency: d.cur}, Payer: string(d.payer), Payee: string(d.payee),
				Status: d.status, Note: "demo", CreatedAt: now.AddDate(0, 0, -d.daysAgo).Truncate(time.Hour)}
			pool := borrowing
			if d.payee == billingAgency {
				pool = lending
			}
			if len(pool) > 0 {
				c.RequestID = pool[i%len(pool)].ID
			}
			if d.ifm {
				c.PaymentMethod = "IFM"
			}
			if err := tx.Agency().AddDatedCharge(billingAgency, c); err != nil {
				return err
			}
		}
		return overdueLoan(tx, now)
	})
	if err != nil {
		return err
	}
	// The escalation's steps for that loan: three notices (the block
	// would come on day 21: the demo's patrons stay unblocked).
	_, err = a.RunOverdueEscalation(ctx)
	return err
}

// overdueLoan makes one of US-EXSUP's patrons' loans 15 days overdue, so
// that the patron page shows an escalation (docs/billing.md).
func overdueLoan(tx *store.Tx, now time.Time) error {
	rs, _, err := tx.Agency().ListRequests(billingAgency, store.RequestFilter{Side: ill.Borrowing, States: []ill.State{ill.BCheckedOut}, Sort: "id", Limit: 50})
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r.PatronID == 0 {
			continue
		}
		v := r.Version
		r.PatronDue = now.AddDate(0, 0, -15)
		return tx.Agency().UpdateRequest(billingAgency, r, v)
	}
	return nil
}
