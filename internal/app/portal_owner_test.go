package app_test

import (
	"testing"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/patron"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// "My requests" lists a login's requests by the indexed owner column:
// the patron's own, those staff placed for their record while it had a
// login, and those placed before the login was linked (they follow the
// link, and leave with an unlink). Another patron sees none of them.
func TestMyRequestsListsRequestsPlacedByStaff(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			pw := newPortalWorld(t, engine)
			ids := func(actor ill.Actor) map[string]bool {
				t.Helper()
				rs, err := pw.app.MyRequests(pw.ctx, actor)
				if err != nil {
					t.Fatal(err)
				}
				out := map[string]bool{}
				for _, r := range rs {
					out[r.Request.PublicID] = true
				}
				return out
			}
			own := pw.submit(book("A book of my own"))
			placed, err := pw.app.CreateRequest(pw.ctx, staff(libA), app.NewRequest{Citation: silentSpring, PatronID: pw.pat.ID})
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(pw.actor); !got[own.PublicID] || !got[placed.PublicID] || len(got) != 2 {
				t.Errorf("the patron's list: %v; want %s and %s", got, own.PublicID, placed.PublicID)
			}
			if got := ids(pw.other); len(got) != 0 {
				t.Errorf("another patron's list: %v", got)
			}

			// A record without a login: staff place a request; the login
			// linked later sees it, and an unlink takes it away again.
			rec, err := pw.app.CreatePatron(pw.ctx, ill.SystemActor(), libA, patron.Record{Barcode: "P300", Name: "Late Linker", Email: "p300@patrons.example.edu"})
			if err != nil {
				t.Fatal(err)
			}
			early, err := pw.app.CreateRequest(pw.ctx, staff(libA), app.NewRequest{Citation: ill.Citation{Title: "Placed before the login", PublicationType: ill.PubBook}, PatronID: rec.ID})
			if err != nil {
				t.Fatal(err)
			}
			if early.OwnerUserID != 0 {
				t.Fatalf("owner before any login: %d", early.OwnerUserID)
			}
			u := pw.user("p300@patrons.example.edu", ill.Grant{Agency: libA, Role: ill.RolePatron})
			late := app.ActorFor(u, libA)
			if got := ids(late); len(got) != 0 {
				t.Errorf("before the link: %v", got)
			}
			if err := pw.app.LinkPatronAccount(pw.ctx, staff(libA), libA, rec.ID, u.Email); err != nil {
				t.Fatal(err)
			}
			if got := ids(late); !got[early.PublicID] || len(got) != 1 {
				t.Errorf("after the link: %v; want %s", got, early.PublicID)
			}
			if _, err := pw.app.MyRequest(pw.ctx, late, early.PublicID); err != nil {
				t.Errorf("the linked login opens it: %v", err)
			}
			// The data and the column agree: a later save keeps the owner.
			if err := pw.app.AddNote(pw.ctx, staff(libA), early.PublicID, "phoned"); err != nil {
				t.Fatal(err)
			}
			if got := ids(late); !got[early.PublicID] {
				t.Errorf("after a save: %v", got)
			}
			if err := pw.app.LinkPatronAccount(pw.ctx, staff(libA), libA, rec.ID, ""); err != nil {
				t.Fatal(err)
			}
			if got := ids(late); len(got) != 0 {
				t.Errorf("after the unlink: %v", got)
			}
			if _, err := pw.app.MyRequest(pw.ctx, late, early.PublicID); !ill.Is(err, ill.NotFound) {
				t.Errorf("the unlinked login opens it: %v", err)
			}
			var n int
			if err := pw.app.DB.Read(pw.ctx, func(tx *store.Tx) error {
				_, total, err := tx.Agency().ListRequests(libA, store.RequestFilter{Owner: pw.actor.UserID})
				n = total
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if n != 2 {
				t.Errorf("the owner filter counts %d of the patron's requests, want 2", n)
			}
		})
	}
}
