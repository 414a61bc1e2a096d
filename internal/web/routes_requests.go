package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"interlend/internal/ill"
	"interlend/internal/store"
)

func init() {
	addNav(navEntry{order: 10, key: "nav.borrowing", href: "/borrowing", shortcut: "g b", perm: ill.PermRequestView})
	addNav(navEntry{order: 11, key: "nav.lending", href: "/lending", shortcut: "g l", perm: ill.PermRequestView})
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("GET /borrowing", h.requireLogin(h.borrowingDesk)) // the borrowing desk: routes_borrowing.go
		handle("GET /lending", h.requireLogin(h.lendingDesk))     // the lending desk (issue 8): routes_lending.go
		handle("GET /requests/{id}", h.requireLogin(h.requestPage))
		handle("POST /requests/{id}/actions/{action}", h.requireLogin(h.requestAction))
		handle("POST /requests/{id}/notes", h.requireLogin(h.requestNote))
		handle("POST /requests/{id}/read", h.requireLogin(h.requestRead))
		handle("GET /scan", h.requireLogin(h.scan))
		handle("GET /search", h.requireLogin(h.search))
	})
}

// stateClass is the colour of a state's badge: status is shown by word and
// colour together.
func stateClass(wf *ill.Workflow, r *ill.Request) string {
	d, _ := wf.State(r.State)
	switch {
	case r.Attention || d.Problem:
		return "bad"
	case r.State == ill.BCompleted:
		return "ok"
	case d.Terminal:
		return "neutral"
	case r.State == ill.BShipped || r.State == ill.BReturnShipped || r.State == ill.LShipped || r.State == ill.BSent || r.State == ill.BAnswered:
		return "info"
	}
	return "warn"
}

// requestRow is a request as desk lists show it.
type requestRow struct {
	R          *ill.Request
	StateKey   string
	StateClass string
}

func rowOf(r *ill.Request) requestRow {
	wf := ill.WorkflowFor(r.Side)
	return requestRow{R: r, StateKey: "state." + string(r.Side) + "." + string(r.State), StateClass: stateClass(wf, r)}
}

type queueLink struct {
	Key    string
	Queue  string
	Count  int
	Active bool
}

type deskData struct {
	Side             ill.Side
	Queues           []queueLink
	Attention        int
	AttentionOn      bool
	AllActive        bool // no queue chosen: all open requests
	Rows             []requestRow
	Total            int
	From, To         int
	PrevURL, NextURL string
}

// deskPage lists a side's open requests by queue.
func (h *Handler) deskPage(side ill.Side) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		actor, _ := actorFrom(r.Context())
		if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
			return err
		}
		wf := ill.WorkflowFor(side)
		q := r.URL.Query()
		queue := q.Get("queue")
		f := store.RequestFilter{Side: side, Open: true, Limit: 50, Sort: "need_before"}
		if q.Get("attention") == "1" {
			f.Attention = true
		}
		for _, d := range wf.States {
			if queue != "" && d.Queue == queue {
				f.States = append(f.States, d.Name)
			}
		}
		if off, err := strconv.Atoi(q.Get("offset")); err == nil && off > 0 {
			f.Offset = off
		}
		rows, total, err := h.app.ListRequests(r.Context(), actor, f)
		if err != nil {
			return err
		}
		counts, attention, err := h.app.QueueCounts(r.Context(), actor, side)
		if err != nil {
			return err
		}
		data := deskData{Side: side, Attention: attention, AttentionOn: f.Attention, Total: total, AllActive: queue == "" && !f.Attention}
		seen := map[string]bool{}
		for _, d := range wf.States {
			if d.Terminal || d.Queue == "" || seen[d.Queue] {
				continue
			}
			seen[d.Queue] = true
			n := 0
			for _, s := range wf.States {
				if s.Queue == d.Queue {
					n += counts[s.Name]
				}
			}
			data.Queues = append(data.Queues, queueLink{Key: "queue." + string(side) + "." + d.Queue, Queue: d.Queue, Count: n, Active: d.Queue == queue})
		}
		for _, req := range rows {
			data.Rows = append(data.Rows, rowOf(req))
		}
		if len(rows) > 0 {
			data.From, data.To = f.Offset+1, f.Offset+len(rows)
		}
		page := func(off int) string {
			v := url.Values{}
			if queue != "" {
				v.Set("queue", queue)
			}
			if f.Attention {
				v.Set("attention", "1")
			}
			v.Set("offset", strconv.Itoa(off))
			return "/" + string(side) + "?" + v.Encode()
		}
		if f.Offset > 0 {
			data.PrevURL = page(max(0, f.Offset-f.Limit))
		}
		if f.Offset+len(rows) < total {
			data.NextURL = page(f.Offset + f.Limit)
		}
		p := h.page(r, "desk."+string(side))
		p.Data = data
		h.render(w, r, http.StatusOK, "desk", p)
		return nil
	}
}

type actionForm struct {
	Name     string
	Key      string
	Shortcut string
	Params   []ill.Param
	Primary  bool
}

type requestData struct {
	R          *ill.Request
	Row        requestRow
	PartnerKey string
	Actions    []actionForm
	Rota       []store.RotaEntry
	Events     []ill.Event
	Messages   []store.StoredMessage
	MsgRows    []msgRow // the messages with their delivery (routes_partners.go)
	Highlight  string
	Errors     map[string]string
}

