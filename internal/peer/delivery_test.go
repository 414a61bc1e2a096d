package peer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// pdf is a small document as a partner's delivery server would serve it.
var pdf = append([]byte("%PDF-1.4\n% a scanned article\n"), bytes.Repeat([]byte("0123456789abcdef\n"), 100)...)

// fileHost is a partner's delivery server.
type fileHost struct {
	srv     *httptest.Server
	hits    sync.Map // path -> *atomic.Int32
	release chan struct{}
}

func (h *fileHost) hit(path string) int32 {
	v, _ := h.hits.LoadOrStore(path, new(atomic.Int32))
	return v.(*atomic.Int32).Add(1)
}

func (h *fileHost) count(path string) int32 {
	v, _ := h.hits.LoadOrStore(path, new(atomic.Int32))
	return v.(*atomic.Int32).Load()
}

func newFileHost(t testing.TB, ln net.Listener, other string) *fileHost {
	h := &fileHost{release: make(chan struct{})}
	mux := http.NewServeMux()
	serve := func(ctype string, body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			_, _ = w.Write(body)
		}
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		n := h.hit(r.URL.Path)
		switch r.URL.Path {
		case "/d/article.pdf", "/steal.pdf":
			serve("application/pdf", pdf)(w, r)
		case "/d/named":
			w.Header().Set("Content-Disposition", `attachment; filename="Okafor 2024.pdf"`)
			serve("application/octet-stream", pdf)(w, r)
		case "/d/later.pdf": // not published yet on the first try
			if n == 1 {
				http.NotFound(w, r)
				return
			}
			serve("application/pdf", pdf)(w, r)
		case "/d/big.pdf":
			serve("application/pdf", bytes.Repeat([]byte("%PDF-1.4 "), 1000))(w, r)
		case "/d/big-unannounced.pdf": // no Content-Length: caught while streaming
			w.Header().Set("Content-Type", "application/pdf")
			for range 10 {
				_, _ = w.Write(bytes.Repeat([]byte("x"), 1000))
				w.(http.Flusher).Flush()
			}
		case "/d/login":
			serve("application/pdf", []byte("<!DOCTYPE html><html><body>Please log in</body></html>"))(w, r)
		case "/d/page.html":
			serve("text/html", []byte("<html>hello</html>"))(w, r)
		case "/d/archive.zip":
			serve("application/zip", []byte("PK\x03\x04 not a document"))(w, r)
		case "/d/gone.pdf":
			http.Error(w, "gone", http.StatusGone)
		case "/d/moved.pdf":
			http.Redirect(w, r, "/d/article.pdf", http.StatusFound)
		case "/d/elsewhere.pdf":
			http.Redirect(w, r, other+"/steal.pdf", http.StatusFound)
		case "/d/slow.pdf":
			<-h.release
			serve("application/pdf", pdf)(w, r)
		default:
			http.NotFound(w, r)
		}
	})
	h.srv = httptest.NewUnstartedServer(mux)
	h.srv.Listener.Close()
	h.srv.Listener = ln
	h.srv.Start()
	t.Cleanup(h.srv.Close)
	return h
}

// deliveryRig is a site whose partner US-EXREQ delivers from 127.0.0.1
// (registered) while 127.0.0.2 is another, unregistered host.
type deliveryRig struct {
	*site
	files, other *fileHost
}

func newDeliveryRig(t *testing.T, o siteOptions) *deliveryRig {
	t.Helper()
	ln1, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln2, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatalf("a second loopback address is needed for an unregistered host: %v", err)
	}
	other := newFileHost(t, ln2, "")
	files := newFileHost(t, ln1, other.srv.URL)
	o.deliveryHosts = []string{"127.0.0.1"}
	o.partnerHost = "localhost" // so that the endpoint's host does not register 127.0.0.1 by itself
	o.workers = 2
	s := newSite(t, o)
	// A small cap, so that "too large" is quick to test.
	if err := s.w.App.DB.Transact(context.Background(), func(tx *store.Tx) error {
		return tx.Agency().PutSetting(hosted, app.MaxFileSizeSetting, "4096", 0)
	}); err != nil {
		t.Fatal(err)
	}
	return &deliveryRig{site: s, files: files, other: other}
}

