package api

import (
	"net/http"
	"time"

	"interlend/internal/app"
	"interlend/internal/ils"
)

// ILSStepView is one step Interlend took (or is taking) in the library's
// own system for a request.
type ILSStepView struct {
	// Service is the NCIP service: LookupUser, AcceptItem, CheckOutItem,
	// CheckInItem, DeleteItem, LookupItem, RequestItem, CancelRequestItem.
	Service string `json:"service"`
	// State is pending, retrying, failed (needs staff), done, by_hand or
	// skipped.
	State  string `json:"state"`
	Driver string `json:"driver,omitempty"`
	ItemID string `json:"itemId,omitempty"`
	// Data is what the step learned: via (ils, interlend, seen, local,
	// hand), due, pickup, callNumber, location, status, available, why, note.
	Data map[string]string `json:"data,omitempty"`
	// Problem is the library system's own words about a failure.
	Problem     string    `json:"problem,omitempty"`
	Attempts    int       `json:"attempts"`
	NextTry     time.Time `json:"nextTry,omitzero"`
	CanRetry    bool      `json:"canRetry"`
	CanComplete bool      `json:"canComplete"`
	UpdatedAt   time.Time `json:"updatedAt,omitzero"`
	DoneAt      time.Time `json:"doneAt,omitzero"`
}

// ILSStepInput records a step done by hand.
type ILSStepInput struct {
	// Item is the library system's item barcode, when the step made or
	// used one (a temporary item made by hand).
	Item string `json:"item,omitempty"`
	Note string `json:"note,omitempty"`
}

// The library system (ILS) steps of a request: list them, retry a failed
// one, or record one done by hand.
func init() {
	addRoutes(func(h *Handler) []route {
		return []route{
			{Method: "GET", Path: "/api/v1/requests/{id}/ils", Summary: "The steps taken in the library's own system (NCIP) for a request, with what the system said", Tag: "requests",
				Response: typeOf[[]ILSStepView](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					steps, err := h.app.ILSSteps(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
					if err != nil {
						return nil, err
					}
					out := make([]ILSStepView, 0, len(steps))
					for _, s := range steps {
						out = append(out, ilsStepView(s))
					}
					return out, nil
				}},
			{Method: "POST", Path: "/api/v1/requests/{id}/ils/{service}/retry", Summary: "Try a failed library system step again (409 unless it failed)", Tag: "requests",
				Response: typeOf[map[string]string](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					err := h.app.RetryILSStep(r.Context(), actorFrom(r.Context()), r.PathValue("id"), ils.Service(r.PathValue("service")))
					return map[string]string{"status": "pending"}, err
				}},
			{Method: "POST", Path: "/api/v1/requests/{id}/ils/{service}/done", Summary: "Record a library system step as done by hand, so that the request's later steps go on (409 unless it is open)",
				Tag: "requests", Body: typeOf[ILSStepInput](), Response: typeOf[map[string]string](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					var in ILSStepInput
					if err := decode(r, &in); err != nil {
						return nil, err
					}
					err := h.app.CompleteILSStep(r.Context(), actorFrom(r.Context()), r.PathValue("id"), ils.Service(r.PathValue("service")), in.Item, in.Note)
					return map[string]string{"status": "by_hand"}, err
				}},
		}
	})
}

func ilsStepView(s app.ILSStep) ILSStepView {
	return ILSStepView{Service: s.Service, State: string(s.State), Driver: s.Driver, ItemID: s.ItemID, Data: s.Data, Problem: s.Problem,
		Attempts: s.Attempts, NextTry: s.NextTry, CanRetry: s.CanRetry, CanComplete: s.CanComplete, UpdatedAt: s.UpdatedAt, DoneAt: s.DoneAt}
}
