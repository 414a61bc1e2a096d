package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"interlend/internal/app"
	"interlend/internal/billing"
	"interlend/internal/ill"
)

// `interlend export charges --period P`: a period's per-partner invoices
// (PDF and CSV) and the OCLC IFM reconciliation file (docs/billing.md);
// `interlend billing received FILE` compares a partner's invoice with the
// ledger; `interlend billing escalate` runs the overdue escalation now.
func init() {
	addCommand(&command{name: "export", usage: "export data files", sub: []*command{
		{name: "charges", config: true, usage: "write a period's invoices per partner (PDF and CSV) and the IFM reconciliation CSV into a directory",
			flags: []flagSpec{
				{name: "agency", usage: "the library (required)"},
				{name: "period", usage: "a year (2026), a quarter (2026-Q3) or a month (2026-11) (required)"},
				{name: "out", def: ".", usage: "directory to write the files into (created if missing)"},
			},
			run: runExportCharges},
	}})
	addScreenshot(screenshot{Name: "billing", As: "manager@exsup.example", Path: "/billing"})
	addCommand(&command{name: "billing", usage: "the charges ledger: received invoices, overdue escalation", sub: []*command{
		{name: "received", args: "FILE", config: true, usage: "compare a partner's invoice (CSV: invoice,date,request,amount,currency[,description]) with the ledger and keep it",
			flags: []flagSpec{
				{name: "agency", usage: "the library (required)"},
				{name: "partner", usage: "the library id of the partner that sent it (required)"},
				{name: "period", usage: "the period it bills: 2026, 2026-Q3 or 2026-11 (required)"},
			},
			run: runBillingReceived},
		{name: "escalate", config: true, usage: "take the overdue escalation steps due now (the daily job does this at 06:00 UTC)",
			run: func(e env, p parsed) error {
				return withApp(e, p, func(a *app.App) error {
					n, err := a.RunOverdueEscalation(e.ctx)
					if err == nil {
						fmt.Fprintf(e.stdout, "took %d escalation steps\n", n)
					}
					return err
				})
			}},
	}})
}

func billingActor(p parsed) (ill.Actor, error) {
	ag := ill.AgencyID(p.flag("agency"))
	if ag == "" {
		return ill.Actor{}, usageError("--agency is required")
	}
	actor := ill.SystemActor()
	actor.Agency = ag
	return actor, nil
}

func runExportCharges(e env, p parsed) error {
	actor, err := billingActor(p)
	if err != nil {
		return err
	}
	if _, err := billing.ParsePeriod(p.flag("period"), nil); err != nil {
		return usageError("--period: %v", err)
	}
	dir := p.flag("out")
	return withApp(e, p, func(a *app.App) error {
		files, err := a.ExportCharges(e.ctx, actor, p.flag("period"))
		if err != nil {
			return err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for _, f := range files {
			path := filepath.Join(dir, f.Name)
			if err := os.WriteFile(path, f.Data, 0o644); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, path)
		}
		return nil
	})
}

func runBillingReceived(e env, p parsed) error {
	actor, err := billingActor(p)
	if err != nil {
		return err
	}
	if len(p.args) != 1 || p.flag("partner") == "" || p.flag("period") == "" {
		return usageError("billing received FILE --agency X --partner Y --period P")
	}
	f, err := os.Open(p.args[0])
	if err != nil {
		return err
	}
	defer f.Close()
	return withApp(e, p, func(a *app.App) error {
		res, err := a.ImportReceivedInvoice(e.ctx, actor, p.flag("partner"), p.flag("period"), f)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "invoice %s from %s: %d lines, %d requests flagged\n", res.Invoice.Number, res.Invoice.Partner, res.Invoice.Lines, res.Invoice.Flagged)
		for _, d := range res.Differences {
			if d.Flagged() {
				fmt.Fprintf(e.stdout, "  %s\t%s\tinvoice %s\tledger %s\n", d.Request, d.Verdict, d.Invoiced, d.Ledger)
			}
		}
		return nil
	})
}
