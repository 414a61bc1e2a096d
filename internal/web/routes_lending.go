package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// The lending desk (issue 8): queues with counts, sorting, batch actions,
// requests entered by hand, and the lending panel of the request page.
// GET /lending itself is registered in routes_requests.go.

func init() {
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("POST /lending/batch", h.requireLogin(h.lendingBatch))
		handle("GET /lending/new", h.requireLogin(h.lendingNewForm))
		handle("POST /lending/new", h.requireLogin(h.lendingNew))
		handle("GET /requests/{id}/lending", h.requireLogin(h.lendingPanel))
	})
}

// lendingTool is a link or batch target another lending feature shows on
// the desk (pull slips, shipping...): in a queue ("" every queue).
// Batch tools get the selected requests posted as "id" fields.
type lendingTool struct {
	Queue    string
	Key      string // catalog key of the label
	Href     string
	Shortcut string
	Batch    bool
	Perm     ill.Permission // shown only to those who have it ("" everyone)
}

// KeyShortcuts is the shortcut as aria-keyshortcuts spells it.
func (t lendingTool) KeyShortcuts() string {
	if len(t.Shortcut) == 1 && t.Shortcut >= "A" && t.Shortcut <= "Z" {
		return "Shift+" + t.Shortcut
	}
	return t.Shortcut
}

var lendingTools []lendingTool

// addLendingTool adds a tool to the lending desk (call from init).
func addLendingTool(t lendingTool) { lendingTools = append(lendingTools, t) }

// lendingBatchActions are the actions the desk offers for a selection,
// in this order, when a state of the queue allows them.
var lendingBatchActions = []ill.ActionName{ill.ActExpectToSupply, ill.ActWillSupply, ill.ActPrintSlip, ill.ActFound, ill.ActNotOnShelf,
	ill.ActAnswerUnfilled, ill.ActAnswerRetry, ill.ActAcceptCancel, ill.ActRefuseCancel, ill.ActApproveRenew, ill.ActRefuseRenew,
	ill.ActLendCheckIn, ill.ActRecall, ill.ActResolveProblem}

type lendingQueueLink struct {
	Name     string
	Key      string
	Count    int
	Active   bool
	Href     string
	Shortcut string
}

type lendingRowView struct {
	R          *ill.Request
	Mark       store.LendingMark
	StateKey   string
	StateClass string
	Overdue    bool // need-before date passed
	Value      string
}

type lendingOption struct {
	Value string
	Key   string
}

type lendingDeskData struct {
	Queues     []lendingQueueLink
	Queue      string
	QueueKey   string
	Sort       string
	Sorts      []lendingQueueLink
	AllActive  bool
	Open       int
	Rows       []lendingRowView
	Total      int
	From, To   int
	PrevURL    string
	NextURL    string
	Actions    []lendingOption
	Unfilled   []string
	Retry      []string
	Tools      []lendingTool
	BatchTools []lendingTool
	Back       string
}

func lendingQueueKey(name string) string {
	switch name {
	case app.QueueMessages:
		return "lending.queue.messages"
	case app.QueueAttention:
		return "desk.attention"
	case "":
		return "desk.all"
	}
	return "queue.lending." + name
}

