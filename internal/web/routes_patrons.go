package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/patron"
	"interlend/internal/settings"
	"interlend/internal/store"
)

func init() {
	addNav(navEntry{order: 40, key: "nav.patrons", href: "/patrons", shortcut: "g p", perm: ill.PermPatronView})
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("GET /patrons", h.requireLogin(h.patronsSearch))
		handle("GET /patrons/new", h.requireLogin(h.patronsNew))
		handle("POST /patrons", h.requireLogin(h.patronsCreate))
		handle("GET /patrons/{id}", h.requireLogin(h.patronsPage))
		handle("GET /patrons/{id}/edit", h.requireLogin(h.patronsEdit))
		handle("POST /patrons/{id}", h.requireLogin(h.patronsUpdate))
		handle("POST /patrons/{id}/notes", h.requireLogin(h.patronsNotes))
		handle("POST /patrons/{id}/blocks", h.requireLogin(h.patronsBlock))
		handle("POST /patrons/{id}/blocks/{block}/lift", h.requireLogin(h.patronsUnblock))
		handle("POST /patrons/{id}/account", h.requireLogin(h.patronsAccount))
	})
}

// patronRow is a patron in the search results.
type patronRow struct {
	store.Patron
	Status  string // ok, blocked, expired
	Expires time.Time
}

func (h *Handler) patronRow(p *Page, pt store.Patron, now time.Time) patronRow {
	row := patronRow{Patron: pt, Status: "ok", Expires: patronDay(p, pt.Expires)}
	switch {
	case len(pt.Blocks) > 0:
		row.Status = "blocked"
	case patron.Expired(pt.Expires, now):
		row.Status = "expired"
	}
	return row
}

// patronDay places a calendar date (stored at 00:00 UTC) at noon in the page's
// time zone, so that Page.Date shows the same day everywhere.
func patronDay(p *Page, d time.Time) time.Time {
	if d.IsZero() {
		return d
	}
	y, m, dd := d.UTC().Date()
	return time.Date(y, m, dd, 12, 0, 0, 0, p.loc)
}

// patronsSearch is the staff patron lookup: by barcode, ILS id, name or
// email. An htmx request for the results gets only them.
func (h *Handler) patronsSearch(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	found, err := h.app.SearchPatrons(r.Context(), actor, actor.Agency, q, 50)
	if err != nil {
		return err
	}
	p := h.page(r, "patrons.search.title")
	now := h.app.Clock.Now()
	rows := make([]patronRow, 0, len(found))
	for _, pt := range found {
		rows = append(rows, h.patronRow(p, pt, now))
	}
	sync, last, err := h.app.PatronSync(r.Context(), actor, actor.Agency)
	if err != nil {
		return err
	}
	policy, err := h.app.PatronPolicy(r.Context(), actor.Agency)
	if err != nil {
		return err
	}
	data := struct {
		Q         string
		Rows      []patronRow
		CanManage bool
		Sync      app.PatronSyncSettings
		Last      *app.PatronSyncOutcome
		LastAt    time.Time
		// Categories are the policy's, then the limits of any other
		// category (with an empty Code).
		Categories []patron.Category
	}{Q: q, Rows: rows, CanManage: actor.Can(ill.PermPatronManage), Sync: sync, Last: last,
		Categories: append(policy.Categories, patron.Category{Limits: policy.Other()})}
	if last != nil {
		data.LastAt = last.At
	}
	p.Data = data
	h.render(w, r, http.StatusOK, "patrons_search", p)
	return nil
}

// patronView is what the patron page shows.
type patronView struct {
	app.PatronDetails
	Status    string
	Expires   time.Time
	Active    []store.PatronBlock
	Lifted    []store.PatronBlock
	CanManage bool
	// Escalations are the patron's overdue loans being escalated
	// (routes_billing.go).
	Escalations []app.EscalationView
	// Form values shown again after a mistake.
	Reason, Notes, Account string
}

func (h *Handler) patronsPage(w http.ResponseWriter, r *http.Request) error {
	return h.patronsShow(w, r, http.StatusOK, nil, nil)
}

// patronsShow renders the patron page, with the problems of a form that was
// sent (errs) and what was typed into it (form).
func (h *Handler) patronsShow(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, form url.Values) error {
	actor, _ := actorFrom(r.Context())
	id, err := patronPathID(r, "id")
	if err != nil {
		return err
	}
	d, err := h.app.Patron(r.Context(), actor, actor.Agency, id)
	if err != nil {
		return err
	}
	p := h.page(r, "patrons.page.title", patronName(d.Patron))
	v := patronView{PatronDetails: d, Status: h.patronRow(p, d.Patron, h.app.Clock.Now()).Status, Expires: patronDay(p, d.Patron.Expires),
		CanManage: actor.Can(ill.PermPatronManage), Notes: d.Patron.Notes, Account: d.AccountEmail}
	for _, b := range d.BlockHistory {
		if b.LiftedAt.IsZero() {
			v.Active = append(v.Active, b)
		} else {
			v.Lifted = append(v.Lifted, b)
		}
	}
	if v.Escalations, err = h.app.PatronEscalations(r.Context(), actor, id); err != nil {
		return err
	}
	if form != nil {
		v.Reason, v.Notes, v.Account = form.Get("reason"), form.Get("notes"), form.Get("account")
	}
	p.Data, p.Errors = v, errs
	h.render(w, r, status, "patrons_page", p)
	return nil
}

