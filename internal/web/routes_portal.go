package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/openurl"
	"interlend/internal/server"
)

// The patron portal: a patron's requests in sentences, the request forms
// (typed in or pre-filled from an OpenURL), cancel, renew, answers to
// staff questions and downloads. Patrons only; every page works on a
// phone and with the keyboard alone.

func init() {
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("GET /portal", h.patronOnly(h.portalHome))
		handle("GET /portal/new", h.patronOnly(h.portalNew))
		handle("POST /portal/new", h.patronOnly(h.portalSubmit))
		handle("GET /portal/openurl", h.patronOnly(h.portalOpenURL))
		handle("GET /portal/requests/{id}", h.patronOnly(h.portalRequest))
		handle("POST /portal/requests/{id}/cancel", h.patronOnly(h.portalCancel))
		handle("POST /portal/requests/{id}/renew", h.patronOnly(h.portalRenew))
		handle("POST /portal/requests/{id}/reply", h.patronOnly(h.portalReply))
		handle("POST /portal/requests/{id}/download", h.patronOnly(h.portalDownload))
	})
	// A discovery system may POST the OpenURL: it is turned into the GET
	// link (nothing changes, so no session or CSRF is involved).
	addOpenRoute("POST /portal/openurl", portalOpenURLPost)
	addNav(navEntry{order: 5, key: "portal.nav.requests", href: "/portal", perm: ill.PermPatronSelf})
	addNav(navEntry{order: 6, key: "portal.nav.new", href: "/portal/new", perm: ill.PermPatronSelf})
}

type patronHandler func(w http.ResponseWriter, r *http.Request, actor ill.Actor) error

// patronOnly sends visitors without a session to the portal's login page
// (keeping where they were going, OpenURL and all) and refuses staff.
func (h *Handler) patronOnly(fn patronHandler) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if sessionFrom(r.Context()) == nil {
			if r.Method != http.MethodGet {
				return ill.E(ill.Unauthenticated, h.t(r, "portal.login.needed"))
			}
			http.Redirect(w, r, "/portal/login?next="+url.QueryEscape(safeNext(r.URL.RequestURI())), http.StatusSeeOther)
			return nil
		}
		actor, _ := actorFrom(r.Context())
		if actor.Kind != ill.ActorPatron || !actor.Can(ill.PermPatronSelf) {
			return ill.E(ill.Forbidden, h.t(r, "portal.staffonly"))
		}
		return fn(w, r, actor)
	}
}

// portalRow is a request with its sentence, ready for a template.
type portalRow struct {
	app.PortalRequest
	Title    string
	Sentence string
	Tone     string // ok, info, warn, bad, neutral
	History  []portalHistoryRow
}

type portalHistoryRow struct {
	At       string
	Sentence string
	Note     string
}

// tone is the colour of a request's sentence (never its state code).
func tone(s ill.State) string {
	switch s {
	case ill.BAwaitingPickup, ill.BCompleted, ill.BCheckedOut:
		return "ok"
	case ill.BAwaitingPatron, ill.BOverdue, ill.BRecalled, ill.BPickupExpired:
		return "warn"
	case ill.BProblem, ill.BUnfilled:
		return "bad"
	case ill.BCancelled, ill.BReturned, ill.BReturnShipped:
		return "neutral"
	}
	return "info"
}

func (h *Handler) portalRow(p *Page, pr app.PortalRequest) portalRow {
	row := portalRow{PortalRequest: pr, Title: pr.Request.Citation.DisplayTitle(), Tone: tone(pr.Request.State)}
	if row.Title == "" {
		row.Title = p.T("portal.untitled")
	}
	lender := pr.Status.Lender
	if lender == "" {
		lender = p.T("portal.alibrary")
	}
	row.Sentence = p.T(pr.Status.Key, lender, p.Date(pr.Status.Date))
	for _, e := range pr.History {
		l := e.Lender
		if l == "" {
			l = p.T("portal.alibrary")
		}
		row.History = append(row.History, portalHistoryRow{At: p.DateTime(e.At), Sentence: p.T(e.Key, l), Note: e.Note})
	}
	return row
}

