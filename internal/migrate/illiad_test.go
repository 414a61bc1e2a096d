package migrate

import (
	"os"
	"strings"
	"testing"
	"time"

	"interlend/internal/ill"
)

func readFixture(t *testing.T) *TransactionFile {
	t.Helper()
	f, err := os.Open("testdata/illiad/Transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tf, err := ReadTransactions(f, ILLiad(), Options{Now: time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return tf
}

// TestILLiadFixture reads the fixture with the ILLiad preset: every
// status of the preset appears and maps, the Doc Del rows are skipped,
// and every broken row is reported with its line and reason.
func TestILLiadFixture(t *testing.T) {
	tf := readFixture(t)
	if len(tf.Rows) < 200 {
		t.Fatalf("%d rows mapped, want at least 200", len(tf.Rows))
	}
	seen := map[ill.Side]map[string]bool{ill.Borrowing: {}, ill.Lending: {}}
	for _, r := range tf.Rows {
		seen[r.Side][r.Status] = true
		if r.Created.IsZero() || r.Updated.Before(r.Created) {
			t.Errorf("line %d: dates %v %v", r.Line, r.Created, r.Updated)
		}
		if r.Terminal() != (r.CloseReason != "") {
			t.Errorf("line %d: terminal without reason", r.Line)
		}
	}
	for side, m := range ILLiad().Statuses {
		for status := range m {
			if !seen[side][status] {
				t.Errorf("the fixture has no %s row in %q", side, status)
			}
		}
	}
	if len(tf.Skipped) != 2 || !strings.Contains(tf.Skipped[0].Reason, "Doc Del") {
		t.Errorf("skipped: %+v", tf.Skipped)
	}
	want := []string{"columns where the header has", "is not a date", "DueDate", "unknown borrowing status \"Awaiting Gremlin Processing\"",
		"no title and no identifier", "no status", "unknown ProcessType", "no transaction number", "appears again", "without the borrowing library"}
	for _, w := range want {
		found := false
		for _, p := range tf.Problems {
			if strings.Contains(p.Reason, w) && p.Line > 1 {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem %q in %+v", w, tf.Problems)
		}
	}
	if len(tf.Problems) != len(want) {
		t.Errorf("%d problems, want %d: %+v", len(tf.Problems), len(want), tf.Problems)
	}
	if tf.Lines != len(tf.Rows)+len(tf.Problems)+len(tf.Skipped) {
		t.Errorf("lines %d != %d rows + %d problems + %d skipped", tf.Lines, len(tf.Rows), len(tf.Problems), len(tf.Skipped))
	}
}

// TestLoadMapping reads both mapping formats and refuses a state that is
// not in our tables.
func TestLoadMapping(t *testing.T) {
	m, err := LoadMapping(strings.NewReader(`{"system":"Tipasa","columns":{"transactions":{"number":"Request","status":"Status","created":"Date","title":"Title"}},
		"statuses":{"borrowing":{"Shipped to us":"shipped"}}}`), "tipasa.json")
	if err != nil {
		t.Fatal(err)
	}
	tf, err := ReadTransactions(strings.NewReader("Request,Status,Date,Title\nX1,Shipped to us,2026-01-02,Dune\nX2,checked_out,2026-01-03,Emma\n"), m, Options{})
	if err != nil || len(tf.Rows) != 2 || tf.Rows[0].State != ill.BShipped || tf.Rows[1].State != ill.BCheckedOut || tf.Rows[0].Side != ill.Borrowing {
		t.Fatalf("%+v %v", tf, err)
	}
	for _, bad := range []string{
		`{"columns":{"transactions":{"number":"N"}},"statuses":{"borrowing":{"x":"nowhere"}}}`,
		`{"columns":{"transactions":{"colour":"N"}}}`,
		"transactions,number\n",
		"status,borrowing,x,flying\n",
	} {
		if _, err := LoadMapping(strings.NewReader(bad), "bad"); err == nil {
			t.Errorf("mapping %q accepted", bad)
		}
	}
}
