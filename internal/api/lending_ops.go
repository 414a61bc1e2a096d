package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/pdf"
)

// The lending desk's operations in the JSON API: scans (found, not on
// shelf, ship, return), pull slips, shipping labels and book bands as
// PDFs, copy delivery and re-sending, and the renewals waiting for an
// answer (answered with the approve_renewal and refuse_renewal actions).

// ScanResultView is what a scan did.
type ScanResultView struct {
	Request RequestView  `json:"request"`
	Mode    app.ScanMode `json:"mode"`
	// From is the state before the scan.
	From ill.State `json:"from"`
	// Item is the item barcode matched or recorded.
	Item string `json:"item,omitempty"`
	// Charge is the ledger id of a damage charge written.
	Charge int64 `json:"charge,omitempty"`
}

// PrintInput chooses requests and paper for slips, labels and bands.
type PrintInput struct {
	// IDs are the requests to print; empty: every request waiting (pull
	// slips) or awaiting shipping (labels).
	IDs []string `json:"ids"`
	// Paper is a4 or letter (slips, bands); Stock is 4x6, a4 or letter
	// (labels; default from the lending_ops settings).
	Paper   string `json:"paper,omitempty"`
	PerPage int    `json:"perPage,omitempty"`
	Stock   string `json:"stock,omitempty"`
}

// PrintedView is a printed PDF (base64 in JSON) and what it holds.
type PrintedView struct {
	PDF      []byte   `json:"pdf"`
	Requests []string `json:"requests"`
	// Marked are the requests marked as pulled (pull slips).
	Marked []string `json:"marked,omitempty"`
}

// CopyDeliveryView is a delivered copy.
type CopyDeliveryView struct {
	Request     RequestView `json:"request"`
	File        string      `json:"file"`
	Size        int64       `json:"size"`
	Pages       int         `json:"pages"`
	Assembled   bool        `json:"assembled"`
	LinkExpires time.Time   `json:"linkExpires"`
}

func init() {
	addRoutes(func(h *Handler) []route {
		printRoute := func(path, summary string, fn func(*Handler, *http.Request, ill.Actor, []string, app.PrintOptions) (app.Printed, error)) route {
			return route{Method: "POST", Path: path, Summary: summary, Tag: "lending", Body: typeOf[PrintInput](), Response: typeOf[PrintedView](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					var in PrintInput
					if err := decode(r, &in); err != nil {
						return nil, err
					}
					out, err := fn(h, r, actorFrom(r.Context()), in.IDs, app.PrintOptions{Paper: pdf.Paper(in.Paper), PerPage: in.PerPage, Stock: pdf.LabelStock(in.Stock)})
					if err != nil {
						return nil, err
					}
					return PrintedView{PDF: out.PDF, Requests: out.Requests, Marked: out.Marked}, nil
				}}
		}
		return []route{
			{Method: "POST", Path: "/api/v1/lending/scan", Summary: "Scan a request or item barcode at the lending desk: found, not_on_shelf, ship or return (409 when already done or not possible now; 404 for an unknown barcode; nothing changes then)",
				Tag: "lending", Body: typeOf[app.ScanInput](), Response: typeOf[ScanResultView](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					var in app.ScanInput
					if err := decode(r, &in); err != nil {
						return nil, err
					}
					res, err := h.app.LendingScan(r.Context(), actorFrom(r.Context()), in)
					if err != nil {
						return nil, err
					}
					return ScanResultView{Request: h.view(r, res.Request), Mode: res.Mode, From: res.From, Item: res.Item, Charge: res.Charge}, nil
				}},
			printRoute("/api/v1/lending/pull-slips", "Print pull slips (sorted by branch, location, call number) and mark them as pulled",
				func(h *Handler, r *http.Request, a ill.Actor, ids []string, o app.PrintOptions) (app.Printed, error) {
					return h.app.PrintPullSlips(r.Context(), a, ids, o)
				}),
			printRoute("/api/v1/lending/labels", "Print shipping labels (4x6 thermal, A4 or Letter sheets)",
				func(h *Handler, r *http.Request, a ill.Actor, ids []string, o app.PrintOptions) (app.Printed, error) {
					return h.app.PrintShippingLabels(r.Context(), a, ids, o)
				}),
			printRoute("/api/v1/lending/book-bands", "Print book bands for loans",
				func(h *Handler, r *http.Request, a ill.Actor, ids []string, o app.PrintOptions) (app.Printed, error) {
					return h.app.PrintBookBands(r.Context(), a, ids, o)
				}),
			{Method: "POST", Path: "/api/v1/lending/requests/{id}/copy/upload", Summary: "Deliver a copy: the body is the scan (application/pdf, image/tiff, image/jpeg or image/png; size capped by lending_ops.copyMaxMB before it is read, 413 over it); the borrower gets an expiring link and the request completes",
				Tag: "lending", Response: typeOf[CopyDeliveryView](), Query: []queryParam{{"note", "a note to the borrowing library (re-send)", "string"}},
				Handle: func(h *Handler, r *http.Request) (any, error) { return h.copyDelivery(r, false) }},
			{Method: "POST", Path: "/api/v1/lending/requests/{id}/copy/resend/upload", Summary: "Send a delivered copy again (a bad scan): with a body, a new scan; without, a new link to the same scan",
				Tag: "lending", Response: typeOf[CopyDeliveryView](), Query: []queryParam{{"note", "what was wrong and what was done", "string"}},
				Handle: func(h *Handler, r *http.Request) (any, error) { return h.copyDelivery(r, true) }},
			{Method: "GET", Path: "/api/v1/lending/renewals", Summary: "Renewal requests waiting for an answer (answer with the approve_renewal or refuse_renewal action)",
				Tag: "lending", Response: typeOf[[]*ill.Request](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					return h.app.RenewalRequests(r.Context(), actorFrom(r.Context()))
				}},
		}
	})
}

// copyDelivery reads a scan body within the agency's cap and delivers it.
func (h *Handler) copyDelivery(r *http.Request, resend bool) (any, error) {
	actor := actorFrom(r.Context())
	limit, err := h.app.CopyUploadLimit(r.Context(), actor.Agency)
	if err != nil {
		return nil, err
	}
	tooLarge := ill.E(ill.TooLarge, fmt.Sprintf("the scan is larger than the limit of %d MB; nothing was delivered", limit>>20))
	if r.ContentLength > limit {
		return nil, tooLarge
	}
	up := app.CopyUpload{Note: r.URL.Query().Get("note")}
	if r.ContentLength != 0 {
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if !strings.HasPrefix(ct, "image/") && ct != "application/pdf" && ct != "application/octet-stream" {
			return nil, ill.E(ill.Invalid, "send the scan as application/pdf, image/tiff, image/jpeg or image/png", map[string]string{"Content-Type": ct})
		}
		b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return nil, tooLarge
		case err != nil:
			return nil, ill.E(ill.Invalid, "the upload did not complete; please try again", err)
		}
		if len(b) > 0 {
			up.Pages = []app.CopyPage{{Name: r.PathValue("id"), ContentType: ct, Data: b}}
		}
	}
	var d app.CopyDelivery
	if resend {
		d, err = h.app.ResendCopy(r.Context(), actor, r.PathValue("id"), up)
	} else {
		d, err = h.app.DeliverCopy(r.Context(), actor, r.PathValue("id"), up)
	}
	if err != nil {
		return nil, err
	}
	return CopyDeliveryView{Request: h.view(r, d.Request), File: d.File.PublicID, Size: d.File.Size, Pages: d.Pages, Assembled: d.Assembled, LinkExpires: d.LinkExpires}, nil
}
