package ils_test

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/ncip"
	"interlend/internal/ncip/nciptest"
	"interlend/internal/testenv"
)

// now is the test ILS's clock and the driver's.
var now = time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)

// recorder keeps every request body the driver sends.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	sent [][]byte
}

func (rec *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		rec.mu.Lock()
		rec.sent = append(rec.sent, body)
		rec.mu.Unlock()
	}
	return rec.next.RoundTrip(req)
}

// world is a test ILS (agency US-EXILS) and an ncip driver for US-EXA
// pointed at it. Every message the driver sends is checked against the
// NCIP schema of its version when the test ends.
type world struct {
	srv *nciptest.Server
	d   *ils.NCIP
	rec *recorder
}

func newWorld(t *testing.T, edit func(*ils.Settings)) *world {
	t.Helper()
	srv := nciptest.NewServer(t, "US-EXILS")
	srv.Now = func() time.Time { return now }
	srv.AddUser(nciptest.User{ID: "21000001", GivenName: "Ada", Surname: "Lovelace", Email: "ada@example.edu", Category: "faculty", Expires: now.AddDate(1, 0, 0)})
	srv.AddUser(nciptest.User{ID: "21000002", Surname: "Blocked", Category: "undergraduate", Blocked: true, BlockReason: "Excessive Fines"})
	srv.AddUser(nciptest.User{ID: "21000003", Surname: "Expired", Category: "public", Expires: now.AddDate(0, 0, -3)})
	srv.AddUser(nciptest.User{ID: "ILL-US-EXB", Surname: "Example B Library", Category: "ILL library"})
	srv.AddItem(nciptest.Item{Barcode: "39000001", BibID: "b100", ISBN: "9780618249060", Title: "Silent spring", Author: "Carson, Rachel", CallNumber: "QH545 .P4 C38", Location: "Main / Stacks"})
	srv.AddItem(nciptest.Item{Barcode: "39000002", BibID: "b200", Title: "Reference only", NonCirculating: true})
	s := ils.Settings{Driver: ils.DriverNCIP, NCIPSettings: ils.NCIPSettings{Endpoint: srv.URL, ToAgency: "US-EXILS",
		PickupLocation: "MAIN-CIRC", InstitutionalUser: "ILL-{agency}", Secret: "s3cret"}}
	if edit != nil {
		edit(&s)
	}
	rec := &recorder{next: srv.HTTP.Client().Transport}
	d, err := ils.NewNCIP("US-EXA", s, &http.Client{Transport: rec}, ill.NewFakeClock(now))
	if err != nil {
		t.Fatal(err)
	}
	schema := "ncip_v2_02.xsd"
	if s.Version == "2.0" {
		schema = "ncip_v2_0.xsd"
	}
	t.Cleanup(func() {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		for _, doc := range rec.sent {
			testenv.ValidateXSD(t, testenv.Standards(t, "ncip", schema), doc)
		}
	})
	return &world{srv: srv, d: d, rec: rec}
}

// lastSent is the last message of the service sent holding s, parsed.
func (w *world) lastSent(t *testing.T, service, s string) *ncip.Message {
	t.Helper()
	w.rec.mu.Lock()
	defer w.rec.mu.Unlock()
	for i := len(w.rec.sent) - 1; i >= 0; i-- {
		if !bytes.Contains(w.rec.sent[i], []byte(s)) {
			continue
		}
		m, err := ncip.Unmarshal(w.rec.sent[i])
		if err != nil {
			t.Fatal(err)
		}
		if m.Body.ElementName() == service {
			return m
		}
	}
	t.Fatalf("no %s sent holding %q", service, s)
	return nil
}

// wantClass fails unless err is an *ils.Error of class c and reason.
func wantClass(t *testing.T, err error, c ils.Class, reason string) *ils.Error {
	t.Helper()
	e, ok := err.(*ils.Error)
	if !ok {
		t.Fatalf("err = %T %v, want *ils.Error of class %s", err, err, c)
	}
	if e.Class != c || (reason != "" && e.Reason != reason) {
		t.Fatalf("err = %v (class %s, reason %q), want class %s reason %q", err, e.Class, e.Reason, c, reason)
	}
	return e
}
