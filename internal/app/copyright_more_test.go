package app_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/copyright"
	"interlend/internal/i18n"
	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
	"interlend/internal/testenv"
)

// pdfPages is a PDF's text page by page (pdftotext ends each page with a
// form feed).
func pdfPages(t *testing.T, doc []byte) []string {
	t.Helper()
	pages := strings.Split(testenv.PDFText(t, doc), "\f")
	if n := len(pages); n > 0 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1]
	}
	return pages
}

// squash collapses runs of white space, so that a test can look for a
// sentence the PDF wrapped over lines.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestCopyNoticeOnDeliveredCopy: the delivered PDF of a copy begins with
// the copyright notice page of the request's regime (the US warning of
// 37 CFR 201.14 and the legend for a US-CCG request), and the scan's own
// pages, with their text layer, follow.
func TestCopyNoticeOnDeliveredCopy(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	_, l := newCopyRequest(t, w)
	d, err := w.app.DeliverCopy(w.ctx, staff(libB), l.PublicID, app.CopyUpload{Pages: []app.CopyPage{{Name: "scan.pdf", Data: textPDF(t)}}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Pages != 1 {
		t.Errorf("scan pages %d, want 1", d.Pages)
	}
	_, rd, err := w.app.OpenFile(w.ctx, staff(libB), libB, d.File.PublicID)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(rd)
	rd.Close()
	pages := pdfPages(t, buf.Bytes())
	if len(pages) != 2 {
		t.Fatalf("delivered PDF has %d pages, want the notice and the scan:\n%q", len(pages), pages)
	}
	first := squash(pages[0])
	for _, want := range []string{copyright.WarningNoticeTitle, "title 17, United States Code", "private study, scholarship, or research",
		"The work may be protected by copyright law", "for request " + l.PublicID} {
		if !strings.Contains(first, want) {
			t.Errorf("page 1 lacks %q:\n%s", want, first)
		}
	}
	if strings.Contains(first, "Scanning at scale") {
		t.Error("the scan's text is on the notice page")
	}
	if !strings.Contains(pages[1], "Scanning at scale") {
		t.Errorf("page 2 is not the scan (text layer lost?):\n%s", pages[1])
	}
	if strings.Contains(squash(pages[1]), "see the notice on the first page") {
		t.Error("an overlay without the setting")
	}

	// With the overlay setting, a re-sent scan also carries the legend
	// over each of its pages (not over the notice page).
	w.setCopyright(libB, func(s *app.CopyrightSettings) { s.NoticeOverlay = true })
	d2, err := w.app.ResendCopy(w.ctx, staff(libB), l.PublicID, app.CopyUpload{Pages: []app.CopyPage{{Name: "again.pdf", Data: textPDF(t)}}})
	if err != nil {
		t.Fatal(err)
	}
	_, rd, err = w.app.OpenFile(w.ctx, staff(libB), libB, d2.File.PublicID)
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	_, _ = buf.ReadFrom(rd)
	rd.Close()
	pages = pdfPages(t, buf.Bytes())
	legend := "for request " + l.PublicID + ". May be protected by copyright: see the notice on the first page."
	if len(pages) != 2 || strings.Contains(squash(pages[0]), legend) || !strings.Contains(squash(pages[1]), legend) || !strings.Contains(pages[1], "Scanning at scale") {
		t.Errorf("overlay:\n%q", pages)
	}
}

// TestCopyNoticeRegime: the notice's law follows the borrower's
// statement, then the borrower's country, then the lender's own regime;
// each regime's page carries its own text.
func TestCopyNoticeRegime(t *testing.T) {
	t.Parallel()
	cases := []struct {
		statement, country string
		own                copyright.Regime
		want               copyright.Regime
	}{
		{"US-CCG", "", copyright.RegimeUK, copyright.RegimeUS},
		{"us-ccl", "GB", copyright.RegimeUS, copyright.RegimeUS},
		{"UK-FairDealing", "", copyright.RegimeUS, copyright.RegimeUK},
		{"UK-CopyRFeePaid", "US", copyright.RegimeUS, copyright.RegimeUK},
		{"CA-FairDealing", "", copyright.RegimeUS, copyright.RegimeCA},
		{"Other", "CA", copyright.RegimeUS, copyright.RegimeCA},
		{"AU-CopyrightActS49", "AU", copyright.RegimeUS, copyright.RegimeOther},
		{"", "", copyright.RegimeUK, copyright.RegimeUK},
		{"", "", "", copyright.RegimeUS},
	}
	for _, c := range cases {
		if got := app.CopyNoticeRegimeForTest(c.statement, c.country, c.own); got != c.want {
			t.Errorf("statement %q country %q own %s: %s, want %s", c.statement, c.country, c.own, got, c.want)
		}
	}
	for regime, want := range map[copyright.Regime]string{
		copyright.RegimeUS:    "WARNING CONCERNING COPYRIGHT RESTRICTIONS",
		copyright.RegimeUK:    "section 42A",
		copyright.RegimeCA:    "five business days",
		copyright.RegimeOther: "may be protected by copyright",
	} {
		n := app.CopyNotice(regime, "Lender Library", "Borrower Library", "L-1")
		text := n.Title + " " + strings.Join(n.Paragraphs, " ")
		if !strings.Contains(text, want) || !strings.Contains(text, "Supplied by Lender Library to Borrower Library for request L-1.") {
			t.Errorf("%s notice: %q", regime, text)
		}
	}
}

// TestCopyrightDeferredRecheck: a request deferred to the next calendar
// year is assessed again by itself on 1 January (fake clock), counts in
// the new year and is sent; nothing happens on 31 December. A deferral
// the one-off run does not know of is found by the nightly run.
func TestCopyrightDeferredRecheck(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			// The recurring jobs, as `interlend serve` makes them.
			if err := w.app.EnsureSchedules(w.ctx); err != nil {
				t.Fatal(err)
			}
			w.setCopyright(libA, func(s *app.CopyrightSettings) { s.Limit = 1 })
			w.newCopy(copyReq{journal: "Deferred Studies", pub: "2025", article: "D1", send: true})
			held := w.newCopy(copyReq{journal: "Deferred Studies", pub: "2025", article: "D2", send: true})
			if held.State != ill.BAwaitingCopyr {
				t.Fatalf("second copy with limit 1: %s", held.State)
			}
			if _, err := w.app.ClearCopyright(w.ctx, staff(libA), held.PublicID, app.ClearanceInput{Option: copyright.OptionDefer}); err != nil {
				t.Fatal(err)
			}
			w.settle()
			if got := w.entry(held); got.Outcome != "deferred until 2027-01-01" || got.State != copyright.StateAwaiting {
				t.Fatalf("deferred: %q %s", got.Outcome, got.State)
			}

			w.clock.Set(time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC))
			w.settle()
			if got := w.req(libA, held.PublicID); got.State != ill.BAwaitingCopyr || w.outbound(got) != 0 {
				t.Fatalf("31 December: %s with %d messages out", got.State, w.outbound(got))
			}

			w.clock.Set(time.Date(2027, 1, 1, 0, 0, 30, 0, time.UTC))
			w.settle()
			got := w.wantState(libA, held.PublicID, ill.BSent)
			if got.Copyright != "US-CCG" || w.outbound(got) != 1 {
				t.Errorf("1 January: compliance %q, %d messages out", got.Copyright, w.outbound(got))
			}
			if en := w.entry(got); en.Year != 2027 || en.State != copyright.StateInProcess || en.Outcome != "rechecked" {
				t.Errorf("1 January ledger: year %d state %s outcome %q", en.Year, en.State, en.Outcome)
			}
			if n := w.count(copyright.Key("title:"+copyright.NormaliseTitle("Deferred Studies")), 2027); n != 1 {
				t.Errorf("2027 count %d, want 1", n)
			}
			w.validateMessages(got)

			// A deferral without its one-off run (written by hand, as an
			// older version did): the nightly run picks it up.
			w.newCopy(copyReq{journal: "Nightly Studies", pub: "2026", article: "N1", send: true})
			late := w.newCopy(copyReq{journal: "Nightly Studies", pub: "2026", article: "N2", send: true})
			if late.State != ill.BAwaitingCopyr {
				t.Fatalf("second Nightly copy: %s", late.State)
			}
			en := w.entry(late)
			en.Outcome = "deferred until 2028-01-01"
			if err := w.app.DB.Transact(w.ctx, func(tx *store.Tx) error { return tx.Agency().UpdateCopyrightEntry(libA, &en) }); err != nil {
				t.Fatal(err)
			}
			w.clock.Set(time.Date(2028, 1, 1, 0, 10, 0, 0, time.UTC))
			w.settle()
			if got := w.wantState(libA, late.PublicID, ill.BSent); w.entry(got).Year != 2028 {
				t.Errorf("nightly recheck counted in %d", w.entry(got).Year)
			}
		})
	}
}

