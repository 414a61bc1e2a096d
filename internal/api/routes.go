package api

import (
	"net/http"
	"reflect"
	"strconv"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// route is one API operation: the mux pattern, the OpenAPI description and
// the handler, in one place.
type route struct {
	Method   string
	Path     string // ServeMux pattern path, e.g. /api/v1/requests/{id}
	Summary  string
	Tag      string
	Public   bool         // no authentication
	Created  bool         // POST answers 201
	Body     reflect.Type // request body, nil if none
	Response reflect.Type
	Query    []queryParam
	Handle   func(h *Handler, r *http.Request) (any, error)
}

type queryParam struct {
	Name, Description, Type string
}

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// RequestView is a request with what the caller may do to it now.
type RequestView struct {
	*ill.Request
	AvailableActions []ActionView `json:"availableActions"`
}

// ActionView describes an action the caller may take.
type ActionView struct {
	Name     string      `json:"name"`
	Params   []ill.Param `json:"params,omitempty"`
	Sends    string      `json:"sends,omitempty"`
	Shortcut string      `json:"shortcut,omitempty"`
}

// RequestList is a page of requests.
type RequestList struct {
	Items  []RequestView `json:"items"`
	Total  int           `json:"total"`
	Limit  int           `json:"limit"`
	Offset int           `json:"offset"`
	Next   *int          `json:"next,omitempty"`
}

// ActionInput is the body of an action.
type ActionInput struct {
	// Version is the request version the caller saw; a newer one means
	// someone else acted meanwhile (409). 0 skips the check.
	Version int64          `json:"version"`
	Params  map[string]any `json:"params,omitempty"`
}

// Timeline is a request's events and protocol messages.
type Timeline struct {
	Events   []ill.Event   `json:"events"`
	Messages []MessageView `json:"messages,omitempty"`
}

// MessageView is a protocol message on the timeline.
type MessageView struct {
	ID          int64       `json:"id"`
	Direction   string      `json:"direction"`
	Partner     string      `json:"partner"`
	Summary     string      `json:"summary"`
	Delivery    string      `json:"delivery,omitempty"`
	Error       string      `json:"error,omitempty"`
	Body        ill.Message `json:"body"`
	Raw         string      `json:"raw,omitempty"`
	CreatedAt   string      `json:"createdAt"`
	DeliveredAt string      `json:"deliveredAt,omitempty"`
}

// NoteInput is an internal note.
type NoteInput struct {
	Note string `json:"note"`
}

// LenderInput adds a lender to a rota.
type LenderInput struct {
	Lender   ill.AgencyID `json:"lender"`
	Reason   string       `json:"reason,omitempty"`
	Position int          `json:"position,omitempty"`
}

// ChargeInput adds a charge to a request's ledger.
type ChargeInput struct {
	Type          store.ChargeType `json:"type"`
	Amount        ill.Money        `json:"amount"`
	Payer         string           `json:"payer,omitempty"`
	Payee         string           `json:"payee,omitempty"`
	BillingMethod string           `json:"billingMethod,omitempty"`
	PaymentMethod string           `json:"paymentMethod,omitempty"`
	Note          string           `json:"note,omitempty"`
}

// Me describes the caller.
type Me struct {
	UserID int64      `json:"userId"`
	Name   string     `json:"name"`
	Agency string     `json:"agency"`
	Kind   string     `json:"kind"`
	Grants ill.Grants `json:"grants"`
}

func (h *Handler) routes() []route {
	idParam := func(r *http.Request) string { return r.PathValue("id") }
	return append([]route{ // features add theirs with addRoutes (partners.go)
		{Method: "GET", Path: "/api/v1/openapi.json", Summary: "This API's OpenAPI 3 description", Tag: "meta", Public: true, Response: typeOf[map[string]any](),
			Handle: func(h *Handler, r *http.Request) (any, error) { return h.OpenAPI(), nil }},
		{Method: "GET", Path: "/api/v1/me", Summary: "Who the caller is", Tag: "meta", Response: typeOf[Me](),
			Handle: func(h *Handler, r *http.Request) (any, error) {
				a := actorFrom(r.Context())
				return Me{UserID: a.UserID, Name: a.Name, Agency: string(a.Agency), Kind: string(a.Kind), Grants: a.Grants}, nil
			}},
		{Method: "GET", Path: "/api/v1/workflow/{side}", Summary: "The state tables of one side (borrowing or lending)", Tag: "meta", Response: typeOf[ill.Workflow](),
			Handle: func(h *Handler, r *http.Request) (any, error) {
				switch r.PathValue("side") {
				case "borrowing":
					return ill.BorrowingWorkflow, nil
				case "lending":
					return ill.LendingWorkflow, nil
				}
				return nil, ill.E(ill.NotFound, "sides are borrowing and lending")
			}},
		{Method: "POST", Path: "/api/v1/requests", Summary: "Create a borrowing request", Tag: "requests", Created: true, Body: typeOf[app.NewRequest](), Response: typeOf[RequestView](),
			Handle: func(h *Handler, r *http.Request) (any, error) {
				var in app.NewRequest
				if err := decode(r, &in); err != nil {
					return nil, err
				}
				req, err := h.app.CreateRequest(r.Context(), actorFrom(r.Context()), in)
				if err != nil {
					return nil, err
				}
				return h.view(r, req), nil
			}},
		{Method: "GET", Path: "/api/v1/requests", Summary: "List and search requests", Tag: "requests", Response: typeOf[RequestList](),
			Query: []queryParam{{"side", "borrowing or lending", "string"}, {"state", "a state of the tables (repeatable)", "string"},
				{"q", "request id, partner id, barcode, OCLC number, ISBN, ISSN, DOI or title words", "string"},
				{"attention", "true: only requests that need attention", "boolean"}, {"open", "true: only open requests", "boolean"},
				{"sort", "updated (default), oldest, created, need_before", "string"},
				{"limit", "page size, 1 to 500 (default 50)", "integer"}, {"offset", "items to skip", "integer"}},
			Handle: (*Handler).listRequests},
		{Method: "GET", Path: "/api/v1/requests/{id}", Summary: "One request, with the actions available now", Tag: "requests", Response: typeOf[RequestView](),
			Handle: func(h *Handler, r *http.Request) (any, error) {
				req, err := h.app.GetRequest(r.Context(), actorFrom(r.Context()), idParam(r))
				if err != nil {
					return nil, err
				}
				return h.view(r, req), nil
			}},
		{Method: "GET", Path: "/api/v1/requests/{id}/actions", Summary: "Actions the caller may take now", Tag: "requests", Response: typeOf[[]ActionView](),
			Handle: func(h *Handler, r *http.Request) (any, error) {
				defs, err := h.app.AvailableActions(r.Context(), actorFrom(r.Context()), idParam(r))
				return actionViews(defs), err
			}},
		{Method: "POST", Path: "/api/v1/requests/{id}/actions/{action}", Summary: "Take an action (409 with the allowed actions when it is not possible now)", Tag: "requests",
			Body: typeOf[ActionInput](), Response: typeOf[RequestView](),
			Handle: func(h *Handler, r *http.Request) (any, error) {
				var in ActionInput
				if err := decode(r, &in); err != nil {
					return nil, err
				}
				req, err := h.app.Perform(r.Context(), actorFrom(r.Context()), idParam(r), ill.ActionName(r.PathValue("action")), in.Params, in.Version)
				if err != nil {
					return nil, err
				}
				return h.view(r, req), nil
			}},
		{Method: "GET", Path: "/api/v1/requests/{id}/timeline", Summary: "Events and protocol messages of a request", Tag: "requests", Response: typeOf[Timeline](),
			Handle: (*Handler).timeline},
		{Method: "GET", Path: "/api/v1/requests/{id}/rota", Summary: "The lenders of a borrowing request, with why each is there", Tag: "requests", Response: typeOf[[]store.RotaEntry](),
			Handle: func(h *Handler, r *http.Request) (any, error) {
				return h.app.Rota(r.Context(), actorFrom(r.Context()), idParam(r))
			}},
		{Method: "POST", Path: "/api/v1/requests/{id}/rota", Summary: "Add a lender to the rota", Tag: "requests", Body: typeOf[LenderInput](), Response: typeOf[[]store.RotaEntry](),
			Handle: func(h *Handler, r *http.Request) (any, error) {
				var in LenderInput
				if err := decode(r, &in); err != nil {
					return nil, err
				}
				if err := h.app.AddLender(r.Context(), actorFrom(r.Context()), idParam(r), app.RotaChoice{Lender: in.Lender, Reason: in.Reason}, in.Position); err != nil {
					return nil, err
				}
				return h.app.Rota(r.Context(), actorFrom(r.Context()), idParam(r))
			}},
		{Method: "GET", Path: "/api/v1/requests/{id}/ledger", Summary: "Charges of a request", Tag: "money", Response: typeOf[[]store.Charge](),
			Handle: func(h *Handler, r *http.Request) (any, error) {
				cs, err := h.app.Ledger(r.Context(), actorFrom(r.Context()), idParam(r))
				if cs == nil {
					cs = []store.Charge{}
				}
				return cs, err
			}},
		{Method: "POST", Path: "/api/v1/requests/{id}/ledger", Summary: "Add a charge to a request", Tag: "money", Created: true, Body: typeOf[ChargeInput](), Response: typeOf[store.Charge](),
			Handle: func(h *Handler, r *http.Request) (any, error) {
				var in ChargeInput
				if err := decode(r, &in); err != nil {
					return nil, err
				}
				return h.app.AddCharge(r.Context(), actorFrom(r.Context()), idParam(r), store.Charge{Type: in.Type, Amount: in.Amount, Payer: in.Payer, Payee: in.Payee,
					BillingMethod: in.BillingMethod, PaymentMethod: in.PaymentMethod, Note: in.Note})
			}},
		{Method: "POST", Path: "/api/v1/requests/{id}/notes", Summary: "Add an internal note (never sent)", Tag: "requests", Created: true, Body: typeOf[NoteInput](), Response: typeOf[map[string]string](),
			Handle: func(h *Handler, r *http.Request) (any, error) {
				var in NoteInput
				if err := decode(r, &in); err != nil {
					return nil, err
				}
				return map[string]string{"status": "added"}, h.app.AddNote(r.Context(), actorFrom(r.Context()), idParam(r), in.Note)
			}},
		{Method: "POST", Path: "/api/v1/requests/{id}/read", Summary: "Mark partner messages read and clear the attention flag", Tag: "requests", Response: typeOf[map[string]string](),
			Handle: func(h *Handler, r *http.Request) (any, error) {
				return map[string]string{"status": "read"}, h.app.MarkRead(r.Context(), actorFrom(r.Context()), idParam(r))
			}},
	}, h.extraRoutes()...)
}

func actionViews(defs []ill.ActionDef) []ActionView {
	out := []ActionView{}
	for _, d := range defs {
		v := ActionView{Name: string(d.Name), Params: d.Params, Shortcut: d.Shortcut}
		if !d.Sends.IsZero() {
			v.Sends = d.Sends.String()
		}
		out = append(out, v)
	}
	return out
}

// view adds the caller's available actions to a request.
func (h *Handler) view(r *http.Request, req *ill.Request) RequestView {
	return RequestView{Request: req, AvailableActions: actionViews(h.app.ActionsFor(actorFrom(r.Context()), req))}
}

func (h *Handler) listRequests(r *http.Request) (any, error) {
	q := r.URL.Query()
	f := store.RequestFilter{Side: ill.Side(q.Get("side")), Query: q.Get("q"), Sort: q.Get("sort"), Attention: q.Get("attention") == "true", Open: q.Get("open") == "true"}
	for _, s := range q["state"] {
		f.States = append(f.States, ill.State(s))
	}
	fields := map[string]string{}
	if f.Side != "" && f.Side != ill.Borrowing && f.Side != ill.Lending {
		fields["side"] = "borrowing or lending"
	}
	atoi := func(name string, def, lo, hi int) int {
		v := q.Get(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			fields[name] = "a whole number from " + strconv.Itoa(lo) + " to " + strconv.Itoa(hi)
		}
		return n
	}
	f.Limit, f.Offset = atoi("limit", 50, 1, 500), atoi("offset", 0, 0, 1<<30)
	switch f.Sort {
	case "", "updated", "oldest", "created", "need_before":
	default:
		fields["sort"] = "updated, oldest, created or need_before"
	}
	if len(fields) > 0 {
		return nil, ill.E(ill.Invalid, "the query needs correcting", fields)
	}
	reqs, total, err := h.app.ListRequests(r.Context(), actorFrom(r.Context()), f)
	if err != nil {
		return nil, err
	}
	out := RequestList{Items: []RequestView{}, Total: total, Limit: f.Limit, Offset: f.Offset}
	for _, req := range reqs {
		out.Items = append(out.Items, RequestView{Request: req, AvailableActions: actionViews(h.app.ActionsFor(actorFrom(r.Context()), req))})
	}
	if next := f.Offset + len(reqs); next < total {
		out.Next = &next
	}
	return out, nil
}

func (h *Handler) timeline(r *http.Request) (any, error) {
	evs, msgs, err := h.app.Timeline(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	out := Timeline{Events: evs}
	if out.Events == nil {
		out.Events = []ill.Event{}
	}
	for _, m := range msgs {
		v := MessageView{ID: m.ID, Direction: m.Direction, Partner: string(m.Partner), Summary: m.Summary, Delivery: m.Delivery, Error: m.Error, Body: m.Body, Raw: m.Raw,
			CreatedAt: m.CreatedAt.Format("2006-01-02T15:04:05Z")}
		if !m.DeliveredAt.IsZero() {
			v.DeliveredAt = m.DeliveredAt.Format("2006-01-02T15:04:05Z")
		}
		out.Messages = append(out.Messages, v)
	}
	return out, nil
}

// RouteInfo names one route (tests check the description against it).
type RouteInfo struct{ Method, Path string }

// Routes lists the mounted routes.
func (h *Handler) Routes() []RouteInfo {
	var out []RouteInfo
	for _, rt := range h.routes() {
		out = append(out, RouteInfo{rt.Method, rt.Path})
	}
	return out
}
