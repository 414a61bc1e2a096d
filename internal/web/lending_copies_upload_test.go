package web_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
)

// stallingBody sends a prefix, then waits: it ends the body (short of its
// declared length) only when released or after a while, noting whether the
// server was still waiting for more.
type stallingBody struct {
	prefix  io.Reader
	release chan struct{}
	sent    atomic.Int64
	stalled atomic.Bool // the wait ran out: the server wanted more of the body
}

func (b *stallingBody) Read(p []byte) (int, error) {
	n, err := b.prefix.Read(p)
	b.sent.Add(int64(n))
	if n > 0 || !errors.Is(err, io.EOF) {
		return n, err
	}
	select {
	case <-b.release:
	case <-time.After(10 * time.Second):
		b.stalled.Store(true)
	}
	return 0, io.ErrUnexpectedEOF
}

// TestLendingCopyOversizePlainForm: an oversize scan posted by the plain
// form (no JavaScript: no htmx headers, the CSRF token as the form's first
// field) is refused from its declared length, before the scan is read,
// with a clear message and no change to the request. A wrong token in the
// same place is still refused.
func TestLendingCopyOversizePlainForm(t *testing.T) {
	t.Parallel()
	d := newDesk(t, 1)
	ctx := context.Background()
	_, ls := d.loans(t, ill.Copy)
	l := ls[0]
	for _, a := range []ill.ActionName{ill.ActPrintSlip, ill.ActFound} {
		if _, err := d.w.App.Perform(ctx, d.staff, l.PublicID, a, nil, 0); err != nil {
			t.Fatal(err)
		}
	}
	before := d.waitState(t, deskLender, l.PublicID, ill.LAwaitingScan)
	set, err := app.LendingOpsSetting.Get(ctx, d.w.App.DB, deskLender)
	if err != nil {
		t.Fatal(err)
	}
	set.CopyMaxMB = 1
	mgr := app.ActorFor(d.w.User(t, "mgr3@example.edu", ill.Grant{Agency: deskLender, Role: ill.RoleManager}), deskLender)
	if err := d.w.App.PutSetting(ctx, mgr, deskLender, "lending_ops", set); err != nil {
		t.Fatal(err)
	}
	c := d.w.Client(t)
	c.Login("lee@example.edu")
	c.Get("/lending/copies") // the page's CSRF token

	// The form as a browser sends it: the csrf field, then a 3 MB scan
	// of which only the first 32 KB are ever sent here.
	post := func(csrf string) (*http.Response, *stallingBody) {
		t.Helper()
		var head bytes.Buffer
		mw := multipart.NewWriter(&head)
		_ = mw.WriteField("csrf", csrf)
		fw, err := mw.CreateFormFile("file", "big.pdf")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(append([]byte("%PDF-1.7\n"), make([]byte, 32<<10)...))
		body := &stallingBody{prefix: &head, release: make(chan struct{})}
		req, _ := http.NewRequest(http.MethodPost, d.w.URL+"/lending/copies/"+l.PublicID+"/upload", body)
		req.ContentLength = 3 << 20
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.AddCookie(&http.Cookie{Name: "interlend_session", Value: c.Cookie("interlend_session")})
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(req)
		close(body.release)
		if err != nil && body.stalled.Load() {
			t.Fatalf("the server waited for the whole scan instead of refusing it: %v", err)
		}
		if err != nil {
			t.Fatalf("upload: %v", err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp, body
	}

	resp, body := post(c.CSRF)
	if body.stalled.Load() {
		t.Error("the server waited for the scan before refusing it")
	}
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/lending/copies" {
		t.Errorf("oversize plain-form upload: %d to %q, want 303 to /lending/copies", resp.StatusCode, resp.Header.Get("Location"))
	}
	page := c.Get("/lending/copies")
	if want := fmt.Sprintf("The scan for %s is larger than 1 MB", l.PublicID); !strings.Contains(page.Body, want) {
		t.Errorf("no message %q on the copies page", want)
	}
	after := d.req(t, deskLender, l.PublicID)
	if after.State != ill.LAwaitingScan || after.Version != before.Version {
		t.Errorf("the refused upload changed the request: %s v%d, was %s v%d", after.State, after.Version, before.State, before.Version)
	}

	// The token is still checked when it comes from the form's first part.
	resp, _ = post("not-the-token")
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("wrong CSRF token in the first part: %d, want 403", resp.StatusCode)
	}
}
