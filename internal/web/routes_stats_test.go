package web_test

import (
	"context"
	"encoding/csv"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/bibid"
	"interlend/internal/demo"
	"interlend/internal/ill"
	"interlend/internal/patron"
	"interlend/internal/stats"
)

// The statistics pages, for the pseudo-locale and axe tests.
func init() {
	addPseudoPage(
		pseudoPage{Page: "stats_dashboard", As: "manager", Path: "/stats?period=12m", Setup: statsSetup},
		pseudoPage{Page: "stats_dashboard", Name: "stats_dashboard/consortium", As: "operator", Path: "/stats?period=12m", Setup: statsSetup},
		pseudoPage{Page: "stats_dashboard", Name: "stats_dashboard/empty", As: "readonly", Path: "/stats?from=2001-01-01&to=2001-01-31"},
		pseudoPage{Page: "stats_measures", As: "manager", Path: "/stats/measures?period=12m", Setup: statsSetup},
		pseudoPage{Page: "stats_lenders", As: "borrowing", Path: "/stats/lenders?period=12m", Setup: statsSetup},
		pseudoPage{Page: "stats_collection", As: "manager", Path: "/stats/collection", Setup: statsSetup},
		pseudoPage{Page: "stats_survey", As: "manager", Path: "/stats/survey?year=2025", Setup: statsSetup},
		pseudoPage{Page: "stats_export", As: "manager", Path: "/stats/export", Setup: statsSetup},
		pseudoPage{Page: "stats_export", Name: "stats_export/noidentity", As: "borrowing", Path: "/stats/export?period=lastmonth"},
		pseudoPage{Page: "error", Name: "error/stats-patron", As: "patron", Path: "/stats", Status: http.StatusForbidden},
		pseudoPage{Page: "error", Name: "error/stats-dates", As: "manager", Path: "/stats?from=2026-13-01&to=x", Status: http.StatusBadRequest},
	)
}

// statsPartner is the pseudo world's partner library (not hosted).
const statsPartner = ill.AgencyID("US-PSX")

// statsSetup gives the pseudo world's library 200 days of history with a
// partner, and its statistics.
func statsSetup(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
	pw.Once("stats.history", func() {
		pw.Known(statsKnown()...)
		pw.Known(string(statsPartner))
		loadHistory(t, pw.World, pw.Agency, statsPartner, 15)
	})
	return ""
}

// statsKnown is the data the history shows: titles, authors, identifiers,
// categories, departments.
func statsKnown() []string {
	var out []string
	for _, c := range demo.HistoryTitles() {
		out = append(out, c.Title, c.ArticleTitle, c.JournalTitle, c.Author)
		if v, ok := bibid.NormaliseISBN(c.ISBN); ok {
			out = append(out, v)
		}
		if v, ok := bibid.NormaliseISSN(c.ISSN); ok {
			out = append(out, v)
		}
	}
	return append(out, demo.HistoryWords()...)
}

// loadHistory writes generated history for a hosted library that
// exchanges with a partner outside, and rebuilds its statistics.
func loadHistory(t *testing.T, w *apptest.World, ag, partner ill.AgencyID, pairs int) {
	t.Helper()
	ctx := context.Background()
	hs := demo.History([]ill.AgencyID{ag}, demo.HistoryOptions{End: w.Clock.Now(), Days: 200, Pairs: pairs, External: []ill.AgencyID{partner}, Seed: 11})
	if _, err := w.App.AddStatsHistory(ctx, ag, hs[ag]); err != nil {
		t.Fatal(err)
	}
	if _, err := w.App.RebuildStats(ctx, ag, nil); err != nil {
		t.Fatal(err)
	}
}

// tableCSV finds the CSV links under the reports' tables.
var tableCSV = regexp.MustCompile(`href="(/stats/table/[^"]+)"`)

