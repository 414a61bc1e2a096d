package testenv

import (
	"context"
	_ "embed" // the vendored axe-core
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// axeSource is axe-core, vendored from npm for the accessibility checks
// (see axe/VENDOR.md).
//
//go:embed axe/axe.min.js
var axeSource string

// BrowserTimeout bounds every browser action of a test.
const BrowserTimeout = 30 * time.Second

// browserFlags are the flags of the test Chromium: headless, without a
// sandbox (containers), and with nothing that talks to the network on its
// own.
var browserFlags = []chromedp.ExecAllocatorOption{
	chromedp.Headless,
	chromedp.NoSandbox,
	chromedp.DisableGPU,
	chromedp.NoFirstRun,
	chromedp.NoDefaultBrowserCheck,
	chromedp.Flag("disable-quic", true),
	chromedp.Flag("disable-background-networking", true),
	chromedp.Flag("disable-component-update", true),
	chromedp.Flag("disable-sync", true),
	chromedp.Flag("disable-extensions", true),
	chromedp.Flag("disable-default-apps", true),
	chromedp.Flag("disable-dev-shm-usage", true),
	chromedp.Flag("password-store", "basic"),
	chromedp.WindowSize(1280, 900),
}

// shared is the one Chromium of a test binary; each test gets its own
// tab in its own browser context (cookies and storage are not shared).
var shared struct {
	once sync.Once
	ctx  context.Context
	err  error
}

const userDataPrefix = "interlend-chromium-"

// startBrowser starts the shared Chromium. It lives until the test binary
// exits (the kernel kills it with its parent); its profile folder, named
// with the process id, is removed by the next binary that finds it stale.
func startBrowser(path string) (context.Context, error) {
	removeStaleProfiles()
	dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-", userDataPrefix, os.Getpid()))
	if err != nil {
		return nil, err
	}
	opts := append([]chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.UserDataDir(dir)}, browserFlags...)
	alloc, _ := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, _ := chromedp.NewContext(alloc)
	if err := chromedp.Do(ctx); err != nil {
		return nil, fmt.Errorf("testenv: start chromium: %w", err)
	}
	return ctx, nil
}

// removeStaleProfiles deletes the profile folders of test binaries that
// have exited.
func removeStaleProfiles() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), userDataPrefix+"*"))
	for _, d := range dirs {
		rest := strings.TrimPrefix(filepath.Base(d), userDataPrefix)
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid == os.Getpid() {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); os.IsNotExist(err) {
			_ = os.RemoveAll(d)
		}
	}
}

// Browser is one test's tab in the shared headless Chromium (Debian's
// chromium package). It fails the test on any uncaught JavaScript error.
type Browser struct {
	tb   testing.TB
	ctx  context.Context
	Base string // prefixed to paths that start with "/"

	mu       sync.Mutex
	jsErrors []string
}

// NewBrowser opens a tab for the test, closed when the test ends. It
// skips (fails, when strict) without chromium.
func NewBrowser(tb testing.TB, baseURL string) *Browser {
	tb.Helper()
	path := RequireTool(tb, "chromium", "chromium")
	shared.once.Do(func() { shared.ctx, shared.err = startBrowser(path) })
	if shared.err != nil {
		tb.Fatal(shared.err)
	}
	b := &Browser{tb: tb, Base: strings.TrimRight(baseURL, "/")}
	ctx, cancel := chromedp.NewContext(shared.ctx, chromedp.WithNewBrowserContext(), chromedp.WithListener(b.listen))
	b.ctx = ctx
	tb.Cleanup(func() {
		cancel()
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, e := range b.jsErrors {
			tb.Errorf("JavaScript error in the page: %s", e)
		}
	})
	// The first action creates the tab; it must not run under a timeout.
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("testenv: open a tab: %v", err)
	}
	return b
}

func (b *Browser) listen(ev any) {
	if e, ok := ev.(*runtime.EventExceptionThrown); ok {
		msg := e.ExceptionDetails.Text
		if e.ExceptionDetails.Exception != nil && e.ExceptionDetails.Exception.Description != "" {
			msg += " " + e.ExceptionDetails.Exception.Description
		}
		b.mu.Lock()
		b.jsErrors = append(b.jsErrors, msg)
		b.mu.Unlock()
	}
}

// run runs one action with the timeout, failing the test on error.
func run[T any](b *Browser, what string, a chromedp.Action[T]) T {
	b.tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, BrowserTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.tb.Fatalf("browser: %s: %v (page %s)", what, err, b.location())
	}
	return v
}

func (b *Browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	return loc
}

func (b *Browser) url(path string) string {
	if strings.HasPrefix(path, "/") {
		return b.Base + path
	}
	return path
}

