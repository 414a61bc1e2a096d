package demo

import (
	"context"
	"fmt"
	"strings"

	"interlend/internal/app"
	"interlend/internal/ill"
)

func init() {
	register(Step{Order: 62, Name: "borrowing desk: patrons' requests", Run: seedBorrowing})
}

// seedBorrowing gives Example College Library's patrons a history: Pat
// Patron's filled and cancelled requests, a loan waiting on the hold
// shelf and one checked out; articles delivered and ready to download
// for Pat and for Wei Chen; a clear duplicate and a possible duplicate in
// review; a patron over the limit. The requests of every other borrowing
// state come from the lifecycle's demo step.
func seedBorrowing(ctx context.Context, a *app.App, w *World) error {
	const borrower, lender = ill.AgencyID("US-EXCOL"), ill.AgencyID("US-EXSUP")
	libIdx := -1
	for i, h := range hosted {
		if h.id == borrower {
			libIdx = i
		}
	}
	if libIdx < 0 {
		return fmt.Errorf("demo: %s is not hosted", borrower)
	}
	st := manager(borrower)
	patronID := func(j int) (int64, error) {
		found, err := a.SearchPatrons(ctx, ill.SystemActor(), borrower, demoBarcode(libIdx, j), 1)
		if err != nil || len(found) != 1 {
			return 0, fmt.Errorf("demo patron %d: %v", j, err)
		}
		return found[0].ID, nil
	}
	run := func() error { _, err := runDue(ctx, a); return err }
	lend := func(id string, moves ...move) error { return playMoves(ctx, a, borrower, lender, id, moves) }
	type want struct {
		patron int
		cite   ill.Citation
		svc    ill.ServiceType
		moves  []move
		file   string // an article to store for download
	}
	article := func(title, journal, vol, pages, doi string) ill.Citation {
		return ill.Citation{Title: journal, ArticleTitle: title, JournalTitle: journal, Volume: vol, Pages: pages, DOI: doi, PublicationType: ill.PubArticle}
	}
	toCompleted := append(append([]move{}, toCheckedOut...), b(ill.ActCheckIn), b(ill.ActShipReturn), l(ill.ActLendCheckIn))
	wants := []want{
		{0, ill.Citation{Title: "The death and life of great American cities", Author: "Jacobs, Jane", ISBN: "9780679741954"}, ill.Loan, toCompleted, ""},
		{0, ill.Citation{Title: "A pattern language", Author: "Alexander, Christopher", ISBN: "9780195019193"}, ill.Loan, []move{b(ill.ActRequestCancel), l(ill.ActAcceptCancel)}, ""},
		{0, ill.Citation{Title: "The image of the city", Author: "Lynch, Kevin", ISBN: "9780262620017"}, ill.Loan, append(append([]move{}, toShipped...), b(ill.ActReceive)), ""},
		{0, ill.Citation{Title: "Invisible cities", Author: "Calvino, Italo", ISBN: "9780156453806"}, ill.Loan, toCheckedOut, ""},
		{0, article("Reading the city: wayfinding and legibility", "Journal of Urban Design", "12", "101-118", "10.1080/demo.2024.0001"), ill.Copy,
			[]move{l(ill.ActWillSupply), b(ill.ActCompleteCopy)}, "wayfinding.pdf"},
		{3, article("Interlibrary loan turnaround in consortia", "College & Research Libraries", "85", "200-219", "10.5860/demo.85.2.200"), ill.Copy,
			[]move{l(ill.ActWillSupply), b(ill.ActCompleteCopy)}, "turnaround.pdf"},
		{3, article("Open access and document delivery", "Learned Publishing", "37", "12-20", "10.1002/demo.1600"), ill.Copy,
			[]move{l(ill.ActWillSupply), b(ill.ActCompleteCopy)}, "open-access.pdf"},
		{2, ill.Citation{Title: "Thinking, fast and slow", Author: "Kahneman, Daniel", ISBN: "9780374533557"}, ill.Loan, nil, ""},
	}
	for _, wnt := range wants {
		pid, err := patronID(wnt.patron)
		if err != nil {
			return err
		}
		r, err := a.CreateRequest(ctx, st, app.NewRequest{PatronID: pid, Citation: wnt.cite, ServiceType: wnt.svc, Send: true, PickupLocation: "Main desk",
			Lenders: []app.RotaChoice{{Lender: lender, Reason: "demo: holds the title"}}})
		if err != nil {
			return fmt.Errorf("demo borrowing %q: %w", wnt.cite.DisplayTitle(), err)
		}
		if err := run(); err != nil {
			return err
		}
		if err := lend(r.PublicID, wnt.moves...); err != nil {
			return fmt.Errorf("demo borrowing %q: %w", wnt.cite.DisplayTitle(), err)
		}
		if wnt.file != "" {
			body := "%PDF-1.4\n% demo article: " + wnt.cite.ArticleTitle + "\n%%EOF\n"
			if _, err := a.StoreFile(ctx, st, borrower, strings.NewReader(body), app.FileMeta{Name: wnt.file, ContentType: "application/pdf",
				Purpose: app.FileScan, RequestRef: r.PublicID}); err != nil {
				return err
			}
		}
	}
	// Ben Okafor asks again for the same book (a duplicate staff decide on),
	// and for another edition of it (a possible duplicate).
	ben, err := patronID(2)
	if err != nil {
		return err
	}
	for _, c := range []ill.Citation{
		{Title: "Thinking fast and slow", Author: "Daniel Kahneman"},
		{Title: "Thinking, fast and slow", Author: "Kahneman, Daniel", ISBN: "9780141033570", Edition: "UK paperback"},
	} {
		if _, err := a.CreateRequest(ctx, st, app.NewRequest{PatronID: ben, Citation: c, PickupLocation: "Main desk"}); err != nil {
			return err
		}
	}
	return run()
}
