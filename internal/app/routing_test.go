package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/calendar"
	"interlend/internal/catalog"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/ncip/nciptest"
	"interlend/internal/routing"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// The routing world: US-RA borrows; US-RB and US-RC lend (hosted here,
// with directory entries); both hold Silent spring.
const (
	routA = ill.AgencyID("US-RA")
	routB = ill.AgencyID("US-RB")
	routC = ill.AgencyID("US-RC")
)

type routingWorld struct {
	*apptest.World
	t   *testing.T
	ctx context.Context
}

// routingEach runs fn on a fresh routing world per engine.
func routingEach(t *testing.T, fn func(t *testing.T, w *routingWorld)) {
	t.Helper()
	for _, engine := range storetest.Engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			fn(t, newRoutingWorld(t, engine))
		})
	}
}

func newRoutingWorld(t *testing.T, engine store.Engine) *routingWorld {
	t.Helper()
	w := &routingWorld{World: apptest.New(t, apptest.Options{Engine: engine}), t: t, ctx: context.Background()}
	for _, id := range []ill.AgencyID{routA, routB, routC} {
		w.Agency(t, id, string(id)+" Library")
	}
	newYork, _ := time.LoadLocation("America/New_York")
	week, _ := directory.ParseWeek("mon-fri 09:00-17:00")
	for _, e := range []directory.Entry{
		{ID: routA, Name: "Borrower", Services: []directory.Service{{Type: directory.ServiceLoan}}},
		{ID: routB, Name: "Lender B", Services: []directory.Service{{Type: directory.ServiceLoan, Formats: []string{"Printed"}}},
			Policy:   directory.Policy{ResponseDays: 2},
			Calendar: &calendar.Calendar{Location: newYork, Week: week}},
		{ID: routC, Name: "Lender C", Services: []directory.Service{{Type: directory.ServiceLoan, Formats: []string{"Printed"}}}},
	} {
		e.Status = directory.StatusActive
		e.Endpoint = directory.Endpoint{URL: w.URL + "/iso18626", Version: directory.Version2021}
		w.putEntry(e)
	}
	for _, h := range []ill.AgencyID{routB, routC} {
		w.importCSV(h, "id,isbn,title,author,year,call_number,barcode\n"+strings.ToLower(string(h))+"-1,9780618249060,Silent spring,\"Carson, Rachel\",2002,QH545,"+string(h)+"-0001\n")
	}
	return w
}

func (w *routingWorld) putEntry(e directory.Entry) {
	w.t.Helper()
	if _, err := w.App.PutDirectoryEntry(w.ctx, ill.SystemActor(), e); err != nil {
		w.t.Fatalf("directory entry %s: %v", e.ID, err)
	}
}

func (w *routingWorld) importCSV(holder ill.AgencyID, csv string) {
	w.t.Helper()
	if _, err := w.App.ImportCatalog(w.ctx, ill.SystemActor(), strings.NewReader(csv), catalog.ImportOptions{Holder: holder, Format: catalog.FormatCSV, Name: "t.csv"}); err != nil {
		w.t.Fatalf("catalog of %s: %v", holder, err)
	}
}

func routingStaff(ag ill.AgencyID) ill.Actor {
	return ill.Actor{Kind: ill.ActorStaff, Name: "Staff", Agency: ag, Grants: ill.Grants{{Agency: ag, Role: ill.RoleManager}}}
}

// patron is a patron login of the borrower.
func (w *routingWorld) patron() ill.Actor {
	w.t.Helper()
	u := w.User(w.t, fmt.Sprintf("pat%d@example.edu", time.Now().UnixNano()), ill.Grant{Agency: routA, Role: ill.RolePatron})
	return ill.Actor{Kind: ill.ActorPatron, UserID: u.ID, Name: "Pat", Agency: routA, Grants: ill.Grants{{Agency: routA, Role: ill.RolePatron}}}
}

func (w *routingWorld) create(actor ill.Actor, n app.NewRequest) *ill.Request {
	w.t.Helper()
	r, err := w.App.CreateRequest(w.ctx, actor, n)
	if err != nil {
		w.t.Fatalf("create: %v", err)
	}
	return r
}

