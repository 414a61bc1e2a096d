package web

import (
	"net/http"
	"net/url"
	"slices"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/store"
)

// The request page shows what Interlend did in the library's own system
// (the ILS steps of issue 7): the page's "ils-steps" section loads it from
// here with htmx (a link without JavaScript), and its buttons retry a
// failed step or record one done by hand.
func init() {
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("GET /requests/{id}/ils", h.requireLogin(h.circulationPage))
		handle("POST /requests/{id}/ils/{service}/retry", h.requireLogin(h.circulationRetry))
		handle("POST /requests/{id}/ils/{service}/done", h.requireLogin(h.circulationDone))
	})
}

// circulationRow is a step as the section shows it.
type circulationRow struct {
	app.ILSStep
	NameKey    string
	StateKey   string
	StateClass string
	ViaKey     string
	WhyKey     string
	Due        string // the date the ILS set or was sent, as it gave it
	HasDetail  bool   // something to list besides the notes
}

type circulationData struct {
	R      *ill.Request
	Steps  []circulationRow
	Open   string // the step whose hand form shows after a mistake
	Errors map[string]string
}

func circulationRowOf(s app.ILSStep) circulationRow {
	row := circulationRow{ILSStep: s, NameKey: "circulation.service." + s.Service, StateKey: "circulation.state." + string(s.State), Due: s.Data["due"]}
	switch s.State {
	case store.StepFailed:
		row.StateClass = "bad"
	case store.StepRetrying:
		row.StateClass = "warn"
	case store.StepPending:
		row.StateClass = "info"
	case store.StepSkipped:
		row.StateClass = "neutral"
	default:
		row.StateClass = "ok"
	}
	if v := s.Data["via"]; slices.Contains([]string{"ils", "interlend", "seen", "local", "hand"}, v) {
		row.ViaKey = "circulation.via." + v
	}
	if w := s.Data["why"]; w != "" {
		row.WhyKey = "circulation.why." + w
	}
	row.HasDetail = s.ItemID != "" || row.Due != "" || s.Problem != ""
	for _, k := range []string{"pickup", "callNumber", "location", "status", "available", "category", "note"} {
		row.HasDetail = row.HasDetail || s.Data[k] != ""
	}
	return row
}

// circulationPage is the request's ILS steps: a page of its own, or the
// request page's section for htmx.
func (h *Handler) circulationPage(w http.ResponseWriter, r *http.Request) error {
	return h.showCirculation(w, r, r.PathValue("id"), http.StatusOK, nil, "")
}

func (h *Handler) showCirculation(w http.ResponseWriter, r *http.Request, id string, status int, formErr error, open string) error {
	actor, _ := actorFrom(r.Context())
	req, err := h.app.GetRequest(r.Context(), actor, id)
	if err != nil {
		return err
	}
	steps, err := h.app.ILSSteps(r.Context(), actor, req.PublicID)
	if err != nil {
		return err
	}
	data := circulationData{R: req, Open: open}
	for _, s := range steps {
		data.Steps = append(data.Steps, circulationRowOf(s))
	}
	p := h.page(r, "circulation.page.title", req.PublicID)
	if formErr != nil {
		p.Flash = append(p.Flash, Flash{Kind: "bad", Text: ill.UserMessage(formErr)})
		data.Errors = ill.FieldErrors(formErr)
	}
	p.Data = data
	h.render(w, r, status, "circulation_steps", p)
	return nil
}

func (h *Handler) circulationRetry(w http.ResponseWriter, r *http.Request) error {
	return h.circulationAction(w, r, "circulation.flash.retried", func(actor ill.Actor, id string, svc ils.Service) error {
		return h.app.RetryILSStep(r.Context(), actor, id, svc)
	})
}

func (h *Handler) circulationDone(w http.ResponseWriter, r *http.Request) error {
	return h.circulationAction(w, r, "circulation.flash.done", func(actor ill.Actor, id string, svc ils.Service) error {
		return h.app.CompleteILSStep(r.Context(), actor, id, svc, r.PostFormValue("item"), r.PostFormValue("note"))
	})
}

// circulationAction runs a step action and goes back to the request page;
// a mistake or a step that moved on meanwhile shows the steps again, with
// nothing changed.
func (h *Handler) circulationAction(w http.ResponseWriter, r *http.Request, flashKey string, do func(ill.Actor, string, ils.Service) error) error {
	actor, _ := actorFrom(r.Context())
	id, svc := r.PathValue("id"), ils.Service(r.PathValue("service"))
	if err := do(actor, id, svc); err != nil {
		switch ill.KindOf(err) {
		case ill.Invalid:
			return h.showCirculation(w, r, id, http.StatusBadRequest, err, string(svc))
		case ill.Conflict:
			return h.showCirculation(w, r, id, http.StatusConflict, err, "")
		}
		return err
	}
	flash(r, "ok", h.catalog.Text(h.locale(r), flashKey))
	http.Redirect(w, r, "/requests/"+url.PathEscape(id)+"#ils-steps", http.StatusSeeOther)
	return nil
}