// TestCopyrightUKDeclaration: with the UK regime the patron form asks for
// the s.42A declaration (confirmed and signed with a typed name); it is
// stored with the request (wording version, fingerprint, name, time) and
// the request goes ahead as UK-FairDealing. A request made without one
// (by staff) is held and goes ahead once the patron signs; the typed
// name goes with the request's patron data.
func TestCopyrightUKDeclaration(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			pw := newPortalWorld(t, e)
			pw.setCopyright(libA, func(s *app.CopyrightSettings) { s.Regime = "UK"; s.Currency = "GBP" })
			f := app.PortalForm{Kind: app.FormArticle, CopyrightAccepted: true,
				Fields: map[string]string{"atitle": "Fair dealing in practice", "jtitle": "Library Law Review", "date": "2025", "issn": "0000-0027"}}
			before := countRequests(t, pw.world)
			_, err := pw.app.SubmitPortalRequest(pw.ctx, pw.actor, f)
			if errs := ill.FieldErrors(err); errs["declaration"] != "portal.err.declaration" || errs["declarationName"] != "portal.err.declarationname" ||
				countRequests(t, pw.world) != before {
				t.Fatalf("without the declaration: %v %v", err, errs)
			}
			f.Declaration = app.DeclarationInput{Accepted: true, Name: "   "}
			if _, err := pw.app.SubmitPortalRequest(pw.ctx, pw.actor, f); ill.FieldErrors(err)["declarationName"] == "" {
				t.Fatalf("a blank signature: %v", err)
			}
			f.Declaration.Name = "Pat Reader"
			r := pw.submit(f)
			pw.settle()
			got := pw.req(libA, r.PublicID)
			if got.State == ill.BAwaitingCopyr || got.Copyright != "UK-FairDealing" {
				t.Fatalf("signed: %s %q", got.State, got.Copyright)
			}
			d, err := pw.app.CopyrightDeclarationOf(pw.ctx, staff(libA), r.PublicID)
			if err != nil || d.TextVersion != copyright.UKDeclarationVersion || d.Signature != "Pat Reader" || !d.SignedAt.Equal(pw.clock.Now()) || len(d.TextSHA256) != 64 {
				t.Errorf("stored declaration: %+v %v", d, err)
			}
			if en := pw.entry(got); en.Category != copyright.CodeUKFairDealing || en.Decision.HasFlag(copyright.FlagNoDeclaration) {
				t.Errorf("ledger: %s %+v", en.Category, en.Decision.Flags)
			}
			evs, _, _ := pw.app.Timeline(pw.ctx, sys(libA), r.PublicID)
			signed := false
			for _, ev := range evs {
				signed = signed || ev.Name == "copyright_declaration_signed"
				if strings.Contains(string(ev.Data), "Pat Reader") {
					t.Errorf("the typed name is in an event: %s", ev.Data)
				}
			}
			if !signed {
				t.Error("the signature is not on the timeline")
			}

			// Staff place one for the patron without a declaration: held,
			// the patron asked to sign; signing releases it.
			held, err := pw.app.CreateRequest(pw.ctx, staff(libA), app.NewRequest{ServiceType: ill.Copy, PatronID: pw.pat.ID,
				Citation: ill.Citation{JournalTitle: "Library Law Review", ISSN: "0000-0027", ArticleTitle: "Second thoughts", PubDate: "2025", Volume: "3", Issue: "1", PublicationType: ill.PubArticle}})
			if err != nil {
				t.Fatal(err)
			}
			pw.settle()
			held = pw.req(libA, held.PublicID)
			if held.State != ill.BAwaitingCopyr || !strings.Contains(held.NoteToPatron, "sign the copyright declaration") {
				t.Fatalf("without a declaration: %s %q", held.State, held.NoteToPatron)
			}
			if _, err := pw.app.SignCopyrightDeclaration(pw.ctx, pw.other, held.PublicID, app.DeclarationInput{Accepted: true, Name: "Olga Other"}); !ill.Is(err, ill.NotFound) {
				t.Errorf("another patron signs: %v, want NotFound", err)
			}
			if _, err := pw.app.SignCopyrightDeclaration(pw.ctx, pw.actor, held.PublicID, app.DeclarationInput{Accepted: true, Name: "Pat Reader"}); err != nil {
				t.Fatal(err)
			}
			pw.settle()
			if got := pw.req(libA, held.PublicID); got.State == ill.BAwaitingCopyr || got.Copyright != "UK-FairDealing" {
				t.Errorf("after signing: %s %q", got.State, got.Copyright)
			}
			if _, err := pw.app.SignCopyrightDeclaration(pw.ctx, pw.actor, held.PublicID, app.DeclarationInput{Accepted: true, Name: "Pat Reader"}); !ill.Is(err, ill.Conflict) {
				t.Errorf("signing twice: %v, want Conflict", err)
			}

			// Retention: the typed name goes, the declaration stays.
			if err := pw.app.DB.Transact(pw.ctx, func(tx *store.Tx) error {
				return tx.Agency().ForgetCopyrightPatronData(libA, got.ID)
			}); err != nil {
				t.Fatal(err)
			}
			if d, err := pw.app.CopyrightDeclarationOf(pw.ctx, staff(libA), r.PublicID); err != nil || d.Signature != "" || d.TextVersion == "" {
				t.Errorf("after retention: %+v %v", d, err)
			}

			// A US library's form asks for no declaration.
			pw.setCopyright(libA, func(s *app.CopyrightSettings) { s.Regime = "US"; s.Currency = "USD" })
			f.Declaration = app.DeclarationInput{}
			f.Fields["atitle"] = "A US article"
			if r := pw.submit(f); r.Copyright == "" {
				t.Errorf("US request without declaration: %q", r.Copyright)
			}
		})
	}
}

