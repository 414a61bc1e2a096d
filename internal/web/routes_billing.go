package web

import (
	"net/http"
	"net/url"
	"strconv"

	"interlend/internal/app"
	"interlend/internal/billing"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// Billing page (docs/billing.md): a period's invoices per partner with
// their totals per currency and converted at the dated rates, marked
// invoiced or paid by staff; the charges still open (quotes and disputed
// ones), accepted, waived or disputed line by line; the fiscal year's
// budget; the IFM reconciliation file; and the invoices partners sent,
// imported as CSV and compared with the ledger.
func init() {
	addNav(navEntry{order: 58, key: "billing.nav", href: "/billing", perm: ill.PermFees})
	addRoutes(func(h *Handler, handle routeAdder) {
		fees := func(fn handlerFunc) handlerFunc { return h.requirePerm(ill.PermFees, fn) }
		handle("GET /billing", fees(h.billingPage))
		handle("POST /billing/invoices/mark", fees(h.billingMarkInvoice))
		handle("POST /billing/charges/{id}/status", fees(h.billingMarkCharge))
		handle("GET /billing/invoices/{number}/{format}", fees(h.billingInvoiceFile))
		handle("GET /billing/ifm.csv", fees(h.billingIFM))
		handle("POST /billing/received", fees(h.billingReceived))
	})
}

// billingView is what the billing page shows.
type billingView struct {
	*app.BillingReport
	Rows     []invoiceRow
	Received []app.ReceivedResult
	Invalid  string // a period that could not be read
}

// invoiceRow is an invoice with where its lines stand.
type invoiceRow struct {
	billing.Invoice
	State   string // paid (every line), invoiced (every line invoiced or paid), open
	Payable bool
}

func invoiceRows(invs []billing.Invoice) []invoiceRow {
	out := make([]invoiceRow, 0, len(invs))
	for _, inv := range invs {
		paid, invoiced := true, true
		for _, l := range inv.Lines {
			paid = paid && l.Status == billing.StatusPaid
			invoiced = invoiced && (l.Status == billing.StatusPaid || l.Status == billing.StatusInvoiced)
		}
		row := invoiceRow{Invoice: inv, State: "open", Payable: inv.Direction == billing.Payable}
		switch {
		case paid:
			row.State = "paid"
		case invoiced:
			row.State = "invoiced"
		}
		out = append(out, row)
	}
	return out
}

// billingPeriod is the period asked for, this month by default.
func (h *Handler) billingPeriod(r *http.Request) string {
	if p := r.FormValue("period"); p != "" {
		return p
	}
	return h.app.Clock.Now().UTC().Format("2006-01")
}

func (h *Handler) billingPage(w http.ResponseWriter, r *http.Request) error {
	period := h.billingPeriod(r)
	rep, err := h.app.BillingReport(r.Context(), actor(r), period)
	status := http.StatusOK
	v := billingView{}
	if ill.Is(err, ill.Invalid) {
		v.Invalid, status = ill.UserMessage(err), http.StatusUnprocessableEntity
		rep, err = h.app.BillingReport(r.Context(), actor(r), h.app.Clock.Now().UTC().Format("2006-01"))
	}
	if err != nil {
		return err
	}
	v.BillingReport, v.Rows = rep, invoiceRows(rep.Invoices)
	if v.Received, err = h.app.ReceivedInvoices(r.Context(), actor(r)); err != nil {
		return err
	}
	p := h.page(r, "billing.title")
	p.Data = v
	h.render(w, r, status, "billing", p)
	return nil
}

func billingBack(period string) string { return "/billing?period=" + url.QueryEscape(period) }

func (h *Handler) billingMarkInvoice(w http.ResponseWriter, r *http.Request) error {
	period, number := r.PostFormValue("period"), r.PostFormValue("number")
	status := store.ChargeStatus(r.PostFormValue("status"))
	n, err := h.app.MarkInvoice(r.Context(), actor(r), period, number, status)
	if ill.Is(err, ill.Invalid) || ill.Is(err, ill.NotFound) {
		flash(r, "bad", ill.UserMessage(err))
	} else if err != nil {
		return err
	} else {
		flash(r, "ok", h.t(r, "billing.marked."+string(status), number, n))
	}
	http.Redirect(w, r, billingBack(period), http.StatusSeeOther)
	return nil
}

func (h *Handler) billingMarkCharge(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return ill.E(ill.NotFound, "not_found")
	}
	status := store.ChargeStatus(r.PostFormValue("status"))
	err = h.app.MarkCharges(r.Context(), actor(r), []int64{id}, status, r.PostFormValue("reference"))
	if ill.Is(err, ill.Invalid) || ill.Is(err, ill.NotFound) {
		flash(r, "bad", ill.UserMessage(err))
	} else if err != nil {
		return err
	} else {
		flash(r, "ok", h.t(r, "billing.charge.marked", id, h.t(r, "billing.status."+string(status))))
	}
	http.Redirect(w, r, billingBack(r.PostFormValue("period")), http.StatusSeeOther)
	return nil
}

func (h *Handler) billingInvoiceFile(w http.ResponseWriter, r *http.Request) error {
	format := r.PathValue("format")
	if format != "pdf" && format != "csv" {
		return ill.E(ill.NotFound, "not_found")
	}
	f, err := h.app.InvoiceFile(r.Context(), actor(r), h.billingPeriod(r), r.PathValue("number"), format)
	if err != nil {
		return err
	}
	serveExport(w, f)
	return nil
}

func (h *Handler) billingIFM(w http.ResponseWriter, r *http.Request) error {
	files, err := h.app.ExportCharges(r.Context(), actor(r), h.billingPeriod(r))
	if err != nil {
		return err
	}
	serveExport(w, files[len(files)-1]) // the IFM file comes last
	return nil
}

func serveExport(w http.ResponseWriter, f app.ExportFile) {
	w.Header().Set("Content-Type", f.Type)
	w.Header().Set("Content-Disposition", `attachment; filename="`+f.Name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(f.Data)
}

// maxReceivedInvoice bounds an uploaded invoice.
const maxReceivedInvoice = 8 << 20

func (h *Handler) billingReceived(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxReceivedInvoice)
	file, _, err := r.FormFile("file")
	period := r.FormValue("period")
	if err != nil {
		flash(r, "bad", h.t(r, "billing.received.nofile"))
		http.Redirect(w, r, billingBack(period), http.StatusSeeOther)
		return nil
	}
	defer file.Close()
	res, err := h.app.ImportReceivedInvoice(r.Context(), actor(r), r.FormValue("partner"), period, file)
	switch {
	case ill.Is(err, ill.Invalid):
		flash(r, "bad", h.t(r, "billing.received.failed")+" "+ill.UserMessage(err))
	case err != nil:
		return err
	case res.Invoice.Flagged > 0:
		flash(r, "bad", h.t(r, "billing.received.flagged", res.Invoice.Number, res.Invoice.Flagged))
	default:
		flash(r, "ok", h.t(r, "billing.received.matched", res.Invoice.Number))
	}
	http.Redirect(w, r, billingBack(period), http.StatusSeeOther)
	return nil
}
