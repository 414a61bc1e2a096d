package web

import (
	"net/http"
	"strconv"
	"strings"

	"interlend/internal/app"
	"interlend/internal/copyright"
	"interlend/internal/ill"
)

// More copyright pages: the yearly report as PDF, and the UK copyright
// declaration a patron signs on a request held for want of it (the
// request form itself asks for it when the library's regime is UK; see
// routes_portal.go and app/copyright_uk.go).
func init() {
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("GET /copyright/report.pdf", h.requirePerm(ill.PermCopyright, h.copyrightReportPDF))
		handle("POST /portal/requests/{id}/declaration", h.patronOnly(h.portalSignDeclaration))
	})
}

func (h *Handler) copyrightReportPDF(w http.ResponseWriter, r *http.Request) error {
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	rep, err := h.app.CopyrightYearReport(r.Context(), actor(r), year)
	if err != nil {
		return plainUnlessInvalid(err)
	}
	p := h.page(r, "copyright.report.title", rep.Year)
	doc, err := rep.PDF(p.T, p.Money, p.Date(h.app.Clock.Now()))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="copyright-`+string(rep.Agency)+"-"+strconv.Itoa(rep.Year)+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(doc)
	return nil
}

// declarationForm is the UK declaration on a form (the request form, or
// the request page of a held request).
type declarationForm struct {
	Text     []string // the wording, paragraph by paragraph
	Accepted bool
	Name     string
}

// ukDeclarationForm is the declaration's wording for a template.
func ukDeclarationForm(in app.DeclarationInput) *declarationForm {
	d := &declarationForm{Accepted: in.Accepted, Name: in.Name}
	// One paragraph a line; the first line, the wording's own title, is
	// the section's heading.
	for i, p := range strings.Split(copyright.UKDeclarationText, "\n") {
		if p = strings.TrimSpace(p); p != "" && i > 0 {
			d.Text = append(d.Text, p)
		}
	}
	return d
}

// declarationFromPost reads the declaration fields of a form.
func declarationFromPost(r *http.Request) app.DeclarationInput {
	return app.DeclarationInput{Accepted: r.PostFormValue("declaration") == "accept", Name: r.PostFormValue("declarationName")}
}

// portalDeclaration is the declaration form of the request page, when the
// request waits for it (nil otherwise).
func (h *Handler) portalDeclaration(r *http.Request, actor ill.Actor, id string) *declarationForm {
	need, err := h.app.DeclarationNeeded(r.Context(), actor, id)
	if err != nil || !need {
		return nil
	}
	in := app.DeclarationInput{}
	if r.Method == http.MethodPost {
		in = declarationFromPost(r)
	}
	return ukDeclarationForm(in)
}

func (h *Handler) portalSignDeclaration(w http.ResponseWriter, r *http.Request, actor ill.Actor) error {
	id := r.PathValue("id")
	req, err := h.app.SignCopyrightDeclaration(r.Context(), actor, id, declarationFromPost(r))
	if ill.Is(err, ill.Invalid) {
		errs := map[string]string{}
		for k, v := range ill.FieldErrors(err) {
			errs[k] = h.t(r, v)
		}
		return h.portalRequestWith(w, r, actor, http.StatusUnprocessableEntity, errs)
	}
	if err != nil {
		return err
	}
	flash(r, "ok", h.t(r, "copyright.declaration.signed", req.PublicID))
	http.Redirect(w, r, "/portal/requests/"+req.PublicID, http.StatusSeeOther)
	return nil
}

// portalRequestData is the portal request page's data.
type portalRequestData struct {
	portalRow
	Reply string
	// Declaration is the UK declaration to sign, when the request waits
	// for it.
	Declaration *declarationForm
	// BadCopyWhat and BadCopyNote are the bad-copy form's answers shown
	// again with its errors (routes_portal_badcopy.go).
	BadCopyWhat, BadCopyNote string
}

// portalRequestWith shows the request page with field errors.
func (h *Handler) portalRequestWith(w http.ResponseWriter, r *http.Request, actor ill.Actor, status int, errs map[string]string) error {
	id := r.PathValue("id")
	pr, err := h.app.MyRequest(r.Context(), actor, id)
	if err != nil {
		return err
	}
	p := h.page(r, "portal.request.title", pr.Request.PublicID)
	p.Errors = errs
	p.Flash = append(p.Flash, Flash{Kind: "bad", Text: h.t(r, "portal.err.form")})
	p.Data = portalRequestData{portalRow: h.portalRow(p, pr), Declaration: h.portalDeclaration(r, actor, pr.Request.PublicID)}
	h.render(w, r, status, "portal_request", p)
	return nil
}
