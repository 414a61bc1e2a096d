package store_test

import (
	"fmt"
	"time"

	"interlend/internal/ill"
	"interlend/internal/stats"
	"interlend/internal/store"
)

func init() { addScope(statsCases, seedStats) }

var statsT0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

var statsPeriod = stats.Period{From: statsT0.AddDate(0, 0, -40), To: statsT0.AddDate(0, 0, 40)}

// statsHistory is a filled loan with a charge, its title marked.
func statsHistory(ag ill.AgencyID, marker string) store.History {
	j := stats.Journey{Side: ill.Borrowing, Agency: ag, Service: ill.Loan, Category: "cat-" + marker, Submitted: statsT0,
		Tries:   []stats.Try{{Lender: "US-LEND", Sent: statsT0.Add(time.Hour), Answered: statsT0.Add(2 * time.Hour), Outcome: "filled"}},
		Shipped: statsT0.Add(24 * time.Hour), Received: statsT0.Add(48 * time.Hour), Available: statsT0.Add(48 * time.Hour),
		Closed: statsT0.Add(72 * time.Hour), CloseReason: ill.ClosedFilled, Partner: "US-LEND"}
	j.FirstSent, j.Answered = j.Tries[0].Sent, j.Tries[0].Answered
	r, evs := stats.Replay(j, ill.Citation{Title: "History of " + marker, ISBN: "9780618249060"})
	return store.History{Request: r, Events: evs,
		Rota: []store.RotaEntry{{Lender: "US-LEND", Reason: marker, State: store.RotaFilled, SentAt: j.FirstSent, AnsweredAt: j.Answered}},
		Charges: []store.Charge{{Type: store.ChargeLender, Amount: ill.Money{Minor: 700, Currency: "USD"}, Payer: string(ag), Payee: "US-LEND",
			Status: store.ChargeAccepted, Note: marker, CreatedAt: statsT0.Add(time.Hour)}}}
}

// seedStats gives an agency a history request and its facts.
func seedStats(tx *store.Tx, ag ill.AgencyID, marker string) error {
	a := tx.Agency()
	h := statsHistory(ag, marker)
	if err := a.AddHistory(ag, []store.History{h}); err != nil {
		return err
	}
	if _, err := a.PutStatsFacts(ag, time.UTC, []store.StatsFact{statsFact(h, marker)}); err != nil {
		return err
	}
	if err := a.PutStatsAgency(ag, store.StatsAgency{Calendar: "cal-" + marker, MaxLife: time.Hour}); err != nil {
		return err
	}
	return a.RecomputeStatsMonths(ag, time.UTC, []int{202603})
}

func statsFact(h store.History, marker string) store.StatsFact {
	j := stats.FromEvents(h.Request, h.Events, []stats.Try{{Lender: "US-LEND", Sent: statsT0.Add(time.Hour), Outcome: "filled"}})
	j.Department = "dept-" + marker
	return store.StatsFact{RequestID: h.Request.ID, PublicID: h.Request.PublicID, State: h.Request.State, LastEvent: 1 << 40, Journey: j}
}

var statsCases = map[string]agencyCase{
	"AddHistory": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return nil, a.AddHistory(ag, []store.History{statsHistory(ag, "again")})
	},
	"PutStatsFacts": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		// Facts for every request id there is, the other agency's
		// included: only the agency's own are written.
		var facts []store.StatsFact
		for id := int64(1); id <= 30; id++ {
			facts = append(facts, store.StatsFact{RequestID: id, PublicID: "X", State: ill.BSent, LastEvent: 1 << 50,
				Journey: stats.Journey{Side: ill.Borrowing, Service: ill.Loan, Submitted: statsT0, Tries: []stats.Try{{Lender: "US-X", Sent: statsT0, Outcome: "pending"}}}})
		}
		n, err := a.PutStatsFacts(ag, time.UTC, facts)
		if err == nil && n == 0 {
			err = fmt.Errorf("no fact of the agency's own requests was written")
		}
		return n, err
	},
	"StatsFacts": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.StatsFacts(ag, statsPeriod, 365*24*time.Hour)
	},
	"StatsSubmitted": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.StatsSubmitted(ag, ill.Borrowing, statsPeriod)
	},
	"StatsCharges":    func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.StatsCharges(ag, statsPeriod) },
	"StatsOpenStates": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.StatsOpenStates(ag) },
	"StatsWeekly": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.StatsWeekly(ag, statsPeriod.From, statsPeriod.To)
	},
	"StatsSources": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		var ids []int64
		for id := int64(1); id <= 30; id++ {
			ids = append(ids, id)
		}
		return a.StatsSources(ag, ids)
	},
	"StatsRequestIDs": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.StatsRequestIDs(ag, 0, 100) },
	"GetStatsAgency":  func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.GetStatsAgency(ag) },
	"PutStatsAgency": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return nil, a.PutStatsAgency(ag, store.StatsAgency{Calendar: "changed"})
	},
	"StatsMaxLife": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.StatsMaxLife(ag) },
	"DeleteStats":  func(a store.AgencyData, ag ill.AgencyID) (any, error) { return nil, a.DeleteStats(ag) },
	"RecomputeStatsMonths": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return nil, a.RecomputeStatsMonths(ag, time.UTC, []int{202602, 202603})
	},
	"StatsMonths":     func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.StatsMonths(ag, 202001, 203012) },
	"StatsFactMonths": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.StatsFactMonths(ag, time.UTC) },
	"EachStatsFact": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		var out []any
		err := a.EachStatsFact(ag, statsPeriod, true, func(f store.StatsFact, who store.PatronIdentity) error {
			out = append(out, f, who)
			return nil
		})
		return out, err
	},
	"EachEvent": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		var out []store.ExportEvent
		err := a.EachEvent(ag, statsPeriod, true, func(e store.ExportEvent) error {
			out = append(out, e)
			return nil
		})
		return out, err
	},
}
