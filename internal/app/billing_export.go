package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"interlend/internal/billing"
	"interlend/internal/directory"
	"interlend/internal/i18n"
	"interlend/internal/ill"
	"interlend/internal/pdf"
	"interlend/internal/store"
)

// ExportFile is one file of a charges export.
type ExportFile struct {
	Name string `json:"name"`
	Type string `json:"type"` // media type
	Data []byte `json:"-"`
}

// ExportCharges writes a period's per-partner invoices, each as PDF and
// CSV, and the OCLC IFM reconciliation file (docs/billing.md). Returns
// Invalid or Forbidden.
func (a *App) ExportCharges(ctx context.Context, actor ill.Actor, period string) ([]ExportFile, error) {
	if err := requireFees(actor); err != nil {
		return nil, err
	}
	var out []ExportFile
	err := a.read(ctx, func(tx *store.Tx) error {
		rep, err := a.billingReportTx(tx, actor.Agency, period)
		if err != nil {
			return err
		}
		rates, err := ratesTx(tx)
		if err != nil {
			return err
		}
		for _, inv := range rep.Invoices {
			doc, err := a.invoicePDF(tx, actor.Agency, rep, inv)
			if err != nil {
				return err
			}
			var csvb bytes.Buffer
			if err := billing.WriteInvoiceCSV(&csvb, inv, rep.Currency, rates); err != nil {
				return err
			}
			name := "invoice-" + fileSafe(inv.Number)
			out = append(out, ExportFile{Name: name + ".pdf", Type: "application/pdf", Data: doc},
				ExportFile{Name: name + ".csv", Type: "text/csv", Data: csvb.Bytes()})
		}
		cs, err := tx.Agency().ChargesBetween(actor.Agency, rep.From, rep.To)
		if err != nil {
			return err
		}
		var ifm bytes.Buffer
		p, _ := billing.ParsePeriod(period, rep.From.Location())
		if err := billing.WriteIFM(&ifm, string(actor.Agency), linesOf(cs), p, rep.Currency, rates); err != nil {
			return err
		}
		out = append(out, ExportFile{Name: "ifm-" + fileSafe(string(actor.Agency)+"-"+period) + ".csv", Type: "text/csv", Data: ifm.Bytes()})
		return nil
	})
	return out, err
}

// InvoiceFile is one invoice of a period as PDF or CSV. Returns NotFound,
// Invalid or Forbidden.
func (a *App) InvoiceFile(ctx context.Context, actor ill.Actor, period, number, format string) (ExportFile, error) {
	files, err := a.ExportCharges(ctx, actor, period)
	if err != nil {
		return ExportFile{}, err
	}
	want := "invoice-" + fileSafe(number) + "." + format
	for _, f := range files {
		if f.Name == want {
			return f, nil
		}
	}
	return ExportFile{}, ill.Errorf(ill.NotFound, "no invoice %s in %s", number, period)
}

// fileSafe keeps letters, digits, '-' and '_' of s.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

// invoicePDF prints one invoice: the agency and the partner with their
// billing addresses, the lines, a total per currency and, in the notes,
// the total converted at the dated rates.
func (a *App) invoicePDF(tx *store.Tx, agency ill.AgencyID, rep *BillingReport, inv billing.Invoice) ([]byte, error) {
	cat, loc := i18n.Load(), rep.From.Location()
	t := func(k string, args ...any) string { return cat.Text(i18n.Default, k, args...) }
	f := i18n.NewFormatter(i18n.Default)
	bs, err := BillingSetting.GetTx(tx, agency)
	if err != nil {
		return nil, err
	}
	us, them := billingAddress(tx, agency), billingAddress(tx, ill.AgencyID(inv.Partner))
	from, to := us, them
	title := t("billing.pdf.invoice")
	if inv.Direction == billing.Payable {
		from, to, title = them, us, t("billing.pdf.statement")
	}
	doc := pdf.Invoice{Number: inv.Number, Date: f.Date(tx.Now(), loc),
		Period: f.Date(rep.From, loc) + " – " + f.Date(rep.To.Add(-time.Second), loc), From: from, To: to, Paper: pdf.A4}
	lb := pdf.DefaultLabels()
	lb.Invoice, lb.InvoiceNo, lb.Period, lb.From, lb.To = title, t("billing.pdf.number"), t("billing.pdf.period"), t("billing.pdf.from"), t("billing.pdf.to")
	lb.Date, lb.Description, lb.Amount, lb.Currency, lb.Total = t("billing.pdf.date"), t("billing.pdf.description"), t("billing.pdf.amount"), t("billing.pdf.currency"), t("billing.pdf.total")
	doc.Labels = lb
	for _, l := range inv.Lines {
		desc := t("billing.type."+l.Type) + " (" + t("billing.status."+l.Status) + ")"
		if l.Note != "" {
			desc += ": " + l.Note
		}
		doc.Lines = append(doc.Lines, pdf.InvoiceLine{Date: f.Date(l.Date, loc), RequestID: l.Request, Description: desc,
			Amount: l.Amount.Minor, Currency: l.Amount.Currency})
	}
	notes := []string{t("billing.pdf.converted", billing.Format(inv.Total.Converted))}
	if len(inv.Total.Unconverted) > 0 {
		notes = append(notes, t("billing.pdf.unconverted", len(inv.Total.Unconverted)))
	}
	if inv.Direction == billing.Receivable && bs.InvoiceNotes != "" {
		notes = append(notes, bs.InvoiceNotes)
	}
	doc.Notes = strings.Join(notes, "\n")
	return pdf.InvoicePDF(doc)
}

