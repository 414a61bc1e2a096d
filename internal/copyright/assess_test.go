package copyright

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// day is a date at noon UTC.
func day(y, m, d int) time.Time {
	return time.Date(y, time.Month(m), d, 12, 0, 0, 0, time.UTC)
}

// ccg returns n counted entries for key in year.
func ccg(key Key, year, n int) []Entry {
	var out []Entry
	for i := range n {
		out = append(out, Entry{
			RequestID: fmt.Sprintf("old-%d-%d", year, i), Key: key, Year: year,
			RequestDate: day(year, 2, 1), Category: CodeUSCCG, State: StateFilled,
		})
	}
	return out
}

// article is a request for an article in title T (ISSN 1072-303X).
func article(req time.Time, pubYear int) Request {
	return Request{
		ID: "new", Service: ServiceCopy, PubType: PubArticle,
		JournalTitle: "Journal of Interlibrary Loan, Document Delivery & Electronic Reserve",
		ISSN:         "1072-303X", ArticleTitle: "Counting copies", Volume: "30", Issue: "2", Pages: "45-60",
		PubDate: PubDate{Year: pubYear}, RequestDate: req, PatronKey: "p1",
	}
}

const keyT = Key("issn:1072-303X")

// decisionView is the part of a Decision the spec cases check.
type decisionView struct {
	Compliance     Compliance
	Key            Key
	Year           int
	Counts         bool
	CountBefore    int
	Hold           bool
	NeedsClearance bool
	Options        []Option
	Flags          []FlagCode
	CountAfter     int // Count(key, year) after recording the new entry
}

func view(d Decision, after int) decisionView {
	v := decisionView{
		Compliance: d.Compliance, Key: d.Key, Year: d.Year, Counts: d.Counts, CountBefore: d.CountBefore,
		Hold: d.Hold, NeedsClearance: d.NeedsClearance, Options: d.Options, CountAfter: after,
	}
	for _, f := range d.Flags {
		v.Flags = append(v.Flags, f.Code)
	}
	return v
}

var clearanceOptions = []Option{OptionPayRoyalty, OptionPurchase, OptionLicence, OptionDefer, OptionDeny}

