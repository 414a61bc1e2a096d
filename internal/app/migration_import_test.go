package app_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/copyright"
	"interlend/internal/ill"
	"interlend/internal/migrate"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

const illiadFixture = "../migrate/testdata/illiad/"

// importFile runs one migration import of a fixture file as the system.
func (w *world) importFile(file string, kind migrate.Kind, dry bool) app.MigrationReport {
	w.t.Helper()
	f, err := os.Open(illiadFixture + file)
	if err != nil {
		w.t.Fatal(err)
	}
	defer f.Close()
	rep, err := w.app.ImportMigration(w.ctx, sys(libA), libA, f, file, app.MigrationOptions{Kind: kind, Mapping: migrate.ILLiad(), DryRun: dry})
	if err != nil {
		w.t.Fatalf("import %s: %v", file, err)
	}
	return rep
}

// requestCount counts libA's requests (both sides).
func (w *world) requestCount() int {
	w.t.Helper()
	_, n, err := w.app.ListRequests(w.ctx, staff(libA), store.RequestFilter{Limit: 1})
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

// TestMigrationImportILLiad imports the ILLiad fixture (users, lender
// addresses, 200+ transactions in every state with broken rows): the dry
// run reports what would be created and every row it cannot map, writing
// nothing; the import creates exactly that; a second run creates nothing;
// the copyright counts carried over send the sixth copy of a journal with
// five imported copies to clearance. On both engines.
func TestMigrationImportILLiad(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)

			users := w.importFile("Users.csv", migrate.Users, false)
			if users.Created["patrons"] != 40 || len(users.Problems) != 3 {
				t.Fatalf("users: created %v, problems %+v", users.Created, users.Problems)
			}
			for i, want := range []string{"no username", "not a date", "appears again"} {
				if p := users.Problems[i]; !strings.Contains(p.Reason, want) || p.Line != 42+i {
					t.Errorf("users problem %d: %+v, want line %d %q", i, p, 42+i, want)
				}
			}
			lenders := w.importFile("LenderAddresses.csv", migrate.Lenders, false)
			if lenders.Created["lenders"] != 14 || len(lenders.Problems) != 2 {
				t.Fatalf("lenders: created %v, problems %+v", lenders.Created, lenders.Problems)
			}

			dry := w.importFile("Transactions.csv", migrate.Transactions, true)
			if dry.Total() < 200 || len(dry.Problems) != 10 || len(dry.Skipped) != 2 || dry.Existing != 0 {
				t.Fatalf("dry run: %d to create, %d problems, %d skipped, %d existing", dry.Total(), len(dry.Problems), len(dry.Skipped), dry.Existing)
			}
			if dry.Lines != dry.Total()+len(dry.Problems)+len(dry.Skipped) {
				t.Errorf("dry run: %d lines, %d + %d + %d accounted for", dry.Lines, dry.Total(), len(dry.Problems), len(dry.Skipped))
			}
			for _, p := range dry.Problems {
				if p.Line < 2 || p.Reason == "" {
					t.Errorf("problem without line or reason: %+v", p)
				}
			}
			if n := dry.Created["borrowing checked_out"]; n < 8 {
				t.Errorf("dry run: %d borrowing checked_out, want 8 (Checked Out to Customer, Renewed by Customer)", n)
			}
			if len(dry.Warnings) != 1 || !strings.Contains(dry.Warnings[0].Reason, "ghost99") {
				t.Errorf("warnings: %+v", dry.Warnings)
			}
			if n := w.requestCount(); n != 0 {
				t.Fatalf("the dry run created %d requests", n)
			}
			key := copyright.Key("issn:1072-303X")
			if n := w.count(key, 2026); n != 0 {
				t.Fatalf("the dry run carried %d copyright counts", n)
			}

			got := w.importFile("Transactions.csv", migrate.Transactions, false)
			if got.Total() != dry.Total() || len(got.Problems) != len(dry.Problems) {
				t.Fatalf("import created %d with %d problems; the dry run said %d and %d", got.Total(), len(got.Problems), dry.Total(), len(dry.Problems))
			}
			for k, n := range dry.Created {
				if got.Created[k] != n {
					t.Errorf("%s: created %d, dry run said %d", k, got.Created[k], n)
				}
			}
			if n := w.requestCount(); n != got.Total() {
				t.Fatalf("%d requests stored, report says %d", n, got.Total())
			}
			checkImported(t, w)
			checkStats(t, w)

			again := w.importFile("Transactions.csv", migrate.Transactions, false)
			if again.Total() != 0 || again.Existing != got.Total() {
				t.Fatalf("second run created %v, found %d existing; want nothing new and %d existing", again.Created, again.Existing, got.Total())
			}
			if n := w.requestCount(); n != got.Total() {
				t.Fatalf("after the second run %d requests, want %d", n, got.Total())
			}
			if users := w.importFile("Users.csv", migrate.Users, false); users.Created["patrons"] != 0 {
				t.Errorf("second users run created %d patrons", users.Created["patrons"])
			}
			if lenders := w.importFile("LenderAddresses.csv", migrate.Lenders, false); lenders.Created["lenders"] != 0 || lenders.Existing != 14 {
				t.Errorf("second lenders run: created %v, existing %d", lenders.Created, lenders.Existing)
			}

			// Copyright: five 2026 copies counted (cancelled, paid and 2025
			// rows left out), and used by the next request.
			if n := w.count(key, 2026); n != 5 {
				t.Fatalf("carried-over count for %s in 2026: %d, want 5", key, n)
			}
			sixth := w.newCopy(copyReq{journal: "Journal of Interlibrary Loan, Document Delivery & Electronic Reserve", issn: "1072-303X", pub: "2024", article: "Sixth"})
			if sixth.State != ill.BAwaitingCopyr {
				t.Fatalf("the sixth copy of the journal is %s, want %s", sixth.State, ill.BAwaitingCopyr)
			}
			other := w.newCopy(copyReq{journal: "Serials Librarian", issn: "0361-526X", pub: "2024", article: "First"})
			if other.State == ill.BAwaitingCopyr {
				t.Fatalf("a first copy of another journal awaits clearance")
			}
		})
	}
}

