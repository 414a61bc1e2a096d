package api

import (
	"net/http"
	"strconv"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
)

// The lending desk (issue 8): queues with counts, a queue's requests in
// the desk's order, batch actions, requests entered by hand, and a
// request's lending detail. Single actions are POST
// /api/v1/requests/{id}/actions/{action}, as everywhere.

// LendingQueues is the desk's queues with their counts.
type LendingQueues struct {
	Open   int                `json:"open"`
	Queues []app.LendingQueue `json:"queues"`
}

// LendingRow is a request of a desk queue.
type LendingRow struct {
	Request       *ill.Request `json:"request"`
	ServiceRank   int          `json:"serviceRank"`
	SlipPrintedAt time.Time    `json:"slipPrintedAt,omitzero"`
	SearchAgainAt time.Time    `json:"searchAgainAt,omitzero"`
	AutoRule      string       `json:"autoRule,omitempty"`
	EnteredByHand bool         `json:"enteredByHand"`
}

// LendingList is a page of a desk queue.
type LendingList struct {
	Total int          `json:"total"`
	Items []LendingRow `json:"items"`
}

// BatchInput is one action for several requests.
type BatchInput struct {
	Action ill.ActionName  `json:"action"`
	Params map[string]any  `json:"params,omitempty"`
	Items  []app.BatchItem `json:"items"`
}

// BatchOutput is what became of each request.
type BatchOutput struct {
	Done    int               `json:"done"`
	Results []app.BatchResult `json:"results"`
}

func init() {
	addRoutes(func(h *Handler) []route {
		return []route{
			{Method: "GET", Path: "/api/v1/lending/queues", Summary: "The lending desk's queues (from the lending state table, plus messages from partners and needs attention) with their counts",
				Tag: "lending", Response: typeOf[LendingQueues](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					qs, open, err := h.app.LendingQueues(r.Context(), actorFrom(r.Context()))
					return LendingQueues{Open: open, Queues: qs}, err
				}},
			{Method: "GET", Path: "/api/v1/lending/requests", Summary: "Open lending requests of a queue, in the desk's order",
				Tag: "lending", Response: typeOf[LendingList](),
				Query: []queryParam{{"queue", "a queue name from /api/v1/lending/queues (default: every open request)", "string"},
					{"sort", "need_before (default: need-before date, then service level), service, oldest, updated", "string"},
					{"limit", "page size, 1 to 500 (default 50)", "integer"}, {"offset", "items to skip", "integer"}},
				Handle: func(h *Handler, r *http.Request) (any, error) {
					q := r.URL.Query()
					lq := app.LendingQuery{Queue: q.Get("queue"), Sort: q.Get("sort")}
					lq.Limit, _ = strconv.Atoi(q.Get("limit"))
					lq.Offset, _ = strconv.Atoi(q.Get("offset"))
					rows, total, err := h.app.LendingList(r.Context(), actorFrom(r.Context()), lq)
					if err != nil {
						return nil, err
					}
					out := LendingList{Total: total, Items: []LendingRow{}}
					for _, row := range rows {
						out.Items = append(out.Items, LendingRow{Request: row.R, ServiceRank: row.Mark.ServiceRank, SlipPrintedAt: row.Mark.SlipPrintedAt,
							SearchAgainAt: row.Mark.SearchAgainAt, AutoRule: row.Mark.AutoRule, EnteredByHand: row.Mark.ByHand})
					}
					return out, nil
				}},
			{Method: "POST", Path: "/api/v1/lending/batch", Summary: "Take one action on several lending requests; each item carries the version seen (a request changed meanwhile is reported and left alone)",
				Tag: "lending", Body: typeOf[BatchInput](), Response: typeOf[BatchOutput](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					var in BatchInput
					if err := decode(r, &in); err != nil {
						return nil, err
					}
					res, err := h.app.LendingBatch(r.Context(), actorFrom(r.Context()), in.Items, in.Action, in.Params)
					if err != nil {
						return nil, err
					}
					out := BatchOutput{Results: res}
					for _, x := range res {
						if x.OK {
							out.Done++
						}
					}
					return out, nil
				}},
			{Method: "POST", Path: "/api/v1/lending/requests", Summary: "Enter by hand a partner's request that arrived outside ISO 18626 (409 when the borrower's id was entered before)",
				Tag: "lending", Created: true, Body: typeOf[app.NewLendingRequest](), Response: typeOf[ill.Request](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					var in app.NewLendingRequest
					if err := decode(r, &in); err != nil {
						return nil, err
					}
					return h.app.EnterLendingRequest(r.Context(), actorFrom(r.Context()), in)
				}},
			{Method: "GET", Path: "/api/v1/lending/requests/{id}", Summary: "A lending request's desk detail: our matching copies, the live ILS look-up, the rule that answered it and the answer the rules suggest now",
				Tag: "lending", Response: typeOf[app.LendingView](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					return h.app.LendingDetail(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
				}},
		}
	})
}
