package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/patron"
	"interlend/internal/stats"
	"interlend/internal/store"
)

func init() {
	register(Step{Order: 90, Name: "a year of statistics", Run: seedStatsHistory})
}

// statsTitles are what the demo's past requests asked for: the demo's
// titles (the union catalog gives them subjects) and a few more.
var statsTitles = append(append([]ill.Citation{}, demoTitles...),
	ill.Citation{Title: "Data feminism", Author: "D'Ignazio, Catherine", ISBN: "9780262044004", PubDate: "2020", PublicationType: ill.PubBook},
	ill.Citation{Title: "Weapons of math destruction", Author: "O'Neil, Cathy", ISBN: "9780553418811", PubDate: "2016", PublicationType: ill.PubBook},
	ill.Citation{Title: "The Library: a fragile history", Author: "Pettegree, Andrew", ISBN: "9781541600768", PubDate: "2021", PublicationType: ill.PubBook},
	ill.Citation{Title: "Braiding sweetgrass", Author: "Kimmerer, Robin Wall", ISBN: "9781571313560", PubDate: "2013", PublicationType: ill.PubBook},
	ill.Citation{Title: "Science", ArticleTitle: "Ocean heat content in a warming climate", JournalTitle: "Science", ISSN: "0036-8075", Volume: "383", Pages: "12-18", PubDate: "2024", PublicationType: ill.PubArticle},
	ill.Citation{Title: "Cell", ArticleTitle: "A map of human cell types", JournalTitle: "Cell", ISSN: "0092-8674", Volume: "187", Pages: "1-20", PubDate: "2024", PublicationType: ill.PubArticle},
)

// statsDepartments are the demo patrons' departments.
var statsDepartments = []string{"History", "Biology", "Chemistry", "Literature", "Economics", "Law"}

// HistoryOptions shape generated history.
type HistoryOptions struct {
	End  time.Time // requests are submitted up to here
	Days int       // and from this many days before
	// Now is when the history stops (nothing happens after it: requests
	// near it are still open); zero means End.
	Now   time.Time
	Pairs int // request pairs per borrower and lender
	// External are partners outside the deployment: they lend (and charge
	// for it) and borrow like the others; their own records are made too,
	// for the caller to leave out.
	External []ill.AgencyID
	Seed     uint64
}

// History makes the past of libraries that borrow from each other: for
// every ordered pair (borrower, lender) of libs and external partners
// (not two external ones), Pairs requests, each as the borrower's request
// and the lender's (same timeline), with busy and quiet months, loans and
// copies, most filled, some unfilled, withdrawn, duplicate or filled
// locally, renewals, overdue and lost items, and charges of the external
// lenders. It is deterministic for a seed.
func History(libs []ill.AgencyID, o HistoryOptions) map[ill.AgencyID][]app.HistoryRequest {
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x5bd1e995))
	out := map[ill.AgencyID][]app.HistoryRequest{}
	start := o.End.AddDate(0, 0, -o.Days)
	if o.Now.IsZero() {
		o.Now = o.End
	}
	all := append(append([]ill.AgencyID{}, libs...), o.External...)
	external := func(a ill.AgencyID) bool { return slices.Contains(o.External, a) }
	for _, b := range all {
		for _, l := range all {
			if l == b || external(b) && external(l) {
				continue
			}
			for n := 0; n < o.Pairs; n++ {
				bj, lj, cit := historyPair(rng, b, l, start, o.End, o.Now)
				h := app.HistoryRequest{Journey: bj, Citation: cit}
				if external(l) && bj.Filled() {
					h.Charges = append(h.Charges, store.Charge{Type: store.ChargeLender, Amount: ill.Money{Minor: int64(1000 + 500*rng.IntN(4)), Currency: "USD"},
						Payer: string(b), Payee: string(l), Status: store.ChargeAccepted, CreatedAt: bj.FilledAt()})
				}
				if bj.Service == ill.Loan && bj.Filled() && rng.IntN(10) == 0 {
					h.Charges = append(h.Charges, store.Charge{Type: store.ChargeShipping, Amount: ill.Money{Minor: int64(450 + 50*rng.IntN(10)), Currency: "USD"},
						Payer: string(b), Payee: "courier", Status: store.ChargePaid, CreatedAt: bj.FilledAt()})
				}
				out[b] = append(out[b], h)
				if lj.Side == ill.Lending && !lj.Submitted.IsZero() {
					out[l] = append(out[l], app.HistoryRequest{Journey: lj, Citation: cit})
				}
			}
		}
	}
	return out
}