// billingAddress is a library's name and billing (else shipping) address.
func billingAddress(tx *store.Tx, id ill.AgencyID) []string {
	name := lenderName(tx, id)
	e, err := tx.Network().DirectoryEntry(id)
	if err != nil {
		return []string{name}
	}
	ad, ok := e.Address(directory.AddressBilling)
	if !ok {
		ad, _ = e.Address(directory.AddressShipping)
	}
	return addressLines(name, ad)
}

// ReceivedResult is what an import of a partner's invoice found.
type ReceivedResult struct {
	Invoice     store.ReceivedInvoice `json:"invoice"`
	Differences []billing.Difference  `json:"differences"`
}

// ImportReceivedInvoice reads a partner's invoice (CSV, see
// billing.ReadReceived), compares it with what the ledger owes the
// partner in period and keeps it with the differences flagged. Returns
// Invalid or Forbidden.
func (a *App) ImportReceivedInvoice(ctx context.Context, actor ill.Actor, partner, period string, r io.Reader) (ReceivedResult, error) {
	var res ReceivedResult
	if err := requireFees(actor); err != nil {
		return res, err
	}
	partner = strings.TrimSpace(partner)
	if partner == "" {
		return res, ill.E(ill.Invalid, "say which partner sent the invoice", map[string]string{"partner": "a library id"})
	}
	lines, err := billing.ReadReceived(r)
	if err != nil {
		return res, ill.E(ill.Invalid, err.Error(), map[string]string{"file": err.Error()})
	}
	if len(lines) == 0 {
		return res, ill.E(ill.Invalid, "the invoice has no lines", map[string]string{"file": "no lines"})
	}
	err = a.write(ctx, func(tx *store.Tx) error {
		rep, err := a.billingReportTx(tx, actor.Agency, period)
		if err != nil {
			return err
		}
		cs, err := tx.Agency().ChargesBetween(actor.Agency, rep.From, rep.To)
		if err != nil {
			return err
		}
		res.Differences = billing.Reconcile(string(actor.Agency), partner, lines, linesOf(cs))
		data, _ := json.Marshal(res.Differences)
		res.Invoice = store.ReceivedInvoice{Partner: partner, Number: lines[0].Invoice, Lines: len(lines), Data: data, CreatedBy: actor.UserID}
		for _, d := range res.Differences {
			if d.Flagged() {
				res.Invoice.Flagged++
			}
		}
		if err := tx.Agency().AddReceivedInvoice(actor.Agency, &res.Invoice); err != nil {
			return err
		}
		return tx.Agency().Audit(actor.Agency, store.AuditRecord{Actor: actor.UserID, Action: "billing.received", Target: partner + " " + res.Invoice.Number,
			After: fmt.Sprintf("%d lines, %d flagged", len(lines), res.Invoice.Flagged)})
	})
	return res, err
}

// ReceivedInvoices lists the invoices partners sent, newest first, with
// their differences. Returns Forbidden.
func (a *App) ReceivedInvoices(ctx context.Context, actor ill.Actor) ([]ReceivedResult, error) {
	if err := requireFees(actor); err != nil {
		return nil, err
	}
	var out []ReceivedResult
	err := a.read(ctx, func(tx *store.Tx) error {
		ins, err := tx.Agency().ReceivedInvoices(actor.Agency, 50)
		for _, in := range ins {
			r := ReceivedResult{Invoice: in}
			_ = json.Unmarshal(in.Data, &r.Differences)
			out = append(out, r)
		}
		return err
	})
	return out, err
}