// lendingDesk is the lending desk: queues, counts, a page of the chosen
// queue, and the batch form.
func (h *Handler) lendingDesk(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return err
	}
	q := r.URL.Query()
	query := app.LendingQuery{Queue: q.Get("queue"), Sort: q.Get("sort"), Limit: 50}
	if q.Get("attention") == "1" {
		query.Queue = app.QueueAttention
	}
	if off, err := strconv.Atoi(q.Get("offset")); err == nil && off > 0 {
		query.Offset = off
	}
	if query.Sort != "" && !slices.Contains(app.LendingSorts, query.Sort) {
		query.Sort = ""
	}
	queues, open, err := h.app.LendingQueues(r.Context(), actor)
	if err != nil {
		return err
	}
	known := query.Queue == ""
	for _, lq := range queues {
		known = known || lq.Name == query.Queue
	}
	if !known {
		return ill.E(ill.NotFound, fmt.Sprintf("there is no lending queue %q", query.Queue))
	}
	rows, total, err := h.app.LendingList(r.Context(), actor, query)
	if err != nil {
		return err
	}
	sort := query.Sort
	if sort == "" {
		sort = "need_before"
	}
	link := func(queue, sortBy string, off int) string {
		v := url.Values{}
		if queue != "" {
			v.Set("queue", queue)
		}
		if sortBy != "" && sortBy != "need_before" {
			v.Set("sort", sortBy)
		}
		if off > 0 {
			v.Set("offset", strconv.Itoa(off))
		}
		if len(v) == 0 {
			return "/lending"
		}
		return "/lending?" + v.Encode()
	}
	d := lendingDeskData{Queue: query.Queue, QueueKey: lendingQueueKey(query.Queue), Sort: sort, AllActive: query.Queue == "", Open: open, Total: total,
		Unfilled: paramChoices(ill.ActAnswerUnfilled, "reason"), Retry: paramChoices(ill.ActAnswerRetry, "reason"), Back: link(query.Queue, sort, query.Offset)}
	for i, lq := range queues {
		l := lendingQueueLink{Name: lq.Name, Key: lendingQueueKey(lq.Name), Count: lq.Count, Active: lq.Name == query.Queue, Href: link(lq.Name, query.Sort, 0)}
		if i < 9 {
			l.Shortcut = strconv.Itoa(i + 1)
		}
		d.Queues = append(d.Queues, l)
	}
	for _, s := range app.LendingSorts {
		d.Sorts = append(d.Sorts, lendingQueueLink{Name: s, Key: "lending.sort." + s, Active: s == sort, Href: link(query.Queue, s, 0)})
	}
	now := time.Now()
	for _, row := range rows {
		rv := lendingRowView{R: row.R, Mark: row.Mark, Value: row.R.PublicID + ":" + strconv.FormatInt(row.R.Version, 10)}
		base := rowOf(row.R)
		rv.StateKey, rv.StateClass = base.StateKey, base.StateClass
		rv.Overdue = !row.R.NeedBefore.IsZero() && row.R.NeedBefore.Before(now)
		d.Rows = append(d.Rows, rv)
	}
	if len(rows) > 0 {
		d.From, d.To = query.Offset+1, query.Offset+len(rows)
	}
	if query.Offset > 0 {
		d.PrevURL = link(query.Queue, query.Sort, max(0, query.Offset-50))
	}
	if query.Offset+len(rows) < total {
		d.NextURL = link(query.Queue, query.Sort, query.Offset+50)
	}
	d.Actions = batchActionsFor(query.Queue, actor)
	for _, t := range lendingTools {
		if (t.Queue == "" || t.Queue == query.Queue) && (t.Perm == "" || actor.Can(t.Perm)) {
			if t.Batch {
				d.BatchTools = append(d.BatchTools, t)
			} else {
				d.Tools = append(d.Tools, t)
			}
		}
	}
	p := h.page(r, "desk.lending")
	p.Data = d
	h.render(w, r, http.StatusOK, "lending_desk", p)
	return nil
}

// paramChoices lists the choices of an action's parameter.
func paramChoices(action ill.ActionName, param string) []string {
	def, _ := ill.LendingWorkflow.Action(action)
	for _, p := range def.Params {
		if p.Name == param {
			return p.Choices
		}
	}
	return nil
}

// batchActionsFor lists the batch actions a queue's states allow the
// actor (every batch action for the "all" and other mixed queues).
func batchActionsFor(queue string, actor ill.Actor) []lendingOption {
	var states []ill.State
	for _, d := range ill.LendingWorkflow.States {
		if d.Queue == queue && !d.Terminal {
			states = append(states, d.Name)
		}
	}
	var out []lendingOption
	for _, name := range lendingBatchActions {
		def, _ := ill.LendingWorkflow.Action(name)
		if !slices.Contains(def.Actors, ill.ActorStaff) || def.Perm != "" && !actor.Can(def.Perm) {
			continue
		}
		if len(states) > 0 && !slices.ContainsFunc(def.From, func(s ill.State) bool { return slices.Contains(states, s) }) {
			continue
		}
		out = append(out, lendingOption{Value: string(name), Key: "action.lending." + string(name)})
	}
	return out
}

// lendingBatch takes one action on the selected requests. Each request
// is reported: those changed meanwhile by someone else, or in a state the
// action does not fit, are left as they were.
func (h *Handler) lendingBatch(w http.ResponseWriter, r *http.Request) error {
	return h.deskBatch(w, r, ill.Lending, "desk.lending", lendingBatchParams, h.app.LendingBatch)
}

// lendingBatchParams reads a lending batch action's inputs (the reason
// lists and the date field are shared by several actions).
func lendingBatchParams(def ill.ActionDef, form url.Values) map[string]any {
	params := map[string]any{}
	for _, prm := range def.Params {
		v := strings.TrimSpace(form.Get(prm.Name))
		switch {
		case prm.Name == "reason" && def.Name == ill.ActAnswerUnfilled:
			v = strings.TrimSpace(form.Get("reasonUnfilled"))
		case prm.Name == "reason" && def.Name == ill.ActAnswerRetry:
			v = strings.TrimSpace(form.Get("reasonRetry"))
		case prm.Kind == "date":
			v = strings.TrimSpace(form.Get("date"))
		}
		if v != "" {
			params[prm.Name] = v
		}
	}
	return params
}

type lendingNewData struct {
	Form      url.Values
	Errors    map[string]string
	Services  []string
	Levels    []string
	Partners  []string
	Requested string
}