// TestSpecAssess covers copyright.md §1.6 cases 1-8, 11-13 and 16 (the
// borrowing-side cases decided by Assess).
func TestSpecAssess(t *testing.T) {
	t.Parallel()
	chapter := func(req time.Time) Request {
		return Request{ID: "new", Service: ServiceCopy, PubType: PubChapter, WorkTitle: "Resource Sharing Today",
			ISBN: "0-306-40615-2", Chapter: "Rota design", Pages: "10-20", PubDate: PubDate{Year: 2019}, RequestDate: req}
	}
	const keyBook = Key("isbn:9780306406157")
	tests := []struct {
		name   string
		rules  func(*Rules)
		req    Request
		ledger []Entry
		copies []PriorCopy
		now    time.Time
		want   decisionView
	}{
		{
			name: "case 1: first copy of the year is CCG and counts",
			req:  article(day(2025, 3, 4), 2024),
			want: decisionView{Compliance: CodeUSCCG, Key: keyT, Year: 2025, Counts: true, CountBefore: 0, CountAfter: 1},
		},
		{
			name:   "case 2: fifth copy is still CCG",
			req:    article(day(2025, 3, 4), 2024),
			ledger: ccg(keyT, 2025, 4),
			want:   decisionView{Compliance: CodeUSCCG, Key: keyT, Year: 2025, Counts: true, CountBefore: 4, CountAfter: 5},
		},
		{
			name:   "case 3: sixth copy is held for clearance",
			req:    article(day(2025, 3, 4), 2024),
			ledger: ccg(keyT, 2025, 5),
			want: decisionView{Compliance: CodeUSCCG, Key: keyT, Year: 2025, CountBefore: 5, Hold: true, NeedsClearance: true,
				Options: clearanceOptions, Flags: []FlagCode{FlagOverLimit}, CountAfter: 5},
		},
		{
			name:   "case 4: the counter starts again on 1 January",
			req:    article(day(2026, 1, 2), 2024),
			ledger: ccg(keyT, 2025, 5),
			want:   decisionView{Compliance: CodeUSCCG, Key: keyT, Year: 2026, Counts: true, CountBefore: 0, CountAfter: 1},
		},
		{
			name: "case 5: published 2021, requested 2025: in the window",
			req:  article(day(2025, 3, 4), 2021),
			want: decisionView{Compliance: CodeUSCCG, Key: keyT, Year: 2025, Counts: true, CountAfter: 1},
		},
		{
			name: "case 6: published 2020, calendar mode: outside the window",
			req:  article(day(2025, 3, 4), 2020),
			want: decisionView{Compliance: CodeUSCCL, Key: keyT, Year: 2025},
		},
		{
			name:  "case 6: published 2020, rolling mode with year only: inside",
			rules: func(r *Rules) { r.WindowMode = WindowRolling },
			req:   article(day(2025, 3, 4), 2020),
			want:  decisionView{Compliance: CodeUSCCG, Key: keyT, Year: 2025, Counts: true, CountAfter: 1},
		},
		{
			name: "case 7: Nature 1953 is CCL and not counted",
			req: Request{Service: ServiceCopy, PubType: PubArticle, JournalTitle: "Nature", ISSN: "0028-0836",
				ArticleTitle: "Molecular structure of nucleic acids", Volume: "171", Issue: "4356", Pages: "737-738",
				PubDate: PubDate{Year: 1953, Month: 4, Day: 25}, RequestDate: day(2025, 3, 4)},
			want: decisionView{Compliance: CodeUSCCL, Key: "issn:0028-0836", Year: 2025},
		},
		{
			name: "case 8: the borrower holds the title (issue missing): CCL",
			req: func() Request {
				q := article(day(2025, 3, 4), 2024)
				q.Subscribed, q.SubscribedSource = true, SourceCatalog
				return q
			}(),
			ledger: ccg(keyT, 2025, 5),
			want:   decisionView{Compliance: CodeUSCCL, Key: keyT, Year: 2025, CountAfter: 5},
		},
		{
			name:   "case 11: sixth chapter from one ISBN in a year is held",
			req:    chapter(day(2025, 6, 1)),
			ledger: ccg(keyBook, 2025, 5),
			want: decisionView{Compliance: CodeUSCCG, Key: keyBook, Year: 2025, CountBefore: 5, Hold: true, NeedsClearance: true,
				Options: clearanceOptions, Flags: []FlagCode{FlagOverLimit}, CountAfter: 5},
		},
		{
			name: "case 11: fifth chapter goes ahead (no time window for books)",
			req: func() Request {
				q := chapter(day(2025, 6, 1))
				q.PubDate = PubDate{Year: 1990}
				return q
			}(),
			ledger: ccg(keyBook, 2025, 4),
			want:   decisionView{Compliance: CodeUSCCG, Key: keyBook, Year: 2025, Counts: true, CountBefore: 4, CountAfter: 5},
		},
		{
			name: "case 12: third article from one issue for one patron is flagged",
			req:  article(day(2025, 3, 4), 2024),
			copies: []PriorCopy{
				{RequestID: "a", PatronKey: "p1", ArticleID: "issn:1072-303X|30|2|1", IssueID: "issn:1072-303X|30|2", RequestDate: day(2025, 3, 4), State: StateInProcess},
				{RequestID: "b", PatronKey: "p1", ArticleID: "issn:1072-303X|30|2|23", IssueID: "issn:1072-303X|30|2", RequestDate: day(2025, 3, 4), State: StateInProcess},
			},
			now:  day(2025, 3, 4),
			want: decisionView{Compliance: CodeUSCCG, Key: keyT, Year: 2025, Counts: true, Flags: []FlagCode{FlagSameIssue}, CountAfter: 1},
		},
		{
			name: "case 13: eight patrons ask for one article in a week",
			req: func() Request {
				q := article(day(2025, 3, 10), 2024)
				q.DOI = "https://doi.org/10.1080/1072303X.2024.123"
				q.PatronKey = "p8"
				return q
			}(),
			copies: func() []PriorCopy {
				var cs []PriorCopy
				for i := 1; i <= 7; i++ {
					cs = append(cs, PriorCopy{RequestID: fmt.Sprint("r", i), PatronKey: fmt.Sprint("p", i),
						ArticleID: "doi:10.1080/1072303x.2024.123", RequestDate: day(2025, 3, 3+i), State: StateInProcess})
				}
				return cs
			}(),
			now:  day(2025, 3, 10),
			want: decisionView{Compliance: CodeUSCCG, Key: keyT, Year: 2025, Counts: true, Flags: []FlagCode{FlagRelated}, CountAfter: 1},
		},
		{
			name: "case 16: print and e-ISSN with ISSN-L known share one counter",
			req: func() Request {
				q := article(day(2025, 3, 4), 2024)
				q.ISSN, q.EISSN, q.ISSNL = "", "1540-3572", "1072-303X"
				return q
			}(),
			ledger: ccg(keyT, 2025, 5),
			want: decisionView{Compliance: CodeUSCCG, Key: keyT, Year: 2025, CountBefore: 5, Hold: true, NeedsClearance: true,
				Options: clearanceOptions, Flags: []FlagCode{FlagOverLimit}, CountAfter: 5},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := DefaultRules(RegimeUS)
			if tc.rules != nil {
				tc.rules(&r)
			}
			c := &MemoryCounter{Entries: tc.ledger, Copies: tc.copies}
			now := tc.now
			if now.IsZero() {
				now = tc.req.RequestDate
			}
			d, err := Assess(context.Background(), r, tc.req, c, now)
			if err != nil {
				t.Fatalf("Assess: %v", err)
			}
			c.Entries = append(c.Entries, NewEntry(tc.req, d))
			got := view(d, Count(c.Entries, d.Key, d.Year))
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("decision mismatch (-want +got):\n%s\nreasons: %q", diff, d.Reasons)
			}
			if len(d.Reasons) == 0 || d.PatronReason == "" {
				t.Errorf("got reasons %q and patron reason %q, want both set", d.Reasons, d.PatronReason)
			}
		})
	}
}

