package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/routing"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// TestDamagedOnArrivalAgesOnTheLibrarysCalendar: an item flagged damaged
// at receipt waits for the lender's decision for the aging table's
// business days (4 here, set in the settings) on the borrowing library's
// calendar, then flags staff; the lender's queue has it meanwhile; its
// answer "have it back" shows on the request, and shipping it back closes
// the problem on both sides.
func TestDamagedOnArrivalAgesOnTheLibrarysCalendar(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			table := app.DefaultAging()
			for i, r := range table.Rows {
				if r.Problem == string(ill.ProbDamagedArrival) && r.Step == "attention" {
					table.Rows[i].Days = 4
				}
			}
			if err := w.app.PutSetting(w.ctx, staff(libA), libA, "problems.aging", table); err != nil {
				t.Fatal(err)
			}
			b := newLoan(t, w, libB)
			l := w.lendingFor(libB, b)
			w.do(staff(libB), l.PublicID, ill.ActWillSupply, nil)
			w.do(staff(libB), l.PublicID, ill.ActShip, nil)
			w.wantState(libA, b.PublicID, ill.BShipped)
			w.do(staff(libA), b.PublicID, ill.ActReceiveDamaged, map[string]any{"note": "The spine is split."})
			w.wantState(libA, b.PublicID, ill.BProblem)

			want := routing.DefaultSchedule().AddBusinessDays(w.clock.Now(), 4)
			ps, err := w.app.RequestProblems(w.ctx, staff(libA), b.PublicID)
			if err != nil || len(ps) != 1 || ps[0].Step != "lender_decides" || ps[0].NextStep != "attention" || !ps[0].NextAt.Equal(want) {
				t.Fatalf("borrower's problem: %+v (%v); want lender_decides, attention at %v", ps, err, want)
			}
			lq, err := w.app.Problems(w.ctx, staff(libB), store.ProblemFilter{Kind: ill.ProbDamagedArrival})
			if err != nil || len(lq) != 1 || lq[0].Request != l.PublicID || lq[0].Step != "lender_decides" {
				t.Fatalf("lender's queue: %+v (%v)", lq, err)
			}
			if got := w.req(libB, l.PublicID); got.AttentionReason != "problem:damaged_arrival:lender_decides" {
				t.Errorf("lender's request flagged %q", got.AttentionReason)
			}

			w.clock.Set(want.Add(-time.Minute))
			w.settle()
			if got := w.req(libA, b.PublicID); got.Attention {
				t.Errorf("flagged before the step is due: %q", got.AttentionReason)
			}
			w.clock.Set(want.Add(time.Minute))
			w.settle()
			if got := w.req(libA, b.PublicID); got.AttentionReason != "problem:damaged_arrival:attention" {
				t.Errorf("after %v: attention %q", want, got.AttentionReason)
			}

			w.do(staff(libB), l.PublicID, ill.ActAnswerDamage, map[string]any{"decision": ill.DecisionReturn, "note": "Send it back, please."})
			if got := w.req(libA, b.PublicID); got.AttentionReason != "problem:damaged_arrival:decided:return" {
				t.Errorf("after the lender's answer: attention %q", got.AttentionReason)
			}
			w.do(staff(libA), b.PublicID, ill.ActReturnWrongItem, map[string]any{"courier": "UPS", "trackingId": "1Z1"})
			w.wantState(libA, b.PublicID, ill.BReturnShipped)
			w.wantState(libB, l.PublicID, ill.LReturnReceived)
			for _, side := range []struct {
				ag ill.AgencyID
				id string
			}{{libA, b.PublicID}, {libB, l.PublicID}} {
				ps, err := w.app.RequestProblems(w.ctx, staff(side.ag), side.id)
				if err != nil || len(ps) != 1 || ps[0].Open() {
					t.Errorf("%s's problem after the return: %+v (%v)", side.ag, ps, err)
				}
			}
		})
	}
}