// TestCopyrightCanadaRecords: a Canadian borrowing library keeps a copy
// record of each copy request (requester pseudonym, date, citation,
// pages) dated when the copy arrives; a Canadian lender records each copy
// it delivers with the requesting library; records are kept three years
// from the request and purged after (fake clock).
func TestCopyrightCanadaRecords(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			w.setCopyright(libA, func(s *app.CopyrightSettings) { s.Regime = "CA"; s.Currency = "CAD" })
			w.setCopyright(libB, func(s *app.CopyrightSettings) { s.Regime = "CA"; s.Currency = "CAD" })
			b, l := newCopyRequest(t, w)
			if _, err := w.app.DeliverCopy(w.ctx, staff(libB), l.PublicID, app.CopyUpload{Pages: []app.CopyPage{{Name: "scan.pdf", Data: textPDF(t)}}}); err != nil {
				t.Fatal(err)
			}
			w.settle()
			w.wantState(libA, b.PublicID, ill.BCompleted)

			recs, err := w.app.CopyRecords(w.ctx, staff(libA), 2026)
			if err != nil || len(recs) != 1 {
				t.Fatalf("borrower's records: %+v %v", recs, err)
			}
			br := recs[0]
			if br.Side != store.CopyRecordBorrowing || br.RequestID != b.PublicID || br.Title != "Journal of Library Science" || br.PartTitle != "Scanning at scale" ||
				br.Pages != "1-10" || br.Volume != "12" || br.Identifier != "0022-2232" || !br.Date.Equal(t0) || br.SuppliedAt.IsZero() ||
				!br.PurgeNotBefore.Equal(t0.AddDate(3, 0, 0)) {
				t.Errorf("borrower's record: %+v", br)
			}
			lrecs, err := w.app.CopyRecords(w.ctx, staff(libB), 2026)
			if err != nil || len(lrecs) != 1 {
				t.Fatalf("lender's records: %+v %v", lrecs, err)
			}
			if lr := lrecs[0]; lr.Side != store.CopyRecordLending || lr.RequesterKey != string(libA) || lr.Pages != "1-10" || lr.SuppliedAt.IsZero() {
				t.Errorf("lender's record: %+v", lr)
			}
			// Not a Canadian library: no record.
			if recs, _ := w.app.CopyRecords(w.ctx, staff(libC), 2026); len(recs) != 0 {
				t.Errorf("libC has %d records", len(recs))
			}

			w.clock.Set(t0.AddDate(3, 0, 0).Add(-time.Minute))
			if _, err := w.app.PurgeCopyright(w.ctx); err != nil {
				t.Fatal(err)
			}
			if recs, _ := w.app.CopyRecords(w.ctx, staff(libA), 2026); len(recs) != 1 {
				t.Fatalf("a minute before three years: %d records", len(recs))
			}
			w.clock.Set(t0.AddDate(3, 0, 0))
			if _, err := w.app.PurgeCopyright(w.ctx); err != nil {
				t.Fatal(err)
			}
			for _, ag := range []ill.AgencyID{libA, libB} {
				if recs, _ := w.app.CopyRecords(w.ctx, staff(ag), 2026); len(recs) != 0 {
					t.Errorf("%s: %d records after three years", ag, len(recs))
				}
			}
		})
	}
}

