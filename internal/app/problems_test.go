package app_test

import (
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/routing"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// TestProblemStepsFollowTheAgingTable: a problem opens at its first step,
// its next step is due after the aging table's business days on the
// library's calendar (changed in the settings), and when the clock gets
// there a staff step flags the request; closing clears the flag and the
// queue.
func TestProblemStepsFollowTheAgingTable(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			b := newLoan(t, w, libB)
			table := app.DefaultAging()
			for i, r := range table.Rows {
				if r.Problem == string(ill.ProbClaimedReturned) && r.Step == "settle" {
					table.Rows[i].Days = 4
				}
			}
			if err := w.app.PutSetting(w.ctx, staff(libA), libA, "problems.aging", table); err != nil {
				t.Fatal(err)
			}
			p, err := w.app.OpenProblemForTest(w.ctx, libA, b.PublicID, ill.ProbClaimedReturned, "the lender says it never came")
			if err != nil {
				t.Fatal(err)
			}
			want := routing.DefaultSchedule().AddBusinessDays(w.clock.Now(), 4)
			if p.Step != "trace" || p.NextStep != "settle" || !p.NextAt.Equal(want) {
				t.Fatalf("opened at %q, next %q at %v; want trace, settle at %v", p.Step, p.NextStep, p.NextAt, want)
			}
			again, err := w.app.OpenProblemForTest(w.ctx, libA, b.PublicID, ill.ProbClaimedReturned, "again")
			if err != nil || again.ID != p.ID {
				t.Fatalf("opened twice: %d and %d (%v)", p.ID, again.ID, err)
			}
			w.clock.Set(want.Add(-time.Minute))
			w.settle()
			ps, err := w.app.Problems(w.ctx, staff(libA), store.ProblemFilter{})
			if err != nil || len(ps) != 1 || ps[0].Step != "trace" || ps[0].Request != b.PublicID {
				t.Fatalf("queue before the step is due: %+v (%v)", ps, err)
			}
			w.clock.Set(want.Add(time.Minute))
			w.settle()
			got, err := w.app.GetRequest(w.ctx, staff(libA), b.PublicID)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Attention || got.AttentionReason != "problem:claimed_returned:settle" {
				t.Errorf("after the settle step is due: attention %v %q", got.Attention, got.AttentionReason)
			}
			ps, err = w.app.RequestProblems(w.ctx, staff(libA), b.PublicID)
			if err != nil || len(ps) != 1 || ps[0].Step != "settle" || ps[0].NextStep != "" || !ps[0].OpenedAt.Equal(p.OpenedAt) {
				t.Fatalf("request's problems: %+v (%v)", ps, err)
			}
		})
	}
}
