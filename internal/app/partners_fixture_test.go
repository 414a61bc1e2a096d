package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/peer/wire"
	"interlend/internal/store"
)

// fakePartner is a partner's ISO 18626 endpoint on real HTTP: it reads
// what we send, keeps it in order, and answers with the confirmation its
// rules craft (OK unless refuse says otherwise), or with an HTTP error
// while down is set.
type fakePartner struct {
	t     *testing.T
	srv   *httptest.Server
	token string
	mu    sync.Mutex
	got   []ill.Message
	// refused counts the messages answered with an ERROR confirmation.
	refused int
	refuse  func(m ill.Message) (errType, errValue string) // "" accepts
	down    int                                            // HTTP status to answer while non-zero
}

func newFakePartner(t *testing.T, token string) *fakePartner {
	fp := &fakePartner{t: t, token: token}
	fp.srv = httptest.NewServer(http.HandlerFunc(fp.serve))
	t.Cleanup(fp.srv.Close)
	return fp
}

func (fp *fakePartner) serve(w http.ResponseWriter, r *http.Request) {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	if fp.down != 0 {
		http.Error(w, "partner down for maintenance", fp.down)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+fp.token {
		http.Error(w, "who are you?", http.StatusUnauthorized)
		return
	}
	body, _ := io.ReadAll(r.Body)
	in, err := iso18626.Parse(body)
	if err != nil {
		fp.t.Errorf("the partner could not read what we sent: %v\n%s", err, body)
		http.Error(w, "unreadable", http.StatusBadRequest)
		return
	}
	m, err := wire.Decode(in, wire.ISIL{})
	if err != nil {
		fp.t.Errorf("the partner could not decode what we sent: %v", err)
	}
	c := wire.Confirmation{OK: true}
	if fp.refuse != nil {
		if typ, val := fp.refuse(m); typ != "" {
			c = wire.Confirmation{ErrorType: typ, ErrorValue: val}
		}
	}
	if c.OK {
		fp.got = append(fp.got, m)
	} else {
		fp.refused++
	}
	cm, err := wire.Confirm(in, time.Now(), c)
	if err != nil {
		fp.t.Errorf("confirm: %v", err)
		return
	}
	out, _ := iso18626.Marshal(cm)
	w.Header().Set("Content-Type", "application/xml")
	_, _ = w.Write(out)
}

// received lists what the partner accepted, as "id kind subject".
func (fp *fakePartner) received() []string {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	var out []string
	for _, m := range fp.got {
		s := m.RequestType
		if m.Kind == ill.MsgRAM {
			s = m.Action
		}
		out = append(out, m.RequesterRequestID+" "+string(m.Kind)+" "+s)
	}
	return out
}

func (fp *fakePartner) set(f func(fp *fakePartner)) {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	f(fp)
}

// ptWorld is one Interlend hosting US-EXA, with job workers and outside
// partners in its directory.
type ptWorld struct {
	*apptest.World
	t   *testing.T
	ctx context.Context
	mgr ill.Actor
}

const ptLib = ill.AgencyID("US-EXA")

func newPTWorld(t *testing.T, e store.Engine) *ptWorld {
	w := apptest.New(t, apptest.Options{Engine: e, Workers: 2})
	w.Agency(t, ptLib, "Example Library")
	u := w.User(t, "mia@example.edu", ill.Grant{Agency: ptLib, Role: ill.RoleManager})
	return &ptWorld{World: w, t: t, ctx: context.Background(), mgr: app.ActorFor(u, ptLib)}
}

// partner puts an outside library in the directory, reached at url ("":
// no endpoint) with a bearer token.
func (w *ptWorld) partner(id ill.AgencyID, url, token string) directory.Entry {
	w.t.Helper()
	e := directory.Entry{ID: id, Name: string(id) + " Library", Status: directory.StatusActive,
		Endpoint: directory.Endpoint{URL: url, Auth: directory.Auth{Inbound: []directory.AuthMethod{directory.AuthBearer}, Outbound: directory.AuthBearer}}}
	if url != "" {
		e.Endpoint.Version = directory.Version2021
	}
	// The credential is saved with the entry: saving an endpoint releases
	// the messages held for the library at once.
	e.Credentials = []directory.Credential{{Direction: directory.Outbound, Method: directory.AuthBearer, Secret: token}}
	stored, err := w.App.PutDirectoryEntry(w.ctx, ill.SystemActor(), e)
	if err != nil {
		w.t.Fatal(err)
	}
	return stored
}

// borrow sends a new loan request to a lender.
func (w *ptWorld) borrow(lender ill.AgencyID, title string) string {
	w.t.Helper()
	r, err := w.App.CreateRequest(w.ctx, w.mgr, app.NewRequest{Citation: ill.Citation{Title: title, PublicationType: ill.PubBook},
		ServiceType: ill.Loan, Lenders: []app.RotaChoice{{Lender: lender, Reason: "test"}}, Send: true})
	if err != nil {
		w.t.Fatal(err)
	}
	return r.PublicID
}

func (w *ptWorld) act(id string, action ill.ActionName) {
	w.t.Helper()
	if _, err := w.App.Perform(w.ctx, w.mgr, id, action, nil, 0); err != nil {
		w.t.Fatalf("%s on %s: %v", action, id, err)
	}
}

// messages lists a request's message views.
func (w *ptWorld) messages(id string) []app.MessageView {
	w.t.Helper()
	vs, err := w.App.RequestMessages(w.ctx, w.mgr, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return vs
}

// states is "subject:state" of each outgoing message of a request.
func (w *ptWorld) states(id string) []string {
	var out []string
	for _, v := range w.messages(id) {
		if v.Direction == store.Outbound {
			out = append(out, v.Subject+":"+v.State)
		}
	}
	return out
}

// until polls cond (kicking the workers) until it holds, or fails after
// a deadline with what describe says.
func (w *ptWorld) until(what string, cond func() bool, describe func() any) {
	w.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			w.t.Fatalf("never: %s (now %v)", what, describe())
		}
		w.App.Jobs.Kick()
		time.Sleep(5 * time.Millisecond)
	}
}

