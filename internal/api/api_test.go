package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// client calls the API with one API token.
type client struct {
	t     testing.TB
	base  string
	token string
}

type resp struct {
	Status int
	Body   map[string]any
	Raw    []byte
}

func (c *client) call(method, path string, body any) resp {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+c.token)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := resp{Status: res.StatusCode, Raw: raw}
	_ = json.Unmarshal(raw, &out.Body)
	return out
}

// ok calls and requires a 2xx answer.
func (c *client) ok(method, path string, body any) map[string]any {
	c.t.Helper()
	r := c.call(method, path, body)
	if r.Status/100 != 2 {
		c.t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Raw)
	}
	return r.Body
}

// act performs an action and returns the request's new state.
func (c *client) act(id, action string, params map[string]any) string {
	c.t.Helper()
	b := c.ok("POST", "/api/v1/requests/"+id+"/actions/"+action, map[string]any{"params": params})
	return b["state"].(string)
}

type world struct {
	*apptest.World
	a, b, c *client
}

func newWorld(t *testing.T, engine store.Engine) *world { return newBenchWorld(t, engine) }

func storeEngines(tb testing.TB) []store.Engine {
	if storetest.AdminDSN() == "" {
		return []store.Engine{store.SQLite}
	}
	return storetest.Engines(tb)
}

func newBenchWorld(t testing.TB, engine store.Engine) *world {
	t.Helper()
	w := &world{World: apptest.New(t, apptest.Options{Engine: engine, Workers: 4})}
	mk := func(ag ill.AgencyID) *client {
		w.Agency(t, ag, string(ag)+" Library")
		u := w.User(t, strings.ToLower(string(ag))+"@example.edu", ill.Grant{Agency: ag, Role: ill.RoleManager})
		secret, _, err := w.App.CreateAPIToken(context.Background(), app.ActorFor(u, ag), "test", ill.RoleManager, 24*time.Hour*360)
		if err != nil {
			t.Fatal(err)
		}
		return &client{t: t, base: w.URL, token: secret}
	}
	w.a, w.b, w.c = mk("US-EXA"), mk("US-EXB"), mk("US-EXC")
	return w
}

// settle waits until the job workers have delivered everything due.
func (w *world) settle(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		busy := 0
		_ = w.App.DB.Read(context.Background(), func(tx *store.Tx) error {
			js, err := tx.System().ListJobs(store.JobFilter{AllAgencies: true, States: []store.JobState{store.JobReady, store.JobRunning}})
			for _, j := range js {
				if !j.RunAt.After(w.Clock.Now()) {
					busy++
				}
			}
			return err
		})
		if busy == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still busy", busy)
		}
		w.App.Jobs.Kick()
		time.Sleep(5 * time.Millisecond)
	}
}

// lendingID finds the lending request a borrowing request became at a lender.
func (w *world) lendingID(t testing.TB, lender *client, borrowing string) string {
	t.Helper()
	w.settle(t)
	list := lender.ok("GET", "/api/v1/requests?side=lending&q="+borrowing, nil)
	items := list["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("lender has %d requests for %s: %v", len(items), borrowing, list)
	}
	return items[0].(map[string]any)["id"].(string)
}

func (w *world) state(t testing.TB, c *client, id, want string) map[string]any {
	t.Helper()
	w.settle(t)
	r := c.ok("GET", "/api/v1/requests/"+id, nil)
	if r["state"] != want {
		t.Fatalf("%s is %v, want %s", id, r["state"], want)
	}
	return r
}

