package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// TestRequestColumnsFollowTheDocument: saving a request writes only the
// columns that changed, yet after every kind of change, in one
// transaction or across several, rolled back or not, the row's columns
// are what its document says.
func TestRequestColumnsFollowTheDocument(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var pub string
		mustWrite(t, db, func(tx *store.Tx) error {
			if _, err := tx.System().CreateAgency("US-EXA", "A"); err != nil {
				return err
			}
			r := &ill.Request{Side: ill.Borrowing, State: ill.BValidated, ServiceType: ill.Loan,
				Citation: ill.Citation{Title: "The Old Title", Author: "Writer, A.", ISBN: "9780306406157"}}
			if err := tx.Agency().CreateRequest("US-EXA", r); err != nil {
				return err
			}
			pub = r.PublicID
			return nil
		})
		changes := []struct {
			name   string
			change func(r *ill.Request)
		}{
			{"state", func(r *ill.Request) { r.State = ill.BSent }},
			{"partner and id", func(r *ill.Request) { r.Partner, r.PartnerRequestID = "US-EXSUP", "L42" }},
			{"citation", func(r *ill.Request) {
				r.Citation.Title, r.Citation.Author, r.Citation.ISBN, r.Citation.OCLCNumber = "A New Title", "Other, B.", "", "(OCoLC)123456"
			}},
			{"attention and unread", func(r *ill.Request) { r.Attention, r.UnreadMessages = true, 3 }},
			{"need before and patron", func(r *ill.Request) { r.NeedBefore, r.PatronID = time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC), 0 }},
			{"nothing", func(r *ill.Request) {}},
			{"closed", func(r *ill.Request) {
				r.State, r.CloseReason, r.ClosedAt, r.Attention, r.UnreadMessages = ill.BCompleted, ill.ClosedFilled, time.Now(), false, 0
			}},
		}
		check := func(when string) {
			t.Helper()
			mustRead(t, db, func(tx *store.Tx) error {
				diffs, err := store.RequestColumnsAsStored(tx, "US-EXA", pub)
				if err != nil {
					return err
				}
				for _, d := range diffs {
					t.Errorf("%s: %s", when, d)
				}
				return nil
			})
		}
		save := func(tx *store.Tx, change func(*ill.Request)) error {
			r, err := tx.Agency().LockRequest("US-EXA", pub)
			if err != nil {
				return err
			}
			change(r)
			return tx.Agency().UpdateRequest("US-EXA", r, 0)
		}
		// One change per transaction.
		for _, c := range changes {
			mustWrite(t, db, func(tx *store.Tx) error { return save(tx, c.change) })
			check(c.name)
		}
		// Several saves of one request in one transaction, back and forth.
		mustWrite(t, db, func(tx *store.Tx) error {
			for _, change := range []func(*ill.Request){
				func(r *ill.Request) { r.State, r.Attention = ill.BShipped, true },
				func(r *ill.Request) { r.Attention = false },
				func(r *ill.Request) { r.Attention, r.Citation.Title = true, "Third Title" },
			} {
				if err := save(tx, change); err != nil {
					return err
				}
			}
			return nil
		})
		check("three saves in one transaction")
		// A save rolled back leaves the row as it was, and the next save
		// (a new transaction) still writes what changed since then.
		boom := errors.New("rolled back")
		if err := db.Transact(ctx, func(tx *store.Tx) error {
			if err := save(tx, func(r *ill.Request) { r.Attention = false }); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatal(err)
		}
		mustWrite(t, db, func(tx *store.Tx) error { return save(tx, func(r *ill.Request) { r.Attention = false }) })
		check("after a rolled-back save")
	})
}
