package demo

import (
	"context"
	"fmt"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/pdf"
)

func init() {
	register(Step{Order: 60, Name: "requests in every state", Run: seedRequests})
}

// demoTitles are the citations the demo requests ask for (a mix of books,
// articles and scripts, including non-Latin titles).
var demoTitles = []ill.Citation{
	{Title: "Silent spring", Author: "Carson, Rachel", ISBN: "9780618249060", Publisher: "Houghton Mifflin", PubDate: "2002", PublicationType: ill.PubBook},
	{Title: "The structure of scientific revolutions", Author: "Kuhn, Thomas S.", ISBN: "9780226458120", PubDate: "2012", PublicationType: ill.PubBook},
	{Title: "Nature", ArticleTitle: "Molecular structure of nucleic acids", JournalTitle: "Nature", Author: "Watson, J. D.", ISSN: "0028-0836", Volume: "171", Issue: "4356", Pages: "737-738", PubDate: "1953", PublicationType: ill.PubArticle},
	{Title: "图书馆学导论", Author: "吴慰慈", PubDate: "2008", PublicationType: ill.PubBook},
	{Title: "Библиотечное дело", Author: "Иванова, Н. А.", PubDate: "2015", PublicationType: ill.PubBook},
	{Title: "Journal of Interlibrary Loan, Document Delivery & Electronic Reserve", ArticleTitle: "Measuring turnaround time in consortial article delivery", JournalTitle: "Journal of Interlibrary Loan, Document Delivery & Electronic Reserve", ISSN: "1072-303X", Volume: "34", Issue: "2", Pages: "45-61", PubDate: "2024", PublicationType: ill.PubArticle},
	{Title: "Middlemarch", Author: "Eliot, George", ISBN: "9780141439549", PubDate: "2003", PublicationType: ill.PubBook},
	{Title: "Gödel, Escher, Bach", Author: "Hofstadter, Douglas R.", ISBN: "9780465026562", PubDate: "1999", PublicationType: ill.PubBook},
}

// move is one step of a scenario: who acts (borrower or lender) and how.
type move struct {
	lender bool
	action ill.ActionName
	params map[string]any
	system bool // a timer's action, taken by the system
	upload bool // ActDeliver by uploading a scan, as the copies page does
}

func b(a ill.ActionName) move                    { return move{action: a} }
func l(a ill.ActionName) move                    { return move{lender: true, action: a} }
func sysB(a ill.ActionName) move                 { return move{action: a, system: true} }
func sysL(a ill.ActionName) move                 { return move{lender: true, action: a, system: true} }
func lp(a ill.ActionName, p map[string]any) move { return move{lender: true, action: a, params: p} }
func bp(a ill.ActionName, p map[string]any) move { return move{action: a, params: p} }

var toShipped = []move{l(ill.ActExpectToSupply), l(ill.ActPrintSlip), l(ill.ActFound), lp(ill.ActShip, map[string]any{"courier": "UPS", "trackingId": "1Z999AA10123456784"})}
var toCheckedOut = append(append([]move{}, toShipped...), b(ill.ActReceive), b(ill.ActCheckOut))

