package peer_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/demo"
	"interlend/internal/ill"
	"interlend/internal/store/storetest"
	"interlend/internal/testenv"
)

// exampleCase is one of the 28 shared example messages and what the demo
// answers it with. Requests and RAMs are posted as they are (US-EXREQ
// asks the demo's US-EXSUP); SAMs are answers to a request US-EXSUP
// made, so the test swaps the two agencies and names one of US-EXSUP's
// borrowing requests (borrow) instead of EXREQ-2025-...
type exampleCase struct {
	file   string
	borrow string // the borrowing request a SAM is about (key of the test's map)
	want   string // "OK", "ERROR <errorType> <errorValue>", or an HTTP status
	state  ill.State
	// event is the last event of US-EXSUP's lending request after a request
	// or RAM (every one stays new: the example lender never answers).
	event string
}

// exampleStory is the examples in the order of the story they tell.
var exampleStory = []exampleCase{
	{file: "v1_2/01-request-loan-book.xml", want: "OK", event: "submitted"},
	{file: "v1_2/02-request-copy-article.xml", want: "OK", event: "submitted"},
	{file: "v1_2/03-requestConfirmation-ok.xml", want: "400"},
	{file: "v1_2/04-requestConfirmation-error.xml", want: "400"},
	{file: "v1_2/19-ram-Notification.xml", want: "OK", event: "message_flagged"}, // agrees to conditions never offered
	{file: "v1_2/17-ram-StatusRequest.xml", want: "OK", event: "status_requested"},
	{file: "v1_2/10-ram-Received.xml", want: "OK", event: "message_flagged"}, // before we shipped
	{file: "v1_2/11-ram-Renew.xml", want: "OK", event: "renewal_refused"},    // not on loan: RenewResponse N
	{file: "v1_2/13-ram-ShippedReturn.xml", want: "OK", event: "message_flagged"},
	{file: "v1_2/15-ram-Cancel.xml", want: `ERROR UnrecognisedDataValue requestingAgencyRequestId - Value = "EXREQ-2025-000127"`},
	{file: "v1_2/20-samConfirmation-ok.xml", want: "400"},
	{file: "v1_2/21-ramConfirmation-error-UnsupportedActionType.xml", want: "400"},
	{file: "v1_2/22-ramConfirmation-ok.xml", want: "400"},
	{file: "v2021/01-request-loan-2021.xml", want: "OK", event: "submitted"},
	{file: "v2021/03-request-Retry.xml", want: "OK", event: "submitted"},
	{file: "v2021/05-ram-Lost.xml", want: "OK", event: "message_flagged"}, // before we shipped
	{file: "v1_2/05-sam-RequestResponse-ExpectToSupply.xml", borrow: "EXREQ-2025-000123", want: "OK", state: ill.BAnswered},
	{file: "v1_2/06-sam-Notification-WillSupply-loanCondition.xml", borrow: "EXREQ-2025-000123", want: "OK", state: ill.BConditional},
	{file: "v1_2/18-sam-StatusRequestResponse.xml", borrow: "EXREQ-2025-000123", want: "OK", state: ill.BConditional},
	{file: "v1_2/07-sam-StatusChange-Loaned.xml", borrow: "EXREQ-2025-000123", want: "OK", state: ill.BShipped},
	{file: "v1_2/12-sam-RenewResponse-Yes.xml", borrow: "EXREQ-2025-000123", want: "OK", state: ill.BShipped},
	{file: "v1_2/14-sam-StatusChange-LoanCompleted.xml", borrow: "EXREQ-2025-000123", want: "OK", state: ill.BShipped},
	{file: "v1_2/08-sam-RequestResponse-Unfilled.xml", borrow: "EXREQ-2025-000124", want: "OK", state: ill.BEndOfRota},
	{file: "v1_2/09-sam-StatusChange-CopyCompleted.xml", borrow: "EXREQ-2025-000126", want: "OK", state: ill.BCompleted},
	{file: "v1_2/16-sam-CancelResponse-Cancelled.xml", borrow: "EXREQ-2025-000127", want: "OK", state: ill.BCancelled},
	{file: "v2021/02-sam-RequestResponse-RetryPossible.xml", borrow: "EXREQ-2025-000300", want: "OK", state: ill.BConditional},
	{file: "v2021/04-sam-RequestResponse-Loaned-shippingInfo.xml", borrow: "EXREQ-2025-000301", want: "OK", state: ill.BShipped},
	{file: "v2021/06-sam-StatusChange-HoldReturn.xml", borrow: "EXREQ-2025-000301", want: "OK", state: ill.BShipped},
}

