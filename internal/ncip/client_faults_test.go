package ncip_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"interlend/internal/ncip"
	"interlend/internal/ncip/nciptest"
	"interlend/internal/testenv"
)

func lookupP1() *ncip.LookupUser { return &ncip.LookupUser{UserID: ncip.UserBarcode("P1")} }

func TestScriptedProblems(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	for _, c := range []struct {
		service string
		fault   ncip.ProblemType
		call    func() error
		element string
	}{
		{"LookupUser", ncip.UnknownUser, func() error { _, err := w.client.LookupUser(ctx, lookupP1()); return err }, "UserIdentifierValue"},
		{"CheckOutItem", ncip.UserBlocked, func() error {
			_, err := w.client.CheckOutItem(ctx, &ncip.CheckOutItem{UserID: ncip.UserBarcode("P1"), ItemID: *ncip.ItemBarcode("I1")})
			return err
		}, "UserIdentifierValue"},
		{"CheckInItem", ncip.UnknownItem, func() error {
			_, err := w.client.CheckInItem(ctx, &ncip.CheckInItem{ItemID: *ncip.ItemBarcode("I1")})
			return err
		}, "ItemIdentifierValue"},
		{"RequestItem", ncip.ItemDoesNotCirculate, func() error { _, err := w.client.RequestItem(ctx, requestItem("P1", "b1")); return err }, "ItemIdentifierValue"},
		{"AcceptItem", ncip.TemporaryProcessingFailure, func() error { _, err := w.client.AcceptItem(ctx, acceptItem("ILL-F", "")); return err }, ""},
	} {
		t.Run(c.service+"/"+string(c.fault), func(t *testing.T) {
			w.srv.Fail(c.service, nciptest.ProblemFault(c.fault).Once())
			p := wantProblem(t, c.call(), c.fault)
			if p.Element != c.element {
				t.Errorf("element = %q, want %q", p.Element, c.element)
			}
			if got, want := p.Temporary(), c.fault == ncip.TemporaryProcessingFailure; got != want {
				t.Errorf("Temporary() = %v, want %v", got, want)
			}
			if err := c.call(); err != nil {
				t.Errorf("second call after a Once fault: %v", err)
			}
		})
	}
	// The scripted AcceptItem failed before doing anything: the retry above
	// created the item, and no duplicate was recorded.
	for _, c := range w.srv.CallsTo("AcceptItem") {
		if c.Duplicate {
			t.Errorf("AcceptItem call %+v marked duplicate", c)
		}
	}
}

func TestTransportFaults(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		fault  nciptest.Fault
		kind   ncip.TransportKind
		status int
	}{
		{"ILS down (503)", nciptest.Unavailable(), ncip.KindHTTPStatus, http.StatusServiceUnavailable},
		{"connection closed", nciptest.CloseConnection(), ncip.KindNetwork, 0},
		{"garbage body", nciptest.Garbage(), ncip.KindBadResponse, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			w.srv.Fail("AcceptItem", c.fault.Once())
			_, err := w.client.AcceptItem(ctx, acceptItem("ILL-T-"+c.name, ""))
			te := wantTransport(t, err, c.kind)
			if te.StatusCode != c.status {
				t.Errorf("status = %d, want %d", te.StatusCode, c.status)
			}
			if !te.Retryable() {
				t.Errorf("%v: Retryable() = false, want true", err)
			}
			if te.Service != "AcceptItem" {
				t.Errorf("Service = %q, want AcceptItem", te.Service)
			}
			// The retry succeeds and creates exactly one item.
			if _, err := w.client.AcceptItem(ctx, acceptItem("ILL-T-"+c.name, "")); err != nil {
				t.Fatalf("retry: %v", err)
			}
		})
	}
	faults := map[nciptest.FaultKind]int{}
	for _, c := range w.srv.CallsTo("AcceptItem") {
		faults[c.Fault]++
	}
	want := map[nciptest.FaultKind]int{0: 3, nciptest.FaultUnavailable: 1, nciptest.FaultCloseConnection: 1, nciptest.FaultGarbage: 1}
	for k, n := range want {
		if faults[k] != n {
			t.Errorf("recorded AcceptItem calls with fault %v = %d, want %d (all: %v)", k, faults[k], n, faults)
		}
	}
}