func (h *Handler) portalHome(w http.ResponseWriter, r *http.Request, actor ill.Actor) error {
	prs, err := h.app.MyRequests(r.Context(), actor)
	if err != nil {
		return err
	}
	p := h.page(r, "portal.home.title")
	var open, closed []portalRow
	for _, pr := range prs {
		row := h.portalRow(p, pr)
		if ill.BorrowingWorkflow.Terminal(pr.Request.State) {
			closed = append(closed, row)
		} else {
			open = append(open, row)
		}
	}
	p.Data = struct{ Open, Closed []portalRow }{open, closed}
	h.render(w, r, http.StatusOK, "portal_home", p)
	return nil
}

func (h *Handler) portalRequest(w http.ResponseWriter, r *http.Request, actor ill.Actor) error {
	pr, err := h.app.MyRequest(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := h.page(r, "portal.request.title", pr.Request.PublicID)
	row := h.portalRow(p, pr)
	reply := ""
	if r.Method == http.MethodPost {
		reply = r.PostFormValue("note")
	}
	p.Data = portalRequestData{portalRow: row, Reply: reply, Declaration: h.portalDeclaration(r, actor, pr.Request.PublicID)}
	h.render(w, r, http.StatusOK, "portal_request", p)
	return nil
}

func (h *Handler) portalCancel(w http.ResponseWriter, r *http.Request, actor ill.Actor) error {
	req, err := h.app.PortalCancel(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if req.State == ill.BCancelRequested {
		flash(r, "ok", h.t(r, "portal.cancel.sent"))
	} else {
		flash(r, "ok", h.t(r, "portal.cancel.done"))
	}
	http.Redirect(w, r, "/portal/requests/"+req.PublicID, http.StatusSeeOther)
	return nil
}

func (h *Handler) portalRenew(w http.ResponseWriter, r *http.Request, actor ill.Actor) error {
	req, mediated, err := h.app.PortalRenew(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		if why := ill.FieldErrors(err)["renew"]; why != "" {
			flash(r, "bad", h.t(r, why))
			http.Redirect(w, r, "/portal/requests/"+url.PathEscape(r.PathValue("id")), http.StatusSeeOther)
			return nil
		}
		return err
	}
	if mediated {
		flash(r, "ok", h.t(r, "portal.renew.sentstaff"))
	} else {
		flash(r, "ok", h.t(r, "portal.renew.sent"))
	}
	http.Redirect(w, r, "/portal/requests/"+req.PublicID, http.StatusSeeOther)
	return nil
}

func (h *Handler) portalReply(w http.ResponseWriter, r *http.Request, actor ill.Actor) error {
	req, err := h.app.PortalReply(r.Context(), actor, r.PathValue("id"), r.PostFormValue("note"))
	if ill.Is(err, ill.Invalid) {
		p := h.page(r, "portal.request.title", r.PathValue("id"))
		pr, gerr := h.app.MyRequest(r.Context(), actor, r.PathValue("id"))
		if gerr != nil {
			return gerr
		}
		p.Errors = map[string]string{"note": h.t(r, "portal.err.reply")}
		p.Data = portalRequestData{portalRow: h.portalRow(p, pr), Reply: r.PostFormValue("note"), Declaration: h.portalDeclaration(r, actor, pr.Request.PublicID)}
		h.render(w, r, http.StatusUnprocessableEntity, "portal_request", p)
		return nil
	}
	if err != nil {
		return err
	}
	flash(r, "ok", h.t(r, "portal.reply.sent"))
	http.Redirect(w, r, "/portal/requests/"+req.PublicID, http.StatusSeeOther)
	return nil
}

// portalDownload makes a download link bound to the patron and sends the
// browser to it.
func (h *Handler) portalDownload(w http.ResponseWriter, r *http.Request, actor ill.Actor) error {
	l, err := h.app.PortalDownload(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	u, err := url.Parse(l.URL)
	if err != nil {
		return err
	}
	http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
	return nil
}

// portalOpenURLPost turns a POSTed OpenURL into the GET link, so that it
// survives the login redirect like any other.
func portalOpenURLPost(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, openurl.MaxInputBytes+1)
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/x-www-form-urlencoded") && !strings.HasPrefix(ct, "text/plain") {
		return ill.E(ill.Invalid, "Send the OpenURL as a form (application/x-www-form-urlencoded).")
	}
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return ill.E(ill.TooLarge, "The OpenURL is too long.")
			}
			break
		}
	}
	q := strings.TrimSpace(b.String())
	if r.URL.RawQuery != "" {
		q = r.URL.RawQuery + "&" + q
	}
	if cs := charsetParam(r.Header.Get("Content-Type")); cs != "" && !strings.Contains(q, "ctx_enc=") {
		q += "&ctx_enc=" + url.QueryEscape("info:ofi/enc:"+cs)
	}
	http.Redirect(w, r, "/portal/openurl?"+q, http.StatusSeeOther)
	return nil
}

