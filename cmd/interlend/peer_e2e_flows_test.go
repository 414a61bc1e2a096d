package main

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/peer/wire"
	"interlend/internal/peertest"
)

// loanFlows: a loan from request to LoanCompleted and everything that can
// happen while it is out, a copy delivered by URL, CopyOrLoan.
func loanFlows() []peerFlow {
	return []peerFlow{
		{"loan to LoanCompleted", flowLoan},
		{"renewal granted then refused", flowRenewals},
		{"overdue then recall", flowOverdueRecall},
		{"HoldReturn and ReleaseHoldReturn", flowHoldReturn},
		{"ShippedForward", flowShippedForward},
		{"StatusRequest", flowStatusRequest},
		{"lost", flowLost},
		{"copy to CopyCompleted by URL", flowCopy},
		{"CopyOrLoan: the lender chooses", flowCopyOrLoan},
	}
}

// conversation is the messages of a request through a tap, in order, as
// short strings: "Request/New", "SAM/Loaned/StatusChange", "RAM/Received".
func conversation(tap *peertest.Tap, bid string) []string {
	var out []string
	for _, e := range tap.Log() {
		if !about(bid)(e.Msg) {
			continue
		}
		switch e.Msg.Type {
		case "Request":
			out = append(out, "Request/"+orDefault(e.Msg.RequestType, "New"))
		case "SAM":
			s := "SAM/" + e.Msg.Status + "/" + e.Msg.Reason
			if e.Msg.Answer != "" {
				s += "/" + e.Msg.Answer
			}
			out = append(out, s)
		case "RAM":
			out = append(out, "RAM/"+e.Msg.Action)
		}
		if !e.Delivered() {
			out[len(out)-1] += fmt.Sprintf("(%d %s)", e.Status, e.Conf)
		}
	}
	return out
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func flowLoan(t *testing.T, s *scene) {
	bid, lid := s.shipped(t, "Silent spring", map[string]any{"barcode": "39001000123", "courier": "UPS", "trackingId": "1Z999"})
	r := s.a.Get(t, bid)
	if len(r.Items) != 1 || r.Items[0].Barcode != "39001000123" || r.LenderDue.IsZero() || r.Partner != libB {
		t.Errorf("shipped: items %+v due %v partner %s", r.Items, r.LenderDue, r.Partner)
	}
	if r.Shipping.TrackingID != "1Z999" {
		t.Errorf("shipped: tracking %q, want 1Z999", r.Shipping.TrackingID)
	}
	if r := s.a.Act(t, bid, ill.ActReceive, nil); r.State != ill.BAwaitingPickup {
		t.Errorf("received: %s", r.State)
	}
	s.b.WaitState(t, lid, ill.LOnLoan)
	s.a.Act(t, bid, ill.ActCheckOut, nil)
	s.returned(t, bid, lid)
	lend := s.b.Get(t, lid)
	if lend.PartnerStatus != string(iso18626.StatusLoanCompleted) {
		t.Errorf("lender: status %s", lend.PartnerStatus)
	}
	// The return's courier and tracking travel as note data lines (no
	// element in either version).
	ret := s.toLender(t, "ShippedReturn", ram(bid, iso18626.ActionShippedReturn))
	if !strings.Contains(ret.Msg.Note, "Tracking: 1Z"+bid) || !strings.Contains(ret.Msg.Note, "Courier: UPS") {
		t.Errorf("ShippedReturn note %q lacks the courier and tracking lines", ret.Msg.Note)
	}
	if lend.ReturnShipping.TrackingID != "1Z"+bid || lend.ReturnShipping.Courier != "UPS" {
		t.Errorf("the lender recorded the return as %+v, want UPS 1Z%s", lend.ReturnShipping, bid)
	}
	wantConversation(t, s.lender.Tap, bid, "Request/New", "RAM/Received", "RAM/ShippedReturn")
	wantConversation(t, s.borrower.Tap, bid, "SAM/ExpectToSupply/RequestResponse", "SAM/WillSupply/StatusChange",
		"SAM/Loaned/StatusChange", "SAM/LoanCompleted/StatusChange")
}

// wantConversation: exactly these messages of the request went through the
// tap, in this order, each once.
func wantConversation(t *testing.T, tap *peertest.Tap, bid string, want ...string) {
	t.Helper()
	if got := conversation(tap, bid); !slices.Equal(got, want) {
		t.Errorf("messages of %s:\n got %v\nwant %v", bid, got, want)
	}
}

func flowRenewals(t *testing.T, s *scene) {
	bid, lid := s.checkedOut(t, "Renewals")
	due := s.a.Get(t, bid).LenderDue
	s.a.Act(t, bid, ill.ActRenew, nil)
	s.toLender(t, "Renew", ram(bid, iso18626.ActionRenew))
	s.b.WaitState(t, lid, ill.LRenewRequested)
	s.b.Act(t, lid, ill.ActApproveRenew, nil)
	s.toBorrower(t, "RenewResponse Y", samReason(bid, iso18626.ReasonRenewResponse, "Y"))
	r := s.a.Until(t, bid, peertest.Wait, "renewed", func(r peertest.Request) bool { return r.State == ill.BCheckedOut && r.RenewalCount == 1 })
	if !r.LenderDue.After(due) {
		t.Errorf("renewed: due %v, was %v", r.LenderDue, due)
	}
	due = r.LenderDue

	// ISO 18626 has no message id: two RAM Renew of one request with the
	// same header timestamp (whole seconds) are one message by the
	// duplicate rule (docs/partners.md), and the second would be answered
	// as a duplicate with no effect. A person renews again seconds later
	// at the soonest; the test waits for the next second likewise.
	nextSecond()
	s.a.Act(t, bid, ill.ActRenew, nil)
	s.b.Until(t, lid, peertest.Wait, "asked again", func(r peertest.Request) bool { return r.State == ill.LRenewRequested })
	s.b.Act(t, lid, ill.ActRefuseRenew, map[string]any{"note": "Another reader is waiting"})
	s.toBorrower(t, "RenewResponse N", samReason(bid, iso18626.ReasonRenewResponse, "N"))
	r = s.a.WaitState(t, bid, ill.BCheckedOut)
	if r.RenewalCount != 1 || !r.LenderDue.Equal(due) {
		t.Errorf("refused: renewals %d due %v, want 1 and %v", r.RenewalCount, r.LenderDue, due)
	}
	wantEvent(t, s.a, bid, "renewal_refused")
	s.returned(t, bid, lid)
}

func flowOverdueRecall(t *testing.T, s *scene) {
	bid, lid := s.checkedOut(t, "Overdue")
	// The lender's due date passes: its overdue timer fires now.
	if n := s.lender.MoveTimers(t, lid, ill.ActMarkOverdue); n != 1 {
		t.Fatalf("%d overdue timers of %s, want 1", n, lid)
	}
	s.b.WaitState(t, lid, ill.LOverdue)
	s.toBorrower(t, "Overdue", sam(bid, iso18626.StatusOverdue))
	s.a.WaitState(t, bid, ill.BOverdue)
	s.b.Act(t, lid, ill.ActRecall, map[string]any{"note": "Needed for a course"})
	s.toBorrower(t, "Recalled", sam(bid, iso18626.StatusRecalled))
	if r := s.a.WaitState(t, bid, ill.BRecalled); !r.Attention {
		t.Error("recalled without attention")
	}
	s.returned(t, bid, lid)
}

func flowHoldReturn(t *testing.T, s *scene) {
	bid, lid := s.checkedOut(t, "Hold return")
	// The borrower asks to keep it (RAM HoldReturn; a marked Notification in v1.2).
	s.a.Act(t, bid, ill.ActHoldReturn, map[string]any{"note": "The patron is away"})
	if s.v12() {
		e := s.toLender(t, "HoldReturn notification", ram(bid, iso18626.ActionNotification))
		if !strings.HasPrefix(e.Msg.Note, wire.MarkerHoldReturn) {
			t.Errorf("v1.2 HoldReturn note %q", e.Msg.Note)
		}
	} else {
		s.toLender(t, "HoldReturn", ram(bid, iso18626.ActionHoldReturn))
	}
	s.b.Until(t, lid, peertest.Wait, "holding returns", func(r peertest.Request) bool { return r.HoldReturn && r.Attention })
	wantEvent(t, s.b, lid, "borrower_holds_return")

	// The lender asks the borrower to hold the return, then releases it.
	s.b.Act(t, lid, ill.ActHoldReturns, map[string]any{"note": "Our building is closed"})
	s.a.Until(t, bid, peertest.Wait, "returns on hold", func(r peertest.Request) bool { return r.HoldReturn })
	s.b.Act(t, lid, ill.ActReleaseReturns, nil)
	s.a.Until(t, bid, peertest.Wait, "returns released", func(r peertest.Request) bool { return !r.HoldReturn })
	if s.v12() {
		var marks []string
		for _, e := range s.borrower.Tap.Log() {
			if about(bid)(e.Msg) && e.Msg.Type == "SAM" && e.Msg.Reason == string(iso18626.ReasonNotification) {
				marks = append(marks, strings.Fields(e.Msg.Note)[0])
			}
		}
		if !slices.Equal(marks, []string{wire.MarkerHoldReturn, wire.MarkerReleaseHoldReturn}) {
			t.Errorf("v1.2 hold notifications %v", marks)
		}
	} else {
		s.toBorrower(t, "HoldReturn", sam(bid, iso18626.StatusHoldReturn))
		s.toBorrower(t, "ReleaseHoldReturn", sam(bid, iso18626.StatusReleaseHoldReturn))
	}
	wantEvent(t, s.a, bid, "returns_released")
	s.returned(t, bid, lid)
}

func flowShippedForward(t *testing.T, s *scene) {
	bid, lid := s.checkedOut(t, "Shipped forward")
	s.a.Act(t, bid, ill.ActCheckIn, nil)
	s.a.Act(t, bid, ill.ActShipForward, map[string]any{"courier": "Courier", "trackingId": "FWD1"})
	s.toLender(t, "ShippedForward", ram(bid, iso18626.ActionShippedForward))
	if r := s.b.WaitState(t, lid, ill.LReturnReceived); !r.Attention {
		t.Error("shipped forward without attention at the lender")
	}
	wantEvent(t, s.b, lid, "shipped_forward")
	s.b.Act(t, lid, ill.ActLendCheckIn, nil)
	s.a.WaitState(t, bid, ill.BCompleted)
}

func flowStatusRequest(t *testing.T, s *scene) {
	bid, lid := s.answered(t, "Status request")
	s.a.Act(t, bid, ill.ActStatusRequest, nil)
	s.toLender(t, "StatusRequest", ram(bid, iso18626.ActionStatusRequest))
	e := s.toBorrower(t, "StatusRequestResponse", samReason(bid, iso18626.ReasonStatusRequestResponse, ""))
	if e.Msg.Status != string(iso18626.StatusExpectToSupply) {
		t.Errorf("status answered %q, want ExpectToSupply", e.Msg.Status)
	}
	wantEvent(t, s.b, lid, "status_requested")
	if r := s.a.Get(t, bid); r.State != ill.BAnswered {
		t.Errorf("after the status answer: %s", r.State)
	}
}

func flowLost(t *testing.T, s *scene) {
	bid, lid := s.checkedOut(t, "Lost")
	s.a.Act(t, bid, ill.ActReportLost, map[string]any{"note": "The patron lost it"})
	if s.v12() {
		// v1.2 has no Lost: a Notification with Interlend's marker.
		e := s.toLender(t, "Lost notification", ram(bid, iso18626.ActionNotification))
		if !strings.HasPrefix(e.Msg.Note, wire.MarkerLost) {
			t.Errorf("v1.2 lost note %q", e.Msg.Note)
		}
	} else {
		s.toLender(t, "Lost", ram(bid, iso18626.ActionLost))
	}
	if r := s.b.WaitState(t, lid, ill.LProblem); !r.Attention {
		t.Error("lost without attention at the lender")
	}
	s.b.Act(t, lid, ill.ActCloseLostLend, map[string]any{"cost": "45.00 USD", "note": "Replacement cost"})
	s.toBorrower(t, "CompletedWithoutReturn", sam(bid, iso18626.StatusCompletedWithoutReturn))
	s.a.WaitState(t, bid, ill.BCompleted)
}

// fileServer serves a small PDF for copies delivered by URL on the
// partner's registered host (127.0.0.1), counting the fetches.
func fileServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var fetched atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetched.Add(1)
		w.Header().Set("Content-Type", "application/pdf")
		_, _ = w.Write([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"))
	}))
	t.Cleanup(srv.Close)
	return srv, &fetched
}

