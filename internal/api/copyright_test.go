package api_test

import (
	"fmt"
	"strings"
	"testing"

	"interlend/internal/store/storetest"
)

// TestSixthCopyThroughTheAPI: the sixth copy request for a journal in a
// year lands in copyright clearance and sends no ISO 18626 message; once
// a royalty is recorded through the API it goes out as US-CCG and the fee
// is on the charges ledger.
func TestSixthCopyThroughTheAPI(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			create := func(n int) string {
				created := w.a.ok("POST", "/api/v1/requests", map[string]any{
					"citation": map[string]any{"journalTitle": "Journal of Interlibrary Loan", "issn": "1072-303X", "articleTitle": fmt.Sprintf("Article %d", n),
						"publicationDate": "2025", "publicationType": "Article", "pages": "1-9"},
					"serviceType": "Copy", "send": true, "lenders": []any{map[string]any{"lender": "US-EXB", "reason": "holds it"}}})
				return created["id"].(string)
			}
			for i := 1; i <= 5; i++ {
				r := w.state(t, w.a, create(i), "sent")
				if r["copyrightCompliance"] != "US-CCG" {
					t.Fatalf("copy %d sent with %v", i, r["copyrightCompliance"])
				}
			}
			sixth := create(6)
			w.state(t, w.a, sixth, "awaiting_copyright")
			if msgs := msgsOf(t, w, sixth); len(msgs) != 0 {
				t.Fatalf("the held request emitted %d messages", len(msgs))
			}
			queue := w.a.call("GET", "/api/v1/copyright/clearance", nil)
			if queue.Status != 200 || !strings.Contains(string(queue.Raw), sixth) {
				t.Fatalf("clearance queue: %d %s", queue.Status, queue.Raw)
			}
			// Bad input changes nothing.
			bad := w.a.call("POST", "/api/v1/requests/"+sixth+"/copyright/clearance", map[string]any{"option": "pay-royalty", "amount": -5, "currency": "USD"})
			if bad.Status != 400 && bad.Status != 422 {
				t.Errorf("negative royalty: %d %s", bad.Status, bad.Raw)
			}
			w.state(t, w.a, sixth, "awaiting_copyright")
			w.a.ok("POST", "/api/v1/requests/"+sixth+"/copyright/clearance", map[string]any{"option": "pay-royalty", "amount": 3250, "currency": "USD",
				"payee": "Copyright Clearance Center", "reference": "CCC-1"})
			r := w.state(t, w.a, sixth, "sent")
			if r["copyrightCompliance"] != "US-CCG" {
				t.Errorf("sent with %v", r["copyrightCompliance"])
			}
			if msgs := msgsOf(t, w, sixth); len(msgs) != 1 || !strings.Contains(fmt.Sprint(msgs[0]), "US-CCG") {
				t.Errorf("messages after the royalty: %v", msgs)
			}
			ledger := w.a.call("GET", "/api/v1/requests/"+sixth+"/ledger", nil)
			if s := string(ledger.Raw); !strings.Contains(s, "copyright_royalty") || !strings.Contains(s, "3250") || !strings.Contains(s, "CCC-1") {
				t.Errorf("charges: %s", s)
			}
			entry := w.a.ok("GET", "/api/v1/requests/"+sixth+"/copyright", nil)
			if entry["state"] != "royalty-paid" || entry["category"] != "US-CCG" {
				t.Errorf("ledger row: %v", entry)
			}
			rep := w.a.ok("GET", "/api/v1/copyright/report?year=2026", nil)
			if s := fmt.Sprint(rep["rows"]); !strings.Contains(s, "counted:5") || !strings.Contains(s, "royaltyPaid:1") {
				t.Errorf("report: %s", s)
			}
		})
	}
}
