package web

import (
	"net/http"
	"net/url"

	"interlend/internal/app"
	"interlend/internal/ill"
)

// The portal's need-before question (app/problems_silence_portal.go):
// the patron goes on (optionally with a new date) or cancels.

func init() {
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("POST /portal/requests/{id}/need-before", h.patronOnly(h.portalNeedBefore))
	})
}

func (h *Handler) portalNeedBefore(w http.ResponseWriter, r *http.Request, actor ill.Actor) error {
	answer := r.PostFormValue("answer")
	req, err := h.app.PortalNeedBefore(r.Context(), actor, r.PathValue("id"), answer, r.PostFormValue("needBefore"))
	if ill.Is(err, ill.Invalid) {
		why := "problems.needbefore.err.answer"
		if f := ill.FieldErrors(err)["needBefore"]; f == "portal.err.past" {
			why = f
		} else if f != "" {
			why = "portal.err.date"
		}
		flash(r, "bad", h.t(r, why))
		http.Redirect(w, r, "/portal/requests/"+url.PathEscape(r.PathValue("id")), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case answer == app.NeedBeforeGoOn:
		flash(r, "ok", h.t(r, "problems.needbefore.done"))
	case req.State == ill.BCancelRequested:
		flash(r, "ok", h.t(r, "portal.cancel.sent"))
	default:
		flash(r, "ok", h.t(r, "portal.cancel.done"))
	}
	http.Redirect(w, r, "/portal/requests/"+req.PublicID, http.StatusSeeOther)
	return nil
}