// copyCompleted has US-EXREQ deliver a copy of b at url.
func (d *deliveryRig) copyCompleted(t testing.TB, b *ill.Request, url string, v iso18626.Version) reply {
	t.Helper()
	m := sam(pBasic, b.PublicID, ill.ReasonStatusChange, ill.StatusCopyCompleted, d.tick())
	m.DeliveryURL, m.DeliveredService, m.DeliveredFormat = url, ill.Copy, "PDF"
	return d.sendMessage(t, m, v)
}

// fetchJob waits for the request's fetch job to end and returns its state.
// While the job waits for its next attempt, the fake clock is moved to it
// (never while it runs: its lease would run out).
func (d *deliveryRig) fetchJob(t testing.TB, ref string) store.JobState {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var state string
		var runAt int64
		err := d.w.App.DB.SQL().QueryRowContext(context.Background(),
			`SELECT state, run_at FROM jobs WHERE kind = $1 AND ref = $2 ORDER BY id DESC LIMIT 1`, app.KindDeliveryFetch, ref).Scan(&state, &runAt)
		switch {
		case err == nil && (state == string(store.JobDone) || state == string(store.JobDead)):
			return store.JobState(state)
		case err == nil && state == string(store.JobReady):
			if wait := time.UnixMicro(runAt).Sub(d.w.Clock.Now()); wait > 0 {
				d.w.Clock.Advance(wait + time.Second)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the fetch job for %s did not end (state %q, %v)", ref, state, err)
		}
		d.w.App.Jobs.Kick()
		time.Sleep(5 * time.Millisecond)
	}
}

// eventReason is the reason recorded with a delivery_failed event.
func eventReason(t testing.TB, ev ill.Event) string {
	t.Helper()
	var data struct{ Reason string }
	if err := json.Unmarshal(ev.Data, &data); err != nil {
		t.Fatal(err)
	}
	return data.Reason
}

