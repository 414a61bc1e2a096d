package mail_test

import (
	"testing"

	"interlend/internal/mail"
	"interlend/internal/mail/mailtest"
)

// BenchmarkRenderNotice renders the test notice (subject, text, HTML) from
// its default template.
func BenchmarkRenderNotice(b *testing.B) {
	data := mail.TestData{Agency: "Example University Library", SentBy: "Ada"}
	for b.Loop() {
		if _, err := mail.Render(mail.TestNotice, nil, data, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompose builds the MIME message of a two-part notice.
func BenchmarkCompose(b *testing.B) {
	m := validMessage()
	for b.Loop() {
		if _, err := mail.Bytes(m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSendLoopback delivers one message per connection to the test
// server on loopback (connect, EHLO, MAIL, RCPT, DATA, QUIT).
func BenchmarkSendLoopback(b *testing.B) {
	srv := mailtest.Start(b)
	s, err := mail.NewSender(srv.SMTPConfig())
	if err != nil {
		b.Fatal(err)
	}
	m := validMessage()
	for b.Loop() {
		if _, err := s.Send(b.Context(), m); err != nil {
			b.Fatal(err)
		}
	}
}
