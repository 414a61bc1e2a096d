package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/calendar"
	"interlend/internal/catalog"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/store/storetest"
)

// BenchmarkRouteRequest creates a staff request for a title that 40
// libraries of the directory hold (in three time zones, some charging,
// some capped), which routes it: the holders from the imported catalog,
// their directory entries and calendars, today's load, the rates, the
// plan and its explanation written, the rota stored. docs/routing.md
// quotes the figures.
func BenchmarkRouteRequest(b *testing.B) {
	for _, engine := range storetest.Engines(b) {
		b.Run(string(engine), func(b *testing.B) {
			w := apptest.New(b, apptest.Options{Engine: engine})
			ctx := context.Background()
			w.Agency(b, routA, "Borrower")
			zones := []string{"America/New_York", "Europe/London", "Australia/Sydney"}
			week, _ := directory.ParseWeek("mon-fri 09:00-17:00")
			for i := range 40 {
				id := ill.AgencyID(fmt.Sprintf("US-BL%02d", i))
				loc, _ := time.LoadLocation(zones[i%3])
				e := directory.Entry{ID: id, Name: string(id), Status: directory.StatusActive,
					Endpoint: directory.Endpoint{URL: "http://127.0.0.1:9/iso18626", Version: directory.Version2021},
					Services: []directory.Service{{Type: directory.ServiceLoan}},
					Calendar: &calendar.Calendar{Location: loc, Week: week}}
				if i%3 == 1 {
					e.Policy.Charges = []directory.Charge{{Service: directory.ServiceLoan, Amount: directory.Money{Minor: 1200, Currency: "GBP"}}}
				}
				if i%5 == 0 {
					e.Policy.DailyCap = 20
				}
				if _, err := w.App.PutDirectoryEntry(ctx, ill.SystemActor(), e); err != nil {
					b.Fatal(err)
				}
				var csv strings.Builder
				csv.WriteString("id,isbn,title,author,year,barcode\n")
				fmt.Fprintf(&csv, "%s-1,9780618249060,Silent spring,\"Carson, Rachel\",2002,%s-0001\n", strings.ToLower(string(id)), id)
				for j := range 50 {
					fmt.Fprintf(&csv, "%s-x%d,,Other title %d %d,\"Author, %d\",1999,%s-x%d\n", strings.ToLower(string(id)), j, i, j, j, id, j)
				}
				if _, err := w.App.ImportCatalog(ctx, ill.SystemActor(), strings.NewReader(csv.String()), catalog.ImportOptions{Holder: id, Format: catalog.FormatCSV, Name: "b.csv"}); err != nil {
					b.Fatal(err)
				}
			}
			mgr := routingStaff(routA)
			// "byhand" is the same request with its lenders chosen by
			// hand: the difference is routing's cost.
			for _, byHand := range []bool{false, true} {
				name := "routed"
				nr := app.NewRequest{Citation: silentSpring}
				if byHand {
					name, nr.Lenders = "byhand", []app.RotaChoice{{Lender: "US-BL01", Reason: "usual"}, {Lender: "US-BL02", Reason: "usual"}}
				}
				b.Run(name, func(b *testing.B) {
					for b.Loop() {
						r, err := w.App.CreateRequest(ctx, mgr, nr)
						if err != nil {
							b.Fatal(err)
						}
						if r.State != ill.BValidated {
							b.Fatalf("state %s", r.State)
						}
					}
				})
			}
		})
	}
}
