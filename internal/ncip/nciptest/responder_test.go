package nciptest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"interlend/internal/ncip"
	"interlend/internal/ncip/nciptest"
	"interlend/internal/testenv"
)

// post sends a raw document to the server and returns the parsed answer,
// after checking it validates against both schemas.
func post(t *testing.T, srv *nciptest.Server, doc []byte) *ncip.Message {
	t.Helper()
	resp, err := srv.HTTP.Client().Post(srv.URL, "text/xml", bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != ncip.ContentType {
		t.Fatalf("status %d, content type %q; want 200 %q", resp.StatusCode, resp.Header.Get("Content-Type"), ncip.ContentType)
	}
	testenv.ValidateXSD(t, testenv.Standards(t, "ncip", "ncip_v2_02.xsd"), body)
	testenv.ValidateXSD(t, testenv.Standards(t, "ncip", "ncip_v2_0.xsd"), body)
	m, err := ncip.Unmarshal(body)
	if err != nil {
		t.Fatalf("answer does not parse: %v\n%s", err, body)
	}
	return m
}

func example(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(testenv.Standards(t, "ncip", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// problemOf is the type of the first Problem in an answer, or "".
func problemOf(m *ncip.Message) string {
	ps := m.Problems
	switch b := m.Body.(type) {
	case *ncip.LookupUserResponse:
		ps = b.Problems
	case *ncip.AcceptItemResponse:
		ps = b.Problems
	case *ncip.RequestItemResponse:
		ps = b.Problems
	case *ncip.CancelRequestItemResponse:
		ps = b.Problems
	case *ncip.CheckOutItemResponse:
		ps = b.Problems
	case *ncip.CheckInItemResponse:
		ps = b.Problems
	case *ncip.DeleteItemResponse:
		ps = b.Problems
	}
	if len(ps) == 0 {
		return ""
	}
	return ps[0].Type.Value
}

// TestExamplesBorrowingSide posts the borrowing-side examples, as written,
// to a responder whose ILS knows their patron.
func TestExamplesBorrowingSide(t *testing.T) {
	t.Parallel()
	srv := nciptest.NewServer(t, "US-EXREQ")
	srv.AddUser(nciptest.User{ID: "21234000123456", GivenName: "Jane", Surname: "Doe", Email: "jane.doe@exreq.example.edu", Category: "Faculty"})

	m := post(t, srv, example(t, "01-LookupUser.xml"))
	lu, ok := m.Body.(*ncip.LookupUserResponse)
	if !ok || problemOf(m) != "" {
		t.Fatalf("LookupUser answer = %T, problem %q", m.Body, problemOf(m))
	}
	if lu.UserOptionalFields.Email() != "jane.doe@exreq.example.edu" || lu.UserOptionalFields.PatronGroup() != "Faculty" {
		t.Errorf("LookupUser answer fields = %+v", lu.UserOptionalFields)
	}
	if lu.ResponseHeader.ToAgencyID.Value != "ILL" {
		t.Errorf("answer addressed to %q, want ILL", lu.ResponseHeader.ToAgencyID.Value)
	}

	for range 2 {
		m = post(t, srv, example(t, "04-AcceptItem.xml"))
		if ai, ok := m.Body.(*ncip.AcceptItemResponse); !ok || ai.ItemID.Value != "ILL-EXREQ-2025-000123" {
			t.Fatalf("AcceptItem answer = %T %+v, problem %q", m.Body, m.Body, problemOf(m))
		}
	}
	it, ok := srv.Item("ILL-EXREQ-2025-000123")
	if !ok || it.Title != "Silent spring" || !it.Temporary || it.Location != "MAIN-CIRC" {
		t.Errorf("temporary item = %+v, %v", it, ok)
	}
	calls := srv.CallsTo("AcceptItem")
	if len(calls) != 2 || calls[0].Duplicate || !calls[1].Duplicate {
		t.Errorf("AcceptItem calls = %+v, want two, the second a duplicate", calls)
	}

	m = post(t, srv, example(t, "13-DeleteItem.xml"))
	if problemOf(m) != "" {
		t.Fatalf("DeleteItem problem %q", problemOf(m))
	}
	if _, ok := srv.Item("ILL-EXREQ-2025-000123"); ok {
		t.Error("temporary item survived DeleteItem")
	}
}

// TestExamplesLendingSide posts the lending-side examples in workflow
// order; the last, a cancel after the item was lent, is refused.
func TestExamplesLendingSide(t *testing.T) {
	t.Parallel()
	srv := nciptest.NewServer(t, "US-EXSUP")
	srv.AddUser(nciptest.User{ID: "ILL-US-EXREQ", Surname: "Example Requesting Library"})
	srv.AddItem(nciptest.Item{Barcode: "39012004567891", BibID: "b1234567", Title: "Silent spring"})

	steps := []struct {
		file, answer, problem string
	}{
		{"06-RequestItem.xml", "RequestItemResponse", ""},
		{"09-CheckOutItem.xml", "CheckOutItemResponse", ""},
		{"11-CheckInItem.xml", "CheckInItemResponse", ""},
		{"11-CheckInItem.xml", "CheckInItemResponse", string(ncip.ItemNotCheckedOut)},
		{"08-CancelRequestItem.xml", "CancelRequestItemResponse", string(ncip.RequestAlreadyProcessed)},
	}
	for _, s := range steps {
		m := post(t, srv, example(t, s.file))
		if m.Body == nil || m.Body.ElementName() != s.answer || problemOf(m) != s.problem {
			t.Errorf("%s: answer %v, problem %q; want %s, %q", s.file, m.Body, problemOf(m), s.answer, s.problem)
		}
	}
	if q, ok := srv.Request("SUP-88120"); !ok || q.State != nciptest.RequestFilled || q.ItemBarcode != "39012004567891" {
		t.Errorf("request = %+v, %v; want filled with the copy", q, ok)
	}
	if _, onLoan := srv.Loan("39012004567891"); onLoan {
		t.Error("item still on loan after CheckInItem")
	}
}

func TestMalformedMessages(t *testing.T) {
	t.Parallel()
	srv := nciptest.NewServer(t, "US-EXREQ")
	for _, c := range []struct {
		name, doc string
		want      ncip.ProblemType
	}{
		{"not XML", "hello", ncip.InvalidMessageSyntaxError},
		{"unknown service", `<NCIPMessage xmlns="http://www.niso.org/2008/ncip" xmlns:ncip="http://www.niso.org/2008/ncip" ncip:version="v"><LookupAgency/></NCIPMessage>`, ncip.UnsupportedService},
		{"a response", string(example(t, "14-DeleteItemResponse.xml")), ncip.ProtocolError},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := post(t, srv, []byte(c.doc))
			if m.Body != nil || len(m.Problems) != 1 || !m.Problems[0].Type.Is(string(c.want)) {
				t.Errorf("answer = %+v, want a message-level %q", m, c.want)
			}
		})
	}
	t.Run("missing required data", func(t *testing.T) {
		doc := `<NCIPMessage xmlns="http://www.niso.org/2008/ncip" xmlns:ncip="http://www.niso.org/2008/ncip" ncip:version="v"><LookupUser/></NCIPMessage>`
		if got := problemOf(post(t, srv, []byte(doc))); got != string(ncip.NeededDataMissing) {
			t.Errorf("problem = %q, want Needed Data Missing", got)
		}
	})
	t.Run("unqualified version, as ReShare sends", func(t *testing.T) {
		srv.AddUser(nciptest.User{ID: "21234000123456", Surname: "Doe"})
		doc := strings.Replace(string(example(t, "01-LookupUser.xml")), "ncip:version=", "version=", 1)
		m := post(t, srv, []byte(doc))
		if problemOf(m) != "" || m.Version != ncip.V2_02 {
			t.Errorf("answer version %q problem %q, want %q and none", m.Version, problemOf(m), ncip.V2_02)
		}
	})
	t.Run("GET", func(t *testing.T) {
		resp, err := srv.HTTP.Client().Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("GET status = %d, want 405", resp.StatusCode)
		}
	})
}

func TestFaultScripting(t *testing.T) {
	t.Parallel()
	srv := nciptest.NewServer(t, "US-EXREQ")
	srv.AddUser(nciptest.User{ID: "P1", Surname: "Doe"})
	client := srv.Client("ILL")
	ctx := context.Background()
	lookup := func() error {
		_, err := client.LookupUser(ctx, &ncip.LookupUser{UserID: ncip.UserBarcode("P1")})
		return err
	}
	srv.Fail("DeleteItem", nciptest.Unavailable()) // another service: never applies
	srv.Fail("", nciptest.ProblemFault(ncip.UserBlocked).Times(2))
	for i := range 2 {
		if err := lookup(); !errors.Is(err, ncip.UserBlocked) {
			t.Errorf("call %d: %v, want User Blocked", i, err)
		}
	}
	if err := lookup(); err != nil {
		t.Errorf("third call: %v, want success after Times(2)", err)
	}
	srv.Fail("LookupUser", nciptest.Garbage())
	for range 2 {
		if err := lookup(); !ncip.IsTransport(err) {
			t.Errorf("with a standing fault: %v, want a transport error", err)
		}
	}
	srv.ClearFaults()
	if err := lookup(); err != nil {
		t.Errorf("after ClearFaults: %v", err)
	}
	var got []string
	for _, c := range srv.Calls() {
		got = append(got, c.Fault.String()+"/"+string(c.Problem))
	}
	want := "problem/User Blocked,problem/User Blocked,none/,garbage/,garbage/,none/"
	if strings.Join(got, ",") != want {
		t.Errorf("calls = %s, want %s", strings.Join(got, ","), want)
	}
}

func TestCloseReleasesSlowHandlers(t *testing.T) {
	t.Parallel()
	srv := nciptest.NewServer(t, "US-EXREQ")
	srv.AddUser(nciptest.User{ID: "P1", Surname: "Doe"})
	entered := make(chan nciptest.Call, 1)
	f := nciptest.Slow(nil)
	f.Entered = entered
	srv.Fail("LookupUser", f)
	done := make(chan error, 1)
	go func() {
		_, err := srv.Client("ILL").LookupUser(context.Background(), &ncip.LookupUser{UserID: ncip.UserBarcode("P1")})
		done <- err
	}()
	<-entered
	srv.Close()
	if err := <-done; err != nil {
		t.Fatalf("held call after Close: %v", err)
	}
	if c := srv.Calls()[0]; c.Fault != nciptest.FaultSlow || c.HTTPStatus != http.StatusOK {
		t.Errorf("call = %+v, want a slow fault answered 200", c)
	}
}