func patronName(p store.Patron) string {
	if p.Name != "" {
		return p.Name
	}
	return p.Barcode
}

func patronPathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, ill.E(ill.NotFound, "not_found")
	}
	return id, nil
}

// patronForm is the create and edit form.
type patronForm struct {
	ID         int64
	Record     patron.Record
	Expires    string // as typed, YYYY-MM-DD
	Categories []patron.Category
	Pickups    []settings.PickupLocation
}

func (h *Handler) patronsNew(w http.ResponseWriter, r *http.Request) error {
	return h.patronsShowForm(w, r, http.StatusOK, patronForm{}, nil)
}

func (h *Handler) patronsEdit(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	id, err := patronPathID(r, "id")
	if err != nil {
		return err
	}
	d, err := h.app.Patron(r.Context(), actor, actor.Agency, id)
	if err != nil {
		return err
	}
	f := patronForm{ID: id, Record: d.Patron.Record}
	if !d.Patron.Expires.IsZero() {
		f.Expires = d.Patron.Expires.Format(time.DateOnly)
	}
	return h.patronsShowForm(w, r, http.StatusOK, f, nil)
}

func (h *Handler) patronsShowForm(w http.ResponseWriter, r *http.Request, status int, f patronForm, errs map[string]string) error {
	actor, _ := actorFrom(r.Context())
	if err := actor.Require(actor.Agency, ill.PermPatronManage); err != nil {
		return err
	}
	policy, err := h.app.PatronPolicy(r.Context(), actor.Agency)
	if err != nil {
		return err
	}
	f.Categories = policy.Categories
	if pk, err := settings.PickupSetting.Get(r.Context(), h.app.DB, actor.Agency); err == nil {
		f.Pickups = pk.Open()
	}
	title := "patrons.new.title"
	if f.ID != 0 {
		title = "patrons.edit.title"
	}
	p := h.page(r, title)
	p.Data, p.Errors = f, errs
	h.render(w, r, status, "patrons_edit", p)
	return nil
}

// patronsReadForm reads the create/edit form. A bad expiry date is a field
// error; the rest is checked by the app.
func patronsReadForm(r *http.Request) (patronForm, map[string]string) {
	f := patronForm{Expires: strings.TrimSpace(r.PostFormValue("expiry_date")), Record: patron.Record{
		Barcode: r.PostFormValue("barcode"), ILSID: r.PostFormValue("ils_id"),
		FirstName: r.PostFormValue("first_name"), LastName: r.PostFormValue("last_name"), Name: r.PostFormValue("name"),
		Email: r.PostFormValue("email"), Category: r.PostFormValue("category"), HomeLibrary: r.PostFormValue("home_library"),
		PickupLocation: r.PostFormValue("pickup_location"), Notes: r.PostFormValue("notes"),
	}}
	d, err := patron.ParseDate(f.Expires)
	if err != nil {
		return f, map[string]string{"expiry_date": "patrons.form.err.date"}
	}
	f.Record.Expires = d
	return f, nil
}

func (h *Handler) patronsCreate(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	f, errs := patronsReadForm(r)
	if errs != nil {
		return h.patronsShowForm(w, r, http.StatusBadRequest, f, h.patronTranslateErrs(r, errs))
	}
	pt, err := h.app.CreatePatron(r.Context(), actor, actor.Agency, f.Record)
	if ill.Is(err, ill.Invalid) || ill.Is(err, ill.Conflict) {
		return h.patronsShowForm(w, r, http.StatusBadRequest, f, patronFormErrors(err))
	}
	if err != nil {
		return err
	}
	flash(r, "ok", h.catalog.Text(h.locale(r), "patrons.flash.created"))
	http.Redirect(w, r, "/patrons/"+strconv.FormatInt(pt.ID, 10), http.StatusSeeOther)
	return nil
}

// patronEditFields are the fields the edit form changes (notes and blocks have
// their own forms on the patron page).
const patronEditFields = patron.FieldILSID | patron.FieldName | patron.FieldEmail | patron.FieldCategory |
	patron.FieldHomeLibrary | patron.FieldPickup | patron.FieldExpires

