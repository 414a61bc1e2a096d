package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"interlend/internal/app"
	"interlend/internal/config"
	"interlend/internal/demo"
	"interlend/internal/ill"
	"interlend/internal/store"

	"github.com/chromedp/chromedp"
)

// `interlend screenshots` starts a fresh demo in a temporary folder, logs
// in as the demo roles in a headless Chromium and saves a picture of each
// page in the registry below (docs/screenshots/ by default). Features add
// their pages with addScreenshot from their own files.
func init() {
	addCommand(&command{name: "screenshots", args: "",
		usage: "regenerate the documentation's screenshots from a fresh demo (needs chromium)",
		flags: []flagSpec{
			{name: "out", def: "docs/screenshots", usage: "folder for the PNG files"},
			{name: "chromium", usage: "path of the Chromium binary (default: chromium on PATH)"},
			{name: "only", usage: "take only the screenshots whose names contain this text"},
		},
		run: runScreenshots})
	addScreenshot(
		screenshot{Name: "login", Path: "/login"},
		screenshot{Name: "shell-manager-home", As: "manager@exsup.example", Path: "/"},
		screenshot{Name: "shell-patron-home", As: "patron@exsup.example", Path: "/"},
		screenshot{Name: "admin-settings", As: "manager@exsup.example", Path: "/admin"},
		screenshot{Name: "admin-calendar", As: "manager@exsup.example", Path: "/admin/settings/calendar"},
		screenshot{Name: "admin-sso", As: "manager@exsup.example", Path: "/admin/settings/sso"},
		screenshot{Name: "admin-staff", As: "manager@exsup.example", Path: "/admin/staff"},
		screenshot{Name: "admin-audit", As: "manager@exsup.example", Path: "/admin/audit"},
		screenshot{Name: "jobs-manager", As: "manager@exsup.example", Path: "/jobs"},
		screenshot{Name: "jobs-operator", As: "operator@demo.example", Path: "/jobs"},
		screenshot{Name: "account", As: "lending@exsup.example", Path: "/account"},
		screenshot{Name: "account-second-factor", As: "lending@exsup.example", Path: "/account/totp"},
	)
	addScreenshotSetup(platformScreenshotSetup)
}

// screenshot is one picture: a page seen by a demo login.
type screenshot struct {
	Name string // file name without .png
	As   string // demo login; "" for an anonymous visitor
	Path string
}

var (
	screenshots      []screenshot
	screenshotSetups []func(ctx context.Context, a *app.App) error
)

// addScreenshot adds pictures to `interlend screenshots` (call from init).
func addScreenshot(s ...screenshot) { screenshots = append(screenshots, s...) }

// addScreenshotSetup adds a step that prepares the demo for the pictures
// (call from init): data the seed does not have, such as a dead job.
func addScreenshotSetup(f func(ctx context.Context, a *app.App) error) {
	screenshotSetups = append(screenshotSetups, f)
}

func runScreenshots(e env, p parsed) error {
	chromium := p.flag("chromium")
	if chromium == "" {
		var err error
		if chromium, err = exec.LookPath("chromium"); err != nil {
			return errors.New("chromium is not on PATH: install Debian's chromium package or give --chromium")
		}
	}
	out := p.flag("out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	base, a, err := startScreenshotDemo(ctx, e.stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	for _, setup := range screenshotSetups {
		if err := setup(ctx, a); err != nil {
			return fmt.Errorf("screenshots: preparing the demo: %w", err)
		}
	}
	browser, stop, err := startScreenshotBrowser(ctx, chromium)
	if err != nil {
		return err
	}
	defer stop()
	tabs := map[string]context.Context{} // one browser context per login
	n := 0
	for _, s := range screenshots {
		if only := p.flag("only"); only != "" && !strings.Contains(s.Name, only) {
			continue
		}
		tab, ok := tabs[s.As]
		if !ok {
			var closeTab context.CancelFunc
			tab, closeTab = chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
			defer closeTab()
			if err := chromedp.Do(tab); err != nil {
				return err
			}
			if s.As != "" {
				if err := screenshotLogin(tab, base, s.As); err != nil {
					return err
				}
			}
			tabs[s.As] = tab
		}
		file := filepath.Join(out, s.Name+".png")
		if err := takeScreenshot(tab, base+s.Path, file); err != nil {
			return fmt.Errorf("screenshot %s: %w", s.Name, err)
		}
		fmt.Fprintf(e.stdout, "%s\t%s as %s\n", file, s.Path, orAnonymous(s.As))
		n++
	}
	fmt.Fprintf(e.stdout, "%d screenshots in %s\n", n, out)
	return nil
}

func orAnonymous(s string) string {
	if s == "" {
		return "anonymous"
	}
	return s
}

