package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/settings"
	"interlend/internal/store"
)

// The admin area: every settings group of the agency, rendered from the
// settings registry, with the audit trail of who changed what.
func init() {
	addNav(navEntry{order: 80, key: "nav.admin", href: "/admin", shortcut: "g a", perm: ill.PermSettings})
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("GET /admin", h.requirePerm(ill.PermSettings, h.adminIndex))
		handle("GET /admin/settings/{key}", h.requirePerm(ill.PermSettings, h.adminSettings))
		handle("POST /admin/settings/{key}", h.requirePerm(ill.PermSettings, h.adminSettingsSave))
		handle("GET /admin/audit", h.requirePerm(ill.PermSettings, h.adminAudit))
	})
}

// groupRow is one settings group in the admin overview.
type groupRow struct {
	Key, Title, Help, Owner string
	Placeholder, Set        bool
	UpdatedAt, UpdatedBy    string
}

type adminIndexData struct {
	Nav      []subNav
	NoAgency bool
	Groups   []groupRow
	Changes  []changeRow // the latest, of every group
}

func (h *Handler) adminIndex(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "platform.admin.title")
	d := adminIndexData{Nav: adminNav(r)}
	if p.Agency == "" {
		d.NoAgency = true
		p.Data = d
		h.render(w, r, http.StatusOK, "admin_index", p)
		return nil
	}
	groups, err := h.app.SettingGroups(r.Context(), actor(r), p.Agency)
	if err != nil {
		return err
	}
	for _, st := range groups {
		g := st.Group
		row := groupRow{Key: g.Key, Title: p.T(g.Title), Placeholder: g.Placeholder, Set: st.Set}
		if g.Help != "" {
			row.Help = p.T(g.Help, p.T(g.Owner))
		}
		if st.Set {
			row.UpdatedAt, row.UpdatedBy = p.DateTime(st.UpdatedAt), st.UpdatedBy
		}
		d.Groups = append(d.Groups, row)
	}
	changes, err := h.app.SettingsAudit(r.Context(), actor(r), p.Agency, "", 10)
	if err != nil {
		return err
	}
	d.Changes = changeRows(p, changes)
	p.Data = d
	h.render(w, r, http.StatusOK, "admin_index", p)
	return nil
}

type adminSettingsData struct {
	Nav         []subNav
	Key         string
	Help        string
	Placeholder bool
	Version     string
	Fields      []settings.FieldView
	Errors      map[string]string // form name → problem, "" for the whole group
	Changes     []changeRow
}

func (h *Handler) adminSettings(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "platform.admin.title")
	if p.Agency == "" {
		http.Redirect(w, r, "/admin", http.StatusSeeOther)
		return nil
	}
	st, err := h.app.SettingGroup(r.Context(), actor(r), p.Agency, r.PathValue("key"))
	if err != nil {
		return plain(err)
	}
	return h.showSettings(w, r, p, http.StatusOK, st, st.Group.FormValues(st.Value), nil)
}

func (h *Handler) showSettings(w http.ResponseWriter, r *http.Request, p *Page, status int, st app.SettingState, form url.Values, errs map[string]string) error {
	g := st.Group
	p.Title = p.T(g.Title)
	d := adminSettingsData{Nav: adminNav(r), Key: g.Key, Placeholder: g.Placeholder, Version: st.Version, Errors: errs}
	if g.Help != "" {
		d.Help = p.T(g.Help, p.T(g.Owner))
	}
	d.Fields = g.View(form, st.Value, nil) // problems are shown from d.Errors
	changes, err := h.app.SettingsAudit(r.Context(), actor(r), p.Agency, g.Key, 20)
	if err != nil {
		return err
	}
	d.Changes = changeRows(p, changes)
	p.Data = d
	h.render(w, r, status, "admin_settings", p)
	return nil
}

