// Package api is Interlend's JSON API under /api/v1, described by OpenAPI 3
// at /api/v1/openapi.json. The route table in routes.go is the single source
// for the mux and the description (a test checks they agree). Callers
// authenticate with an API token (Authorization: Bearer il_...) or a web
// session (cookie plus X-CSRF-Token on changes); roles decide what they may
// do, as in the web desks.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"interlend/internal/app"
	"interlend/internal/auth"
	"interlend/internal/ill"
	"interlend/internal/server"
)

// Handler serves the API.
type Handler struct {
	app *app.App
}

// New makes the API handler.
func New(a *app.App) *Handler { return &Handler{app: a} }

// Register mounts every route of the table.
func (h *Handler) Register(mux *http.ServeMux) {
	for _, rt := range h.routes() {
		mux.Handle(rt.Method+" "+rt.Path, h.adapt(rt))
	}
}

// errorBody is the JSON of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Kind           string            `json:"kind"`
	Message        string            `json:"message"`
	Fields         map[string]string `json:"fields,omitempty"`
	AllowedActions []string          `json:"allowedActions,omitempty"`
	RequestID      string            `json:"requestId,omitempty"`
}

type ctxKey struct{}

// actorFrom is the authenticated actor of a request.
func actorFrom(ctx context.Context) ill.Actor {
	a, _ := ctx.Value(ctxKey{}).(ill.Actor)
	return a
}

// adapt authenticates, runs the handler and renders its result or error.
func (h *Handler) adapt(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !rt.Public {
			actor, err := h.authenticate(r)
			if err != nil {
				h.writeError(w, r, err)
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, actor))
		}
		out, err := rt.Handle(h, r)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		status := http.StatusOK
		if r.Method == http.MethodPost && rt.Created {
			status = http.StatusCreated
		}
		writeJSON(w, status, out)
	})
}

// authenticate finds the actor: a bearer API token, or a web session
// (which must carry its CSRF token on changes).
func (h *Handler) authenticate(r *http.Request) (ill.Actor, error) {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return h.app.ActorForAPIToken(r.Context(), strings.TrimSpace(tok))
	}
	c, err := r.Cookie("interlend_session")
	if err != nil {
		return ill.Actor{}, ill.E(ill.Unauthenticated, "send an API token (Authorization: Bearer ...) or log in")
	}
	se, u, err := h.app.Session(r.Context(), c.Value)
	if err != nil {
		return ill.Actor{}, err
	}
	if !se.SecondFactor {
		return ill.Actor{}, ill.E(ill.Unauthenticated, "finish logging in (second factor)")
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !auth.SameToken(r.Header.Get("X-CSRF-Token"), se.CSRFToken) {
		return ill.Actor{}, ill.E(ill.Forbidden, "changes through a web session need the X-CSRF-Token header")
	}
	return app.ActorFor(u, se.Agency), nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	kind := ill.KindOf(err)
	body := errorBody{Error: errorDetail{Kind: kind.String(), Message: ill.UserMessage(err), Fields: ill.FieldErrors(err), RequestID: server.RequestID(r.Context())}}
	var na *app.ActionNotAllowed
	if errors.As(err, &na) {
		body.Error.AllowedActions = na.Allowed
		if body.Error.AllowedActions == nil {
			body.Error.AllowedActions = []string{}
		}
	}
	if kind == ill.Internal {
		h.app.Log.Error("api request failed", "request_id", body.Error.RequestID, "path", r.URL.Path, "err", err)
	}
	if kind == ill.Unauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="interlend"`)
	}
	writeJSON(w, server.StatusFor(err), body)
}

// decode reads a JSON body strictly: unknown fields and wrong types are
// errors with field-level messages; nothing is applied on error.
func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return ill.E(ill.Invalid, "send JSON (Content-Type: application/json)", map[string]string{"Content-Type": ct})
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return ill.E(ill.Invalid, "the body holds more than one JSON value")
	}
	return nil
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return ill.E(ill.Invalid, "the body is empty; send a JSON object")
	case errors.As(err, &syn):
		return ill.E(ill.Invalid, fmt.Sprintf("malformed JSON at byte %d: %v", syn.Offset, syn))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(body)"
		}
		return ill.E(ill.Invalid, "a field has the wrong type", map[string]string{field: fmt.Sprintf("expected %s, got %s", typ.Type, typ.Value)})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return ill.E(ill.Invalid, "the body has a field this API does not know", map[string]string{name: "unknown field"})
	}
	var pe interface{ Error() string }
	if errors.As(err, &pe) && strings.Contains(err.Error(), "parsing time") {
		return ill.E(ill.Invalid, "a date is not in RFC 3339 form (2026-03-14T00:00:00Z)", map[string]string{"date": err.Error()})
	}
	return ill.E(ill.Invalid, "the body is not valid JSON: "+err.Error())
}
