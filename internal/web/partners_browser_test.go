package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/testenv"
)

// With the keyboard alone: open a protocol message on a request's
// timeline (its body comes in by htmx, the XML indented), then go to the
// partner's page and send a test StatusRequest, whose round trip panel
// fills in by itself (htmx polling) until the partner's answer is there.
func TestBrowserMessagesAndPartnerRoundTripByKeyboard(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{Workers: 2})
	w.Agency(t, "US-EXA", "Example Library")
	w.Agency(t, "US-EXB", "Lender Library")
	ctx := context.Background()
	mgr := app.ActorFor(w.User(t, "mia@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleManager}), "US-EXA")
	r, err := w.App.CreateRequest(ctx, mgr, app.NewRequest{Citation: ill.Citation{Title: "Keyboard loans"},
		Lenders: []app.RotaChoice{{Lender: "US-EXB", Reason: "test"}}, Send: true})
	if err != nil {
		t.Fatal(err)
	}
	partnersWait(t, w, "the request delivered", func() bool { return partnerMsgState(t, w, mgr, r.PublicID, 0) == app.MsgDelivered })

	b := testenv.NewBrowser(t, w.URL)
	b.Login("mia@example.edu", apptest.Password)
	b.Navigate("/requests/" + r.PublicID)
	b.TabTo("Request New")
	b.Press("Enter") // opens the message; htmx loads its body
	b.WaitVisible(".msg-body pre.xml.pretty .x-tag")
	if got := b.Text(".msg-body pre.xml.pretty"); !strings.Contains(got, "\n  <request>") || !strings.Contains(got, "Keyboard loans") {
		t.Errorf("indented XML:\n%s", got)
	}
	if got := b.Text(".msg-body table.msg-attempts"); !strings.Contains(got, "Done") || !strings.Contains(got, "OK") {
		t.Errorf("attempts table: %q", got)
	}
	b.Axe()

	b.TabTo("Partners")
	b.AndWait(func() { b.Press("Enter") })
	b.TabTo("Lender Library")
	b.AndWait(func() { b.Press("Enter") })
	if p := b.Path(); p != "/partners/US-EXB" {
		t.Fatalf("on %s, want the lender's partner page", p)
	}
	b.Axe()
	b.TabTo("Send a test StatusRequest")
	b.Press("Enter") // htmx posts and swaps the round trip panel in
	deadline := time.Now().Add(testenv.BrowserTimeout)
	for {
		text := testenv.Eval[string](b, `(document.getElementById("roundtrip") || {}).innerText || ""`)
		if strings.Contains(text, "StatusRequestResponse") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the round trip panel never showed the answer:\n%s", text)
		}
		w.App.Jobs.Kick()
		time.Sleep(100 * time.Millisecond)
	}
	if got := b.Text("#roundtrip .rt-steps"); !strings.Contains(got, "OK") || !strings.Contains(got, "Delivered") {
		t.Errorf("round trip steps: %q", got)
	}
	if polling := testenv.Eval[bool](b, `document.getElementById("roundtrip").hasAttribute("hx-trigger")`); polling {
		t.Error("the finished round trip still polls")
	}
	b.Axe()
}
