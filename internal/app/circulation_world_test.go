package app_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/catalog"
	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/marc"
	"interlend/internal/ncip"
	"interlend/internal/ncip/nciptest"
	"interlend/internal/patron"
	"interlend/internal/store"
	"interlend/internal/testenv"
)

// testILS is a library's own system for the circulation tests: an NCIP
// test responder behind an HTTP server that keeps every message Interlend
// sends (each is checked against the NCIP schema when the test ends) and
// can lose answers on the way back, as a proxy that times out after the
// ILS did the work does.
type testILS struct {
	*nciptest.Responder
	URL string

	mu   sync.Mutex
	sent [][]byte
	lose map[string]int // service -> answers still to lose
}

func (s *testILS) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	service := ""
	if m, err := ncip.Unmarshal(body); err == nil && m.Body != nil {
		service = m.Body.ElementName()
	}
	s.mu.Lock()
	s.sent = append(s.sent, body)
	lose := s.lose[service] > 0
	if lose {
		s.lose[service]--
	}
	s.mu.Unlock()
	req.Body = io.NopCloser(bytes.NewReader(body))
	if lose {
		s.Responder.ServeHTTP(httptest.NewRecorder(), req) // the ILS does the work...
		http.Error(w, "gateway timeout", http.StatusGatewayTimeout)
		return // ...and the answer never arrives
	}
	s.Responder.ServeHTTP(w, req)
}

// loseAnswers makes the next n answers to service vanish after the ILS
// has acted on the message.
func (s *testILS) loseAnswers(service string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lose[service] += n
}

// services is the sequence of services the ILS was called for.
func (s *testILS) services() []string {
	var out []string
	for _, c := range s.Calls() {
		out = append(out, c.Service)
	}
	return out
}

// newTestILS starts an ILS for agency ag of the world and points the
// agency's settings at it (ncip driver; edit may change them).
func newTestILS(t *testing.T, w *world, ag ill.AgencyID, edit func(*ils.Settings)) *testILS {
	t.Helper()
	r := nciptest.New(string(ag) + "-ILS")
	r.Now = w.clock.Now
	r.AddUser(nciptest.User{ID: "21000001", GivenName: "Ada", Surname: "Lovelace", Email: "ada@example.edu", Category: "faculty", Expires: t0.AddDate(1, 0, 0)})
	r.AddUser(nciptest.User{ID: "21000002", Surname: "Blocked", Category: "undergraduate", Blocked: true, BlockReason: "Excessive Fines"})
	for _, lib := range []ill.AgencyID{libA, libB, libC} {
		r.AddUser(nciptest.User{ID: "ILL-" + string(lib), Surname: string(lib) + " Library", Category: "ILL library"})
	}
	r.AddItem(nciptest.Item{Barcode: "39000001", BibID: "b100", ISBN: "9780618249060", Title: "Silent spring", Author: "Carson, Rachel",
		CallNumber: "QH545 .P4 C38", Location: "Main / Stacks"})
	s := &testILS{Responder: r, lose: map[string]int{}}
	hs := httptest.NewServer(s)
	s.URL = hs.URL
	t.Cleanup(func() {
		r.Close()
		hs.Close()
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, doc := range s.sent {
			testenv.ValidateXSD(t, testenv.Standards(t, "ncip", "ncip_v2_02.xsd"), doc)
		}
	})
	set := ils.Settings{Driver: ils.DriverNCIP, WhenDown: ils.WhenDownLocal, NCIPSettings: ils.NCIPSettings{Endpoint: s.URL, ToAgency: r.Agency,
		PickupLocation: "MAIN-CIRC", ItemLocation: "ILL", InstitutionalUser: "ILL-{agency}", TimeoutSeconds: 5}}
	if edit != nil {
		edit(&set)
	}
	if err := w.app.SetILSSettings(w.ctx, staff(ag), ag, set); err != nil {
		t.Fatal(err)
	}
	return s
}

// routeTo makes routing send new requests to lender (there is no routing
// feature in these tests; a patron's request needs a rota to be sent).
func routeTo(w *world, lender ill.AgencyID) {
	w.app.Route = func(*store.Tx, *ill.Request) ([]app.RotaChoice, error) {
		return []app.RotaChoice{{Lender: lender, Reason: "routed in the test"}}, nil
	}
}

// patronLogin makes a patron record in ag with a linked login, and
// returns the record and the patron as an actor.
func patronLogin(t *testing.T, w *world, ag ill.AgencyID, rec patron.Record) (store.Patron, ill.Actor) {
	t.Helper()
	p, err := w.app.CreatePatron(w.ctx, ill.SystemActor(), ag, rec)
	if err != nil {
		t.Fatal(err)
	}
	email := strings.ToLower(rec.Barcode) + "@patrons.example.edu"
	u := w.user(email, ill.Grant{Agency: ag, Role: ill.RolePatron})
	if err := w.app.LinkPatronAccount(w.ctx, staff(ag), ag, p.ID, email); err != nil {
		t.Fatal(err)
	}
	return p, app.ActorFor(u, ag)
}

