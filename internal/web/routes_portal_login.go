package web

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"interlend/internal/app"
	"interlend/internal/auth"
	"interlend/internal/ill"
	"interlend/internal/server"
)

// Patron login: a local account (email and password, throttled like the
// staff login) or the library's single sign-on (OpenID Connect with PKCE).
// Either way the session token is new at login: no session fixation.

const ssoCookie = "interlend_sso"

func init() {
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("GET /portal/login", h.portalLoginPage)
		handle("POST /portal/login", h.portalLoginSubmit)
		handle("GET /portal/sso/{agency}", h.portalSSOBegin)
		handle("GET /portal/sso-callback", h.portalSSOCallback)
	})
}

type portalLoginData struct {
	PreCSRF, Next, Email string
	SSO                  []portalSSOButton
}

type portalSSOButton struct {
	Label, Href string
}

func (h *Handler) portalLoginPage(w http.ResponseWriter, r *http.Request) error {
	if sessionFrom(r.Context()) != nil {
		http.Redirect(w, r, portalNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return h.showPortalLogin(w, r, http.StatusOK, "", "")
}

// portalNext is where to go after login: a local path, the portal by default.
func portalNext(next string) string {
	n := safeNext(next)
	if n == "/" {
		return "/portal"
	}
	return n
}

func (h *Handler) showPortalLogin(w http.ResponseWriter, r *http.Request, status int, email, problem string) error {
	pre := auth.NewToken("")
	h.setCookie(w, preCSRFCookie, pre, 3600)
	p := h.page(r, "portal.login.title")
	next := portalNext(r.FormValue("next"))
	d := portalLoginData{PreCSRF: pre, Next: next, Email: email}
	ags, labels, err := h.app.SSOLibraries(r.Context())
	if err != nil {
		return err
	}
	for _, ag := range ags {
		label := labels[ag.ID]
		if label == "" {
			label = p.T("portal.login.sso", ag.Name)
		}
		d.SSO = append(d.SSO, portalSSOButton{Label: label, Href: "/portal/sso/" + url.PathEscape(string(ag.ID)) + "?next=" + url.QueryEscape(next)})
	}
	if problem != "" {
		p.Flash = append(p.Flash, Flash{Kind: "bad", Text: problem})
	}
	p.Data = d
	h.render(w, r, status, "portal_login", p)
	return nil
}

func (h *Handler) portalLoginSubmit(w http.ResponseWriter, r *http.Request) error {
	c, err := r.Cookie(preCSRFCookie)
	if err != nil || !auth.SameToken(c.Value, r.PostFormValue("csrf")) {
		return h.showPortalLogin(w, r, http.StatusForbidden, r.PostFormValue("email"), h.t(r, "error.csrf"))
	}
	res, err := h.app.Login(r.Context(), r.PostFormValue("email"), r.PostFormValue("password"), server.ClientIP(r, h.app.Cfg.TrustProxy))
	if err != nil {
		return h.showPortalLogin(w, r, server.StatusFor(err), r.PostFormValue("email"), ill.UserMessage(err))
	}
	h.startPortalSession(w, r, res, r.PostFormValue("next"))
	return nil
}

// startPortalSession ends any session the browser had (its token is
// useless from now on), sets the new one and goes on.
func (h *Handler) startPortalSession(w http.ResponseWriter, r *http.Request, res app.LoginResult, next string) {
	if old, err := r.Cookie(sessionCookie); err == nil {
		_ = h.app.Logout(r.Context(), old.Value)
	}
	h.clearCookie(w, preCSRFCookie)
	h.setCookie(w, sessionCookie, res.Token, int(h.app.Cfg.SessionTTL.Seconds()))
	dest := portalNext(next)
	if res.NeedsSecondFactor {
		dest = "/login/totp?next=" + url.QueryEscape(dest)
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
}

// ssoState is what the browser carries (signed) from the start of a
// single sign-on to its callback.
type ssoState struct {
	Agency   ill.AgencyID `json:"a"`
	State    string       `json:"s"`
	Nonce    string       `json:"n"`
	Verifier string       `json:"v"`
	Next     string       `json:"x"`
	Expires  int64        `json:"e"`
}

func (h *Handler) ssoRedirectURL() string { return h.app.Cfg.BaseURL + "/portal/sso-callback" }

func (h *Handler) portalSSOBegin(w http.ResponseWriter, r *http.Request) error {
	agency := ill.AgencyID(r.PathValue("agency"))
	o, err := h.app.PortalSSO(r.Context(), agency, h.ssoRedirectURL())
	if err != nil {
		return err
	}
	st, err := o.Begin(r.Context())
	if err != nil {
		h.app.Log.Warn("single sign-on could not start", "request_id", server.RequestID(r.Context()), "agency", agency, "err", err)
		return h.showPortalLogin(w, r, http.StatusBadGateway, "", h.t(r, "portal.login.ssodown"))
	}
	s := ssoState{Agency: agency, State: st.State, Nonce: st.Nonce, Verifier: st.Verifier,
		Next: portalNext(r.URL.Query().Get("next")), Expires: time.Now().Add(10 * time.Minute).Unix()}
	b, _ := json.Marshal(s)
	payload := base64.RawURLEncoding.EncodeToString(b)
	h.setCookie(w, ssoCookie, payload+"."+auth.Sign(h.app.SecretKey(), "interlend sso\x00"+payload), 600)
	http.Redirect(w, r, st.URL, http.StatusFound)
	return nil
}

func (h *Handler) readSSOState(r *http.Request) (ssoState, bool) {
	c, err := r.Cookie(ssoCookie)
	if err != nil {
		return ssoState{}, false
	}
	payload, sig, ok := strings.Cut(c.Value, ".")
	if !ok || !auth.VerifySignature(h.app.SecretKey(), "interlend sso\x00"+payload, sig) {
		return ssoState{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return ssoState{}, false
	}
	var s ssoState
	if json.Unmarshal(b, &s) != nil || time.Now().Unix() > s.Expires {
		return ssoState{}, false
	}
	return s, true
}

func (h *Handler) portalSSOCallback(w http.ResponseWriter, r *http.Request) error {
	s, ok := h.readSSOState(r)
	h.clearCookie(w, ssoCookie) // one use
	q := r.URL.Query()
	if !ok || q.Get("state") == "" || !auth.SameToken(q.Get("state"), s.State) {
		return h.showPortalLogin(w, r, http.StatusBadRequest, "", h.t(r, "portal.login.ssostate"))
	}
	if e := q.Get("error"); e != "" {
		return h.showPortalLogin(w, r, http.StatusUnauthorized, "", h.t(r, "portal.login.ssorefused"))
	}
	o, err := h.app.PortalSSO(r.Context(), s.Agency, h.ssoRedirectURL())
	if err != nil {
		return err
	}
	claims, err := o.Finish(r.Context(), q.Get("code"), s.Verifier, s.Nonce)
	if err != nil {
		h.app.Log.Warn("single sign-on refused", "request_id", server.RequestID(r.Context()), "agency", s.Agency, "err", err)
		return h.showPortalLogin(w, r, http.StatusUnauthorized, "", h.t(r, "portal.login.ssofailed"))
	}
	res, err := h.app.SSOLogin(r.Context(), s.Agency, claims)
	if err != nil {
		return h.showPortalLogin(w, r, server.StatusFor(err), "", ill.UserMessage(err))
	}
	h.startPortalSession(w, r, res, s.Next)
	return nil
}
