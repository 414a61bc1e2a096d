package web_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/config"
	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

func init() {
	addPseudoPage(pseudoPage{Page: "files_list", As: "lending", Path: "/stored-files",
		Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
			pw.Known("pseudo scan.pdf", "PSA-1")
			if _, err := pw.App.StoreFile(context.Background(), pw.actor("lending"), pw.Agency, strings.NewReader("%PDF"),
				app.FileMeta{Name: "pseudo scan.pdf", ContentType: "application/pdf", Purpose: app.FileScan, RequestRef: "PSA-1"}); err != nil {
				t.Fatal(err)
			}
			return ""
		}})
}

// uploadFile posts a multipart form with one file, streamed through a pipe.
// With header, the CSRF token travels as X-CSRF-Token (as htmx sends it);
// without, as a form field (a browser without JavaScript).
func uploadFile(t *testing.T, w *apptest.World, c *apptest.Client, fields map[string]string, name string, content []byte, header bool) (int, string) {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		if !header {
			_ = mw.WriteField("csrf", c.CSRF)
		}
		for k, v := range fields {
			_ = mw.WriteField(k, v)
		}
		fw, err := mw.CreateFormFile("file", name)
		if err == nil {
			_, err = io.Copy(fw, bytes.NewReader(content))
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest(http.MethodPost, w.URL+"/stored-files/upload", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if header {
		req.Header.Set("X-CSRF-Token", c.CSRF)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

func fileContent(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.NewChaCha8([32]byte{byte(n)}).Read(b)
	return b
}

// fileSite is a world with one library, its lending staff and two patrons.
type fileSite struct {
	w                *apptest.World
	lender           ill.Actor
	patronA, patronB store.User
	staff, ann, bob  *apptest.Client
}

func newFileSite(t *testing.T, o apptest.Options) *fileSite {
	t.Helper()
	w := apptest.New(t, o)
	w.Agency(t, "US-EXA", "Example A")
	lu := w.User(t, "lend@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleLending})
	s := &fileSite{w: w, lender: app.ActorFor(lu, "US-EXA"),
		patronA: w.User(t, "ann@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RolePatron}),
		patronB: w.User(t, "bob@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RolePatron})}
	s.staff, s.ann, s.bob = w.Client(t), w.Client(t), w.Client(t)
	s.staff.Login("lend@example.edu")
	s.ann.Login("ann@example.edu")
	s.bob.Login("bob@example.edu")
	return s
}

// only returns the agency's one stored file.
func (s *fileSite) only(t *testing.T) store.File {
	t.Helper()
	fs, err := s.w.App.ListFiles(context.Background(), s.lender, "US-EXA", store.FileFilter{})
	if err != nil || len(fs) != 1 {
		t.Fatalf("stored files: %v, %v; want one", fs, err)
	}
	return fs[0]
}

func (s *fileSite) linkFor(t *testing.T, f store.File, req app.LinkRequest) app.Link {
	t.Helper()
	req.File = f.PublicID
	l, err := s.w.App.CreateDownloadLink(context.Background(), s.lender, "US-EXA", req)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func eachFileEngine(t *testing.T, fn func(t *testing.T, e store.Engine)) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			fn(t, e)
		})
	}
}

func TestUploadAndUserBoundLink(t *testing.T) {
	t.Parallel()
	eachFileEngine(t, func(t *testing.T, e store.Engine) {
		s := newFileSite(t, apptest.Options{Engine: e})
		content := fileContent(700 << 10)
		status, loc := uploadFile(t, s.w, s.staff, map[string]string{"purpose": "scan", "request": "B100"}, "Smith 2019 \"Ch. 3\".pdf", content, true)
		if status != http.StatusSeeOther || loc != "/stored-files" {
			t.Fatalf("upload: %d %q", status, loc)
		}
		if r := s.staff.Get("/stored-files"); !strings.Contains(r.Body, "Stored Smith 2019 Ch. 3.pdf (700 KiB).") || !strings.Contains(r.Body, "B100") {
			t.Errorf("files page after upload:\n%s", r.Body)
		}
		f := s.only(t)
		l := s.linkFor(t, f, app.LinkRequest{UserID: s.patronA.ID, MaxDownloads: 2, TTL: 24 * time.Hour})
		path := strings.TrimPrefix(l.URL, s.w.URL)

		// Anonymous: to the login page, and back here afterwards.
		anon := s.w.Client(t)
		if r := anon.Get(path); r.Status != http.StatusSeeOther || r.Location != "/login?next="+path {
			t.Errorf("anonymous: %d %q, want the login page", r.Status, r.Location)
		}
		anon.Get("/login")
		if r := anon.Post("/login", url.Values{"email": {"ann@example.edu"}, "password": {apptest.Password}, "next": {path}}); r.Location != path {
			t.Errorf("after logging in: to %q, want back to %q", r.Location, path)
		}
		// Another patron: refused, clearly.
		if r := s.bob.Get(path); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "made for someone else") {
			t.Errorf("another patron: %d\n%s", r.Status, r.Body)
		}
		// HEAD tells without using a download.
		req, _ := http.NewRequest(http.MethodHead, s.w.URL+path, nil)
		resp, err := s.ann.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.ContentLength != int64(len(content)) {
			t.Errorf("HEAD: %d, length %d", resp.StatusCode, resp.ContentLength)
		}
		// The patron downloads it, twice.
		for i := range 2 {
			r := s.ann.Get(path)
			if r.Status != http.StatusOK || !bytes.Equal([]byte(r.Body), content) {
				t.Fatalf("download %d: %d, %d bytes", i+1, r.Status, len(r.Body))
			}
			want := map[string]string{
				"Content-Type":           "application/pdf",
				"Content-Length":         "716800",
				"Content-Disposition":    `inline; filename="Smith 2019 Ch. 3.pdf"; filename*=UTF-8''Smith%202019%20Ch.%203.pdf`,
				"Cache-Control":          "private, no-store",
				"X-Content-Type-Options": "nosniff",
				"Referrer-Policy":        "no-referrer",
			}
			for k, v := range want {
				if got := r.Header.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
		}
		if r := s.ann.Get(path); r.Status != http.StatusGone || !strings.Contains(r.Body, "used as many times as allowed") {
			t.Errorf("third download of two: %d\n%s", r.Status, r.Body)
		}
		// Expired, by the clock.
		l2 := s.linkFor(t, f, app.LinkRequest{UserID: s.patronA.ID, TTL: time.Hour})
		s.w.Clock.Advance(time.Hour)
		if r := s.ann.Get(strings.TrimPrefix(l2.URL, s.w.URL)); r.Status != http.StatusGone || !strings.Contains(r.Body, "has expired") {
			t.Errorf("expired link: %d\n%s", r.Status, r.Body)
		}
		if r := s.ann.Get("/files/not-a-real-token"); r.Status != http.StatusNotFound || !strings.Contains(r.Body, "not valid") {
			t.Errorf("unknown link: %d\n%s", r.Status, r.Body)
		}
	})
}

func TestPartnerLinkOverHTTP(t *testing.T) {
	t.Parallel()
	s := newFileSite(t, apptest.Options{})
	f, err := s.w.App.StoreFile(context.Background(), s.lender, "US-EXA", strings.NewReader("the scan"), app.FileMeta{Name: "scan.tif", ContentType: "image/tiff", Purpose: app.FileScan})
	if err != nil {
		t.Fatal(err)
	}
	l := s.linkFor(t, f, app.LinkRequest{Partner: "US-PAR", MaxDownloads: 10})
	get := func(u, bearer string) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, body := get(l.URL, "")
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" || !strings.Contains(body, "for a partner library") {
		t.Errorf("no credential: %d %q\n%s", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body)
	}
	if resp, body := get(l.URL, "forged"); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "does not match") {
		t.Errorf("wrong credential: %d\n%s", resp.StatusCode, body)
	}
	if resp, body := get(l.URL+"?sig=forged", ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("wrong signature: %d\n%s", resp.StatusCode, body)
	}
	for name, try := range map[string][2]string{"bearer": {l.URL, l.Credential}, "signed URL": {l.SignedURL, ""}} {
		resp, body := get(try[0], try[1])
		if resp.StatusCode != http.StatusOK || body != "the scan" {
			t.Errorf("%s: %d %q", name, resp.StatusCode, body)
		}
		if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
			t.Errorf("%s: a TIFF is saved, not shown: %q", name, cd)
		}
	}
	// A logged-in user is not the partner.
	if r := s.ann.Get(strings.TrimPrefix(l.URL, s.w.URL)); r.Status != http.StatusUnauthorized {
		t.Errorf("a patron on a partner link: %d", r.Status)
	}
}

func TestUploadRefused(t *testing.T) {
	t.Parallel()
	s := newFileSite(t, apptest.Options{})
	if err := s.w.App.DB.Transact(context.Background(), func(tx *store.Tx) error {
		return tx.Agency().PutSetting("US-EXA", app.MaxFileSizeSetting, "4096", 0)
	}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		client *apptest.Client
		header bool
		fields map[string]string
		size   int
		flash  string
	}{
		{"too large, streamed", s.staff, true, map[string]string{"purpose": "scan"}, 5000, "larger than this library allows"},
		{"too large, parsed form", s.staff, false, map[string]string{"purpose": "scan"}, 5000, "larger than this library allows"},
		{"patron", s.ann, true, map[string]string{"purpose": "scan"}, 10, "does not allow"},
		{"bad purpose", s.staff, true, map[string]string{"purpose": "poster"}, 10, "not valid"},
	}
	for _, c := range cases {
		status, loc := uploadFile(t, s.w, c.client, c.fields, "x.pdf", fileContent(c.size), c.header)
		if status != http.StatusSeeOther || loc != "/stored-files" {
			t.Errorf("%s: %d %q", c.name, status, loc)
		}
		if r := c.client.Get("/stored-files"); !strings.Contains(r.Body, c.flash) {
			t.Errorf("%s: page after upload lacks %q:\n%s", c.name, c.flash, r.Body)
		}
		if fs, _ := s.w.App.ListFiles(context.Background(), s.lender, "US-EXA", store.FileFilter{}); len(fs) != 0 {
			t.Errorf("%s: %d files stored", c.name, len(fs))
		}
	}
	// Without JavaScript the form carries the CSRF token in the body: it
	// works too.
	if status, _ := uploadFile(t, s.w, s.staff, map[string]string{"purpose": "scan"}, "ok.pdf", fileContent(4096), false); status != http.StatusSeeOther {
		t.Errorf("form upload: %d", status)
	}
	if f := s.only(t); f.Name != "ok.pdf" || f.Size != 4096 {
		t.Errorf("stored %+v", f)
	}
}

func TestStaffFilesPageAndDelete(t *testing.T) {
	t.Parallel()
	s := newFileSite(t, apptest.Options{})
	if status, _ := uploadFile(t, s.w, s.staff, map[string]string{"purpose": "slip"}, "slip.pdf", []byte("%PDF slip"), true); status != http.StatusSeeOther {
		t.Fatalf("upload: %d", status)
	}
	f := s.only(t)
	staffPath := "/stored-files/" + f.PublicID + "/slip.pdf"
	if r := s.staff.Get(staffPath); r.Status != http.StatusOK || r.Body != "%PDF slip" || r.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("staff download: %d %q %q", r.Status, r.Body, r.Header.Get("Cache-Control"))
	}
	if r := s.ann.Get(staffPath); r.Status != http.StatusForbidden {
		t.Errorf("patron on the staff route: %d", r.Status)
	}
	if r := s.ann.Get("/stored-files"); r.Status != http.StatusForbidden {
		t.Errorf("patron on the files page: %d", r.Status)
	}
	l := s.linkFor(t, f, app.LinkRequest{UserID: s.patronA.ID})
	s.staff.Get("/stored-files")
	if r := s.staff.Post("/stored-files/"+f.PublicID+"/delete", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d\n%s", r.Status, r.Body)
	}
	if r := s.staff.Get("/stored-files"); !strings.Contains(r.Body, "was deleted") || strings.Contains(r.Body, "slip.pdf") {
		t.Errorf("files page after delete:\n%s", r.Body)
	}
	if r := s.ann.Get(strings.TrimPrefix(l.URL, s.w.URL)); r.Status != http.StatusGone || !strings.Contains(r.Body, "no longer available") {
		t.Errorf("link to a deleted file: %d\n%s", r.Status, r.Body)
	}
}

// TestTwoNodesShareFiles runs two app instances on one PostgreSQL
// database with the database backend: a file uploaded to node 1 is
// downloaded from node 2, whose data folder never holds it.
func TestTwoNodesShareFiles(t *testing.T) {
	t.Parallel()
	dsn := storetest.NewPostgresDatabase(t)
	shared := func(c *config.Config) { c.DB = dsn }
	n1 := newFileSite(t, apptest.Options{Config: shared})
	n2 := apptest.New(t, apptest.Options{Config: shared})
	if n1.w.App.Files.Backend() != "database" || n2.App.Files.Backend() != "database" {
		t.Fatalf("backends %s and %s, want database on PostgreSQL", n1.w.App.Files.Backend(), n2.App.Files.Backend())
	}
	content := fileContent(3<<20 + 123)
	if status, _ := uploadFile(t, n1.w, n1.staff, map[string]string{"purpose": "scan"}, "big scan.pdf", content, true); status != http.StatusSeeOther {
		t.Fatalf("upload to node 1: %d", status)
	}
	f := n1.only(t)
	l := n1.linkFor(t, f, app.LinkRequest{UserID: n1.patronA.ID})
	ann := n2.Client(t)
	ann.Login("ann@example.edu") // sessions are in the shared database too
	r := ann.Get(strings.TrimPrefix(l.URL, n1.w.URL))
	if r.Status != http.StatusOK || !bytes.Equal([]byte(r.Body), content) {
		t.Fatalf("download from node 2: %d, %d bytes (want %d)", r.Status, len(r.Body), len(content))
	}
	staff2 := n2.Client(t)
	staff2.Login("lend@example.edu")
	if r := staff2.Get("/stored-files/" + f.PublicID + "/x.pdf"); r.Status != http.StatusOK || len(r.Body) != len(content) {
		t.Errorf("staff on node 2: %d, %d bytes", r.Status, len(r.Body))
	}
	// One download was used, whichever node served it.
	links, logs, err := n2.App.DownloadLinks(context.Background(), n1.lender, "US-EXA", f.PublicID)
	if err != nil || len(links) != 1 || links[0].Downloads != 1 || logs[links[0].ID][0].Outcome != app.DownloadDone || logs[links[0].ID][0].Bytes != int64(len(content)) {
		t.Errorf("links seen from node 2: %+v %+v %v", links, logs, err)
	}
}
