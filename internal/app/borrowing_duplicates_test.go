package app_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/patron"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// TestCompareCitationsFixture checks the duplicate classifier against a
// labelled fixture of pairs (testdata/duplicates.json), both ways round.
func TestCompareCitationsFixture(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/duplicates.json")
	if err != nil {
		t.Fatal(err)
	}
	var pairs []struct {
		Name string         `json:"name"`
		Want app.DupVerdict `json:"want"`
		A    ill.Citation   `json:"a"`
		B    ill.Citation   `json:"b"`
	}
	if err := json.Unmarshal(b, &pairs); err != nil {
		t.Fatal(err)
	}
	if len(pairs) < 20 {
		t.Fatalf("the fixture has %d pairs, want at least 20", len(pairs))
	}
	seen := map[app.DupVerdict]int{}
	for _, p := range pairs {
		seen[p.Want]++
		t.Run(p.Name, func(t *testing.T) {
			if got := app.CompareCitations(p.A, p.B); got != p.Want {
				t.Errorf("CompareCitations(a, b) = %s, want %s", got, p.Want)
			}
			if got := app.CompareCitations(p.B, p.A); got != p.Want {
				t.Errorf("CompareCitations(b, a) = %s, want %s", got, p.Want)
			}
		})
	}
	for _, v := range []app.DupVerdict{app.DupSame, app.DupBorderline, app.DupDifferent} {
		if seen[v] < 5 {
			t.Errorf("the fixture has %d %s pairs, want at least 5", seen[v], v)
		}
	}
}

// TestDuplicateIntake: a patron asking again is told (nothing stored);
// staff asking again for the patron go to review; a borderline case goes
// to review; a cancelled request is no duplicate.
func TestDuplicateIntake(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			w := newWorld(t, engine)
			ctx := context.Background()
			st := staff(libA)
			p, err := w.app.CreatePatron(ctx, st, libA, patron.Record{Barcode: "21000111", Name: "Dup Patron", Email: "dup@example.org"})
			if err != nil {
				t.Fatal(err)
			}
			first, err := w.app.CreateRequest(ctx, st, app.NewRequest{PatronID: p.ID, Citation: ill.Citation{Title: "The Origin of Species", Author: "Darwin, Charles"}})
			if err != nil {
				t.Fatal(err)
			}
			cases := []struct {
				name       string
				cite       ill.Citation
				wantReason string
			}{
				{"same title and author", ill.Citation{Title: "the origin of species", Author: "Charles Darwin"}, app.ReviewDuplicate},
				{"subtitle added", ill.Citation{Title: "The origin of species: by means of natural selection", Author: "Darwin, Charles"}, app.ReviewPossibleDuplicate},
				{"another book", ill.Citation{Title: "The Voyage of the Beagle", Author: "Darwin, Charles"}, ""},
			}
			for _, c := range cases {
				r, err := w.app.CreateRequest(ctx, st, app.NewRequest{PatronID: p.ID, Citation: c.cite})
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				if c.wantReason == "" {
					if r.ReviewReason == app.ReviewDuplicate || r.ReviewReason == app.ReviewPossibleDuplicate {
						t.Errorf("%s: review reason %q, want none", c.name, r.ReviewReason)
					}
					continue
				}
				if r.State != ill.BReview || r.ReviewReason != c.wantReason {
					t.Errorf("%s: %s/%s, want review/%s", c.name, r.State, r.ReviewReason, c.wantReason)
				}
				ms, err := w.app.Duplicates(ctx, st, r.PublicID)
				found := false
				for _, m := range ms {
					found = found || m.Request.PublicID == first.PublicID
				}
				if err != nil || !found {
					t.Errorf("%s: Duplicates = %v, %v; want %s among them", c.name, ms, err, first.PublicID)
				}
			}
			// The patron's own request for the same book is refused with a
			// message naming the earlier request, and nothing is stored.
			pa := ill.Actor{Kind: ill.ActorPatron, Agency: libA, Grants: ill.Grants{{Agency: libA, Role: ill.RolePatron}}}
			_, total, _ := w.app.ListRequests(ctx, st, store.RequestFilter{})
			_, err = w.app.CreateRequest(ctx, pa, app.NewRequest{PatronID: p.ID, Citation: ill.Citation{Title: "Origin of Species", Author: "Darwin, C."}})
			if !ill.Is(err, ill.Conflict) {
				t.Fatalf("patron's duplicate: error %v, want Conflict", err)
			}
			if msg := ill.UserMessage(err); !strings.Contains(msg, "(request B") || !strings.Contains(msg, "2 March 2026") {
				t.Errorf("patron's duplicate: message %q names no earlier request and date", msg)
			}
			if _, after, _ := w.app.ListRequests(ctx, st, store.RequestFilter{}); after != total {
				t.Errorf("requests after a refused duplicate: %d, want %d", after, total)
			}
			// A cancelled request is no duplicate; and outside the look-back
			// nothing is.
			for _, r := range mustList(t, w, st) {
				if r.State == ill.BReview || r.State == ill.BValidated || r.State == ill.BEndOfRota {
					w.do(st, r.PublicID, ill.ActCancel, nil)
				}
			}
			r, err := w.app.CreateRequest(ctx, pa, app.NewRequest{PatronID: p.ID, Citation: ill.Citation{Title: "Origin of Species", Author: "Darwin, C."}})
			if err != nil || r.ReviewReason == app.ReviewDuplicate {
				t.Fatalf("after cancelling: %v, %v", r, err)
			}
		})
	}
}

func mustList(t *testing.T, w *world, actor ill.Actor) []*ill.Request {
	t.Helper()
	rs, _, err := w.app.ListRequests(context.Background(), actor, store.RequestFilter{Side: ill.Borrowing, Open: true, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}