// untilStates waits for a request's outgoing messages to be in states.
func (w *ptWorld) untilStates(id string, want ...string) {
	w.t.Helper()
	w.until(id+" messages "+strings.Join(want, ", "), func() bool { return slices.Equal(w.states(id), want) },
		func() any { return w.states(id) })
}

// view finds a request's outgoing message by its subject (the n-th one).
func (w *ptWorld) view(id, subject string, n int) app.MessageView {
	w.t.Helper()
	for _, v := range w.messages(id) {
		if v.Direction == store.Outbound && v.Subject == subject {
			if n == 0 {
				return v
			}
			n--
		}
	}
	w.t.Fatalf("%s has no outgoing %s", id, subject)
	return app.MessageView{}
}

// idle waits until no job is due now.
func (w *ptWorld) idle() {
	w.t.Helper()
	w.until("the queue is idle", func() bool {
		busy := 0
		_ = w.App.DB.Read(w.ctx, func(tx *store.Tx) error {
			js, err := tx.System().ListJobs(store.JobFilter{AllAgencies: true, States: []store.JobState{store.JobReady, store.JobRunning}})
			for _, j := range js {
				if !j.RunAt.After(w.Clock.Now()) && !w.blocked(tx, j) {
					busy++
				}
			}
			return err
		})
		return busy == 0
	}, func() any { return "jobs busy" })
}

// blocked reports whether a ready job waits behind an earlier job of its
// ordering key that is dead or held.
func (w *ptWorld) blocked(tx *store.Tx, j store.Job) bool {
	if j.OrderingKey == "" || j.State != store.JobReady {
		return false
	}
	js, _ := tx.System().ListJobs(store.JobFilter{AllAgencies: true, OrderingKey: j.OrderingKey, States: []store.JobState{store.JobDead, store.JobHeld}})
	return slices.ContainsFunc(js, func(e store.Job) bool { return e.ID < j.ID })
}
