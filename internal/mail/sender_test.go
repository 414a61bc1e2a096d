package mail_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"interlend/internal/config"
	"interlend/internal/ill"
	"interlend/internal/mail"
	"interlend/internal/mail/mailtest"
)

func newSender(t *testing.T, c mail.SMTPConfig) *mail.Sender {
	t.Helper()
	s, err := mail.NewSender(c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSendDeliversBothParts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []mailtest.Option
	}{
		{"plain", nil},
		{"plain with auth", []mailtest.Option{mailtest.WithAuth("relay", "s3cret")}},
		{"starttls with auth", []mailtest.Option{mailtest.WithTLS(mail.TLSStartTLS), mailtest.WithAuth("relay", "s3cret")}},
		{"implicit tls", []mailtest.Option{mailtest.WithTLS(mail.TLSImplicit)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := mailtest.Start(t, tc.opts...)
			m := validMessage()
			rc, err := newSender(t, srv.SMTPConfig()).Send(t.Context(), m)
			if err != nil {
				t.Fatal(err)
			}
			got := srv.WaitFor(t, "zoe@example.org", 10*time.Second)
			wantID := mail.MessageID(m.Key, mailtest.From)
			checks := []struct{ what, got, want string }{
				{"subject", got.Subject, m.Subject},
				{"text", got.Text, m.Text},
				{"html", got.HTML, m.HTML},
				{"message id", got.MessageID, wantID},
				{"receipt id", rc.MessageID, wantID},
				{"from name", got.From.Name, m.From.Name},
				{"from address", got.From.Address, mailtest.From},
				{"envelope from", got.EnvelopeFrom, mailtest.From},
				{"to name", got.To[0].Name, m.To.Name},
				{"auto-submitted", got.Header.Get("Auto-Submitted"), "auto-generated"},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
				}
			}
			if got.ParseError != "" {
				t.Errorf("parse error: %s", got.ParseError)
			}
		})
	}
}

func TestSendFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		fault     mailtest.Fault
		stage     mail.Stage
		code      int
		temporary bool
	}{
		{"greylisted after data", mailtest.Temporary, mail.StageData, 451, true},
		{"unknown mailbox", mailtest.Permanent, mail.StageRcpt, 550, false},
		{"sender refused", mailtest.Fault{At: mailtest.AtMail, Code: 553, Text: "5.7.1 Sender not allowed"}, mail.StageMail, 553, false},
		{"server busy at hello", mailtest.Fault{At: mailtest.AtHello, Code: 421, Text: "4.3.2 Too busy"}, mail.StageConnect, 421, true},
		{"content rejected", mailtest.Fault{At: mailtest.AtData, Code: 554, Text: "5.6.0 Message content rejected"}, mail.StageData, 554, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := mailtest.Start(t)
			srv.FailNext(tc.fault)
			_, err := newSender(t, srv.SMTPConfig()).Send(t.Context(), validMessage())
			var se *mail.SendError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, want a *SendError", err)
			}
			if se.Stage != tc.stage || se.Code != tc.code || se.Temporary != tc.temporary {
				t.Errorf("got stage %s code %d temporary %v, want %s %d %v", se.Stage, se.Code, se.Temporary, tc.stage, tc.code, tc.temporary)
			}
			if mail.IsPermanent(err) == tc.temporary {
				t.Errorf("IsPermanent = %v for temporary = %v", mail.IsPermanent(err), tc.temporary)
			}
			if !strings.Contains(se.Detail(), tc.fault.Text[6:]) {
				t.Errorf("detail %q lacks the server's text %q", se.Detail(), tc.fault.Text)
			}
			if len(srv.Messages()) != 0 {
				t.Errorf("a refused message was accepted")
			}
		})
	}
}

func TestSendErrorHidesAddresses(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	srv.FailNext(mailtest.Fault{At: mailtest.AtRcpt, Code: 550, Text: "5.1.1 <ZOE@example.org>: Recipient address rejected"})
	_, err := newSender(t, srv.SMTPConfig()).Send(t.Context(), validMessage())
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(strings.ToLower(err.Error()), "zoe@example.org") || !strings.Contains(err.Error(), "Recipient address rejected") {
		t.Errorf("Error() = %q: want the reply without the address", err)
	}
	var se *mail.SendError
	if errors.As(err, &se); !strings.Contains(se.Detail(), "ZOE@example.org") {
		t.Errorf("Detail() = %q: want the reply as received", se.Detail())
	}
}

