package mail_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/mail"
)

func validMessage() mail.Message {
	return mail.Message{
		From:    mail.Address{Name: "Bibliothèque Universitaire", Email: "ill@library.example"},
		To:      mail.Address{Name: "Zoë Ångström", Email: "zoe@example.org"},
		Subject: "Ihre Fernleihe „Faust“ ist da ✓",
		Text:    "Grüße aus der Bibliothek.\n",
		HTML:    "<p>Grüße aus der Bibliothek.</p>",
		Key:     "mail.send:abc",
		Date:    time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC),
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*mail.Message)
		kind   ill.Kind
		field  string
	}{
		{"no recipient", func(m *mail.Message) { m.To.Email = "" }, ill.Invalid, "to"},
		{"display name in the address", func(m *mail.Message) { m.To.Email = "Zoe <zoe@example.org>" }, ill.Invalid, "to"},
		{"no domain", func(m *mail.Message) { m.To.Email = "zoe@" }, ill.Invalid, "to"},
		{"two addresses", func(m *mail.Message) { m.To.Email = "a@x.org, b@x.org" }, ill.Invalid, "to"},
		{"header injection in a name", func(m *mail.Message) { m.To.Name = "Zoe\r\nBcc: all@x.org" }, ill.Invalid, "to_name"},
		{"empty subject", func(m *mail.Message) { m.Subject = "  " }, ill.Invalid, "subject"},
		{"two-line subject", func(m *mail.Message) { m.Subject = "Hello\r\nBcc: all@x.org" }, ill.Invalid, "subject"},
		{"long subject", func(m *mail.Message) { m.Subject = strings.Repeat("é", mail.MaxSubject+1) }, ill.TooLarge, "subject"},
		{"no text part", func(m *mail.Message) { m.Text = "" }, ill.Invalid, "text"},
		{"not UTF-8", func(m *mail.Message) { m.Text = "caf\xe9" }, ill.Invalid, "body"},
		{"huge HTML", func(m *mail.Message) { m.HTML = strings.Repeat("x", mail.MaxBody+1) }, ill.TooLarge, "body"},
		{"bad reply-to", func(m *mail.Message) { m.ReplyTo.Email = "nobody" }, ill.Invalid, "reply_to"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := validMessage()
			tc.change(&m)
			err := m.Validate()
			if got := ill.KindOf(err); err == nil || got != tc.kind {
				t.Fatalf("got %v (kind %v), want kind %v", err, got, tc.kind)
			}
			if _, ok := ill.FieldErrors(err)[tc.field]; !ok {
				t.Errorf("fields %v do not name %q", ill.FieldErrors(err), tc.field)
			}
			if strings.Contains(err.Error(), "zoe@example.org") {
				t.Errorf("the error quotes the address: %v", err)
			}
		})
	}
	if err := validMessage().Validate(); err != nil {
		t.Fatalf("valid message: %v", err)
	}
}

func TestMessageID(t *testing.T) {
	t.Parallel()
	a := mail.MessageID("mail.send:1", "ill@library.example")
	if again := mail.MessageID("mail.send:1", "ill@library.example"); again != a {
		t.Errorf("same key: got %q then %q", a, again)
	}
	if other := mail.MessageID("mail.send:2", "ill@library.example"); other == a {
		t.Errorf("different keys gave the same id %q", a)
	}
	if !strings.HasSuffix(a, "@library.example") || strings.Contains(a, "mail.send") {
		t.Errorf("got %q, want a hashed id at the sender's domain", a)
	}
	if got := mail.MessageID("k", "broken"); !strings.HasSuffix(got, "@interlend.invalid") {
		t.Errorf("no domain: got %q", got)
	}
}

func TestBytes(t *testing.T) {
	t.Parallel()
	raw, err := mail.Bytes(validMessage())
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for _, want := range []string{
		"Auto-Submitted: auto-generated",
		"Message-ID: <" + mail.MessageID("mail.send:abc", "ill@library.example") + ">",
		"Content-Type: multipart/alternative",
		"Date: Mon, 02 Mar 2026 14:00:00 +0000",
	} {
		if !bytes.Contains(head, []byte(want)) {
			t.Errorf("headers lack %q:\n%s", want, head)
		}
	}
	for _, c := range head {
		if c > 127 {
			t.Fatalf("headers hold raw non-ASCII bytes (want encoded words):\n%s", head)
		}
	}
	for _, bad := range []string{"go-mail", "Bcc"} {
		if bytes.Contains(head, []byte(bad)) {
			t.Errorf("headers mention %q:\n%s", bad, head)
		}
	}
}
