package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"interlend/internal/store"
)

// TestILSStepsInTheAPI: a loan received at a library without an ILS shows
// its steps as done by Interlend; finished steps cannot be retried or
// completed again, and bad input changes nothing.
func TestILSStepsInTheAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	b := w.a.ok("POST", "/api/v1/requests", map[string]any{"citation": map[string]any{"title": "Silent spring"}, "send": true,
		"lenders": []map[string]any{{"lender": "US-EXB"}}})
	id := b["id"].(string)
	lid := w.lendingID(t, w.b, id)
	w.b.act(lid, "will_supply", nil)
	w.b.act(lid, "ship", nil)
	w.settle(t)
	w.a.act(id, "receive", nil)

	res := w.a.call("GET", "/api/v1/requests/"+id+"/ils", nil)
	if res.Status != http.StatusOK || len(res.Raw) == 0 {
		t.Fatalf("list: %d %s", res.Status, res.Raw)
	}
	var steps []map[string]any
	if err := json.Unmarshal(res.Raw, &steps); err != nil {
		t.Fatal(err)
	}
	if len(steps) != 1 || steps[0]["service"] != "AcceptItem" || steps[0]["state"] != "done" || steps[0]["canComplete"] != false {
		t.Fatalf("steps = %v", steps)
	}
	if d, _ := steps[0]["data"].(map[string]any); d["via"] != "interlend" {
		t.Errorf("data = %v", steps[0]["data"])
	}
	tests := []struct {
		name, method, path string
		body               any
		want               int
	}{
		{"retry a done step", "POST", "/ils/AcceptItem/retry", nil, http.StatusConflict},
		{"complete a done step", "POST", "/ils/AcceptItem/done", map[string]any{"note": "again"}, http.StatusConflict},
		{"unknown field", "POST", "/ils/AcceptItem/done", map[string]any{"barcode": "X"}, http.StatusBadRequest},
		{"step the request lacks", "POST", "/ils/DeleteItem/done", map[string]any{}, http.StatusNotFound},
		{"another library's request", "GET", "/ils", nil, http.StatusNotFound},
	}
	for _, tc := range tests {
		c := w.a
		if tc.name == "another library's request" {
			c = w.c
		}
		if r := c.call(tc.method, "/api/v1/requests/"+id+tc.path, tc.body); r.Status != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, r.Status, r.Raw, tc.want)
		}
	}
}
