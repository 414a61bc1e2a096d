package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"interlend/internal/auth"
	"interlend/internal/ill"
	"interlend/internal/store"
)

const (
	sessionCookie = "interlend_session"
	preCSRFCookie = "interlend_pre"
)

type sessionKey struct{}

// webSession is the logged-in state of a request.
type webSession struct {
	token    string
	session  store.Session
	user     store.User
	agencies []store.Agency
	data     sessionData
	dirty    bool
}

// sessionData is kept as JSON in the session row.
type sessionData struct {
	Flash []Flash `json:"flash,omitempty"`
	// Pending carries form state across a login redirect (e.g. a citation).
	Pending map[string]string `json:"pending,omitempty"`
}

func sessionFrom(ctx context.Context) *webSession {
	s, _ := ctx.Value(sessionKey{}).(*webSession)
	return s
}

func (s *webSession) takeFlash() []Flash {
	f := s.data.Flash
	if len(f) > 0 {
		s.data.Flash = nil
		s.dirty = true
	}
	return f
}

// withSession loads the session behind the cookie, if any, and checks the
// CSRF token of every state-changing request made with a session.
func (h *Handler) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err == nil && c.Value != "" {
			se, u, err := h.app.Session(r.Context(), c.Value)
			if err == nil {
				ws := &webSession{token: c.Value, session: se, user: u}
				_ = json.Unmarshal([]byte(se.Data), &ws.data)
				ws.agencies = h.agenciesFor(r.Context(), u)
				if !se.SecondFactor && !strings.HasPrefix(r.URL.Path, "/login") && r.URL.Path != "/logout" {
					http.Redirect(w, r, "/login/totp", http.StatusSeeOther)
					return
				}
				r = r.WithContext(context.WithValue(r.Context(), sessionKey{}, ws))
			} else {
				h.clearCookie(w, sessionCookie)
			}
		}
		if unsafeMethod(r.Method) {
			if ws := sessionFrom(r.Context()); ws != nil && !h.csrfOK(r, ws.session.CSRFToken) {
				h.renderError(w, r, ill.E(ill.Forbidden, h.catalog.Text(h.locale(r), "error.csrf")))
				return
			}
		}
		next.ServeHTTP(w, r)
		if ws := sessionFrom(r.Context()); ws != nil && ws.dirty {
			b, _ := json.Marshal(ws.data)
			ws.session.Data = string(b)
			_ = h.app.SaveSession(context.WithoutCancel(r.Context()), ws.session)
		}
	})
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// csrfOK compares the X-CSRF-Token header or the form field with the token.
func (h *Handler) csrfOK(r *http.Request, want string) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got, _ = csrfFromMultipart(r) // an upload: not the whole body (csrf_stream.go)
	}
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	return want != "" && auth.SameToken(got, want)
}

func (h *Handler) agenciesFor(ctx context.Context, u store.User) []store.Agency {
	all, err := h.app.Agencies(ctx)
	if err != nil {
		return nil
	}
	if u.Grants.IsOperator() {
		return all
	}
	var out []store.Agency
	for _, a := range all {
		if len(u.Grants.RolesIn(a.ID)) > 0 {
			out = append(out, a)
		}
	}
	return out
}

// flash queues a message for the next page this session sees.
func flash(r *http.Request, kind, text string) {
	if s := sessionFrom(r.Context()); s != nil {
		s.data.Flash = append(s.data.Flash, Flash{Kind: kind, Text: text})
		s.dirty = true
	}
}

func (h *Handler) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: h.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: maxAge})
}

func (h *Handler) clearCookie(w http.ResponseWriter, name string) { h.setCookie(w, name, "", -1) }

// requireLogin sends anonymous visitors to the login page.
func (h *Handler) requireLogin(fn handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if sessionFrom(r.Context()) == nil {
			return ill.E(ill.Unauthenticated, "please log in")
		}
		return fn(w, r)
	}
}

// safeNext keeps a post-login destination only if it is a local path.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

func isHTTPS(base string) bool { return strings.HasPrefix(base, "https://") }
