package store_test

import (
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
)

func init() {
	addScope(borrowingCases, nil)
}

var borrowingCases = map[string]agencyCase{
	"BorrowingQueueCount": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.BorrowingQueueCount(ag, store.QueueSpec{States: []ill.State{ill.BSent, ill.BReview}})
	},
	"BorrowingStateCounts": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		s, r, u, err := a.BorrowingStateCounts(ag, []ill.State{ill.BSent, ill.BReview, ill.BValidated})
		return []any{s, r, u}, err
	},
	"BorrowingQueue": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		rs, n, err := a.BorrowingQueue(ag, store.QueueSpec{States: []ill.State{ill.BSent, ill.BValidated, ill.BReview}}, 50, 0)
		return []any{rs, n}, err
	},
	"PatronRecentRequests": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		var out []*ill.Request
		for id := int64(1); id < 50; id++ {
			rs, err := a.PatronRecentRequests(ag, id, time.Time{}, 50)
			if err != nil {
				return nil, err
			}
			out = append(out, rs...)
		}
		return out, nil
	},
	"RetentionDue": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.RetentionDue(ag, time.Now().Add(1000*24*time.Hour), 100)
	},
	"RedactRequestData": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		red := func(s string) string { return strings.ReplaceAll(s, "MARK", "XXXX") }
		for id := int64(1); id < 200; id++ {
			if _, err := a.RedactRequestData(ag, id, red); err != nil && !ill.Is(err, ill.NotFound) {
				return nil, err
			}
		}
		return nil, nil
	},
	"RetentionPatrons": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.RetentionPatrons(ag, time.Now().Add(100000*24*time.Hour), time.Now().Add(100000*24*time.Hour), 100)
	},
	"AnonymisePatron": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		// Every patron but P1, whom the patron cases look up later.
		keep, err := a.FindPatron(ag, "P1")
		if err != nil {
			return nil, err
		}
		for id := int64(1); id < 200; id++ {
			if id == keep.ID {
				continue
			}
			if err := a.AnonymisePatron(ag, id); err != nil && !ill.Is(err, ill.NotFound) {
				return nil, err
			}
		}
		return nil, nil
	},
	"RedactAudit": func(a store.AgencyData, ag ill.AgencyID) (any, error) {
		return a.RedactAudit(ag, "MARK", func(s string) string { return strings.ReplaceAll(s, "MARK", "XXXX") })
	},
}
