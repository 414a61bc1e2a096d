package web

import (
	"net/http"
	"sort"
	"strings"
	"time"

	"interlend/internal/i18n"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// Page is what every template gets: the request's user, agency, locale,
// navigation and flash messages, plus the page's own Data. Its methods are
// the only way templates produce text (T, Date, Money, ...).
type Page struct {
	Title      string
	Lang       string
	CSRF       string
	User       *store.User
	Agency     ill.AgencyID
	AgencyName string
	Agencies   []store.Agency
	Nav        []NavItem
	Flash      []Flash
	BodyClass  string
	ScanBox    bool
	Path       string
	Data       any
	Errors     map[string]string // field → message, for forms

	catalog *i18n.Catalog
	format  i18n.Formatter
	loc     *time.Location
}

// Flash is a one-time message shown at the top of a page.
type Flash struct {
	Kind string // ok, warn, bad, info
	Text string
}

// NavItem is one entry of the top navigation.
type NavItem struct {
	Key      string
	Href     string
	Shortcut string
	Current  bool
}

// T translates a catalog key.
func (p *Page) T(key string, args ...any) string { return p.catalog.Text(p.Lang, key, args...) }

// Tn translates a plural key for n.
func (p *Page) Tn(key string, n int, args ...any) string {
	return p.catalog.Plural(p.Lang, key, n, args...)
}

// Date formats a day in the agency's time zone.
func (p *Page) Date(t time.Time) string { return p.format.Date(t, p.loc) }

// DateTime formats a moment in the agency's time zone.
func (p *Page) DateTime(t time.Time) string { return p.format.DateTime(t, p.loc) }

// Number formats an integer.
func (p *Page) Number(n int) string { return p.format.Number(int64(n)) }

// Money formats minor units of a currency.
func (p *Page) Money(minor int64, code string) string { return p.format.Money(minor, code) }

// navEntry is one item of the top navigation, shown only to roles with
// the permission ("" for everyone logged in).
type navEntry struct {
	order               int
	key, href, shortcut string
	perm                ill.Permission
}

// navTable is the whole navigation; features add their desks with addNav.
var navTable = []navEntry{
	{order: 0, key: "nav.home", href: "/", shortcut: "g h"},
}

// addNav adds a navigation entry (call from a feature's init).
func addNav(e navEntry) {
	navTable = append(navTable, e)
	sort.SliceStable(navTable, func(i, j int) bool { return navTable[i].order < navTable[j].order })
}

// page builds the common part of a page for the request.
func (h *Handler) page(r *http.Request, titleKey string, args ...any) *Page {
	lang := h.locale(r)
	p := &Page{Lang: lang, catalog: h.catalog, format: i18n.NewFormatter(lang), loc: time.UTC, Path: r.URL.Path}
	p.Title = p.T(titleKey, args...)
	if s := sessionFrom(r.Context()); s != nil {
		u := s.user
		p.User, p.CSRF, p.Agency = &u, s.session.CSRFToken, s.session.Agency
		p.loc = h.app.AgencyLocation(r.Context(), p.Agency) // the business calendar's time zone
		p.Flash = s.takeFlash()
		actor, _ := actorFrom(r.Context())
		for _, n := range navTable {
			if n.perm == "" || actor.Can(n.perm) {
				cur := n.href == r.URL.Path || (n.href != "/" && strings.HasPrefix(r.URL.Path, n.href))
				p.Nav = append(p.Nav, NavItem{Key: n.key, Href: n.href, Shortcut: n.shortcut, Current: cur})
			}
		}
		p.Agencies = s.agencies
		for _, a := range s.agencies {
			if a.ID == p.Agency {
				p.AgencyName = a.Name
			}
		}
		p.ScanBox = actor.Can(ill.PermRequestView)
		if p.ScanBox {
			p.BodyClass = "desk"
		} else {
			p.BodyClass = "portal"
		}
	} else {
		p.BodyClass = "portal"
	}
	return p
}

// locale picks the language: ?lang= (kept for the session), then the
// browser's Accept-Language, then English.
func (h *Handler) locale(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" && h.known(l) {
		return l
	}
	if c, err := r.Cookie("lang"); err == nil && h.known(c.Value) {
		return c.Value
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if h.known(tag) {
			return tag
		}
		if base, _, ok := strings.Cut(tag, "-"); ok && h.known(base) {
			return base
		}
	}
	return i18n.Default
}

func (h *Handler) known(l string) bool {
	for _, k := range h.catalog.Locales() {
		if k == l {
			return true
		}
	}
	return false
}
