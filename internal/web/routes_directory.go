package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"interlend/internal/app"
	"interlend/internal/calendar"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// The network directory (for directory administrators: list, search,
// view, add, edit, delete, credentials, import and export) and the
// catalog search (for all staff).
func init() {
	addNav(navEntry{order: 60, key: "directory.nav", href: "/directory", shortcut: "g d", perm: ill.PermDirectory})
	addNav(navEntry{order: 55, key: "directory.catalog.nav", href: "/catalog", shortcut: "g c", perm: ill.PermRequestView})
	addRoutes(func(h *Handler, handle routeAdder) {
		dir := func(fn handlerFunc) handlerFunc { return h.requirePerm(ill.PermDirectory, fn) }
		handle("GET /directory", dir(h.directoryList))
		handle("GET /directory/new", dir(h.directoryNew))
		handle("POST /directory/new", dir(h.directoryCreate))
		handle("POST /directory/import", dir(h.directoryImport))
		handle("GET /directory/export/{format}", dir(h.directoryExport))
		handle("GET /directory/library/{id}", dir(h.directoryEntry))
		handle("GET /directory/library/{id}/edit", dir(h.directoryEdit))
		handle("POST /directory/library/{id}/edit", dir(h.directorySave))
		handle("POST /directory/library/{id}/delete", dir(h.directoryDelete))
		handle("POST /directory/library/{id}/credentials", dir(h.directoryCredential))
		handle("POST /directory/library/{id}/credentials/remove", dir(h.directoryCredentialRemove))
		handle("GET /catalog", h.requirePerm(ill.PermRequestView, h.catalogSearch))
		handle("GET /catalog/record/{id}", h.requirePerm(ill.PermRequestView, h.catalogRecord))
	})
}

// dirRow is one library in the list.
type dirRow struct {
	ID, Name, Status, StatusCSS, StatusText, Endpoint, Version, Updated string
	Symbols                                                             []string
	Hosted                                                              bool
	Services                                                            []string
}

type dirListData struct {
	Q, Status    string
	Statuses     []dirOption
	Rows         []dirRow
	Total, Shown int
	More         string // link to the next page
}

const dirPageSize = 100

func statusCSS(s directory.Status) string {
	switch s {
	case directory.StatusActive:
		return "ok"
	case directory.StatusSuspended:
		return "warn"
	}
	return "neutral"
}

func (h *Handler) directoryList(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "directory.title")
	q := r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	f := store.DirectoryFilter{Text: q.Get("q"), Status: directory.Status(q.Get("status")), Limit: dirPageSize, Offset: max(offset, 0)}
	es, total, err := h.app.DirectoryPage(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	d := dirListData{Q: f.Text, Status: string(f.Status), Total: total, Shown: len(es)}
	d.Statuses = append(d.Statuses, dirOption{Value: "", Label: p.T("directory.status.any"), Selected: f.Status == ""})
	for _, s := range directory.Statuses {
		d.Statuses = append(d.Statuses, dirOption{Value: string(s), Label: p.T("directory.status." + string(s)), Selected: f.Status == s})
	}
	for _, e := range es {
		row := dirRow{ID: string(e.ID), Name: e.Name, Status: string(e.Status), StatusCSS: statusCSS(e.Status), StatusText: p.T("directory.status." + string(e.Status)),
			Endpoint: e.Endpoint.URL, Version: e.Endpoint.Version, Hosted: e.Hosted, Updated: p.Date(e.UpdatedAt)}
		for _, s := range e.Symbols {
			row.Symbols = append(row.Symbols, s.String())
		}
		for _, s := range e.Services {
			row.Services = append(row.Services, p.T("directory.service."+string(s.Type)))
		}
		d.Rows = append(d.Rows, row)
	}
	if f.Offset+len(es) < total {
		v := url.Values{"q": {f.Text}, "status": {string(f.Status)}, "offset": {strconv.Itoa(f.Offset + dirPageSize)}}
		d.More = "/directory?" + v.Encode()
	}
	p.Data = d
	h.render(w, r, http.StatusOK, "directory_list", p)
	return nil
}

