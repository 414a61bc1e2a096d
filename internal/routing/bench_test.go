package routing_test

import (
	"fmt"
	"testing"
	"time"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/routing"
	"interlend/internal/stats"
)

// benchInput is a title held by n libraries in three time zones with
// closures, charges in two currencies, groups, daily caps, today's load
// and a record for most of them (docs/routing.md quotes the figures).
func benchInput(b *testing.B, n int) routing.Input {
	b.Helper()
	zones := []string{"America/New_York", "Europe/Berlin", "Australia/Sydney"}
	in := routing.Input{
		Request:  routing.Request{Borrower: "US-BORROW", Service: ill.Loan, Citation: book},
		Borrower: &directory.Entry{ID: "US-BORROW", Policy: directory.Policy{Agreements: []directory.Agreement{{Group: "CONS", Kind: directory.AgreementConsortium}}}},
		Lenders:  map[ill.AgencyID]*routing.Lender{},
		Now:      at(b, "America/New_York", "2026-12-21 10:00"),
		Config:   routing.DefaultConfig(),
	}
	rates, err := routing.NewRates([]routing.Rate{{From: "EUR", To: "USD", Value: "1.08", On: date(b, "2026-01-02")}})
	if err != nil {
		b.Fatal(err)
	}
	in.Rates = rates
	for i := range n {
		id := ill.AgencyID(fmt.Sprintf("US-L%03d", i))
		opts := []func(*routing.Lender){withCalendar(b, zones[i%3], "mon-fri 09:00-17:00", "2026-12-24..2026-12-28 Holidays")}
		switch i % 4 {
		case 0:
			opts = append(opts, withGroup("CONS", directory.AgreementConsortium))
		case 1:
			opts = append(opts, withCharge(directory.ServiceLoan, 1200, "EUR"))
		case 2:
			opts = append(opts, withCharge(directory.ServiceLoan, 800, "USD"))
		}
		l := lender(id, opts...)
		if i%5 == 0 {
			l.Entry.Policy.DailyCap = 10
		}
		l.SentToday = i % 7
		in.Lenders[id] = l
		in.Holdings = append(in.Holdings, holding(id, 1+i%3))
		if i%6 != 0 {
			in.Scores = append(in.Scores, score(id, ill.Loan, 20+i, 10+i%15, time.Duration(2+i%5)*day, time.Duration(4+i%20)*time.Hour))
		}
		in.LoadToday += l.SentToday
	}
	in.Routable = n
	return in
}

// BenchmarkBuild ranks the holders of one title.
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{5, 25, 100} {
		b.Run(fmt.Sprintf("holders=%d", n), func(b *testing.B) {
			in := benchInput(b, n)
			b.ReportAllocs()
			for b.Loop() {
				p := routing.Build(in)
				if len(p.Entries) == 0 {
					b.Fatal("empty rota")
				}
			}
		})
	}
}

// BenchmarkPrior computes the network prior from 50 lenders' records.
func BenchmarkPrior(b *testing.B) {
	var scores []stats.LenderScore
	for i := range 50 {
		id := ill.AgencyID(fmt.Sprintf("US-L%03d", i))
		scores = append(scores, score(id, ill.Loan, 20+i, 10+i%15, time.Duration(2+i%5)*day, time.Duration(4+i%20)*time.Hour))
	}
	b.ReportAllocs()
	for b.Loop() {
		p := routing.PriorOf(scores, ill.Loan, routing.Config{})
		if p.Lenders == 0 {
			b.Fatal("no prior")
		}
	}
}
