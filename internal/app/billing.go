package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"interlend/internal/billing"
	"interlend/internal/ill"
	"interlend/internal/routing"
	"interlend/internal/settings"
	"interlend/internal/store"
)

// Billing (docs/billing.md): the ledger read by period, per-partner
// invoices, the ILL budget, staff marking charges invoiced, paid, waived or
// disputed, and patron fees. The arithmetic is package billing's.

func init() { addTransitionHook(policyChargeHook) }

// lineOf is a ledger line as billing reads it.
func lineOf(c store.Charge) billing.Line {
	return billing.Line{ID: c.ID, Request: c.Request, Type: string(c.Type), Amount: c.Amount, Payer: c.Payer, Payee: c.Payee,
		Status: string(c.Status), PaymentMethod: c.PaymentMethod, Reference: c.Reference, Note: c.Note, Date: c.CreatedAt}
}

func linesOf(cs []store.Charge) []billing.Line {
	out := make([]billing.Line, len(cs))
	for i, c := range cs {
		out[i] = lineOf(c)
	}
	return out
}

// ratesTx reads the network's dated exchange rates.
func ratesTx(tx *store.Tx) (*routing.Rates, error) {
	rs, err := tx.Network().ExchangeRates()
	if err != nil {
		return nil, err
	}
	return routing.NewRates(rs)
}

// BillingReport is a period's invoices and the fiscal year's budget.
type BillingReport struct {
	Period   string            `json:"period"` // as asked: 2026, 2026-Q3, 2026-11
	From     time.Time         `json:"from"`
	To       time.Time         `json:"to"`
	Currency string            `json:"currency"`
	Invoices []billing.Invoice `json:"invoices"`
	// Open are the period's lines staff still have to settle: quotes and
	// disputed charges.
	Open   []billing.Line `json:"open"`
	Budget billing.Budget `json:"budget"`
}

// requireFees checks the actor may work on the ledger.
func requireFees(actor ill.Actor) error { return actor.Require(actor.Agency, ill.PermFees) }

// BillingReport builds the invoices of a period (see billing.ParsePeriod)
// in the agency's time zone. Returns Invalid or Forbidden.
func (a *App) BillingReport(ctx context.Context, actor ill.Actor, period string) (*BillingReport, error) {
	if err := requireFees(actor); err != nil {
		return nil, err
	}
	var rep *BillingReport
	err := a.read(ctx, func(tx *store.Tx) (err error) { rep, err = a.billingReportTx(tx, actor.Agency, period); return })
	return rep, err
}

func (a *App) billingReportTx(tx *store.Tx, agency ill.AgencyID, period string) (*BillingReport, error) {
	loc, err := calendarLocation(tx, agency)
	if err != nil || loc == nil {
		loc = time.UTC
	}
	p, err := billing.ParsePeriod(period, loc)
	if err != nil {
		return nil, ill.E(ill.Invalid, err.Error(), map[string]string{"period": err.Error()})
	}
	bs, err := BillingSetting.GetTx(tx, agency)
	if err != nil {
		return nil, err
	}
	rates, err := ratesTx(tx)
	if err != nil {
		return nil, err
	}
	cs, err := tx.Agency().ChargesBetween(agency, p.From, p.To)
	if err != nil {
		return nil, err
	}
	ls := linesOf(cs)
	rep := &BillingReport{Period: period, From: p.From, To: p.To, Currency: bs.Currency,
		Invoices: billing.Invoices(string(agency), ls, p, period, bs.Currency, rates)}
	for _, l := range ls {
		if l.Status == billing.StatusQuoted || l.Status == billing.StatusDisputed {
			rep.Open = append(rep.Open, l)
		}
	}
	rep.Budget, err = a.budgetTx(tx, agency, bs, rates, tx.Now().In(loc))
	return rep, err
}

// budgetTx is the spend of the fiscal year containing at.
func (a *App) budgetTx(tx *store.Tx, agency ill.AgencyID, bs BillingSettings, rates *routing.Rates, at time.Time) (billing.Budget, error) {
	fs, err := settings.FiscalSetting.GetTx(tx, agency)
	if err != nil {
		return billing.Budget{}, err
	}
	fy := billing.FiscalYearOf(at, time.Month(fs.StartMonth), fs.StartDay)
	cs, err := tx.Agency().ChargesBetween(agency, fy.From, fy.To)
	if err != nil {
		return billing.Budget{}, err
	}
	return billing.Spend(string(agency), linesOf(cs), fy, bs.money(bs.Budget).Minor, bs.Currency, rates), nil
}

