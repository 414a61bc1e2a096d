package testenv_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"interlend/internal/testenv"
)

const goodPage = `<!doctype html><html lang="en"><head><title>Good</title></head><body>
<main><h1>Form</h1>
<form method="post" action="/done">
<label for="name">Your name</label><input id="name" name="name">
<label><input type="checkbox" id="agree" name="agree"> I agree</label>
<button type="submit">Send it</button>
</form></main></body></html>`

const badPage = `<!doctype html><html lang="en"><head><title>Bad</title></head><body>
<main><img src="/x.png"><input id="q"><button></button></main></body></html>`

func server(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /good", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(goodPage)) })
	mux.HandleFunc("GET /bad", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(badPage)) })
	mux.HandleFunc("POST /done", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`<!doctype html><html lang="en"><head><title>Done</title></head><body><main><p id="got">` +
			r.PostFormValue("name") + "|" + r.PostFormValue("agree") + `</p></main></body></html>`))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestKeyboardDriver(t *testing.T) {
	t.Parallel()
	srv := server(t)
	b := testenv.NewBrowser(t, srv.URL)
	b.Navigate("/good")
	b.TabTo("Your name")
	b.Press("Ada Lovelace")
	b.Press("Tab")
	if got := b.Focused(); got != "input: I agree" {
		t.Errorf("after Tab: focus on %q, want the checkbox", got)
	}
	b.Press("Space", "Tab")
	if got := b.Focused(); got != "button: Send it" {
		t.Errorf("focus on %q, want the button", got)
	}
	b.Press("Shift+Tab")
	if got := b.Focused(); got != "input: I agree" {
		t.Errorf("after Shift+Tab: focus on %q", got)
	}
	b.Press("Tab")
	b.AndWait(func() { b.Press("Enter") })
	if got := b.Text("#got"); got != "Ada Lovelace|on" {
		t.Errorf("submitted with keys only: %q", got)
	}
}

func TestAxeFindsViolations(t *testing.T) {
	t.Parallel()
	srv := server(t)
	b := testenv.NewBrowser(t, srv.URL)
	b.Navigate("/bad")
	ids := map[string]string{}
	for _, v := range b.AxeCheck() {
		ids[v.ID] = v.Impact
	}
	for _, want := range []string{"image-alt", "label", "button-name"} {
		if ids[want] != "critical" {
			t.Errorf("axe on a page breaking %s: got %v", want, ids)
		}
	}
	b.Navigate("/good")
	for _, v := range b.AxeCheck() {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("axe on a good page: %s %s", v.ID, v.Impact)
		}
	}
}

// The vendored axe-core is the file VENDOR.md describes.
func TestVendoredAxe(t *testing.T) {
	t.Parallel()
	js, err := os.ReadFile("axe/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("axe/VENDOR.md")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(js)
	if !strings.Contains(string(doc), hex.EncodeToString(sum[:])) {
		t.Errorf("axe/axe.min.js (sha256 %x) is not the file axe/VENDOR.md records", sum)
	}
	if !strings.HasPrefix(string(js), "/*! axe v4.14.1") || !strings.Contains(string(js), "Mozilla Public") {
		t.Error("axe.min.js lost its version or licence notice")
	}
}