// TestDeliveryFetch checks document delivery by URL on both engines: the
// file is fetched from registered hosts only, in a job, checked, stored
// and offered to the patron through our own link.
func TestDeliveryFetch(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			d := newDeliveryRig(t, siteOptions{engine: e})
			base := d.files.srv.URL
			cases := []struct {
				name, path string
				v          iso18626.Version
				ok         bool
				fileName   string
				reason     string // in the failure event
			}{
				{name: "allowed host", path: "/d/article.pdf", ok: true, fileName: "article.pdf"},
				{name: "v1.2 note line", path: "/d/article.pdf?v=12", v: iso18626.V1_2, ok: true, fileName: "article.pdf"},
				{name: "name from Content-Disposition, type sniffed", path: "/d/named", ok: true, fileName: "Okafor 2024.pdf"},
				{name: "redirect on the same host", path: "/d/moved.pdf", ok: true, fileName: "moved.pdf"},
				{name: "404 then success on retry", path: "/d/later.pdf", ok: true, fileName: "later.pdf"},
				{name: "redirect to another host", path: "/d/elsewhere.pdf", reason: "redirected to a host not registered"},
				{name: "too large (announced)", path: "/d/big.pdf", reason: "over the size limit"},
				{name: "too large (streamed)", path: "/d/big-unannounced.pdf", reason: "over the size limit"},
				{name: "login page served as a PDF", path: "/d/login", reason: `type "text/html"`},
				{name: "HTML", path: "/d/page.html", reason: `type "text/html"`},
				{name: "not a document type", path: "/d/archive.zip", reason: `type "application/zip"`},
				{name: "gone", path: "/d/gone.pdf", reason: "410"},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					if c.v == 0 {
						c.v = iso18626.V2021
					}
					b := d.borrow(t, pBasic, ill.Copy)
					if r := d.copyCompleted(t, b, base+c.path, c.v); !r.ok() {
						t.Fatalf("CopyCompleted: %s", r)
					}
					state := d.fetchJob(t, b.PublicID)
					r := d.request(t, hosted, b.PublicID)
					if r.State != ill.BCompleted {
						t.Errorf("request %s, want %s", r.State, ill.BCompleted)
					}
					ev := d.lastEvent(t, hosted, b.PublicID)
					f, ferr := d.w.App.DeliveredFile(context.Background(), staffOf(hosted), b.PublicID)
					if !c.ok {
						if state != store.JobDead || ev.Type != "delivery_failed" || !strings.Contains(eventReason(t, ev), c.reason) {
							t.Errorf("job %s, last event %s %s; want a dead job and delivery_failed saying %q", state, ev.Type, ev.Data, c.reason)
						}
						if !r.Attention || r.AttentionReason != "delivery_failed" {
							t.Errorf("attention %v %q, want the request flagged delivery_failed", r.Attention, r.AttentionReason)
						}
						if ferr == nil {
							t.Errorf("a file was kept: %+v", f)
						}
						return
					}
					if state != store.JobDone || ev.Type != "delivery_fetched" {
						t.Fatalf("job %s, last event %s %s", state, ev.Type, ev.Data)
					}
					if ferr != nil {
						t.Fatal(ferr)
					}
					if f.Name != c.fileName || f.ContentType != "application/pdf" || f.Size != int64(len(pdf)) || f.RequestRef != b.PublicID {
						t.Errorf("file %q %s %d bytes for %q, want %q application/pdf %d bytes for %s", f.Name, f.ContentType, f.Size, f.RequestRef, c.fileName, len(pdf), b.PublicID)
					}
				})
			}
			if n := d.other.count("/steal.pdf"); n != 0 {
				t.Errorf("the unregistered host was asked %d times", n)
			}
			if n := d.files.count("/d/later.pdf"); n != 2 {
				t.Errorf("the late file was asked %d times, want 2 (404, then 200)", n)
			}
		})
	}
}

// TestDeliveryDoesNotHoldTheConfirmation confirms a CopyCompleted while
// the partner's file server has not answered yet.
func TestDeliveryDoesNotHoldTheConfirmation(t *testing.T) {
	t.Parallel()
	d := newDeliveryRig(t, siteOptions{})
	b := d.borrow(t, pBasic, ill.Copy)
	r := d.copyCompleted(t, b, d.files.srv.URL+"/d/slow.pdf", iso18626.V2021)
	if !r.ok() {
		t.Fatalf("CopyCompleted: %s", r)
	}
	if _, err := d.w.App.DeliveredFile(context.Background(), staffOf(hosted), b.PublicID); !ill.Is(err, ill.NotFound) {
		t.Fatalf("a file before the server answered: %v", err)
	}
	close(d.files.release)
	if state := d.fetchJob(t, b.PublicID); state != store.JobDone {
		t.Fatalf("job %s", state)
	}
}

// TestDeliveryJobChecksTheDirectory schedules a fetch the endpoint would
// have refused (as if the host was removed from the directory after the
// message came): the job refuses it too, and scheduling twice makes one job.
func TestDeliveryJobChecksTheDirectory(t *testing.T) {
	t.Parallel()
	d := newDeliveryRig(t, siteOptions{})
	b := d.borrow(t, pBasic, ill.Copy)
	ctx := context.Background()
	url := d.other.srv.URL + "/steal.pdf"
	for range 2 {
		if err := d.w.App.ScheduleDeliveryFetch(ctx, hosted, pBasic, b.PublicID, url); err != nil {
			t.Fatal(err)
		}
	}
	if state := d.fetchJob(t, b.PublicID); state != store.JobDead {
		t.Fatalf("job %s, want dead", state)
	}
	if n := d.count(t, `SELECT count(*) FROM jobs WHERE kind = '`+app.KindDeliveryFetch+`'`); n != 1 {
		t.Errorf("%d fetch jobs, want 1", n)
	}
	if n := d.other.count("/steal.pdf"); n != 0 {
		t.Errorf("the unregistered host was asked %d times", n)
	}
	if ev := d.lastEvent(t, hosted, b.PublicID); ev.Type != "delivery_failed" || !strings.Contains(eventReason(t, ev), "not one of the partner's delivery hosts") {
		t.Errorf("last event %s %s", ev.Type, ev.Data)
	}
}

