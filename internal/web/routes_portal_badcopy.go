package web

import (
	"net/http"
	"net/url"

	"interlend/internal/ill"
)

// The portal's bad-copy report (app/problems_receipt_portal.go): the
// patron of a delivered copy says what is wrong with it and the library
// asks the lender for a new copy.

func init() {
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("POST /portal/requests/{id}/bad-copy", h.patronOnly(h.portalBadCopy))
	})
}

func (h *Handler) portalBadCopy(w http.ResponseWriter, r *http.Request, actor ill.Actor) error {
	id := r.PathValue("id")
	what, note := r.PostFormValue("what"), r.PostFormValue("note")
	req, err := h.app.PortalReportBadCopy(r.Context(), actor, id, what, note)
	switch {
	case ill.Is(err, ill.Invalid):
		pr, gerr := h.app.MyRequest(r.Context(), actor, id)
		if gerr != nil {
			return gerr
		}
		p := h.page(r, "portal.request.title", pr.Request.PublicID)
		p.Errors = map[string]string{}
		for field, key := range ill.FieldErrors(err) {
			p.Errors["badcopy."+field] = h.t(r, key)
		}
		p.Flash = append(p.Flash, Flash{Kind: "bad", Text: h.t(r, "portal.err.form")})
		p.Data = portalRequestData{portalRow: h.portalRow(p, pr), Declaration: h.portalDeclaration(r, actor, pr.Request.PublicID),
			BadCopyWhat: what, BadCopyNote: note}
		h.render(w, r, http.StatusUnprocessableEntity, "portal_request", p)
		return nil
	case ill.Is(err, ill.Conflict):
		pr, gerr := h.app.MyRequest(r.Context(), actor, id)
		if gerr != nil {
			return gerr
		}
		why := "problems.portal.err.notcopy"
		if pr.BadCopyOpen {
			why = "problems.portal.err.already"
		}
		flash(r, "bad", h.t(r, why))
		http.Redirect(w, r, "/portal/requests/"+url.PathEscape(id), http.StatusSeeOther)
		return nil
	case err != nil:
		return err
	}
	flash(r, "ok", h.t(r, "problems.portal.badcopy.done"))
	http.Redirect(w, r, "/portal/requests/"+url.PathEscape(req.PublicID), http.StatusSeeOther)
	return nil
}
