package mailtest_test

import (
	"net/smtp"
	"strings"
	"testing"
	"time"

	"interlend/internal/config"
	"interlend/internal/mail/mailtest"
)

// send delivers raw with the standard library's client, independent of
// the mail package.
func send(t *testing.T, srv *mailtest.Server, to string, raw string) error {
	t.Helper()
	return smtp.SendMail(srv.Addr(), nil, "sender@example.org", []string{to}, []byte(strings.ReplaceAll(raw, "\n", "\r\n")))
}

const base64Message = `From: =?UTF-8?q?Z=C3=B6e?= <sender@example.org>
To: Ann <ann@example.org>
Subject: =?UTF-8?b?R3LDvMOfZQ==?=
Message-ID: <abc@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=outer

--outer
Content-Type: multipart/alternative; boundary=inner

--inner
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: base64

R3LDvMOfZSBhdXMgZGVyIEJp
Ymxpb3RoZWsu
--inner
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

<p>Gr=C3=BC=C3=9Fe</p>
--inner--
--outer--
`

func TestParsesNestedParts(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	if err := send(t, srv, "ann@example.org", base64Message); err != nil {
		t.Fatal(err)
	}
	m := srv.WaitFor(t, "ANN@example.org", 5*time.Second)
	checks := []struct{ what, got, want string }{
		{"subject", m.Subject, "Grüße"},
		{"text", m.Text, "Grüße aus der Bibliothek."},
		{"html", m.HTML, "<p>Grüße</p>"},
		{"message id", m.MessageID, "abc@example.org"},
		{"from name", m.From.Name, "Zöe"},
		{"to", m.To[0].Address, "ann@example.org"},
		{"envelope from", m.EnvelopeFrom, "sender@example.org"},
		{"parse error", m.ParseError, ""},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
		}
	}
	if !m.Accepted || len(m.Raw) == 0 {
		t.Errorf("accepted %v, raw %d bytes", m.Accepted, len(m.Raw))
	}
}

func TestFaultsAreTakenInOrder(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	srv.FailNext(mailtest.Temporary, mailtest.Permanent)
	msg := "Subject: hi\n\nhello\n"
	var got []string
	for range 3 {
		err := send(t, srv, "ann@example.org", msg)
		if err == nil {
			got = append(got, "ok")
		} else {
			got = append(got, err.Error()[:3])
		}
	}
	if want := []string{"451", "550", "ok"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %v, want %v", got, want)
	}
	if n := len(srv.Rejected()); n != 1 {
		t.Errorf("rejected after DATA: got %d, want 1 (the 451)", n)
	}
	if n := len(srv.WaitCount(t, 1, 5*time.Second)); n != 1 {
		t.Errorf("accepted: got %d, want 1", n)
	}
	if n := srv.Connections(); n != 3 {
		t.Errorf("connections: got %d, want 3", n)
	}
	srv.Reset()
	if len(srv.Messages()) != 0 || len(srv.Rejected()) != 0 || srv.Connections() != 0 {
		t.Error("Reset kept something")
	}
}

func TestRefuseAndReopen(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	srv.Refuse(true)
	if err := send(t, srv, "ann@example.org", "Subject: x\n\nx\n"); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("got %v, want connection refused", err)
	}
	srv.Refuse(false)
	if err := send(t, srv, "ann@example.org", "Subject: x\n\nx\n"); err != nil {
		t.Fatal(err)
	}
	srv.WaitFor(t, "ann@example.org", 5*time.Second)
}

func TestAuthRequired(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t, mailtest.WithAuth("u", "p"))
	if err := send(t, srv, "ann@example.org", "Subject: x\n\nx\n"); err == nil {
		t.Fatal("sent without authenticating")
	}
	auth := smtp.PlainAuth("", "u", "p", "127.0.0.1")
	if err := smtp.SendMail(srv.Addr(), auth, "a@example.org", []string{"ann@example.org"}, []byte("Subject: x\r\n\r\nx\r\n")); err != nil {
		t.Fatal(err)
	}
	srv.WaitFor(t, "ann@example.org", 5*time.Second)
}

func TestConfigure(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t, mailtest.WithAuth("u", "p"))
	cfg := config.Defaults()
	srv.Configure(&cfg)
	if cfg.SMTPHost != "127.0.0.1" || cfg.SMTPPort != srv.Port() || cfg.SMTPTLS != "none" || cfg.SMTPUser != "u" || cfg.SMTPPassword != "p" {
		t.Errorf("got host %q port %d tls %q user %q", cfg.SMTPHost, cfg.SMTPPort, cfg.SMTPTLS, cfg.SMTPUser)
	}
	if err := cfg.Validate(); err != nil {
		t.Error(err)
	}
}
