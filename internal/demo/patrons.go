package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
)

func init() {
	register(Step{Order: 25, Name: "patrons", Run: seedPatrons})
}

// demoPatrons are every demo library's patrons: one of each category, one
// blocked, one expired, and Pat Patron, whose record is linked to the
// library's patron login.
var demoPatrons = []struct {
	first, last, category string
	blocked               string // block reason
	expired               bool
}{
	{first: "Pat", last: "Patron", category: "undergraduate"},
	{first: "Ana", last: "Lima", category: "undergraduate"},
	{first: "Ben", last: "Okafor", category: "graduate"},
	{first: "Wei", last: "Chen", category: "faculty"},
	{first: "Dara", last: "Quinn", category: "staff"},
	{first: "Eli", last: "Novak", category: "public"},
	{first: "Farah", last: "Haddad", category: "undergraduate", blocked: "Unpaid fines over $50"},
	{first: "Gus", last: "Ramírez", category: "graduate", expired: true},
}

// seedPatrons imports each library's patrons as a patron file would, then
// blocks one and links Pat Patron to the portal login.
func seedPatrons(ctx context.Context, a *app.App, w *World) error {
	sys := ill.SystemActor()
	now := a.Clock.Now()
	for i, h := range hosted {
		var csv strings.Builder
		csv.WriteString("barcode,first_name,last_name,email,category,home_library,pickup_location,expiry_date,notes\n")
		for j, p := range demoPatrons {
			expires := now.AddDate(1, 0, 0)
			if p.expired {
				expires = now.AddDate(0, -1, 0)
			}
			notes := ""
			if p.category == "faculty" {
				notes = "Prefers scans by email when possible."
			}
			fmt.Fprintf(&csv, "%s,%s,%s,%s,%s,Main,MAIN,%s,%s\n", demoBarcode(i, j), p.first, p.last,
				demoEmail(p.first, p.last, h.slug), p.category, expires.Format(time.DateOnly), notes)
		}
		if _, err := a.ImportPatrons(ctx, sys, h.id, strings.NewReader(csv.String()), "demo-patrons.csv", app.PatronImportOptions{}); err != nil {
			return err
		}
		for j, p := range demoPatrons {
			found, err := a.SearchPatrons(ctx, sys, h.id, demoBarcode(i, j), 1)
			if err != nil || len(found) != 1 {
				return fmt.Errorf("demo patron %s of %s not found: %v", demoBarcode(i, j), h.id, err)
			}
			id := found[0].ID
			if p.blocked != "" {
				if _, err := a.BlockPatron(ctx, sys, h.id, id, p.blocked); err != nil {
					return err
				}
			}
			if p.first == "Pat" {
				if err := a.LinkPatronAccount(ctx, sys, h.id, id, "patron@"+h.slug+".example"); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// demoBarcode is a 14-digit library card number, distinct per library.
func demoBarcode(library, patron int) string {
	return fmt.Sprintf("2%d%03d00000%04d", library+1, library+1, patron+1)
}

func demoEmail(first, last, slug string) string {
	last = strings.NewReplacer("í", "i", "á", "a", "é", "e").Replace(last)
	return strings.ToLower(first+"."+last) + "@" + slug + ".example"
}