func (h *Handler) patronsUpdate(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	id, err := patronPathID(r, "id")
	if err != nil {
		return err
	}
	f, errs := patronsReadForm(r)
	f.ID = id
	if errs != nil {
		return h.patronsShowForm(w, r, http.StatusBadRequest, f, h.patronTranslateErrs(r, errs))
	}
	_, err = h.app.UpdatePatron(r.Context(), actor, actor.Agency, id, f.Record, patronEditFields)
	if ill.Is(err, ill.Invalid) || ill.Is(err, ill.Conflict) {
		return h.patronsShowForm(w, r, http.StatusBadRequest, f, patronFormErrors(err))
	}
	if err != nil {
		return err
	}
	flash(r, "ok", h.catalog.Text(h.locale(r), "patrons.flash.saved"))
	http.Redirect(w, r, "/patrons/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// patronFormErrors are the field messages of an app error, or the whole
// message under "patron".
func patronFormErrors(err error) map[string]string {
	if fs := ill.FieldErrors(err); len(fs) > 0 {
		return fs
	}
	return map[string]string{"patron": ill.UserMessage(err)}
}

// patronTranslateErrs turns catalog keys into the request's language.
func (h *Handler) patronTranslateErrs(r *http.Request, errs map[string]string) map[string]string {
	out := make(map[string]string, len(errs))
	for k, key := range errs {
		out[k] = h.catalog.Text(h.locale(r), key)
	}
	return out
}

// patronAction runs a form of the patron page: on success it goes back to
// the page with a flash; a mistake shows the page again with the problem.
func (h *Handler) patronAction(w http.ResponseWriter, r *http.Request, okKey string, do func(actor ill.Actor, id int64) error) error {
	actor, _ := actorFrom(r.Context())
	id, err := patronPathID(r, "id")
	if err != nil {
		return err
	}
	err = do(actor, id)
	if ill.Is(err, ill.Invalid) || ill.Is(err, ill.Conflict) || (ill.Is(err, ill.NotFound) && len(ill.FieldErrors(err)) > 0) {
		_ = r.ParseForm()
		return h.patronsShow(w, r, http.StatusBadRequest, patronFormErrors(err), r.PostForm)
	}
	if err != nil {
		return err
	}
	flash(r, "ok", h.catalog.Text(h.locale(r), okKey))
	http.Redirect(w, r, "/patrons/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

func (h *Handler) patronsNotes(w http.ResponseWriter, r *http.Request) error {
	return h.patronAction(w, r, "patrons.flash.notes", func(actor ill.Actor, id int64) error {
		_, err := h.app.UpdatePatron(r.Context(), actor, actor.Agency, id, patron.Record{Notes: r.PostFormValue("notes")}, patron.FieldNotes)
		return err
	})
}

func (h *Handler) patronsBlock(w http.ResponseWriter, r *http.Request) error {
	return h.patronAction(w, r, "patrons.flash.blocked", func(actor ill.Actor, id int64) error {
		_, err := h.app.BlockPatron(r.Context(), actor, actor.Agency, id, r.PostFormValue("reason"))
		return err
	})
}

func (h *Handler) patronsUnblock(w http.ResponseWriter, r *http.Request) error {
	return h.patronAction(w, r, "patrons.flash.unblocked", func(actor ill.Actor, id int64) error {
		block, err := patronPathID(r, "block")
		if err != nil {
			return err
		}
		return h.app.UnblockPatron(r.Context(), actor, actor.Agency, id, block)
	})
}

func (h *Handler) patronsAccount(w http.ResponseWriter, r *http.Request) error {
	return h.patronAction(w, r, "patrons.flash.account", func(actor ill.Actor, id int64) error {
		return h.app.LinkPatronAccount(r.Context(), actor, actor.Agency, id, r.PostFormValue("account"))
	})
}

// patronInput is one input of the patron form, ready for the
// "patrons-input" template.
type patronInput struct {
	Name, Value, Type  string
	Label, Hint, Error string
	List               string // id of a datalist of suggestions
	Required           bool
	RequiredText       string
}

// PatronField prepares an input of the patron form: its label and hint
// from the catalog (patrons.field.<name>, patrons.hint.<name>) and its
// problem, if the form came back with one.
func (p *Page) PatronField(name, value, typ string, required bool) patronInput {
	in := patronInput{Name: name, Value: value, Type: typ, Required: required,
		Label: p.T("patrons.field." + name), Error: p.Errors[name], RequiredText: p.T("patrons.form.required")}
	if p.catalog.Has("patrons.hint." + name) {
		in.Hint = p.T("patrons.hint." + name)
	}
	switch name {
	case "category", "pickup_location":
		in.List = "patrons-" + name + "-list"
	}
	return in
}
