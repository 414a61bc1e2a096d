package store_test

import (
	"slices"
	"testing"

	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// TestRequestSearch: a request's own id or the partner's id finds that
// request alone (through the indexes); anything else (a barcode, an
// OCLC number, title words, an id-like text that is only a barcode) is
// searched as before.
func TestRequestSearch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ids := map[string]string{} // name → public id
		mustWrite(t, db, func(tx *store.Tx) error {
			if _, err := tx.System().CreateAgency("US-EXA", "A"); err != nil {
				return err
			}
			for _, c := range []struct {
				name, partnerID, barcode, title, oclc string
			}{
				{"first", "B1000777", "39000111", "The Structure of Scientific Revolutions", "(OCoLC)12345"},
				{"second", "B1000778", "B1000777X", "Structure and Interpretation of Computer Programs", ""},
				// Its barcode looks like an id but is not one.
				{"third", "REQ-9", "B1000999", "Gödel, Escher, Bach", "98765"},
				// Its barcode is the third's partner id: the id wins.
				{"fourth", "REQ-10", "REQ-9", "Another Book", ""},
			} {
				r := &ill.Request{Side: ill.Lending, State: ill.LNew, ServiceType: ill.Loan, Partner: "US-EXB", PartnerRequestID: c.partnerID,
					Items:    []ill.Item{{Barcode: c.barcode}},
					Citation: ill.Citation{Title: c.title, OCLCNumber: c.oclc}}
				if err := tx.Agency().CreateRequest("US-EXA", r); err != nil {
					return err
				}
				ids[c.name] = r.PublicID
			}
			return nil
		})
		cases := []struct {
			q    string
			want []string
		}{
			{ids["second"], []string{"second"}},            // our id
			{"l" + ids["second"][1:], []string{"second"}},  // our id typed in lower case
			{"B1000777", []string{"first"}},                // the partner's id, not the barcode B1000777X
			{"REQ-9", []string{"third"}},                   // a partner id with punctuation
			{"B1000999", []string{"third"}},                // id-like, only a barcode: searched as before
			{"39000111", []string{"first"}},                // a barcode
			{"12345", []string{"first"}},                   // an OCLC number
			{"structure", []string{"first", "second"}},     // title words
			{"nothing-like-this", nil},                     // nothing
			{"  " + ids["first"] + " ", []string{"first"}}, // spaces around
		}
		for _, c := range cases {
			var got []string
			mustRead(t, db, func(tx *store.Tx) error {
				rs, total, err := tx.Agency().ListRequests("US-EXA", store.RequestFilter{Side: ill.Lending, Query: c.q})
				if err != nil {
					return err
				}
				if total != len(rs) {
					t.Errorf("q=%q: total %d, %d rows", c.q, total, len(rs))
				}
				for _, r := range rs {
					for name, id := range ids {
						if id == r.PublicID {
							got = append(got, name)
						}
					}
				}
				return nil
			})
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("q=%q found %v, want %v", c.q, got, c.want)
			}
		}

		// One partner id used by two partners: the other filters and the
		// page still apply on the id's fast path.
		dup := map[ill.AgencyID]string{}
		mustWrite(t, db, func(tx *store.Tx) error {
			for _, p := range []ill.AgencyID{"US-EXC", "US-EXD"} {
				r := &ill.Request{Side: ill.Lending, State: ill.LNew, ServiceType: ill.Loan, Partner: p, PartnerRequestID: "DUP-1"}
				if err := tx.Agency().CreateRequest("US-EXA", r); err != nil {
					return err
				}
				dup[p] = r.PublicID
			}
			return nil
		})
		pages := []struct {
			f     store.RequestFilter
			total int
			want  []string
		}{
			{store.RequestFilter{Side: ill.Lending, Sort: "id"}, 2, []string{dup["US-EXC"], dup["US-EXD"]}},
			{store.RequestFilter{Side: ill.Lending, Sort: "id", Limit: 1}, 2, []string{dup["US-EXC"]}},
			{store.RequestFilter{Side: ill.Lending, Sort: "id", Limit: 1, Offset: 1}, 2, []string{dup["US-EXD"]}},
			{store.RequestFilter{Side: ill.Lending, Sort: "id", Offset: 5}, 2, nil},
			{store.RequestFilter{Side: ill.Lending, Partner: "US-EXD"}, 1, []string{dup["US-EXD"]}},
			{store.RequestFilter{Side: ill.Borrowing}, 0, nil},
		}
		for _, c := range pages {
			c.f.Query = "DUP-1"
			mustRead(t, db, func(tx *store.Tx) error {
				rs, total, err := tx.Agency().ListRequests("US-EXA", c.f)
				if err != nil {
					return err
				}
				var got []string
				for _, r := range rs {
					got = append(got, r.PublicID)
				}
				if total != c.total || !slices.Equal(got, c.want) {
					t.Errorf("%+v: %v of %d, want %v of %d", c.f, got, total, c.want, c.total)
				}
				return nil
			})
		}
	})
}
