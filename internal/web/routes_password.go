package web

import (
	"net/http"

	"interlend/internal/auth"
	"interlend/internal/ill"
	"interlend/internal/server"
)

// Pages reached from emailed links, without logging in: asking for a
// password reset, choosing a new password, accepting an invitation. Their
// forms carry a double-submit token (as the login form does) when there
// is no session to bind one to.
func init() {
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("GET /password/forgot", h.forgotPage)
		handle("POST /password/forgot", h.forgotSubmit)
		handle("GET /password/reset", h.resetPage)
		handle("POST /password/reset", h.resetSubmit)
		handle("GET /invite", h.invitePage)
		handle("POST /invite", h.inviteSubmit)
	})
}

type linkFormData struct {
	PreCSRF string
	Token   string
	Email   string
	Name    string
	State   string // "form", "sent", "done" or "invalid"
	Errors  map[string]string
	// MinPassword is the shortest password accepted.
	MinPassword int
}

// publicPage starts a page for anonymous visitors with a fresh
// double-submit token (a logged-in visitor's forms use the session's).
func (h *Handler) publicPage(w http.ResponseWriter, r *http.Request, title string) (*Page, linkFormData) {
	p := h.page(r, title)
	d := linkFormData{MinPassword: auth.MinPasswordLength}
	if p.CSRF == "" {
		d.PreCSRF = auth.NewToken("")
		h.setCookie(w, preCSRFCookie, d.PreCSRF, 3600)
	}
	return p, d
}

// publicCSRF checks the double-submit token of an anonymous form (forms
// sent with a session are checked by withSession).
func (h *Handler) publicCSRF(r *http.Request) error {
	if sessionFrom(r.Context()) != nil {
		return nil
	}
	c, err := r.Cookie(preCSRFCookie)
	if err != nil || !auth.SameToken(c.Value, r.PostFormValue("csrf")) {
		return ill.E(ill.Forbidden, h.t(r, "error.csrf"))
	}
	return nil
}

func (h *Handler) forgotPage(w http.ResponseWriter, r *http.Request) error {
	p, d := h.publicPage(w, r, "platform.forgot.title")
	d.State = "form"
	p.Data = d
	h.render(w, r, http.StatusOK, "account_forgot", p)
	return nil
}

func (h *Handler) forgotSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := h.publicCSRF(r); err != nil {
		return err
	}
	p, d := h.publicPage(w, r, "platform.forgot.title")
	d.Email, d.State = r.PostFormValue("email"), "sent"
	status := http.StatusOK
	if _, err := h.app.RequestPasswordReset(r.Context(), d.Email, server.ClientIP(r, h.app.Cfg.TrustProxy)); err != nil {
		if !ill.Is(err, ill.RateLimited) {
			return err
		}
		d.State, status = "form", http.StatusTooManyRequests
		p.Flash = append(p.Flash, Flash{Kind: "bad", Text: p.T("platform.forgot.toomany")})
	}
	p.Data = d
	h.render(w, r, status, "account_forgot", p)
	return nil
}

func (h *Handler) resetPage(w http.ResponseWriter, r *http.Request) error {
	p, d := h.publicPage(w, r, "platform.reset.title")
	d.Token, d.State = r.URL.Query().Get("t"), "form"
	status := http.StatusOK
	u, err := h.app.ResetFor(r.Context(), d.Token)
	switch {
	case ill.Is(err, ill.NotFound):
		d.State, status = "invalid", http.StatusNotFound
	case err != nil:
		return err
	default:
		d.Email = u.Email
	}
	p.Data = d
	h.render(w, r, status, "account_reset", p)
	return nil
}

func (h *Handler) resetSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := h.publicCSRF(r); err != nil {
		return err
	}
	p, d := h.publicPage(w, r, "platform.reset.title")
	d.Token, d.State = r.PostFormValue("t"), "done"
	status := http.StatusOK
	err := checkConfirm(r)
	if err == nil {
		err = h.app.ResetPassword(r.Context(), d.Token, r.PostFormValue("password"))
	}
	switch {
	case ill.Is(err, ill.NotFound):
		d.State, status = "invalid", http.StatusNotFound
	case ill.Is(err, ill.Invalid):
		d.State, status, d.Errors = "form", http.StatusBadRequest, linkErrors(p, err)
		if u, err := h.app.ResetFor(r.Context(), d.Token); err == nil {
			d.Email = u.Email
		}
	case err != nil:
		return err
	}
	p.Data = d
	h.render(w, r, status, "account_reset", p)
	return nil
}

func (h *Handler) invitePage(w http.ResponseWriter, r *http.Request) error {
	p, d := h.publicPage(w, r, "platform.accept.title")
	d.Token, d.State = r.URL.Query().Get("t"), "form"
	status := http.StatusOK
	u, err := h.app.InvitationFor(r.Context(), d.Token)
	switch {
	case ill.Is(err, ill.NotFound):
		d.State, status = "invalid", http.StatusNotFound
	case err != nil:
		return err
	default:
		d.Email, d.Name = u.Email, u.Name
	}
	p.Data = d
	h.render(w, r, status, "account_invite", p)
	return nil
}

func (h *Handler) inviteSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := h.publicCSRF(r); err != nil {
		return err
	}
	p, d := h.publicPage(w, r, "platform.accept.title")
	d.Token, d.Name, d.State = r.PostFormValue("t"), r.PostFormValue("name"), "done"
	status := http.StatusOK
	err := checkConfirm(r)
	var email string
	if err == nil {
		u, aerr := h.app.AcceptInvitation(r.Context(), d.Token, d.Name, r.PostFormValue("password"))
		err, email = aerr, u.Email
	}
	switch {
	case ill.Is(err, ill.NotFound):
		d.State, status = "invalid", http.StatusNotFound
	case ill.Is(err, ill.Invalid):
		d.State, status, d.Errors = "form", http.StatusBadRequest, linkErrors(p, err)
		if u, err := h.app.InvitationFor(r.Context(), d.Token); err == nil {
			d.Email = u.Email
		}
	case err != nil:
		return err
	default:
		d.Email = email
	}
	p.Data = d
	h.render(w, r, status, "account_invite", p)
	return nil
}

// checkConfirm compares a new password with its confirmation.
func checkConfirm(r *http.Request) error {
	if r.PostFormValue("password") != r.PostFormValue("confirm") {
		return ill.E(ill.Invalid, "the passwords differ", map[string]string{"confirm": "differs"})
	}
	return nil
}

func linkErrors(p *Page, err error) map[string]string {
	errs := formErrors(p, err)
	if _, ok := errs["confirm"]; ok {
		errs["confirm"] = p.T("platform.err.confirm")
	}
	return errs
}
