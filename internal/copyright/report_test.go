package copyright

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestYearlyReport(t *testing.T) {
	t.Parallel()
	const (
		wild = Key("issn:1072-303X")
		srev = Key("issn:0098-7913")
		lt   = Key("title:library trends")
	)
	e := func(k Key, year int, title string, cat Compliance, st State, fee *Fee) Entry {
		return Entry{Key: k, Year: year, Title: title, Category: cat, State: st, Fee: fee}
	}
	entries := []Entry{
		// JILDDER 2025: 4 free (3 filled, 1 in process), 1 cancelled, 2 royalties, 1 CCL, 1 held.
		e(wild, 2025, "Journal of Interlibrary Loan, Document Delivery & Electronic Reserve", CodeUSCCG, StateFilled, nil),
		e(wild, 2025, "", CodeUSCCG, StateFilled, nil),
		e(wild, 2025, "J Interlib Loan", CodeUSCCG, StateFilled, nil),
		e(wild, 2025, "", CodeUSCCG, StateInProcess, nil),
		e(wild, 2025, "", CodeUSCCG, StateCancelled, nil),
		e(wild, 2025, "", CodeUSCCG, StateRoyaltyPaid, &Fee{AmountMinor: 3500, Currency: "USD"}),
		e(wild, 2025, "", CodeUSCCG, StateRoyaltyPaid, &Fee{AmountMinor: 1250, Currency: "USD"}),
		e(wild, 2025, "", CodeUSCCL, StateFilled, nil),
		e(wild, 2025, "", CodeUSCCG, StateAwaiting, nil),
		// Serials Review 2025: 1 free, 1 purchased, 1 unfilled; 2 imported.
		e(srev, 2025, "Serials Review", CodeUSCCG, StateFilled, nil),
		e(srev, 2025, "Serials Review", CodeUSCCG, StatePurchased, nil),
		e(srev, 2025, "Serials Review", CodeUSCCG, StateUnfilled, nil),
		// Other years are left out.
		e(wild, 2024, "", CodeUSCCG, StateFilled, nil),
		e(lt, 2026, "Library Trends", CodeUSCCG, StateFilled, nil),
	}
	prior := []PriorCount{
		{Key: srev, Year: 2025, Title: "Serials Review", ISSN: "0098-7913", Count: 2},
		{Key: lt, Year: 2025, Title: "Library Trends", Count: 5},
		{Key: lt, Year: 2024, Title: "Library Trends", Count: 1},
	}
	got := YearlyReport(entries, prior, 2025, 5)
	want := []ReportRow{
		{Key: wild, Title: "Journal of Interlibrary Loan, Document Delivery & Electronic Reserve", Year: 2025,
			Counted: 4, Total: 4, RoyaltyPaid: 2, NotCounted: 1, Withdrawn: 1, Awaiting: 1,
			Fees: []Fee{{AmountMinor: 4750, Currency: "USD"}}},
		{Key: lt, Title: "Library Trends", Year: 2025, Imported: 5, Total: 5, AtLimit: true},
		{Key: srev, Title: "Serials Review", ISSN: "0098-7913", Year: 2025, Counted: 1, Imported: 2, Total: 3, Purchased: 1, Withdrawn: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("YearlyReport(2025) mismatch (-want +got):\n%s", diff)
	}
	// The report's Total agrees with the counter the rules read.
	c := &MemoryCounter{Entries: entries, Prior: prior}
	for _, row := range got {
		n, _ := c.Count(t.Context(), row.Key, 2025)
		if n != row.Total {
			t.Errorf("%s: report total %d, counter %d", row.Key, row.Total, n)
		}
	}
}
