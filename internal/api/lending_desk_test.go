package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"interlend/internal/store"
)

// TestLendingDeskInTheAPI: queue counts, a queue's list, a batch where one
// request was changed meanwhile (reported, left alone), a request entered
// by hand (twice: 409) and the detail.
func TestLendingDeskInTheAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	var lids []string
	for _, title := range []string{"One", "Two"} {
		b := w.a.ok("POST", "/api/v1/requests", map[string]any{"citation": map[string]any{"title": title}, "send": true,
			"lenders": []map[string]any{{"lender": "US-EXB"}}})
		lids = append(lids, w.lendingID(t, w.b, b["id"].(string)))
	}
	q := w.b.ok("GET", "/api/v1/lending/queues", nil)
	if q["open"] != float64(2) {
		t.Fatalf("queues = %v", q)
	}
	list := w.b.ok("GET", "/api/v1/lending/requests?queue=new", nil)
	if list["total"] != float64(2) {
		t.Fatalf("new queue = %v", list)
	}
	first := w.b.ok("GET", "/api/v1/requests/"+lids[0], nil)
	w.b.act(lids[1], "expect_to_supply", nil) // someone else, meanwhile
	res := w.b.call("POST", "/api/v1/lending/batch", map[string]any{"action": "expect_to_supply",
		"items": []map[string]any{{"id": lids[0], "version": first["version"]}, {"id": lids[1], "version": first["version"]}}})
	var out struct {
		Done    int
		Results []struct {
			ID, Error, ErrorKind string
			OK                   bool
		}
	}
	if err := json.Unmarshal(res.Raw, &out); err != nil || res.Status != http.StatusOK {
		t.Fatalf("batch: %d %s", res.Status, res.Raw)
	}
	if out.Done != 1 || !out.Results[0].OK || out.Results[1].OK || out.Results[1].ErrorKind != "conflict" {
		t.Fatalf("batch results %+v", out)
	}
	for _, bad := range []map[string]any{{"action": "expect_to_supply"}, {"action": "fly", "items": []map[string]any{{"id": lids[0]}}}} {
		if r := w.b.call("POST", "/api/v1/lending/batch", bad); r.Status != http.StatusBadRequest {
			t.Errorf("batch %v: %d %s", bad, r.Status, r.Raw)
		}
	}
	entry := map[string]any{"borrower": "US-EXC", "borrowerRequestId": "MAIL-1", "citation": map[string]any{"title": "By post"}, "externalSystem": "email"}
	if r := w.b.call("POST", "/api/v1/lending/requests", entry); r.Status != http.StatusCreated {
		t.Fatalf("enter: %d %s", r.Status, r.Raw)
	}
	if r := w.b.call("POST", "/api/v1/lending/requests", entry); r.Status != http.StatusConflict {
		t.Errorf("enter again: %d %s", r.Status, r.Raw)
	}
	if r := w.b.call("POST", "/api/v1/lending/requests", map[string]any{"citation": map[string]any{"title": "No borrower"}}); r.Status != http.StatusBadRequest {
		t.Errorf("no borrower: %d %s", r.Status, r.Raw)
	}
	d := w.b.ok("GET", "/api/v1/lending/requests/"+lids[0], nil)
	if _, ok := d["holdings"]; !ok {
		t.Errorf("detail = %v", d)
	}
	if r := w.a.call("GET", "/api/v1/lending/requests/"+lids[0], nil); r.Status != http.StatusNotFound {
		t.Errorf("another library's detail: %d", r.Status)
	}
}
