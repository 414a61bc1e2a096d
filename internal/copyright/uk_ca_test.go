package copyright

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestAssessUK(t *testing.T) {
	t.Parallel()
	at := day(2025, 4, 2)
	signed := &Declaration{SignedAt: at, TextVersion: UKDeclarationVersion}
	withDecl := func(q Request) Request { q.Declaration = signed; return q }
	base := article(at, 2024)
	art := base.ArticleID(DefaultRules(RegimeUK))
	iss := base.IssueID(DefaultRules(RegimeUK))
	feePaid := []Option{OptionPayRoyalty, OptionPurchase, OptionDeny}
	tests := []struct {
		name        string
		req         Request
		copies      []PriorCopy
		wantCode    Compliance
		wantHold    bool
		wantOptions []Option
		wantFlags   []FlagCode
		wantPatron  string
	}{
		{
			name: "declaration signed: fair dealing", req: withDecl(base),
			wantCode: CodeUKFairDealing, wantPatron: patronGoAhead,
		},
		{
			name: "no declaration: held, patron asked to sign", req: base,
			wantCode: CodeUKFeePaid, wantHold: true, wantOptions: feePaid,
			wantFlags: []FlagCode{FlagNoDeclaration}, wantPatron: patronDeclare,
		},
		{
			name: "same person, same article again: held",
			req:  withDecl(base),
			copies: []PriorCopy{{RequestID: "old", PatronKey: "p1", ArticleID: art, IssueID: iss,
				RequestDate: at.AddDate(-2, 0, 0), State: StateFilled}},
			wantCode: CodeUKFeePaid, wantHold: true, wantOptions: feePaid,
			wantFlags: []FlagCode{FlagRepeatCopy}, wantPatron: patronRepeat,
		},
		{
			name: "same article for someone else: fair dealing",
			req:  withDecl(base),
			copies: []PriorCopy{{RequestID: "old", PatronKey: "p2", ArticleID: art, IssueID: iss,
				RequestDate: at.AddDate(0, -2, 0), State: StateFilled}},
			wantCode: CodeUKFairDealing, wantPatron: patronGoAhead,
		},
		{
			name: "an earlier copy that was cancelled does not stop it",
			req:  withDecl(base),
			copies: []PriorCopy{{RequestID: "old", PatronKey: "p1", ArticleID: art,
				RequestDate: at.AddDate(0, -1, 0), State: StateCancelled}},
			wantCode: CodeUKFairDealing, wantPatron: patronGoAhead,
		},
		{
			name: "second article from one issue: held",
			req:  withDecl(base),
			copies: []PriorCopy{{RequestID: "a", PatronKey: "p1", ArticleID: "issn:1072-303X|30|2|1", IssueID: iss,
				RequestDate: at.AddDate(0, 0, -1), State: StateInProcess}},
			wantCode: CodeUKFeePaid, wantHold: true, wantOptions: feePaid,
			wantFlags: []FlagCode{FlagSameIssue}, wantPatron: patronHeld,
		},
		{
			name: "whole book: held",
			req: withDecl(Request{ID: "new", Service: ServiceCopy, PubType: PubBook, WorkTitle: "Whole", ISBN: "0-306-40615-2",
				RequestDate: at, PatronKey: "p1"}),
			wantCode: CodeUKFeePaid, wantHold: true, wantOptions: feePaid,
			wantFlags: []FlagCode{FlagWholeWork, FlagUnidentified}, wantPatron: patronHeld,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := Assess(context.Background(), DefaultRules(RegimeUK), tc.req, &MemoryCounter{Copies: tc.copies}, at)
			if err != nil {
				t.Fatal(err)
			}
			if d.Compliance != tc.wantCode || d.Hold != tc.wantHold || d.Counts || d.PatronReason != tc.wantPatron {
				t.Errorf("got %s, hold %v, counts %v, patron %q; want %s, %v, false, %q (reasons %q)",
					d.Compliance, d.Hold, d.Counts, d.PatronReason, tc.wantCode, tc.wantHold, tc.wantPatron, d.Reasons)
			}
			if diff := cmp.Diff(tc.wantOptions, d.Options, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantFlags, flagCodes(d), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("flags (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAssessCAAndOther(t *testing.T) {
	t.Parallel()
	at := day(2025, 4, 2)
	tests := []struct {
		name      string
		rules     Rules
		req       Request
		wantCode  Compliance
		wantWire  string
		wantHold  bool
		wantFlags []FlagCode
	}{
		{"Canada: journal article", DefaultRules(RegimeCA), article(at, 2025), CodeCAFairDealing, "Other", false, nil},
		{"Canada: newspaper under a year old", DefaultRules(RegimeCA),
			Request{Service: ServiceCopy, PubType: PubNewspaper, JournalTitle: "Globe and Mail", ArticleTitle: "x",
				PubDate: PubDate{Year: 2024, Month: 4, Day: 2}, RequestDate: at},
			CodeCAFairDealing, "Other", true, []FlagCode{FlagRecentNews}},
		{"Canada: newspaper over a year old", DefaultRules(RegimeCA),
			Request{Service: ServiceCopy, PubType: PubNewspaper, JournalTitle: "Globe and Mail", ArticleTitle: "x",
				PubDate: PubDate{Year: 2024, Month: 4, Day: 1}, RequestDate: at},
			CodeCAFairDealing, "Other", false, nil},
		{"other regime: the configured code", func() Rules { r := DefaultRules(RegimeOther); r.OtherCode = "AU-CopyrightActS49"; return r }(),
			article(at, 2025), "AU-CopyrightActS49", "AU-CopyrightActS49", false, nil},
	}
	for _, tc := range tests {
		c := &MemoryCounter{Entries: ccg(keyT, 2025, 9)}
		d, err := Assess(context.Background(), tc.rules, tc.req, c, at)
		if err != nil {
			t.Fatal(err)
		}
		if d.Compliance != tc.wantCode || d.Compliance.ISO18626() != tc.wantWire || d.Hold != tc.wantHold || d.Counts {
			t.Errorf("%s: got %s (wire %s), hold %v, counts %v; want %s (%s), %v, false",
				tc.name, d.Compliance, d.Compliance.ISO18626(), d.Hold, d.Counts, tc.wantCode, tc.wantWire, tc.wantHold)
		}
		if diff := cmp.Diff(tc.wantFlags, flagCodes(d), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: flags (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestCARecordAndRetention(t *testing.T) {
	t.Parallel()
	at := day(2025, 4, 2)
	q := article(at, 2024)
	rec := NewCARecord(q)
	want := CARecord{RequestID: "new", RequesterKey: "p1", Date: at,
		Title: q.JournalTitle, PartTitle: "Counting copies", Volume: "30", Issue: "2", Pages: "45-60",
		PubDate: "2024", Identifier: "1072-303X", PurgeNotBefore: day(2028, 4, 2)}
	if diff := cmp.Diff(want, rec); diff != "" {
		t.Errorf("NewCARecord mismatch (-want +got):\n%s", diff)
	}

	us, ca := DefaultRules(RegimeUS), DefaultRules(RegimeCA)
	keepAll := DefaultRules(RegimeUS)
	keepAll.KeepAllCopyRequests = true
	ccgEntry := Entry{RequestDate: at, Category: CodeUSCCG, State: StateFilled}
	cclEntry := Entry{RequestDate: at, Category: CodeUSCCL, State: StateFilled}
	caEntry := Entry{RequestDate: at, Category: CodeCAFairDealing, State: StateFilled}
	tests := []struct {
		name  string
		rules Rules
		e     Entry
		now   time.Time
		want  bool
	}{
		{"US CCG before the end of 2028", us, ccgEntry, day(2028, 12, 31), false},
		{"US CCG from 2029", us, ccgEntry, time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"US CCL: no rule keeps it", us, cclEntry, day(2025, 5, 1), true},
		{"US CCL with keep-all", keepAll, cclEntry, day(2028, 6, 1), false},
		{"royalty-paid CCG is still a CONTU record", us, Entry{RequestDate: at, Category: CodeUSCCG, State: StateRoyaltyPaid}, day(2027, 1, 1), false},
		{"in process is never purged", us, Entry{RequestDate: at, Category: CodeUSCCL, State: StateInProcess}, day(2040, 1, 1), false},
		{"Canada: three years", ca, caEntry, day(2028, 4, 1), false},
		{"Canada: after three years", ca, caEntry, day(2028, 4, 2), true},
	}
	for _, tc := range tests {
		if got := tc.rules.Purgeable(tc.e, tc.now); got != tc.want {
			t.Errorf("%s: Purgeable = %v, want %v (keep until %v)", tc.name, got, tc.want, tc.rules.KeepUntil(tc.e))
		}
	}
}

func TestApplyClearance(t *testing.T) {
	t.Parallel()
	us := DefaultRules(RegimeUS)
	q := article(day(2025, 11, 20), 2024)
	held, err := Assess(context.Background(), us, q, &MemoryCounter{Entries: ccg(keyT, 2025, 5)}, q.RequestDate)
	if err != nil {
		t.Fatal(err)
	}
	ny := time.FixedZone("EST", -5*3600)
	tests := []struct {
		name    string
		d       Decision
		choice  Choice
		want    Outcome
		wantErr bool
	}{
		{"purchase", held, Choice{Option: OptionPurchase}, Outcome{State: StatePurchased}, false},
		{"licence exception sends CCL", held, Choice{Option: OptionLicence}, Outcome{Send: true, Compliance: CodeUSCCL, State: StateInProcess}, false},
		{"defer to 1 January", held, Choice{Option: OptionDefer}, Outcome{State: StateAwaiting, DeferUntil: time.Date(2026, 1, 1, 0, 0, 0, 0, ny)}, false},
		{"deny cancels", held, Choice{Option: OptionDeny}, Outcome{State: StateCancelled}, false},
		{"royalty without a fee", held, Choice{Option: OptionPayRoyalty}, Outcome{}, true},
		{"royalty with a bad currency", held, Choice{Option: OptionPayRoyalty, Fee: &Fee{AmountMinor: 100, Currency: "usd"}}, Outcome{}, true},
		{"approve was not offered", held, Choice{Option: OptionApprove}, Outcome{}, true},
		{"not held", Decision{Options: []Option{OptionDeny}}, Choice{Option: OptionDeny}, Outcome{}, true},
	}
	for _, tc := range tests {
		got, err := ApplyClearance(us, tc.d, tc.choice, time.Date(2025, 12, 31, 22, 0, 0, 0, ny))
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: err = %v, want error %v", tc.name, err, tc.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		if got.Reason == "" || got.PatronReason == "" {
			t.Errorf("%s: reason %q, patron reason %q; want both", tc.name, got.Reason, got.PatronReason)
		}
		if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreFields(Outcome{}, "Reason", "PatronReason")); diff != "" {
			t.Errorf("%s: outcome (-want +got):\n%s", tc.name, diff)
		}
	}

	// UK: a royalty means copyright-fee-paid supply.
	uk := DefaultRules(RegimeUK)
	ukHeld, err := Assess(context.Background(), uk, q, &MemoryCounter{}, q.RequestDate)
	if err != nil {
		t.Fatal(err)
	}
	out, err := ApplyClearance(uk, ukHeld, Choice{Option: OptionPayRoyalty, Fee: &Fee{AmountMinor: 1200, Currency: "GBP"}}, q.RequestDate)
	if err != nil || out.Compliance != CodeUKFeePaid || out.State != StateRoyaltyPaid {
		t.Errorf("UK royalty: got %+v, %v; want UK-CopyRFeePaid, royalty-paid", out, err)
	}
}
