package app_test

import (
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/copyright"
	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// copyReq is a borrowing copy request of an article for libA, sent to
// libB at once when send is true (else it waits, validated, unrouted).
type copyReq struct {
	journal, issn, eissn, pub, article string
	send                               bool
}

func (w *world) newCopy(c copyReq) *ill.Request {
	w.t.Helper()
	n := app.NewRequest{ServiceType: ill.Copy, Send: c.send,
		Citation: ill.Citation{JournalTitle: c.journal, ISSN: c.issn, EISSN: c.eissn, PubDate: c.pub, ArticleTitle: c.article,
			PublicationType: ill.PubArticle, Pages: "1-10"}}
	if c.send {
		n.Lenders = []app.RotaChoice{{Lender: libB, Reason: "test"}}
	}
	r, err := w.app.CreateRequest(w.ctx, staff(libA), n)
	if err != nil {
		w.t.Fatalf("create copy request: %v", err)
	}
	w.settle()
	return w.req(libA, r.PublicID)
}

func (w *world) entry(r *ill.Request) store.CopyrightEntry {
	w.t.Helper()
	e, err := w.app.CopyrightEntry(w.ctx, staff(r.Agency), r.PublicID)
	if err != nil {
		w.t.Fatalf("ledger row of %s: %v", r.PublicID, err)
	}
	return e
}

func (w *world) count(key copyright.Key, year int) int {
	w.t.Helper()
	var n int
	err := w.app.DB.Read(w.ctx, func(tx *store.Tx) (err error) { n, err = tx.Agency().CopyrightCount(libA, key, year); return })
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

// outbound counts a request's outgoing protocol messages.
func (w *world) outbound(r *ill.Request) int {
	w.t.Helper()
	_, msgs, err := w.app.Timeline(w.ctx, sys(r.Agency), r.PublicID)
	if err != nil {
		w.t.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		if m.Direction == "out" {
			n++
		}
	}
	return n
}

func (w *world) setCopyright(ag ill.AgencyID, edit func(*app.CopyrightSettings)) {
	w.t.Helper()
	s, err := app.CopyrightSetting.Get(w.ctx, w.app.DB, ag)
	if err != nil {
		w.t.Fatal(err)
	}
	edit(&s)
	if err := w.app.PutSetting(w.ctx, staff(ag), ag, "copyright", s); err != nil {
		w.t.Fatal(err)
	}
}

// TestCopyrightRules runs the test cases of standards/copyright.md §1.6
// through the application (request intake, ledger, clearance), on both
// engines. The clock starts on 2 March 2026, so the window of five
// calendar years holds articles published after 2021.
func TestCopyrightRules(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			key := copyright.Key("issn:1072-303X")

			// R1, R4 (cases 1-3, the fifth against the sixth): five CCG
			// copies of one title go out; the sixth waits and sends nothing.
			var sent []*ill.Request
			for i := range 5 {
				r := w.newCopy(copyReq{journal: "Journal of Interlibrary Loan", issn: "1072-303x", pub: "2025", article: "A" + string(rune('0'+i)), send: true})
				if r.State != ill.BSent || r.Copyright != "US-CCG" {
					t.Fatalf("copy %d: state %s, compliance %q; want sent with US-CCG", i+1, r.State, r.Copyright)
				}
				if got := w.entry(r); got.State != copyright.StateInProcess || !got.Counted() || got.Year != 2026 {
					t.Fatalf("copy %d: ledger %+v", i+1, got.Entry)
				}
				sent = append(sent, r)
			}
			if n := w.count(key, 2026); n != 5 {
				t.Fatalf("count after five: %d", n)
			}
			sixth := w.newCopy(copyReq{journal: "J. of interlibrary loan", issn: "1072-303X", pub: "2024", article: "A6", send: true})
			if sixth.State != ill.BAwaitingCopyr || w.outbound(sixth) != 0 {
				t.Fatalf("sixth: state %s with %d messages out; want awaiting copyright, none sent", sixth.State, w.outbound(sixth))
			}
			held := w.entry(sixth)
			if held.State != copyright.StateAwaiting || !held.Decision.NeedsClearance || held.Decision.CountBefore != 5 {
				t.Fatalf("sixth ledger: %+v %+v", held.Entry, held.Decision)
			}
			queue, err := w.app.ClearanceQueue(w.ctx, staff(libA))
			if err != nil || len(queue) != 1 || queue[0].Request.PublicID != sixth.PublicID || queue[0].Count != 5 {
				t.Fatalf("clearance queue: %+v %v", queue, err)
			}

			// Case 10: a royalty for the sixth copy: sent with US-CCG, the
			// fee on the charges ledger, and the free count unchanged.
			if _, err := w.app.ClearCopyright(w.ctx, staff(libA), sixth.PublicID, app.ClearanceInput{Option: copyright.OptionPurchase + "x"}); !ill.Is(err, ill.Invalid) {
				t.Errorf("an option not offered: %v, want Invalid", err)
			}
			if _, err := w.app.ClearCopyright(w.ctx, staff(libA), sixth.PublicID, app.ClearanceInput{Option: copyright.OptionPayRoyalty, Amount: -1, Currency: "USD"}); !ill.Is(err, ill.Invalid) {
				t.Errorf("a negative royalty: %v, want Invalid", err)
			}
			if w.req(libA, sixth.PublicID).State != ill.BAwaitingCopyr {
				t.Fatal("a refused choice changed the request")
			}
			if _, err := w.app.ClearCopyright(w.ctx, staff(libA), sixth.PublicID, app.ClearanceInput{Option: copyright.OptionPayRoyalty,
				Amount: 3250, Currency: "USD", Payee: "Copyright Clearance Center", Reference: "CCC-778"}); err != nil {
				t.Fatal(err)
			}
			w.settle()
			got := w.wantState(libA, sixth.PublicID, ill.BSent)
			if got.Copyright != "US-CCG" || w.outbound(got) != 1 {
				t.Errorf("after the royalty: compliance %q, %d messages out", got.Copyright, w.outbound(got))
			}
			if l := w.lendingFor(libB, got); l.Copyright != "US-CCG" {
				t.Errorf("the lender recorded %q", l.Copyright)
			}
			ch := w.charges(libA, sixth.PublicID)
			if len(ch) != 1 || ch[0].Type != store.ChargeRoyalty || ch[0].Amount.Minor != 3250 || ch[0].Payee != "Copyright Clearance Center" || ch[0].Reference != "CCC-778" {
				t.Errorf("charges: %+v", ch)
			}
			if e := w.entry(got); e.State != copyright.StateRoyaltyPaid || e.Counted() || e.Fee == nil || e.Fee.AmountMinor != 3250 {
				t.Errorf("royalty ledger row: %+v", e.Entry)
			}
			if n := w.count(key, 2026); n != 5 {
				t.Errorf("count after the royalty: %d, want 5", n)
			}
			if _, err := w.app.ClearCopyright(w.ctx, staff(libA), sixth.PublicID, app.ClearanceInput{Option: copyright.OptionDeny}); !ill.Is(err, ill.Conflict) {
				t.Errorf("clearing twice: %v, want Conflict", err)
			}
			w.validateMessages(got)

			// ISSN against title: a variant title with the same ISSN counts
			// on the ISSN; a title-only citation counts on the normalised
			// title, whatever its variant spelling.
			a := w.newCopy(copyReq{journal: "The Lancet.", pub: "2025", article: "T1"})
			b := w.newCopy(copyReq{journal: "Lancet (London, England)", pub: "2025", article: "T2"})
			if ka, kb := w.entry(a).Key, w.entry(b).Key; ka != kb || ka.Kind() != copyright.KindTitle {
				t.Errorf("variant titles keyed %q and %q", ka, kb)
			}

			// R5 (cases 5-7): the window edge in calendar mode.
			for _, c := range []struct {
				pub    string
				counts bool
				code   string
			}{{"2022", true, "US-CCG"}, {"2021", false, "US-CCL"}, {"1953", false, "US-CCL"}} {
				r := w.newCopy(copyReq{journal: "Window " + c.pub, pub: c.pub, article: "W"})
				if e := w.entry(r); e.Counted() != c.counts || r.Copyright != c.code {
					t.Errorf("calendar, published %s: counted %v code %q; want %v %q", c.pub, e.Counted(), r.Copyright, c.counts, c.code)
				}
			}
			// Case 6 in rolling mode: 2021 with the year only is in the window.
			w.setCopyright(libA, func(s *app.CopyrightSettings) { s.WindowMode = "rolling" })
			r := w.newCopy(copyReq{journal: "Window rolling", pub: "2021", article: "W"})
			if e := w.entry(r); !e.Counted() || r.Copyright != "US-CCG" {
				t.Errorf("rolling, published 2021: %+v", e.Entry)
			}
			if r := w.newCopy(copyReq{journal: "Window rolling", pub: "2020", article: "W2"}); r.Copyright != "US-CCL" {
				t.Errorf("rolling, published 2020: %q", r.Copyright)
			}
			w.setCopyright(libA, func(s *app.CopyrightSettings) { s.WindowMode = "calendar" })

			// R6 (case 8): a staff flag, and an e-holdings file covering the
			// date, make it CCL and uncounted; a date outside the coverage
			// counts, on the print ISSN the e-holdings pair the eISSN with
			// (case 16: one counter for print and electronic).
			if err := w.app.FlagSubscribed(w.ctx, staff(libA), "Flagged Quarterly", "0000-0019", "print run in the stacks"); err != nil {
				t.Fatal(err)
			}
			if r := w.newCopy(copyReq{journal: "Flagged Quarterly", issn: "0000-0019", pub: "2025", article: "F"}); r.Copyright != "US-CCL" || w.entry(r).Counted() {
				t.Errorf("staff flag: %q counted %v", r.Copyright, w.entry(r).Counted())
			}
			kbart := "publication_title\tprint_identifier\tonline_identifier\tdate_first_issue_online\tdate_last_issue_online\ttitle_id\n" +
				"Journal of Interlibrary Loan, Document Delivery & Electronic Reserve\t1072-303X\t1540-3572\t2000-01-01\t2010-12-31\tJILL\n"
			imp, err := w.app.ImportKBART(w.ctx, staff(libA), libA, "Taylor-2026", strings.NewReader(kbart))
			if err != nil || imp.Titles != 1 {
				t.Fatalf("kbart import: %+v %v", imp, err)
			}
			if r := w.newCopy(copyReq{journal: "JILL", issn: "1072-303X", pub: "2005", article: "K"}); r.Copyright != "US-CCL" {
				t.Errorf("covered by e-holdings: %q", r.Copyright)
			}
			e16 := w.newCopy(copyReq{journal: "JILL online", eissn: "1540-3572", pub: "2025", article: "E"})
			if k := w.entry(e16).Key; k != key {
				t.Errorf("eISSN keyed %q, want the print ISSN's %q", k, key)
			}
			if e16.State != ill.BAwaitingCopyr {
				t.Errorf("the eISSN request is copy 6 of the title: %s", e16.State)
			}

			// Deny (the patron is told why in plain words).
			if _, err := w.app.ClearCopyright(w.ctx, staff(libA), e16.PublicID, app.ClearanceInput{Option: copyright.OptionDeny}); err != nil {
				t.Fatal(err)
			}
			denied := w.wantState(libA, e16.PublicID, ill.BCancelled)
			if denied.CloseReason != ill.ClosedCopyrightDenied || !strings.Contains(denied.NoteToPatron, "copyright") {
				t.Errorf("denied: reason %s, patron told %q", denied.CloseReason, denied.NoteToPatron)
			}
			if s := w.entry(denied).State; s != copyright.StateCancelled {
				t.Errorf("denied ledger state %s", s)
			}

			// R3 (case 9): a cancellation takes the count back off, so the
			// next request for the title goes out free.
			k2 := copyright.Key("title:" + copyright.NormaliseTitle("Cancel Review"))
			var waiting []*ill.Request
			for i := range 5 {
				waiting = append(waiting, w.newCopy(copyReq{journal: "Cancel Review", pub: "2025", article: "C" + string(rune('0'+i))}))
			}
			if n := w.count(k2, 2026); n != 5 {
				t.Fatalf("in-process count %d, want 5", n)
			}
			if r := w.newCopy(copyReq{journal: "Cancel Review", pub: "2025", article: "C6"}); r.State != ill.BAwaitingCopyr {
				t.Fatalf("sixth in process: %s", r.State)
			} else {
				// Buy the article instead: the request closes, no ILL.
				if _, err := w.app.ClearCopyright(w.ctx, staff(libA), r.PublicID, app.ClearanceInput{Option: copyright.OptionPurchase, Amount: 4000, Currency: "USD", Payee: "Publisher"}); err != nil {
					t.Fatal(err)
				}
				got := w.wantState(libA, r.PublicID, ill.BCancelled)
				if got.CloseReason != ill.ClosedFilledLocally || w.entry(got).State != copyright.StatePurchased || w.outbound(got) != 0 {
					t.Errorf("purchase: %s %s", got.CloseReason, w.entry(got).State)
				}
			}
			w.do(staff(libA), waiting[0].PublicID, ill.ActCancel, nil)
			if n := w.count(k2, 2026); n != 4 {
				t.Errorf("after a cancellation: count %d, want 4", n)
			}
			if r := w.newCopy(copyReq{journal: "Cancel Review", pub: "2025", article: "C7"}); r.State == ill.BAwaitingCopyr || r.Copyright != "US-CCG" {
				t.Errorf("after a cancellation the fifth is free: %s %q", r.State, r.Copyright)
			}

			// Case 4, 31 December against 1 January: the title at five on
			// 31 December holds the sixth; on 1 January it is free again.
			w.clock.Set(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC))
			if r := w.newCopy(copyReq{journal: "Journal of Interlibrary Loan", issn: "1072-303X", pub: "2026", article: "D31"}); r.State != ill.BAwaitingCopyr {
				t.Errorf("31 December: %s", r.State)
			}
			w.clock.Set(time.Date(2027, 1, 1, 0, 30, 0, 0, time.UTC))
			if r := w.newCopy(copyReq{journal: "Journal of Interlibrary Loan", issn: "1072-303X", pub: "2026", article: "J1", send: true}); r.State != ill.BSent || w.entry(r).Year != 2027 {
				t.Errorf("1 January: %s year %d", r.State, w.entry(r).Year)
			}

			// The yearly report against the hand-computed figures for the
			// title: five free copies, one royalty (32.50 USD), one denied.
			rep, err := w.app.CopyrightYearReport(w.ctx, staff(libA), 2026)
			if err != nil {
				t.Fatal(err)
			}
			var row *copyright.ReportRow
			for i := range rep.Rows {
				if rep.Rows[i].Key == key {
					row = &rep.Rows[i]
				}
			}
			if row == nil || row.Counted != 5 || row.RoyaltyPaid != 1 || row.Withdrawn != 1 || row.Awaiting != 1 || row.NotCounted != 1 ||
				!row.AtLimit || len(row.Fees) != 1 || row.Fees[0].AmountMinor != 3250 {
				t.Errorf("report row: %+v", row)
			}
			var csv strings.Builder
			if err := rep.WriteCSV(&csv); err != nil || !strings.Contains(csv.String(), "2026,Journal of Interlibrary Loan,1072-303X,issn:1072-303X,5,0,5,5,true,1,0,1,1,1,32.50 USD") {
				t.Errorf("CSV: %v\n%s", err, csv.String())
			}
		})
	}
}