var silentSpring = ill.Citation{Title: "Silent spring", Author: "Carson, Rachel", ISBN: "9780618249060", PublicationType: ill.PubBook}

// steps reads a request's ILS steps as staff see them.
func (w *world) steps(ag ill.AgencyID, id string) map[ils.Service]app.ILSStep {
	w.t.Helper()
	list, err := w.app.ILSSteps(w.ctx, staff(ag), id)
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[ils.Service]app.ILSStep{}
	for _, s := range list {
		out[ils.Service(s.Service)] = s
	}
	return out
}

// wantStep checks one step's state (and via, when given).
func (w *world) wantStep(ag ill.AgencyID, id string, svc ils.Service, state store.StepState, via string) app.ILSStep {
	w.t.Helper()
	s, ok := w.steps(ag, id)[svc]
	if !ok || s.State != state || (via != "" && s.Data["via"] != via) {
		w.t.Fatalf("%s step of %s at %s = %+v (found %v), want %s via %q", svc, id, ag, s.CirculationStep, ok, state, via)
	}
	return s
}

// settleWaiting is settle for worlds with a dead ILS step: jobs held back
// behind a dead or held job of their ordering key wait for staff, not for
// the workers, and do not count as work in progress.
func (w *world) settleWaiting() {
	w.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		busy := 0
		err := w.app.DB.Read(w.ctx, func(tx *store.Tx) error {
			js, err := tx.System().ListJobs(store.JobFilter{AllAgencies: true, States: []store.JobState{store.JobReady, store.JobRunning, store.JobDead, store.JobHeld}})
			stopped := map[string]bool{}
			for _, j := range js { // oldest first
				switch {
				case j.State == store.JobDead || j.State == store.JobHeld:
					stopped[j.OrderingKey] = j.OrderingKey != ""
				case j.RunAt.After(w.clock.Now()) || stopped[j.OrderingKey]:
				default:
					busy++
				}
			}
			return err
		})
		if err != nil {
			w.t.Fatal(err)
		}
		if busy == 0 {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("jobs still busy after 20s: %d", busy)
		}
		w.app.Jobs.Kick()
		time.Sleep(5 * time.Millisecond)
	}
}

// act performs an action and settles, tolerating held-back ILS steps.
func (w *world) act(actor ill.Actor, id string, action ill.ActionName, params map[string]any) *ill.Request {
	w.t.Helper()
	r, err := w.app.Perform(w.ctx, actor, id, action, params, 0)
	if err != nil {
		w.t.Fatalf("%s on %s at %s: %v", action, id, actor.Agency, err)
	}
	w.settleWaiting()
	return r
}

// driveILS moves the clock to each ILS job's next try until done says
// the test has what it waits for, or a deadline passes: retries with
// backoff, without sleeping.
func (w *world) driveILS(done func() bool) {
	w.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		w.settleWaiting()
		if done() {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatal("ILS jobs did not get there within 60s")
		}
		var next time.Time
		err := w.app.DB.Read(w.ctx, func(tx *store.Tx) error {
			js, err := tx.System().ListJobs(store.JobFilter{AllAgencies: true, States: []store.JobState{store.JobReady}})
			for _, j := range js {
				if slices.Contains([]string{app.KindILSStep, app.KindILSPatron}, j.Kind) && j.RunAt.After(w.clock.Now()) && (next.IsZero() || j.RunAt.Before(next)) {
					next = j.RunAt
				}
			}
			return err
		})
		if err != nil {
			w.t.Fatal(err)
		}
		if next.IsZero() {
			w.t.Fatal("no ILS job left to try later, and the test's condition does not hold")
		}
		w.clock.Set(next)
	}
}

// jobsOf lists the jobs of a kind for a request.
func (w *world) jobsOf(ag ill.AgencyID, id, kind string, states ...store.JobState) []store.Job {
	w.t.Helper()
	var out []store.Job
	err := w.app.DB.Read(w.ctx, func(tx *store.Tx) (err error) {
		out, err = tx.System().ListJobs(store.JobFilter{Agency: ag, Ref: id, Kind: kind, States: states})
		return
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return out
}

// catalogCopy puts a title with one copy in a library's imported catalog.
func catalogCopy(t *testing.T, w *world, holder ill.AgencyID, bibID, barcode string) {
	t.Helper()
	h := marc.Holding{ID: bibID, Title: "Silent spring", Author: "Carson, Rachel", ISBNs: []string{"9780618249060"}, Format: marc.FormatBook,
		Items: []marc.Item{{Barcode: barcode, Lendable: true, CallNumber: "QH545 .P4 C38", Tag: "952"}}}
	rec := catalog.Record{Holder: holder, Holding: h, Source: catalog.FormatMARC21, Counts: catalog.CountItems(h.Items), Hash: catalog.ContentHash(&h, catalog.FormatMARC21)}
	err := w.app.DB.Transact(w.ctx, func(tx *store.Tx) error {
		_, err := tx.Network().PutCatalogBatch(holder, []catalog.Record{rec}, 1)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