// TestDeliveredFileReachesThePatron follows a copy from the partner's
// URL to the patron's browser through our own expiring link.
func TestDeliveredFileReachesThePatron(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			d := newDeliveryRig(t, siteOptions{engine: e})
			ctx := context.Background()
			u := d.w.User(t, "pat@example.edu", ill.Grant{Agency: hosted, Role: ill.RolePatron})
			other := d.w.User(t, "someone@example.edu", ill.Grant{Agency: hosted, Role: ill.RolePatron})
			patron := ill.Actor{Kind: ill.ActorPatron, UserID: u.ID, Agency: hosted, Grants: ill.Grants{{Agency: hosted, Role: ill.RolePatron}}}
			r, err := d.w.App.CreateRequest(ctx, patron, app.NewRequest{ServiceType: ill.Copy,
				Citation: ill.Citation{Title: "Journal of examples", ArticleTitle: "On examples", ISSN: "1072-303X", PublicationType: ill.PubArticle}})
			if err != nil {
				t.Fatal(err)
			}
			if err := d.w.App.AddLender(ctx, staffOf(hosted), r.PublicID, app.RotaChoice{Lender: pBasic, Reason: "test"}, 0); err != nil {
				t.Fatal(err)
			}
			d.perform(t, hosted, r.PublicID, ill.ActSend, nil)
			if _, err := d.w.App.DeliveryLink(ctx, patron, r.PublicID, 0); !ill.Is(err, ill.NotFound) {
				t.Errorf("a link before delivery: %v", err)
			}
			if rep := d.copyCompleted(t, r, d.files.srv.URL+"/d/article.pdf", iso18626.V2021); !rep.ok() {
				t.Fatalf("CopyCompleted: %s", rep)
			}
			if state := d.fetchJob(t, r.PublicID); state != store.JobDone {
				t.Fatalf("job %s", state)
			}
			stranger := ill.Actor{Kind: ill.ActorPatron, UserID: other.ID, Agency: hosted, Grants: ill.Grants{{Agency: hosted, Role: ill.RolePatron}}}
			if _, err := d.w.App.DeliveryLink(ctx, stranger, r.PublicID, 0); !ill.Is(err, ill.NotFound) {
				t.Errorf("another patron got a link: %v", err)
			}
			link, err := d.w.App.DeliveryLink(ctx, patron, r.PublicID, 14*24*time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(link.URL, d.w.URL+"/files/") || strings.Contains(link.URL, d.files.srv.URL) {
				t.Errorf("the patron's link %q is not ours", link.URL)
			}
			path := strings.TrimPrefix(link.URL, d.w.URL)
			c := d.w.Client(t)
			c.Login("pat@example.edu")
			got := c.Get(path)
			if got.Status != http.StatusOK || got.Body != string(pdf) || !strings.HasPrefix(got.Header.Get("Content-Type"), "application/pdf") {
				t.Errorf("download: %d %s, %d bytes", got.Status, got.Header.Get("Content-Type"), len(got.Body))
			}
			c2 := d.w.Client(t)
			c2.Login("someone@example.edu")
			if got := c2.Get(path); got.Status != http.StatusForbidden {
				t.Errorf("another patron's download: %d, want 403", got.Status)
			}
		})
	}
}
