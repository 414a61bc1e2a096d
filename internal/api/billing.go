package api

import (
	"net/http"

	"interlend/internal/app"
	"interlend/internal/billing"
	"interlend/internal/store"
)

// ChargeStatusInput moves charges to a status.
type ChargeStatusInput struct {
	IDs       []int64            `json:"ids"`
	Status    store.ChargeStatus `json:"status"`
	Reference string             `json:"reference,omitempty"`
}

// InvoiceMarkInput marks one of a period's invoices invoiced or paid.
type InvoiceMarkInput struct {
	Period string             `json:"period"`
	Number string             `json:"number"`
	Status store.ChargeStatus `json:"status"`
}

// Billing (docs/billing.md): a period's invoices and the budget, staff
// marking charges and invoices, patron fees, received invoices.
func init() {
	addRoutes(func(h *Handler) []route {
		period := queryParam{"period", "a year (2026), a quarter (2026-Q3) or a month (2026-11)", "string"}
		return []route{
			{Method: "GET", Path: "/api/v1/billing/invoices", Summary: "A period's per-partner invoices (billable charges only; totals per currency and converted at each charge's dated rate), the charges still open and the fiscal year's budget",
				Tag: "money", Response: typeOf[app.BillingReport](), Query: []queryParam{period},
				Handle: func(h *Handler, r *http.Request) (any, error) {
					return h.app.BillingReport(r.Context(), actorFrom(r.Context()), r.URL.Query().Get("period"))
				}},
			{Method: "GET", Path: "/api/v1/billing/budget", Summary: "Spend of the current fiscal year against the ILL budget",
				Tag: "money", Response: typeOf[billing.Budget](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					return h.app.Budget(r.Context(), actorFrom(r.Context()))
				}},
			{Method: "POST", Path: "/api/v1/billing/charges/status", Summary: "Mark charges accepted, invoiced, paid, waived or disputed (with an invoice or payment reference)",
				Tag: "money", Body: typeOf[ChargeStatusInput](), Response: typeOf[map[string]string](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					var in ChargeStatusInput
					if err := decode(r, &in); err != nil {
						return nil, err
					}
					return map[string]string{"status": string(in.Status)}, h.app.MarkCharges(r.Context(), actorFrom(r.Context()), in.IDs, in.Status, in.Reference)
				}},
			{Method: "POST", Path: "/api/v1/billing/invoices/mark", Summary: "Mark every charge of one of a period's invoices invoiced or paid (the invoice number becomes their reference)",
				Tag: "money", Body: typeOf[InvoiceMarkInput](), Response: typeOf[map[string]int](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					var in InvoiceMarkInput
					if err := decode(r, &in); err != nil {
						return nil, err
					}
					n, err := h.app.MarkInvoice(r.Context(), actorFrom(r.Context()), in.Period, in.Number, in.Status)
					return map[string]int{"changed": n}, err
				}},
			{Method: "POST", Path: "/api/v1/requests/{id}/patron-fees", Summary: "Charge a borrowing request's patron: per_request (the library's fee), pass_through (the lender's charges) or lost_book (the escalation's bill); amount in minor units overrides",
				Tag: "money", Created: true, Body: typeOf[app.PatronFeeInput](), Response: typeOf[[]store.Charge](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					var in app.PatronFeeInput
					if err := decode(r, &in); err != nil {
						return nil, err
					}
					return h.app.AddPatronFee(r.Context(), actorFrom(r.Context()), r.PathValue("id"), in)
				}},
			{Method: "POST", Path: "/api/v1/billing/received", Summary: "Import a partner's invoice (CSV body: invoice,date,request,amount,currency[,description]) and compare it with what the ledger owes the partner in the period",
				Tag: "money", Response: typeOf[app.ReceivedResult](), Query: []queryParam{period, {"partner", "the library id of the partner that sent it", "string"}},
				Handle: func(h *Handler, r *http.Request) (any, error) {
					body, err := readBody(r)
					if err != nil {
						return nil, err
					}
					return h.app.ImportReceivedInvoice(r.Context(), actorFrom(r.Context()), r.URL.Query().Get("partner"), r.URL.Query().Get("period"), body)
				}},
			{Method: "GET", Path: "/api/v1/billing/received", Summary: "Invoices partners sent, newest first, with the differences found",
				Tag: "money", Response: typeOf[[]app.ReceivedResult](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					return h.app.ReceivedInvoices(r.Context(), actorFrom(r.Context()))
				}},
		}
	})
}