func TestMessageIDStableAcrossRetry(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	srv.FailNext(mailtest.Temporary)
	s := newSender(t, srv.SMTPConfig())
	m := validMessage()
	m.Key = "mail.send:retry-me"
	if _, err := s.Send(t.Context(), m); mail.IsPermanent(err) || err == nil {
		t.Fatalf("first attempt: got %v, want a temporary failure", err)
	}
	m.Date = m.Date.Add(time.Minute) // a later attempt
	if _, err := s.Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	first, second := srv.WaitRejected(t, 1, 5*time.Second)[0], srv.WaitFor(t, "zoe@example.org", 5*time.Second)
	if first.MessageID == "" || first.MessageID != second.MessageID {
		t.Errorf("Message-ID changed between attempts: %q then %q", first.MessageID, second.MessageID)
	}
}

func TestSendConnectionProblems(t *testing.T) {
	t.Parallel()
	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.Start(t)
		srv.Refuse(true)
		_, err := newSender(t, srv.SMTPConfig()).Send(t.Context(), validMessage())
		var se *mail.SendError
		if !errors.As(err, &se) || se.Stage != mail.StageConnect || !se.Temporary || se.Code != 0 {
			t.Fatalf("got %#v, want a temporary connect failure", err)
		}
		srv.Refuse(false)
		if _, err := newSender(t, srv.SMTPConfig()).Send(t.Context(), validMessage()); err != nil {
			t.Fatalf("after reopening: %v", err)
		}
	})
	t.Run("silent server times out", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				t.Cleanup(func() { c.Close() }) // accept, never greet
			}
		}()
		host, port, _ := net.SplitHostPort(ln.Addr().String())
		p, _ := strconv.Atoi(port)
		c := mail.SMTPConfig{Host: host, Port: p, TLS: mail.TLSNone, From: "a@b.example", Timeout: 200 * time.Millisecond}
		_, err = newSender(t, c).Send(t.Context(), validMessage())
		if err == nil || mail.IsPermanent(err) {
			t.Fatalf("got %v, want a temporary failure", err)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.Start(t, mailtest.WithAuth("relay", "right"))
		c := srv.SMTPConfig()
		c.Password = "wrong"
		_, err := newSender(t, c).Send(t.Context(), validMessage())
		var se *mail.SendError
		if !errors.As(err, &se) || se.Code != 535 || se.Temporary {
			t.Fatalf("got %v, want a permanent 535", err)
		}
		if strings.Contains(err.Error(), "wrong") {
			t.Errorf("the error shows the password: %v", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.Start(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := newSender(t, srv.SMTPConfig()).Send(ctx, validMessage()); err == nil || mail.IsPermanent(err) {
			t.Fatalf("got %v, want a temporary failure", err)
		}
	})
}

func TestSenderConfig(t *testing.T) {
	t.Parallel()
	cfg := config.Defaults()
	if c := mail.ConfigFrom(cfg); c.Enabled() || c.Check() != nil {
		t.Errorf("defaults: enabled %v, check %v; want disabled and valid", c.Enabled(), c.Check())
	}
	s := newSender(t, mail.ConfigFrom(cfg))
	if _, err := s.Send(t.Context(), validMessage()); !ill.Is(err, ill.Unavailable) {
		t.Errorf("send without a server: got %v, want Unavailable", err)
	}
	bad := mail.SMTPConfig{Host: "smtp.example.org", Port: 70000, From: "nobody", TLS: "ssl"}
	_, err := mail.NewSender(bad)
	fields := ill.FieldErrors(err)
	for _, f := range []string{"smtp-from", "smtp-tls", "smtp-port"} {
		if _, ok := fields[f]; !ok {
			t.Errorf("fields %v do not name %s", fields, f)
		}
	}
}
