package app_test

import (
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/mail/mailtest"
	"interlend/internal/store"
)

// Email choices in the portal, honoured by the mailer: with "request
// received" turned off no such mail is queued or sent; turned on again it
// arrives at the SMTP server. The notices that ask the patron to act
// cannot be turned off.
func TestPatronNoticePreferences(t *testing.T) {
	t.Parallel()
	pw := newPortalWorld(t, store.SQLite)
	prefs, err := pw.app.MyNoticePrefs(pw.ctx, pw.actor)
	if err != nil {
		t.Fatal(err)
	}
	var on []string
	for _, p := range prefs {
		if !p.On {
			t.Errorf("%s is off by default", p.Key)
		}
		if p.Key != "patron.received" {
			on = append(on, p.Key)
		}
	}
	// Off: "received" (and, asked for, "overdue", which stays on).
	on = removeKey(on, "patron.overdue")
	if err := pw.app.SetMyNoticePrefs(pw.ctx, pw.actor, on); err != nil {
		t.Fatal(err)
	}
	prefs, _ = pw.app.MyNoticePrefs(pw.ctx, pw.actor)
	for _, p := range prefs {
		switch p.Key {
		case "patron.received":
			if p.On {
				t.Error("received still on")
			}
		case "patron.overdue", "patron.question", "patron.recalled":
			if !p.On || !p.Required {
				t.Errorf("%s: on %v required %v; want always on", p.Key, p.On, p.Required)
			}
		}
	}
	quiet := pw.submit(app.PortalForm{Kind: app.FormBook, Fields: map[string]string{"title": "A quiet book", "author": "Hush, Ann"}})
	// Every notice on again: the next request's mail arrives.
	all := make([]string, 0, len(prefs))
	for _, p := range prefs {
		all = append(all, p.Key)
	}
	if err := pw.app.SetMyNoticePrefs(pw.ctx, pw.actor, all); err != nil {
		t.Fatal(err)
	}
	loud := pw.submit(app.PortalForm{Kind: app.FormBook, Fields: map[string]string{"title": "A loud book", "author": "Bang, Bob"}})
	pw.mailAbout("A loud book")
	pw.settle()
	for _, m := range pw.smtp.MessagesTo(pw.email) {
		if strings.Contains(m.Subject, "A quiet book") || strings.Contains(m.Text, quiet.PublicID) {
			t.Errorf("a notice turned off was sent: %q", m.Subject)
		}
	}
	if loud.PublicID == quiet.PublicID {
		t.Fatal("one request")
	}
}

func removeKey(ss []string, k string) []string {
	out := ss[:0]
	for _, s := range ss {
		if s != k {
			out = append(out, s)
		}
	}
	return out
}

// A patron writes to staff from the portal: the request is flagged for
// the desk and the message shows on the desk's panel; staff answer: the
// flag goes, the answer is in the patron's history and arrives by email.
// Another patron cannot write on it; an empty message is refused.
func TestPatronAndStaffMessages(t *testing.T) {
	t.Parallel()
	pw := newPortalWorld(t, store.SQLite)
	r := pw.submit(book("A book to talk about"))
	if _, err := pw.app.PortalMessage(pw.ctx, pw.other, r.PublicID, "not mine"); !ill.Is(err, ill.NotFound) {
		t.Errorf("another patron's message: %v", err)
	}
	if _, err := pw.app.PortalMessage(pw.ctx, pw.actor, r.PublicID, "   "); !ill.Is(err, ill.Invalid) {
		t.Errorf("an empty message: %v", err)
	}
	if _, err := pw.app.PortalMessage(pw.ctx, pw.actor, r.PublicID, "Could it come to the branch library?"); err != nil {
		t.Fatal(err)
	}
	panel, err := pw.app.BorrowingPanelFor(pw.ctx, staff(libA), r.PublicID)
	if err != nil {
		t.Fatal(err)
	}
	if !panel.PatronWaiting || !panel.Request.Attention || len(panel.Conversation) != 1 || panel.Conversation[0].ByStaff ||
		panel.Conversation[0].Note != "Could it come to the branch library?" {
		t.Fatalf("the desk's panel: waiting %v attention %v conversation %+v", panel.PatronWaiting, panel.Request.Attention, panel.Conversation)
	}
	if _, err := pw.app.StaffMessage(pw.ctx, staff(libA), r.PublicID, "Yes: it will wait for you at the branch."); err != nil {
		t.Fatal(err)
	}
	panel, _ = pw.app.BorrowingPanelFor(pw.ctx, staff(libA), r.PublicID)
	if panel.PatronWaiting || panel.Request.Attention || len(panel.Conversation) != 2 || !panel.Conversation[1].ByStaff {
		t.Errorf("after the answer: waiting %v attention %v conversation %+v", panel.PatronWaiting, panel.Request.Attention, panel.Conversation)
	}
	v := pw.view(r.PublicID)
	var keys []string
	for _, h := range v.History {
		keys = append(keys, h.Key)
		if h.Key == "portal.history.staff_message" && h.Note != "Yes: it will wait for you at the branch." {
			t.Errorf("the answer in the history: %q", h.Note)
		}
	}
	if j := strings.Join(keys, " "); !strings.Contains(j, "portal.history.patron_message") || !strings.Contains(j, "portal.history.staff_message") {
		t.Errorf("history: %v", keys)
	}
	ms := pw.smtp.WaitMatch(t, "staff message", 1, 15*time.Second, func(m mailtest.Message) bool {
		return m.SentTo(pw.email) && strings.Contains(m.Subject, "A message about your request") && strings.Contains(m.Text, "it will wait for you at the branch")
	})
	if len(ms) != 1 {
		t.Fatalf("mails: %d", len(ms))
	}
	// A second answer is a mail of its own.
	if _, err := pw.app.StaffMessage(pw.ctx, staff(libA), r.PublicID, "It has arrived."); err != nil {
		t.Fatal(err)
	}
	pw.smtp.WaitMatch(t, "second staff message", 1, 15*time.Second, func(m mailtest.Message) bool {
		return m.SentTo(pw.email) && strings.Contains(m.Text, "It has arrived.")
	})
}