// scenarios walk a request pair to each state worth showing.
var scenarios = []struct {
	name    string
	service ill.ServiceType
	send    bool
	moves   []move
}{
	{"validated", ill.Loan, false, nil},
	{"review (incomplete citation)", ill.Loan, false, nil},
	{"awaiting patron", ill.Loan, false, []move{bp(ill.ActAskPatron, map[string]any{"note": "Which edition do you need?"})}},
	{"awaiting copyright", ill.Copy, false, []move{b(ill.ActToCopyright)}},
	{"sent", ill.Loan, true, nil},
	{"lender: new", ill.Loan, true, nil},
	{"answered / awaiting pull slip", ill.Loan, true, []move{l(ill.ActExpectToSupply)}},
	{"pulled", ill.Loan, true, []move{l(ill.ActExpectToSupply), l(ill.ActPrintSlip)}},
	{"not on shelf", ill.Loan, true, []move{l(ill.ActExpectToSupply), l(ill.ActPrintSlip), l(ill.ActNotOnShelf)}},
	{"conditional", ill.Loan, true, []move{lp(ill.ActOfferConds, map[string]any{"conditions": "LibraryUseOnly", "cost": "15.00 USD", "note": "Rare: library use only, $15 handling."})}},
	{"retry offered", ill.Loan, true, []move{lp(ill.ActAnswerRetry, map[string]any{"reason": "OnLoan", "retryAfter": "2027-01-15"})}},
	{"end of rota", ill.Loan, true, []move{lp(ill.ActAnswerUnfilled, map[string]any{"reason": "NotHeld"})}},
	{"cancel requested", ill.Loan, true, []move{b(ill.ActRequestCancel)}},
	{"awaiting scan", ill.Copy, true, []move{l(ill.ActWillSupply)}},
	{"awaiting shipping", ill.Loan, true, []move{l(ill.ActExpectToSupply), l(ill.ActPrintSlip), l(ill.ActFound)}},
	{"shipped", ill.Loan, true, toShipped},
	{"received", ill.Loan, true, append(append([]move{}, toShipped...), b(ill.ActReceiveHold))},
	{"awaiting pickup", ill.Loan, true, append(append([]move{}, toShipped...), b(ill.ActReceive))},
	{"pickup expired", ill.Loan, true, append(append([]move{}, toShipped...), b(ill.ActReceive), sysB(ill.ActPickupExpire))},
	{"checked out", ill.Loan, true, toCheckedOut},
	{"renew requested", ill.Loan, true, append(append([]move{}, toCheckedOut...), b(ill.ActRenew))},
	{"overdue", ill.Loan, true, append(append([]move{}, toCheckedOut...), sysB(ill.ActPatronOverdue), sysL(ill.ActMarkOverdue))},
	{"recalled", ill.Loan, true, append(append([]move{}, toCheckedOut...), lp(ill.ActRecall, map[string]any{"note": "Needed for a course reserve."}))},
	{"returned by patron", ill.Loan, true, append(append([]move{}, toCheckedOut...), b(ill.ActCheckIn))},
	{"return shipped", ill.Loan, true, append(append([]move{}, toCheckedOut...), b(ill.ActCheckIn), b(ill.ActShipReturn))},
	{"problem", ill.Loan, true, append(append([]move{}, toCheckedOut...), bp(ill.ActReportProblem, map[string]any{"note": "Water damage noticed at check-in."}))},
	{"lender problem", ill.Loan, true, append(append([]move{}, toShipped...), lp(ill.ActReportProblem, map[string]any{"note": "Tracking shows the parcel returned to sender."}))},
	{"completed loan", ill.Loan, true, append(append([]move{}, toCheckedOut...), b(ill.ActCheckIn), b(ill.ActShipReturn), l(ill.ActLendCheckIn))},
	{"completed copy", ill.Copy, true, []move{l(ill.ActWillSupply), {lender: true, action: ill.ActDeliver, upload: true}}},
	{"cancelled", ill.Loan, true, []move{b(ill.ActRequestCancel), l(ill.ActAcceptCancel)}},
}

// pairs of demo libraries that borrow from each other.
var demoPairs = [][2]ill.AgencyID{{"US-EXCOL", "US-EXSUP"}, {"US-EXPUB", "US-EXSUP"}, {"US-EXSUP", "US-EXCOL"}}

func manager(ag ill.AgencyID) ill.Actor {
	return ill.Actor{Kind: ill.ActorStaff, Name: "Demo staff", Agency: ag, Grants: ill.Grants{{Agency: ag, Role: ill.RoleManager}}}
}

func seedRequests(ctx context.Context, a *app.App, w *World) error {
	for i, sc := range scenarios {
		pair := demoPairs[i%len(demoPairs)]
		borrower, lender := pair[0], pair[1]
		cit := demoTitles[i%len(demoTitles)]
		if sc.name == "review (incomplete citation)" {
			cit = ill.Citation{Author: "Somebody", Source: "a patron's handwritten note"}
		}
		if sc.service == ill.Copy && !cit.IsCopy() {
			cit = demoTitles[2]
		}
		r, err := a.CreateRequest(ctx, manager(borrower), app.NewRequest{Citation: cit, ServiceType: sc.service, Send: sc.send,
			Lenders: []app.RotaChoice{{Lender: lender, Reason: "demo: holds the title"}}, PickupLocation: "Main desk"})
		if err != nil {
			return fmt.Errorf("scenario %s: %w", sc.name, err)
		}
		if _, err := runDue(ctx, a); err != nil {
			return err
		}
		if err := playMoves(ctx, a, borrower, lender, r.PublicID, sc.moves); err != nil {
			return fmt.Errorf("scenario %s: %w", sc.name, err)
		}
	}
	return nil
}

// deliverDemoScan delivers a copy request with a one-page scan, through
// the same upload the lending desk's copies page uses, so that the
// borrowing library fetches a real file by its expiring link.
func deliverDemoScan(ctx context.Context, a *app.App, actor ill.Actor, id string) error {
	scan, err := pdf.NoticePDF(pdf.Notice{Title: "Demo article scan", Paragraphs: []string{"This page stands for the scanned article of a demo copy request."}})
	if err != nil {
		return err
	}
	_, err = a.DeliverCopy(ctx, actor, id, app.CopyUpload{Pages: []app.CopyPage{{Name: "article.pdf", ContentType: "application/pdf", Data: scan}}})
	return err
}

// runDue runs the jobs the seeding made, except fetches of delivered
// files: the borrowing library fetches those from this server by HTTP,
// which answers only once the demo is seeded, so the worker does them
// then.
func runDue(ctx context.Context, a *app.App) (int, error) {
	var kinds []string
	for _, k := range a.Jobs.Kinds() {
		if k != app.KindDeliveryFetch {
			kinds = append(kinds, k)
		}
	}
	return a.Jobs.RunDue(ctx, kinds...)
}