func TestLoanAndCopyThroughTheAPI(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			// A loan with one renewal granted, one overdue, then returned.
			created := w.a.ok("POST", "/api/v1/requests", map[string]any{
				"citation":    map[string]any{"title": "Silent spring", "author": "Carson, Rachel", "isbn": "0618249060"},
				"serviceType": "Loan", "send": true, "lenders": []any{map[string]any{"lender": "US-EXB", "reason": "holds it"}}})
			id := created["id"].(string)
			w.state(t, w.a, id, "sent")
			lid := w.lendingID(t, w.b, id)
			for _, step := range []string{"expect_to_supply", "print_slip", "found"} {
				w.b.act(lid, step, nil)
			}
			w.b.act(lid, "ship", map[string]any{"barcode": "39001", "courier": "UPS"})
			w.state(t, w.a, id, "shipped")
			w.a.act(id, "receive", nil)
			w.a.act(id, "check_out", nil)
			w.a.act(id, "renew", nil)
			w.settle(t)
			w.b.act(lid, "approve_renewal", nil)
			r := w.state(t, w.a, id, "checked_out")
			if r["renewalCount"].(float64) != 1 {
				t.Errorf("renewal count %v", r["renewalCount"])
			}
			due, _ := time.Parse(time.RFC3339, r["lenderDue"].(string))
			w.Clock.Set(due.Add(time.Hour))
			w.state(t, w.a, id, "overdue")
			w.state(t, w.b, lid, "overdue")
			w.a.act(id, "check_in", nil)
			w.a.act(id, "ship_return", map[string]any{"courier": "USPS", "trackingId": "9400"})
			w.state(t, w.b, lid, "return_received")
			w.b.act(lid, "check_in_return", nil)
			done := w.state(t, w.a, id, "completed")
			if done["partnerStatus"] != "LoanCompleted" {
				t.Errorf("borrower sees %v", done["partnerStatus"])
			}
			tl := w.a.ok("GET", "/api/v1/requests/"+id+"/timeline", nil)
			if n := len(tl["events"].([]any)); n < 12 {
				t.Errorf("timeline has %d events", n)
			}
			if n := len(tl["messages"].([]any)); n < 8 {
				t.Errorf("timeline has %d messages", n)
			}

			// A copy.
			created = w.a.ok("POST", "/api/v1/requests", map[string]any{
				"citation": map[string]any{"title": "Nature", "articleTitle": "Molecular structure of nucleic acids", "journalTitle": "Nature", "issn": "0028-0836", "publicationType": "Article"},
				"send":     true, "lenders": []any{map[string]any{"lender": "US-EXB"}}})
			cid := created["id"].(string)
			if created["serviceType"] != "Copy" {
				t.Errorf("article request service %v", created["serviceType"])
			}
			clid := w.lendingID(t, w.b, cid)
			w.b.act(clid, "will_supply", nil)
			w.b.act(clid, "deliver", map[string]any{"deliveryUrl": "https://exb.example/f/1"})
			done = w.state(t, w.a, cid, "completed")
			if done["deliveryUrl"] != "https://exb.example/f/1" {
				t.Errorf("delivery url %v", done["deliveryUrl"])
			}
		})
	}
}

