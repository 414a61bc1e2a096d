package wire

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"interlend/internal/ill"
	"interlend/internal/iso18626"
)

// Header values shared by the examples.
const (
	exReq = ill.AgencyID("US-EXREQ")
	exSup = ill.AgencyID("US-EXSUP")
)

func exSAM(ts, reqID, supID string) ill.Message {
	return ill.Message{Kind: ill.MsgSAM, Requester: exReq, Supplier: exSup, RequesterRequestID: reqID, SupplierRequestID: supID, Timestamp: at(ts)}
}

func exRAM(ts, reqID, supID, action, note string) ill.Message {
	return ill.Message{Kind: ill.MsgRAM, Requester: exReq, Supplier: exSup, RequesterRequestID: reqID, SupplierRequestID: supID,
		Timestamp: at(ts), Action: action, Note: note}
}

// exampleMessages is what each example that is not a confirmation means
// in domain terms.
var exampleMessages = map[string]ill.Message{
	"v1_2/01-request-loan-book.xml": {Kind: ill.MsgRequest, Requester: exReq, Supplier: exSup,
		RequesterRequestID: "EXREQ-2025-000123", Timestamp: at("2025-03-03T14:05:12Z"), RequestType: ill.RequestNew,
		Citation: &ill.Citation{Title: "Silent spring", Author: "Carson, Rachel", Edition: "40th anniversary edition",
			ISBN: "9780618249060", OCLCNumber: "49593382", Publisher: "Houghton Mifflin", PublicationType: ill.PubBook,
			PubDate: "2002", PlaceOfPub: "Boston", PreferredFormat: "Printed", PreferredEdition: "AnyEdition"},
		ServiceType: ill.Loan, ServiceLevel: "Normal", NeedBefore: at("2025-04-30T23:59:59Z"),
		Note: "Patron needs this for a seminar paper.", PatronRef: "P0012345", PatronCategory: "Faculty",
		DeliveryAddress: ill.Address{Line1: "Interlibrary Loan, Example State University Library", Line2: "100 College Avenue",
			Locality: "Springfield", PostalCode: "62704", Region: "IL", Country: "US"},
		MaxCost: ill.Money{Minor: 2500, Currency: "USD"}, BillingMethod: "Invoice"},
	"v1_2/02-request-copy-article.xml": {Kind: ill.MsgRequest, Requester: exReq, Supplier: exSup,
		RequesterRequestID: "EXREQ-2025-000124", Timestamp: at("2025-03-04T09:30:00Z"), RequestType: ill.RequestNew,
		Citation: &ill.Citation{Title: "Journal of interlibrary loan, document delivery & electronic reserve",
			JournalTitle: "Journal of interlibrary loan, document delivery & electronic reserve",
			ArticleTitle: "Measuring turnaround time in consortial article delivery", Author: "Okafor, Adaeze",
			Volume: "34", Issue: "2", Pages: "45-61", ISSN: "1072-303X", DOI: "10.5555/jill.2024.34.2.45",
			Source: "Library discovery layer (OpenURL)", Publisher: "Taylor & Francis", PublicationType: ill.PubArticle,
			PubDate: "2024", PreferredFormat: "PDF"},
		ServiceType: ill.Copy, NeedBefore: at("2025-03-18T23:59:59Z"), Copyright: "US-CCG",
		DeliveryAddress: ill.Address{Email: "ill@library.exreq.example.edu"}, BillingMethod: "FreeOfCharge"},
	"v1_2/05-sam-RequestResponse-ExpectToSupply.xml": with(exSAM("2025-03-03T15:10:00Z", "EXREQ-2025-000123", "SUP-88120"), func(m *ill.Message) {
		m.Reason, m.Status, m.Note = ill.ReasonRequestResponse, ill.StatusExpectToSupply, "Catalogue shows a copy on shelf; pulling it."
		m.ExpectedDelivery = at("2025-03-07T23:59:59Z")
	}),
	"v1_2/06-sam-Notification-WillSupply-loanCondition.xml": with(exSAM("2025-03-04T10:00:00Z", "EXREQ-2025-000123", "SUP-88120"), func(m *ill.Message) {
		m.Reason, m.Status = ill.ReasonNotification, ill.StatusWillSupply
		m.Note = "Item is fragile: library use only. Please confirm you accept this condition."
		m.ExpectedDelivery, m.Conditions = at("2025-03-07T23:59:59Z"), []string{"LibraryUseOnly"}
	}),
	"v1_2/07-sam-StatusChange-Loaned.xml": with(exSAM("2025-03-05T16:42:10Z", "EXREQ-2025-000123", "SUP-88120"), func(m *ill.Message) {
		m.Reason, m.Status, m.DueDate = ill.ReasonStatusChange, ill.StatusLoaned, at("2025-04-16T23:59:59Z")
		m.Items, m.DeliveryMethod, m.Conditions = []ill.Item{{Barcode: "39012004567891"}}, "Mail", []string{"LibraryUseOnly"}
		m.DeliveredFormat, m.DeliveredService = "Printed", ill.Loan
	}),
	"v1_2/08-sam-RequestResponse-Unfilled.xml": with(exSAM("2025-03-04T11:15:00Z", "EXREQ-2025-000124", "SUP-88131"), func(m *ill.Message) {
		m.Reason, m.Status, m.ReasonUnfilled, m.Note = ill.ReasonRequestResponse, ill.StatusUnfilled, "NotHeld", "Volume 34 not yet received."
	}),
	"v1_2/09-sam-StatusChange-CopyCompleted.xml": with(exSAM("2025-03-06T08:20:00Z", "EXREQ-2025-000126", "SUP-88140"), func(m *ill.Message) {
		m.Reason, m.Status = ill.ReasonStatusChange, ill.StatusCopyCompleted
		m.Note = "Article scanned and sent by e-mail. Copy made under 17 U.S.C. 108; for private study, scholarship or research only."
		m.DeliveryMethod, m.DeliveredFormat, m.DeliveredService = "Email", "PDF", ill.Copy
	}),
	"v1_2/10-ram-Received.xml": exRAM("2025-03-10T09:01:00Z", "EXREQ-2025-000123", "SUP-88120", ill.ActionReceived, ""),
	"v1_2/11-ram-Renew.xml":    exRAM("2025-04-10T12:00:00Z", "EXREQ-2025-000123", "SUP-88120", ill.ActionRenew, "Patron asks for two more weeks."),
	"v1_2/12-sam-RenewResponse-Yes.xml": with(exSAM("2025-04-10T13:05:00Z", "EXREQ-2025-000123", "SUP-88120"), func(m *ill.Message) {
		m.Reason, m.Answer, m.Note, m.Status = ill.ReasonRenewResponse, "Y", "Renewed for 14 days.", ill.StatusLoaned
		m.DueDate = at("2025-04-30T23:59:59Z")
	}),
	"v1_2/13-ram-ShippedReturn.xml": exRAM("2025-04-28T15:30:00Z", "EXREQ-2025-000123", "SUP-88120", ill.ActionShippedReturn,
		"Returned via USPS Media Mail, tracking 9400 1000 0000 0000 0000 00."),
	"v1_2/14-sam-StatusChange-LoanCompleted.xml": with(exSAM("2025-05-02T10:00:00Z", "EXREQ-2025-000123", "SUP-88120"), func(m *ill.Message) {
		m.Reason, m.Status = ill.ReasonStatusChange, ill.StatusLoanCompleted
	}),
	"v1_2/15-ram-Cancel.xml": exRAM("2025-03-04T10:30:00Z", "EXREQ-2025-000127", "SUP-88150", ill.ActionCancel, "Patron no longer needs the item."),
	"v1_2/16-sam-CancelResponse-Cancelled.xml": with(exSAM("2025-03-04T10:45:00Z", "EXREQ-2025-000127", "SUP-88150"), func(m *ill.Message) {
		m.Reason, m.Answer, m.Status = ill.ReasonCancelResponse, "Y", ill.StatusCancelled
	}),
	"v1_2/17-ram-StatusRequest.xml": exRAM("2025-03-05T07:00:00Z", "EXREQ-2025-000123", "SUP-88120", ill.ActionStatusRequest, ""),
	"v1_2/18-sam-StatusRequestResponse.xml": with(exSAM("2025-03-05T07:05:00Z", "EXREQ-2025-000123", "SUP-88120"), func(m *ill.Message) {
		m.Reason, m.Note, m.Status = ill.ReasonStatusRequestResponse, "Item located, will ship tomorrow.", ill.StatusWillSupply
		m.ExpectedDelivery = at("2025-03-07T23:59:59Z")
	}),
	"v1_2/19-ram-Notification.xml": with(exRAM("2025-03-04T10:20:00Z", "EXREQ-2025-000123", "SUP-88120", ill.ActionNotification,
		"We accept the condition: library use only."), func(m *ill.Message) { m.AcceptConditions = true }),
	"v2021/01-request-loan-2021.xml": {Kind: ill.MsgRequest, Requester: exReq, Supplier: exSup,
		RequesterRequestID: "EXREQ-2025-000300", Timestamp: at("2025-06-02T08:15:00Z"), RequestType: ill.RequestNew,
		Citation: &ill.Citation{Title: "Silent spring", Author: "Carson, Rachel", ISBN: "9780618249060", OCLCNumber: "49593382",
			Publisher: "Houghton Mifflin", PublicationType: ill.PubBook, PubDate: "2002", PlaceOfPub: "Boston",
			PreferredFormat: "Printed", PreferredEdition: "AnyEdition"},
		ServiceType: ill.Loan, NeedBefore: at("2025-07-01T23:59:59Z"), DeliveryMethod: "Courier",
		DeliveryAddress: ill.Address{Line1: "Interlibrary Loan, Example State University Library", Locality: "Springfield",
			PostalCode: "62704", Region: "IL", Country: "US"},
		PaymentMethod: "IFM", MaxCost: ill.Money{Minor: 5000, Currency: "USD"}},
	"v2021/02-sam-RequestResponse-RetryPossible.xml": with(exSAM("2025-06-02T10:00:00Z", "EXREQ-2025-000300", "SUP-90001"), func(m *ill.Message) {
		m.Reason, m.Status, m.ReasonRetry = ill.ReasonRequestResponse, ill.StatusRetryPossible, "CostExceedsMaxCost"
		m.Note = "Our lending fee for non-members is USD 65.00 and the item must be used in the library."
		m.Conditions, m.OfferedCost = []string{"LibraryUseOnly"}, ill.Money{Minor: 6500, Currency: "USD"}
		m.RetryBefore = at("2025-06-16T23:59:59Z")
	}),
	"v2021/03-request-Retry.xml": {Kind: ill.MsgRequest, Requester: exReq, Supplier: exSup,
		RequesterRequestID: "EXREQ-2025-000301", Timestamp: at("2025-06-03T09:00:00Z"), RequestType: ill.RequestRetry,
		PreviousRequestID: "EXREQ-2025-000300",
		Citation:          &ill.Citation{Title: "Silent spring", Author: "Carson, Rachel", ISBN: "9780618249060"},
		ServiceType:       ill.Loan, Conditions: []string{"LibraryUseOnly"}, AcceptConditions: true,
		PaymentMethod: "IFM", MaxCost: ill.Money{Minor: 6500, Currency: "USD"}},
	"v2021/04-sam-RequestResponse-Loaned-shippingInfo.xml": with(exSAM("2025-06-04T14:00:00Z", "EXREQ-2025-000301", "SUP-90002"), func(m *ill.Message) {
		m.Reason, m.Status, m.DueDate = ill.ReasonRequestResponse, ill.StatusLoaned, at("2025-07-16T23:59:59Z")
		m.Items, m.DeliveryMethod, m.Conditions = []ill.Item{{Barcode: "39012004567891"}}, "Courier", []string{"LibraryUseOnly"}
		m.DeliveredFormat, m.DeliveredService = "Printed", ill.Loan
		m.Shipping = ill.Shipping{Courier: "UPS", TrackingID: "1Z999AA10123456784", Insured: true, Insurance: ill.Money{Minor: 450, Currency: "USD"}}
	}),
	"v2021/05-ram-Lost.xml": exRAM("2025-07-20T11:00:00Z", "EXREQ-2025-000301", "SUP-90002", ill.ActionLost,
		"Patron reports the book lost; please invoice replacement cost."),
	"v2021/06-sam-StatusChange-HoldReturn.xml": with(exSAM("2025-06-20T08:00:00Z", "EXREQ-2025-000301", "SUP-90002"), func(m *ill.Message) {
		m.Reason, m.Status, m.DueDate = ill.ReasonStatusChange, ill.StatusHoldReturn, at("2025-08-15T23:59:59Z")
		m.Note = "Building closed for renovation until 2025-07-31; please keep the item until we send ReleaseHoldReturn."
	}),
}

