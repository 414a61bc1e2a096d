package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/catalog"
	"interlend/internal/ill"
	"interlend/internal/patron"
	"interlend/internal/stats"
	"interlend/internal/stats/statsfixture"
	"interlend/internal/store"
	"interlend/internal/store/storetest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fixtureWorld hosts US-FIX with the statistics fixture stored as
// requests with their event logs, its calendar (a holiday on 17 March),
// patrons with departments and a catalog with call numbers, and the
// statistics refreshed; the clock stands on 2 April 2026.
func fixtureWorld(t *testing.T, e store.Engine) *apptest.World {
	t.Helper()
	ctx := context.Background()
	w := apptest.New(t, apptest.Options{Engine: e})
	w.Agency(t, statsfixture.Agency, "Fixture Library")
	mgr := w.User(t, "manager@fix.example", ill.Grant{Agency: statsfixture.Agency, Role: ill.RoleManager})
	actor := app.ActorFor(mgr, statsfixture.Agency)
	saveSetting(t, w, actor, "calendar", map[string]string{"closures.0.from": "2026-03-17", "closures.0.to": "2026-03-17", "closures.0.name": "Holiday"})
	saveSetting(t, w, actor, "stats", map[string]string{"sameInstitution": string(statsfixture.L3)})
	if _, err := w.App.ImportCatalog(ctx, ill.SystemActor(), strings.NewReader(statsfixture.CatalogCSV),
		catalog.ImportOptions{Holder: statsfixture.Agency, Format: catalog.FormatCSV}); err != nil {
		t.Fatal(err)
	}
	patrons := map[string]int64{}
	for _, dept := range []string{"History", "Biology"} {
		p, err := w.App.CreatePatron(ctx, actor, statsfixture.Agency, patron.Record{Barcode: "P-" + dept, Name: "Reader of " + dept, HomeLibrary: dept})
		if err != nil {
			t.Fatal(err)
		}
		patrons[dept] = p.ID
	}
	charges := map[string][]store.Charge{}
	for _, c := range statsfixture.Charges() {
		ch := store.Charge{Type: store.ChargeType(c.Type), Amount: ill.Money{Minor: c.Minor, Currency: "USD"}, Status: store.ChargeStatus(c.Status), CreatedAt: c.At}
		if c.Spend {
			ch.Payer, ch.Payee = string(statsfixture.Agency), "US-L1"
		} else {
			ch.Payer, ch.Payee = "US-P1", string(statsfixture.Agency)
		}
		charges[c.Request] = append(charges[c.Request], ch)
	}
	var hs []app.HistoryRequest
	for _, r := range statsfixture.Requests() {
		hs = append(hs, app.HistoryRequest{Journey: r.Journey, Citation: r.Citation, PatronID: patrons[r.Department], Charges: charges[r.Name]})
	}
	if _, err := w.App.AddStatsHistory(ctx, statsfixture.Agency, hs); err != nil {
		t.Fatal(err)
	}
	w.Clock.Set(time.Date(2026, 4, 2, 12, 0, 0, 0, time.UTC))
	res, err := w.App.RefreshStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != len(hs) || res.More {
		t.Fatalf("refresh wrote %d facts (more: %v), want %d", res.Requests, res.More, len(hs))
	}
	return w
}

func saveSetting(t *testing.T, w *apptest.World, actor ill.Actor, key string, values map[string]string) {
	t.Helper()
	ctx := context.Background()
	st, err := w.App.SettingGroup(ctx, actor, actor.Agency, key)
	if err != nil {
		t.Fatal(err)
	}
	form := st.Group.FormValues(st.Value)
	for k, v := range values {
		form.Set(k, v)
	}
	if _, err := w.App.SaveSettingForm(ctx, actor, actor.Agency, key, form, st.Version); err != nil {
		t.Fatalf("%s: %v", key, err)
	}
}

func fixtureManager(t *testing.T, w *apptest.World) ill.Actor {
	t.Helper()
	var u store.User
	if err := w.App.DB.Read(context.Background(), func(tx *store.Tx) (err error) { u, err = tx.System().UserByEmail("manager@fix.example"); return }); err != nil {
		t.Fatal(err)
	}
	return app.ActorFor(u, statsfixture.Agency)
}

var march = app.StatsQuery{Agency: statsfixture.Agency, From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)}

// The fixture's requests, stored with their event logs and brought into
// the facts by the refresh, give every hand-computed figure on both
// engines: the business hours measured with the library's calendar, the
// department from the patron, the subject from the catalog, the money
// from the ledger.
func TestStatsFixtureThroughTheStore(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := fixtureWorld(t, e)
			ctx := context.Background()
			mgr := fixtureManager(t, w)
			d, err := w.App.StatsDashboard(ctx, mgr, march)
			if err != nil {
				t.Fatal(err)
			}
			if d.Period != statsfixture.March || d.Previous != statsfixture.February {
				t.Fatalf("periods %v and %v", d.Period, d.Previous)
			}
			if diff := cmp.Diff(statsfixture.WantMarch(), d.Current, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("March (-want +got):\n%s", diff)
			}
			feb := statsfixture.WantFebruary{BorrowingReceived: d.Prior.Borrowing.Received, BorrowingRate: d.Prior.Borrowing.Rate,
				BorrowingOpenEnd: d.Prior.Borrowing.OpenAtEnd, LendingReceived: d.Prior.Lending.Received, LendingFilled: d.Prior.Lending.Rate.Filled,
				Spend: d.Prior.Money.Spend, CostPerFilled: d.Prior.Money.CostPerFilled}
			if diff := cmp.Diff(statsfixture.WantFeb(), feb); diff != "" {
				t.Errorf("February (-want +got):\n%s", diff)
			}
			checkCharts(t, d)

			c, err := w.App.StatsCollection(ctx, mgr, march)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(statsfixture.WantCollection(), c.Collection, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(stats.Collection{}, "Options")); diff != "" {
				t.Errorf("collection report (-want +got):\n%s", diff)
			}
			s, err := w.App.StatsSurvey(ctx, mgr, statsfixture.Agency, 2025)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, l := range s.Lines {
				got[l.Key] = l.Value
			}
			if diff := cmp.Diff(statsfixture.WantSurvey(), got); diff != "" {
				t.Errorf("survey (-want +got):\n%s", diff)
			}
		})
	}
}