// checkImported looks at a few imported requests in detail.
func checkImported(t *testing.T, w *world) {
	t.Helper()
	var rs []*ill.Request
	err := w.app.DB.Read(w.ctx, func(tx *store.Tx) (err error) { rs, err = tx.Agency().ExportRequests(libA, 0, 10000); return })
	if err != nil {
		t.Fatal(err)
	}
	var out, closed, lending int
	for _, r := range rs {
		if r.ExternalSystem != "ILLiad" || r.ExternalNumber == "" || r.Protocol != app.ProtocolOffSystem {
			t.Fatalf("%s: external %q %q protocol %q", r.PublicID, r.ExternalSystem, r.ExternalNumber, r.Protocol)
		}
		if r.Side == ill.Lending {
			lending++
			if r.Partner == "" || r.PartnerRequestID != r.ExternalNumber {
				t.Errorf("%s: partner %q request %q", r.PublicID, r.Partner, r.PartnerRequestID)
			}
		}
		if r.State == ill.BCheckedOut && r.Side == ill.Borrowing {
			out++
			if r.PatronID == 0 || r.PatronDue.IsZero() || !strings.HasPrefix(r.ExternalNumber, "3") {
				t.Errorf("%s checked out: patron %d, due %v, ILL number %s", r.PublicID, r.PatronID, r.PatronDue, r.ExternalNumber)
			}
		}
		if want := r.ClosedAt; !want.IsZero() && !r.UpdatedAt.Equal(want) {
			t.Errorf("%s: updated %v, want the closing date %v", r.PublicID, r.UpdatedAt, want)
		}
		if !r.ClosedAt.IsZero() {
			closed++
			if r.CloseReason == "" || r.CreatedAt.After(r.ClosedAt) || r.CreatedAt.Year() < 2025 || !r.CreatedAt.Before(t0) {
				t.Errorf("%s closed: reason %q, created %v, closed %v", r.PublicID, r.CloseReason, r.CreatedAt, r.ClosedAt)
			}
			tl, _, err := w.app.Timeline(w.ctx, staff(libA), r.PublicID)
			if err != nil {
				t.Fatal(err)
			}
			last := tl[len(tl)-1]
			if len(tl) < 2 || len(tl) > 3 || tl[0].Type != "submitted" || !tl[0].At.Equal(r.CreatedAt) || !last.At.Equal(r.ClosedAt) || last.To != r.State {
				t.Errorf("%s: timeline %+v", r.PublicID, tl)
			}
			if filled := len(tl) == 3 && (tl[1].Type == "shipped" || tl[1].Type == "delivered"); filled != (r.CloseReason == ill.ClosedFilled) {
				t.Errorf("%s closed %s: filled in the log %v", r.PublicID, r.CloseReason, filled)
			}
		}
	}
	openLending := 0
	for _, r := range rs {
		if r.Side == ill.Lending && r.ClosedAt.IsZero() {
			openLending++
		}
	}
	if _, open, err := w.app.LendingQueues(w.ctx, staff(libA)); err != nil || open != openLending || open == 0 {
		t.Errorf("the lending desk has %d open requests (%v); %d were imported open", open, err, openLending)
	}
	if out == 0 || closed < 40 || lending < 60 {
		t.Errorf("checked out %d, closed %d, lending %d", out, closed, lending)
	}
}

// checkStats: the imported history counts in the statistics of 2025, by
// the dates it had in ILLiad.
func checkStats(t *testing.T, w *world) {
	t.Helper()
	f, err := os.Open(illiadFixture + "Transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tf, err := migrate.ReadTransactions(f, migrate.ILLiad(), migrate.Options{Now: t0})
	if err != nil {
		t.Fatal(err)
	}
	want := map[ill.Side]int{}
	filled := 0
	for _, r := range tf.Rows {
		if r.Created.Year() == 2025 {
			want[r.Side]++
			if r.Side == ill.Borrowing && r.CloseReason == ill.ClosedFilled {
				filled++
			}
		}
	}
	if _, err := w.app.RefreshStats(w.ctx); err != nil {
		t.Fatal(err)
	}
	d, err := w.app.StatsDashboard(w.ctx, staff(libA), app.StatsQuery{Agency: libA,
		From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if want[ill.Borrowing] == 0 || d.Current.Borrowing.Received != want[ill.Borrowing] || d.Current.Lending.Received != want[ill.Lending] {
		t.Errorf("2025 statistics: borrowing %d, lending %d received; the file has %d and %d",
			d.Current.Borrowing.Received, d.Current.Lending.Received, want[ill.Borrowing], want[ill.Lending])
	}
	if d.Current.Borrowing.Rate.Filled != filled {
		t.Errorf("2025 statistics: %d borrowing filled, the file has %d", d.Current.Borrowing.Rate.Filled, filled)
	}
}
