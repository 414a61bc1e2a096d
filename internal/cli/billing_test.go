package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The billing commands on an empty ledger: the export writes the IFM
// file (header only), a received invoice is compared and its unknown
// request flagged, the escalation runs, and mistakes exit 2.
func TestBillingCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, dir, "agency", "add", "US-BIL", "Billing Library"); code != 0 {
		t.Fatalf("agency add: %d %s", code, errOut)
	}
	out := filepath.Join(dir, "out")
	code, stdout, errOut := runCLI(t, dir, "export", "charges", "--agency", "US-BIL", "--period", "2026-Q3", "--out", out)
	if code != 0 || !strings.Contains(stdout, "ifm-US-BIL-2026-Q3.csv") {
		t.Fatalf("export: %d %s %s", code, stdout, errOut)
	}
	b, err := os.ReadFile(filepath.Join(out, "ifm-US-BIL-2026-Q3.csv"))
	if err != nil || !strings.HasPrefix(string(b), "transaction_date,charge_id,request_id,borrower_symbol,lender_symbol,ifm_type,") {
		t.Errorf("IFM file: %q %v", b, err)
	}
	inv := filepath.Join(dir, "inv.csv")
	if err := os.WriteFile(inv, []byte("invoice,date,request,amount,currency\nX-1,2026-08-01,B404,12.00,EUR\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, errOut = runCLI(t, dir, "billing", "received", inv, "--agency", "US-BIL", "--partner", "DE-LEND", "--period", "2026-08")
	if code != 0 || !strings.Contains(stdout, "1 requests flagged") || !strings.Contains(stdout, "B404\tnot_in_ledger\tinvoice 12.00 EUR") {
		t.Errorf("received: %d %s %s", code, stdout, errOut)
	}
	if code, stdout, _ := runCLI(t, dir, "billing", "escalate"); code != 0 || !strings.Contains(stdout, "took 0 escalation steps") {
		t.Errorf("escalate: %d %s", code, stdout)
	}
	for _, args := range [][]string{
		{"export", "charges", "--period", "2026-11"},
		{"export", "charges", "--agency", "US-BIL", "--period", "2026-13"},
		{"billing", "received", inv, "--agency", "US-BIL"},
	} {
		if code, _, _ := runCLI(t, dir, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
