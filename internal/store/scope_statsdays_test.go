package store_test

import (
	"time"

	"interlend/internal/ill"
	"interlend/internal/stats"
	"interlend/internal/store"
)

func init() { addScope(statsDaysCases, nil) }

// The daily aggregates' methods (seedStats's facts are counted in them).
var statsDaysCases = map[string]agencyCase{
	"TallyStatsFacts": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		t := stats.NewTally()
		n, err := a.TallyStatsFacts(ag, time.UTC, time.Now().AddDate(10, 0, 0), true, t)
		counts, spans := t.Rows()
		return []any{n, counts, spans}, err
	},
	"BeginStatsDays": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.BeginStatsDays(ag, statsT0) },
	"PutStatsDayRows": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		mark, err := a.BeginStatsDays(ag, statsT0)
		if err != nil {
			return nil, err
		}
		return nil, a.PutStatsDayRows(ag, mark, []stats.DayCount{{Cell: stats.Cell{Day: 20260302, Side: ill.Borrowing, Measure: "recv", Key: "x"}, N: 1}},
			[]stats.DaySpans{{Cell: stats.Cell{Day: 20260302, Side: ill.Borrowing, Measure: "cal.x", Key: "x"}, Values: []time.Duration{time.Hour}}})
	},
	"FinishStatsDays": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		mark, err := a.BeginStatsDays(ag, statsT0)
		if err != nil {
			return nil, err
		}
		return a.FinishStatsDays(ag, mark, time.UTC, time.Time{})
	},
	"ResetStatsDays": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return nil, a.ResetStatsDays(ag) },
	"StatsDays": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		counts, spans, err := a.StatsDays(ag, 20200101, 20301231)
		return []any{counts, spans}, err
	},
	"StatsDayCounts": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.StatsDayCounts(ag, "recv", 20200101, 20301231)
	},
	"StatsDayTotals": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.StatsDayTotals(ag, 20301231) },
}
