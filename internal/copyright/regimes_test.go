package copyright

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func flagCodes(d Decision) []FlagCode {
	var out []FlagCode
	for _, f := range d.Flags {
		out = append(out, f.Code)
	}
	return out
}

// TestAssessUSHolds covers R10, R11, unidentified titles, loans and
// PreferPurchase.
func TestAssessUSHolds(t *testing.T) {
	t.Parallel()
	at := day(2025, 5, 1)
	tests := []struct {
		name        string
		rules       func(*Rules)
		req         Request
		wantApplies bool
		wantCode    Compliance
		wantHold    bool
		wantCounts  bool
		wantOptions []Option
		wantFlags   []FlagCode
	}{
		{
			name:        "a loan is out of scope",
			req:         Request{Service: ServiceLoan, PubType: PubBook, WorkTitle: "X", RequestDate: at},
			wantApplies: false,
		},
		{
			name:        "a copy-or-loan of a whole book will be lent: out of scope",
			req:         Request{Service: ServiceCopyOrLoan, PubType: PubBook, WorkTitle: "X", ISBN: "0-306-40615-2", RequestDate: at},
			wantApplies: false,
		},
		{
			name:        "a copy-or-loan of an article is a copy",
			req:         func() Request { q := article(at, 2024); q.Service, q.ISSN = ServiceCopyOrLoan, "0098-7913"; return q }(),
			wantApplies: true, wantCode: CodeUSCCG, wantCounts: true,
		},
		{
			name: "R10: a music score goes to staff",
			req: Request{Service: ServiceCopy, PubType: PubMusicScore, WorkTitle: "Goldberg Variations", ISBN: "0-306-40615-2",
				Pages: "1-4", RequestDate: at},
			wantApplies: true, wantCode: CodeUSCCL, wantHold: true,
			wantOptions: []Option{OptionApprove, OptionPurchase, OptionDeny}, wantFlags: []FlagCode{FlagExcluded},
		},
		{
			name:        "R10: news film is not excluded",
			req:         Request{Service: ServiceCopy, PubType: PubMovie, AVNews: true, WorkTitle: "Evening News", OCLC: "77", Pages: "clip 3", RequestDate: at, PubDate: PubDate{Year: 2020}},
			wantApplies: true, wantCode: CodeUSCCG, wantCounts: true,
		},
		{
			name:        "R11: a whole book copy waits for the fair-price check",
			req:         Request{Service: ServiceCopy, PubType: PubBook, WorkTitle: "Out of Print", ISBN: "0-306-40615-2", RequestDate: at},
			wantApplies: true, wantCode: CodeUSCCL, wantHold: true,
			wantOptions: []Option{OptionApprove, OptionPurchase, OptionDeny}, wantFlags: []FlagCode{FlagWholeWork},
		},
		{
			name: "R11: after the fair-price check it is CCL",
			req: Request{Service: ServiceCopy, PubType: PubBook, WorkTitle: "Out of Print", ISBN: "0-306-40615-2",
				FairPriceChecked: true, RequestDate: at},
			wantApplies: true, wantCode: CodeUSCCL,
		},
		{
			name:        "no identifier at all is held",
			req:         Request{Service: ServiceCopy, PubType: PubArticle, ArticleTitle: "Something", RequestDate: at},
			wantApplies: true, wantCode: CodeUSCCL, wantHold: true,
			wantOptions: []Option{OptionDeny}, wantFlags: []FlagCode{FlagUnidentified},
		},
		{
			name:        "no publication year: counted, with a warning",
			req:         Request{Service: ServiceCopy, PubType: PubArticle, JournalTitle: "Serials Review", RequestDate: at},
			wantApplies: true, wantCode: CodeUSCCG, wantCounts: true, wantFlags: []FlagCode{FlagNoPubYear},
		},
		{
			name:        "R7: a book chapter published over 95 years ago is public domain",
			req:         Request{Service: ServiceCopy, PubType: PubChapter, WorkTitle: "Old", ISBN: "0-306-40615-2", Chapter: "1", PubDate: PubDate{Year: 1925}, RequestDate: at},
			wantApplies: true, wantCode: CodeUSCCL,
		},
		{
			name:  "PreferPurchase puts buying first",
			rules: func(r *Rules) { r.PreferPurchase = true },
			req: func() Request {
				q := article(at, 2024)
				q.PatronKey = ""
				return q
			}(),
			wantApplies: true, wantCode: CodeUSCCG, wantHold: true,
			wantOptions: []Option{OptionPurchase, OptionPayRoyalty, OptionLicence, OptionDefer, OptionDeny},
			wantFlags:   []FlagCode{FlagOverLimit},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := DefaultRules(RegimeUS)
			if tc.rules != nil {
				tc.rules(&r)
			}
			c := &MemoryCounter{Entries: ccg(keyT, 2025, 5)}
			d, err := Assess(context.Background(), r, tc.req, c, at)
			if err != nil {
				t.Fatal(err)
			}
			if d.Applies != tc.wantApplies || d.Compliance != tc.wantCode || d.Hold != tc.wantHold || d.Counts != tc.wantCounts {
				t.Errorf("got applies %v, %s, hold %v, counts %v; want %v, %s, %v, %v (reasons %q)",
					d.Applies, d.Compliance, d.Hold, d.Counts, tc.wantApplies, tc.wantCode, tc.wantHold, tc.wantCounts, d.Reasons)
			}
			if diff := cmp.Diff(tc.wantOptions, d.Options, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantFlags, flagCodes(d), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("flags (-want +got):\n%s", diff)
			}
			if d.Hold != (d.State == StateAwaiting) {
				t.Errorf("hold %v with ledger state %s", d.Hold, d.State)
			}
		})
	}
}