func charsetParam(ct string) string {
	for _, part := range strings.Split(ct, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(k, "charset") {
			v = strings.ToUpper(strings.Trim(v, `"`))
			if v == "ISO-8859-1" || v == "LATIN1" || v == "WINDOWS-1252" {
				return "ISO-8859-1"
			}
		}
	}
	return ""
}

// portalOpenURL pre-fills the request form from an OpenURL.
func (h *Handler) portalOpenURL(w http.ResponseWriter, r *http.Request, actor ill.Actor) error {
	res, err := openurl.ParseRequest(r)
	if err != nil {
		f := app.PortalForm{Kind: app.FormBook, Fields: map[string]string{}}
		msg := "portal.openurl.garbage"
		if errors.Is(err, openurl.ErrTooLarge) {
			msg = "portal.openurl.toolarge"
		}
		h.app.Log.Debug("openurl not read", "request_id", server.RequestID(r.Context()), "err", err)
		return h.portalForm(w, r, actor, http.StatusBadRequest, f, nil, &Flash{Kind: "bad", Text: h.t(r, msg)})
	}
	f := app.FormFromCitation(res.Citation)
	if res.ServiceType == openurl.ServiceCopy {
		f.ServiceType = ill.Copy
	}
	var notes []string
	notes = append(notes, res.Notes...)
	if res.Part != "" {
		notes = append(notes, res.Part)
	}
	f.Note = strings.Join(notes, "\n")
	var fl *Flash
	if src := strings.TrimSpace(res.Referrer); src != "" {
		fl = &Flash{Kind: "info", Text: h.t(r, "portal.openurl.from", src)}
	} else {
		fl = &Flash{Kind: "info", Text: h.t(r, "portal.openurl.filled")}
	}
	return h.portalForm(w, r, actor, http.StatusOK, f, nil, fl)
}

func (h *Handler) portalNew(w http.ResponseWriter, r *http.Request, actor ill.Actor) error {
	kind := r.URL.Query().Get("kind")
	f := app.PortalForm{Kind: kind, Fields: map[string]string{}}
	return h.portalForm(w, r, actor, http.StatusOK, f, nil, nil)
}

// formFromPost reads the portal form.
func formFromPost(r *http.Request) app.PortalForm {
	f := app.PortalForm{Kind: r.PostFormValue("kind"), Fields: map[string]string{},
		NeedBefore: r.PostFormValue("needBefore"), MaxCost: r.PostFormValue("maxCost"), Pickup: r.PostFormValue("pickup"),
		Note: r.PostFormValue("note"), CopyrightAccepted: r.PostFormValue("copyright") == "accept",
		Source: r.PostFormValue("source"), ServiceType: ill.ServiceType(r.PostFormValue("serviceType")),
		Declaration: declarationFromPost(r)}
	for _, ff := range app.FormFields {
		if v := r.PostFormValue(ff.Name); v != "" {
			f.Fields[ff.Name] = v
		}
	}
	return f
}

