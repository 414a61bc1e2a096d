package web

import (
	"net/http"
	"strconv"
	"strings"

	"interlend/internal/app"
	"interlend/internal/ill"
)

// Batch actions on the borrowing desk: the queue's requests are listed
// with a checkbox each, and one action (with an optional note) is taken on
// the selected ones. The keys are the lending desk's (static/lending.js):
// j/k move, x selects, o opens, Shift+A selects all, b goes to the action,
// 1 to 9 open the first nine queues, N places a request for a patron.
func init() {
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("POST /borrowing/batch", h.requireLogin(h.borrowingBatch))
	})
}

// queueShortcut is the key of the desk's i-th queue ("" past the ninth).
func queueShortcut(i int) string {
	if i < 9 {
		return strconv.Itoa(i + 1)
	}
	return ""
}

// borrowingBatchOptions lists the batch actions for a queue, labelled.
func borrowingBatchOptions(queue string, actor ill.Actor) []lendingOption {
	var out []lendingOption
	for _, a := range app.BorrowingBatchActionsFor(queue, actor) {
		out = append(out, lendingOption{Value: string(a), Key: "action.borrowing." + string(a)})
	}
	return out
}

// borrowingBatch is POST /borrowing/batch: one action on the selected
// requests ("id" fields of "PUBLICID:version"). Each request is reported;
// one changed meanwhile or in a state the action does not fit is left as
// it was.
func (h *Handler) borrowingBatch(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		return ill.E(ill.Invalid, "the form could not be read")
	}
	back := safeNext(r.PostFormValue("back"))
	if !strings.HasPrefix(back, "/borrowing") {
		back = "/borrowing"
	}
	p := h.page(r, "borrowing.title")
	action := ill.ActionName(r.PostFormValue("action"))
	def, ok := ill.BorrowingWorkflow.Action(action)
	if !ok {
		flash(r, "bad", p.T("borrowing.batch.noaction"))
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	}
	var items []app.BatchItem
	for _, v := range r.PostForm["id"] {
		id, ver, _ := strings.Cut(v, ":")
		n, _ := strconv.ParseInt(ver, 10, 64)
		items = append(items, app.BatchItem{ID: id, Version: n})
	}
	if len(items) == 0 {
		flash(r, "bad", p.T("borrowing.batch.none"))
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	}
	params := map[string]any{}
	for _, prm := range def.Params {
		if v := strings.TrimSpace(r.PostFormValue(prm.Name)); v != "" && prm.Kind == "text" {
			params[prm.Name] = v
		}
	}
	results, err := h.app.BorrowingBatch(r.Context(), actor, items, action, params)
	if err != nil {
		if ill.KindOf(err) == ill.Invalid {
			flash(r, "bad", ill.UserMessage(err))
			http.Redirect(w, r, back, http.StatusSeeOther)
			return nil
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
		flash(r, "ok", p.Tn("borrowing.batch.done", done, p.T("action.borrowing."+string(action))))
	}
	for _, res := range results {
		if !res.OK {
			flash(r, "bad", p.T("borrowing.batch.failed", res.ID, res.Error))
		}
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}
