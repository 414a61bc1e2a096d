package demo

import (
	"context"

	"interlend/internal/app"
	"interlend/internal/ill"
)

func init() {
	register(Step{Order: 64, Name: "problems at receipt: wrong item, damaged, bad copy", Run: seedReceiptProblems})
}

// seedReceiptProblems gives Example College Library (borrowing from
// US-EXSUP) one request in each open step of the problems found at
// receipt (docs/problems.md): a wrong volume just flagged and one shipped
// back to be asked again, an item damaged on arrival waiting for the
// lender's decision, one damaged by a patron waiting for the lender's
// charge, and an article reported bad with a re-send asked.
func seedReceiptProblems(ctx context.Context, a *app.App, w *World) error {
	const borrower, lender = ill.AgencyID("US-EXCOL"), ill.AgencyID("US-EXSUP")
	patron, err := demoPatron(ctx, a, borrower, 1)
	if err != nil {
		return err
	}
	note := func(n string) map[string]any { return map[string]any{"note": n} }
	wrong := append(append([]move{}, toShipped...), bp(ill.ActReceiveWrongItem, note("Volume 1 came; we asked for volume 2.")))
	cases := []problemCase{
		{cite: ill.Citation{Title: "The collected papers of Albert Einstein, volume 2", Author: "Einstein, Albert", ISBN: "9780691085265"}, svc: ill.Loan, moves: wrong},
		{cite: ill.Citation{Title: "The Feynman lectures on physics, volume 3", Author: "Feynman, Richard", ISBN: "9780465025015"}, svc: ill.Loan, moves: append(append([]move{}, toShipped...), bp(ill.ActReceiveWrongItem, note("The 1965 edition came; the patron needs the New Millennium edition.")),
			bp(ill.ActReturnWrongItem, map[string]any{"courier": "UPS", "trackingId": "1Z999AA10123456799"}))},
		{cite: ill.Citation{Title: "A history of the world in 100 objects", Author: "MacGregor, Neil", ISBN: "9780670022700"}, svc: ill.Loan, moves: append(append([]move{}, toShipped...), bp(ill.ActReceiveDamaged, note("The spine is split and the plates are loose.")))},
		{cite: ill.Citation{Title: "The art of computer programming, volume 1", Author: "Knuth, Donald", ISBN: "9780201896831"}, svc: ill.Loan, moves: append(append([]move{}, toCheckedOut...), bp(ill.ActCheckInDamaged, note("Coffee spilt over pages 40 to 60.")))},
		{cite: ill.Citation{Title: "Nature", ArticleTitle: "Deep learning", JournalTitle: "Nature", Volume: "521", Pages: "436-444", DOI: "10.1038/demo.nature14539", PublicationType: ill.PubArticle}, svc: ill.Copy, moves: []move{l(ill.ActWillSupply), lp(ill.ActDeliver, map[string]any{"deliveryUrl": "https://ill.exsup.example/files/demo-deep-learning.pdf"}),
			bp(ill.ActReportBadCopy, note("Pages 440 to 442 are missing."))}},
	}
	return seedProblemCases(ctx, a, "receipt problem", borrower, lender, patron, cases)
}
