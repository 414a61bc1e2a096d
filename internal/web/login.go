package web

import (
	"net/http"

	"interlend/internal/auth"
	"interlend/internal/ill"
	"interlend/internal/server"
)

type loginData struct {
	PreCSRF, Next, Email string
	SSO                  []struct{ Name, Href string }
}

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) error {
	if sessionFrom(r.Context()) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return h.showLogin(w, r, http.StatusOK, "", nil)
}

// showLogin renders the form with a fresh double-submit CSRF token (there
// is no session yet to bind one to).
func (h *Handler) showLogin(w http.ResponseWriter, r *http.Request, status int, email string, err error) error {
	pre := auth.NewToken("")
	h.setCookie(w, preCSRFCookie, pre, 3600)
	p := h.page(r, "login.title")
	p.Data = loginData{PreCSRF: pre, Next: safeNext(r.FormValue("next")), Email: email}
	if r.URL.Query().Get("bye") == "1" {
		p.Flash = append(p.Flash, Flash{Kind: "ok", Text: p.T("login.loggedout")})
	}
	if err != nil {
		kind := "bad"
		p.Flash = append(p.Flash, Flash{Kind: kind, Text: ill.UserMessage(err)})
	}
	h.render(w, r, status, "login", p)
	return nil
}

func (h *Handler) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	c, err := r.Cookie(preCSRFCookie)
	if err != nil || !auth.SameToken(c.Value, r.PostFormValue("csrf")) {
		return h.showLogin(w, r, http.StatusForbidden, r.PostFormValue("email"), ill.E(ill.Forbidden, h.catalog.Text(h.locale(r), "error.csrf")))
	}
	res, err := h.app.Login(r.Context(), r.PostFormValue("email"), r.PostFormValue("password"), server.ClientIP(r, h.app.Cfg.TrustProxy))
	if err != nil {
		return h.showLogin(w, r, server.StatusFor(err), r.PostFormValue("email"), err)
	}
	// A new token on every login: any session id planted before login is useless.
	if old, err := r.Cookie(sessionCookie); err == nil {
		_ = h.app.Logout(r.Context(), old.Value)
	}
	h.clearCookie(w, preCSRFCookie)
	h.setCookie(w, sessionCookie, res.Token, int(h.app.Cfg.SessionTTL.Seconds()))
	next := safeNext(r.PostFormValue("next"))
	if res.NeedsSecondFactor {
		next = "/login/totp?next=" + next
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (h *Handler) totpPage(w http.ResponseWriter, r *http.Request) error {
	s := sessionFrom(r.Context())
	if s == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	p := h.page(r, "login.totp.title")
	p.Nav, p.ScanBox = nil, false
	p.Data = struct{ Next string }{safeNext(r.URL.Query().Get("next"))}
	h.render(w, r, http.StatusOK, "totp", p)
	return nil
}

func (h *Handler) totpSubmit(w http.ResponseWriter, r *http.Request) error {
	s := sessionFrom(r.Context())
	if s == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	if err := h.app.VerifySecondFactor(r.Context(), s.session, s.user, r.PostFormValue("code")); err != nil {
		p := h.page(r, "login.totp.title")
		p.Nav, p.ScanBox = nil, false
		p.Data = struct{ Next string }{safeNext(r.PostFormValue("next"))}
		p.Flash = append(p.Flash, Flash{Kind: "bad", Text: ill.UserMessage(err)})
		h.render(w, r, http.StatusUnauthorized, "totp", p)
		return nil
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	if s := sessionFrom(r.Context()); s != nil {
		if err := h.app.Logout(r.Context(), s.token); err != nil {
			return err
		}
		s.dirty = false
	}
	h.clearCookie(w, sessionCookie)
	http.Redirect(w, r, "/login?bye=1", http.StatusSeeOther)
	return nil
}

func (h *Handler) switchAgency(w http.ResponseWriter, r *http.Request) error {
	s := sessionFrom(r.Context())
	se, err := h.app.SwitchAgency(r.Context(), s.session, s.user, ill.AgencyID(r.PostFormValue("agency")))
	if err != nil {
		return err
	}
	s.session = se
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

func (h *Handler) home(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "home.title")
	h.render(w, r, http.StatusOK, "home", p)
	return nil
}
