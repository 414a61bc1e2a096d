package peer_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
)

// now is the site's clock, to whole seconds (what travels on the wire).
func (s *site) now() time.Time { return s.w.Clock.Now().UTC().Truncate(time.Second) }

// tick moves the site's clock on by a second and returns the new time, so
// that each message a test sends has its own timestamp.
func (s *site) tick() time.Time {
	s.w.Clock.Advance(time.Second)
	return s.now()
}

// loanRequest is a partner's new loan request for a book, to hosted.
func loanRequest(from ill.AgencyID, reqID string, ts time.Time) ill.Message {
	return ill.Message{Kind: ill.MsgRequest, Requester: from, Supplier: hosted, RequesterRequestID: reqID, Timestamp: ts,
		RequestType: ill.RequestNew, ServiceType: ill.Loan,
		Citation: &ill.Citation{Title: "Silent spring", Author: "Carson, Rachel", ISBN: "9780618249060", PublicationType: ill.PubBook}}
}

// ram is a partner's requesting agency message about its request reqID.
func ram(from ill.AgencyID, reqID, supID, action string, ts time.Time) ill.Message {
	return ill.Message{Kind: ill.MsgRAM, Requester: from, Supplier: hosted, RequesterRequestID: reqID, SupplierRequestID: supID, Timestamp: ts, Action: action}
}

// sam is a partner's supplying agency message about our request ourID.
func sam(from ill.AgencyID, ourID, reason, status string, ts time.Time) ill.Message {
	return ill.Message{Kind: ill.MsgSAM, Requester: hosted, Supplier: from, RequesterRequestID: ourID, SupplierRequestID: "SUP-" + ourID,
		Timestamp: ts, Reason: reason, Status: status}
}

// lend has US-EXREQ (or from) send hosted a loan request and returns
// hosted's lending request.
func (s *site) lend(t testing.TB, from ill.AgencyID, reqID string) *ill.Request {
	t.Helper()
	r := s.sendMessage(t, loanRequest(from, reqID, s.tick()), iso18626.V2021)
	if !r.ok() {
		t.Fatalf("request %s: %s", reqID, r)
	}
	id, err := s.w.App.LendingIDFor(context.Background(), hosted, from, reqID)
	if err != nil {
		t.Fatal(err)
	}
	return s.request(t, hosted, id)
}

// journalSeq numbers the journals of borrow's copy requests.
var journalSeq atomic.Int64

// borrow has hosted ask lender for a book (a copy when copy is set); the
// request is sent at once.
func (s *site) borrow(t testing.TB, lender ill.AgencyID, service ill.ServiceType) *ill.Request {
	t.Helper()
	c := ill.Citation{Title: "Silent spring", Author: "Carson, Rachel", ISBN: "9780618249060", PublicationType: ill.PubBook}
	if service == ill.Copy {
		c = ill.Citation{Title: "Journal of examples", ArticleTitle: "On examples", Author: "Okafor, Adaeze", ISSN: "1072-303X",
			Volume: "34", Issue: "2", Pages: "45-61", PublicationType: ill.PubArticle}
	}
	if service == ill.Copy {
		// Each copy from a journal of its own: the tests ask for many,
		// and the sixth from one journal would wait for copyright clearance.
		c.Title = fmt.Sprintf("Journal of examples %d", journalSeq.Add(1))
		c.ISSN = ""
	}
	r, err := s.w.App.CreateRequest(context.Background(), staffOf(hosted), app.NewRequest{Citation: c, ServiceType: service,
		Lenders: []app.RotaChoice{{Lender: lender, Reason: "test"}}, Send: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.State != ill.BSent {
		t.Fatalf("new borrowing request is %s, want %s", r.State, ill.BSent)
	}
	return r
}

func (s *site) request(t testing.TB, ag ill.AgencyID, publicID string) *ill.Request {
	t.Helper()
	r, err := s.w.App.GetRequest(context.Background(), staffOf(ag), publicID)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (s *site) perform(t testing.TB, ag ill.AgencyID, publicID string, act ill.ActionName, params map[string]any) *ill.Request {
	t.Helper()
	r, err := s.w.App.Perform(context.Background(), staffOf(ag), publicID, act, params, 0)
	if err != nil {
		t.Fatalf("%s on %s: %v", act, publicID, err)
	}
	return r
}
