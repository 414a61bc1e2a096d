package app_test

import (
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/calendar"
	"interlend/internal/ill"
	"interlend/internal/settings"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// The timer-driven problems on the fake clock: each timer counts business
// days of the borrowing library's calendar, skipping a weekend and a
// holiday (Monday 9 March 2026 closed). Expected times are written out by
// hand, not computed with the calendar code under test.

// silenceCalendar closes US-EXA on Monday 9 March 2026 and returns its
// time zone.
func silenceCalendar(t *testing.T, w *world) *time.Location {
	t.Helper()
	cal, err := settings.CalendarSetting.Get(w.ctx, w.app.DB, libA)
	if err != nil {
		t.Fatal(err)
	}
	cal.Closures = append(cal.Closures, calendar.Closure{From: calendar.Date{Year: 2026, Month: 3, Day: 9}, To: calendar.Date{Year: 2026, Month: 3, Day: 9}, Name: "Holiday"})
	if err := w.app.PutSetting(w.ctx, staff(libA), libA, "calendar", cal); err != nil {
		t.Fatal(err)
	}
	return cal.Location
}

// silenceEnd is the last second of a day in loc.
func silenceEnd(loc *time.Location, m time.Month, d int) time.Time {
	return time.Date(2026, m, d, 23, 59, 59, 0, loc)
}

func silenceOpen(t *testing.T, w *world, id string, kind ill.ProblemKind) *store.Problem {
	t.Helper()
	ps, err := w.app.RequestProblems(w.ctx, staff(libA), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Kind == kind && p.Open() {
			return &p
		}
	}
	return nil
}

func silenceClosed(t *testing.T, w *world, id string, kind ill.ProblemKind, outcome string) {
	t.Helper()
	ps, err := w.app.RequestProblems(w.ctx, staff(libA), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Kind == kind {
			if p.Open() || p.Outcome != outcome {
				t.Errorf("%s's %s problem: open %v outcome %q, want closed %q", id, kind, p.Open(), p.Outcome, outcome)
			}
			return
		}
	}
	t.Errorf("%s has no %s problem", id, kind)
}

// silenceAt moves the clock and runs what is due.
func (w *world) silenceAt(t time.Time) {
	w.clock.Set(t)
	w.settle()
}

func TestSilentCancelTimersCountBusinessDays(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			loc := silenceCalendar(t, w)
			// Thursday 5 March, afternoon.
			w.silenceAt(time.Date(2026, 3, 5, 15, 0, 0, 0, loc))
			b := newLoan(t, w, libB)
			l := w.lendingFor(libB, b)
			w.do(staff(libB), l.PublicID, ill.ActExpectToSupply, nil)
			w.wantState(libA, b.PublicID, ill.BAnswered)
			w.do(staff(libA), b.PublicID, ill.ActRequestCancel, nil)
			w.wantState(libB, l.PublicID, ill.LCancelRequested) // the lender's staff say nothing
			// Detect: 2 business days: Friday 6, (weekend, Monday 9 closed) Tuesday 10.
			due := silenceEnd(loc, 3, 10)
			w.silenceAt(due.Add(-time.Minute))
			if p := silenceOpen(t, w, b.PublicID, ill.ProbSilentCancel); p != nil {
				t.Fatalf("problem opened before its time: %+v", p)
			}
			w.silenceAt(due.Add(time.Minute))
			p := silenceOpen(t, w, b.PublicID, ill.ProbSilentCancel)
			if p == nil {
				t.Fatal("no silent-cancel problem after 2 business days")
			}
			// The reminder went (the Cancel again) and the lender, still
			// deciding, did not answer no to it.
			w.wantState(libA, b.PublicID, ill.BCancelRequested)
			w.wantState(libB, l.PublicID, ill.LCancelRequested)
			evs, _, err := w.app.Timeline(w.ctx, sys(libA), b.PublicID)
			if err != nil {
				t.Fatal(err)
			}
			reminded := false
			for _, ev := range evs {
				reminded = reminded || ev.Type == "partner_reminded"
			}
			if !reminded || p.Step != "reminder" || p.NextStep != "attention" {
				t.Fatalf("after detection: reminded %v, step %q next %q", reminded, p.Step, p.NextStep)
			}
			// Attention: 3 business days after Wednesday 11: Thu 12, Fri 13,
			// (weekend) Mon 16.
			if want := silenceEnd(loc, 3, 16); !p.NextAt.Equal(want) {
				t.Errorf("attention due %v, want %v", p.NextAt, want)
			}
			w.silenceAt(p.NextAt.Add(time.Minute))
			if r := w.req(libA, b.PublicID); !r.Attention || r.AttentionReason != "problem:silent_cancel:attention" {
				t.Errorf("attention %v %q", r.Attention, r.AttentionReason)
			}
			w.do(staff(libA), b.PublicID, ill.ActGiveUpCancel, map[string]any{"note": "going on"})
			if r := w.wantState(libA, b.PublicID, ill.BAnswered); r.Attention {
				t.Errorf("still flagged after giving up: %q", r.AttentionReason)
			}
			silenceClosed(t, w, b.PublicID, ill.ProbSilentCancel, "given_up")
		})
	}
}

