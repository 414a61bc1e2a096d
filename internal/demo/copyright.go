package demo

import (
	"context"
	"fmt"
	"strings"

	"interlend/internal/app"
	"interlend/internal/copyright"
	"interlend/internal/ill"
)

func init() {
	register(Step{Order: 65, Name: "copyright ledger and licences", Run: seedCopyright})
}

// The demo's copyright story: US-EXCOL has asked US-EXSUP for five recent
// articles of the Journal of Interlibrary Loan this year; a sixth was
// sent with a royalty paid to the Copyright Clearance Center, a seventh
// and an eighth wait for clearance. A title it holds in print is flagged,
// counts for another journal were brought over from the old system, and
// US-EXSUP has a licensed e-journal package whose licence forbids ILL for
// one title.
const (
	copyBorrower = ill.AgencyID("US-EXCOL")
	copyLender   = ill.AgencyID("US-EXSUP")
)

func seedCopyright(ctx context.Context, a *app.App, w *World) error {
	mgr := manager(copyBorrower)
	if err := a.FlagSubscribed(ctx, mgr, "College & Research Libraries", "0010-0870", "Print run 1939- in the stacks"); err != nil {
		return err
	}
	counts := "journal_title,issn,year,count\nInterlending & Document Supply,0264-1615,2026,3\nLibrary Resources & Technical Services,0024-2527,2026,5\n"
	if _, err := a.ImportPriorCounts(ctx, ill.SystemActor(), copyBorrower, "csv", strings.NewReader(counts)); err != nil {
		return fmt.Errorf("prior counts: %w", err)
	}
	kbart := "publication_title\tprint_identifier\tonline_identifier\tdate_first_issue_online\tdate_last_issue_online\ttitle_id\n" +
		"Journal of Documentation\t0022-0418\t1758-7379\t1945-01-01\t\tJDOC\n" +
		"Library Hi Tech\t0737-8831\t2054-166X\t1983-01-01\t\tLHT\n"
	if _, err := a.ImportKBART(ctx, ill.SystemActor(), copyLender, "Emerald-Library-Studies", strings.NewReader(kbart)); err != nil {
		return fmt.Errorf("kbart: %w", err)
	}
	terms := "package_id,issn,ill,notes\nEmerald-Library-Studies,,secure-electronic,Send through a secure delivery system\nEmerald-Library-Studies,0737-8831,none,The licence does not allow interlibrary loan of Library Hi Tech\n"
	if _, _, err := a.ImportLicenceTerms(ctx, ill.SystemActor(), copyLender, strings.NewReader(terms)); err != nil {
		return fmt.Errorf("licence terms: %w", err)
	}
	articles := []string{"Turnaround in consortial article delivery", "Resource sharing after the pandemic", "Copyright clearance costs in academic ILL",
		"Lending e-journals under licence", "The rule of five revisited", "Unmediated requesting at scale", "Document delivery by drone?", "ISO 18626 in practice"}
	var last []*ill.Request
	for i, title := range articles {
		r, err := a.CreateRequest(ctx, mgr, app.NewRequest{ServiceType: ill.Copy, Send: true, PickupLocation: "Main desk",
			Lenders: []app.RotaChoice{{Lender: copyLender, Reason: "demo: holds the journal"}},
			Citation: ill.Citation{JournalTitle: "Journal of Interlibrary Loan, Document Delivery & Electronic Reserve", ISSN: "1072-303X",
				ArticleTitle: title, Volume: "35", Issue: fmt.Sprint(1 + i/3), Pages: fmt.Sprintf("%d-%d", 10*i+1, 10*i+9), PubDate: "2025", PublicationType: ill.PubArticle}})
		if err != nil {
			return fmt.Errorf("copy %d: %w", i+1, err)
		}
		if _, err := runDue(ctx, a); err != nil {
			return err
		}
		last = append(last, r)
	}
	if _, err := a.ClearCopyright(ctx, mgr, last[5].PublicID, app.ClearanceInput{Option: copyright.OptionPayRoyalty, Amount: 3250, Currency: "USD",
		Payee: "Copyright Clearance Center", Reference: "CCC-2026-000417"}); err != nil {
		return fmt.Errorf("royalty: %w", err)
	}
	// A copy of the licensed title the lender may not supply.
	if _, err := a.CreateRequest(ctx, mgr, app.NewRequest{ServiceType: ill.Copy, Send: true,
		Lenders:  []app.RotaChoice{{Lender: copyLender, Reason: "demo: licensed e-journal"}},
		Citation: ill.Citation{JournalTitle: "Library Hi Tech", ISSN: "0737-8831", ArticleTitle: "Discovery layers compared", PubDate: "2024", PublicationType: ill.PubArticle}}); err != nil {
		return err
	}
	_, err := runDue(ctx, a)
	return err
}