func (h *Handler) portalSubmit(w http.ResponseWriter, r *http.Request, actor ill.Actor) error {
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		return ill.E(ill.TooLarge, h.t(r, "portal.err.toolarge"))
	}
	f := formFromPost(r)
	if r.PostFormValue("op") == "switch" {
		return h.portalForm(w, r, actor, http.StatusOK, f, nil, nil)
	}
	req, err := h.app.SubmitPortalRequest(r.Context(), actor, f)
	if ill.Is(err, ill.Invalid) {
		errs := map[string]string{}
		for k, v := range ill.FieldErrors(err) {
			if strings.HasPrefix(v, "portal.") {
				errs[k] = h.t(r, v)
			} else {
				errs[k] = v
			}
		}
		if len(errs) == 0 {
			errs["form"] = ill.UserMessage(err)
		}
		return h.portalForm(w, r, actor, http.StatusUnprocessableEntity, f, errs, &Flash{Kind: "bad", Text: h.t(r, "portal.err.form")})
	}
	if err != nil {
		return err
	}
	flash(r, "ok", h.t(r, "portal.new.done", req.PublicID))
	http.Redirect(w, r, "/portal/requests/"+req.PublicID, http.StatusSeeOther)
	return nil
}

// portalField is one input of the request form.
type portalField struct {
	Name, Label, Hint, Value, Error, Type, Autocomplete string
	Required, Wide                                      bool
}

type portalFormData struct {
	Kind       string
	Kinds      []portalKind
	Fields     []portalField
	Copy       bool
	Notice     string
	Accepted   bool
	NeedBefore string
	MaxCost    string
	Currency   string
	Pickup     string
	Pickups    []string
	Note       string
	Source     string
	Service    string
	Today      string
	// Declaration is the UK copyright declaration (routes_copyright_more.go).
	Declaration *declarationForm
}

type portalKind struct {
	Value, Label string
	Current      bool
}

func (h *Handler) portalForm(w http.ResponseWriter, r *http.Request, actor ill.Actor, status int, f app.PortalForm, errs map[string]string, fl *Flash) error {
	ps, err := h.app.PortalSettingsFor(r.Context(), actor.Agency)
	if err != nil {
		return err
	}
	p := h.page(r, "portal.new.title")
	if fl != nil {
		p.Flash = append(p.Flash, *fl)
	}
	p.Errors = errs
	validKind := false
	for _, k := range app.FormKinds {
		validKind = validKind || k == f.Kind
	}
	if !validKind {
		f.Kind = ""
	}
	d := portalFormData{Kind: f.Kind, NeedBefore: f.NeedBefore, MaxCost: f.MaxCost, Pickup: f.Pickup, Pickups: ps.PickupLocations,
		Note: f.Note, Source: f.Source, Service: string(f.ServiceType), Accepted: f.CopyrightAccepted, Notice: ps.CopyrightNotice,
		Copy: f.IsCopy(), Today: h.app.Clock.Now().In(h.app.AgencyLocation(r.Context(), actor.Agency)).Format("2006-01-02")}
	if ss, err := app.StatsSetting.Get(r.Context(), h.app.DB, actor.Agency); err == nil {
		d.Currency = strings.ToUpper(ss.Currency)
	}
	if d.Copy {
		if uk, err := h.app.UKDeclarationRequired(r.Context(), actor.Agency); err != nil {
			return err
		} else if uk {
			d.Declaration = ukDeclarationForm(f.Declaration)
		}
	}
	for _, k := range app.FormKinds {
		d.Kinds = append(d.Kinds, portalKind{Value: k, Label: p.T("portal.kind." + k), Current: k == f.Kind})
	}
	if f.Kind != "" {
		req := map[string]bool{}
		for _, n := range ps.Required(f.Kind) {
			req[strings.TrimSpace(n)] = true
		}
		for _, ff := range app.FormFields {
			if !ff.On(f.Kind) && f.Fields[ff.Name] == "" {
				continue
			}
			pf := portalField{Name: ff.Name, Label: p.T("portal.field." + ff.Name), Value: f.Fields[ff.Name], Error: errs[ff.Name],
				Required: req[ff.Name], Type: "text", Wide: ff.Name == "atitle" || ff.Name == "title" || ff.Name == "jtitle" || ff.Name == "author"}
			if h.catalog.Has("portal.hint." + ff.Name) {
				pf.Hint = p.T("portal.hint." + ff.Name)
			}
			if ff.Name == "title" && f.Kind == app.FormChapter {
				pf.Label = p.T("portal.field.booktitle")
			}
			pf.Autocomplete = "off"
			d.Fields = append(d.Fields, pf)
		}
	}
	p.Data = d
	h.render(w, r, status, "portal_new", p)
	return nil
}
