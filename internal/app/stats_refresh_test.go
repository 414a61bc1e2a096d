package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/stats"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// statsPair is two hosted libraries exchanging requests through the real
// lifecycle (no workers: the test runs due jobs itself).
type statsPair struct {
	t   *testing.T
	w   *apptest.World
	ctx context.Context
}

const (
	pairA = ill.AgencyID("US-EXA") // borrows
	pairB = ill.AgencyID("US-EXB") // lends
)

func newStatsPair(t *testing.T, e store.Engine) *statsPair {
	w := apptest.New(t, apptest.Options{Engine: e})
	w.Agency(t, pairA, "Library A")
	w.Agency(t, pairB, "Library B")
	return &statsPair{t: t, w: w, ctx: context.Background()}
}

func manager(ag ill.AgencyID) ill.Actor {
	return ill.Actor{Kind: ill.ActorStaff, Name: "Staff", Agency: ag, Grants: ill.Grants{{Agency: ag, Role: ill.RoleManager}}}
}

// at moves the clock to t0 + d.
func (p *statsPair) at(d time.Duration) { p.w.Clock.Set(apptest.Start.Add(d)) }

func (p *statsPair) run() {
	p.t.Helper()
	for range 5 {
		n, err := p.w.App.Jobs.RunDue(p.ctx)
		if err != nil {
			p.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

func (p *statsPair) send(title string) *ill.Request {
	p.t.Helper()
	r, err := p.w.App.CreateRequest(p.ctx, manager(pairA), app.NewRequest{Citation: ill.Citation{Title: title, ISBN: "9780618249060"}, ServiceType: ill.Loan,
		Send: true, Lenders: []app.RotaChoice{{Lender: pairB, Reason: "test"}}, PickupLocation: "Main desk"})
	if err != nil {
		p.t.Fatal(err)
	}
	p.run()
	return r
}

func (p *statsPair) act(ag ill.AgencyID, id string, a ill.ActionName, params map[string]any) {
	p.t.Helper()
	if _, err := p.w.App.Perform(p.ctx, manager(ag), id, a, params, 0); err != nil {
		p.t.Fatalf("%s on %s: %v", a, id, err)
	}
	p.run()
}

func (p *statsPair) lending(r *ill.Request) string {
	p.t.Helper()
	id, err := p.w.App.LendingIDFor(p.ctx, pairB, pairA, r.PublicID)
	if err != nil {
		p.t.Fatal(err)
	}
	return id
}

func (p *statsPair) facts(ag ill.AgencyID) map[string]stats.Journey {
	p.t.Helper()
	out := map[string]stats.Journey{}
	err := p.w.App.DB.Read(p.ctx, func(tx *store.Tx) error {
		fs, err := tx.Agency().StatsFacts(ag, stats.Period{From: apptest.Start.AddDate(0, 0, -1), To: apptest.Start.AddDate(0, 3, 0)}, 365*24*time.Hour)
		for _, f := range fs {
			out[f.PublicID] = f.Journey
		}
		return err
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return out
}

// Requests walked through the real lifecycle come out of the refresh with
// their milestones where the clock stood, on both sides, and the lender's
// Unfilled reason read from its message; a rebuild from the event log
// then gives exactly the same rows as the refreshes did.
func TestStatsFromTheLifecycleAndRebuild(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			p := newStatsPair(t, e)
			h := time.Hour
			// A loan filled and returned.
			loan := p.send("Silent spring")
			lid := p.lending(loan)
			p.at(2 * h)
			p.act(pairB, lid, ill.ActExpectToSupply, nil)
			p.at(26 * h)
			p.act(pairB, lid, ill.ActPrintSlip, nil)
			p.act(pairB, lid, ill.ActFound, nil)
			p.act(pairB, lid, ill.ActShip, map[string]any{"courier": "UPS"})
			// A refresh half way: the rebuild must still agree.
			if _, err := p.w.App.RefreshStats(p.ctx); err != nil {
				t.Fatal(err)
			}
			p.at(72 * h)
			p.act(pairA, loan.PublicID, ill.ActReceive, nil)
			p.at(96 * h)
			p.act(pairA, loan.PublicID, ill.ActCheckOut, nil)
			// A request the lender cannot fill.
			p.at(100 * h)
			no := p.send("Middlemarch")
			p.at(101 * h)
			p.act(pairB, p.lending(no), ill.ActAnswerUnfilled, map[string]any{"reason": "NotHeld"})
			p.at(102 * h)
			p.act(pairA, no.PublicID, ill.ActCloseUnfilled, nil)
			p.at(20 * 24 * h)
			p.act(pairA, loan.PublicID, ill.ActCheckIn, nil)
			p.act(pairA, loan.PublicID, ill.ActShipReturn, nil)
			p.at(23 * 24 * h)
			p.act(pairB, lid, ill.ActLendCheckIn, nil)
			p.at(24 * 24 * h)
			if _, err := p.w.App.RefreshStats(p.ctx); err != nil {
				t.Fatal(err)
			}

			t0 := apptest.Start
			b := p.facts(pairA)[loan.PublicID]
			want := map[string][2]time.Time{
				"submitted": {b.Submitted, t0}, "sent": {b.FirstSent, t0}, "answered": {b.Answered, t0.Add(2 * h)},
				"shipped": {b.Shipped, t0.Add(26 * h)}, "received": {b.Received, t0.Add(72 * h)}, "available": {b.Available, t0.Add(72 * h)},
				"picked up": {b.PickedUp, t0.Add(96 * h)}, "return shipped": {b.ReturnShipped, t0.Add(480 * h)},
				"checked in": {b.CheckedIn, t0.Add(552 * h)}, "closed": {b.Closed, t0.Add(552 * h)},
			}
			for name, tt := range want {
				if !tt[0].Equal(tt[1]) {
					t.Errorf("borrowing loan %s at %v, want %v", name, tt[0], tt[1])
				}
			}
			if b.Outcome() != stats.OutcomeFilled || len(b.Tries) != 1 || b.Tries[0].Outcome != "filled" || !b.Tries[0].Filled.Equal(t0.Add(26*h)) {
				t.Errorf("borrowing loan: outcome %s, tries %+v", b.Outcome(), b.Tries)
			}
			if d := b.Business[stats.ReceivedToPickedUp.Index()]; d != 8*h {
				// Thu 5 March 14:00 → Fri 6 March 14:00 on Mon-Fri 09:00-17:00.
				t.Errorf("received → picked up in business hours: %v, want 8h", d)
			}
			u := p.facts(pairA)[no.PublicID]
			if u.Outcome() != stats.OutcomeUnfilled || u.UnfilledReason != "NotHeld" || u.UnfilledKey() != "unfilled:NotHeld" {
				t.Errorf("unfilled request: outcome %q, reason %q", u.Outcome(), u.UnfilledReason)
			}
			l := p.facts(pairB)[lid]
			if !l.Answered.Equal(t0.Add(2*h)) || !l.Shipped.Equal(t0.Add(26*h)) || !l.CheckedIn.Equal(t0.Add(552*h)) || l.Partner != pairA {
				t.Errorf("lending loan: %+v", l)
			}

			before := statsSnapshot(t, p.w)
			if err := p.w.App.DB.Transact(p.ctx, func(tx *store.Tx) error {
				for _, ag := range []ill.AgencyID{pairA, pairB} {
					if err := tx.Agency().DeleteStats(ag); err != nil {
						return err
					}
				}
				return tx.System().PutStatsState("watermark", "0")
			}); err != nil {
				t.Fatal(err)
			}
			if got := statsSnapshot(t, p.w); strings.Count(got, "\n") > 6 {
				t.Fatalf("statistics left after deleting them:\n%s", got)
			}
			res, err := p.w.App.RebuildStats(p.ctx, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Requests != 4 || res.Agencies != 2 {
				t.Errorf("rebuild: %+v", res)
			}
			if after := statsSnapshot(t, p.w); after != before {
				t.Errorf("the rebuild differs from the refreshes:\nrefreshed:\n%s\nrebuilt:\n%s", before, after)
			}
			if _, err := p.w.App.RebuildStats(p.ctx, "US-NONE", nil); !ill.Is(err, ill.NotFound) {
				t.Errorf("rebuild of an unknown agency: %v, want NotFound", err)
			}
		})
	}
}

// statsSnapshot prints every statistics row, leaving out when it was
// written.
func statsSnapshot(t *testing.T, w *apptest.World) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{"SELECT * FROM stats_requests ORDER BY request_id", "SELECT * FROM stats_tries ORDER BY request_id, position",
		"SELECT * FROM stats_monthly ORDER BY agency, side, month", "SELECT * FROM stats_agencies ORDER BY agency",
		"SELECT * FROM stats_days ORDER BY agency, day, side, measure, cell", "SELECT * FROM stats_day_spans ORDER BY agency, day, side, measure, cell"} {
		rows, err := w.App.DB.SQL().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		fmt.Fprintln(&b, q)
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, c := range cols {
				if c == "refreshed_at" {
					continue
				}
				v := vals[i]
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "%s=%v ", c, v)
			}
			b.WriteString("\n")
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return b.String()
}