func parseCSV(t *testing.T, body string) [][]string {
	t.Helper()
	if !strings.HasPrefix(body, "\ufeff") {
		t.Fatalf("no byte order mark: %.60q", body)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// Over HTTP: the pages render their charts, each chart's CSV matches its
// table, the exports stream Excel-safe CSV, patrons appear only for those
// who may see them and ask, and bad input is refused.
func TestStatsPagesOverHTTP(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	const ag = ill.AgencyID("US-WEB")
	w.Agency(t, ag, "Web Library")
	w.User(t, "mgr@web.example", ill.Grant{Agency: ag, Role: ill.RoleManager})
	w.User(t, "bor@web.example", ill.Grant{Agency: ag, Role: ill.RoleBorrowing})
	w.User(t, "stu@web.example", ill.Grant{Agency: ag, Role: ill.RoleStudent})
	loadHistory(t, w, ag, "US-WEBX", 20)
	ctx := context.Background()
	mgrActor := app.ActorFor(w.User(t, "mgr2@web.example", ill.Grant{Agency: ag, Role: ill.RoleManager}), ag)
	p, err := w.App.CreatePatron(ctx, mgrActor, ag, patron.Record{Barcode: "B-777", Name: "Zed Confidential", HomeLibrary: "Law"})
	if err != nil {
		t.Fatal(err)
	}
	evil := stats.Journey{Side: ill.Borrowing, Service: ill.Loan, Submitted: w.Clock.Now().Add(-48 * time.Hour), Category: "=cmd|' /C calc'!A0"}
	if _, err := w.App.AddStatsHistory(ctx, ag, []app.HistoryRequest{{Journey: evil, PatronID: p.ID,
		Citation: ill.Citation{Title: `=HYPERLINK("http://evil.example","x")`, Author: "@SUM(A1)"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.App.RebuildStats(ctx, ag, nil); err != nil {
		t.Fatal(err)
	}

	mgr := w.Client(t)
	mgr.Login("mgr@web.example")
	r := mgr.Get("/stats?period=12m")
	if r.Status != http.StatusOK || strings.Count(r.Body, "<svg") != 5 || !strings.Contains(r.Body, "Borrowing fill rate") {
		t.Fatalf("dashboard: %d, %d charts\n%.500s", r.Status, strings.Count(r.Body, "<svg"), r.Body)
	}
	for _, chart := range []string{"weekly", "wait", "partners", "states", "seasons", "headlines"} {
		r := mgr.Get("/stats/chart/" + chart + ".csv?period=12m")
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("%s CSV: %d %s", chart, r.Status, r.Header.Get("Content-Type"))
			continue
		}
		if rows := parseCSV(t, r.Body); len(rows) < 2 {
			t.Errorf("%s CSV has %d rows", chart, len(rows))
		}
	}
	if r := mgr.Get("/stats/chart/nope.csv"); r.Status != http.StatusNotFound {
		t.Errorf("unknown chart: %d", r.Status)
	}
	for _, path := range []string{"/stats/measures?period=12m", "/stats/lenders?period=12m", "/stats/collection", "/stats/survey", "/stats/export"} {
		if r := mgr.Get(path); r.Status != http.StatusOK {
			t.Errorf("%s: %d", path, r.Status)
		}
	}
	// Every table of the measures, lenders and collection pages has its
	// CSV beside it, with the table's head and as many rows.
	for path, want := range map[string]int{"/stats/measures?period=12m": 20, "/stats/lenders?period=12m": 1, "/stats/collection": 5} {
		page := mgr.Get(path).Body
		links := tableCSV.FindAllStringSubmatch(page, -1)
		if len(links) < want {
			t.Errorf("%s: %d table CSV links, want at least %d", path, len(links), want)
		}
		for _, l := range links {
			href := html.UnescapeString(l[1])
			r := mgr.Get(href)
			if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
				t.Errorf("%s: %d", href, r.Status)
				continue
			}
			rows := parseCSV(t, r.Body)
			if len(rows) < 1 || !strings.Contains(strings.ToLower(page), strings.ToLower(html.EscapeString(rows[0][0]))) {
				t.Errorf("%s: head %v not on the page", href, rows[0])
			}
		}
	}
	for _, bad := range []string{"/stats/table/nope.csv", "/stats/table/measures-nope.csv", "/stats/table/collection-titles"} {
		if r := mgr.Get(bad); r.Status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", bad, r.Status)
		}
	}

	// The export with identity, for a manager who asks.
	r = mgr.Get("/stats/export/requests.csv?period=12m&identity=1")
	rows := parseCSV(t, r.Body)
	if r.Status != http.StatusOK || rows[0][len(rows[0])-2] != "patron_name" || !strings.Contains(r.Body, "Zed Confidential") {
		t.Fatalf("export with identity: %d %v", r.Status, rows[0])
	}
	for _, row := range rows[1:] {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("formula-looking cell in the export: %q", cell)
			}
		}
	}
	if !strings.Contains(r.Body, `'=HYPERLINK`) || !strings.Contains(r.Body, `'@SUM(A1)`) || !strings.Contains(r.Body, `'=cmd|`) {
		t.Error("the formula cells are not escaped")
	}
	// Without asking, no identity.
	if r := mgr.Get("/stats/export/requests.csv?period=12m"); strings.Contains(r.Body, "Zed Confidential") || strings.Contains(r.Body, "B-777") {
		t.Error("the export without identity names the patron")
	}

	// Borrowing staff may export, but not with identity.
	bor := w.Client(t)
	bor.Login("bor@web.example")
	r = bor.Get("/stats/export/requests.csv?period=12m&identity=1")
	if r.Status != http.StatusForbidden || strings.Contains(r.Body, "Zed") || strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("identity without the right: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	r = bor.Get("/stats/export/events.csv?period=12m")
	if ev := parseCSV(t, r.Body); r.Status != http.StatusOK || len(ev) < 100 || ev[0][len(ev[0])-1] == "data" {
		t.Errorf("event export: %d, %d rows", r.Status, len(ev))
	}
	if r := bor.Get("/stats/export"); !strings.Contains(r.Body, "does not allow exports with patron identity") || strings.Contains(r.Body, `name="identity"`) {
		t.Error("the export page offers identity to borrowing staff")
	}

	// Bad input changes nothing and says why.
	for path, want := range map[string]int{
		"/stats?from=2026-02-30&to=2026-03-01":                   http.StatusBadRequest,
		"/stats?from=2026-03-10&to=2026-03-01":                   http.StatusBadRequest,
		"/stats?period=forever":                                  http.StatusBadRequest,
		"/stats/survey?year=abc":                                 http.StatusBadRequest,
		"/stats/survey?year=1800":                                http.StatusBadRequest,
		"/stats?period=12m&scope=consortium":                     http.StatusForbidden,
		"/stats/export/requests.csv?from=x&to=y":                 http.StatusBadRequest,
		"/stats/export/requests.csv?period=12m&scope=consortium": http.StatusForbidden,
	} {
		if r := mgr.Get(path); r.Status != want {
			t.Errorf("%s: %d, want %d", path, r.Status, want)
		}
	}
	stu := w.Client(t)
	stu.Login("stu@web.example")
	for _, path := range []string{"/stats", "/stats/export/requests.csv", "/stats/chart/weekly.csv", "/stats/table/lenders.csv", "/stats/table/collection-titles.csv"} {
		if r := stu.Get(path); r.Status != http.StatusForbidden {
			t.Errorf("student %s: %d", path, r.Status)
		}
	}
	if r := stu.Get("/"); strings.Contains(r.Body, `href="/stats"`) {
		t.Error("the student's navigation offers the statistics")
	}
}
