package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"interlend/internal/auth"
	"interlend/internal/ill"
	"interlend/internal/settings"
)

// Helpers shared by the platform pages (admin area, staff, account, jobs).

// requirePerm lets through only actors with p in their current agency
// (operators everywhere). Others get a Forbidden without a message of its
// own, so the error page says it in the reader's language.
func (h *Handler) requirePerm(p ill.Permission, fn handlerFunc) handlerFunc {
	return h.requireLogin(func(w http.ResponseWriter, r *http.Request) error {
		if actor, _ := actorFrom(r.Context()); !actor.Can(p) {
			return ill.E(ill.Forbidden)
		}
		return fn(w, r)
	})
}

// t translates a key in the request's language.
func (h *Handler) t(r *http.Request, key string, args ...any) string {
	return h.catalog.Text(h.locale(r), key, args...)
}

// actor is the acting user; routes behind requireLogin always have one.
func actor(r *http.Request) ill.Actor {
	a, _ := actorFrom(r.Context())
	return a
}

// formFieldKeys translate the field problems the app reports in English
// for the forms of these pages.
var formFieldKeys = map[string]string{
	"email":    "platform.err.email",
	"password": "platform.err.password",
	"roles":    "platform.err.roles",
	"role":     "platform.err.role",
	"code":     "platform.err.code",
	"current":  "platform.err.current",
	"name":     "platform.err.required",
	"ttl":      "platform.err.ttl",
}

// formErrors turns an error into per-field texts for a form: settings
// problems and the app's known fields are translated; anything else keeps
// the app's message.
func formErrors(p *Page, err error) map[string]string {
	out := map[string]string{}
	var ve *settings.ValidationError
	if errors.As(err, &ve) {
		for k, m := range ve.Fields {
			out[k] = p.T(m.Key, m.Args...)
		}
		return out
	}
	for k, msg := range ill.FieldErrors(err) {
		if key, ok := formFieldKeys[k]; ok {
			out[k] = p.T(key, auth.MinPasswordLength)
		} else {
			out[k] = msg
		}
	}
	return out
}

// problem is the flash text for a failed action: a form problem in the
// reader's language, or the app's message.
func problem(p *Page, err error) string {
	if ill.Is(err, ill.Invalid) {
		return p.T("platform.err.form")
	}
	if ill.Is(err, ill.Forbidden) && ill.UserMessage(err) == "forbidden" {
		return p.T("error.forbidden")
	}
	return ill.UserMessage(err)
}

// plain drops the English message of a NotFound or Forbidden error so
// that the error page says it in the reader's language (the message of
// the one error vocabulary is English).
func plain(err error) error {
	switch k := ill.KindOf(err); k {
	case ill.NotFound, ill.Forbidden:
		return ill.E(k)
	}
	return err
}

// pathID reads a numeric path value; a malformed one is NotFound.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, ill.E(ill.NotFound)
	}
	return id, nil
}

// ago says how long ago (or, negative, how far ahead) something is, in
// the reader's language: "3 minutes ago", "in 2 hours".
func ago(p *Page, d time.Duration) string {
	ahead := d < 0
	if ahead {
		d = -d
	}
	var key string
	var n int
	switch {
	case d < time.Minute:
		return p.T("platform.age.now")
	case d < time.Hour:
		key, n = "platform.age.minutes", int(d/time.Minute)
	case d < 48*time.Hour:
		key, n = "platform.age.hours", int(d/time.Hour)
	default:
		key, n = "platform.age.days", int(d/(24*time.Hour))
	}
	if ahead {
		key += ".ahead"
	}
	return p.Tn(key, n)
}

// subNav is the admin area's own navigation.
type subNav struct {
	Href, Key string
	Current   bool
}

func adminNav(r *http.Request) []subNav {
	a := actor(r)
	var out []subNav
	add := func(href, key string, perm ill.Permission, also string) {
		if a.Can(perm) {
			cur := r.URL.Path == href || strings.HasPrefix(r.URL.Path, also)
			out = append(out, subNav{Href: href, Key: key, Current: cur})
		}
	}
	add("/admin", "platform.admin.nav.settings", ill.PermSettings, "/admin/settings/")
	add("/admin/staff", "platform.admin.nav.staff", ill.PermUsers, "/admin/staff/")
	add("/admin/audit", "platform.admin.nav.audit", ill.PermSettings, "/admin/audit/")
	return out
}
