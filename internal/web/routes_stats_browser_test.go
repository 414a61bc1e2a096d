package web_test

import (
	"strings"
	"testing"

	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/testenv"
)

// A manager opens the dashboard with the keyboard alone, picks another
// period, and moves on to the collection report; every page passes
// axe-core, the charts are drawn and each has its table and CSV.
func TestBrowserStatsDashboardByKeyboard(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	const ag = ill.AgencyID("US-DASH")
	w.Agency(t, ag, "Dashboard Library")
	w.User(t, "mia@dash.example", ill.Grant{Agency: ag, Role: ill.RoleManager})
	loadHistory(t, w, ag, "US-DASHX", 30)

	b := testenv.NewBrowser(t, w.URL)
	b.Login("mia@dash.example", apptest.Password)
	b.TabTo("Statistics")
	b.AndWait(func() { b.Press("Enter") })
	if p := b.Path(); p != "/stats" {
		t.Fatalf("on %s, want the dashboard", p)
	}
	checkDashboard(t, b)
	b.Axe()

	// Another period, by keyboard: the last 12 whole months.
	b.TabTo("Period")
	b.Press("The last 12") // typing selects the option that starts so
	b.TabTo("Show")
	b.AndWait(func() { b.Press("Enter") })
	if loc := b.Location(); !strings.Contains(loc, "period=12m") {
		t.Fatalf("after choosing a period: %s", loc)
	}
	checkDashboard(t, b)
	cards := b.Texts(".stats-card")
	if len(cards) != 10 || !strings.Contains(cards[0], "Borrowing requests") || !strings.Contains(cards[0], "before:") {
		t.Errorf("headline cards: %q", cards)
	}
	b.Axe()

	b.TabTo("Collection")
	b.AndWait(func() { b.Press("Enter") })
	if p := b.Path(); !strings.HasPrefix(p, "/stats/collection") {
		t.Fatalf("on %s, want the collection report", p)
	}
	if got := b.Text("main"); !strings.Contains(got, "Buy instead of borrow") || !strings.Contains(got, "Silent spring") {
		t.Errorf("collection report:\n%s", got)
	}
	b.Axe()
	for _, path := range []string{"/stats/measures?period=12m", "/stats/lenders?period=12m", "/stats/survey", "/stats/export?period=12m"} {
		b.Navigate(path)
		b.Axe()
	}
}

func checkDashboard(t *testing.T, b *testenv.Browser) {
	t.Helper()
	charts := testenv.Eval[int](b, `document.querySelectorAll("svg.chart").length`)
	tables := testenv.Eval[int](b, `document.querySelectorAll(".stats-chart .stats-table").length`)
	links := testenv.Eval[int](b, `document.querySelectorAll('.stats-chart a[href^="/stats/chart/"]').length`)
	bars := testenv.Eval[int](b, `document.querySelectorAll("svg.chart rect").length`)
	if charts != 5 || tables != 5 || links != 5 || bars < 20 {
		t.Errorf("dashboard: %d charts, %d tables, %d CSV links, %d bars", charts, tables, links, bars)
	}
}
