// Package statsfixture is the hand-computed statistics fixture: 56
// requests of one library (US-FIX) with known timestamps around March
// 2026 — business hours across weekends and a holiday (Tuesday 17 March),
// requests still open at the end of March, cancelled, duplicate and
// filled-locally requests — and, in want.go, every figure of March worked
// out by hand. The stats package's tests measure the journeys directly;
// the app's tests store them as requests with event logs (both engines),
// let the refresh build the facts, and must get the same figures.
package statsfixture

import (
	"fmt"
	"time"

	"interlend/internal/calendar"
	"interlend/internal/ill"
	"interlend/internal/stats"
)

// The library and its partners.
const (
	Agency = ill.AgencyID("US-FIX")
	L1     = ill.AgencyID("US-L1") // lender
	L2     = ill.AgencyID("US-L2") // lender
	L3     = ill.AgencyID("US-L3") // lender, a branch of the same institution (the survey leaves it out)
	P1     = ill.AgencyID("US-P1") // borrower
	P2     = ill.AgencyID("US-P2") // borrower
)

// SameInstitution reports the partners that are branches of US-FIX.
func SameInstitution(a ill.AgencyID) bool { return a == L3 }

// Calendar is US-FIX's business calendar: UTC, Monday to Friday 09:00 to
// 17:00, closed on Tuesday 17 March 2026.
func Calendar() calendar.Calendar {
	c := calendar.Calendar{Location: time.UTC}
	for d := time.Monday; d <= time.Friday; d++ {
		c.Week[d] = calendar.Hours{Open: 9 * time.Hour, Close: 17 * time.Hour}
	}
	c.Closures = []calendar.Closure{{From: calendar.Date{Year: 2026, Month: 3, Day: 17}, To: calendar.Date{Year: 2026, Month: 3, Day: 17}, Name: "Holiday"}}
	return c
}

// March is the period the figures are for; February is the one before.
var (
	March    = stats.Period{From: at(3, 1, 0), To: at(4, 1, 0)}
	February = stats.Period{From: at(2, 1, 0), To: at(3, 1, 0)}
	// FiscalYear is US-FIX's fiscal year 2025-26 (July to June).
	FiscalYear = stats.Period{From: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)}
)

// at is a moment of 2026 in UTC: month, day, hour.
func at(month, day, hour int) time.Time {
	return time.Date(2026, time.Month(month), day, hour, 0, 0, 0, time.UTC)
}

// Request is one request of the fixture.
type Request struct {
	Name       string // A1, L-B3, ...
	Journey    stats.Journey
	Citation   ill.Citation
	Department string // the patron's home library (borrowing)
}

// The titles asked for, with the LC class the catalog gives them (see
// Catalog).
var (
	silentSpring = ill.Citation{Title: "Silent spring", Author: "Carson, Rachel", ISBN: "0-618-24906-0", PubDate: "2002", PublicationType: ill.PubBook}
	kuhn         = ill.Citation{Title: "The structure of scientific revolutions", Author: "Kuhn, Thomas S.", ISBN: "9780226458120", PubDate: "2012", PublicationType: ill.PubBook}
	middlemarch  = ill.Citation{Title: "Middlemarch", Author: "Eliot, George", ISBN: "9780141439549", PubDate: "2003", PublicationType: ill.PubBook}
	geb          = ill.Citation{Title: "Gödel, Escher, Bach", Author: "Hofstadter, Douglas R.", ISBN: "9780465026562", PubDate: "1999", PublicationType: ill.PubBook}
	localHistory = ill.Citation{Title: "A local history of Fixville", PubDate: "1988", PublicationType: ill.PubBook}
	dataFeminism = ill.Citation{Title: "Data feminism", Author: "D'Ignazio, Catherine", ISBN: "9780262044004", PubDate: "2023", PublicationType: ill.PubBook}
)

func nature(article string) ill.Citation {
	return ill.Citation{Title: "Nature", JournalTitle: "Nature", ArticleTitle: article, ISSN: "0028-0836", PubDate: "1953", PublicationType: ill.PubArticle}
}

func jill(article string) ill.Citation {
	return ill.Citation{Title: "Journal of Interlibrary Loan", JournalTitle: "Journal of Interlibrary Loan", ArticleTitle: article, ISSN: "1072-303X", PubDate: "2024", PublicationType: ill.PubArticle}
}

