package web

import (
	"net/http"

	"interlend/internal/app"
	"interlend/internal/ill"
)

// More of the borrowing desk and the portal: the desk's panel on a
// borrowing request's page (possible duplicates, the messages with the
// patron, the return label), staff writing to the patron, the patron
// writing to staff, and the patron's email choices.
func init() {
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("GET /requests/{id}/borrowing", h.requireLogin(h.borrowingPanel))
		handle("POST /requests/{id}/patron-message", h.requireLogin(h.borrowingStaffMessage))
		handle("GET /requests/{id}/returnlabel.pdf", h.requireLogin(h.borrowingReturnLabel))
		handle("POST /portal/requests/{id}/message", h.patronOnly(h.portalMessage))
		handle("GET /portal/notices", h.patronOnly(h.portalNotices))
		handle("POST /portal/notices", h.patronOnly(h.portalNoticesSave))
	})
	addNav(navEntry{order: 7, key: "portal.nav.notices", href: "/portal/notices", perm: ill.PermPatronSelf})
}

type borrowingPanelData struct {
	app.BorrowingPanel
	Dups []dupRow
}

type dupRow struct {
	R          *ill.Request
	StateKey   string
	StateClass string
	VerdictKey string
}

// borrowingPanel is the desk's section of a borrowing request's page
// (loaded with htmx into #borrowing-panel; a page of its own without).
func (h *Handler) borrowingPanel(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	bp, err := h.app.BorrowingPanelFor(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := borrowingPanelData{BorrowingPanel: bp}
	for _, m := range bp.Duplicates {
		row := rowOf(m.Request)
		d.Dups = append(d.Dups, dupRow{R: m.Request, StateKey: row.StateKey, StateClass: row.StateClass, VerdictKey: "borrowing.dups." + string(m.Verdict)})
	}
	p := h.page(r, "borrowing.panel.title", bp.Request.PublicID)
	p.Data = d
	h.render(w, r, http.StatusOK, "borrowing_panel", p)
	return nil
}

// borrowingStaffMessage is staff writing to the request's patron.
func (h *Handler) borrowingStaffMessage(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	id := r.PathValue("id")
	req, err := h.app.StaffMessage(r.Context(), actor, id, r.PostFormValue("note"))
	if ill.Is(err, ill.Invalid) {
		flash(r, "bad", h.t(r, "portal.err.message"))
		http.Redirect(w, r, "/requests/"+id, http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	flash(r, "ok", h.t(r, "borrowing.talk.sent", req.PublicID))
	http.Redirect(w, r, "/requests/"+req.PublicID, http.StatusSeeOther)
	return nil
}

// borrowingReturnLabel is the label for a loan going back to its lender,
// addressed to the lender's returns address.
func (h *Handler) borrowingReturnLabel(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	p := h.page(r, "borrowing.title")
	out, err := h.app.ReturnLabel(r.Context(), actor, r.PathValue("id"), printOptions(r, p))
	if err != nil {
		return err
	}
	sendPDF(w, "returnlabel-"+r.PathValue("id")+".pdf", out.PDF)
	return nil
}

// portalMessage is the patron writing to staff from a request's page.
func (h *Handler) portalMessage(w http.ResponseWriter, r *http.Request, actor ill.Actor) error {
	id := r.PathValue("id")
	req, err := h.app.PortalMessage(r.Context(), actor, id, r.PostFormValue("note"))
	if ill.Is(err, ill.Invalid) {
		flash(r, "bad", h.t(r, "portal.err.message"))
		http.Redirect(w, r, "/portal/requests/"+id, http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	flash(r, "ok", h.t(r, "portal.message.sent"))
	http.Redirect(w, r, "/portal/requests/"+req.PublicID, http.StatusSeeOther)
	return nil
}

// portalNotices is the patron's email choices.
func (h *Handler) portalNotices(w http.ResponseWriter, r *http.Request, actor ill.Actor) error {
	prefs, err := h.app.MyNoticePrefs(r.Context(), actor)
	if err != nil {
		return err
	}
	p := h.page(r, "portal.prefs.title")
	p.Data = prefs
	h.render(w, r, http.StatusOK, "portal_notices", p)
	return nil
}

func (h *Handler) portalNoticesSave(w http.ResponseWriter, r *http.Request, actor ill.Actor) error {
	if err := r.ParseForm(); err != nil {
		return ill.E(ill.Invalid, "the form could not be read")
	}
	if err := h.app.SetMyNoticePrefs(r.Context(), actor, r.PostForm["on"]); err != nil {
		return err
	}
	flash(r, "ok", h.t(r, "portal.prefs.saved"))
	http.Redirect(w, r, "/portal/notices", http.StatusSeeOther)
	return nil
}