func TestSlowResponder(t *testing.T) {
	t.Parallel()
	t.Run("client times out", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		w.client.Timeout = 50 * time.Millisecond
		w.srv.Fail("LookupUser", nciptest.Slow(nil)) // never released: only the timeout ends it
		_, err := w.client.LookupUser(context.Background(), lookupP1())
		te := wantTransport(t, err, ncip.KindTimeout)
		if !te.Retryable() || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%v: Retryable %v, is DeadlineExceeded %v; want both", err, te.Retryable(), errors.Is(err, context.DeadlineExceeded))
		}
	})
	t.Run("answers once released", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		release := make(chan struct{})
		entered := make(chan nciptest.Call, 1)
		f := nciptest.Slow(release)
		f.Entered = entered
		w.srv.Fail("LookupUser", f.Once())

		type result struct {
			resp *ncip.LookupUserResponse
			err  error
		}
		done := make(chan result, 1)
		go func() {
			resp, err := w.client.LookupUser(context.Background(), lookupP1())
			done <- result{resp, err}
		}()
		call := <-entered
		if call.Service != "LookupUser" || call.UserID != "P1" {
			t.Errorf("entered call = %+v, want LookupUser for P1", call)
		}
		select {
		case r := <-done:
			t.Fatalf("call returned while the responder was held: %+v", r)
		default:
		}
		close(release)
		r := <-done
		if r.err != nil || r.resp.UserID.Value != "P1" {
			t.Fatalf("after release: %+v, %v", r.resp, r.err)
		}
	})
	t.Run("caller cancels", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		entered := make(chan nciptest.Call, 1)
		f := nciptest.Slow(nil)
		f.Entered = entered
		w.srv.Fail("LookupUser", f)
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-entered
			cancel()
		}()
		_, err := w.client.LookupUser(ctx, lookupP1())
		te := wantTransport(t, err, ncip.KindNetwork)
		if te.Retryable() || !errors.Is(err, context.Canceled) {
			t.Errorf("%v: Retryable %v, is Canceled %v; want false, true", err, te.Retryable(), errors.Is(err, context.Canceled))
		}
	})
}

func TestAuth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("basic", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		w.srv.RequireBasicAuth("ill", "s3cret")
		_, err := w.client.LookupUser(ctx, lookupP1())
		te := wantTransport(t, err, ncip.KindHTTPStatus)
		if te.StatusCode != http.StatusUnauthorized || te.Retryable() {
			t.Errorf("%v: status %d retryable %v, want 401 and not retryable", err, te.StatusCode, te.Retryable())
		}
		w.client.Auth = ncip.BasicAuth("ill", "s3cret")
		if _, err := w.client.LookupUser(ctx, lookupP1()); err != nil {
			t.Fatal(err)
		}
		calls := w.srv.Calls()
		if got := calls[len(calls)-1].Auth; got != "basic:ill" {
			t.Errorf("responder saw auth %q, want basic:ill", got)
		}
	})
	t.Run("bearer", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		w.srv.RequireBearer("tok")
		w.client.Auth = ncip.BearerAuth("wrong")
		_, err := w.client.LookupUser(ctx, lookupP1())
		wantTransport(t, err, ncip.KindHTTPStatus)
		w.client.Auth = ncip.BearerAuth("tok")
		if _, err := w.client.LookupUser(ctx, lookupP1()); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("agency authentication in the header", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		w.srv.RequireAgencyAuthentication("agency-pw")
		_, err := w.client.LookupUser(ctx, lookupP1())
		wantProblem(t, err, ncip.AgencyAuthenticationFailed)
		w.client.Auth = ncip.AgencyAuth("agency-pw")
		w.client.ApplicationProfile = "ILL-PARTNER"
		if _, err := w.client.LookupUser(ctx, lookupP1()); err != nil {
			t.Fatal(err)
		}
		doc := string(w.rec.last("<LookupUser>"))
		for _, want := range []string{"<FromAgencyAuthentication>agency-pw</FromAgencyAuthentication>", "<ApplicationProfileType>ILL-PARTNER</ApplicationProfileType>"} {
			if !strings.Contains(doc, want) {
				t.Errorf("request lacks %s:\n%s", want, doc)
			}
		}
	})
	t.Run("secrets stay out of formatted values", func(t *testing.T) {
		t.Parallel()
		for _, a := range []ncip.Auth{ncip.BasicAuth("u", "pw-x"), ncip.BearerAuth("pw-x"), ncip.AgencyAuth("pw-x")} {
			h := &ncip.InitiationHeader{FromAgencyAuthentication: "pw-x"}
			for _, s := range []string{a.String(), a.GoString(), h.String(), h.GoString()} {
				if strings.Contains(s, "pw-x") {
					t.Errorf("formatted value %q shows the secret", s)
				}
			}
		}
	})
}