// dirEntryView is the read-only page of one library.
type dirEntryView struct {
	E           directory.Entry
	StatusText  string
	StatusCSS   string
	Services    []string
	Inbound     []string
	Outbound    string
	Tolerance   []string
	Charges     []string
	Agreements  []string
	Hours       string
	Closures    []string
	TimeZone    string
	Credentials []dirCredRow
	Methods     []dirOption // for the credential form
	NewSecret   string      // shown once after generating one
}

type dirCredRow struct {
	Direction, DirectionText, Method, MethodText, Username string
	Stored                                                 bool
}

func (h *Handler) directoryEntry(w http.ResponseWriter, r *http.Request) error {
	e, err := h.app.DirectoryEntry(r.Context(), actor(r), ill.AgencyID(r.PathValue("id")))
	if err != nil {
		return err
	}
	p := h.page(r, "directory.entry.title", e.Name)
	v := dirEntryView{E: e, StatusText: p.T("directory.status." + string(e.Status)), StatusCSS: statusCSS(e.Status)}
	for _, s := range e.Services {
		text := p.T("directory.service." + string(s.Type))
		if len(s.Formats) > 0 {
			text += " (" + strings.Join(s.Formats, ", ") + ")"
		}
		if s.Electronic {
			text += " · " + p.T("directory.field.electronic")
		}
		v.Services = append(v.Services, text)
	}
	for _, m := range e.Endpoint.Auth.Inbound {
		v.Inbound = append(v.Inbound, p.T("directory.auth."+string(m)))
	}
	if m := e.Endpoint.Auth.Outbound; m != "" {
		v.Outbound = p.T("directory.auth." + string(m))
	}
	for _, t := range e.Endpoint.Tolerance {
		v.Tolerance = append(v.Tolerance, p.T("directory.tolerance."+t))
	}
	for _, c := range e.Policy.Charges {
		v.Charges = append(v.Charges, p.T("directory.service."+string(c.Service))+": "+p.Money(c.Amount.Minor, c.Amount.Currency))
	}
	for _, a := range e.Policy.Agreements {
		text := a.Group + " · " + p.T("directory.agreement."+string(a.Kind))
		if a.Name != "" {
			text += " · " + a.Name
		}
		for _, c := range a.Charges {
			text += " · " + p.T("directory.service."+string(c.Service)) + " " + p.Money(c.Amount.Minor, c.Amount.Currency)
		}
		v.Agreements = append(v.Agreements, text)
	}
	if c := e.Calendar; c != nil {
		if c.Location != nil {
			v.TimeZone = c.Location.String()
		}
		v.Hours = strings.ReplaceAll(directory.FormatWeek(c.Week), "|", ", ")
		for _, cl := range c.Closures {
			v.Closures = append(v.Closures, directory.FormatClosures([]calendar.Closure{cl}))
		}
	}
	for _, c := range e.Credentials {
		v.Credentials = append(v.Credentials, dirCredRow{Direction: string(c.Direction), DirectionText: p.T("directory.direction." + string(c.Direction)),
			Method: string(c.Method), MethodText: p.T("directory.auth." + string(c.Method)), Username: c.Username, Stored: c.Stored})
	}
	for _, m := range []directory.AuthMethod{directory.AuthBasic, directory.AuthBearer, directory.AuthHeader} {
		v.Methods = append(v.Methods, dirOption{Value: string(m), Label: p.T("directory.auth." + string(m))})
	}
	if s := sessionFrom(r.Context()); s != nil && s.data.Pending["directory.secret"] != "" {
		v.NewSecret = s.data.Pending["directory.secret"]
		delete(s.data.Pending, "directory.secret")
		s.dirty = true
	}
	p.Data = v
	h.render(w, r, http.StatusOK, "directory_entry", p)
	return nil
}

// dirFormData is the add and edit page.
type dirFormData struct {
	New      bool
	ID       string
	Action   string
	Sections []dirSection
	Problems []string // problems not tied to one control
}

func (h *Handler) directoryNew(w http.ResponseWriter, r *http.Request) error {
	return h.showDirForm(w, r, http.StatusOK, directory.Entry{Status: directory.StatusActive}, true, nil, nil)
}