// Navigate loads a page and waits for it.
func (b *Browser) Navigate(path string) {
	b.tb.Helper()
	run(b, "navigate to "+path, chromedp.Navigate(b.url(path)))
}

// Location is the URL of the page shown.
func (b *Browser) Location() string {
	b.tb.Helper()
	return run(b, "location", chromedp.Location())
}

// Path is the path (and query) of the page shown.
func (b *Browser) Path() string {
	b.tb.Helper()
	return strings.TrimPrefix(b.Location(), b.Base)
}

// Login logs in through the login form, typing with the keyboard, and
// waits for the page after it.
func (b *Browser) Login(email, password string) {
	b.tb.Helper()
	b.Navigate("/login")
	b.Type("#email", email)
	b.Type("#password", password)
	b.AndWait(func() { b.Press("Enter") })
	if strings.HasPrefix(b.Path(), "/login") {
		b.tb.Fatalf("browser: login as %s failed: %s", email, b.Text("main"))
	}
}

// For returns the same tab reporting to another test (a subtest that
// borrows a tab its parent opened).
func (b *Browser) For(tb testing.TB) *Browser {
	return &Browser{tb: tb, ctx: b.ctx, Base: b.Base}
}

// ClearCookies forgets every cookie of the tab's browser context.
func (b *Browser) ClearCookies() {
	b.tb.Helper()
	run(b, "clear cookies", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.ClearBrowserCookies, cdp.Empty{})
		return err
	}))
}

// SetCookie gives the browser a cookie for the base URL (for example the
// session of an HTTP client that already logged in).
func (b *Browser) SetCookie(name, value string) {
	b.tb.Helper()
	run(b, "set cookie "+name, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: b.Base + "/", Path: "/"})
		return err
	}))
}

