package api

import (
	"net/http"
	"strconv"
	"strings"

	"interlend/internal/app"
	"interlend/internal/ill"
)

// featureRoutes are route tables of features kept in their own files
// (added with addRoutes from init), appended to the main table by routes.
var featureRoutes []func(h *Handler) []route

// addRoutes registers a feature's routes (call from init).
func addRoutes(f func(h *Handler) []route) { featureRoutes = append(featureRoutes, f) }

// extraRoutes is every feature's routes.
func (h *Handler) extraRoutes() []route {
	var out []route
	for _, f := range featureRoutes {
		out = append(out, f(h)...)
	}
	return out
}

// StatusRequestInput names the request a test StatusRequest is about.
type StatusRequestInput struct {
	Request string `json:"request"`
}

// ReleaseResult says how many held messages were released.
type ReleaseResult struct {
	Released int `json:"released"`
}

// Protocol messages of a request, and partner libraries: how messages
// with each go, held and dead messages, re-drive, and a test
// StatusRequest with its round trip.
func init() {
	addRoutes(func(h *Handler) []route {
		return []route{
			{Method: "GET", Path: "/api/v1/requests/{id}/messages", Summary: "Every protocol message of a request: XML as it travelled and indented, delivery state, attempts and confirmation",
				Tag: "messages", Response: typeOf[[]app.MessageDetail](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					return h.app.RequestMessageDetails(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
				}},
			{Method: "GET", Path: "/api/v1/partners", Summary: "Partner libraries with how messages with each go (those with held or dead messages also listed first)", Tag: "partners",
				Response: typeOf[app.PartnerList](),
				Query:    []queryParam{{"q", "name or id", "string"}, {"limit", "page size, 1 to 200 (default 50)", "integer"}, {"offset", "items to skip", "integer"}},
				Handle:   (*Handler).partners},
			{Method: "GET", Path: "/api/v1/partners/{id}", Summary: "One partner: last message each way, error rates, messages by state, held and dead messages", Tag: "partners",
				Response: typeOf[app.PartnerOverview](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					return h.app.Partner(r.Context(), actorFrom(r.Context()), ill.AgencyID(r.PathValue("id")))
				}},
			{Method: "POST", Path: "/api/v1/partners/{id}/release", Summary: "Send the messages held for the partner now that it has an endpoint (409 while it has none)", Tag: "partners",
				Response: typeOf[ReleaseResult](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					n, err := h.app.ReleaseHeld(r.Context(), actorFrom(r.Context()), ill.AgencyID(r.PathValue("id")))
					return ReleaseResult{Released: n}, err
				}},
			{Method: "POST", Path: "/api/v1/messages/{id}/redrive", Summary: "Re-drive a refused or failed message (409 unless it is the first of its request not through)", Tag: "partners",
				Response: typeOf[app.MessageView](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
					if err != nil || id <= 0 {
						return nil, ill.E(ill.NotFound, "message ids are whole numbers")
					}
					return h.app.RedriveMessage(r.Context(), actorFrom(r.Context()), id)
				}},
			{Method: "POST", Path: "/api/v1/partners/{id}/status-request", Summary: "Send a test StatusRequest about an open borrowing request with the partner; returns the round trip so far",
				Tag: "partners", Created: true, Body: typeOf[StatusRequestInput](), Response: typeOf[app.RoundTrip](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					var in StatusRequestInput
					if err := decode(r, &in); err != nil {
						return nil, err
					}
					if strings.TrimSpace(in.Request) == "" {
						return nil, ill.E(ill.Invalid, "name the request to ask about", map[string]string{"request": "required"})
					}
					return h.app.SendStatusRequest(r.Context(), actorFrom(r.Context()), ill.AgencyID(r.PathValue("id")), in.Request)
				}},
			{Method: "GET", Path: "/api/v1/requests/{id}/status-requests/{message}", Summary: "The round trip of a StatusRequest: what we sent, the confirmation, and the partner's answers since",
				Tag: "partners", Response: typeOf[app.RoundTrip](),
				Handle: func(h *Handler, r *http.Request) (any, error) {
					id, err := strconv.ParseInt(r.PathValue("message"), 10, 64)
					if err != nil || id <= 0 {
						return nil, ill.E(ill.NotFound, "message ids are whole numbers")
					}
					return h.app.StatusRoundTrip(r.Context(), actorFrom(r.Context()), r.PathValue("id"), id)
				}},
		}
	})
}

func (h *Handler) partners(r *http.Request) (any, error) {
	q := r.URL.Query()
	fields := map[string]string{}
	num := func(name string, def, lo, hi int) int {
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
	pq := app.PartnerQuery{Text: q.Get("q"), Limit: num("limit", 50, 1, 200), Offset: num("offset", 0, 0, 1<<30)}
	if len(fields) > 0 {
		return nil, ill.E(ill.Invalid, "the query needs correcting", fields)
	}
	return h.app.Partners(r.Context(), actorFrom(r.Context()), pq)
}
