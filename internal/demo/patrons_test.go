package demo

import (
	"context"
	"testing"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/patron"
)

// TestDemoPatrons runs the accounts and patrons steps and checks what the
// demo promises: every library has patrons in several categories, one
// blocked, one expired, and its patron login linked to a record.
func TestDemoPatrons(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	ctx := context.Background()
	world := &World{}
	for _, s := range Steps() {
		if s.Name != "agencies and accounts" && s.Name != "patrons" {
			continue
		}
		if err := s.Run(ctx, w.App, world); err != nil {
			t.Fatalf("step %s: %v", s.Name, err)
		}
	}
	sys := ill.SystemActor()
	for i, h := range hosted {
		ps, err := w.App.SearchPatrons(ctx, sys, h.id, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		categories := map[string]bool{}
		blocked, expired := 0, 0
		for _, p := range ps {
			categories[p.Category] = true
			if len(p.Blocks) > 0 {
				blocked++
			}
			if patron.Expired(p.Expires, w.Clock.Now()) {
				expired++
			}
		}
		if len(ps) != len(demoPatrons) || len(categories) != 5 || blocked != 1 || expired != 1 {
			t.Errorf("%s: %d patrons in %d categories, %d blocked, %d expired", h.id, len(ps), len(categories), blocked, expired)
		}
		// The library's patron login is linked to Pat Patron's record.
		var login ill.Actor
		us, err := w.App.Users(ctx, sys, h.id)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range us {
			if x.Email == "patron@"+h.slug+".example" {
				login = app.ActorFor(x, h.id)
			}
		}
		me, err := w.App.MyPatronRecord(ctx, login, h.id)
		if err != nil || me.Barcode != demoBarcode(i, 0) || me.Name != "Pat Patron" {
			t.Errorf("%s: the patron login's record = %+v, %v", h.id, me, err)
		}
		// The blocked one may not request; the others may.
		if d, err := w.App.ILSFor(ctx, h.id); err != nil {
			t.Fatal(err)
		} else if _, err := d.LookupUser(ctx, ils.LookupUserInput{Patron: demoBarcode(i, 6)}); err == nil {
			t.Errorf("%s: the blocked demo patron passes LookupUser", h.id)
		}
	}
}