// TestAssessRelatedThreshold checks R9's edge: 2 patrons warn nothing, 3 do;
// cancelled requests and the request itself do not add a patron.
func TestAssessRelatedThreshold(t *testing.T) {
	t.Parallel()
	at := day(2025, 3, 31)
	art := "doi:10.1000/x"
	prior := func(patrons ...string) []PriorCopy {
		var cs []PriorCopy
		for i, p := range patrons {
			cs = append(cs, PriorCopy{RequestID: p + "-req", PatronKey: p, ArticleID: art, RequestDate: at.AddDate(0, 0, -i), State: StateInProcess})
		}
		return cs
	}
	tests := []struct {
		name   string
		copies []PriorCopy
		want   bool
	}{
		{"one other patron", prior("a"), false},
		{"two other patrons", prior("a", "b"), true},
		{"same patron twice", prior("self", "a"), false},
		{"the request itself is ignored", append(prior("a"), PriorCopy{RequestID: "new", PatronKey: "z", ArticleID: art, RequestDate: at}), false},
		{"a cancelled one does not count", append(prior("a"), PriorCopy{RequestID: "c", PatronKey: "c", ArticleID: art, RequestDate: at, State: StateCancelled}), false},
		{"too long ago", []PriorCopy{
			{RequestID: "1", PatronKey: "a", ArticleID: art, RequestDate: at.AddDate(0, 0, -31), State: StateFilled},
			{RequestID: "2", PatronKey: "b", ArticleID: art, RequestDate: at.AddDate(0, 0, -2), State: StateFilled},
		}, false},
	}
	for _, tc := range tests {
		q := article(at, 2024)
		q.DOI, q.PatronKey = "10.1000/X", "self"
		d, err := Assess(context.Background(), DefaultRules(RegimeUS), q, &MemoryCounter{Copies: tc.copies}, at)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.HasFlag(FlagRelated); got != tc.want {
			t.Errorf("%s: R9 flag %v, want %v", tc.name, got, tc.want)
		}
	}
}

var errLocked = errors.New("database is locked")

type failingCounter struct{ MemoryCounter }

func (failingCounter) Count(context.Context, Key, int) (int, error) { return 0, errLocked }

func TestAssessCounterError(t *testing.T) {
	t.Parallel()
	_, err := Assess(context.Background(), DefaultRules(RegimeUS), article(day(2025, 1, 5), 2024), &failingCounter{}, day(2025, 1, 5))
	if !errors.Is(err, errLocked) {
		t.Fatalf("Assess with a failing counter: err = %v, want the store's error wrapped", err)
	}
}