// Budget is the spend of the current fiscal year against the agency's ILL
// budget. Returns Forbidden.
func (a *App) Budget(ctx context.Context, actor ill.Actor) (billing.Budget, error) {
	if err := requireFees(actor); err != nil {
		return billing.Budget{}, err
	}
	var b billing.Budget
	err := a.read(ctx, func(tx *store.Tx) error {
		bs, err := BillingSetting.GetTx(tx, actor.Agency)
		if err != nil {
			return err
		}
		rates, err := ratesTx(tx)
		if err != nil {
			return err
		}
		loc, _ := calendarLocation(tx, actor.Agency)
		if loc == nil {
			loc = time.UTC
		}
		b, err = a.budgetTx(tx, actor.Agency, bs, rates, tx.Now().In(loc))
		return err
	})
	return b, err
}

// settable are the statuses staff may move a charge to.
var settable = []store.ChargeStatus{store.ChargeAccepted, store.ChargeInvoiced, store.ChargePaid, store.ChargeWaived, store.ChargeDisputed}

// MarkCharges moves charges to a status (invoiced, paid, waived,
// disputed, or back to accepted) with an optional reference (invoice or
// payment number), with an event on each charge's request and an audit
// record. Returns Invalid, NotFound (nothing changed) or Forbidden.
func (a *App) MarkCharges(ctx context.Context, actor ill.Actor, ids []int64, status store.ChargeStatus, reference string) error {
	if err := requireFees(actor); err != nil {
		return err
	}
	if !slices.Contains(settable, status) {
		return ill.E(ill.Invalid, "status must be accepted, invoiced, paid, waived or disputed", map[string]string{"status": string(status)})
	}
	if len(ids) == 0 {
		return ill.E(ill.Invalid, "no charge given", map[string]string{"ids": "one or more charge ids"})
	}
	return a.write(ctx, func(tx *store.Tx) error { return a.markChargesTx(tx, actor, ids, status, reference) })
}

func (a *App) markChargesTx(tx *store.Tx, actor ill.Actor, ids []int64, status store.ChargeStatus, reference string) error {
	for _, id := range ids {
		c, err := tx.Agency().Charge(actor.Agency, id)
		if err != nil {
			return err
		}
		if c.Status == status {
			continue
		}
		if err := tx.Agency().SetChargeStatus(actor.Agency, id, status, reference); err != nil {
			return err
		}
		if c.RequestID != 0 {
			r, err := tx.Agency().GetRequest(actor.Agency, c.Request)
			if err != nil {
				return err
			}
			if err := a.event(tx, r, actor, "charge_status", "mark_charge", map[string]any{"charge": id, "from": c.Status, "to": status, "reference": reference}, 0); err != nil {
				return err
			}
		}
		if err := tx.Agency().Audit(actor.Agency, store.AuditRecord{Actor: actor.UserID, Action: "billing.charge", Target: fmt.Sprint(id),
			Before: string(c.Status), After: string(status) + " " + reference}); err != nil {
			return err
		}
	}
	return nil
}

// MarkInvoice moves every line of one of a period's invoices that is not
// already so to status (invoiced or paid), with the invoice number as the
// reference. Returns the lines changed; NotFound when the period has no
// such invoice.
func (a *App) MarkInvoice(ctx context.Context, actor ill.Actor, period, number string, status store.ChargeStatus) (int, error) {
	if err := requireFees(actor); err != nil {
		return 0, err
	}
	if status != store.ChargeInvoiced && status != store.ChargePaid {
		return 0, ill.E(ill.Invalid, "an invoice is marked invoiced or paid", map[string]string{"status": string(status)})
	}
	n := 0
	err := a.write(ctx, func(tx *store.Tx) error {
		rep, err := a.billingReportTx(tx, actor.Agency, period)
		if err != nil {
			return err
		}
		for _, inv := range rep.Invoices {
			if inv.Number != number {
				continue
			}
			var ids []int64
			for _, l := range inv.Lines {
				if l.Status != string(status) && l.Status != billing.StatusPaid {
					ids = append(ids, l.ID)
				}
			}
			n = len(ids)
			return a.markChargesTx(tx, actor, ids, status, number)
		}
		return ill.Errorf(ill.NotFound, "no invoice %s in %s", number, period)
	})
	return n, err
}

// policyChargeHook writes the lender's directory charge to the ledger
// when a lender sends a borrowing request's item or copy, unless the
// request already has a lender charge (a cost accepted with conditions)
// or the agency switched it off.
func policyChargeHook(a *App, tx *store.Tx, r *ill.Request, ev *ill.Event) error {
	if r.Side != ill.Borrowing || r.Partner == "" || ev.From == ev.To || ev.Type != "shipped" && ev.Type != "delivered" {
		return nil
	}
	bs, err := BillingSetting.GetTx(tx, r.Agency)
	if err != nil || !bs.PolicyCharges {
		return err
	}
	cs, err := tx.Agency().Charges(r.Agency, r.ID)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.Type == store.ChargeLender {
			return nil
		}
	}
	lender, err := tx.Network().DirectoryEntry(r.Partner)
	if err != nil {
		return nil // not in the directory: no stated policy
	}
	borrower, err := tx.Network().DirectoryEntry(r.Agency)
	if err != nil {
		borrower.ID = r.Agency
	}
	price := billing.PolicyPrice(&lender, &borrower, r.ServiceType)
	if !price.Known || price.Amount.Minor <= 0 {
		return nil
	}
	note := "directory policy"
	switch {
	case price.Agreement != "":
		note += " (" + price.Agreement + ")"
	case price.International:
		note += " (international)"
	}
	c := &store.Charge{RequestID: r.ID, Type: store.ChargeLender, Amount: price.Amount, Payer: string(r.Agency), Payee: string(r.Partner),
		BillingMethod: r.BillingMethod, PaymentMethod: r.PaymentMethod, Status: store.ChargeAccepted, Note: note}
	if err := tx.Agency().AddCharge(r.Agency, c); err != nil {
		return err
	}
	return a.event(tx, r, ill.SystemActor(), "charge_added", "policy_charge", map[string]any{"charge": c.ID, "amount": billing.Format(c.Amount)}, 0)
}

