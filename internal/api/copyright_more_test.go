package api_test

import (
	"context"
	"testing"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// TestUKDeclarationThroughTheAPI: with the UK regime a copy request made
// with copyrightDeclaration goes ahead as UK-FairDealing with the
// declaration stored; one made without waits for clearance until a
// declaration is recorded for it, then goes on.
func TestUKDeclarationThroughTheAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	ctx := context.Background()
	mgr := ill.Actor{Kind: ill.ActorStaff, Agency: "US-EXA", Grants: ill.Grants{{Agency: "US-EXA", Role: ill.RoleManager}}}
	set, err := app.CopyrightSetting.Get(ctx, w.App.DB, "US-EXA")
	if err != nil {
		t.Fatal(err)
	}
	set.Regime, set.Currency = "UK", "GBP"
	if err := w.App.PutSetting(ctx, mgr, "US-EXA", "copyright", set); err != nil {
		t.Fatal(err)
	}
	create := func(title string, decl map[string]any) string {
		body := map[string]any{"serviceType": "Copy",
			"citation": map[string]any{"journalTitle": "Review of Library Law", "articleTitle": title, "publicationDate": "2025", "publicationType": "Article"}}
		if decl != nil {
			body["copyrightDeclaration"] = decl
		}
		return w.a.ok("POST", "/api/v1/requests", body)["id"].(string)
	}
	if res := w.a.call("POST", "/api/v1/requests", map[string]any{"serviceType": "Copy", "copyrightDeclaration": map[string]any{"accepted": true},
		"citation": map[string]any{"journalTitle": "Review of Library Law", "articleTitle": "Unsigned", "publicationDate": "2025", "publicationType": "Article"}}); res.Status != 400 && res.Status != 422 {
		t.Errorf("a declaration without a name: %d %s", res.Status, res.Raw)
	}
	signed := create("Signed on paper", map[string]any{"accepted": true, "name": "Ada Reader"})
	if r := w.a.ok("GET", "/api/v1/requests/"+signed, nil); r["state"] == "awaiting_copyright" || r["copyrightCompliance"] != "UK-FairDealing" {
		t.Errorf("signed: %v %v", r["state"], r["copyrightCompliance"])
	}
	if d := w.a.ok("GET", "/api/v1/requests/"+signed+"/copyright/declaration", nil); d["signature"] != "Ada Reader" || d["textVersion"] != "interlend-uk-s42a-1" {
		t.Errorf("declaration: %v", d)
	}
	held := create("Not yet signed", nil)
	w.state(t, w.a, held, "awaiting_copyright")
	w.a.ok("POST", "/api/v1/requests/"+held+"/copyright/declaration", map[string]any{"accepted": true, "name": "Ada Reader"})
	if r := w.a.ok("GET", "/api/v1/requests/"+held, nil); r["state"] == "awaiting_copyright" || r["copyrightCompliance"] != "UK-FairDealing" {
		t.Errorf("after the declaration: %v %v", r["state"], r["copyrightCompliance"])
	}
	if res := w.b.call("GET", "/api/v1/requests/"+held+"/copyright/declaration", nil); res.Status != 404 {
		t.Errorf("another library reads the declaration: %d", res.Status)
	}
}
