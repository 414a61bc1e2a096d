package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
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
)

// Partners of the pseudo world: one without an endpoint, one on HTTP that
// refuses every requesting agency message.
const (
	pseudoHeldPartner    = ill.AgencyID("US-PSHELD")
	pseudoRefusedPartner = ill.AgencyID("US-PSREF")
)

// partnerPages is what the partner pages of the pseudo world show.
type partnerPages struct {
	Hosted, Held, Refused string // request ids
	Message               int64  // the refused message
	RoundTrip             string // ?rt= of a finished StatusRequest round trip
}

var (
	pseudoPartnerMu    sync.Mutex
	pseudoPartnerPages = map[*pseudoWorld]*partnerPages{}
)

// pseudoPartners gives the pseudo world traffic with three partners: a
// hosted lender answering a StatusRequest, a partner without endpoint
// (held), and one that refuses (dead, with a message waiting behind).
func pseudoPartners(t *testing.T, pw *pseudoWorld) *partnerPages {
	pw.Once("partners", func() {
		ctx := context.Background()
		refuser := partnersRefuser(t)
		pw.Known(string(pseudoHeldPartner), string(pseudoHeldPartner)+" Library", string(pseudoRefusedPartner), string(pseudoRefusedPartner)+" Library",
			"Hosted partner title", "Held partner title", "Refused partner title")
		for id, u := range map[ill.AgencyID]string{pseudoHeldPartner: "", pseudoRefusedPartner: refuser.URL} {
			e := directory.Entry{ID: id, Name: string(id) + " Library", Status: directory.StatusActive,
				Endpoint: directory.Endpoint{URL: u, Auth: directory.Auth{Outbound: directory.AuthNone}}}
			if u != "" {
				e.Endpoint.Version = directory.Version12
			}
			if _, err := pw.App.PutDirectoryEntry(ctx, ill.SystemActor(), e); err != nil {
				t.Fatal(err)
			}
		}
		run := func() {
			if _, err := pw.App.Jobs.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		mgr := pw.actor("manager")
		pp := &partnerPages{}
		hosted := pseudoRequest(t, pw, "Hosted partner title")
		run()
		rt, err := pw.App.SendStatusRequest(ctx, mgr, lendingPartner, hosted.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		run()
		pp.Hosted, pp.RoundTrip = hosted.PublicID, fmt.Sprintf("%s:%d", hosted.PublicID, rt.Sent.ID)
		for _, p := range []struct {
			to    ill.AgencyID
			title string
			id    *string
		}{{pseudoHeldPartner, "Held partner title", &pp.Held}, {pseudoRefusedPartner, "Refused partner title", &pp.Refused}} {
			r, err := pw.App.CreateRequest(ctx, mgr, app.NewRequest{Citation: ill.Citation{Title: p.title}, Lenders: []app.RotaChoice{{Lender: p.to, Reason: "test"}}, Send: true})
			if err != nil {
				t.Fatal(err)
			}
			pw.Known(r.PublicID)
			*p.id = r.PublicID
		}
		run()
		for range 2 {
			if _, err := pw.App.Perform(ctx, mgr, pp.Refused, ill.ActStatusRequest, nil, 0); err != nil {
				t.Fatal(err)
			}
		}
		run()
		vs, err := pw.App.RequestMessages(ctx, mgr, pp.Refused)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			if v.State == app.MsgRefused {
				pp.Message = v.ID
			}
		}
		if pp.Message == 0 {
			t.Fatalf("no refused message: %+v", vs)
		}
		pseudoPartnerMu.Lock()
		pseudoPartnerPages[pw] = pp
		pseudoPartnerMu.Unlock()
	})
	pseudoPartnerMu.Lock()
	defer pseudoPartnerMu.Unlock()
	pp := pseudoPartnerPages[pw]
	if pp == nil {
		t.Fatal("the partner pages' data could not be set up (see the first failure)")
	}
	return pp
}

// partnersRefuser is an ISO 18626 endpoint that confirms requests and
// refuses every requesting agency message with an ERROR confirmation.
func partnersRefuser(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		in, err := iso18626.Parse(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c := wire.Confirmation{OK: true}
		if in.RequestingAgencyMessage != nil {
			c = wire.Confirmation{ErrorType: "UnsupportedActionType", ErrorValue: "not today"}
		}
		cm, err := wire.Confirm(in, time.Now(), c)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		out, _ := iso18626.Marshal(cm)
		w.Header().Set("Content-Type", "application/xml")
		_, _ = w.Write(out)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func init() {
	addPseudoPage(
		pseudoPage{Page: "partners_list", As: "manager", Path: "/partners",
			Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string { pseudoPartners(t, pw); return "" }},
		pseudoPage{Page: "partners_list", Name: "partners_list/readonly", As: "readonly", Path: "/partners?q=PSREF",
			Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string { pseudoPartners(t, pw); return "" }},
		pseudoPage{Page: "partners_page", Name: "partners_page/hosted", As: "manager",
			Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
				pp := pseudoPartners(t, pw)
				return "/partners/" + string(lendingPartner) + "?rt=" + url.QueryEscape(pp.RoundTrip)
			}},
		pseudoPage{Page: "partners_page", Name: "partners_page/held", As: "manager", Path: "/partners/" + string(pseudoHeldPartner),
			Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string { pseudoPartners(t, pw); return "" }},
		pseudoPage{Page: "partners_page", Name: "partners_page/refused", As: "borrowing", Path: "/partners/" + string(pseudoRefusedPartner),
			Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string { pseudoPartners(t, pw); return "" }},
		pseudoPage{Page: "partners_message", As: "manager",
			Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
				pp := pseudoPartners(t, pw)
				return fmt.Sprintf("/requests/%s/messages/%d", pp.Refused, pp.Message)
			}},
		pseudoPage{Page: "request_detail", Name: "request_detail/messages", As: "manager",
			Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
				pp := pseudoPartners(t, pw)
				return fmt.Sprintf("/requests/%s?open=%d", pp.Refused, pp.Message)
			}},
	)
}