// PatronFeeKind is what a patron is charged for.
type PatronFeeKind string

// Patron fee kinds.
const (
	FeePerRequest  PatronFeeKind = "per_request"  // the library's fee per request (settings)
	FeePassThrough PatronFeeKind = "pass_through" // the lender's charges on the request, passed on
	FeeLostBook    PatronFeeKind = "lost_book"    // a lost-book bill
)

// PatronFeeInput adds a patron fee; Amount (minor units, with Currency)
// overrides the default of the kind.
type PatronFeeInput struct {
	Kind     PatronFeeKind `json:"kind"`
	Amount   int64         `json:"amount,omitempty"`
	Currency string        `json:"currency,omitempty"`
	Note     string        `json:"note,omitempty"`
}

// AddPatronFee charges a request's patron: the per-request fee, the
// lender's billable charges passed through, or a lost-book bill (the
// escalation's bill amount unless one is given). The charge is accepted,
// payer "patron". Returns Invalid, NotFound or Forbidden.
func (a *App) AddPatronFee(ctx context.Context, actor ill.Actor, publicID string, in PatronFeeInput) ([]store.Charge, error) {
	if err := requireFees(actor); err != nil {
		return nil, err
	}
	var out []store.Charge
	err := a.write(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, true)
		if err != nil {
			return err
		}
		if r.Side != ill.Borrowing {
			return ill.E(ill.Invalid, "patron fees are for borrowing requests", nil)
		}
		amounts, err := a.patronFeeAmounts(tx, r, in)
		if err != nil {
			return err
		}
		for _, m := range amounts {
			c := store.Charge{RequestID: r.ID, Type: store.ChargePatronFee, Amount: m, Payer: billing.Patron, Payee: string(r.Agency),
				Status: store.ChargeAccepted, Note: string(in.Kind) + noteSuffix(in.Note), CreatedBy: actor.UserID}
			if err := tx.Agency().AddCharge(r.Agency, &c); err != nil {
				return err
			}
			if err := a.event(tx, r, actor, "charge_added", "patron_fee", map[string]any{"charge": c.ID, "kind": in.Kind, "amount": billing.Format(m)}, 0); err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

func noteSuffix(n string) string {
	if n == "" {
		return ""
	}
	return ": " + n
}

func (a *App) patronFeeAmounts(tx *store.Tx, r *ill.Request, in PatronFeeInput) ([]ill.Money, error) {
	if in.Amount < 0 {
		return nil, ill.E(ill.Invalid, "a fee is 0 or more", map[string]string{"amount": "0 or more"})
	}
	if in.Amount > 0 {
		if len(in.Currency) != 3 {
			return nil, ill.E(ill.Invalid, "an amount needs its ISO 4217 currency", map[string]string{"currency": "e.g. USD"})
		}
		return []ill.Money{{Minor: in.Amount, Currency: in.Currency}}, nil
	}
	bs, err := BillingSetting.GetTx(tx, r.Agency)
	if err != nil {
		return nil, err
	}
	var out []ill.Money
	switch in.Kind {
	case FeePerRequest:
		out = append(out, bs.money(bs.PatronRequestFee))
	case FeeLostBook:
		es, err := EscalationSetting.GetTx(tx, r.Agency)
		if err != nil {
			return nil, err
		}
		out = append(out, bs.money(es.BillAmount))
	case FeePassThrough:
		cs, err := tx.Agency().Charges(r.Agency, r.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if c.Payer == string(r.Agency) && c.Type != store.ChargePatronFee && lineOf(c).Billable() {
				out = append(out, c.Amount)
			}
		}
	default:
		return nil, ill.E(ill.Invalid, "kind must be per_request, pass_through or lost_book", map[string]string{"kind": string(in.Kind)})
	}
	out = slices.DeleteFunc(out, func(m ill.Money) bool { return m.Minor <= 0 })
	if len(out) == 0 {
		return nil, ill.E(ill.Invalid, "nothing to charge: the amount is 0", map[string]string{"amount": "more than 0"})
	}
	return out, nil
}
