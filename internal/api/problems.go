package api

import (
	"net/http"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// Problem workflows (docs/problems.md): the problems queue and a
// request's problems, since when and what happens next.
func init() {
	addRoutes(func(h *Handler) []route {
		return []route{
			{Method: "GET", Path: "/api/v1/problems", Summary: "The problems queue: open problems (closed=1: closed ones), oldest first, optionally of one kind or side",
				Tag: "problems", Response: typeOf[[]store.Problem](), Query: []queryParam{
					{"kind", "a problem kind (not_received, claimed_returned, wrong_item, ...)", "string"},
					{"side", "borrowing or lending", "string"},
					{"closed", "1 for closed problems", "string"}},
				Handle: func(h *Handler, r *http.Request) (any, error) {
					q := r.URL.Query()
					return nonNil(h.app.Problems(r.Context(), actorFrom(r.Context()), store.ProblemFilter{
						Kind: ill.ProblemKind(q.Get("kind")), Side: ill.Side(q.Get("side")), Closed: q.Get("closed") == "1"}))
				}},
			{Method: "GET", Path: "/api/v1/requests/{id}/problems", Summary: "A request's problems, open and closed: since when, the step, what happens next and when",
				Tag: "problems", Response: typeOf[[]store.Problem](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					return nonNil(h.app.RequestProblems(r.Context(), actorFrom(r.Context()), r.PathValue("id")))
				}},
		}
	})
}

// nonNil turns a nil list into an empty one (JSON [] rather than null).
func nonNil(ps []store.Problem, err error) ([]store.Problem, error) {
	if ps == nil {
		ps = []store.Problem{}
	}
	return ps, err
}
