package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/peer/wire"
	"interlend/internal/testenv"
)

// The lending desk's scan, slips, copies and returns pages in the
// pseudo-locale and axe-core tests.
func init() {
	addPseudoPage(
		pseudoPage{Page: "lending_scan", Name: "lending_scan/ship", As: "lending", Path: "/lending/scan?mode=ship"},
		pseudoPage{Page: "lending_scan", Name: "lending_scan/return", As: "lending", Path: "/lending/scan?mode=return"},
		pseudoPage{Page: "lending_scan", Name: "lending_scan/notonshelf", As: "lending", Path: "/lending/scan?mode=not_on_shelf"},
		pseudoPage{Page: "lending_scan_slips", As: "lending", Path: "/lending/slips"},
		pseudoPage{Page: "lending_scan_returns", As: "lending", Path: "/lending/returns"},
		pseudoPage{Page: "lending_copy", As: "lending", Path: "/lending/copies"},
	)
}

// validateStoredMessages checks every message of the requests (both
// directions) against both ISO 18626 schemas, encoding each in both
// versions, and the raw XML that travelled (2021) as it is.
func validateStoredMessages(t *testing.T, w *apptest.World, reqs ...*ill.Request) []string {
	t.Helper()
	var out []string
	for _, r := range reqs {
		actor := ill.SystemActor()
		actor.Agency = r.Agency
		_, msgs, err := w.App.Timeline(context.Background(), actor, r.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if m.Direction != "out" {
				continue
			}
			out = append(out, m.Summary)
			for v, xsd := range map[iso18626.Version]string{iso18626.V1_2: "ISO-18626-v1_2.xsd", iso18626.V2021: "ISO-18626-2021-2.xsd"} {
				im, err := wire.Encode(m.Body, v, wire.ISIL{})
				if err != nil {
					t.Fatalf("encode %s in %s: %v", m.Summary, v, err)
				}
				raw, err := iso18626.Marshal(im)
				if err != nil {
					t.Fatal(err)
				}
				testenv.ValidateXSD(t, testenv.Standards(t, "iso18626", xsd), raw)
			}
			if m.Raw != "" {
				testenv.ValidateXSD(t, testenv.Standards(t, "iso18626", "ISO-18626-2021-2.xsd"), []byte(m.Raw))
			}
		}
	}
	return out
}

// TestLendingScanPagesRefuse: the scan and copy endpoints without the
// scan permission, and bad input through the plain (no JavaScript) form.
func TestLendingScanPagesRefuse(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	w.Agency(t, "US-EXB", "Lender")
	w.User(t, "look@example.edu", ill.Grant{Agency: "US-EXB", Role: ill.RoleReadOnly})
	w.User(t, "desk@example.edu", ill.Grant{Agency: "US-EXB", Role: ill.RoleLending})
	c := w.Client(t)
	c.Login("look@example.edu")
	for _, p := range []string{"/lending/scan", "/lending/slips", "/lending/copies"} {
		if res := c.Get(p); res.Status != http.StatusForbidden {
			t.Errorf("read-only GET %s: %d", p, res.Status)
		}
	}
	d := w.Client(t)
	d.Login("desk@example.edu")
	res := d.Post("/lending/scan", url.Values{"mode": {"ship"}, "code": {"NOPE-123"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("scan without JavaScript: %d", res.Status)
	}
	if page := d.Get(res.Location); !strings.Contains(page.Body, "NOPE-123 is not a lending request") {
		t.Errorf("unknown code: no message on %s", res.Location)
	}
}

// postUpload posts a multipart upload of files to path with the client's
// session, as htmx does (the CSRF token in the header).
func postUpload(t *testing.T, w *apptest.World, c *apptest.Client, path string, files map[string][]byte) *http.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for name, data := range files {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, w.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-CSRF-Token", c.CSRF)
	req.AddCookie(&http.Cookie{Name: "interlend_session", Value: c.Cookie("interlend_session")})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}
