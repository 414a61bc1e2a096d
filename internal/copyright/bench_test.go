package copyright

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkAssess measures one US decision against a ledger of 10,000
// entries over 2,000 titles held in memory (the store's own cost is not
// included).
func BenchmarkAssess(b *testing.B) {
	var entries []Entry
	for i := range 10000 {
		entries = append(entries, Entry{Key: Key(fmt.Sprintf("title:t%d", i%2000)), Year: 2025, Category: CodeUSCCG, State: StateFilled})
	}
	c := &MemoryCounter{Entries: entries}
	r := DefaultRules(RegimeUS)
	q := article(day(2025, 3, 4), 2024)
	ctx := context.Background()
	for b.Loop() {
		if _, err := Assess(ctx, r, q, c, q.RequestDate); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAssessRules measures the rules alone, with a counter that
// answers at once.
func BenchmarkAssessRules(b *testing.B) {
	c := &MemoryCounter{}
	r := DefaultRules(RegimeUS)
	q := article(day(2025, 3, 4), 2024)
	ctx := context.Background()
	for b.Loop() {
		if _, err := Assess(ctx, r, q, c, q.RequestDate); err != nil {
			b.Fatal(err)
		}
	}
}