func (h *Handler) lendingNewForm(w http.ResponseWriter, r *http.Request) error {
	return h.showLendingNew(w, r, http.StatusOK, url.Values{}, nil)
}

func (h *Handler) showLendingNew(w http.ResponseWriter, r *http.Request, status int, form url.Values, formErr error) error {
	actor, _ := actorFrom(r.Context())
	if err := actor.Require(actor.Agency, ill.PermLendAct); err != nil {
		return err
	}
	d := lendingNewData{Form: form, Services: []string{string(ill.Loan), string(ill.Copy), string(ill.CopyOrLoan)}, Levels: app.ServiceLevels}
	if d.Form.Get("serviceType") == "" {
		d.Form.Set("serviceType", string(ill.Loan))
	}
	if entries, _, err := h.app.DirectoryPage(r.Context(), actor, store.DirectoryFilter{Limit: 500}); err == nil {
		for _, e := range entries {
			if e.ID != actor.Agency {
				d.Partners = append(d.Partners, string(e.ID))
			}
		}
	}
	p := h.page(r, "lending.new.title")
	if formErr != nil {
		p.Flash = append(p.Flash, Flash{Kind: "bad", Text: ill.UserMessage(formErr)})
		d.Errors = ill.FieldErrors(formErr)
	}
	p.Data = d
	h.render(w, r, status, "lending_new", p)
	return nil
}

// lendingNew records a request that arrived outside ISO 18626.
func (h *Handler) lendingNew(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		return ill.E(ill.Invalid, "the form could not be read")
	}
	f := r.PostForm
	n := app.NewLendingRequest{Borrower: ill.AgencyID(strings.ToUpper(strings.TrimSpace(f.Get("borrower")))), BorrowerRequestID: f.Get("borrowerRequestId"),
		Citation: citationFromForm(f), ServiceType: ill.ServiceType(f.Get("serviceType")), ServiceLevel: f.Get("serviceLevel"), Note: f.Get("note"),
		ExternalSystem: f.Get("externalSystem"), ExternalNumber: f.Get("externalNumber")}
	if nb := strings.TrimSpace(f.Get("needBefore")); nb != "" {
		t, err := time.Parse("2006-01-02", nb)
		if err != nil {
			return h.showLendingNew(w, r, http.StatusBadRequest, f, ill.E(ill.Invalid, "the request needs correcting", map[string]string{"needBefore": "a date"}))
		}
		n.NeedBefore = t
	}
	req, err := h.app.EnterLendingRequest(r.Context(), actor, n)
	if err != nil {
		switch ill.KindOf(err) {
		case ill.Invalid:
			return h.showLendingNew(w, r, http.StatusBadRequest, f, err)
		case ill.Conflict:
			return h.showLendingNew(w, r, http.StatusConflict, f, err)
		}
		return err
	}
	p := h.page(r, "lending.new.title")
	flash(r, "ok", p.T("lending.new.done", req.PublicID))
	http.Redirect(w, r, "/requests/"+req.PublicID, http.StatusSeeOther)
	return nil
}

type lendingPanelData struct {
	V          app.LendingView
	R          *ill.Request
	Notes      []store.StoredMessage // notes from the borrower
	Suggest    bool
	SuggestKey string
	Params     []lendingOption
}

// lendingPanel is the lending part of the request page: our copies, the
// live availability, the borrower and its policy, the auto-answer, the
// borrower's notes.
func (h *Handler) lendingPanel(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	v, err := h.app.LendingDetail(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := lendingPanelData{V: v, R: v.Request}
	if _, msgs, err := h.app.Timeline(r.Context(), actor, v.Request.PublicID); err == nil {
		for _, m := range msgs {
			if m.Direction == store.Inbound && strings.TrimSpace(m.Body.Note) != "" {
				d.Notes = append(d.Notes, m)
			}
		}
	}
	if s := v.Suggestion; s.Action != "" {
		defs := h.app.ActionsFor(actor, v.Request)
		if slices.ContainsFunc(defs, func(def ill.ActionDef) bool { return def.Name == s.Action }) {
			d.Suggest, d.SuggestKey = true, "action.lending."+string(s.Action)
			for k, val := range s.Params {
				switch x := val.(type) {
				case string:
					d.Params = append(d.Params, lendingOption{Value: x, Key: k})
				case []string:
					d.Params = append(d.Params, lendingOption{Value: strings.Join(x, ","), Key: k})
				}
			}
			slices.SortFunc(d.Params, func(a, b lendingOption) int { return strings.Compare(a.Key, b.Key) })
		}
	}
	p := h.page(r, "lending.panel.title", v.Request.PublicID)
	p.Data = d
	h.render(w, r, http.StatusOK, "lending_panel", p)
	return nil
}