func TestNeedBeforeTimerCountsBusinessDays(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			loc := silenceCalendar(t, w)
			w.silenceAt(time.Date(2026, 3, 3, 15, 0, 0, 0, loc))
			r, err := w.app.CreateRequest(w.ctx, staff(libA), app.NewRequest{
				Citation:    ill.Citation{Title: "Silent spring", PublicationType: ill.PubBook},
				ServiceType: ill.Loan, Lenders: []app.RotaChoice{{Lender: libB, Reason: "test"}}, Send: true,
				NeedBefore: silenceEnd(loc, 3, 6)})
			if err != nil {
				t.Fatal(err)
			}
			w.settle()
			// Needed before Friday 6: passed at Saturday 7, 00:00.
			w.silenceAt(time.Date(2026, 3, 6, 23, 0, 0, 0, loc))
			if p := silenceOpen(t, w, r.PublicID, ill.ProbNeedBefore); p != nil {
				t.Fatalf("opened before the date passed: %+v", p)
			}
			w.silenceAt(time.Date(2026, 3, 7, 0, 1, 0, 0, loc))
			p := silenceOpen(t, w, r.PublicID, ill.ProbNeedBefore)
			if p == nil || p.Step != "ask_patron" || p.NextStep != "attention" {
				t.Fatalf("after the date: %+v", p)
			}
			// Attention after 5 business days from Saturday: Tue 10, Wed 11,
			// Thu 12, Fri 13, (weekend) Mon 16 (Monday 9 is closed).
			if want := silenceEnd(loc, 3, 16); !p.NextAt.Equal(want) {
				t.Errorf("attention due %v, want %v", p.NextAt, want)
			}
			w.silenceAt(p.NextAt.Add(time.Minute))
			if got := w.req(libA, r.PublicID); got.AttentionReason != "problem:need_before_passed:attention" {
				t.Errorf("attention %q", got.AttentionReason)
			}
			// Staff record the patron's answer: go on until 31 March.
			got := w.do(staff(libA), r.PublicID, ill.ActNeedBeforeGoOn, map[string]any{"needBefore": "2026-03-31"})
			if want := silenceEnd(loc, 3, 31); !got.NeedBefore.Equal(want) {
				t.Errorf("new need-before %v, want %v", got.NeedBefore, want)
			}
			silenceClosed(t, w, r.PublicID, ill.ProbNeedBefore, "go_on")
			// The new date is watched in its turn.
			w.silenceAt(time.Date(2026, 4, 1, 0, 1, 0, 0, loc))
			if p := silenceOpen(t, w, r.PublicID, ill.ProbNeedBefore); p == nil || p.Step != "ask_patron" {
				t.Errorf("the new date passed: %+v", p)
			}
		})
	}
}

func TestConditionsUnansweredRejectedInBusinessDays(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			loc := silenceCalendar(t, w)
			// Thursday 5 March.
			w.silenceAt(time.Date(2026, 3, 5, 15, 0, 0, 0, loc))
			b := newLoan(t, w, libB, libC)
			l := w.lendingFor(libB, b)
			w.do(staff(libB), l.PublicID, ill.ActOfferConds, map[string]any{"conditions": []string{"LibraryUseOnly"}, "note": "Our terms"})
			w.wantState(libA, b.PublicID, ill.BConditional)
			// Detect after 2 business days: Fri 6, Tue 10.
			w.silenceAt(silenceEnd(loc, 3, 10).Add(-time.Minute))
			if p := silenceOpen(t, w, b.PublicID, ill.ProbConditionsUnanswered); p != nil {
				t.Fatalf("opened early: %+v", p)
			}
			w.silenceAt(silenceEnd(loc, 3, 10).Add(time.Minute))
			p := silenceOpen(t, w, b.PublicID, ill.ProbConditionsUnanswered)
			if p == nil || p.Step != "reminder" || p.NextStep != "auto_reject" {
				t.Fatalf("after detection: %+v", p)
			}
			if r := w.req(libA, b.PublicID); r.AttentionReason != "problem:conditions_unanswered:reminder" {
				t.Errorf("staff reminder: attention %q", r.AttentionReason)
			}
			// Auto-reject 3 business days after Wednesday 11: Thu 12, Fri 13,
			// (weekend) Mon 16.
			if want := silenceEnd(loc, 3, 16); !p.NextAt.Equal(want) {
				t.Errorf("auto-reject due %v, want %v", p.NextAt, want)
			}
			w.silenceAt(silenceEnd(loc, 3, 16).Add(-time.Minute))
			w.wantState(libA, b.PublicID, ill.BConditional)
			w.silenceAt(silenceEnd(loc, 3, 16).Add(time.Minute))
			r := w.wantState(libA, b.PublicID, ill.BSent)
			if r.Partner != libC {
				t.Errorf("after the rejection the request is at %s, want %s", r.Partner, libC)
			}
			silenceClosed(t, w, b.PublicID, ill.ProbConditionsUnanswered, "auto_rejected")
			w.wantState(libB, l.PublicID, ill.LCancelRequested) // the first lender got our Cancel
		})
	}
}