func (h *Handler) adminSettingsSave(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "platform.admin.title")
	if p.Agency == "" {
		return ill.E(ill.Forbidden)
	}
	key := r.PathValue("key")
	if err := r.ParseForm(); err != nil {
		return ill.E(ill.Invalid, "the form could not be read", err)
	}
	st, err := h.app.SaveSettingForm(r.Context(), actor(r), p.Agency, key, r.PostForm, r.PostForm.Get("version"))
	if err == nil {
		flash(r, "ok", p.T("platform.admin.saved", p.T(st.Group.Title)))
		http.Redirect(w, r, "/admin/settings/"+url.PathEscape(key), http.StatusSeeOther)
		return nil
	}
	cur, lerr := h.app.SettingGroup(r.Context(), actor(r), p.Agency, key)
	if lerr != nil {
		return plain(lerr)
	}
	switch {
	case ill.Is(err, ill.Invalid):
		errs := formErrors(p, err)
		p.Flash = append(p.Flash, Flash{Kind: "bad", Text: p.T("platform.settings.err.summary")})
		// Show what was typed, against the version it was typed over.
		cur.Version = r.PostForm.Get("version")
		return h.showSettings(w, r, p, http.StatusBadRequest, cur, r.PostForm, errs)
	case ill.Is(err, ill.Conflict):
		p.Flash = append(p.Flash, Flash{Kind: "bad", Text: p.T("platform.settings.err.conflict")})
		return h.showSettings(w, r, p, http.StatusConflict, cur, cur.Group.FormValues(cur.Value), nil)
	}
	return err
}

// changeRow is one audit entry ready to show.
type changeRow struct {
	When, Who string
	Group     string // the group's title ("" when shown on its own page)
	GroupKey  string
	Changes   []fieldChange
}

type fieldChange struct {
	Label         string
	Before, After shown
}

// shown is a value in the audit trail: translated text, or Data typed by
// a person (marked so that no one translates it).
type shown struct {
	Text string
	Data bool
}

func show(p *Page, d settings.Display) shown {
	if d.Key != "" {
		return shown{Text: p.T(d.Key)}
	}
	return shown{Text: d.Text, Data: true}
}

func changeRows(p *Page, cs []app.SettingChange) []changeRow {
	out := make([]changeRow, 0, len(cs))
	for _, c := range cs {
		row := changeRow{When: p.DateTime(c.At), Who: who(p, c.ActorName, c.ActorEmail), GroupKey: c.Key, Group: c.Key}
		if c.Group != nil {
			row.Group = p.T(c.Group.Title)
		}
		for _, ch := range c.Changes {
			label := ch.Field.Label
			if label == "" {
				label = "platform.settings.value"
			}
			row.Changes = append(row.Changes, fieldChange{Label: p.T(label), Before: show(p, ch.Before), After: show(p, ch.After)})
		}
		out = append(out, row)
	}
	return out
}

// who names the person behind an audit entry.
func who(p *Page, name, email string) string {
	switch {
	case name != "":
		return name
	case email != "":
		return email
	}
	return p.T("platform.system")
}

type adminAuditData struct {
	Nav          []subNav
	Changes      []changeRow
	StaffChanges []staffChange
}

func (h *Handler) adminAudit(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "platform.audit.title")
	if p.Agency == "" {
		http.Redirect(w, r, "/admin", http.StatusSeeOther)
		return nil
	}
	changes, err := h.app.SettingsAudit(r.Context(), actor(r), p.Agency, "", 200)
	if err != nil {
		return err
	}
	d := adminAuditData{Nav: adminNav(r), Changes: changeRows(p, changes)}
	var es []store.AuditEntry
	if actor(r).Can(ill.PermUsers) {
		staff, err := h.app.StaffAudit(r.Context(), actor(r), p.Agency, 200)
		if err != nil {
			return err
		}
		es = append(es, staff...)
	}
	if actor(r).Can(ill.PermJobs) {
		jobs, err := h.app.JobsAudit(r.Context(), actor(r), p.Agency, 200)
		if err != nil {
			return err
		}
		es = append(es, jobs...)
	}
	slices.SortFunc(es, func(x, y store.AuditEntry) int { return cmp.Compare(y.ID, x.ID) })
	d.StaffChanges = staffChanges(p, es)
	p.Data = d
	h.render(w, r, http.StatusOK, "admin_audit", p)
	return nil
}
