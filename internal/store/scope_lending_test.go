package store_test

import (
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

func init() { addScope(lendingCases, seedLending) }

// seedLending gives an agency an unread lending request in its desk.
func seedLending(tx *store.Tx, ag ill.AgencyID, marker string) error {
	r := &ill.Request{Side: ill.Lending, State: ill.LNew, ServiceType: ill.Loan, Partner: "US-DESK", PartnerRequestID: "DESK-" + marker,
		Citation: ill.Citation{Title: "Desk " + marker}, UnreadMessages: 1, ServiceLevel: "Urgent"}
	if err := tx.Agency().CreateRequest(ag, r); err != nil {
		return err
	}
	return tx.Agency().PutLendingMark(ag, store.LendingMark{RequestID: r.ID, ServiceRank: 0, Unread: 1, AutoDetail: "seen " + marker})
}

var lendingCases = map[string]agencyCase{
	"PutLendingMark": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		var put []int64
		err := eachRequestID(func(id int64) error {
			err := a.PutLendingMark(ag, store.LendingMark{RequestID: id, AutoRule: "overwritten"})
			if err == nil {
				put = append(put, id)
			}
			return err
		})
		return put, err
	},
	"LendingMark": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		var out []store.LendingMark
		err := eachRequestID(func(id int64) error {
			m, _, err := a.LendingMark(ag, id)
			if err == nil {
				out = append(out, m)
			}
			return err
		})
		return out, err
	},
	"GetRequestByID": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		var out []*ill.Request
		err := eachRequestID(func(id int64) error {
			r, err := a.GetRequestByID(ag, id)
			if err == nil {
				out = append(out, r)
			}
			return err
		})
		return out, err
	},
	"LendingQueueCounts": func(a store.AgencyData, ag ill.AgencyID) (any, error) { return a.LendingQueueCounts(ag) },
	"LendingQueue": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		rows, _, err := a.LendingQueue(ag, store.LendingFilter{Unread: true, Sort: "service"})
		return rows, err
	},
}

// The desk's queue: need-before date first (none last), then service
// level; counts per state and unread; a request marked read leaves the
// unread queue.
func TestLendingQueueOrderAndCounts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		const ag = ill.AgencyID("US-LQ")
		day := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
		ids := map[string]int64{}
		mustWrite(t, db, func(tx *store.Tx) error {
			if _, err := tx.System().CreateAgency(ag, "Queue library"); err != nil {
				return err
			}
			for _, c := range []struct {
				key, level string
				need       time.Time
				state      ill.State
				unread     int
			}{
				{"late-normal", "Normal", day.AddDate(0, 0, 5), ill.LNew, 0},
				{"soon-normal", "Normal", day, ill.LNew, 0},
				{"soon-urgent", "Urgent", day, ill.LNew, 1},
				{"none-rush", "Rush", time.Time{}, ill.LNew, 0},
				{"pulled", "", time.Time{}, ill.LPulled, 0},
			} {
				r := &ill.Request{Side: ill.Lending, State: c.state, ServiceType: ill.Loan, Partner: "US-B", PartnerRequestID: c.key,
					Citation: ill.Citation{Title: c.key}, ServiceLevel: c.level, NeedBefore: c.need, UnreadMessages: c.unread}
				if err := tx.Agency().CreateRequest(ag, r); err != nil {
					return err
				}
				ids[c.key] = r.ID
				if err := tx.Agency().PutLendingMark(ag, store.LendingMark{RequestID: r.ID, ServiceRank: store.ServiceRank(c.level), Unread: c.unread}); err != nil {
					return err
				}
			}
			return nil
		})
		order := func(f store.LendingFilter) []string {
			var out []string
			mustWrite(t, db, func(tx *store.Tx) error {
				rows, total, err := tx.Agency().LendingQueue(ag, f)
				if total != len(rows) {
					t.Errorf("total %d, %d rows", total, len(rows))
				}
				for _, r := range rows {
					out = append(out, r.R.PartnerRequestID)
				}
				return err
			})
			return out
		}
		tests := []struct {
			name string
			f    store.LendingFilter
			want []string
		}{
			{"need before, then service", store.LendingFilter{States: []ill.State{ill.LNew}}, []string{"soon-urgent", "soon-normal", "late-normal", "none-rush"}},
			{"service, then need before", store.LendingFilter{States: []ill.State{ill.LNew}, Sort: "service"}, []string{"soon-urgent", "none-rush", "soon-normal", "late-normal"}},
			{"unread", store.LendingFilter{Unread: true}, []string{"soon-urgent"}},
			{"pulled", store.LendingFilter{States: []ill.State{ill.LPulled}}, []string{"pulled"}},
		}
		for _, tc := range tests {
			if got := order(tc.f); !equalStrings(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
		mustWrite(t, db, func(tx *store.Tx) error {
			c, err := tx.Agency().LendingQueueCounts(ag)
			if err != nil {
				return err
			}
			if c.ByState[ill.LNew] != 4 || c.ByState[ill.LPulled] != 1 || c.Unread != 1 || c.Open != 5 {
				t.Errorf("counts %+v", c)
			}
			// Marked read: out of the unread queue.
			m, _, err := tx.Agency().LendingMark(ag, ids["soon-urgent"])
			if err != nil {
				return err
			}
			m.Unread = 0
			return tx.Agency().PutLendingMark(ag, m)
		})
		if got := order(store.LendingFilter{Unread: true}); len(got) != 0 {
			t.Errorf("unread after reading: %v", got)
		}
	})
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
