package billing

import "sort"

// StepKind is what an overdue escalation step does.
type StepKind string

// Step kinds, in the order they escalate.
const (
	StepNotice StepKind = "notice" // an overdue notice to the patron
	StepBlock  StepKind = "block"  // a block on the patron's record
	StepBill   StepKind = "bill"   // a lost-book bill on the ledger
)

// Step is one rung of the escalation ladder.
type Step struct {
	Kind  StepKind `json:"kind"`
	Level int      `json:"level"` // 1-based notice level; 0 for block and bill
	Days  int      `json:"days"`  // days past the patron's due date
}

// Ladder is an agency's overdue escalation: notices on the given days
// past due, then a block, then a bill. A day of 0 switches a step off.
type Ladder struct {
	NoticeDays []int
	BlockDays  int
	BillDays   int
}

// Steps lists the ladder's steps in order of days (notices before a
// block before a bill on the same day); steps switched off are left out.
func (l Ladder) Steps() []Step {
	var out []Step
	days := append([]int(nil), l.NoticeDays...)
	sort.Ints(days)
	n := 0
	for _, d := range days {
		if d > 0 {
			n++
			out = append(out, Step{Kind: StepNotice, Level: n, Days: d})
		}
	}
	if l.BlockDays > 0 {
		out = append(out, Step{Kind: StepBlock, Days: l.BlockDays})
	}
	if l.BillDays > 0 {
		out = append(out, Step{Kind: StepBill, Days: l.BillDays})
	}
	rank := map[StepKind]int{StepNotice: 0, StepBlock: 1, StepBill: 2}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Days != out[j].Days {
			return out[i].Days < out[j].Days
		}
		return rank[out[i].Kind] < rank[out[j].Kind]
	})
	return out
}

// Due returns the steps to take now for a loan daysOverdue days past due
// of which done steps were already taken: every step reached and not
// yet done, in order.
func (l Ladder) Due(daysOverdue, done int) []Step {
	var out []Step
	for i, s := range l.Steps() {
		if i >= done && s.Days <= daysOverdue {
			out = append(out, s)
		}
	}
	return out
}

// Next is the step after done steps, and whether there is one.
func (l Ladder) Next(done int) (Step, bool) {
	s := l.Steps()
	if done < 0 || done >= len(s) {
		return Step{}, false
	}
	return s[done], true
}