func (w *routingWorld) view(id string) *app.RoutingView {
	w.t.Helper()
	v, err := w.App.RoutingView(w.ctx, routingStaff(routA), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return v
}

func lendersOf(rota []store.RotaEntry) []ill.AgencyID {
	var out []ill.AgencyID
	for _, e := range rota {
		out = append(out, e.Lender)
	}
	return out
}

// TestRouteBuildsTheRota: a request created without lenders gets a rota
// from the catalog and the directory, every lender with its reason, and
// the plan is kept for the staff page.
func TestRouteBuildsTheRota(t *testing.T) {
	t.Parallel()
	routingEach(t, func(t *testing.T, w *routingWorld) {
		// The borrower holds a reference copy of its own.
		w.importCSV(routA, "id,isbn,title,author,barcode,status\na-1,9780618249060,Silent spring,\"Carson, Rachel\",A-1,Reference only\n")
		r := w.create(routingStaff(routA), app.NewRequest{Citation: silentSpring, Send: true})
		v := w.view(r.PublicID)
		if got := lendersOf(v.Rota); !slices.Equal(got, []ill.AgencyID{routB, routC}) {
			t.Fatalf("rota %v, want [US-RB US-RC]", got)
		}
		for _, e := range v.Rota {
			if !strings.Contains(e.Reason, "holds the title (matched by ISBN)") || e.Score <= 0 {
				t.Errorf("%s: reason %q score %v", e.Lender, e.Reason, e.Score)
			}
		}
		if !strings.HasPrefix(v.Rota[0].Reason, "first of 2 candidates") || !strings.Contains(v.Rota[1].Reason, "below US-RB") {
			t.Errorf("places explained as %q / %q", v.Rota[0].Reason, v.Rota[1].Reason)
		}
		if v.Record == nil || len(v.Record.Plan.Entries) != 2 {
			t.Fatalf("no plan kept: %+v", v.Record)
		}
		if x := v.Record.Plan.Excluded; len(x) != 1 || x[0].Lender != routA || x[0].Reason.Code != routing.OutSelf {
			t.Errorf("excluded %+v, want the borrower itself", x)
		}
		if v.Record.Own.Verdict != app.OwnNotLendable {
			t.Errorf("own holdings %+v, want not lendable", v.Record.Own)
		}
		got := w.App
		req, err := got.GetRequest(w.ctx, routingStaff(routA), r.PublicID)
		if err != nil || req.State != ill.BSent || req.Partner != routB {
			t.Fatalf("after create: %v %v, want sent to US-RB", req, err)
		}
		// The response window is the lender's: two business days in New
		// York from Monday 14:00 UTC ends Wednesday 23:59:59 there.
		ny, _ := time.LoadLocation("America/New_York")
		if end := v.Rota[0].WindowEndsAt.In(ny).Format("2006-01-02 15:04:05"); end != "2026-03-04 23:59:59" {
			t.Errorf("response window ends %s, want 2026-03-04 23:59:59", end)
		}
		// Patrons may not see the lenders.
		if _, err := w.App.RoutingView(w.ctx, w.patron(), r.PublicID); !ill.Is(err, ill.Forbidden) {
			t.Errorf("a patron reading the rota: %v, want Forbidden", err)
		}
	})
}

// TestDailyCapUnderConcurrentRequests: many requests created at once
// never send a lender more than its daily cap, on either engine.
//
// Two ways keep a request away from a lender at its cap: routing, which
// reads today's count and ranks the capped lender after the others, and
// the gate on every send, which takes a slot of the lender's day with
// one conditional upsert (the count can change between routing and
// sending). Which one stops a given request depends on the order the
// transactions commit in, so the routed run checks the sum; the run with
// rotas chosen by hand (routing not asked) checks the gate alone.
func TestDailyCapUnderConcurrentRequests(t *testing.T) {
	t.Parallel()
	const n, limit = 12, 3
	for _, byHand := range []bool{false, true} {
		name := "routed"
		if byHand {
			name = "byhand"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			routingEach(t, func(t *testing.T, w *routingWorld) {
				b, err := w.App.DirectoryEntry(w.ctx, ill.SystemActor(), routB)
				if err != nil {
					t.Fatal(err)
				}
				b.Policy.DailyCap = limit
				w.putEntry(b)
				mgr := routingStaff(routA)
				set := app.RoutingSettings{MaxLenders: 5, Scope: "all", Currency: "USD", CostScale: 20, LoadSpreading: false, ScoreDays: 60}
				if err := w.App.PutSetting(w.ctx, mgr, routA, "routing", set); err != nil {
					t.Fatal(err)
				}
				nr := app.NewRequest{Citation: silentSpring, Send: true}
				if byHand {
					nr.Lenders = []app.RotaChoice{{Lender: routB, Reason: "usual lender"}, {Lender: routC, Reason: "backup"}}
				}
				ids := make([]string, n)
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() {
						r, err := w.App.CreateRequest(w.ctx, mgr, nr)
						if err != nil {
							t.Error(err)
							return
						}
						ids[i] = r.PublicID
					})
				}
				wg.Wait()
				toB, skipped, rankedLast := 0, 0, 0
				for _, id := range ids {
					if id == "" {
						continue
					}
					v := w.view(id)
					if len(v.Rota) != 2 {
						t.Errorf("%s: rota %v, want B and C", id, lendersOf(v.Rota))
						continue
					}
					for i, e := range v.Rota {
						switch {
						case e.Lender != routB:
						case !e.SentAt.IsZero():
							toB++
						case e.State == store.RotaSkipped:
							skipped++
							if !strings.Contains(e.Note, fmt.Sprintf("at its daily cap (%d of %d", limit, limit)) {
								t.Errorf("%s: skip note %q", id, e.Note)
							}
						case e.State == store.RotaPending && i == 1 && !byHand:
							rankedLast++
							if !strings.Contains(e.Reason, fmt.Sprintf("at its daily cap today (%d of %d)", limit, limit)) {
								t.Errorf("%s: B ranked after C with reason %q", id, e.Reason)
							}
						default:
							t.Errorf("%s: B at place %d is %s, neither sent, skipped nor ranked last for its cap", id, i+1, e.State)
						}
					}
					if r, _ := w.App.GetRequest(w.ctx, mgr, id); r == nil || r.State != ill.BSent {
						t.Errorf("%s: %+v, want sent (to C when B is full)", id, r)
					}
				}
				if toB != limit || skipped+rankedLast != n-limit {
					t.Errorf("sent to B %d, skipped %d, ranked after C %d; want %d sent and %d kept away", toB, skipped, rankedLast, limit, n-limit)
				}
				if byHand && skipped != n-limit {
					t.Errorf("rotas by hand: the gate skipped B %d times, want %d", skipped, n-limit)
				}
				// The day's count is the cap, not more.
				err = w.App.DB.Read(w.ctx, func(tx *store.Tx) error {
					load, err := tx.Network().LenderLoad([]store.LoadKey{{Lender: routB, Day: calendar.DateOf(tx.Now().In(mustZone(t, "America/New_York")))}})
					if err == nil && load[routB] != limit {
						t.Errorf("routing_load of B today: %d, want %d", load[routB], limit)
					}
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			})
		})
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestOwnHoldingsRule: "we own this" only for a copy on our shelf now.
func TestOwnHoldingsRule(t *testing.T) {
	t.Parallel()
	routingEach(t, func(t *testing.T, w *routingWorld) {
		w.importCSV(routA, "id,isbn,title,author,call_number,barcode,status\n"+
			"a-1,9780618249060,Silent spring,\"Carson, Rachel\",QH545 .C3,A-0001,\n"+
			"a-2,9780226458120,The structure of scientific revolutions,\"Kuhn, Thomas S.\",Q175,A-0002,Checked out\n")
		kuhn := ill.Citation{Title: "The structure of scientific revolutions", Author: "Kuhn, Thomas S.", ISBN: "9780226458120", PublicationType: ill.PubBook}
		w.importCSV(routB, "id,isbn,title,barcode\nb-2,9780226458120,The structure of scientific revolutions,B-0002\n")

		onShelf := w.create(w.patron(), app.NewRequest{Citation: silentSpring})
		if onShelf.State != ill.BReview || onShelf.ReviewReason != app.ReviewOwnHoldings {
			t.Errorf("a copy on our shelf: %s %q, want review own_holdings", onShelf.State, onShelf.ReviewReason)
		}
		onLoan := w.create(w.patron(), app.NewRequest{Citation: kuhn})
		if onLoan.State != ill.BSent || onLoan.Partner != routB {
			t.Errorf("our copy on loan: %s to %s, want sent to US-RB", onLoan.State, onLoan.Partner)
		}
		if v := w.view(onLoan.PublicID); v.Record == nil || v.Record.Own.Verdict != app.OwnOnLoan || v.Record.Own.CallNumber != "Q175" {
			t.Errorf("own holdings recorded as %+v, want on loan", v.Record)
		}
		// Staff placing a request are not held, but see the check.
		staff := w.create(routingStaff(routA), app.NewRequest{Citation: silentSpring})
		if staff.State != ill.BValidated {
			t.Errorf("staff request: %s, want validated", staff.State)
		}
		if v := w.view(staff.PublicID); v.Record.Own.Verdict != app.OwnAvailable || v.Record.Own.Available != 1 {
			t.Errorf("staff request own holdings %+v", v.Record.Own)
		}
		// Approved out of review, the request gets its rota.
		if _, err := w.App.Perform(w.ctx, routingStaff(routA), onShelf.PublicID, ill.ActApprove, nil, 0); err != nil {
			t.Fatal(err)
		}
		if v := w.view(onShelf.PublicID); !slices.Equal(lendersOf(v.Rota), []ill.AgencyID{routB, routC}) {
			t.Errorf("approved: rota %v, want [US-RB US-RC]", lendersOf(v.Rota))
		}
	})
}

// TestOwnHoldingsLiveCheck asks the ILS: a copy the catalog shows on the
// shelf but the ILS has on loan does not hold the request.
func TestOwnHoldingsLiveCheck(t *testing.T) {
	t.Parallel()
	routingEach(t, func(t *testing.T, w *routingWorld) {
		srv := nciptest.NewServer(t, "RA-ILS")
		srv.AddItem(nciptest.Item{Barcode: "A-0001", Title: "Silent spring", CallNumber: "QH545"})
		srv.AddItem(nciptest.Item{Barcode: "A-0003", Title: "Middlemarch", CallNumber: "PR4662"})
		srv.SetLoan(nciptest.Loan{ItemBarcode: "A-0003", UserID: "someone", Due: apptest.Start.AddDate(0, 0, 10)})
		s := ils.Settings{Driver: ils.DriverNCIP, NCIPSettings: ils.NCIPSettings{Endpoint: srv.URL, ToAgency: "RA-ILS", Services: []ils.Service{ils.LookupItem}}}
		if err := w.App.SetILSSettings(w.ctx, routingStaff(routA), routA, s); err != nil {
			t.Fatal(err)
		}
		middlemarch := ill.Citation{Title: "Middlemarch", Author: "Eliot, George", ISBN: "9780141439549", PublicationType: ill.PubBook}
		w.importCSV(routA, "id,isbn,title,author,barcode\na-1,9780618249060,Silent spring,\"Carson, Rachel\",A-0001\na-3,9780141439549,Middlemarch,\"Eliot, George\",A-0003\n")
		w.importCSV(routC, "id,isbn,title,barcode\nc-3,9780141439549,Middlemarch,C-0003\n")

		here := w.create(w.patron(), app.NewRequest{Citation: silentSpring})
		away := w.create(w.patron(), app.NewRequest{Citation: middlemarch})
		for _, r := range []*ill.Request{here, away} {
			if r.State != ill.BReview || r.ReviewReason != app.ReviewOwnCheck {
				t.Fatalf("%s: %s %q, want held for the check", r.PublicID, r.State, r.ReviewReason)
			}
		}
		if _, err := w.App.Jobs.RunDue(w.ctx, app.KindOwnCheck); err != nil {
			t.Fatal(err)
		}
		got, _ := w.App.GetRequest(w.ctx, routingStaff(routA), here.PublicID)
		if got.State != ill.BReview || got.ReviewReason != app.ReviewOwnHoldings {
			t.Errorf("on the shelf in the ILS: %s %q, want review own_holdings", got.State, got.ReviewReason)
		}
		got, _ = w.App.GetRequest(w.ctx, routingStaff(routA), away.PublicID)
		if got.State != ill.BSent || got.Partner != routC {
			t.Errorf("on loan in the ILS: %s to %s, want sent to US-RC", got.State, got.Partner)
		}
		if calls := srv.CallsTo("LookupItem"); len(calls) != 2 {
			t.Errorf("LookupItem calls %d, want 2", len(calls))
		}
		evs, _, err := w.App.Timeline(w.ctx, routingStaff(routA), away.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		var cleared map[string]any
		for _, e := range evs {
			if e.Name == "own_holdings_cleared" {
				_ = json.Unmarshal(e.Data, &cleared)
			}
		}
		if cleared["ownHoldings"] != app.OwnLiveNo {
			t.Errorf("the release event says %v", cleared)
		}
	})
}

// TestAutomationRules: unmediated by default; each kind of rule sends
// what it matches to review; a bad rule is refused and changes nothing.
func TestAutomationRules(t *testing.T) {
	t.Parallel()
	routingEach(t, func(t *testing.T, w *routingWorld) {
		mgr := routingStaff(routA)
		plain := w.create(w.patron(), app.NewRequest{Citation: silentSpring})
		if plain.State != ill.BSent {
			t.Fatalf("without rules: %s, want sent", plain.State)
		}
		c, err := w.App.DirectoryEntry(w.ctx, ill.SystemActor(), routC)
		if err != nil {
			t.Fatal(err)
		}
		c.Policy.Charges = []directory.Charge{{Service: directory.ServiceLoan, Amount: directory.Money{Minor: 4000, Currency: "USD"}}}
		w.putEntry(c)
		rules := app.AutomationRules{Rules: []app.AutomationRule{
			{Name: "Visiting scholars", When: app.RuleCategory, Value: "visitor, alumni"},
			{Name: "Rush", When: app.RuleNeedBefore, Value: "3"},
			{Name: "Bare citation", When: app.RuleNoIdentifier},
			{Name: "Microfilm", When: app.RuleFormat, Value: "Microform"},
			{Name: "Dear", When: app.RuleCost, Value: "25.00 USD"},
			{Name: "Disabled", When: app.RuleNoIdentifier, Off: true},
		}}
		if err := w.App.PutSetting(w.ctx, mgr, routA, "routing.rules", rules); err != nil {
			t.Fatal(err)
		}
		kuhn := ill.Citation{Title: "The structure of scientific revolutions", ISBN: "9780226458120"}
		w.importCSV(routC, "id,isbn,title,barcode\nc-2,9780226458120,The structure of scientific revolutions,C-0002\n")
		for _, tc := range []struct {
			name string
			n    app.NewRequest
			want string
		}{
			{"category", app.NewRequest{Citation: silentSpring, PatronCategory: "Visitor"}, "rule:Visiting scholars"},
			{"need-by date", app.NewRequest{Citation: silentSpring, NeedBefore: apptest.Start.Add(48 * time.Hour)}, "rule:Rush"},
			{"need-by date later", app.NewRequest{Citation: silentSpring, NeedBefore: apptest.Start.AddDate(0, 0, 10)}, ""},
			{"no identifier", app.NewRequest{Citation: ill.Citation{Title: "Silent spring", Author: "Carson"}}, "rule:Bare citation"},
			{"format", app.NewRequest{Citation: ill.Citation{Title: "Silent spring", ISBN: "9780618249060", PreferredFormat: "microform"}}, "rule:Microfilm"},
			{"only a dear lender", app.NewRequest{Citation: kuhn}, "rule:Dear"},
			{"a free lender too", app.NewRequest{Citation: silentSpring}, ""},
		} {
			r := w.create(w.patron(), tc.n)
			switch {
			case tc.want == "" && r.State != ill.BSent:
				t.Errorf("%s: %s %q, want sent", tc.name, r.State, r.ReviewReason)
			case tc.want != "" && (r.State != ill.BReview || r.ReviewReason != tc.want):
				t.Errorf("%s: %s %q, want review %q", tc.name, r.State, r.ReviewReason, tc.want)
			}
		}
		// Staff requests are not held by rules.
		if r := w.create(mgr, app.NewRequest{Citation: silentSpring, PatronCategory: "visitor"}); r.State != ill.BValidated {
			t.Errorf("staff request: %s %q", r.State, r.ReviewReason)
		}
		// A bad rule is refused; the stored rules stay.
		bad := app.AutomationRules{Rules: []app.AutomationRule{{Name: "Broken", When: app.RuleCost, Value: "lots"}}}
		if err := w.App.PutSetting(w.ctx, mgr, routA, "routing.rules", bad); !ill.Is(err, ill.Invalid) {
			t.Errorf("a rule with a bad amount: %v, want Invalid", err)
		}
		st, err := w.App.SettingGroup(w.ctx, mgr, routA, "routing.rules")
		if err != nil || len(st.Value.(app.AutomationRules).Rules) != 6 {
			t.Errorf("after the refused change: %+v %v", st.Value, err)
		}
	})
}

// TestExchangeRatesInRouting: a charge in another currency is compared
// with the maximum at the stored rate.
func TestExchangeRatesInRouting(t *testing.T) {
	t.Parallel()
	routingEach(t, func(t *testing.T, w *routingWorld) {
		c, err := w.App.DirectoryEntry(w.ctx, ill.SystemActor(), routC)
		if err != nil {
			t.Fatal(err)
		}
		c.Policy.Charges = []directory.Charge{{Service: directory.ServiceLoan, Amount: directory.Money{Minor: 1800, Currency: "GBP"}}}
		w.putEntry(c)
		mgr := routingStaff(routA)
		max := ill.Money{Minor: 2000, Currency: "USD"}
		outOf := func() (routing.Reason, bool) {
			r := w.create(mgr, app.NewRequest{Citation: silentSpring, MaxCost: max})
			for _, x := range w.view(r.PublicID).Record.Plan.Excluded {
				if x.Lender == routC {
					return x.Reason, true
				}
			}
			return routing.Reason{}, false
		}
		if why, out := outOf(); !out || why.Code != routing.OutNoRate {
			t.Errorf("no rate: %+v %v, want out.norate", why, out)
		}
		on := calendar.DateOf(apptest.Start)
		// Borrowing staff may not set rates; a bad rate changes nothing.
		bea := ill.Actor{Kind: ill.ActorStaff, Agency: routA, Grants: ill.Grants{{Agency: routA, Role: ill.RoleBorrowing}}}
		if err := w.App.PutExchangeRate(w.ctx, bea, routing.Rate{From: "GBP", To: "USD", Value: "1.27", On: on}); !ill.Is(err, ill.Forbidden) {
			t.Errorf("borrowing staff setting a rate: %v, want Forbidden", err)
		}
		if err := w.App.PutExchangeRate(w.ctx, ill.SystemActor(), routing.Rate{From: "GBP", To: "USD", Value: "-1", On: on}); !ill.Is(err, ill.Invalid) {
			t.Errorf("a negative rate: %v, want Invalid", err)
		}
		if rs, _ := w.App.ExchangeRates(w.ctx, mgr); len(rs) != 0 {
			t.Errorf("rates after refusals: %v", rs)
		}
		if err := w.App.PutExchangeRate(w.ctx, ill.SystemActor(), routing.Rate{From: "GBP", To: "USD", Value: "1.27", On: on, Source: "test"}); err != nil {
			t.Fatal(err)
		}
		if why, out := outOf(); !out || why.Code != routing.OutCost || why.Args[0] != "18.00 GBP ≈ 22.86 USD (1.27, 2026-03-02)" {
			t.Errorf("at 1.27: %+v %v, want out.cost", why, out)
		}
		if err := w.App.PutExchangeRate(w.ctx, ill.SystemActor(), routing.Rate{From: "GBP", To: "USD", Value: "1.05", On: on}); err != nil {
			t.Fatal(err)
		}
		if why, out := outOf(); out {
			t.Errorf("at 1.05 (18.90 USD): left out for %+v", why)
		}
	})
}

// TestRouteAgain adds lenders found later, after those already tried.
func TestRouteAgain(t *testing.T) {
	t.Parallel()
	routingEach(t, func(t *testing.T, w *routingWorld) {
		mgr := routingStaff(routA)
		r := w.create(mgr, app.NewRequest{Citation: silentSpring, Lenders: []app.RotaChoice{{Lender: routC, Reason: "typed by hand"}}})
		if v := w.view(r.PublicID); v.Record != nil || len(v.Rota) != 1 {
			t.Fatalf("hand-made rota: %+v", v)
		}
		n, err := w.App.RouteAgain(w.ctx, mgr, r.PublicID)
		if err != nil || n != 1 {
			t.Fatalf("route again: %d %v, want 1 added", n, err)
		}
		if got := lendersOf(w.view(r.PublicID).Rota); !slices.Equal(got, []ill.AgencyID{routC, routB}) {
			t.Errorf("rota %v, want [US-RC US-RB]", got)
		}
		if n, err := w.App.RouteAgain(w.ctx, mgr, r.PublicID); err != nil || n != 0 {
			t.Errorf("again: %d %v, want nothing new", n, err)
		}
		if _, err := w.App.Perform(w.ctx, mgr, r.PublicID, ill.ActSend, nil, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := w.App.RouteAgain(w.ctx, mgr, r.PublicID); !ill.Is(err, ill.Conflict) {
			t.Errorf("route again while at a lender: %v, want Conflict", err)
		}
	})
}

// TestRouteAgainAsksSRU: looking for lenders again asks the partners'
// SRU services too (outside the transaction): a partner whose service
// finds the title joins the rota; one whose service answers with a
// diagnostic, or does not answer in time, is left out with the error.
func TestRouteAgainAsksSRU(t *testing.T) {
	t.Parallel()
	sruOK := readExample(t, "sru12-searchRetrieveResponse-marcxml.xml")
	sruDiag := readExample(t, "sru20-searchRetrieveResponse-diagnostic.xml")
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			rw.Write(sruOK)
		case "/diag":
			rw.Write(sruDiag)
		case "/slow":
			<-r.Context().Done()
		}
	}))
	t.Cleanup(srv.Close)
	routingEach(t, func(t *testing.T, w *routingWorld) {
		for id, path := range map[ill.AgencyID]string{"US-RSRU": "/ok", "US-RDIAG": "/diag", "US-RSLOW": "/slow"} {
			timeout := 5
			if path == "/slow" {
				timeout = 1
			}
			w.putEntry(directory.Entry{ID: id, Name: "SRU " + string(id), Status: directory.StatusActive,
				Endpoint: directory.Endpoint{URL: w.URL + "/iso18626", Version: directory.Version2021},
				Services: []directory.Service{{Type: directory.ServiceLoan}},
				SRU:      &directory.SRUTarget{BaseURL: srv.URL + path, Version: "1.2", TimeoutSeconds: timeout}})
		}
		mgr := routingStaff(routA)
		r := w.create(mgr, app.NewRequest{Citation: silentSpring})
		if got := lendersOf(w.view(r.PublicID).Rota); !slices.Equal(got, []ill.AgencyID{routB, routC}) {
			t.Fatalf("routed from the imported catalog: %v, want [US-RB US-RC]", got)
		}
		n, err := w.App.RouteAgain(w.ctx, mgr, r.PublicID)
		if err != nil || n != 1 {
			t.Fatalf("route again: %d %v, want the SRU holder added", n, err)
		}
		v := w.view(r.PublicID)
		if got := lendersOf(v.Rota); len(got) != 3 || got[2] != "US-RSRU" {
			t.Errorf("rota %v, want US-RSRU added last", got)
		}
		for id, want := range map[ill.AgencyID]string{"US-RDIAG": "diagnostic", "US-RSLOW": "did not answer in time"} {
			found := false
			for _, x := range v.Record.Plan.Excluded {
				if x.Lender == id {
					found = true
					if x.Reason.Code != routing.OutHoldings || len(x.Reason.Args) != 1 || !strings.Contains(x.Reason.Args[0], want) {
						t.Errorf("%s left out as %+v, want out.holdings with %q", id, x.Reason, want)
					}
				}
			}
			if !found {
				t.Errorf("%s not listed as left out: %+v", id, v.Record.Plan.Excluded)
			}
		}
	})
}