// busy weighs the months of an academic year (September first).
var busy = [12]int{2, 2, 6, 8, 9, 9, 4, 6, 8, 9, 8, 4} // Jan..Dec

func historyPair(rng *rand.Rand, b, l ill.AgencyID, start, last, end time.Time) (stats.Journey, stats.Journey, ill.Citation) {
	// A weekday working hour, months weighed by how busy they are.
	var sub time.Time
	for {
		sub = start.Add(time.Duration(rng.Int64N(int64(last.Sub(start)))))
		if wd := sub.Weekday(); wd != time.Saturday && wd != time.Sunday && rng.IntN(10) < busy[sub.Month()-1] {
			break
		}
	}
	sub = time.Date(sub.Year(), sub.Month(), sub.Day(), 8+rng.IntN(9), rng.IntN(60), 0, 0, time.UTC)
	if !sub.Before(end) {
		sub = end.Add(-time.Hour) // never in the future
	}
	hours := func(lo, hi int) time.Duration { return time.Duration(lo*60+rng.IntN((hi-lo)*60+1)) * time.Minute }
	cit := statsTitles[rng.IntN(len(statsTitles))]
	service := ill.Loan
	if cit.IsCopy() {
		service = ill.Copy
	}
	cats := []string{"faculty", "graduate", "undergraduate", "undergraduate", "staff"}
	levels := []string{"Normal", "Normal", "Normal", "Rush"}
	bj := stats.Journey{Side: ill.Borrowing, Service: service, ServiceLevel: levels[rng.IntN(len(levels))], Category: cats[rng.IntN(len(cats))],
		Department: statsDepartments[rng.IntN(len(statsDepartments))], Submitted: sub}
	lj := stats.Journey{Side: ill.Lending, Service: service, ServiceLevel: bj.ServiceLevel, Partner: b}
	closeAt := func(at time.Time, reason ill.CloseReason) {
		if at.Before(end) {
			bj.Closed, bj.CloseReason = at, reason
		}
	}
	roll := rng.IntN(100)
	switch {
	case roll < 3: // withdrawn before it left
		closeAt(sub.Add(hours(1, 30)), ill.ClosedPatronCancelled)
		return finish(bj, end), stats.Journey{}, cit
	case roll < 5:
		closeAt(sub.Add(hours(1, 6)), ill.ClosedDuplicate)
		return finish(bj, end), stats.Journey{}, cit
	case roll < 7:
		closeAt(sub.Add(hours(2, 24)), ill.ClosedFilledLocally)
		return finish(bj, end), stats.Journey{}, cit
	}
	sent := sub.Add(hours(0, 6))
	if !sent.Before(end) {
		return finish(bj, end), stats.Journey{}, cit
	}
	try := stats.Try{Lender: l, Sent: sent, Outcome: "pending"}
	bj.Tries, bj.Partner = []stats.Try{try}, l
	lj.Submitted = sent
	answered := sent.Add(hours(1, 30))
	if answered.After(end) {
		return finish(bj, end), finish(lj, end), cit
	}
	bj.Tries[0].Answered, lj.Answered = answered, answered
	if roll < 17 { // the lender cannot fill it
		bj.Tries[0].Outcome = "unfilled"
		bj.UnfilledReason = []string{"NotHeld", "NotOnShelf", "NonCirculating", "NotAvailableForILL"}[rng.IntN(4)]
		lj.UnfilledReason = bj.UnfilledReason
		lj.Closed, lj.CloseReason = answered, ill.ClosedUnfilled
		closeAt(answered.Add(hours(2, 48)), ill.ClosedUnfilled)
		return finish(bj, end), finish(lj, end), cit
	}
	if service == ill.Copy {
		done := answered.Add(hours(1, 60))
		if done.Before(end) {
			bj.Delivered, lj.Delivered = done, done
			bj.Tries[0].Outcome = "filled"
			closeAt(done, ill.ClosedFilled)
			lj.Closed, lj.CloseReason = done, ill.ClosedFilled
		}
		return finish(bj, end), finish(lj, end), cit
	}
	shipped := answered.Add(hours(4, 96))
	if !shipped.Before(end) {
		return finish(bj, end), finish(lj, end), cit
	}
	bj.Shipped, lj.Shipped, bj.Tries[0].Outcome = shipped, shipped, "filled"
	steps := []*time.Time{&bj.Received, &bj.PickedUp, &bj.ReturnShipped, &bj.CheckedIn}
	gaps := []time.Duration{hours(20, 120), hours(1, 140), hours(14*24, 40*24), hours(40, 140)}
	at := shipped
	for i, s := range steps {
		at = at.Add(gaps[i])
		if !at.Before(end) {
			break
		}
		*s = at
		if i == 0 {
			bj.Available = at
		}
		if i == 1 && rng.IntN(7) == 0 && at.Add(14*24*time.Hour).Before(end) {
			bj.Renewals = []time.Time{at.Add(14 * 24 * time.Hour)}
			lj.Renewals = bj.Renewals
		}
		if i == 1 && rng.IntN(12) == 0 && at.Add(22*24*time.Hour).Before(end) {
			bj.Overdue = at.Add(22 * 24 * time.Hour)
		}
	}
	if !bj.PickedUp.IsZero() && bj.ReturnShipped.IsZero() && rng.IntN(60) == 0 {
		bj.Lost = bj.PickedUp.Add(30 * 24 * time.Hour)
		if bj.Lost.Before(end) {
			closeAt(bj.Lost.Add(72*time.Hour), ill.ClosedLost)
			lj.Lost, lj.Closed, lj.CloseReason = bj.Lost, bj.Closed, ill.ClosedLost
		} else {
			bj.Lost = time.Time{}
		}
	}
	if !bj.ReturnShipped.IsZero() {
		lj.ReturnShipped = bj.ReturnShipped
	}
	if !bj.CheckedIn.IsZero() {
		lj.CheckedIn, lj.Closed, lj.CloseReason = bj.CheckedIn, bj.CheckedIn, ill.ClosedFilled
		closeAt(bj.CheckedIn, ill.ClosedFilled)
	}
	return finish(bj, end), finish(lj, end), cit
}