func (h *Handler) directoryEdit(w http.ResponseWriter, r *http.Request) error {
	e, err := h.app.DirectoryEntry(r.Context(), actor(r), ill.AgencyID(r.PathValue("id")))
	if err != nil {
		return err
	}
	return h.showDirForm(w, r, http.StatusOK, e, false, nil, nil)
}

func (h *Handler) showDirForm(w http.ResponseWriter, r *http.Request, status int, e directory.Entry, isNew bool, errs map[string]string, problems []string) error {
	title := "directory.edit.title"
	if isNew {
		title = "directory.new.title"
	}
	p := h.page(r, title, e.Name)
	d := dirFormData{New: isNew, ID: string(e.ID), Sections: dirFormSections(p, e, isNew, errs), Problems: problems}
	d.Action = "/directory/new"
	if !isNew {
		d.Action = "/directory/library/" + url.PathEscape(string(e.ID)) + "/edit"
	}
	if len(errs) > 0 || len(problems) > 0 {
		p.Flash = append(p.Flash, Flash{Kind: "bad", Text: p.T("directory.form.problems")})
	}
	p.Data = d
	h.render(w, r, status, "directory_edit", p)
	return nil
}

func (h *Handler) directoryCreate(w http.ResponseWriter, r *http.Request) error {
	return h.saveDirForm(w, r, directory.Entry{}, true)
}

func (h *Handler) directorySave(w http.ResponseWriter, r *http.Request) error {
	prev, err := h.app.DirectoryEntry(r.Context(), actor(r), ill.AgencyID(r.PathValue("id")))
	if err != nil {
		return err
	}
	return h.saveDirForm(w, r, prev, false)
}

func (h *Handler) saveDirForm(w http.ResponseWriter, r *http.Request, prev directory.Entry, isNew bool) error {
	if err := r.ParseForm(); err != nil {
		return ill.E(ill.Invalid, "the form could not be read", err)
	}
	e, errs := dirEntryFromForm(r.PostForm, prev, isNew)
	if len(errs) > 0 {
		return h.showDirForm(w, r, http.StatusUnprocessableEntity, e, isNew, errs, nil)
	}
	if isNew {
		// A new entry must not take over an existing library's id.
		if _, err := h.app.DirectoryEntry(r.Context(), actor(r), e.ID); err == nil {
			return h.showDirForm(w, r, http.StatusConflict, e, isNew, map[string]string{"id": h.t(r, "directory.err.exists")}, nil)
		}
	}
	stored, err := h.app.PutDirectoryEntry(r.Context(), actor(r), e)
	if ill.Is(err, ill.Invalid) || ill.Is(err, ill.Conflict) {
		errs = map[string]string{}
		var problems []string
		for path, msg := range ill.FieldErrors(err) {
			if field := dirErrorField(e, path); field != "" {
				errs[field] = msg
			} else {
				problems = append(problems, msg)
			}
		}
		if len(errs) == 0 && len(problems) == 0 {
			problems = append(problems, ill.UserMessage(err))
		}
		sort.Strings(problems)
		return h.showDirForm(w, r, http.StatusUnprocessableEntity, e, isNew, errs, problems)
	}
	if err != nil {
		return err
	}
	flash(r, "ok", h.t(r, "directory.saved", stored.Name))
	http.Redirect(w, r, "/directory/library/"+url.PathEscape(string(stored.ID)), http.StatusSeeOther)
	return nil
}

func (h *Handler) directoryDelete(w http.ResponseWriter, r *http.Request) error {
	id := ill.AgencyID(r.PathValue("id"))
	if err := h.app.DeleteDirectoryEntry(r.Context(), actor(r), id); err != nil {
		if ill.Is(err, ill.Conflict) {
			flash(r, "bad", h.t(r, "directory.err.hosted"))
			http.Redirect(w, r, "/directory/library/"+url.PathEscape(string(id)), http.StatusSeeOther)
			return nil
		}
		return err
	}
	flash(r, "ok", h.t(r, "directory.deleted", string(id)))
	http.Redirect(w, r, "/directory", http.StatusSeeOther)
	return nil
}