// TestCopyrightRetentionPurge: R14 (case 15) with the fake clock: a row of
// 2026 is kept through 31 December 2029 and purged from 1 January 2030;
// a row still awaiting clearance is never purged.
func TestCopyrightRetentionPurge(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			r := w.newCopy(copyReq{journal: "Retained Letters", pub: "2025", article: "R"})
			w.do(staff(libA), r.PublicID, ill.ActCancel, nil)
			if got := w.entry(r).PurgeAfter; !got.Equal(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)) {
				t.Fatalf("purge after %v", got)
			}
			w.setCopyright(libA, func(s *app.CopyrightSettings) { s.Limit = 1 })
			w.newCopy(copyReq{journal: "Held Letters", pub: "2025", article: "H1"})
			held := w.newCopy(copyReq{journal: "Held Letters", pub: "2025", article: "H2"})
			if held.State != ill.BAwaitingCopyr {
				t.Fatalf("limit 1: second is %s", held.State)
			}
			w.clock.Set(time.Date(2029, 12, 31, 23, 59, 0, 0, time.UTC))
			if n, err := w.app.PurgeCopyright(w.ctx); err != nil || n != 0 {
				t.Fatalf("31 December 2029: purged %d %v", n, err)
			}
			w.clock.Set(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
			n, err := w.app.PurgeCopyright(w.ctx)
			if err != nil || n != 1 {
				t.Fatalf("1 January 2030: purged %d %v, want the cancelled row only", n, err)
			}
			if _, err := w.app.CopyrightEntry(w.ctx, staff(libA), r.PublicID); !ill.Is(err, ill.NotFound) {
				t.Errorf("purged row still there: %v", err)
			}
			w.entry(held)
		})
	}
}

