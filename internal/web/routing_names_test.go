package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/ill"
)

// TestRotaPageNamesLenders: the rota names each lender, and each library
// left out, from the directory, with its id beside the name.
func TestRotaPageNamesLenders(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	w.Agency(t, "US-PSRA", "Borrower")
	mgr := w.User(t, "mgr@example.edu", ill.Grant{Agency: "US-PSRA", Role: ill.RoleManager})
	rotaLenders(t, w)
	ctx := context.Background()
	r, err := w.App.CreateRequest(ctx, app.ActorFor(mgr, "US-PSRA"), app.NewRequest{Citation: rotaCitation})
	if err != nil {
		t.Fatal(err)
	}
	c := w.Client(t)
	c.Login("mgr@example.edu")
	page := c.Get("/requests/" + r.PublicID + "/rota")
	if page.Status != http.StatusOK {
		t.Fatalf("rota page: %d", page.Status)
	}
	for _, want := range []string{
		`<td translate="no">Lender One<br><span class="mono">US-PSRONE</span></td>`,
		`<td translate="no">Lender Two<br><span class="mono">DE-PSRTWO</span></td>`,
		`<td translate="no">Lender Three<br><span class="mono">US-PSRTHR</span></td>`, // left out: copies only
		`aria-label="Move Lender One (US-PSRONE) down"`,
	} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("rota page lacks %s", want)
		}
	}
}