// requestPage is a request's detail: citation, state, actions, rota,
// timeline and protocol messages.
func (h *Handler) requestPage(w http.ResponseWriter, r *http.Request) error {
	return h.showRequest(w, r, r.PathValue("id"), http.StatusOK, nil, r.URL.Query().Get("do"))
}

func (h *Handler) showRequest(w http.ResponseWriter, r *http.Request, id string, status int, formErr error, highlight string) error {
	actor, _ := actorFrom(r.Context())
	req, err := h.app.GetRequest(r.Context(), actor, id)
	if err != nil {
		return err
	}
	defs := h.app.ActionsFor(actor, req)
	evs, msgs, err := h.app.Timeline(r.Context(), actor, req.PublicID)
	if err != nil {
		return err
	}
	data := requestData{R: req, Row: rowOf(req), PartnerKey: "requests.partner." + string(req.Side), Events: evs, Messages: msgs, Highlight: highlight}
	if len(msgs) > 0 {
		if data.MsgRows, err = h.messageRows(r, req.PublicID); err != nil {
			return err
		}
	}
	for i, d := range defs {
		data.Actions = append(data.Actions, actionForm{Name: string(d.Name), Key: "action." + string(req.Side) + "." + string(d.Name),
			Shortcut: d.Shortcut, Params: d.Params, Primary: string(d.Name) == highlight || (highlight == "" && i == 0)})
	}
	if req.Side == ill.Borrowing && actor.Kind == ill.ActorStaff {
		if data.Rota, err = h.app.Rota(r.Context(), actor, req.PublicID); err != nil {
			return err
		}
	}
	p := h.page(r, "requests.title", req.PublicID)
	if formErr != nil {
		p.Flash = append(p.Flash, Flash{Kind: "bad", Text: ill.UserMessage(formErr)})
		data.Errors = ill.FieldErrors(formErr)
	}
	p.Data = data
	h.render(w, r, status, "request_detail", p)
	return nil
}

// requestAction takes an action from the request page's form. Errors come
// back on the page, with nothing changed.
func (h *Handler) requestAction(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	id, action := r.PathValue("id"), ill.ActionName(r.PathValue("action"))
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	params := map[string]any{}
	for k, vs := range r.PostForm {
		if k == "csrf" || k == "version" || len(vs) == 0 || strings.TrimSpace(vs[0]) == "" {
			continue
		}
		params[k] = vs[0]
	}
	req, err := h.app.Perform(r.Context(), actor, id, action, params, version)
	if err != nil {
		if k := ill.KindOf(err); k == ill.Conflict || k == ill.Invalid {
			return h.showRequest(w, r, id, http.StatusConflict, err, string(action))
		}
		return err
	}
	p := h.page(r, "requests.title", req.PublicID)
	flash(r, "ok", p.T("requests.done", p.T("action."+string(req.Side)+"."+string(action))))
	http.Redirect(w, r, "/requests/"+req.PublicID, http.StatusSeeOther)
	return nil
}

func (h *Handler) requestNote(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	id := r.PathValue("id")
	if err := h.app.AddNote(r.Context(), actor, id, r.PostFormValue("note")); err != nil {
		if ill.KindOf(err) == ill.Invalid {
			return h.showRequest(w, r, id, http.StatusBadRequest, err, "")
		}
		return err
	}
	flash(r, "ok", h.catalog.Text(h.locale(r), "requests.note.added"))
	http.Redirect(w, r, "/requests/"+id, http.StatusSeeOther)
	return nil
}

func (h *Handler) requestRead(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	id := r.PathValue("id")
	if err := h.app.MarkRead(r.Context(), actor, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/requests/"+id, http.StatusSeeOther)
	return nil
}

// scan routes whatever was scanned (a request id, a partner's id, an item
// barcode) to its request, on whichever desk, with the next scan action
// highlighted; several matches go to the search page.
func (h *Handler) scan(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	match, err := h.app.Scan(r.Context(), actor, q)
	if err != nil {
		return err
	}
	switch len(match) {
	case 0:
		flash(r, "warn", h.catalog.Text(h.locale(r), "scan.none", q))
		http.Redirect(w, r, safeNext(r.Referer()), http.StatusSeeOther)
		return nil
	case 1:
		target := "/requests/" + match[0].Request.PublicID
		if match[0].Next != "" {
			target += "?do=" + url.QueryEscape(string(match[0].Next))
			p := h.page(r, "search.title")
			flash(r, "info", p.T("scan.next", q, p.T("action."+string(match[0].Request.Side)+"."+string(match[0].Next))))
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/search?q="+url.QueryEscape(q), http.StatusSeeOther)
	return nil
}

type searchData struct {
	Query string
	Rows  []requestRow
	Total int
}

// search finds requests on both desks (id, barcode, OCLC number, ISBN,
// ISSN, DOI, title words, patron).
func (h *Handler) search(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	data := searchData{Query: q}
	if q != "" {
		rows, total, err := h.app.Search(r.Context(), actor, q, 100)
		if err != nil {
			return err
		}
		data.Total = total
		for _, req := range rows {
			data.Rows = append(data.Rows, rowOf(req))
		}
	}
	p := h.page(r, "search.title")
	p.Data = data
	h.render(w, r, http.StatusOK, "search", p)
	return nil
}