// CatalogCSV is what the catalog holds (the subjects come from the call
// numbers); the app's test imports it.
const CatalogCSV = `id,isbn,issn,title,call_number
s1,0618249060,,Silent spring,QH545.P4 C38 2002
s2,9780226458120,,The structure of scientific revolutions,Q175 .K95 2012
s3,9780141439549,,Middlemarch,PR4662 .A1 2003
s4,9780465026562,,"Gödel, Escher, Bach",QA9.8 .H63 1999
s5,9780262044004,,Data feminism,HM851 .D55 2023
s6,,0028-0836,Nature,Q1 .N2
s7,,1072-303X,Journal of Interlibrary Loan,Z713.5 .J68
`

// Subjects maps each identifier to its LC class letters, as the catalog
// gives them.
var Subjects = map[string]string{
	"9780618249060": "QH", "9780226458120": "Q", "9780141439549": "PR", "9780465026562": "QA",
	"9780262044004": "HM", "0028-0836": "Q", "1072-303X": "Z",
}

// Requests returns the fixture's 56 requests: 35 borrowing, 21 lending.
func Requests() []Request {
	var rs []Request
	add := func(name string, j stats.Journey, c ill.Citation, dept string) {
		j.Agency = Agency
		j.Cite(c)
		if s, ok := Subjects[j.ISBN]; ok {
			j.Subject = s
		} else if s, ok := Subjects[j.ISSN]; ok {
			j.Subject = s
		}
		j.Department = dept
		j.Open = j.Closed.IsZero()
		if len(j.Tries) > 0 {
			j.FirstSent, j.Answered = j.Tries[0].Sent, j.Tries[0].Answered
			j.Partner = j.Tries[len(j.Tries)-1].Lender
			last := &j.Tries[len(j.Tries)-1]
			if last.Outcome == "filled" {
				last.Filled = j.FilledAt()
			}
		}
		rs = append(rs, Request{Name: name, Journey: j, Citation: c, Department: dept})
	}
	loan, copy := ill.Loan, ill.Copy
	b := func(service ill.ServiceType, level, category string) stats.Journey {
		return stats.Journey{Side: ill.Borrowing, Service: service, ServiceLevel: level, Category: category}
	}

	// A1-A10: loans filled by L1 and returned. Submitted Mon 2 March 10:00,
	// sent k hours later; the lender answers Tue 10:00, ships Wed 4 11:00;
	// received straight onto the hold shelf Fri 6 11:00, picked up Mon 9
	// 11:00; sent back Mon 23 15:00, checked in Thu 26 15:00. A1 and A2 are
	// renewed on Mon 16.
	aTitles := []ill.Citation{silentSpring, silentSpring, silentSpring, silentSpring, kuhn, kuhn, kuhn, middlemarch, middlemarch, middlemarch}
	for k := 1; k <= 10; k++ {
		j := b(loan, "Normal", "faculty")
		j.Submitted = at(3, 2, 10)
		j.Tries = []stats.Try{{Lender: L1, Sent: at(3, 2, 10+k), Answered: at(3, 3, 10), Outcome: "filled"}}
		j.Shipped, j.Received, j.Available, j.PickedUp = at(3, 4, 11), at(3, 6, 11), at(3, 6, 11), at(3, 9, 11)
		j.ReturnShipped, j.CheckedIn, j.Closed, j.CloseReason = at(3, 23, 15), at(3, 26, 15), at(3, 26, 15), ill.ClosedFilled
		if k <= 2 {
			j.Renewals = []time.Time{at(3, 16, 10)}
		}
		add(name("A", k), j, aTitles[k-1], "History")
	}

	// B1-B6: articles delivered by L2. Submitted Mon 16 March 09:00 (the
	// day before the holiday), sent 10:00, answered 12:00, delivered at
	// 10:00 on Tue 17 (holiday), Wed 18, Thu 19, Fri 20, Mon 23, Tue 24.
	bDays := []int{17, 18, 19, 20, 23, 24}
	for k := 1; k <= 6; k++ {
		j := b(copy, "Rush", "student")
		j.Submitted = at(3, 16, 9)
		j.Tries = []stats.Try{{Lender: L2, Sent: at(3, 16, 10), Answered: at(3, 16, 12), Outcome: "filled"}}
		j.Delivered, j.Closed, j.CloseReason = at(3, bDays[k-1], 10), at(3, bDays[k-1], 10), ill.ClosedFilled
		c := nature("Article " + name("B", k))
		if k > 4 {
			c = jill("Article " + name("B", k))
		}
		add(name("B", k), j, c, "Biology")
	}

	// C1-C4: loans no lender could fill: L1 says Unfilled on Tue 10 11:00,
	// L3 on Wed 11 11:00; closed unfilled Thu 12 09:00. L3's reason is
	// NotHeld (C1, C2) or NotOnShelf (C3, C4).
	for k := 1; k <= 4; k++ {
		j := b(loan, "", "faculty")
		j.Submitted = at(3, 9, 10)
		j.Tries = []stats.Try{{Lender: L1, Sent: at(3, 9, 11), Answered: at(3, 10, 11), Outcome: "unfilled"},
			{Lender: L3, Sent: at(3, 10, 11), Answered: at(3, 11, 11), Outcome: "unfilled"}}
		j.Closed, j.CloseReason, j.UnfilledReason = at(3, 12, 9), ill.ClosedUnfilled, "NotHeld"
		c := silentSpring
		if k > 2 {
			j.UnfilledReason, c = "NotOnShelf", geb
		}
		add(name("C", k), j, c, "History")
	}

	// D1-D6: the other ways a request ends.
	d1 := b(loan, "", "student") // withdrawn by the patron before it was sent
	d1.Submitted, d1.Closed, d1.CloseReason = at(3, 3, 10), at(3, 3, 12), ill.ClosedPatronCancelled
	add("D1", d1, middlemarch, "Biology")
	d2 := b(loan, "", "student") // a duplicate
	d2.Submitted, d2.Closed, d2.CloseReason = at(3, 3, 10), at(3, 3, 11), ill.ClosedDuplicate
	add("D2", d2, middlemarch, "Biology")
	d3 := b(loan, "", "student") // found on our own shelves
	d3.Submitted, d3.Closed, d3.CloseReason = at(3, 4, 10), at(3, 4, 15), ill.ClosedFilledLocally
	add("D3", d3, localHistory, "Biology")
	d4 := b(loan, "", "student") // shipped, then withdrawn by the patron: filled all the same
	d4.Submitted = at(3, 5, 10)
	d4.Tries = []stats.Try{{Lender: L2, Sent: at(3, 5, 11), Answered: at(3, 6, 10), Outcome: "filled"}}
	d4.Shipped, d4.Closed, d4.CloseReason = at(3, 10, 10), at(3, 12, 10), ill.ClosedPatronCancelled
	add("D4", d4, dataFeminism, "Biology")
	d5 := b(loan, "", "faculty") // cancelled by staff while with L2
	d5.Submitted = at(3, 20, 10)
	d5.Tries = []stats.Try{{Lender: L2, Sent: at(3, 20, 11), Outcome: "cancelled"}}
	d5.Closed, d5.CloseReason = at(3, 23, 12), ill.ClosedStaffCancelled
	add("D5", d5, dataFeminism, "History")
	d6 := b(copy, "", "faculty") // refused under copyright
	d6.Submitted, d6.Closed, d6.CloseReason = at(3, 24, 10), at(3, 24, 14), ill.ClosedCopyrightDenied
	add("D6", d6, nature("Article D6"), "History")

	// E1-E4: still open at the end of March.
	e1 := b(loan, "", "staff") // with L1, no answer yet
	e1.Submitted = at(3, 30, 10)
	e1.Tries = []stats.Try{{Lender: L1, Sent: at(3, 30, 11), Outcome: "pending"}}
	add("E1", e1, dataFeminism, "")
	e2 := b(loan, "", "staff") // shipped on the last day
	e2.Submitted = at(3, 27, 10)
	e2.Tries = []stats.Try{{Lender: L2, Sent: at(3, 27, 11), Answered: at(3, 30, 9), Outcome: "filled"}}
	e2.Shipped = at(3, 31, 10)
	add("E2", e2, dataFeminism, "")
	e3 := b(loan, "", "staff") // submitted late on the last day, not sent
	e3.Submitted = at(3, 31, 16)
	add("E3", e3, silentSpring, "")
	e4 := b(loan, "", "staff") // on the hold shelf at the month's end, picked up 1 April
	e4.Submitted = at(3, 25, 10)
	e4.Tries = []stats.Try{{Lender: L3, Sent: at(3, 25, 11), Answered: at(3, 25, 15), Outcome: "filled"}}
	e4.Shipped, e4.Received, e4.Available, e4.PickedUp = at(3, 26, 10), at(3, 31, 9), at(3, 31, 9), at(4, 1, 10)
	add("E4", e4, kuhn, "")

	// F1-F5: earlier requests (February and January).
	for k := 1; k <= 2; k++ {
		f := b(loan, "", "faculty") // filled and returned in February
		f.Submitted = at(2, 2, 10)
		f.Tries = []stats.Try{{Lender: L1, Sent: at(2, 2, 11), Answered: at(2, 3, 10), Outcome: "filled"}}
		f.Shipped, f.Received, f.Available, f.PickedUp = at(2, 4, 11), at(2, 6, 11), at(2, 6, 11), at(2, 9, 11)
		f.ReturnShipped, f.CheckedIn, f.Closed, f.CloseReason = at(2, 20, 10), at(2, 24, 10), at(2, 24, 10), ill.ClosedFilled
		add(name("F", k), f, geb, "History")
	}
	f3 := b(loan, "", "faculty") // unfilled in February
	f3.Submitted = at(2, 10, 10)
	f3.Tries = []stats.Try{{Lender: L2, Sent: at(2, 10, 11), Answered: at(2, 11, 10), Outcome: "unfilled"}}
	f3.Closed, f3.CloseReason, f3.UnfilledReason = at(2, 12, 10), ill.ClosedUnfilled, "NotHeld"
	add("F3", f3, geb, "History")
	f4 := b(loan, "", "faculty") // submitted in February, filled, used and returned in March
	f4.Submitted = at(2, 25, 10)
	f4.Tries = []stats.Try{{Lender: L1, Sent: at(2, 25, 11), Answered: at(2, 26, 10), Outcome: "filled"}}
	f4.Shipped, f4.Received, f4.Available, f4.PickedUp = at(3, 3, 10), at(3, 5, 10), at(3, 5, 10), at(3, 5, 14)
	f4.Overdue = at(3, 19, 9)
	f4.ReturnShipped, f4.CheckedIn, f4.Closed, f4.CloseReason = at(3, 20, 10), at(3, 24, 10), at(3, 24, 10), ill.ClosedFilled
	add("F4", f4, geb, "History")
	f5 := b(loan, "", "faculty") // filled in January, lost in March
	f5.Submitted = at(1, 12, 10)
	f5.Tries = []stats.Try{{Lender: L3, Sent: at(1, 12, 11), Answered: at(1, 13, 10), Outcome: "filled"}}
	f5.Shipped, f5.Received, f5.Available, f5.PickedUp = at(1, 14, 10), at(1, 16, 10), at(1, 16, 10), at(1, 16, 12)
	f5.Lost, f5.Closed, f5.CloseReason = at(3, 12, 10), at(3, 13, 10), ill.ClosedLost
	add("F5", f5, geb, "History")

	// Lending. L-A1-8: loans to P1, received Thu 12 March 15:00, answered
	// k hours later, shipped Mon 16 10:00; L-A1-4 sent back Fri 27 10:00
	// and checked in Mon 30 10:00, L-A5-8 still out (L-A5 renewed Wed 25).
	l := func(service ill.ServiceType, partner ill.AgencyID) stats.Journey {
		return stats.Journey{Side: ill.Lending, Service: service, Partner: partner}
	}
	for k := 1; k <= 8; k++ {
		j := l(loan, P1)
		j.Submitted, j.Answered, j.Shipped = at(3, 12, 15), at(3, 12, 15+k), at(3, 16, 10)
		if k <= 4 {
			j.ReturnShipped, j.CheckedIn, j.Closed, j.CloseReason = at(3, 27, 10), at(3, 30, 10), at(3, 30, 10), ill.ClosedFilled
		}
		if k == 5 {
			j.Renewals = []time.Time{at(3, 25, 10)}
		}
		add(name("L-A", k), j, middlemarch, "")
	}
	// L-B1-4: articles for P2, received Wed 18 09:00, answered 10:00,
	// delivered Wed 11:00, Wed 13:00, Thu 19 11:00, Fri 20 09:00.
	lbDone := []time.Time{at(3, 18, 11), at(3, 18, 13), at(3, 19, 11), at(3, 20, 9)}
	for k := 1; k <= 4; k++ {
		j := l(copy, P2)
		j.Submitted, j.Answered = at(3, 18, 9), at(3, 18, 10)
		j.Delivered, j.Closed, j.CloseReason = lbDone[k-1], lbDone[k-1], ill.ClosedFilled
		add(name("L-B", k), j, jill("Article "+name("L-B", k)), "")
	}
	// L-C1-4: answered Unfilled (NotOnShelf twice, NotHeld) or
	// RetryPossible (OnLoan) for P1, received Tue 3 10:00.
	lc := []struct {
		done   time.Time
		reason ill.CloseReason
		code   string
	}{{at(3, 3, 12), ill.ClosedUnfilled, "NotOnShelf"}, {at(3, 3, 12), ill.ClosedUnfilled, "NotOnShelf"},
		{at(3, 3, 14), ill.ClosedUnfilled, "NotHeld"}, {at(3, 4, 10), ill.ClosedRetryOffered, "OnLoan"}}
	for k, c := range lc {
		j := l(loan, P1)
		j.Submitted, j.Answered, j.Closed, j.CloseReason, j.UnfilledReason = at(3, 3, 10), c.done, c.done, c.reason, c.code
		add(name("L-C", k+1), j, kuhn, "")
	}
	// L-D1-2: cancelled as P2 asked, received Mon 23 10:00, cancelled 15:00.
	for k := 1; k <= 2; k++ {
		j := l(loan, P2)
		j.Submitted, j.Answered, j.Closed, j.CloseReason = at(3, 23, 10), at(3, 23, 15), at(3, 23, 15), ill.ClosedCancelled
		add(name("L-D", k), j, silentSpring, "")
	}
	// L-E1-2: arrived on the last day, not answered yet.
	for k, h := range []int{10, 16} {
		j := l(loan, P2)
		j.Submitted = at(3, 31, h)
		add(name("L-E", k+1), j, geb, "")
	}
	// L-F1: lent and returned in February.
	lf := l(loan, P1)
	lf.Submitted, lf.Answered, lf.Shipped = at(2, 16, 10), at(2, 16, 12), at(2, 17, 10)
	lf.ReturnShipped, lf.CheckedIn, lf.Closed, lf.CloseReason = at(2, 24, 10), at(2, 27, 10), at(2, 27, 10), ill.ClosedFilled
	add("L-F1", lf, kuhn, "")
	return rs
}