// TestSpecLedger covers §1.6 cases 9 (a cancellation takes the count back
// off) and 10 (a royalty-paid sixth copy is not a free copy; fee recorded).
func TestSpecLedger(t *testing.T) {
	t.Parallel()
	r := DefaultRules(RegimeUS)
	ctx := context.Background()
	tests := []struct {
		name      string
		ledger    []Entry
		act       func(t *testing.T, c *MemoryCounter)
		wantCount int
	}{
		{
			name:   "case 9: a counted request later cancelled",
			ledger: ccg(keyT, 2025, 3),
			act: func(t *testing.T, c *MemoryCounter) {
				if err := Transition(c.Entries[1].State, StateCancelled); err == nil {
					t.Errorf("Transition(filled, cancelled) = nil, want an error (a filled copy stays filled)")
				}
				c.Entries[2].State = StateInProcess
				if err := Transition(StateInProcess, StateCancelled); err != nil {
					t.Fatalf("Transition(in-process, cancelled): %v", err)
				}
				c.Entries[2].State = StateCancelled
			},
			wantCount: 2,
		},
		{
			name:   "case 9: a counted request later unfilled",
			ledger: append(ccg(keyT, 2025, 2), Entry{Key: keyT, Year: 2025, Category: CodeUSCCG, State: StateInProcess}),
			act: func(t *testing.T, c *MemoryCounter) {
				c.Entries[2].State = StateUnfilled
			},
			wantCount: 2,
		},
		{
			name:   "case 10: royalty paid for the sixth copy",
			ledger: ccg(keyT, 2025, 5),
			act: func(t *testing.T, c *MemoryCounter) {
				q := article(day(2025, 3, 4), 2024)
				d, err := Assess(ctx, r, q, c, q.RequestDate)
				if err != nil {
					t.Fatal(err)
				}
				fee := &Fee{AmountMinor: 3500, Currency: "USD"}
				out, err := ApplyClearance(r, d, Choice{Option: OptionPayRoyalty, Fee: fee}, q.RequestDate)
				if err != nil {
					t.Fatalf("ApplyClearance: %v", err)
				}
				if !out.Send || out.Compliance != CodeUSCCG || out.State != StateRoyaltyPaid || out.Fee != fee {
					t.Errorf("got outcome %+v, want send as US-CCG, state royalty-paid, fee kept", out)
				}
				e := NewEntry(q, d)
				e.State, e.Fee = out.State, out.Fee
				c.Entries = append(c.Entries, e)
				rep := YearlyReport(c.Entries, nil, 2025, r.Limit)
				if len(rep) != 1 || rep[0].RoyaltyPaid != 1 || len(rep[0].Fees) != 1 || rep[0].Fees[0] != *fee {
					t.Errorf("got report %+v, want one royalty of 35.00 USD", rep)
				}
			},
			wantCount: 5,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := &MemoryCounter{Entries: append([]Entry(nil), tc.ledger...)}
			tc.act(t, c)
			got, _ := c.Count(ctx, keyT, 2025)
			if got != tc.wantCount {
				t.Errorf("count after: got %d, want %d", got, tc.wantCount)
			}
		})
	}
}

