package web_test

// The pseudo-locale test renders every page template in the pseudo-locale
// "x-pseudo" (English with accented letters, in ⟦ ⟧) and fails on any
// text a person could read that did not come from the message catalog.
//
// Every page needs a way to be reached: an entry in pseudoPages saying who
// looks at which path (and, if needed, what to set up first). A feature
// adds its pages from its own test file:
//
//	func init() {
//		addPseudoPage(pseudoPage{Page: "borrowing_list", As: "borrowing", Path: "/borrowing"})
//	}
//
// A page template without an entry fails the test, so new pages are
// covered as they land. What may appear untranslated:
//   - known data: the names and emails of the test world's users, every
//     hosted agency's id and name, what an entry lists in Data, and what
//     Setup functions declare with pw.Known;
//   - numbers, punctuation, and dates and times in the formatter's layout;
//   - anything inside an element marked translate="no" (identifiers,
//     codes, data typed by people, error text from other systems: mark
//     the smallest element that holds it);
//   - input values, textarea contents, scripts and styles.
//
// Text checked: every text node, and the attributes title, alt,
// aria-label, aria-description, placeholder, and the value of submit,
// reset and button inputs.

import (
	"context"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/i18n"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// pseudoPage says how the pseudo-locale test reaches one page.
type pseudoPage struct {
	Page string // template name: the file name in templates/pages without .html
	Name string // subtest name (default: Page and As)
	// As is the role of the user who looks (a user per role exists in the
	// test world's library; "operator" has no library): "" is anonymous.
	As     string
	Path   string // GET path (without ?lang=)
	Status int    // expected status; 0 means 200
	// Setup prepares what the page shows, using the world and the
	// client (already logged in as As), and returns the path to get (""
	// keeps Path). Strings of data it creates must be declared with
	// pw.Known before they are written: the world is shared, so other
	// pages may show them too.
	Setup func(t *testing.T, pw *pseudoWorld, c *apptest.Client) (path string)
	Data  []string // known data strings the page shows
	// SkipAxe, when set, says why the browser test does not run axe-core
	// on this page (it does on every other entry: see browser_test.go).
	SkipAxe string
}

var (
	pseudoPages  []pseudoPage
	pseudoExempt = map[string]string{} // page → why it is not rendered
)

// addPseudoPage registers how to reach pages (call from init).
func addPseudoPage(ps ...pseudoPage) { pseudoPages = append(pseudoPages, ps...) }

// exemptPseudoPage excuses a template that is never a page of its own
// (call from init, with the reason).
func exemptPseudoPage(page, why string) { pseudoExempt[page] = why }

// pseudoWorld is the test world: one library with a user in every role.
type pseudoWorld struct {
	*apptest.World
	Agency ill.AgencyID
	Users  map[string]store.User // by role

	mu    sync.Mutex
	known []string
	done  map[string]*sync.Once
}

// Once runs f the first time it is called with key in this world (Setup
// functions share data: the pseudo-locale and axe tests each make a world).
func (pw *pseudoWorld) Once(key string, f func()) {
	pw.mu.Lock()
	if pw.done == nil {
		pw.done = map[string]*sync.Once{}
	}
	o, ok := pw.done[key]
	if !ok {
		o = &sync.Once{}
		pw.done[key] = o
	}
	pw.mu.Unlock()
	o.Do(f)
}

// Known declares strings of data that pages may show untranslated.
func (pw *pseudoWorld) Known(data ...string) {
	pw.mu.Lock()
	defer pw.mu.Unlock()
	pw.known = append(pw.known, data...)
}

// knownData is what was declared, and the ids and names of every agency
// hosted in the world (the agency switcher shows them on every page).
func (pw *pseudoWorld) knownData(t *testing.T) []string {
	ags, err := pw.App.Agencies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	pw.mu.Lock()
	defer pw.mu.Unlock()
	out := append([]string(nil), pw.known...)
	for _, a := range ags {
		out = append(out, string(a.ID), a.Name)
	}
	return out
}

const pseudoAgency, pseudoAgencyName = ill.AgencyID("US-PSA"), "Pseudo Public Library"

func pseudoPersonName(role ill.Role) string {
	return "Ada " + strings.ReplaceAll(string(role), "_", " ")
}

func newPseudoWorld(t *testing.T) *pseudoWorld {
	w := apptest.New(t, apptest.Options{})
	w.Agency(t, pseudoAgency, pseudoAgencyName)
	pw := &pseudoWorld{World: w, Agency: pseudoAgency, Users: map[string]store.User{}}
	pw.Known(string(pseudoAgency), pseudoAgencyName)
	for _, role := range ill.Roles {
		g := ill.Grant{Agency: pseudoAgency, Role: role}
		email := string(role) + "@psa.example"
		u, err := w.App.CreateUser(context.Background(), ill.SystemActor(), app.NewUser{Email: email, Name: pseudoPersonName(role), Password: apptest.Password, Grants: ill.Grants{g}})
		if err != nil {
			t.Fatal(err)
		}
		pw.Users[string(role)] = u
		pw.Known(email, u.Name)
	}
	return pw
}

// actor is the world's user of a role, acting in the library.
func (pw *pseudoWorld) actor(role string) ill.Actor {
	return app.ActorFor(pw.Users[role], pw.Agency)
}

func TestPseudoLocale(t *testing.T) {
	pages := pageTemplates(t)
	covered := map[string]bool{}
	for _, e := range pseudoPages {
		if !pages[e.Page] {
			t.Errorf("pseudoPages has an entry for %q, which is not a template in templates/pages", e.Page)
		}
		covered[e.Page] = true
	}
	for p := range pages {
		if !covered[p] && pseudoExempt[p] == "" {
			t.Errorf("page %q has no pseudoPages entry: add one with addPseudoPage (see pseudo_test.go) so the pseudo-locale test can render it", p)
		}
	}
	pw := newPseudoWorld(t)
	cat := i18n.Load()
	for _, e := range pseudoPages {
		name := e.Name
		if name == "" {
			name = e.Page + "/" + e.As
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := pw.Client(t)
			if e.As != "" {
				c.Login(pw.Users[e.As].Email)
			}
			path := e.Path
			if e.Setup != nil {
				if p := e.Setup(t, pw, c); p != "" {
					path = p
				}
			}
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			r := c.Get(path + sep + "lang=" + i18n.Pseudo)
			want := e.Status
			if want == 0 {
				want = http.StatusOK
			}
			if r.Status != want {
				t.Fatalf("GET %s as %q: status %d, want %d\n%s", path, e.As, r.Status, want, r.Body)
			}
			if !rendersTemplate(t, cat, e.Page, r.Body) {
				t.Errorf("GET %s does not look like page %q: none of its catalog texts is on it", path, e.Page)
			}
			for _, bad := range untranslated(r.Body, append(pw.knownData(t), e.Data...)) {
				t.Errorf("GET %s as %q: text bypassed the catalog: %s", path, e.As, bad)
			}
		})
	}
}