// TestCopyrightLending: a copy request without a compliance statement is
// answered as the policy says (L1), and a licence that forbids ILL gives
// Unfilled with its reason (L3); an allowed one logs the check.
func TestCopyrightLending(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			w.setCopyright(libB, func(s *app.CopyrightSettings) { s.RequireStatement, s.MissingStatement = "all", "unfilled" })
			// A copy request from a partner that sends no statement.
			conf, err := w.app.Receive(w.ctx, libB, libC, ill.Message{Kind: ill.MsgRequest, Requester: libC, Supplier: libB,
				RequesterRequestID: "C-NOSTATEMENT", Timestamp: w.clock.Now(), RequestType: "New", ServiceType: ill.Copy,
				Citation: &ill.Citation{JournalTitle: "Statement Review", ArticleTitle: "No statement", PubDate: "2025", PublicationType: ill.PubArticle}}, "")
			if err != nil || !conf.OK {
				t.Fatalf("receive: %+v %v", conf, err)
			}
			w.settle()
			l := w.req(libB, conf.Request)
			if l.State != ill.LUnfilled {
				t.Fatalf("a copy request without a statement is %s, want unfilled", l.State)
			}
			_, lmsgs, _ := w.app.Timeline(w.ctx, sys(libB), l.PublicID)
			if len(lmsgs) == 0 || !strings.Contains(lmsgs[len(lmsgs)-1].Body.Note, "copyright compliance statement") || lmsgs[len(lmsgs)-1].Body.ReasonUnfilled != "PolicyProblem" {
				t.Errorf("the refusal does not give its reason: %+v", lmsgs)
			}
			// Our own borrowers always send one, even on a copy-or-loan of a book.
			r, err := w.app.CreateRequest(w.ctx, staff(libA), app.NewRequest{ServiceType: ill.CopyOrLoan, Send: true,
				Lenders:  []app.RotaChoice{{Lender: libB, Reason: "test"}},
				Citation: ill.Citation{Title: "A whole book", ISBN: "9780306406157", PublicationType: ill.PubBook}})
			if err != nil {
				t.Fatal(err)
			}
			w.settle()
			if got := w.req(libB, w.lendingFor(libB, r).PublicID); got.State == ill.LUnfilled || got.Copyright != "US-CCL" {
				t.Errorf("copy-or-loan with a statement: %s %q", got.State, got.Copyright)
			}

			kbart := "publication_title\tprint_identifier\tonline_identifier\ttitle_id\nClosed Journal\t0000-0019\t\tCJ\nOpen Journal\t0000-0027\t\tOJ\n"
			if _, err := w.app.ImportKBART(w.ctx, staff(libB), libB, "PKG", strings.NewReader(kbart)); err != nil {
				t.Fatal(err)
			}
			terms := "package_id,issn,ill,notes\nPKG,0000-0019,none,Licence forbids ILL\nPKG,0000-0027,print,Print then scan\n"
			if n, _, err := w.app.ImportLicenceTerms(w.ctx, staff(libB), libB, strings.NewReader(terms)); err != nil || n != 2 {
				t.Fatalf("terms: %d %v", n, err)
			}
			closed := w.newCopy(copyReq{journal: "Closed Journal", issn: "0000-0019", pub: "2025", article: "X", send: true})
			lc := w.lendingFor(libB, closed)
			lcs := w.wantState(libB, lc.PublicID, ill.LUnfilled)
			_, msgs, _ := w.app.Timeline(w.ctx, sys(libB), lcs.PublicID)
			found := false
			for _, m := range msgs {
				if m.Direction == "out" && m.Body.ReasonUnfilled == "NotAvailableForILL" && strings.Contains(m.Body.Note, "licence") {
					found = true
				}
			}
			if !found {
				t.Errorf("no Unfilled NotAvailableForILL with the licence's reason: %+v", msgs)
			}
			open := w.newCopy(copyReq{journal: "Open Journal", issn: "0000-0027", pub: "2025", article: "Y", send: true})
			lo := w.lendingFor(libB, open)
			if s := w.req(libB, lo.PublicID).State; s == ill.LUnfilled {
				t.Errorf("allowed licence refused")
			}
			v, err := w.app.Subscriptions(w.ctx, staff(libB))
			events := map[string]int{}
			for _, e := range v.Log {
				events[e.Event]++
			}
			if err != nil || events["checked"] != 2 || events["statement"] < 2 || events["conditions"] != 1 || v.Terms != 2 {
				t.Errorf("licence log: %v %v", events, err)
			}
			if got := w.req(libB, lo.PublicID); !got.Attention || got.AttentionReason != "licence_conditions" {
				t.Errorf("allowed with conditions: attention %v %q", got.Attention, got.AttentionReason)
			}
			w.validateMessages(closed, open, lcs)
		})
	}
}