// exampleConfirmations is what each confirmation example says.
var exampleConfirmations = map[string]Confirmation{
	"v1_2/03-requestConfirmation-ok.xml": {OK: true},
	"v1_2/04-requestConfirmation-error.xml": {ErrorType: "UnrecognisedDataValue",
		ErrorValue: `serviceInfo/serviceLevel: Value = "Overnight"`},
	"v1_2/20-samConfirmation-ok.xml":                          {OK: true},
	"v1_2/21-ramConfirmation-error-UnsupportedActionType.xml": {ErrorType: "UnsupportedActionType", ErrorValue: "ShippedForward"},
	"v1_2/22-ramConfirmation-ok.xml":                          {OK: true},
}

func with(m ill.Message, f func(*ill.Message)) ill.Message {
	f(&m)
	return m
}

// TestExamples decodes every example to the domain message it means,
// re-encodes it in the same version (XSD-checked) and decodes that again
// to the same domain message. Confirmations are read with
// ReadConfirmation.
func TestExamples(t *testing.T) {
	t.Parallel()
	exs := examples(t)
	if got := len(exampleMessages) + len(exampleConfirmations); got != len(exs) {
		t.Fatalf("%d expectations for %d examples", got, len(exs))
	}
	for name, ex := range exs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if want, ok := exampleConfirmations[name]; ok {
				got, err := ReadConfirmation(ex.msg)
				if err != nil {
					t.Fatalf("ReadConfirmation: %v", err)
				}
				if got != want {
					t.Errorf("ReadConfirmation = %+v, want %+v", got, want)
				}
				if _, err := Decode(ex.msg, ISIL{}); !ill.Is(err, ill.Invalid) {
					t.Errorf("Decode of a confirmation: error %v, want an Invalid error", err)
				}
				return
			}
			want, ok := exampleMessages[name]
			if !ok {
				t.Fatalf("no expectation for %s", name)
			}
			got, err := Decode(ex.msg, ISIL{})
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Decode mismatch (-want +got):\n%s", diff)
			}
			enc, err := Encode(got, ex.version, ISIL{})
			if err != nil {
				t.Fatalf("Encode(%s): %v", ex.version, err)
			}
			again, err := Decode(emit(t, enc), ISIL{})
			if err != nil {
				t.Fatalf("Decode of the re-encoded message: %v", err)
			}
			if diff := cmp.Diff(want, again); diff != "" {
				t.Errorf("re-encoded message decodes differently (-want +got):\n%s", diff)
			}
			// The confirmation we would answer it with is valid too.
			conf, err := Confirm(ex.msg, time.Date(2025, 8, 1, 12, 0, 0, 0, time.UTC), Confirmation{OK: true})
			if err != nil {
				t.Fatalf("Confirm: %v", err)
			}
			if c, err := ReadConfirmation(emit(t, conf)); err != nil || !c.OK {
				t.Errorf("our OK confirmation reads as %+v, %v", c, err)
			}
			if conf.Version != ex.version {
				t.Errorf("confirmation version %v, want %v", conf.Version, iso18626.Version(ex.version))
			}
		})
	}
}