// TestSharedExamplesAgainstTheDemo posts each shared example message to
// an app seeded by the demo, with the demo's US-EXREQ credential, as the
// curl commands of docs/partners.md do, and checks each answer: its
// outcome and that the confirmation validates against its schema.
func TestSharedExamplesAgainstTheDemo(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(testenv.Standards(t, "iso18626", "examples", "*", "*.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 28 || len(exampleStory) != len(files) {
		t.Fatalf("%d example files, %d in the story; want 28 of each", len(files), len(exampleStory))
	}
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := apptest.New(t, apptest.Options{Engine: e})
			ctx := context.Background()
			if _, err := demo.Seed(ctx, w.App); err != nil {
				t.Fatal(err)
			}
			s := &site{w: w, http: &http.Client{}, url: w.URL + "/iso18626"}
			sup := ill.AgencyID("US-EXSUP")
			exreq := ill.AgencyID("US-EXREQ")
			// The demo answers new requests automatically; these cases
			// check what each message does to a request a person has not
			// answered yet, so the automatic answers are switched off.
			if err := w.App.PutSetting(ctx, ill.SystemActor(), sup, "lending.auto", app.LendingAutoSettings{}); err != nil {
				t.Fatal(err)
			}
			// US-EXSUP's own requests to US-EXREQ, which the SAMs answer.
			borrow := map[string]*ill.Request{}
			for key, service := range map[string]ill.ServiceType{"EXREQ-2025-000123": ill.Loan, "EXREQ-2025-000124": ill.Copy,
				"EXREQ-2025-000126": ill.Copy, "EXREQ-2025-000127": ill.Loan, "EXREQ-2025-000300": ill.Loan, "EXREQ-2025-000301": ill.Loan} {
				c := ill.Citation{Title: "Silent spring", Author: "Carson, Rachel", ISBN: "9780618249060", PublicationType: ill.PubBook}
				if service == ill.Copy {
					c = ill.Citation{Title: "Journal of interlibrary loan", ArticleTitle: "Measuring turnaround time", ISSN: "1072-303X", PublicationType: ill.PubArticle}
				}
				r, err := w.App.CreateRequest(ctx, staffOf(sup), app.NewRequest{Citation: c, ServiceType: service,
					Lenders: []app.RotaChoice{{Lender: exreq, Reason: "example"}}, Send: true})
				if err != nil {
					t.Fatal(err)
				}
				borrow[key] = r
			}
			// 16 answers a Cancel we sent.
			if _, err := w.App.Perform(ctx, staffOf(sup), borrow["EXREQ-2025-000127"].PublicID, ill.ActRequestCancel, nil, 0); err != nil {
				t.Fatal(err)
			}
			for _, c := range exampleStory {
				t.Run(c.file, func(t *testing.T) {
					body, err := os.ReadFile(testenv.Standards(t, "iso18626", "examples", c.file))
					if err != nil {
						t.Fatal(err)
					}
					if c.borrow != "" {
						body = swapAgencies(body, "US-EXSUP", "US-EXREQ")
						body = []byte(strings.ReplaceAll(string(body), ">"+c.borrow+"<", ">"+borrow[c.borrow].PublicID+"<"))
					}
					got := s.send(t, body, withBasic("US-EXREQ", demo.ExReqSecret))
					t.Logf("%s", got)
					checkConfirmationXSD(t, got)
					switch {
					case c.want == "OK":
						if !got.ok() {
							t.Fatalf("got %s, want OK", got)
						}
					case strings.HasPrefix(c.want, "ERROR "):
						if ed := got.errorData(); got.conf == nil || got.ok() || "ERROR "+string(ed.ErrorType)+" "+ed.ErrorValue != c.want {
							t.Fatalf("got %s, want %s", got, c.want)
						}
					default:
						if got.status == http.StatusOK || c.want != strconv.Itoa(got.status) {
							t.Fatalf("got %s, want HTTP %s", got, c.want)
						}
					}
					if id := lendKey(body); c.borrow == "" && got.ok() {
						lid, err := w.App.LendingIDFor(ctx, sup, exreq, id)
						if err != nil {
							t.Fatal(err)
						}
						if r := s.request(t, sup, lid); r.State != ill.LNew {
							t.Errorf("lending request %s is %s, want %s", lid, r.State, ill.LNew)
						}
						if ev := s.lastEvent(t, sup, lid); ev.Type != c.event {
							t.Errorf("lending request %s: last event %s, want %s", lid, ev.Type, c.event)
						}
					}
					if c.borrow != "" {
						if r := s.request(t, sup, borrow[c.borrow].PublicID); r.State != c.state {
							t.Errorf("%s is %s (attention %v %q), want %s", r.PublicID, r.State, r.Attention, r.AttentionReason, c.state)
						}
					}
				})
			}
		})
	}
}

// swapAgencies exchanges two agency ids in a message.
func swapAgencies(b []byte, a, c string) []byte {
	return []byte(strings.NewReplacer(">"+a+"<", ">"+c+"<", ">"+c+"<", ">"+a+"<").Replace(string(b)))
}

// lendKey is the requestingAgencyRequestId of a message.
func lendKey(b []byte) string {
	_, rest, _ := strings.Cut(string(b), "<requestingAgencyRequestId>")
	id, _, _ := strings.Cut(rest, "<")
	return id
}
