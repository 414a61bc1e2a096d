package store_test

import (
	"context"
	"testing"

	"interlend/internal/ill"
	"interlend/internal/patron"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// The owner column follows the request's data and the patron record's
// login: a request saved with an owner is found by it; linking the record
// to another login moves the record's requests (column and data), an
// unlink clears them, and another agency's rows are never touched.
func TestRequestOwnerColumn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const ag, other = ill.AgencyID("US-OWN"), ill.AgencyID("US-OTH")
		var u1, u2 store.User
		var pat store.Patron
		var mine, placed, theirs *ill.Request
		err := db.Transact(ctx, func(tx *store.Tx) error {
			for _, a := range []ill.AgencyID{ag, other} {
				if _, err := tx.System().CreateAgency(a, string(a)); err != nil {
					return err
				}
			}
			var err error
			if u1, err = tx.System().CreateUser(store.User{Email: "one@own.example"}); err != nil {
				return err
			}
			if u2, err = tx.System().CreateUser(store.User{Email: "two@own.example"}); err != nil {
				return err
			}
			if pat, err = tx.Agency().CreatePatron(ag, store.Patron{Record: patron.Record{Barcode: "OWN1", Name: "Owen"}}, 0); err != nil {
				return err
			}
			mk := func(a ill.AgencyID, title string, patronID, owner int64) (*ill.Request, error) {
				r := &ill.Request{Side: ill.Borrowing, State: ill.BReview, ServiceType: ill.Loan, Citation: ill.Citation{Title: title},
					PatronID: patronID, OwnerUserID: owner}
				return r, tx.Agency().CreateRequest(a, r)
			}
			if mine, err = mk(ag, "Own", 0, u1.ID); err != nil {
				return err
			}
			if placed, err = mk(ag, "Placed", pat.ID, 0); err != nil {
				return err
			}
			theirs, err = mk(other, "Elsewhere", 0, u1.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		owned := func(user int64) map[string]int64 {
			t.Helper()
			out := map[string]int64{}
			if err := db.Read(ctx, func(tx *store.Tx) error {
				rs, _, err := tx.Agency().ListRequests(ag, store.RequestFilter{Owner: user})
				for _, r := range rs {
					out[r.PublicID] = r.OwnerUserID
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		if got := owned(u1.ID); len(got) != 1 || got[mine.PublicID] != u1.ID {
			t.Errorf("u1 owns %v, want only %s", got, mine.PublicID)
		}
		link := func(user int64) {
			t.Helper()
			if err := db.Transact(ctx, func(tx *store.Tx) error { return tx.Agency().LinkPatronUser(ag, pat.ID, user, 0) }); err != nil {
				t.Fatal(err)
			}
		}
		link(u2.ID)
		if got := owned(u2.ID); len(got) != 1 || got[placed.PublicID] != u2.ID {
			t.Errorf("after the link u2 owns %v, want %s (owner in the data too)", got, placed.PublicID)
		}
		// A later save of the request keeps the owner in the column.
		if err := db.Transact(ctx, func(tx *store.Tx) error {
			r, err := tx.Agency().GetRequest(ag, placed.PublicID)
			if err != nil {
				return err
			}
			if r.Version != 2 {
				t.Errorf("version after the link: %d, want 2", r.Version)
			}
			r.Attention = true
			return tx.Agency().UpdateRequest(ag, r, r.Version)
		}); err != nil {
			t.Fatal(err)
		}
		if got := owned(u2.ID); len(got) != 1 {
			t.Errorf("after a save u2 owns %v", got)
		}
		link(0)
		if got := owned(u2.ID); len(got) != 0 {
			t.Errorf("after the unlink u2 owns %v", got)
		}
		if err := db.Read(ctx, func(tx *store.Tx) error {
			r, err := tx.Agency().GetRequest(other, theirs.PublicID)
			if err == nil && (r.OwnerUserID != u1.ID || r.Version != 1) {
				t.Errorf("another agency's request changed: owner %d version %d", r.OwnerUserID, r.Version)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
	})
}
