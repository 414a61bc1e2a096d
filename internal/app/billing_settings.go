package app

import (
	"strings"

	"golang.org/x/text/currency"

	"interlend/internal/billing"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/settings"
)

// BillingSettings are an agency's choices for the charges ledger
// (docs/billing.md).
type BillingSettings struct {
	// Currency is the agency's own: invoices, the IFM file and the budget
	// are converted into it at each charge's dated exchange rate.
	Currency string `json:"currency"`
	// Budget is the ILL budget of a fiscal year (the agency's fiscal year
	// setting, settings.FiscalSetting), in Currency ("20000.00").
	Budget string `json:"budget"`
	// PolicyCharges writes the lender's directory charge to the ledger
	// when a lender sends an item or a copy (unless a cost was accepted).
	PolicyCharges bool `json:"policyCharges"`
	// PatronRequestFee is the fee per request a patron is charged when
	// staff add it ("" or "0" for none), in Currency.
	PatronRequestFee string `json:"patronRequestFee"`
	// InvoiceNotes are printed on issued invoices (payment terms, bank).
	InvoiceNotes string `json:"invoiceNotes"`
}

// money reads an amount of the settings in their currency.
func (s BillingSettings) money(v string) ill.Money {
	m, err := directory.NewMoney(strings.TrimSpace(v), s.Currency)
	if err != nil || strings.TrimSpace(v) == "" {
		return ill.Money{Currency: s.Currency}
	}
	return ill.Money{Minor: m.Minor, Currency: strings.ToUpper(s.Currency)}
}

// BillingSetting is the billing settings group.
var BillingSetting = settings.Register(settings.Spec[BillingSettings]{
	Key: "billing", Title: "billing.settings.title", Help: "billing.settings.help", Order: 96,
	Defaults: func() BillingSettings {
		return BillingSettings{Currency: "USD", Budget: "0", PolicyCharges: true, PatronRequestFee: "0"}
	},
	Fields: []settings.Field{
		{Name: "currency", Kind: settings.Text, Label: "billing.settings.currency", Help: "billing.settings.currencyhelp", Required: true},
		{Name: "budget", Kind: settings.Text, Label: "billing.settings.budget", Help: "billing.settings.budgethelp"},
		{Name: "policyCharges", Kind: settings.Bool, Label: "billing.settings.policy", Help: "billing.settings.policyhelp"},
		{Name: "patronRequestFee", Kind: settings.Text, Label: "billing.settings.requestfee", Help: "billing.settings.requestfeehelp"},
		{Name: "invoiceNotes", Kind: settings.Textarea, Label: "billing.settings.notes", Help: "billing.settings.noteshelp"},
	},
	Validate: func(s BillingSettings) settings.Errors {
		errs := settings.Errors{}
		if _, err := currency.ParseISO(strings.ToUpper(s.Currency)); err != nil || len(s.Currency) != 3 {
			errs["currency"] = settings.M("billing.settings.err.currency", s.Currency)
			return errs
		}
		for name, v := range map[string]string{"budget": s.Budget, "patronRequestFee": s.PatronRequestFee} {
			if strings.TrimSpace(v) == "" {
				continue
			}
			if m, err := directory.NewMoney(v, s.Currency); err != nil || m.Minor < 0 {
				errs[name] = settings.M("billing.settings.err.amount", v)
			}
		}
		return errs
	},
})

// EscalationSettings are an agency's overdue escalation for patrons:
// notices on the given days past the patron's due date, then a block on
// the patron's record, then a lost-book bill. 0 switches a step off.
type EscalationSettings struct {
	FirstNoticeDays  int `json:"firstNoticeDays"`
	SecondNoticeDays int `json:"secondNoticeDays"`
	FinalNoticeDays  int `json:"finalNoticeDays"`
	BlockDays        int `json:"blockDays"`
	BillDays         int `json:"billDays"`
	// BillAmount is the lost-book bill, in the billing currency.
	BillAmount string `json:"billAmount"`
	// LiftBlockOnReturn lifts the escalation's block when the item comes
	// back.
	LiftBlockOnReturn bool `json:"liftBlockOnReturn"`
}

// Ladder is the settings as billing's escalation ladder.
func (s EscalationSettings) Ladder() billing.Ladder {
	return billing.Ladder{NoticeDays: []int{s.FirstNoticeDays, s.SecondNoticeDays, s.FinalNoticeDays}, BlockDays: s.BlockDays, BillDays: s.BillDays}
}

// EscalationSetting is the overdue escalation settings group.
var EscalationSetting = settings.Register(settings.Spec[EscalationSettings]{
	Key: "overdue_escalation", Title: "billing.escalation.title", Help: "billing.escalation.help", Order: 97,
	Defaults: func() EscalationSettings {
		return EscalationSettings{FirstNoticeDays: 1, SecondNoticeDays: 7, FinalNoticeDays: 14, BlockDays: 21, BillDays: 42, BillAmount: "100.00", LiftBlockOnReturn: true}
	},
	Fields: []settings.Field{
		{Name: "firstNoticeDays", Kind: settings.Number, Label: "billing.escalation.first", Help: "billing.escalation.dayshelp", Min: 0, Max: 365},
		{Name: "secondNoticeDays", Kind: settings.Number, Label: "billing.escalation.second", Help: "billing.escalation.dayshelp", Min: 0, Max: 365},
		{Name: "finalNoticeDays", Kind: settings.Number, Label: "billing.escalation.final", Help: "billing.escalation.dayshelp", Min: 0, Max: 365},
		{Name: "blockDays", Kind: settings.Number, Label: "billing.escalation.block", Help: "billing.escalation.blockhelp", Min: 0, Max: 365},
		{Name: "billDays", Kind: settings.Number, Label: "billing.escalation.bill", Help: "billing.escalation.billhelp", Min: 0, Max: 365},
		{Name: "billAmount", Kind: settings.Text, Label: "billing.escalation.amount", Help: "billing.escalation.amounthelp"},
		{Name: "liftBlockOnReturn", Kind: settings.Bool, Label: "billing.escalation.lift", Help: "billing.escalation.lifthelp"},
	},
	Validate: func(s EscalationSettings) settings.Errors {
		errs := settings.Errors{}
		for name, v := range map[string]int{"firstNoticeDays": s.FirstNoticeDays, "secondNoticeDays": s.SecondNoticeDays,
			"finalNoticeDays": s.FinalNoticeDays, "blockDays": s.BlockDays, "billDays": s.BillDays} {
			if v < 0 || v > 365 {
				errs[name] = settings.M("billing.escalation.err.days")
			}
		}
		if strings.TrimSpace(s.BillAmount) != "" {
			if m, err := directory.ParseMoney(s.BillAmount, "USD"); err != nil || m.Minor < 0 {
				errs["billAmount"] = settings.M("billing.settings.err.amount", s.BillAmount)
			}
		}
		return errs
	},
})
