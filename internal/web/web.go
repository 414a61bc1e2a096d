// Package web is Interlend's browser interface: the staff desks and the
// patron portal, server-rendered with html/template and enhanced with
// htmx. Every page shares one layout, one stylesheet and one message
// catalog; handlers return errors and one adapter renders them.
package web

import (
	"context"
	"net/http"

	"interlend/internal/app"
	"interlend/internal/i18n"
	"interlend/internal/ill"
	"interlend/internal/server"
)

// Handler serves the web pages.
type Handler struct {
	app     *app.App
	tmpl    *engine
	catalog *i18n.Catalog
	static  *staticFiles
	secure  bool // cookies only over HTTPS
}

// New parses every template and fingerprints every static file; it fails
// fast on a template that does not parse.
func New(a *app.App) (*Handler, error) {
	st, err := loadStatic()
	if err != nil {
		return nil, err
	}
	tm, err := newEngine(st)
	if err != nil {
		return nil, err
	}
	return &Handler{app: a, tmpl: tm, catalog: i18n.Load(), static: st, secure: isHTTPS(a.Cfg.BaseURL)}, nil
}

// handlerFunc is the shape of every page handler.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// Register mounts the web routes.
func (h *Handler) Register(mux *http.ServeMux) {
	cop := http.NewCrossOriginProtection()
	handle := func(pattern string, fn handlerFunc) {
		mux.Handle(pattern, cop.Handler(h.withSession(h.adapt(fn))))
	}
	mux.Handle("GET /static/", h.static)
	handle("GET /{$}", h.requireLogin(h.home))
	handle("GET /login", h.loginPage)
	handle("POST /login", h.loginSubmit)
	handle("GET /login/totp", h.totpPage)
	handle("POST /login/totp", h.totpSubmit)
	handle("POST /logout", h.logout)
	handle("POST /agency", h.requireLogin(h.switchAgency))
	// Each feature mounts its pages from its own file.
	for _, register := range featureRoutes {
		register(h, handle)
	}
	// Open routes take cross-site requests that change nothing (an OpenURL
	// POSTed by a discovery system): no session, no cross-origin check.
	for _, o := range openRoutes {
		mux.Handle(o.pattern, h.adapt(o.fn))
	}
}

type openRoute struct {
	pattern string
	fn      handlerFunc
}

var openRoutes []openRoute

// addOpenRoute mounts a handler without the session and cross-origin
// middleware (call from init). It must not change state.
func addOpenRoute(pattern string, fn handlerFunc) {
	openRoutes = append(openRoutes, openRoute{pattern, fn})
}

// routeAdder mounts one route with the standard web middleware.
type routeAdder func(pattern string, fn handlerFunc)

// featureRoutes are registered by each feature's routes_<feature>.go in
// an init function, so that features do not edit one shared route table.
var featureRoutes []func(h *Handler, handle routeAdder)

// addRoutes registers a feature's routes (call from init).
func addRoutes(f func(h *Handler, handle routeAdder)) { featureRoutes = append(featureRoutes, f) }

// adapt runs a handler and renders its error, if any.
func (h *Handler) adapt(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.renderError(w, r, err)
		}
	})
}

// renderError maps an error to a page: a login redirect for
// Unauthenticated, else an error page with the right status. Internal
// errors are logged with the request id and shown generically.
func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, err error) {
	kind := ill.KindOf(err)
	if kind == ill.Unauthenticated && r.Method == http.MethodGet && sessionFrom(r.Context()) == nil {
		http.Redirect(w, r, "/login?next="+safeNext(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	status := server.StatusFor(err)
	rid := server.RequestID(r.Context())
	if kind == ill.Internal {
		h.app.Log.Error("web request failed", "request_id", rid, "path", r.URL.Path, "err", err)
	} else {
		h.app.Log.Debug("web request refused", "request_id", rid, "kind", kind.String())
	}
	p := h.page(r, "error.title")
	msg := ill.UserMessage(err)
	switch kind {
	case ill.NotFound:
		if msg == "not_found" {
			msg = p.T("error.notfound")
		}
	case ill.Forbidden:
		if msg == "forbidden" {
			msg = p.T("error.forbidden")
		}
	}
	p.Data = struct{ Message, RequestID string }{msg, rid}
	if r.Header.Get("HX-Request") == "true" {
		// htmx swaps only 2xx by default: send the message as a flash fragment.
		w.Header().Set("HX-Reswap", "none")
		w.Header().Set("HX-Trigger", `{"interlendError":"`+jsonEscape(msg)+`"}`)
	}
	h.render(w, r, status, "error", p)
}

func jsonEscape(s string) string {
	var b []byte
	for _, c := range []byte(s) {
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, ' ')
		default:
			if c >= 0x20 {
				b = append(b, c)
			}
		}
	}
	return string(b)
}

// actor is the acting user in the session's agency.
func actorFrom(ctx context.Context) (ill.Actor, bool) {
	s := sessionFrom(ctx)
	if s == nil {
		return ill.Actor{}, false
	}
	return app.ActorFor(s.user, s.session.Agency), true
}