func (h *Handler) directoryCredential(w http.ResponseWriter, r *http.Request) error {
	id := ill.AgencyID(r.PathValue("id"))
	c := directory.Credential{Direction: directory.Direction(r.PostFormValue("direction")), Method: directory.AuthMethod(r.PostFormValue("method")),
		Username: strings.TrimSpace(r.PostFormValue("username")), Secret: r.PostFormValue("secret")}
	back := "/directory/library/" + url.PathEscape(string(id))
	generated, err := h.app.SetCredential(r.Context(), actor(r), id, c)
	switch {
	case ill.Is(err, ill.Invalid):
		flash(r, "bad", h.t(r, "directory.err.credential")+" "+fieldText(err))
	case err != nil:
		return err
	case generated != "":
		if s := sessionFrom(r.Context()); s != nil {
			if s.data.Pending == nil {
				s.data.Pending = map[string]string{}
			}
			s.data.Pending["directory.secret"] = generated
			s.dirty = true
		}
		flash(r, "ok", h.t(r, "directory.credential.generated"))
	default:
		flash(r, "ok", h.t(r, "directory.credential.saved"))
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// fieldText joins an error's field messages (app wording).
func fieldText(err error) string {
	fs := ill.FieldErrors(err)
	keys := make([]string, 0, len(fs))
	for k := range fs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fs[k])
	}
	if len(parts) == 0 {
		return ill.UserMessage(err)
	}
	return strings.Join(parts, "; ")
}

func (h *Handler) directoryCredentialRemove(w http.ResponseWriter, r *http.Request) error {
	id := ill.AgencyID(r.PathValue("id"))
	err := h.app.RemoveCredential(r.Context(), actor(r), id, directory.Direction(r.PostFormValue("direction")), directory.AuthMethod(r.PostFormValue("method")))
	if err != nil {
		return err
	}
	flash(r, "ok", h.t(r, "directory.credential.removed"))
	http.Redirect(w, r, "/directory/library/"+url.PathEscape(string(id)), http.StatusSeeOther)
	return nil
}

// maxDirectoryUpload bounds an uploaded directory file.
const maxDirectoryUpload = 16 << 20

func (h *Handler) directoryImport(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxDirectoryUpload)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		flash(r, "bad", h.t(r, "directory.import.nofile"))
		http.Redirect(w, r, "/directory", http.StatusSeeOther)
		return nil
	}
	defer file.Close()
	format, err := app.ParseDirectoryFormat(r.FormValue("format"), hdr.Filename)
	if err != nil {
		return err
	}
	rep, err := h.app.ImportDirectory(r.Context(), actor(r), file, app.DirectoryImport{Format: format, Prune: r.FormValue("prune") != "", DryRun: r.FormValue("dry_run") != ""})
	if ill.Is(err, ill.Invalid) || ill.Is(err, ill.Conflict) {
		flash(r, "bad", h.t(r, "directory.import.failed")+" "+ill.UserMessage(err))
		for _, k := range sortedFieldKeys(err) {
			flash(r, "bad", k+": "+ill.FieldErrors(err)[k])
		}
		http.Redirect(w, r, "/directory", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	key := "directory.import.done"
	if r.FormValue("dry_run") != "" {
		key = "directory.import.dryrun"
	}
	flash(r, "ok", h.t(r, key, len(rep.Created), len(rep.Updated), len(rep.Deleted)))
	http.Redirect(w, r, "/directory", http.StatusSeeOther)
	return nil
}

func sortedFieldKeys(err error) []string {
	var keys []string
	for k := range ill.FieldErrors(err) {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > 20 {
		keys = keys[:20]
	}
	return keys
}

func (h *Handler) directoryExport(w http.ResponseWriter, r *http.Request) error {
	format, err := app.ParseDirectoryFormat(r.PathValue("format"), "")
	if err != nil {
		return ill.E(ill.NotFound)
	}
	ctype := "application/json"
	if format == app.DirectoryCSV {
		ctype = "text/csv; charset=utf-8"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="directory.%s"`, format))
	w.Header().Set("Cache-Control", "no-store")
	return h.app.ExportDirectory(r.Context(), actor(r), w, format, "", false)
}