// checkCharts checks the dashboard's series, worked out by hand from the
// fixture: the weekly counts, requests by state now, the seasons.
func checkCharts(t *testing.T, d *app.StatsDashboard) {
	t.Helper()
	// 26 weeks up to 1 April: week 25 is 25-31 March, week 0 starts on 1
	// October.
	if len(d.Weeks) != 26 || !d.Weeks[25].Start.Equal(time.Date(2026, 3, 25, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("weeks: %d, last from %v", len(d.Weeks), d.Weeks[len(d.Weeks)-1].Start)
	}
	type wk struct{ b, l int }
	// Weeks from 4 March: 4-10 (D3 4th, D4 5th, C 9th: 6 | none), 11-17
	// (B 16th: 6 | L-A 12th: 8), 18-24 (D5 20th, D6 24th: 2 | L-B 18th 4,
	// L-D 23rd 2), 25-31 (E4 25th, E2 27th, E1 30th, E3 31st: 4 | L-E 2);
	// 25 Feb - 3 Mar: F4, A 10, D1, D2 | L-C 4; earlier: F5 (12 Jan, week
	// 14), F1-F2 (2 Feb, week 17), F3 (10 Feb, week 18), L-F1 (16 Feb,
	// week 19).
	want := map[int]wk{14: {1, 0}, 17: {2, 0}, 18: {1, 0}, 19: {0, 1}, 21: {13, 4}, 22: {6, 0}, 23: {6, 8}, 24: {2, 6}, 25: {4, 2}}
	for i, w := range d.Weeks {
		if got := (wk{w.Borrowing, w.Lending}); got != want[i] {
			t.Errorf("week %d from %s: got %+v, want %+v", i, w.Start.Format(time.DateOnly), got, want[i])
		}
	}
	// Open now (2 April): E1 sent, E2 shipped, E3 validated, E4 checked
	// out (picked up on 1 April); L-A5-8 on loan, L-E1-2 new.
	states := map[string]int{}
	for _, s := range d.States {
		states[string(s.Side)+"/"+string(s.State)] = s.N
	}
	wantStates := map[string]int{"borrowing/sent": 1, "borrowing/shipped": 1, "borrowing/validated": 1, "borrowing/checked_out": 1,
		"lending/on_loan": 4, "lending/new": 2}
	if diff := cmp.Diff(wantStates, states); diff != "" {
		t.Errorf("requests by state now (-want +got):\n%s", diff)
	}
	// Academic years from September: 2023-24, 2024-25, 2025-26; January
	// is month 4 (F5), February month 5 (F1-F4 | L-F1), March month 6.
	if len(d.Seasons) != 3 || d.Seasons[2].Year != 2025 {
		t.Fatalf("seasons: %+v", d.Seasons)
	}
	if got, want := d.Seasons[2].Borrowing, [12]int{4: 1, 5: 4, 6: 30}; got != want {
		t.Errorf("2025-26 borrowing by month: %v, want %v", got, want)
	}
	if got, want := d.Seasons[2].Lending, [12]int{5: 1, 6: 20}; got != want {
		t.Errorf("2025-26 lending by month: %v, want %v", got, want)
	}
	// On 2 April, September to April of 2025-26 have begun; the years
	// before are whole.
	if got := [3]int{d.Seasons[0].Begun, d.Seasons[1].Begun, d.Seasons[2].Begun}; got != [3]int{12, 12, 8} {
		t.Errorf("months begun: %v, want [12 12 8]", got)
	}
}

// The lenders' scores routing reads (app.LenderScores and, inside a
// transaction, app.LenderScoresTx) are the scorecards the statistics show
// for the same period: the fixture's hand-computed figures.
func TestLenderScoresAreTheScorecards(t *testing.T) {
	t.Parallel()
	w := fixtureWorld(t, store.SQLite)
	ctx := context.Background()
	d, err := w.App.StatsDashboard(ctx, fixtureManager(t, w), march)
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.App.LenderScores(ctx, statsfixture.Agency, d.Period)
	if err != nil {
		t.Fatal(err)
	}
	want := statsfixture.WantMarch().Scores
	if len(want) == 0 {
		t.Fatal("the fixture has no scores to compare")
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty(), cmpopts.EquateNaNs()); diff != "" {
		t.Errorf("routing's scores (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(d.Current.Scores, got, cmpopts.EquateEmpty(), cmpopts.EquateNaNs()); diff != "" {
		t.Errorf("routing's scores against the scorecards (-page +routing):\n%s", diff)
	}
	var inTx []stats.LenderScore
	if err := w.App.DB.Read(ctx, func(tx *store.Tx) (err error) {
		inTx, err = app.LenderScoresTx(tx, statsfixture.Agency, d.Period)
		return
	}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, inTx, cmpopts.EquateEmpty(), cmpopts.EquateNaNs()); diff != "" {
		t.Errorf("in a transaction (-outside +inside):\n%s", diff)
	}
}
