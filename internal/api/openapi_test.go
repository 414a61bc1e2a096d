package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"interlend/internal/api"
	"interlend/internal/apptest"
)

// TestOpenAPICoversEveryRoute: each route answers (not 404/405) and is
// described in /api/v1/openapi.json with its method.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	res, err := http.Get(w.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") || len(doc.Paths) == 0 {
		t.Fatalf("not an OpenAPI 3 document: %q, %d paths", doc.OpenAPI, len(doc.Paths))
	}
	for _, rt := range api.New(w.App).Routes() {
		ops, ok := doc.Paths[rt.Path]
		if !ok || ops[strings.ToLower(rt.Method)] == nil {
			t.Errorf("%s %s is not in the OpenAPI document", rt.Method, rt.Path)
		}
		path := strings.NewReplacer("{id}", "B1000001", "{action}", "send", "{side}", "borrowing").Replace(rt.Path)
		req, _ := http.NewRequest(rt.Method, w.URL+path, nil)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode == http.StatusNotFound || r.StatusCode == http.StatusMethodNotAllowed {
			t.Errorf("%s %s answers %d: not mounted", rt.Method, path, r.StatusCode)
		}
	}
	// And nothing described is missing from the table.
	n := 0
	for _, ops := range doc.Paths {
		n += len(ops)
	}
	if n != len(api.New(w.App).Routes()) {
		t.Errorf("OpenAPI has %d operations, the route table %d", n, len(api.New(w.App).Routes()))
	}
}
