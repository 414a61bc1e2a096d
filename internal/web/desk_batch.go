package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"interlend/internal/app"
	"interlend/internal/ill"
)

// batchRunner is the app's batch of one desk.
type batchRunner func(ctx context.Context, actor ill.Actor, items []app.BatchItem, action ill.ActionName, params map[string]any) ([]app.BatchResult, error)

// deskBatch is the desks' batch form: POST "action", "id" fields of
// "PUBLICID:version" and "back". params reads the action's inputs from the
// form. Each request is reported in a flash: those changed meanwhile by
// someone else, or in a state the action does not fit, are left as they
// were. Catalog keys are the side's: <side>.batch.noaction, .none, .done,
// .failed and action.<side>.<action>.
func (h *Handler) deskBatch(w http.ResponseWriter, r *http.Request, side ill.Side, title string,
	params func(def ill.ActionDef, form url.Values) map[string]any, run batchRunner) error {
	actor, _ := actorFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		return ill.E(ill.Invalid, "the form could not be read")
	}
	prefix := string(side)
	back := safeNext(r.PostFormValue("back"))
	if !strings.HasPrefix(back, "/"+prefix) {
		back = "/" + prefix
	}
	p := h.page(r, title)
	redirect := func() error {
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	}
	action := ill.ActionName(r.PostFormValue("action"))
	def, ok := ill.WorkflowFor(side).Action(action)
	if !ok {
		flash(r, "bad", p.T(prefix+".batch.noaction"))
		return redirect()
	}
	var items []app.BatchItem
	for _, v := range r.PostForm["id"] {
		id, ver, _ := strings.Cut(v, ":")
		n, _ := strconv.ParseInt(ver, 10, 64)
		items = append(items, app.BatchItem{ID: id, Version: n})
	}
	if len(items) == 0 {
		flash(r, "bad", p.T(prefix+".batch.none"))
		return redirect()
	}
	results, err := run(r.Context(), actor, items, action, params(def, r.PostForm))
	if err != nil {
		if ill.KindOf(err) == ill.Invalid {
			flash(r, "bad", ill.UserMessage(err))
			return redirect()
		}
		return err
	}
	done := 0
	for _, res := range results {
		if res.OK {
			done++
		}
	}
	if done > 0 {
		flash(r, "ok", p.Tn(prefix+".batch.done", done, p.T("action."+prefix+"."+string(action))))
	}
	for _, res := range results {
		if !res.OK {
			flash(r, "bad", p.T(prefix+".batch.failed", res.ID, res.Error))
		}
	}
	return redirect()
}