// TestSpecLending covers §1.6 case 14 in each configured mode.
func TestSpecLending(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		missing MissingAction
		want    IncomingDecision
	}{
		{"case 14: default asks the borrower to retry", MissingRetry, IncomingDecision{Action: ActionAnswer,
			Answer: &Answer{Status: StatusRetryPossible}}},
		{"case 14: hold for staff to ask", MissingHold, IncomingDecision{Action: ActionHold}},
		{"case 14: refuse", MissingUnfilled, IncomingDecision{Action: ActionAnswer,
			Answer: &Answer{Status: StatusUnfilled, ReasonUnfilled: ReasonPolicyProblem}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := DefaultLendingPolicy()
			p.MissingStatement = tc.missing
			got := CheckIncoming(p, Incoming{Service: ServiceCopy, BorrowerCountry: "US"})
			if got.Reason == "" || got.Answer != nil && got.Answer.Note == "" {
				t.Errorf("got reason %q, answer %+v: want a reason and a note", got.Reason, got.Answer)
			}
			ignore := cmpopts.IgnoreFields(IncomingDecision{}, "Reason")
			if diff := cmp.Diff(tc.want, got, ignore, cmpopts.IgnoreFields(Answer{}, "Note")); diff != "" {
				t.Errorf("CheckIncoming mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSpecRetention covers §1.6 case 15.
func TestSpecRetention(t *testing.T) {
	t.Parallel()
	r := DefaultRules(RegimeUS)
	e := Entry{Key: keyT, Year: 2025, RequestDate: day(2025, 3, 4), Category: CodeUSCCG, State: StateFilled}
	if got, want := PurgeNotBefore(e.RequestDate), time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("PurgeNotBefore(2025-03-04) = %v, want %v", got, want)
	}
	tests := []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2028, 12, 31, 23, 59, 59, 0, time.UTC), false},
		{time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC), true},
	}
	for _, tc := range tests {
		if got := r.Purgeable(e, tc.now); got != tc.want {
			t.Errorf("case 15: Purgeable at %v = %v, want %v", tc.now, got, tc.want)
		}
	}
}
