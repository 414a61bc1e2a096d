package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// BenchmarkBorrowingDesk100k renders the borrowing desk (every queue
// counted, the first non-empty queue listed) for a library with 100,000
// borrowing requests: 90% closed, the rest spread over the open states,
// some in review for each reason and some with unread partner notes.
//
// /account is a page of the same shell for comparison.
//
//	go test ./internal/web -run '^$' -bench BorrowingDesk100k -benchtime 50x
func BenchmarkBorrowingDesk100k(b *testing.B) {
	w := apptest.New(b, apptest.Options{})
	w.Agency(b, "US-EXA", "A")
	w.User(b, "a@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleManager})
	var open []ill.State
	for _, d := range ill.BorrowingWorkflow.States {
		if !d.Terminal {
			open = append(open, d.Name)
		}
	}
	reasons := []string{"", "duplicate", "possible_duplicate", "own_holdings", "patron_limit", "incomplete_citation"}
	const total, batch = 100_000, 5_000
	ctx := context.Background()
	for start := 0; start < total; start += batch {
		err := w.App.DB.Transact(ctx, func(tx *store.Tx) error {
			for i := start; i < start+batch; i++ {
				r := &ill.Request{Side: ill.Borrowing, ServiceType: ill.Loan, PatronID: int64(i%5000) + 1,
					Citation: ill.Citation{Title: fmt.Sprintf("Bench title %d", i), Author: "Author, Bench"}}
				if i%10 != 0 {
					r.State, r.ClosedAt, r.CloseReason = ill.BCompleted, tx.Now(), ill.ClosedFilled
				} else {
					r.State = open[(i/10)%len(open)]
					if r.State == ill.BReview {
						r.ReviewReason = reasons[(i/10)%len(reasons)]
					}
					if i%70 == 0 {
						r.UnreadMessages = 1
					}
				}
				r.PatronID = 0
				if err := tx.Agency().CreateRequest("US-EXA", r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	c := w.Client(b)
	c.Login("a@example.edu")
	if r := c.Get("/borrowing"); r.Status != http.StatusOK {
		b.Fatalf("desk: %d", r.Status)
	}
	for _, path := range []string{"/borrowing?queue=in_transit", "/borrowing?queue=duplicates", "/account"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				if r := c.Get(path); r.Status != http.StatusOK {
					b.Fatalf("%s: %d", path, r.Status)
				}
			}
		})
	}
}