// startScreenshotDemo serves a freshly seeded demo (SQLite in a temporary
// folder) on a free loopback port until ctx ends.
func startScreenshotDemo(ctx context.Context, stderr io.Writer) (string, *app.App, error) {
	dir, err := os.MkdirTemp("", "interlend-screenshots-")
	if err != nil {
		return "", nil, err
	}
	go func() { <-ctx.Done(); _ = os.RemoveAll(dir) }()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	cfg := config.Defaults()
	cfg.DataDir, cfg.Listen, cfg.Workers = dir, ln.Addr().String(), 2
	cfg.BaseURL = "http://" + cfg.Listen
	if err := cfg.Validate(); err != nil {
		ln.Close()
		return "", nil, err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.Open(ctx, cfg, app.Options{Logger: log})
	if err != nil {
		ln.Close()
		return "", nil, err
	}
	if _, err := demo.Seed(ctx, a); err != nil {
		a.Close()
		ln.Close()
		return "", nil, err
	}
	srv, err := buildServer(a)
	if err != nil {
		a.Close()
		ln.Close()
		return "", nil, err
	}
	go func() { _ = srv.Serve(ctx, ln) }()
	go func() { _ = a.Run(ctx) }()
	return cfg.BaseURL, a, nil
}

// startScreenshotBrowser starts a headless Chromium with the flags of the
// browser tests.
func startScreenshotBrowser(ctx context.Context, path string) (context.Context, func(), error) {
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("password-store", "basic"), chromedp.WindowSize(1280, 860))
	browser, cancelBrowser := chromedp.NewContext(alloc)
	if err := chromedp.Do(browser); err != nil {
		cancelBrowser()
		cancelAlloc()
		return nil, nil, fmt.Errorf("screenshots: start chromium: %w", err)
	}
	return browser, func() { cancelBrowser(); cancelAlloc() }, nil
}

func screenshotLogin(tab context.Context, base, email string) error {
	ctx, cancel := context.WithTimeout(tab, 30*time.Second)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.Password),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)),
	)
	if err != nil {
		return fmt.Errorf("screenshots: log in as %s: %w", email, err)
	}
	return nil
}

func takeScreenshot(tab context.Context, url, file string) error {
	ctx, cancel := context.WithTimeout(tab, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return err
	}
	// The scan box takes the focus on desk pages; a screenshot shows the
	// page at rest.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.activeElement && document.activeElement.blur(), true`)); err != nil {
		return err
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return err
	}
	return os.WriteFile(file, png, 0o644)
}

// platformScreenshotSetup gives the platform's pages something to show:
// settings changed by the manager, a pending invitation and a dead job.
func platformScreenshotSetup(ctx context.Context, a *app.App) error {
	const agency = ill.AgencyID("US-EXSUP")
	var mgr store.User
	if err := a.DB.Read(ctx, func(tx *store.Tx) (err error) { mgr, err = tx.System().UserByEmail("manager@exsup.example"); return }); err != nil {
		return err
	}
	actor := app.ActorFor(mgr, agency)
	edits := map[string]url.Values{
		"calendar": {"timeZone": {"America/New_York"}, "closures.0.from": {"2026-11-26"}, "closures.0.to": {"2026-11-27"},
			"closures.0.name": {"Thanksgiving"}, "closures.1.from": {"2026-12-24"}, "closures.1.to": {"2027-01-01"}, "closures.1.name": {"Winter break"}},
		"pickup":    {"locations.1.code": {"SCI"}, "locations.1.name": {"Science Library desk"}, "locations.1.address": {"2nd floor, by the lifts"}},
		"retention": {"personalDataDays": {"60"}},
	}
	for _, key := range []string{"calendar", "pickup", "retention"} {
		st, err := a.SettingGroup(ctx, actor, agency, key)
		if err != nil {
			return err
		}
		form := st.Group.FormValues(st.Value)
		for k, v := range edits[key] {
			form[k] = v
		}
		if _, err := a.SaveSettingForm(ctx, actor, agency, key, form, st.Version); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	}
	if _, err := a.InviteStaff(ctx, actor, agency, app.Invite{Email: "new.colleague@exsup.example", Name: "Nova Colleague", Roles: []ill.Role{ill.RoleLending}}); err != nil {
		return err
	}
	// A message to a partner whose server refuses connections: it fails
	// once and is dead (kept for the jobs page, waiting for a re-drive).
	var id int64
	if err := a.DB.Transact(ctx, func(tx *store.Tx) (err error) {
		id, err = tx.System().EnqueueJob(store.NewJob{Kind: app.KindDiagPost, Agency: agency, OrderingKey: "demo-partner",
			MaxAttempts: 1, Payload: app.DiagPayload{URL: "http://127.0.0.1:9/iso18626"}})
		return err
	}); err != nil {
		return err
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		var j store.Job
		if err := a.DB.Read(ctx, func(tx *store.Tx) (err error) { j, err = tx.System().GetJob(id); return }); err != nil {
			return err
		}
		if j.State == store.JobDead {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the demo's failing job is still %s", j.State)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
