package api_test

import (
	"bytes"
	"encoding/base64"
	"image"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/image/tiff"

	"interlend/internal/store"
)

// postRaw posts a raw body with a content type.
func (c *client) postRaw(path, ctype string, body []byte) resp {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.base+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", ctype)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(res.Body)
	return resp{Status: res.StatusCode, Raw: buf.Bytes()}
}

// TestLendingDeskThroughTheAPI: slips, a ship scan, labels, a return
// scan; a copy delivered as a TIFF body; refusals that change nothing.
func TestLendingDeskThroughTheAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	b := w.a.ok("POST", "/api/v1/requests", map[string]any{"citation": map[string]any{"title": "Silent spring"}, "send": true,
		"lenders": []map[string]any{{"lender": "US-EXB"}}})
	id := b["id"].(string)
	lid := w.lendingID(t, w.b, id)
	w.b.act(lid, "expect_to_supply", nil)
	slips := w.b.ok("POST", "/api/v1/lending/pull-slips", map[string]any{"ids": []string{lid}, "perPage": 4})
	pdfB64, _ := slips["pdf"].(string)
	if raw, err := base64.StdEncoding.DecodeString(pdfB64); err != nil || !bytes.HasPrefix(raw, []byte("%PDF-")) {
		t.Fatalf("pull slips: %v %.40q", err, pdfB64)
	}
	w.state(t, w.b, lid, "pulled")
	for _, tc := range []struct {
		name string
		body map[string]any
		want int
	}{
		{"unknown barcode", map[string]any{"mode": "found", "code": "NOPE"}, http.StatusNotFound},
		{"unknown mode", map[string]any{"mode": "teleport", "code": lid}, http.StatusBadRequest},
		{"ship before found", map[string]any{"mode": "ship", "code": lid}, http.StatusConflict},
	} {
		if r := w.b.call("POST", "/api/v1/lending/scan", tc.body); r.Status != tc.want {
			t.Errorf("%s: %d %s", tc.name, r.Status, r.Raw)
		}
	}
	w.state(t, w.b, lid, "pulled")
	w.b.ok("POST", "/api/v1/lending/scan", map[string]any{"mode": "found", "code": lid})
	res := w.b.ok("POST", "/api/v1/lending/scan", map[string]any{"mode": "ship", "code": lid, "courier": "UPS", "trackingId": "1Z1"})
	if req, _ := res["request"].(map[string]any); req["state"] != "shipped" || res["from"] != "awaiting_shipping" {
		t.Errorf("ship scan: %v", res)
	}
	if r := w.b.call("POST", "/api/v1/lending/scan", map[string]any{"mode": "ship", "code": lid}); r.Status != http.StatusConflict || !strings.Contains(string(r.Raw), "already scanned") {
		t.Errorf("second ship scan: %d %s", r.Status, r.Raw)
	}
	w.b.ok("POST", "/api/v1/lending/labels", map[string]any{"ids": []string{lid}, "stock": "letter"})
	if r := w.b.call("POST", "/api/v1/lending/labels", map[string]any{"ids": []string{lid}, "stock": "a5"}); r.Status != http.StatusBadRequest {
		t.Errorf("unknown stock: %d", r.Status)
	}
	w.settle(t)
	for _, a := range []string{"receive", "check_out", "check_in", "ship_return"} {
		w.a.act(id, a, nil)
	}
	w.settle(t)
	w.b.ok("POST", "/api/v1/lending/scan", map[string]any{"mode": "return", "code": lid})
	w.state(t, w.b, lid, "completed")

	// A copy.
	c := w.a.ok("POST", "/api/v1/requests", map[string]any{"citation": map[string]any{"title": "J", "articleTitle": "A"}, "serviceType": "Copy", "send": true,
		"lenders": []map[string]any{{"lender": "US-EXB"}}})
	cid := w.lendingID(t, w.b, c["id"].(string))
	w.b.act(cid, "will_supply", nil)
	var page bytes.Buffer
	if err := tiff.Encode(&page, image.NewGray(image.Rect(0, 0, 200, 280)), nil); err != nil {
		t.Fatal(err)
	}
	if r := w.b.postRaw("/api/v1/lending/requests/"+cid+"/copy/upload", "text/plain", []byte("hello")); r.Status != http.StatusBadRequest {
		t.Errorf("text body: %d %s", r.Status, r.Raw)
	}
	if r := w.b.postRaw("/api/v1/lending/requests/"+cid+"/copy/upload", "application/pdf", []byte("hello")); r.Status != http.StatusBadRequest {
		t.Errorf("not a PDF: %d %s", r.Status, r.Raw)
	}
	w.state(t, w.b, cid, "awaiting_scan")
	r := w.b.postRaw("/api/v1/lending/requests/"+cid+"/copy/upload", "image/tiff", page.Bytes())
	if r.Status != http.StatusOK || !strings.Contains(string(r.Raw), `"assembled": true`) {
		t.Fatalf("copy: %d %s", r.Status, r.Raw)
	}
	w.state(t, w.b, cid, "completed")
	if r := w.b.postRaw("/api/v1/lending/requests/"+cid+"/copy/resend/upload?note=Rescanned", "image/tiff", page.Bytes()); r.Status != http.StatusOK {
		t.Errorf("resend: %d %s", r.Status, r.Raw)
	}
}
