package routing_test

import (
	"testing"
	"time"

	"interlend/internal/calendar"
	"interlend/internal/catalog"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/marc"
	"interlend/internal/routing"
	"interlend/internal/stats"
)

// schedule compiles a calendar: zone, "mon-fri 09:00-17:00" and closures
// as directory files write them ("2026-12-25..2026-12-28 Christmas").
func schedule(tb testing.TB, zone, week, closures string) *routing.Lender {
	tb.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		tb.Fatal(err)
	}
	w, err := directory.ParseWeek(week)
	if err != nil {
		tb.Fatal(err)
	}
	cls, err := directory.ParseClosures(closures)
	if err != nil {
		tb.Fatal(err)
	}
	c := calendar.Calendar{Location: loc, Week: w, Closures: cls}
	s, err := calendar.New(c)
	if err != nil {
		tb.Fatal(err)
	}
	return &routing.Lender{Entry: directory.Entry{Calendar: &c}, Schedule: s}
}

// lender is an active library offering loans and copies.
func lender(id ill.AgencyID, opts ...func(*routing.Lender)) *routing.Lender {
	l := &routing.Lender{Entry: directory.Entry{ID: id, Name: string(id), Status: directory.StatusActive,
		Endpoint: directory.Endpoint{URL: "https://" + string(id) + ".example/iso18626"},
		Services: []directory.Service{{Type: directory.ServiceLoan, Formats: []string{"Printed"}}, {Type: directory.ServiceCopy, Formats: []string{"PDF"}, Electronic: true}}}}
	for _, o := range opts {
		o(l)
	}
	return l
}

func withCalendar(tb testing.TB, zone, week, closures string) func(*routing.Lender) {
	return func(l *routing.Lender) {
		s := schedule(tb, zone, week, closures)
		l.Entry.Calendar, l.Schedule = s.Entry.Calendar, s.Schedule
	}
}

func withCharge(svc directory.ServiceType, minor int64, cur string) func(*routing.Lender) {
	return func(l *routing.Lender) {
		l.Entry.Policy.Charges = append(l.Entry.Policy.Charges, directory.Charge{Service: svc, Amount: directory.Money{Minor: minor, Currency: cur}})
	}
}

func withGroup(code string, kind directory.AgreementKind) func(*routing.Lender) {
	return func(l *routing.Lender) {
		l.Entry.Policy.Agreements = append(l.Entry.Policy.Agreements, directory.Agreement{Group: code, Kind: kind})
	}
}

// holding is a match by ISBN with n lendable copies on the shelf.
func holding(ag ill.AgencyID, copies int) catalog.Holding {
	r := catalog.Record{Holder: ag, Counts: catalog.ItemCounts{Items: copies, Lendable: copies, Available: copies}}
	r.ID = "rec-" + string(ag)
	return catalog.Holding{Agency: ag, Source: "catalog", Matches: []catalog.Match{{Record: r, Score: 1, By: catalog.ByISBN}}}
}

// serialHolding is a match by ISSN with holdings statement s judged for
// the citation.
func serialHolding(ag ill.AgencyID, s string, c ill.Citation) catalog.Holding {
	r := catalog.Record{Holder: ag}
	r.Format = marc.FormatSerial
	r.ISSNs = []string{"1072-303X"}
	r.Coverage = marc.Coverage{Statements: []string{s}, Ranges: marc.ParseCoverage(s)}
	m := catalog.Match{Record: r, Score: 1, By: catalog.ByISSN, Coverage: r.Coverage.Match(catalog.CitationYear(c), catalog.CitationVolume(c))}
	return catalog.Holding{Agency: ag, Source: "catalog", Matches: []catalog.Match{m}}
}

var book = ill.Citation{Title: "Silent spring", Author: "Carson, Rachel", ISBN: "9780618249060", PublicationType: ill.PubBook}

var article = ill.Citation{Title: "Journal of interlibrary loan", ArticleTitle: "Turnaround", JournalTitle: "Journal of interlibrary loan",
	ISSN: "1072-303X", Volume: "34", PubDate: "2023", PublicationType: ill.PubArticle}

// score is a measured record: tries, filled, median turnaround and answer.
func score(ag ill.AgencyID, svc ill.ServiceType, tries, filled int, turn, answer time.Duration) stats.LenderScore {
	return stats.LenderScore{Lender: ag, Service: svc, Tries: tries, Filled: filled, FillRate: float64(filled) / float64(tries),
		Turnaround: stats.Summary{N: filled, Median: turn}, Answer: stats.Summary{N: tries, Median: answer}}
}

func codesOf(rs []routing.Reason) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Code)
	}
	return out
}

func excludedWhy(p routing.Plan, ag ill.AgencyID) (routing.Reason, bool) {
	for _, x := range p.Excluded {
		if x.Lender == ag {
			return x.Reason, true
		}
	}
	return routing.Reason{}, false
}

func entryOf(p routing.Plan, ag ill.AgencyID) (routing.Entry, bool) {
	for _, e := range p.Entries {
		if e.Lender == ag {
			return e, true
		}
	}
	return routing.Entry{}, false
}

func at(tb testing.TB, zone, s string) time.Time {
	tb.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		tb.Fatal(err)
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

const day = 24 * time.Hour

func date(tb testing.TB, s string) calendar.Date {
	tb.Helper()
	d, err := calendar.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}