// pageTemplates lists templates/pages/*.html by name.
func pageTemplates(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("templates/pages/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no page templates found (%v)", err)
	}
	out := map[string]bool{}
	for _, f := range files {
		out[strings.TrimSuffix(filepath.Base(f), ".html")] = true
	}
	return out
}

var templateKey = regexp.MustCompile(`\.Tn? "([^"]+)"`)

// rendersTemplate checks that the body holds the pseudo text of at least
// one catalog key the page's template names: the path reached the page
// it claims to.
func rendersTemplate(t *testing.T, cat *i18n.Catalog, page, body string) bool {
	b, err := os.ReadFile(filepath.Join("templates", "pages", page+".html"))
	if err != nil {
		t.Fatal(err)
	}
	body = html.UnescapeString(body)
	keys := templateKey.FindAllStringSubmatch(string(b), -1)
	for _, k := range keys {
		if !cat.Has(k[1]) {
			continue
		}
		// The longest stretch of the pseudo text without placeholders.
		p := strings.Trim(i18n.Pseudolocalise(cat.Text(i18n.Default, k[1])), "⟦⟧")
		best := ""
		for part := range strings.SplitSeq(regexp.MustCompile(`\{[^}]*\}`).ReplaceAllString(p, "\x00"), "\x00") {
			if len([]rune(part)) > len([]rune(best)) {
				best = part
			}
		}
		if len([]rune(strings.TrimSpace(best))) >= 3 && strings.Contains(body, best) {
			return true
		}
	}
	return len(keys) == 0
}