// Click clicks an element (by CSS selector) with the mouse.
func (b *Browser) Click(sel string) {
	b.tb.Helper()
	run(b, "click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// Type focuses an element and types text into it with key events.
func (b *Browser) Type(sel, text string) {
	b.tb.Helper()
	run(b, "type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// keyNames are the keys Press knows by name.
var keyNames = map[string]string{
	"Tab": kb.Tab, "Enter": kb.Enter, "Space": " ", "Escape": kb.Escape, "Backspace": kb.Backspace,
	"ArrowUp": kb.ArrowUp, "ArrowDown": kb.ArrowDown, "ArrowLeft": kb.ArrowLeft, "ArrowRight": kb.ArrowRight,
	"Home": kb.Home, "End": kb.End, "PageUp": kb.PageUp, "PageDown": kb.PageDown,
}

// Press sends key events to the focused element, one argument at a time:
// a key name (Tab, Enter, Space, Escape, Backspace, ArrowUp/Down/Left/
// Right, Home, End, PageUp, PageDown), a name with "Shift+" (Shift+Tab),
// or text to type. Only key events are sent: this is the keyboard-only
// driver.
func (b *Browser) Press(keys ...string) {
	b.tb.Helper()
	for _, k := range keys {
		var opts []chromedp.KeyOption
		name := k
		if rest, ok := strings.CutPrefix(k, "Shift+"); ok && keyNames[rest] != "" {
			name, opts = rest, []chromedp.KeyOption{chromedp.KeyModifiers(chromedp.ModifierShift)}
		}
		seq, ok := keyNames[name]
		if !ok {
			seq, opts = k, nil
		}
		run(b, "press "+k, chromedp.KeyEvent(seq, opts...))
	}
}

// focusedName is the accessible name of the focused element, as a screen
// reader would announce it (aria-labelledby, aria-label, label, text,
// value, title, placeholder, alt), with its tag.
const focusedName = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "";
  const clean = s => (s || "").replace(/\s+/g, " ").trim();
  let name = "";
  if (el.getAttribute("aria-labelledby")) {
    name = el.getAttribute("aria-labelledby").split(/\s+/).map(id => { const n = document.getElementById(id); return n ? n.textContent : ""; }).join(" ");
  }
  if (!clean(name)) name = el.getAttribute("aria-label") || "";
  if (!clean(name) && el.labels && el.labels.length) name = Array.from(el.labels).map(l => l.textContent).join(" ");
  if (!clean(name) && ["A", "BUTTON", "SUMMARY", "OPTION"].includes(el.tagName)) name = el.textContent;
  if (!clean(name) && el.tagName === "INPUT" && ["submit", "button", "reset"].includes(el.type)) name = el.value;
  if (!clean(name)) name = el.getAttribute("title") || el.getAttribute("placeholder") || el.getAttribute("alt") || "";
  return el.tagName.toLowerCase() + ": " + clean(name);
})()`

// Focused describes the focused element: "tag: accessible name".
func (b *Browser) Focused() string {
	b.tb.Helper()
	return run(b, "read focus", chromedp.Evaluate[string](focusedName))
}

// WaitFocused waits until the focused element's description (see
// Focused) starts with prefix: autofocus lands a moment after the page
// has loaded, and keys pressed before it go to the body.
func (b *Browser) WaitFocused(prefix string) {
	b.tb.Helper()
	deadline := time.Now().Add(BrowserTimeout)
	for {
		f := b.Focused()
		if strings.HasPrefix(f, prefix) {
			return
		}
		if time.Now().After(deadline) {
			b.tb.Fatalf("browser: focus is on %q after %s, want %q… (on %s)", f, BrowserTimeout, prefix, b.Path())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TabTo presses Tab (or Shift+Tab with back) until the focused element's
// accessible name contains name, and fails after 150 presses.
func (b *Browser) TabTo(name string, back ...bool) {
	b.tb.Helper()
	key := "Tab"
	if len(back) > 0 && back[0] {
		key = "Shift+Tab"
	}
	var seen []string
	for range 150 {
		b.Press(key)
		f := b.Focused()
		if _, n, _ := strings.Cut(f, ": "); strings.Contains(n, name) {
			return
		}
		seen = append(seen, f)
	}
	b.tb.Fatalf("browser: no element named %q reached with %s on %s; focus went through:\n  %s", name, key, b.Path(), strings.Join(seen, "\n  "))
}

// AndWait runs do, which starts a page load (a key press on a link or a
// submit button), and waits until the new page has loaded.
func (b *Browser) AndWait(do func()) {
	b.tb.Helper()
	run(b, "mark the page", chromedp.Evaluate[bool](`window.__testenvOld = true`))
	do()
	deadline := time.Now().Add(BrowserTimeout)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__testenvOld !== true && document.readyState === "complete"`))
		cancel()
		if err == nil && done {
			return
		}
		if time.Now().After(deadline) {
			b.tb.Fatalf("browser: no new page loaded within %s (still %s)", BrowserTimeout, b.location())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// WaitVisible waits until an element (CSS selector) is visible.
func (b *Browser) WaitVisible(sel string) {
	b.tb.Helper()
	run(b, "wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// Text is the visible text of the first element matching a CSS selector.
func (b *Browser) Text(sel string) string {
	b.tb.Helper()
	return run(b, "text of "+sel, chromedp.Text(chromedp.CSS(sel)))
}

// Texts is the visible text of every element matching a CSS selector.
func (b *Browser) Texts(sel string) []string {
	b.tb.Helper()
	q, _ := json.Marshal(sel)
	return run(b, "texts of "+sel, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(`+string(q)+`)).map(e => e.innerText.trim())`))
}

// Eval evaluates a JavaScript expression in the page and returns its
// JSON value as T (for reading the page, not for acting on it).
func Eval[T any](b *Browser, expr string) T {
	b.tb.Helper()
	return run(b, "evaluate", chromedp.Evaluate[T](expr))
}

// Screenshot writes a PNG of the whole page.
func (b *Browser) Screenshot(path string) {
	b.tb.Helper()
	png := run(b, "screenshot", chromedp.FullScreenshot(100))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.tb.Fatal(err)
	}
}

// AxeViolation is one accessibility rule a page breaks.
type AxeViolation struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"`
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Nodes   []AxeNode `json:"nodes"`
}

// AxeNode is one element that breaks a rule.
type AxeNode struct {
	Target  []any  `json:"target"`
	HTML    string `json:"html"`
	Summary string `json:"failureSummary"`
}

// AxeCheck runs axe-core on the page shown and returns its violations.
func (b *Browser) AxeCheck() []AxeViolation {
	b.tb.Helper()
	if !run(b, "look for axe", chromedp.Evaluate[bool](`typeof window.axe === "object"`)) {
		run(b, "inject axe", chromedp.Evaluate[chromedp.Void](axeSource))
	}
	out := run(b, "run axe", chromedp.Evaluate[string](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	var vs []AxeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		b.tb.Fatalf("browser: axe result: %v", err)
	}
	return vs
}

// Axe fails the test when axe-core finds a serious or critical
// accessibility violation on the page shown, with a readable report.
func (b *Browser) Axe() {
	b.tb.Helper()
	var report strings.Builder
	for _, v := range b.AxeCheck() {
		if v.Impact != "serious" && v.Impact != "critical" {
			continue
		}
		fmt.Fprintf(&report, "\n  [%s] %s: %s (%s)", v.Impact, v.ID, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&report, "\n    at %v\n      %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      "))
		}
	}
	if report.Len() > 0 {
		b.tb.Errorf("axe: accessibility violations on %s:%s", b.Path(), report.String())
	}
}
