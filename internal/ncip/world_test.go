package ncip_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"interlend/internal/ncip"
	"interlend/internal/ncip/nciptest"
	"interlend/internal/testenv"
)

// now is the fixed clock of the test ILS.
var now = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

// validateBoth checks doc against both NCIP schemas.
func validateBoth(tb testing.TB, doc []byte) {
	tb.Helper()
	testenv.ValidateXSD(tb, testenv.Standards(tb, "ncip", "ncip_v2_02.xsd"), doc)
	testenv.ValidateXSD(tb, testenv.Standards(tb, "ncip", "ncip_v2_0.xsd"), doc)
}

// validateEmitted checks a document that crossed the wire against both
// schemas, except for the one 2.02-only element the test ILS emits on
// purpose (ItemOptionalFields/DateDue, answering a 2.02 LookupItem): such
// a document must validate against 2.02 and be rejected by 2.0.
func validateEmitted(tb testing.TB, doc []byte) {
	tb.Helper()
	m, err := ncip.Unmarshal(doc)
	if err != nil {
		tb.Fatalf("emitted document does not parse: %v\n%s", err, doc)
	}
	r, ok := m.Body.(*ncip.LookupItemResponse)
	if !ok || r.ItemOptionalFields == nil || r.ItemOptionalFields.DateDue.IsZero() {
		validateBoth(tb, doc)
		return
	}
	if m.Version.Is20() {
		tb.Fatalf("DateDue in ItemOptionalFields answered to an NCIP 2.0 message:\n%s", doc)
	}
	testenv.ValidateXSD(tb, testenv.Standards(tb, "ncip", "ncip_v2_02.xsd"), doc)
	if testenv.CheckXSD(tb, testenv.Standards(tb, "ncip", "ncip_v2_0.xsd"), doc) == nil {
		tb.Fatalf("ItemOptionalFields/DateDue validates against NCIP 2.0, expected 2.02 only:\n%s", doc)
	}
}

// recorder is an http.RoundTripper that keeps every NCIP document that
// crosses it (requests, and responses served as XML).
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	docs [][]byte
	seen map[string]bool
}

func (rec *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		rec.keep(body)
	}
	resp, err := rec.next.RoundTrip(req)
	if err != nil || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/xml") {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	rec.keep(body)
	return resp, nil
}

// keep records doc once (identical documents, as from retries, are
// validated once).
func (rec *recorder) keep(doc []byte) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.seen[string(doc)] {
		return
	}
	if rec.seen == nil {
		rec.seen = map[string]bool{}
	}
	rec.seen[string(doc)] = true
	rec.docs = append(rec.docs, doc)
}

// last is the most recent document whose text contains s.
func (rec *recorder) last(s string) []byte {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for i := len(rec.docs) - 1; i >= 0; i-- {
		if bytes.Contains(rec.docs[i], []byte(s)) {
			return rec.docs[i]
		}
	}
	return nil
}

// world is a test ILS with a client pointed at it. Every document the two
// exchange is validated against both schemas when the test ends.
type world struct {
	srv    *nciptest.Server
	client *ncip.Client
	rec    *recorder
}

func newWorld(t *testing.T) *world {
	t.Helper()
	srv := nciptest.NewServer(t, "US-EXREQ")
	srv.Now = func() time.Time { return now }
	srv.AddUser(nciptest.User{ID: "P1", GivenName: "Jane", Surname: "Doe", Email: "jane@example.edu", Category: "Faculty", Expires: now.AddDate(1, 0, 0), PIN: "1234"})
	srv.AddUser(nciptest.User{ID: "P2", GivenName: "Ann", Surname: "Lee", Category: "Student"})
	srv.AddUser(nciptest.User{ID: "PB", Surname: "Blocked", Category: "Student", Blocked: true, BlockReason: "Excessive Fines"})
	srv.AddUser(nciptest.User{ID: "ILL-US-EXSUP", Surname: "Example Supplier", Category: "ILL Library"})
	srv.AddItem(nciptest.Item{Barcode: "I1", BibID: "b1", ISBN: "9780618249060", Title: "Silent spring", Author: "Carson, Rachel", CallNumber: "QH545 .P4 C38", Location: "Main / Stacks"})
	srv.AddItem(nciptest.Item{Barcode: "I2", BibID: "b1", Title: "Silent spring"})
	srv.AddItem(nciptest.Item{Barcode: "I-LOST", BibID: "b2", Title: "Lost book", Status: ncip.StatusLost})
	srv.AddItem(nciptest.Item{Barcode: "I-REF", BibID: "b3", Title: "Reference only", NonCirculating: true})

	rec := &recorder{next: srv.HTTP.Client().Transport}
	client := srv.Client("ILL")
	client.HTTP = &http.Client{Transport: rec}
	client.Timeout = 10 * time.Second
	t.Cleanup(func() {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		for _, d := range rec.docs {
			validateEmitted(t, d)
		}
	})
	return &world{srv: srv, client: client, rec: rec}
}

// wantProblem fails unless err is a *Problem of type want (and nothing
// else: not a transport error).
func wantProblem(t *testing.T, err error, want ncip.ProblemType) *ncip.Problem {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want Problem %q", err, want)
	}
	var p *ncip.Problem
	if !errors.As(err, &p) {
		t.Fatalf("err = %T %v, want *ncip.Problem", err, err)
	}
	if ncip.IsTransport(err) {
		t.Fatalf("err = %v is also a transport error", err)
	}
	return p
}

// wantTransport fails unless err is a *TransportError of kind want.
func wantTransport(t *testing.T, err error, want ncip.TransportKind) *ncip.TransportError {
	t.Helper()
	var te *ncip.TransportError
	if !errors.As(err, &te) {
		t.Fatalf("err = %T %v, want *ncip.TransportError", err, err)
	}
	if te.Kind != want {
		t.Fatalf("kind = %v (%v), want %v", te.Kind, err, want)
	}
	if len(ncip.Problems(err)) != 0 {
		t.Fatalf("transport error %v also carries a Problem", err)
	}
	return te
}

func pairValues(ps []ncip.SchemeValuePair) string {
	vs := make([]string, len(ps))
	for i, p := range ps {
		vs[i] = p.Value
	}
	return joined(vs)
}

func joined(ss []string) string { return strings.Join(ss, "|") }
func itoa(n int) string         { return strconv.Itoa(n) }
func boolString(b bool) string  { return strconv.FormatBool(b) }
func countNonNil[T any](p *T) int {
	if p == nil {
		return 0
	}
	return 1
}