func TestTimeoutAdvancesThroughTheAPI(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			created := w.a.ok("POST", "/api/v1/requests", map[string]any{"citation": map[string]any{"title": "Slow"}, "send": true,
				"lenders": []any{map[string]any{"lender": "US-EXB"}, map[string]any{"lender": "US-EXC"}}})
			id := created["id"].(string)
			bid := w.lendingID(t, w.b, id)
			w.Clock.Advance(app.DefaultPolicy.ResponseWindow + time.Minute)
			r := w.state(t, w.a, id, "sent")
			if r["partner"] != "US-EXC" {
				t.Fatalf("after the window the request is with %v", r["partner"])
			}
			w.state(t, w.b, bid, "cancel_requested")
			cid := w.lendingID(t, w.c, id)
			// The first lender ships after all: it is kept, the second cancelled.
			w.b.act(bid, "refuse_cancel", nil)
			w.b.act(bid, "will_supply", nil)
			w.b.act(bid, "ship", nil)
			r = w.state(t, w.a, id, "shipped")
			if r["partner"] != "US-EXB" {
				t.Errorf("shipped by %v, want US-EXB", r["partner"])
			}
			w.state(t, w.c, cid, "cancel_requested")
			rota := w.a.call("GET", "/api/v1/requests/"+id+"/rota", nil)
			if !strings.Contains(string(rota.Raw), `"state": "cancelled"`) {
				t.Errorf("rota: %s", rota.Raw)
			}
		})
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			created := w.a.ok("POST", "/api/v1/requests", map[string]any{"citation": map[string]any{"title": "Fragile"}})
			id := created["id"].(string)
			snapshot := func() string {
				r := w.a.ok("GET", "/api/v1/requests/"+id, nil)
				tl := w.a.ok("GET", "/api/v1/requests/"+id+"/timeline", nil)
				return fmt.Sprintf("%v|%v|%d", r["version"], r["state"], len(tl["events"].([]any)))
			}
			before := snapshot()
			tests := []struct {
				name   string
				c      *client
				method string
				path   string
				body   any
				status int
				check  func(b map[string]any) string
			}{
				{"action not allowed now", w.a, "POST", "/api/v1/requests/" + id + "/actions/receive", map[string]any{}, 409, func(b map[string]any) string {
					e := b["error"].(map[string]any)
					allowed := fmt.Sprint(e["allowedActions"])
					if !strings.Contains(allowed, "send") || strings.Contains(allowed, "receive") {
						return "allowed actions " + allowed
					}
					return ""
				}},
				{"unknown action", w.a, "POST", "/api/v1/requests/" + id + "/actions/teleport", map[string]any{}, 400, nil},
				{"malformed JSON", w.a, "POST", "/api/v1/requests/" + id + "/actions/cancel", `{"params": {`, 400, nil},
				{"unknown field", w.a, "POST", "/api/v1/requests/" + id + "/actions/cancel", map[string]any{"version": 1, "colour": "red"}, 400, func(b map[string]any) string {
					if f := b["error"].(map[string]any)["fields"].(map[string]any); f["colour"] == nil {
						return fmt.Sprint("fields ", f)
					}
					return ""
				}},
				{"wrong type", w.a, "POST", "/api/v1/requests/" + id + "/actions/cancel", `{"version": "one"}`, 400, func(b map[string]any) string {
					if f := b["error"].(map[string]any)["fields"].(map[string]any); f["version"] == nil {
						return fmt.Sprint("fields ", f)
					}
					return ""
				}},
				{"unknown action input", w.a, "POST", "/api/v1/requests/" + id + "/actions/cancel", map[string]any{"params": map[string]any{"because": "x"}}, 400, func(b map[string]any) string {
					if f := b["error"].(map[string]any)["fields"].(map[string]any); f["because"] == nil {
						return fmt.Sprint("fields ", f)
					}
					return ""
				}},
				{"stale version", w.a, "POST", "/api/v1/requests/" + id + "/actions/cancel", map[string]any{"version": 99}, 409, nil},
				{"another agency's request", w.b, "GET", "/api/v1/requests/" + id, nil, 404, nil},
				{"another agency acts", w.b, "POST", "/api/v1/requests/" + id + "/actions/cancel", map[string]any{}, 404, nil},
				{"no token", &client{t: t, base: w.URL, token: "il_nonsense"}, "GET", "/api/v1/requests/" + id, nil, 401, nil},
				{"bad create", w.a, "POST", "/api/v1/requests", map[string]any{"citation": map[string]any{"title": "x"}, "serviceType": "Teleport"}, 400, func(b map[string]any) string {
					if f := b["error"].(map[string]any)["fields"].(map[string]any); f["serviceType"] == nil {
						return fmt.Sprint("fields ", f)
					}
					return ""
				}},
				{"bad list query", w.a, "GET", "/api/v1/requests?limit=0&side=sideways", nil, 400, nil},
			}
			for _, tc := range tests {
				r := tc.c.call(tc.method, tc.path, tc.body)
				if r.Status != tc.status {
					t.Errorf("%s: status %d, want %d: %s", tc.name, r.Status, tc.status, r.Raw)
					continue
				}
				if _, ok := r.Body["error"].(map[string]any); !ok {
					t.Errorf("%s: no error object: %s", tc.name, r.Raw)
					continue
				}
				if tc.check != nil {
					if msg := tc.check(r.Body); msg != "" {
						t.Errorf("%s: %s", tc.name, msg)
					}
				}
				if after := snapshot(); after != before {
					t.Fatalf("%s changed the request: %s → %s", tc.name, before, after)
				}
			}
		})
	}
}
