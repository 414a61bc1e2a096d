package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/server"
)

// The lending web form: a public page, /lend/{agency}, where a library
// without an ILL system asks us for a loan or a copy with the partner
// code we gave it (app.SubmitWebForm). No login; an anonymous
// double-submit token guards the form, and the app limits how often one
// address may use it.
func init() {
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("GET /lend/{agency}", h.webFormPage)
		handle("POST /lend/{agency}", h.webFormSubmit)
	})
}

type webFormData struct {
	Form     url.Values
	Errors   map[string]string
	Page     app.WebFormPage
	PreCSRF  string
	Services []string
	Done     *ill.Request
}

func (h *Handler) webFormPage(w http.ResponseWriter, r *http.Request) error {
	return h.showWebForm(w, r, http.StatusOK, url.Values{}, nil, nil)
}

func (h *Handler) showWebForm(w http.ResponseWriter, r *http.Request, status int, form url.Values, formErr error, done *ill.Request) error {
	fp, err := h.app.WebForm(r.Context(), ill.AgencyID(r.PathValue("agency")))
	if err != nil {
		return err
	}
	p, link := h.publicPage(w, r, "webform.title")
	d := webFormData{Form: form, Page: fp, PreCSRF: link.PreCSRF, Services: []string{string(ill.Loan), string(ill.Copy), string(ill.CopyOrLoan)}, Done: done}
	if formErr != nil {
		p.Flash = append(p.Flash, Flash{Kind: "bad", Text: ill.UserMessage(formErr)})
		d.Errors = ill.FieldErrors(formErr)
	}
	p.Data = d
	h.render(w, r, status, "lending_webform", p)
	return nil
}

func (h *Handler) webFormSubmit(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return ill.E(ill.Invalid, "the form could not be read")
	}
	if err := h.publicCSRF(r); err != nil {
		return err
	}
	f := r.PostForm
	n := app.WebFormRequest{Code: f.Get("code"), NewLendingRequest: app.NewLendingRequest{
		Borrower: ill.AgencyID(strings.ToUpper(strings.TrimSpace(f.Get("borrower")))), BorrowerRequestID: f.Get("theirRef"),
		Citation: citationFromForm(f), ServiceType: ill.ServiceType(f.Get("serviceType")), Note: f.Get("note"),
		DeliveryAddr: ill.Address{Name: f.Get("contact"), Email: f.Get("email"), Line1: f.Get("line1"), Line2: f.Get("line2"),
			Locality: f.Get("locality"), PostalCode: f.Get("postalCode"), Country: strings.ToUpper(strings.TrimSpace(f.Get("country")))}}}
	if nb := strings.TrimSpace(f.Get("needBefore")); nb != "" {
		t, err := time.Parse("2006-01-02", nb)
		if err != nil {
			return h.showWebForm(w, r, http.StatusBadRequest, f, ill.E(ill.Invalid, "the request needs correcting", map[string]string{"needBefore": "a date"}), nil)
		}
		n.NeedBefore = t
	}
	req, err := h.app.SubmitWebForm(r.Context(), ill.AgencyID(r.PathValue("agency")), server.ClientIP(r, h.app.Cfg.TrustProxy), n)
	if err == nil {
		return h.showWebForm(w, r, http.StatusOK, url.Values{}, nil, req)
	}
	switch ill.KindOf(err) {
	case ill.Invalid:
		return h.showWebForm(w, r, http.StatusBadRequest, f, err, nil)
	case ill.Conflict:
		return h.showWebForm(w, r, http.StatusConflict, f, err, nil)
	case ill.RateLimited:
		return h.showWebForm(w, r, http.StatusTooManyRequests, f, err, nil)
	}
	return err
}

// citationFromForm reads the citation fields the by-hand and web forms
// share.
func citationFromForm(f url.Values) ill.Citation {
	return ill.Citation{Title: f.Get("title"), Author: f.Get("author"), ArticleTitle: f.Get("articleTitle"), ISBN: f.Get("isbn"), ISSN: f.Get("issn"),
		OCLCNumber: f.Get("oclc"), Volume: f.Get("volume"), Issue: f.Get("issue"), Pages: f.Get("pages"), PubDate: f.Get("pubDate"), Edition: f.Get("edition")}
}