func name(prefix string, k int) string { return fmt.Sprintf("%s%d", prefix, k) }

// Charge is one line of the fixture's ledger.
type Charge struct {
	Request string // the Request's Name
	Type    string
	Status  string
	Minor   int64 // USD cents
	Spend   bool  // US-FIX pays
	At      time.Time
}

// Charges are the ledger: in March US-FIX pays 15.00 (accepted, D4) and
// 5.50 (paid shipping, A1), is paid 10.00 (invoiced, L-A1), and has a
// quote (E2) and a waived line (L-A2) that do not count; in February it
// paid 12.00 (F3).
func Charges() []Charge {
	return []Charge{
		{"D4", "lender_charge", "accepted", 1500, true, at(3, 6, 12)},
		{"E2", "lender_charge", "quoted", 2000, true, at(3, 9, 12)},
		{"A1", "shipping", "paid", 550, true, at(3, 20, 12)},
		{"L-A1", "lender_charge", "invoiced", 1000, false, at(3, 16, 12)},
		{"L-A2", "lender_charge", "waived", 700, false, at(3, 16, 12)},
		{"F3", "lender_charge", "accepted", 1200, true, at(2, 10, 12)},
	}
}

// Journeys are the requests' journeys, with their ledger costs (charges
// that count, US-FIX paying) filled in.
func Journeys() []stats.Journey {
	cost := map[string]int64{}
	for _, c := range Charges() {
		if c.Spend && (stats.Charge{Status: c.Status}).Counts() {
			cost[c.Request] += c.Minor
		}
	}
	var out []stats.Journey
	for _, r := range Requests() {
		j := r.Journey
		if j.Side == ill.Borrowing {
			j.Cost, j.Currency = cost[r.Name], "USD"
		}
		out = append(out, j)
	}
	return out
}

// LedgerLines are the charges as the statistics see them.
func LedgerLines() []stats.Charge {
	var out []stats.Charge
	for _, c := range Charges() {
		out = append(out, stats.Charge{At: c.At, Minor: c.Minor, Currency: "USD", Type: c.Type, Status: c.Status, Spend: c.Spend})
	}
	return out
}

// CollectionOptions are the settings the collection report is made with.
func CollectionOptions() stats.CollectionOptions {
	return stats.CollectionOptions{MinRequests: 3, Currency: "USD", PurchasePrice: 6000, HandlingCost: 1500, RecentYears: 5, Now: at(4, 1, 0)}
}