func TestClientRejectsWrongAgency(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.client.ToAgency = "US-OTHER"
	_, err := w.client.LookupUser(context.Background(), lookupP1())
	p := wantProblem(t, err, ncip.UnknownAgency)
	if p.Value != "US-OTHER" {
		t.Errorf("problem value = %q, want US-OTHER", p.Value)
	}
}

// fixed serves the same status and body to every request, after checking
// the request's content type.
func fixed(t *testing.T, status int, contentType string, body []byte) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Content-Type"); got != ncip.ContentType || r.Method != http.MethodPost {
			t.Errorf("request %s with content type %q, want POST %q", r.Method, got, ncip.ContentType)
		}
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTransportErrors(t *testing.T) {
	t.Parallel()
	example := func(name string) []byte {
		data, err := os.ReadFile(testenv.Standards(t, "ncip", "examples", name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	for _, c := range []struct {
		name      string
		srv       *httptest.Server
		max       int64
		kind      ncip.TransportKind
		retryable bool
	}{
		{"HTTP 500", fixed(t, 500, "text/plain", []byte("boom")), 0, ncip.KindHTTPStatus, true},
		{"HTTP 404", fixed(t, 404, "text/plain", nil), 0, ncip.KindHTTPStatus, false},
		{"HTTP 500 with an NCIP answer but no Problem", fixed(t, 500, "application/xml", example("02-LookupUserResponse.xml")), 0, ncip.KindHTTPStatus, true},
		{"HTTP 502 with a page over the size limit", fixed(t, 502, "text/html", bytes.Repeat([]byte("x"), 300)), 200, ncip.KindHTTPStatus, true},
		{"HTML error page with 200", fixed(t, 200, "text/html", []byte("<html><body><p>Gateway error<br></body></html>")), 0, ncip.KindBadResponse, true},
		{"another service's response", fixed(t, 200, "application/xml", example("05-AcceptItemResponse.xml")), 0, ncip.KindBadResponse, true},
		{"response over the size limit", fixed(t, 200, "application/xml", example("02-LookupUserResponse.xml")), 200, ncip.KindBadResponse, true},
		{"empty NCIPMessage", fixed(t, 200, "application/xml", []byte(`<NCIPMessage xmlns="http://www.niso.org/2008/ncip"/>`)), 0, ncip.KindBadResponse, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			client := &ncip.Client{Endpoint: c.srv.URL, FromAgency: "ILL", ToAgency: "US-EXREQ", MaxResponseBytes: c.max}
			_, err := client.LookupUser(context.Background(), lookupP1())
			te := wantTransport(t, err, c.kind)
			if te.Retryable() != c.retryable {
				t.Errorf("%v: Retryable() = %v, want %v", err, te.Retryable(), c.retryable)
			}
		})
	}
	t.Run("connection refused", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		client := &ncip.Client{Endpoint: "http://user:pw-x@" + addr + "/ncip", FromAgency: "ILL", ToAgency: "X"}
		_, err = client.LookupUser(context.Background(), lookupP1())
		te := wantTransport(t, err, ncip.KindNetwork)
		if !te.Retryable() {
			t.Error("connection refused is not retryable")
		}
		if strings.Contains(err.Error(), "pw-x") {
			t.Errorf("error shows the URL password: %v", err)
		}
	})
}

func TestInvalidRequestsAreNotSent(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.client.Version = ncip.V2_0
	two := &ncip.RequestItem{
		UserID: ncip.UserBarcode("P1"), ItemID: []ncip.ItemID{*ncip.ItemBarcode("I1"), *ncip.ItemBarcode("I2")},
		RequestType: ncip.NewRequestType(ncip.RequestTypeHold), RequestScopeType: ncip.NewRequestScopeType(ncip.ScopeItem),
	}
	calls := []func() error{
		func() error { _, err := w.client.LookupUser(ctx, &ncip.LookupUser{}); return err },
		func() error { _, err := w.client.LookupUser(ctx, nil); return err },
		func() error { _, err := w.client.RequestItem(ctx, two); return err },
		func() error { _, err := w.client.CheckInItem(ctx, &ncip.CheckInItem{}); return err },
		func() error {
			bad := &ncip.Client{Endpoint: "ncip.example.edu/responder", FromAgency: "ILL", ToAgency: "X"}
			_, err := bad.DeleteItem(ctx, &ncip.DeleteItem{ItemID: *ncip.ItemBarcode("1")})
			return err
		},
	}
	for i, call := range calls {
		if err := call(); !errors.Is(err, ncip.ErrInvalidRequest) || ncip.IsTransport(err) {
			t.Errorf("call %d: err = %v, want ErrInvalidRequest", i, err)
		}
	}
	if n := len(w.srv.Calls()); n != 0 {
		t.Errorf("responder got %d calls, want 0", n)
	}
}

func TestVersion20(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.client.Version = ncip.V2_0
	w.srv.SetLoan(nciptest.Loan{ItemBarcode: "I2", UserID: "P2", Due: now.AddDate(0, 0, 14)})
	resp, err := w.client.LookupItem(context.Background(), &ncip.LookupItem{ItemID: ncip.ItemBarcode("I2"), ItemElementType: ncip.ItemElementTypes(ncip.ItemElementCirculationStatus)})
	if err != nil {
		t.Fatal(err)
	}
	if !resp.ItemOptionalFields.DateDue.IsZero() {
		t.Errorf("DateDue = %v in an NCIP 2.0 answer, want none (2.02 only)", resp.ItemOptionalFields.DateDue)
	}
	if got := w.srv.Calls()[0].Version; got != ncip.V2_0 {
		t.Errorf("version sent = %q, want %q", got, ncip.V2_0)
	}
}

// TestConcurrentAcceptItem races many AcceptItem calls for one ILL request
// with lookups: one item is created, every call is answered with it and
// recorded.
func TestConcurrentAcceptItem(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	const n = 16
	var wg sync.WaitGroup
	ids := make([]string, n)
	errs := make([]error, 2*n)
	for i := range n {
		wg.Go(func() {
			resp, err := w.client.AcceptItem(context.Background(), acceptItem("ILL-C", ""))
			errs[i] = err
			if err == nil {
				ids[i] = resp.ItemID.Value
			}
		})
		wg.Go(func() {
			_, errs[n+i] = w.client.LookupUser(context.Background(), lookupP1())
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("item ids differ: %v", ids)
		}
	}
	var temps, dups int
	for _, it := range w.srv.Items() {
		if it.Temporary {
			temps++
		}
	}
	for _, c := range w.srv.CallsTo("AcceptItem") {
		if c.Duplicate {
			dups++
		}
	}
	if temps != 1 || dups != n-1 || len(w.srv.CallsTo("AcceptItem")) != n || len(w.srv.CallsTo("LookupUser")) != n {
		t.Errorf("temporary items %d, duplicates %d, AcceptItem calls %d, LookupUser calls %d; want 1, %d, %d, %d",
			temps, dups, len(w.srv.CallsTo("AcceptItem")), len(w.srv.CallsTo("LookupUser")), n-1, n, n)
	}
}
