package web

import (
	"net/http"
	"net/url"
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
	return h.deskBatch(w, r, ill.Borrowing, "borrowing.title", func(def ill.ActionDef, form url.Values) map[string]any {
		params := map[string]any{}
		for _, prm := range def.Params {
			if v := strings.TrimSpace(form.Get(prm.Name)); v != "" && prm.Kind == "text" {
				params[prm.Name] = v
			}
		}
		return params
	}, h.app.BorrowingBatch)
}
