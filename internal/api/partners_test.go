package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"interlend/internal/store"
)

// Protocol messages through the API: raw and indented XML with delivery
// state, attempts and confirmation; a partner's page; a test
// StatusRequest and its round trip; bad input refused with nothing
// changed.
func TestMessagesAndPartnersThroughTheAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	created := w.a.ok("POST", "/api/v1/requests", map[string]any{
		"citation": map[string]any{"title": "Messages", "author": "Carson, Rachel"}, "serviceType": "Loan", "send": true,
		"lenders": []any{map[string]any{"lender": "US-EXB", "reason": "holds it"}}})
	id := created["id"].(string)
	w.settle(t)

	var msgs []map[string]any
	r := w.a.call("GET", "/api/v1/requests/"+id+"/messages", nil)
	if r.Status != 200 || json.Unmarshal(r.Raw, &msgs) != nil || len(msgs) != 1 {
		t.Fatalf("messages: %d %s", r.Status, r.Raw)
	}
	m := msgs[0]
	if m["direction"] != "out" || m["state"] != "delivered" || m["attempts"] != 1.0 || m["confirmation"] != "OK" || m["subject"] != "New" ||
		!strings.Contains(m["raw"].(string), "<ISO18626Message") || !strings.Contains(m["pretty"].(string), "\n  <") {
		t.Errorf("message: %v", m)
	}
	if log, _ := m["attemptLog"].([]any); len(log) != 1 || log[0].(map[string]any)["outcome"] != "done" || log[0].(map[string]any)["result"] != "OK" {
		t.Errorf("attempt log: %v", m["attemptLog"])
	}

	rt := w.a.ok("POST", "/api/v1/partners/US-EXB/status-request", map[string]any{"request": id})
	sent := int64(rt["sent"].(map[string]any)["id"].(float64))
	w.settle(t)
	rt = w.a.ok("GET", fmt.Sprintf("/api/v1/requests/%s/status-requests/%d", id, sent), nil)
	if rt["done"] != true || len(rt["replies"].([]any)) != 1 {
		t.Errorf("round trip: %v", rt)
	}
	p := w.a.ok("GET", "/api/v1/partners/US-EXB", nil)
	if p["lastOut"] == nil || p["lastIn"] == nil || p["week"].(map[string]any)["out"] != 2.0 || len(p["dead"].([]any)) != 0 {
		t.Errorf("partner: %v", p)
	}
	if l := w.a.ok("GET", "/api/v1/partners?limit=10", nil); l["limit"] != 10.0 {
		t.Errorf("partner list: %v", l)
	}

	before := len(msgsOf(t, w, id))
	for _, c := range []struct {
		name, method, path string
		body               any
		status             int
	}{
		{"no request named", "POST", "/api/v1/partners/US-EXB/status-request", map[string]any{}, 400},
		{"an unknown field", "POST", "/api/v1/partners/US-EXB/status-request", map[string]any{"request": id, "urgent": true}, 400},
		{"another partner", "POST", "/api/v1/partners/US-EXC/status-request", map[string]any{"request": id}, 400},
		{"an unknown request", "POST", "/api/v1/partners/US-EXB/status-request", map[string]any{"request": "B9999999"}, 404},
		{"a bad limit", "GET", "/api/v1/partners?limit=0", nil, 400},
		{"a message id that is not a number", "POST", "/api/v1/messages/abc/redrive", nil, 404},
		{"re-driving a delivered message", "POST", fmt.Sprintf("/api/v1/messages/%d/redrive", sent), nil, 409},
		{"releasing without held messages or endpoint", "POST", "/api/v1/partners/US-EXB/release", nil, 409},
		{"another library's messages", "GET", "/api/v1/requests/" + id + "/messages", nil, 404},
	} {
		cl := w.a
		if c.name == "another library's messages" {
			cl = w.c
		}
		if r := cl.call(c.method, c.path, c.body); r.Status != c.status || r.Body["error"] == nil {
			t.Errorf("%s: %d %s, want %d with an error object", c.name, r.Status, r.Raw, c.status)
		}
	}
	if after := len(msgsOf(t, w, id)); after != before {
		t.Errorf("bad input changed the messages: %d → %d", before, after)
	}
}

func msgsOf(t *testing.T, w *world, id string) []any {
	t.Helper()
	var out []any
	if r := w.a.call("GET", "/api/v1/requests/"+id+"/messages", nil); json.Unmarshal(r.Raw, &out) != nil {
		t.Fatalf("messages: %s", r.Raw)
	}
	return out
}
