package web_test

import (
	"net/http"
	"strings"
	"testing"

	"interlend/internal/apptest"
	"interlend/internal/ill"
)

// TestLendingDeskToolLinks: the lending desk links to its scanner pages,
// each with its shortcut, and every link leads to a page that opens; staff
// without the scan permission see only the returns page.
func TestLendingDeskToolLinks(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	w.Agency(t, "US-EXB", "Lender")
	w.User(t, "desk@example.edu", ill.Grant{Agency: "US-EXB", Role: ill.RoleLending})
	w.User(t, "look@example.edu", ill.Grant{Agency: "US-EXB", Role: ill.RoleReadOnly})
	tools := []struct{ href, label, key string }{
		{"/lending/slips", "Pull slips", "P"},
		{"/lending/scan?mode=found", "Scan found", "F"},
		{"/lending/scan?mode=ship", "Ship by scan", "S"},
		{"/lending/copies", "Copies to deliver", "C"},
		{"/lending/returns", "Returns and renewals", "R"},
	}
	desk := w.Client(t)
	desk.Login("desk@example.edu")
	page := desk.Get("/lending")
	if page.Status != http.StatusOK {
		t.Fatalf("desk: %d", page.Status)
	}
	for _, tl := range tools {
		link := `<a class="button secondary" href="` + strings.ReplaceAll(tl.href, "&", "&amp;") + `" data-key="` + tl.key + `" aria-keyshortcuts="Shift&#43;` + tl.key + `">` + tl.label
		if !strings.Contains(page.Body, link) {
			t.Errorf("the desk has no link %s", link)
		}
		if got := desk.Get(tl.href); got.Status != http.StatusOK {
			t.Errorf("GET %s from the desk: %d", tl.href, got.Status)
		}
	}
	// Each shortcut is used once on the page.
	for _, tl := range tools {
		if n := strings.Count(page.Body, `data-key="`+tl.key+`"`); n != 1 {
			t.Errorf("shortcut %s is on %d elements", tl.key, n)
		}
	}

	look := w.Client(t)
	look.Login("look@example.edu")
	page = look.Get("/lending")
	if page.Status != http.StatusOK {
		t.Fatalf("read-only desk: %d", page.Status)
	}
	for _, tl := range tools {
		shown := strings.Contains(page.Body, `href="`+strings.ReplaceAll(tl.href, "&", "&amp;")+`" data-key=`)
		if want := tl.href == "/lending/returns"; shown != want {
			t.Errorf("read-only staff: link to %s shown=%v, want %v", tl.href, shown, want)
		}
	}
}