// TestDamagedByPatronChargesTheLedger: the lender's repair charge and the
// patron's bill go on the ledger, and the problem closes as billed.
func TestDamagedByPatronChargesTheLedger(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	b := shippedLoan(t, w)
	w.do(staff(libA), b.PublicID, ill.ActReceive, nil)
	w.do(staff(libA), b.PublicID, ill.ActCheckOut, nil)
	w.do(staff(libA), b.PublicID, ill.ActCheckInDamaged, map[string]any{"note": "Coffee."})
	w.wantState(libA, b.PublicID, ill.BReturned)
	ps, err := w.app.Problems(w.ctx, staff(libA), store.ProblemFilter{Kind: ill.ProbDamagedPatron})
	want := routing.DefaultSchedule().AddBusinessDays(w.clock.Now(), 10)
	if err != nil || len(ps) != 1 || ps[0].Step != "bill" || !ps[0].NextAt.Equal(want) {
		t.Fatalf("queue: %+v (%v); want bill, attention at %v", ps, err, want)
	}
	w.do(staff(libA), b.PublicID, ill.ActRecordDamageCharge, map[string]any{"cost": "30.00 USD", "patronFee": "35.00 USD"})
	var charges []store.Charge
	if err := w.app.DB.Read(w.ctx, func(tx *store.Tx) (err error) {
		charges, err = tx.Agency().Charges(libA, w.req(libA, b.PublicID).ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	got := map[store.ChargeType]string{}
	for _, c := range charges {
		got[c.Type] = fmt.Sprintf("%s→%s %d %s", c.Payer, c.Payee, c.Amount.Minor, c.Amount.Currency)
	}
	if got[store.ChargeReplacement] != "US-EXA→US-EXB 3000 USD" || got[store.ChargePatronFee] != "patron→US-EXA 3500 USD" {
		t.Errorf("charges: %v", got)
	}
	if ps, _ := w.app.RequestProblems(w.ctx, staff(libA), b.PublicID); len(ps) != 1 || ps[0].Outcome != "billed" {
		t.Errorf("problem after billing: %+v", ps)
	}
}

// TestWrongItemRerequestsFromTheNextLender: the wrong item flagged,
// shipped back, asked again of the rest of the rota: a new request for
// the same citation goes to the next lender, and the problem closes
// naming it. "same" asks the lender that sent the wrong item again.
func TestWrongItemRerequestsFromTheNextLender(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	for _, tc := range []struct {
		which string
		want  ill.AgencyID
	}{{ill.RerequestNextLender, libC}, {ill.RerequestSameLender, libB}} {
		b := newLoan(t, w, libB, libC)
		l := w.lendingFor(libB, b)
		w.do(staff(libB), l.PublicID, ill.ActWillSupply, nil)
		w.do(staff(libB), l.PublicID, ill.ActShip, nil)
		w.do(staff(libA), b.PublicID, ill.ActReceiveWrongItem, map[string]any{"note": "The second edition came."})
		if got := w.req(libA, b.PublicID); got.AttentionReason != "problem:wrong_item:return" {
			t.Errorf("flagged %q", got.AttentionReason)
		}
		w.do(staff(libA), b.PublicID, ill.ActReturnWrongItem, nil)
		w.wantState(libB, l.PublicID, ill.LReturnReceived)
		ps, err := w.app.RequestProblems(w.ctx, staff(libA), b.PublicID)
		want := routing.DefaultSchedule().AddBusinessDays(w.clock.Now(), 5)
		if err != nil || len(ps) != 1 || ps[0].Step != "rerequest" || ps[0].NextStep != "attention" || !ps[0].NextAt.Equal(want) {
			t.Fatalf("after the return: %+v (%v); want rerequest, attention at %v", ps, err, want)
		}
		w.do(staff(libA), b.PublicID, ill.ActRerequest, map[string]any{"lender": tc.which})
		ps, _ = w.app.RequestProblems(w.ctx, staff(libA), b.PublicID)
		if len(ps) != 1 || ps[0].Outcome != "rerequested" {
			t.Fatalf("%s: problem %+v", tc.which, ps)
		}
		nid := strings.TrimPrefix(ps[0].Note, "asked again as ")
		n := w.wantState(libA, nid, ill.BSent)
		if n.Partner != tc.want || n.Citation.Title != b.Citation.Title || n.ID == b.ID {
			t.Errorf("%s: the new request %s went to %s for %q, want %s", tc.which, nid, n.Partner, n.Citation.Title, tc.want)
		}
		w.lendingFor(tc.want, n)
	}
}