// TestCopyrightReportPDF: the yearly report as PDF, read back with
// pdftotext, against figures worked out by hand for a small ledger
// (limit 2): Alpha Letters two free copies and a royalty of 12.50 USD
// (at the limit); Beta Review one old article (not counted) and one
// cancelled; Gamma Quarterly four copies brought over (at the limit).
func TestCopyrightReportPDF(t *testing.T) {
	t.Parallel()
	w := newWorld(t, store.SQLite)
	w.setCopyright(libA, func(s *app.CopyrightSettings) { s.Limit = 2 })
	w.newCopy(copyReq{journal: "Alpha Letters", pub: "2025", article: "A1"})
	w.newCopy(copyReq{journal: "Alpha Letters", pub: "2025", article: "A2"})
	third := w.newCopy(copyReq{journal: "Alpha Letters", pub: "2025", article: "A3"})
	if _, err := w.app.ClearCopyright(w.ctx, staff(libA), third.PublicID, app.ClearanceInput{Option: copyright.OptionPayRoyalty, Amount: 1250, Currency: "USD"}); err != nil {
		t.Fatal(err)
	}
	w.newCopy(copyReq{journal: "Beta Review", issn: "0000-0027", pub: "1990", article: "B1"})
	cancelled := w.newCopy(copyReq{journal: "Beta Review", issn: "0000-0027", pub: "2025", article: "B2"})
	w.do(staff(libA), cancelled.PublicID, ill.ActCancel, nil)
	if _, err := w.app.ImportPriorCounts(w.ctx, staff(libA), libA, "csv", strings.NewReader("journal_title,issn,year,count\nGamma Quarterly,0000-0019,2026,4\n")); err != nil {
		t.Fatal(err)
	}
	rep, err := w.app.CopyrightYearReport(w.ctx, staff(libA), 2026)
	if err != nil {
		t.Fatal(err)
	}
	tr := func(key string, args ...any) string { return i18n.Load().Text(i18n.Default, key, args...) }
	money := func(minor int64, cur string) string { return app.FormatMinor(minor) + " " + cur }
	doc, err := rep.PDF(tr, money, "2 March 2026")
	if err != nil {
		t.Fatal(err)
	}
	text := squash(testenv.PDFText(t, doc))
	for _, want := range []string{
		"Copyright report 2026",
		"Free copies per title and year: 2. Copyright law: US. Printed 2 March 2026.",
		"Alpha Letters (at the limit) 2 0 2 1 0 0 0 0 12.50 USD",
		"Beta Review 0000-0027 0 0 0 0 0 1 1 0",
		"Gamma Quarterly (at the limit) 0000-0019 0 4 4 0 0 0 0 0",
		"All titles 2 4 6 1 0 1 1 0 12.50 USD",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
	if strings.Index(text, "Alpha Letters") > strings.Index(text, "Beta Review") || strings.Index(text, "Beta Review") > strings.Index(text, "Gamma Quarterly") {
		t.Errorf("titles out of order:\n%s", text)
	}
}