// finish sets what follows from the rest: open, first send and answer.
func finish(j stats.Journey, end time.Time) stats.Journey {
	j.Open = j.Closed.IsZero()
	if len(j.Tries) > 0 {
		j.FirstSent, j.Answered = j.Tries[0].Sent, j.Tries[0].Answered
		if t := &j.Tries[len(j.Tries)-1]; t.Outcome == "filled" {
			t.Filled = j.FilledAt()
		}
	}
	return j
}

// seedStatsHistory gives the demo libraries a year of closed requests
// (and a few still open) and computes their statistics.
func seedStatsHistory(ctx context.Context, a *app.App, w *World) error {
	libs := []ill.AgencyID{}
	for _, h := range hosted {
		libs = append(libs, h.id)
	}
	now := a.Clock.Now()
	patrons := map[ill.AgencyID]map[string]int64{}
	for i, ag := range libs {
		patrons[ag] = map[string]int64{}
		for j, dept := range statsDepartments {
			p, err := a.CreatePatron(ctx, manager(ag), ag, patron.Record{Barcode: fmt.Sprintf("STATS-%d%02d", i+1, j+1),
				Name: "Sample reader, " + dept, Category: "faculty", HomeLibrary: dept})
			if err != nil {
				return fmt.Errorf("patron for %s: %w", ag, err)
			}
			patrons[ag][dept] = p.ID
		}
	}
	all := History(libs, HistoryOptions{End: now, Days: 365, Pairs: 60, External: []ill.AgencyID{"US-EXREQ"}, Seed: 2026})
	for _, ag := range libs {
		hs := all[ag]
		for k := range hs {
			if hs[k].Journey.Side == ill.Borrowing {
				hs[k].PatronID = patrons[ag][hs[k].Journey.Department]
			}
		}
		if _, err := a.AddStatsHistory(ctx, ag, hs); err != nil {
			return fmt.Errorf("history of %s: %w", ag, err)
		}
	}
	_, err := a.RebuildStats(ctx, "", nil)
	return err
}

// HistoryTitles are the citations History draws from (tests declare them
// as known data).
func HistoryTitles() []ill.Citation { return append([]ill.Citation(nil), statsTitles...) }

// HistoryWords are the other words History's requests carry: patron
// categories, service levels, departments.
func HistoryWords() []string {
	return append([]string{"faculty", "graduate", "undergraduate", "staff", "Normal", "Rush"}, statsDepartments...)
}
