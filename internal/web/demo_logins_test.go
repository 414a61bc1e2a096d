package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"interlend/internal/apptest"
	"interlend/internal/demo"
)

// Every login the demo prints works with the printed password.
func TestEveryDemoLoginWorks(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	seeded, err := demo.Seed(context.Background(), w.App)
	if err != nil {
		t.Fatal(err)
	}
	if len(seeded.Logins) == 0 {
		t.Fatal("the demo printed no logins")
	}
	for _, l := range seeded.Logins {
		t.Run(l.Email, func(t *testing.T) {
			t.Parallel()
			c := w.Client(t)
			c.Get("/login")
			r := c.Post("/login", url.Values{"email": {l.Email}, "password": {demo.Password}})
			if r.Status != http.StatusSeeOther || strings.HasPrefix(r.Location, "/login") {
				t.Fatalf("login as %s (%s): status %d, to %q\n%s", l.Email, l.Role, r.Status, r.Location, r.Body)
			}
			home := c.Get("/")
			if home.Status != http.StatusOK || !strings.Contains(home.Body, "Your roles") {
				t.Errorf("home of %s: status %d", l.Email, home.Status)
			}
			if l.Agency != "" && !strings.Contains(home.Body, string(l.Agency)) {
				t.Errorf("home of %s does not name its library %s", l.Email, l.Agency)
			}
		})
	}
}