// scanPage is a small JPEG page image, as a scanner would upload it.
func scanPage(t *testing.T) []byte {
	img := image.NewGray(image.Rect(0, 0, 64, 80))
	for i := range img.Pix {
		img.Pix[i] = byte(200 + i%50)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// flowCopy: the lender uploads its scan (stored by the lending process,
// offered through its own expiring partner link); the borrowing process
// fetches the file from the lender's registered host into its own store
// and re-serves it through its own link, bound to the caller.
func flowCopy(t *testing.T, s *scene) {
	bid, lid := s.create(t, map[string]any{
		"citation": map[string]any{"title": "Nature", "articleTitle": "Molecular structure of nucleic acids", "journalTitle": "Nature",
			"issn": "0028-0836", "volume": "171", "pages": "737-738", "publicationDate": "1953", "publicationType": "Article"},
		"send": true, "lenders": []any{map[string]any{"lender": libB}}}, libB)
	if r := s.b.Act(t, lid, ill.ActWillSupply, nil); r.State != ill.LAwaitingScan {
		t.Fatalf("will supply a copy: lender at %s, want %s", r.State, ill.LAwaitingScan)
	}
	if err := s.b.Upload("/api/v1/lending/requests/"+lid+"/copy/upload", "image/jpeg", scanPage(t), nil); err != nil {
		t.Fatalf("uploading the scan: %v", err)
	}
	e := s.toBorrower(t, "CopyCompleted", sam(bid, iso18626.StatusCopyCompleted))
	r := s.a.WaitState(t, bid, ill.BCompleted)
	if !strings.HasPrefix(r.DeliveryURL, s.lender.URL(0)+"/files/") || r.ServiceType != ill.Copy {
		t.Errorf("delivered: url %q service %s, want the lending process's link", r.DeliveryURL, r.ServiceType)
	}
	if !s.v12() && e.Msg.DeliveryURL != r.DeliveryURL {
		t.Errorf("CopyCompleted deliveryInfo URL %q, want %q", e.Msg.DeliveryURL, r.DeliveryURL)
	}
	wantEvent(t, s.a, bid, "delivery_fetched")
	var link struct {
		URL       string    `json:"url"`
		ExpiresAt time.Time `json:"expiresAt"`
	}
	if err := s.a.Call("POST", "/api/v1/requests/"+bid+"/delivery-link", nil, &link); err != nil {
		t.Fatalf("delivery link: %v", err)
	}
	if !strings.HasPrefix(link.URL, s.borrower.URL(0)+"/files/") || !link.ExpiresAt.After(time.Now()) {
		t.Errorf("delivery link %+v, want one of the borrowing process, expiring", link)
	}
	status, ctype, ours, err := s.a.Fetch(link.URL)
	if err != nil || status != http.StatusOK || ctype != "application/pdf" || !bytes.HasPrefix(ours, []byte("%PDF-")) {
		t.Fatalf("downloading the delivered copy: %d %s %.40q %v", status, ctype, ours, err)
	}
	// The same file the lender offered (fetched here as an observer).
	resp, err := http.Get(r.DeliveryURL)
	if err != nil {
		t.Fatal(err)
	}
	theirs, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(ours, theirs) {
		t.Errorf("the lender's file (%d, %d bytes) is not what the borrower serves (%d bytes)", resp.StatusCode, len(theirs), len(ours))
	}
	// Bound to the caller's login: without it, the link sends to the
	// login page. (A fresh client: the processes share a host, and
	// cookies do not tell ports apart.)
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = anon.Get(link.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Error("the borrower's delivery link opened without a login")
	}
}

func flowCopyOrLoan(t *testing.T, s *scene) {
	body := func(title string) map[string]any {
		return map[string]any{"citation": map[string]any{"title": title, "isbn": "9780618249060", "publicationType": "Book"},
			"serviceType": "CopyOrLoan", "send": true, "lenders": []any{map[string]any{"lender": libB}},
			// A copy may be what comes: the lender wants the statement.
			"copyrightCompliance": "US-CCL"}
	}
	// The lender chooses to lend.
	bid, lid := s.create(t, body("Copy or loan: lent"), libB)
	req := s.toLender(t, "the request", request(bid, "New"))
	if req.Msg.ServiceType != string(ill.CopyOrLoan) {
		t.Errorf("request service type %q, want CopyOrLoan", req.Msg.ServiceType)
	}
	if r := s.b.Act(t, lid, ill.ActWillSupply, nil); r.State != ill.LAwaitingShip {
		t.Fatalf("will supply: lender at %s, want %s (a loan)", r.State, ill.LAwaitingShip)
	}
	s.b.Act(t, lid, ill.ActShip, map[string]any{"barcode": "39001777"})
	if r := s.a.WaitState(t, bid, ill.BShipped); r.ServiceType != ill.Loan {
		t.Errorf("lent: borrower's service %s, want Loan", r.ServiceType)
	}
	// The lender chooses to send a copy.
	bid, lid = s.create(t, body("Copy or loan: copied"), libB)
	r := s.b.Act(t, lid, ill.ActWillSupply, map[string]any{"service": "Copy"})
	if r.State != ill.LAwaitingScan {
		t.Fatalf("chose Copy: lender at %s", r.State)
	}
	srv, _ := fileServer(t)
	s.b.Act(t, lid, ill.ActDeliver, map[string]any{"deliveryUrl": srv.URL + "/" + lid + ".pdf"})
	if r := s.a.WaitState(t, bid, ill.BCompleted); r.ServiceType != ill.Copy {
		t.Errorf("copied: borrower's service %s, want Copy", r.ServiceType)
	}
}

// nextSecond waits until the wall clock is in a later second than now, so
// that the next message's header timestamp (whole seconds) differs from
// the last one's.
func nextSecond() {
	now := time.Now()
	time.Sleep(now.Truncate(time.Second).Add(time.Second + 10*time.Millisecond).Sub(now))
}