var partnersPolling = regexp.MustCompile(`hx-trigger="every 2s"`)

// The partner pages over HTTP: the refused message with its re-drive, the
// message body as an htmx fragment, and a test StatusRequest whose round
// trip panel polls until the answer is in.
func TestPartnerPagesOverHTTP(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{Workers: 2})
	w.Agency(t, "US-EXA", "Borrower")
	w.Agency(t, "US-EXB", "Lender")
	ctx := context.Background()
	mgr := app.ActorFor(w.User(t, "mia@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleManager}), "US-EXA")
	w.User(t, "rory@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleReadOnly})
	refuser := partnersRefuser(t)
	if _, err := w.App.PutDirectoryEntry(ctx, ill.SystemActor(), directory.Entry{ID: "US-EXX", Name: "Refuser", Status: directory.StatusActive,
		Endpoint: directory.Endpoint{URL: refuser.URL, Version: directory.Version2021, Auth: directory.Auth{Outbound: directory.AuthNone}}}); err != nil {
		t.Fatal(err)
	}
	send := func(to ill.AgencyID, title string) string {
		r, err := w.App.CreateRequest(ctx, mgr, app.NewRequest{Citation: ill.Citation{Title: title}, Lenders: []app.RotaChoice{{Lender: to, Reason: "test"}}, Send: true})
		if err != nil {
			t.Fatal(err)
		}
		return r.PublicID
	}
	refused, hosted := send("US-EXX", "Refused"), send("US-EXB", "Hosted")
	partnersWait(t, w, "the requests delivered", func() bool {
		return partnerMsgState(t, w, mgr, refused, 0) == app.MsgSent && partnerMsgState(t, w, mgr, hosted, 0) == app.MsgDelivered
	})
	if _, err := w.App.Perform(ctx, mgr, refused, ill.ActStatusRequest, nil, 0); err != nil {
		t.Fatal(err)
	}
	partnersWait(t, w, "the StatusRequest refused", func() bool { return partnerMsgState(t, w, mgr, refused, 1) == app.MsgRefused })
	vs, _ := w.App.RequestMessages(ctx, mgr, refused)
	mid := vs[1].ID

	c := w.Client(t)
	c.Login("mia@example.edu")
	list := c.Get("/partners")
	mustStatus(t, "partner list", list, http.StatusOK)
	if !strings.Contains(list.Body, "Partners with messages that wait") || !strings.Contains(list.Body, `href="/partners/US-EXX"`) {
		t.Errorf("the list does not put the refusing partner first:\n%s", list.Body)
	}
	page := c.Get("/partners/US-EXX")
	mustStatus(t, "partner page", page, http.StatusOK)
	for _, want := range []string{"Refused or failed", "ERROR UnsupportedActionType not today", fmt.Sprintf("/partners/US-EXX/messages/%d/redrive", mid), "50.0%"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("partner page lacks %q", want)
		}
	}
	// The request's timeline lists its messages; opening one loads its
	// body (htmx) with the XML indented and highlighted.
	req := c.Get("/requests/" + refused)
	if !strings.Contains(req.Body, fmt.Sprintf(`hx-get="/requests/%s/messages/%d"`, refused, mid)) || !strings.Contains(req.Body, "Refused") {
		t.Errorf("request page messages:\n%s", req.Body)
	}
	frag := partnersHXGet(t, c, w.URL+fmt.Sprintf("/requests/%s/messages/%d", refused, mid))
	if strings.Contains(frag, "<html") || !strings.Contains(frag, `<span class="x-tag">&lt;ISO18626Message</span>`) || !strings.Contains(frag, "Delivery attempts") {
		t.Errorf("message fragment:\n%s", frag)
	}
	// Re-drive: the refuser refuses again, and the page says so.
	res := c.Post(fmt.Sprintf("/partners/US-EXX/messages/%d/redrive", mid), url.Values{"back": {"/partners/US-EXX"}})
	if res.Status != http.StatusSeeOther || res.Location != "/partners/US-EXX" {
		t.Fatalf("re-drive: %d %s", res.Status, res.Location)
	}
	if page := c.Get("/partners/US-EXX"); !strings.Contains(page.Body, "is back in the queue") {
		t.Errorf("no flash after the re-drive")
	}
	partnersWait(t, w, "the re-driven message refused again", func() bool {
		vs, _ := w.App.RequestMessages(ctx, mgr, refused)
		return vs[1].State == app.MsgRefused && vs[1].Attempts == 2
	})
	// A read-only clerk sees the page but may not re-drive.
	ro := w.Client(t)
	ro.Login("rory@example.edu")
	if page := ro.Get("/partners/US-EXX"); page.Status != 200 || strings.Contains(page.Body, "/redrive") {
		t.Errorf("read-only partner page: %d, re-drive offered: %v", page.Status, strings.Contains(page.Body, "/redrive"))
	}
	if res := ro.Post(fmt.Sprintf("/partners/US-EXX/messages/%d/redrive", mid), nil); res.Status != http.StatusForbidden {
		t.Errorf("read-only re-drive: %d", res.Status)
	}

	// A test StatusRequest to the hosted lender, as htmx sends it.
	if page := c.Get("/partners/US-EXB"); !strings.Contains(page.Body, `<option value="`+hosted+`"`) {
		t.Fatalf("no request to test with:\n%s", page.Body)
	}
	panel := partnersHXPost(t, c, w.URL+"/partners/US-EXB/status-request", url.Values{"request": {hosted}, "csrf": {c.CSRF}})
	if !strings.Contains(panel, `id="roundtrip"`) || !strings.Contains(panel, "StatusRequest") {
		t.Fatalf("round trip panel:\n%s", panel)
	}
	poll := regexp.MustCompile(`hx-get="([^"]+)"`).FindStringSubmatch(panel)
	deadline := time.Now().Add(20 * time.Second)
	for partnersPolling.MatchString(panel) {
		if time.Now().After(deadline) {
			t.Fatalf("the round trip never finished:\n%s", panel)
		}
		w.App.Jobs.Kick()
		time.Sleep(20 * time.Millisecond)
		panel = partnersHXGet(t, c, w.URL+poll[1])
	}
	for _, want := range []string{"StatusRequestResponse", "The library answered:", ">OK<"} {
		if !strings.Contains(panel, want) {
			t.Errorf("finished round trip lacks %q:\n%s", want, panel)
		}
	}
	// Without script the form posts and the page shows the round trip.
	res = c.Post("/partners/US-EXB/status-request", url.Values{"request": {hosted}})
	if res.Status != http.StatusSeeOther || !strings.Contains(res.Location, "?rt=") {
		t.Fatalf("status request without htmx: %d %s", res.Status, res.Location)
	}
	if page := c.Get(res.Location); !strings.Contains(page.Body, `id="roundtrip"`) {
		t.Errorf("the page does not show the round trip")
	}
	// Bad input: another partner's request changes nothing.
	n := len(partnerMsgs(t, w, mgr, refused))
	res = c.Post("/partners/US-EXB/status-request", url.Values{"request": {refused}})
	if res.Status != http.StatusSeeOther || len(partnerMsgs(t, w, mgr, refused)) != n {
		t.Errorf("a StatusRequest about another partner's request: %d, messages %d → %d", res.Status, n, len(partnerMsgs(t, w, mgr, refused)))
	}
	if page := c.Get("/partners/US-EXB"); !strings.Contains(page.Body, "No StatusRequest can be sent about request "+refused) {
		t.Errorf("no explanation after the refused test")
	}
	if res := c.Get("/partners/US-NOPE"); res.Status != http.StatusNotFound {
		t.Errorf("unknown partner: %d", res.Status)
	}
}

func partnerMsgs(t *testing.T, w *apptest.World, actor ill.Actor, id string) []app.MessageView {
	t.Helper()
	vs, err := w.App.RequestMessages(context.Background(), actor, id)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

func partnerMsgState(t *testing.T, w *apptest.World, actor ill.Actor, id string, n int) string {
	vs := partnerMsgs(t, w, actor, id)
	var out []app.MessageView
	for _, v := range vs {
		if v.Direction == "out" {
			out = append(out, v)
		}
	}
	if n >= len(out) {
		return ""
	}
	return out[n].State
}

func partnersWait(t *testing.T, w *apptest.World, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		w.App.Jobs.Kick()
		time.Sleep(10 * time.Millisecond)
	}
}

func partnersHXGet(t *testing.T, c *apptest.Client, u string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return partnersHXDo(t, c, req)
}

func partnersHXPost(t *testing.T, c *apptest.Client, u string, form url.Values) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return partnersHXDo(t, c, req)
}

func partnersHXDo(t *testing.T, c *apptest.Client, req *http.Request) string {
	t.Helper()
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-CSRF-Token", c.CSRF)
	res, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s %s (htmx): %d\n%s", req.Method, req.URL.Path, res.StatusCode, b)
	}
	return string(b)
}
