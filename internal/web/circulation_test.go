package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/store"
)

func init() {
	addPseudoPage(pseudoPage{Page: "circulation_steps", As: "borrowing",
		Setup: func(t *testing.T, pw *pseudoWorld, c *apptest.Client) string {
			r := pseudoRequest(t, pw, "Circulated title")
			withSteps(t, pw.World, r)
			return "/requests/" + r.PublicID + "/ils"
		}})
}

// withSteps gives a request one step of each kind the section shows: a
// done AcceptItem with its data, a failed CheckOutItem with the ILS's
// problem, and a skipped DeleteItem.
func withSteps(t *testing.T, w *apptest.World, r *ill.Request) {
	t.Helper()
	err := w.App.DB.Transact(context.Background(), func(tx *store.Tx) error {
		for _, s := range []store.CirculationStep{
			{Service: "AcceptItem", State: store.StepDone, Driver: "ncip", ItemID: "ILL-000042",
				Data: map[string]string{"via": "ils", "due": "2026-03-25", "pickup": "MAIN-CIRC"}},
			{Service: "CheckOutItem", State: store.StepFailed, Driver: "ncip", Attempts: 3,
				Problem: "The library system refused CheckOutItem: User Blocked (Excessive Fines)."},
			{Service: "DeleteItem", State: store.StepSkipped, Driver: "ncip", Data: map[string]string{"why": "switched_off"}},
		} {
			s.RequestID = r.ID
			if _, _, err := tx.Agency().AddCirculationStep(r.Agency, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCirculationSection(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	w.Agency(t, "US-EXA", "A")
	w.Agency(t, "US-EXB", "B")
	staff := w.User(t, "desk@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleBorrowing})
	w.User(t, "look@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleReadOnly})
	w.User(t, "other@example.edu", ill.Grant{Agency: "US-EXB", Role: ill.RoleManager})
	ctx := context.Background()
	r, err := w.App.CreateRequest(ctx, app.ActorFor(staff, "US-EXA"), app.NewRequest{Citation: ill.Citation{Title: "Silent spring"}})
	if err != nil {
		t.Fatal(err)
	}
	withSteps(t, w, r)
	desk := w.Client(t)
	desk.Login("desk@example.edu")

	// The request page loads the section with htmx, with a link without it.
	page := desk.Get("/requests/" + r.PublicID)
	if !strings.Contains(page.Body, `hx-get="/requests/`+r.PublicID+`/ils"`) || !strings.Contains(page.Body, `href="/requests/`+r.PublicID+`/ils"`) {
		t.Fatalf("request page without the ILS section's loader:\n%s", page.Body)
	}
	desk.Header.Set("HX-Request", "true")
	desk.Header.Set("HX-Target", "ils-steps")
	frag := desk.Get("/requests/" + r.PublicID + "/ils")
	desk.Header.Del("HX-Request")
	desk.Header.Del("HX-Target")
	if frag.Status != http.StatusOK || strings.Contains(frag.Body, "<html") || !strings.Contains(frag.Body, `id="ils-steps"`) {
		t.Fatalf("fragment: %d\n%s", frag.Status, frag.Body)
	}
	for _, want := range []string{"Temporary item (AcceptItem)", "ILL-000042", "2026-03-25", "MAIN-CIRC", "Needs attention", "User Blocked (Excessive Fines)",
		"Tries: 3", "switched off in the ILS settings", "/ils/CheckOutItem/retry", "/ils/CheckOutItem/done"} {
		if !strings.Contains(frag.Body, want) {
			t.Errorf("the section does not show %q", want)
		}
	}
	if strings.Contains(frag.Body, "/ils/AcceptItem/") || strings.Contains(frag.Body, "/ils/DeleteItem/") {
		t.Error("finished steps offer actions")
	}

	// A mistake shows the form again and changes nothing.
	res := desk.Post("/requests/"+r.PublicID+"/ils/CheckOutItem/done", url.Values{"item": {strings.Repeat("9", 201)}})
	if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "at most 200 characters") || !strings.Contains(res.Body, `aria-invalid="true"`) {
		t.Fatalf("bad item id: %d\n%s", res.Status, res.Body)
	}
	if st := stepState(t, w, r, ils.CheckOutItem); st != store.StepFailed {
		t.Errorf("after a refused form the step is %s", st)
	}
	// Retry, then done by hand.
	res = desk.Post("/requests/"+r.PublicID+"/ils/CheckOutItem/retry", nil)
	if res.Status != http.StatusSeeOther || res.Location != "/requests/"+r.PublicID+"#ils-steps" {
		t.Fatalf("retry: %d %q\n%s", res.Status, res.Location, res.Body)
	}
	if st := stepState(t, w, r, ils.CheckOutItem); st != store.StepPending {
		t.Errorf("after retry the step is %s, want pending", st)
	}
	if page := desk.Get("/requests/" + r.PublicID); !strings.Contains(page.Body, "trying that step again") {
		t.Error("no confirmation after the retry")
	}
	res = desk.Post("/requests/"+r.PublicID+"/ils/CheckOutItem/retry", nil)
	if res.Status != http.StatusConflict || !strings.Contains(res.Body, "nothing to retry") {
		t.Errorf("retrying a pending step: %d", res.Status)
	}
	res = desk.Post("/requests/"+r.PublicID+"/ils/CheckOutItem/done", url.Values{"item": {"ILL-000042"}, "note": {"lent at the ILS desk"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("done by hand: %d\n%s", res.Status, res.Body)
	}
	if st := stepState(t, w, r, ils.CheckOutItem); st != store.StepByHand {
		t.Errorf("after done by hand the step is %s", st)
	}

	// A read-only user sees the steps without buttons; another library's
	// staff do not see them; nobody can post without the permission.
	look := w.Client(t)
	look.Login("look@example.edu")
	if res := look.Get("/requests/" + r.PublicID + "/ils"); res.Status != http.StatusOK || strings.Contains(res.Body, "/retry") || strings.Contains(res.Body, "/done\"") {
		t.Errorf("read-only view: %d", res.Status)
	}
	if res := look.Post("/requests/"+r.PublicID+"/ils/AcceptItem/retry", nil); res.Status != http.StatusForbidden {
		t.Errorf("read-only retry: %d, want 403", res.Status)
	}
	other := w.Client(t)
	other.Login("other@example.edu")
	if res := other.Get("/requests/" + r.PublicID + "/ils"); res.Status != http.StatusNotFound {
		t.Errorf("another library's staff: %d, want 404", res.Status)
	}
}

func stepState(t *testing.T, w *apptest.World, r *ill.Request, svc ils.Service) store.StepState {
	t.Helper()
	var st store.CirculationStep
	err := w.App.DB.Read(context.Background(), func(tx *store.Tx) (err error) {
		st, err = tx.Agency().CirculationStep(r.Agency, r.ID, string(svc))
		return
	})
	if err != nil {
		t.Fatal(err)
	}
	return st.State
}
